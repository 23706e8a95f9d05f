"""Symbolic links in input folders: a link that leads out of the folder is not followed unless
asked (shared by :mod:`~secnews.corpus.loaders.sources` and :mod:`~secnews.corpus.loaders.folder`)."""

from __future__ import annotations

from pathlib import Path

__all__ = ["LINK_REASON", "outside_link"]

#: Reject reason of a symbolic link out of the input folder (``follow_symlinks`` off).
LINK_REASON = (
    "symbolic link out of the input folder (to {target}): not followed; build with "
    "--follow-symlinks to read it"
)


def outside_link(path: Path, root: Path) -> Path | None:
    """The target of ``path`` when it is a symbolic link that leads outside ``root``, else
    ``None`` (links inside the input folder are read like the files they point to)."""
    if not path.is_symlink():
        return None
    target = path.resolve()
    base = root.resolve()
    return None if target == base or target.is_relative_to(base) else target
