"""Settings of the folder loader, shared by its two passes (:mod:`secnews.corpus.loaders.folder`
and :mod:`secnews.corpus.loaders.folder_vocab`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from secnews.corpus.clean.dates import DEFAULT_MAX_YEAR, DEFAULT_MIN_YEAR
from secnews.corpus.clean.unwrap import UnwrapSettings

__all__ = ["FolderSettings"]


@dataclass(frozen=True)
class FolderSettings:
    """Settings of :func:`load_folder` (written into the build manifest).

    Parameters
    ----------
    unwrap
        Unwrap hard-wrapped lines into paragraphs (:func:`secnews.corpus.clean.unwrap.unwrap`).
    hyphenation
        Fit a :class:`~secnews.corpus.clean.unwrap.HyphenationModel` on the folder first (a second pass
        over the files) and use it to rejoin words split across line breaks; ``False`` keeps every
        line-end hyphen.
    min_count
        ``min_count`` of the hyphenation model.
    unwrap_settings
        Paragraph rules of the unwrapping.
    n_jobs
        Worker processes (``-1``: all cores; ``1``: no pool).
    chunk_size
        Files per task sent to a worker (four times as many in the vocabulary pass).
    max_bytes
        Files larger than this are rejected (``None``: no limit).
    min_chars
        Documents with fewer characters of text are rejected as empty.
    dayfirst
        Day-first rule for a ``{date}`` field (see :mod:`secnews.corpus.clean.dates`).
    min_year, max_year
        A date from the path outside these years rejects the file (``implausible date``).
    title
        Title from the first line of each file: ``"none"``, ``"first-line"`` or ``"auto"`` (when
        it is short and separated from the body by a blank line; see
        :mod:`secnews.corpus.clean.titles`). A ``{title}`` field of the pattern wins.
    start_method
        Start method of the worker processes (``fork``, ``forkserver``, ``spawn``); ``None``:
        ``fork`` on Linux, the platform default elsewhere. With ``forkserver`` or ``spawn`` a
        script must guard its code with ``if __name__ == "__main__":``.
    """

    unwrap: bool = True
    hyphenation: bool = True
    min_count: int = 2
    unwrap_settings: UnwrapSettings = field(default_factory=UnwrapSettings)
    n_jobs: int = -1
    chunk_size: int = 64
    max_bytes: int | None = 50_000_000
    min_chars: int = 1
    dayfirst: bool = False
    min_year: int = DEFAULT_MIN_YEAR
    max_year: int = DEFAULT_MAX_YEAR
    start_method: str | None = None
    title: str = "none"

    def __post_init__(self) -> None:
        from secnews.corpus.clean.titles import TITLE_MODES

        if self.title not in TITLE_MODES:
            raise ValueError(f"title must be one of {', '.join(TITLE_MODES)}, got {self.title!r}")
