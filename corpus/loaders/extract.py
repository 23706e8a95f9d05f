"""The cleaned article of one page-text or saved HTML file (``secnews extract``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from secnews.corpus.loaders.page import ExtractResult

__all__ = ["extract_file"]


def extract_file(
    path: str | Path,
    *,
    format: str = "auto",
    outlet: str | None = None,
    settings: Any = None,
) -> ExtractResult:
    """Clean one page-text (``.txt``) or saved HTML (``.html``/``.htm``) file.

    Parameters
    ----------
    path
        The file.
    format
        ``"auto"`` (from the suffix: ``.htm``, ``.html``, ``.xhtml`` are HTML, anything else page
        text), ``"pagetext"`` or ``"html"``.
    outlet
        The outlet, when the caller knows it.
    settings
        A :class:`~secnews.corpus.loaders.pagetext.PageTextSettings` or
        :class:`~secnews.corpus.loaders.html.HtmlSettings` (``None``: the defaults of the format).

    Returns
    -------
    ExtractResult

    Raises
    ------
    ValueError
        When the file cannot be read or holds no article; the message is the reject reason.
    """
    kind = format
    if kind == "auto":
        kind = "html" if Path(path).suffix.lower() in {".htm", ".html", ".xhtml"} else "pagetext"
    if kind == "html":
        from secnews.corpus.loaders.html import extract_html

        return extract_html(path, outlet=outlet, settings=settings)
    if kind == "pagetext":
        from secnews.corpus.loaders.pagetext import extract_pagetext

        return extract_pagetext(path, outlet=outlet, settings=settings)
    raise ValueError(f"unknown format {format!r} (auto, pagetext or html)")
