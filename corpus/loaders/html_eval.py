"""Evaluation of the HTML loader against trafilatura's labelled news pages.

The evaluation file (``html-news-pages/evaldata_subset.json``) maps each page URL to its ``file``,
strings it must contain (``with``) and strings it must not (``without``: menus, footers, bylines,
teasers). A page passes a check when, after :func:`~secnews.corpus.clean.normalize.normalize_inline` of
both sides (so curly quotes and dashes compare equal to the straight ones of the corpus), the
``with`` string occurs in the extracted title + lede + text, or the ``without`` string does not.
A page the loader rejects fails all its ``with`` checks and passes its ``without`` checks.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from secnews.corpus.clean.normalize import join_paragraphs, normalize_inline
from secnews.corpus.loaders.html import HtmlSettings, extract_html

__all__ = ["PageScore", "evaluate_html", "overall_share"]


@dataclass(frozen=True, slots=True)
class PageScore:
    """The checks of one page: how many ``with``/``without`` strings passed, and which failed."""

    file: str
    with_passed: int
    with_total: int
    without_passed: int
    without_total: int
    failed: tuple[str, ...]
    seconds: float
    reject: str | None = None

    @property
    def share(self) -> float:
        """Share of this page's checks passed."""
        total = self.with_total + self.without_total
        return (self.with_passed + self.without_passed) / total if total else 1.0


def evaluate_html(
    eval_json: str | Path,
    html_dir: str | Path,
    *,
    settings: HtmlSettings | None = None,
    use_url: bool = False,
) -> list[PageScore]:
    """Run the HTML loader on every page of the evaluation file and score its checks.

    Parameters
    ----------
    eval_json
        ``evaldata_subset.json``.
    html_dir
        The folder of the saved pages.
    settings
        Loader settings (``None``: defaults).
    use_url
        Give the page's URL to trafilatura (``False``: as for a user's saved page, the URL comes
        only from the page itself).

    Returns
    -------
    list of PageScore
        One per page, sorted by file name.
    """
    entries = json.loads(Path(eval_json).read_text(encoding="utf-8"))
    scores = []
    for url, entry in sorted(entries.items(), key=lambda item: item[1]["file"]):
        start = time.perf_counter()
        reject: str | None = None
        try:
            result = extract_html(
                Path(html_dir) / entry["file"], settings=settings, url=url if use_url else None
            )
            text = normalize_inline(
                join_paragraphs([result.title or "", result.lede or "", result.text])
            )
        except ValueError as exc:
            reject, text = str(exc), ""
        seconds = time.perf_counter() - start
        with_ok = [normalize_inline(s) in text for s in entry.get("with", [])]
        without_ok = [normalize_inline(s) not in text for s in entry.get("without", [])]
        failed = [
            f"with: {s}" for s, ok in zip(entry.get("with", []), with_ok, strict=True) if not ok
        ]
        failed += [
            f"without: {s}"
            for s, ok in zip(entry.get("without", []), without_ok, strict=True)
            if not ok
        ]
        scores.append(
            PageScore(
                file=entry["file"],
                with_passed=sum(with_ok),
                with_total=len(with_ok),
                without_passed=sum(without_ok),
                without_total=len(without_ok),
                failed=tuple(failed),
                seconds=seconds,
                reject=reject,
            )
        )
    return scores


def overall_share(scores: list[PageScore]) -> float:
    """Share of all checks (``with`` and ``without``, every page) passed."""
    passed = sum(s.with_passed + s.without_passed for s in scores)
    total = sum(s.with_total + s.without_total for s in scores)
    return passed / total if total else 1.0
