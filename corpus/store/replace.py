"""Replacing a corpus folder atomically: what a corpus folder may hold, the checks that keep a
build from replacing anything else, and the swap that puts a finished folder in place.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from secnews.corpus.atomic import current_umask
from secnews.corpus.store.layout import ARTICLES_DIR, ARTICLES_FILE, parts_problem
from secnews.corpus.store.read import MANIFEST_FILE, REJECTS_FILE

__all__ = [
    "CORPUS_ENTRIES",
    "CORPUS_FORMAT",
    "corpus_format",
    "replace_dir",
    "replace_problem",
    "staging_dir",
]

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def _exchange(first: Path, second: Path) -> bool:
    """Atomically swap two paths with Linux ``renameat2(RENAME_EXCHANGE)``; False if unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    renameat2.restype = ctypes.c_int
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


#: Format tag of the manifest a build writes; only folders whose manifest has it are replaced.
#: ``secnews-corpus/2``: the rows in part files (``articles/``) listed in the manifest; ``/1``
#: was one ``articles.parquet``. A folder of either format may be replaced.
CORPUS_FORMAT = "secnews-corpus/2"
#: What a corpus folder holds (the corpus files of either layout, the preprocessing cache of the
#: analyses and the ``step.json`` of a study's build step); a folder with anything else in it,
#: or an ``articles/`` with anything but part files, is never replaced.
CORPUS_ENTRIES = frozenset(
    {ARTICLES_DIR, ARTICLES_FILE, MANIFEST_FILE, REJECTS_FILE, "preprocessed", "step.json"}
)


def corpus_format(folder: str | Path) -> str | None:
    """The ``format`` of ``folder/manifest.json`` when it is a secnews corpus manifest, else
    ``None`` (no manifest, not JSON, not an object, or no ``secnews-corpus/`` format)."""
    try:
        with open(Path(folder) / MANIFEST_FILE, encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return None
    fmt = data.get("format") if isinstance(data, dict) else None
    return fmt if isinstance(fmt, str) and fmt.startswith("secnews-corpus/") else None


def replace_problem(out: str | Path) -> str | None:
    """Why the folder ``out`` may not be replaced by a new corpus, or ``None`` when it may.

    It may when it does not exist, is an empty folder, or is a secnews corpus: its
    ``manifest.json`` has a ``secnews-corpus/`` format and it holds nothing but the corpus
    files (:data:`CORPUS_ENTRIES`), its ``articles/`` (if any) nothing but part files.
    """
    out = Path(out)
    if not out.exists() and not out.is_symlink():
        return None
    if out.is_symlink():
        return "it is a symbolic link (give the folder it points to)"
    if not out.is_dir():
        return "it is not a folder"
    entries = sorted(p.name for p in out.iterdir())
    if not entries:
        return None
    if corpus_format(out) is None:
        if MANIFEST_FILE in entries:
            return f"its {MANIFEST_FILE} is not a secnews corpus manifest"
        return f"it is not a secnews corpus (no {MANIFEST_FILE})"
    foreign = [name for name in entries if name not in CORPUS_ENTRIES]
    if foreign:
        shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
        return f"it holds files that are not part of a corpus ({shown})"
    if ARTICLES_DIR in entries:
        return parts_problem(out / ARTICLES_DIR)
    return None


def replace_dir(new: Path, out: Path) -> None:
    """Put the finished folder ``new`` at ``out``, replacing a previous corpus there.

    With ``renameat2(RENAME_EXCHANGE)`` (Linux) the swap is one atomic step; elsewhere the old
    folder is first renamed aside, so an interruption between the two renames leaves it in
    ``.{name}.old-*`` beside the target rather than losing it.
    """
    if not out.exists():
        os.replace(new, out)
        return
    if _exchange(new, out):
        shutil.rmtree(new, ignore_errors=True)  # now holds the previous corpus
        return
    old = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
    old.rmdir()
    os.replace(out, old)
    os.replace(new, out)
    shutil.rmtree(old, ignore_errors=True)


def _refuse(target: Path) -> None:
    problem = replace_problem(target)
    if problem is not None:
        raise FileExistsError(
            f"{target} exists and {problem}; refusing to replace it: choose another --out "
            "(a build only replaces an empty folder or a secnews corpus)"
        )


@contextlib.contextmanager
def staging_dir(out: str | Path) -> Iterator[Path]:
    """Yield a temporary folder beside ``out``; on success it replaces ``out`` atomically.

    The lock of ``out`` (:func:`secnews.corpus.store.lock.target_lock`, a file
    ``.{name}.lock`` beside it) is held from the start to the swap, so two builds into one
    folder never interleave: the second fails at once and names the first. Holding the lock,
    the temporary folders of earlier builds that were killed (``.{name}.building-*``,
    ``.{name}.old-*``) are removed first.

    On any exception (including ``KeyboardInterrupt``) the temporary folder is removed and a
    previous corpus at ``out`` is left untouched.

    Raises
    ------
    FileExistsError
        When ``out`` exists and is neither an empty folder nor a secnews corpus (never deleted;
        see :func:`replace_problem`).
    secnews.corpus.store.lock.TargetLockedError
        When another build holds the lock of ``out``.
    """
    from secnews.corpus.store.lock import remove_stale, target_lock

    target = Path(out).absolute()
    _refuse(target)
    with target_lock(target):
        _refuse(target)
        remove_stale(target.parent, (f".{target.name}.building-*", f".{target.name}.old-*"))
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-", dir=target.parent))
        try:
            yield tmp
            tmp.chmod(0o777 & ~current_umask())
            _refuse(target)
            replace_dir(tmp, target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
