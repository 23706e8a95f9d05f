"""A lock on an output path, held while a build (or a download) writes it.

The lock is an advisory ``flock`` on a small file beside the target, ``.{name}.lock`` (the target
itself may not exist yet, and it is replaced by a rename, so it cannot carry the lock). The
holder writes its process id, host name and start time into the file, so a second process that
finds the lock taken can say who holds it (:class:`TargetLockedError`). The kernel releases the
lock when its holder exits, however it exits (``kill -9`` included), so a crashed build never
leaves a lock behind (only, after ``kill -9``, the lock file, which the next holder takes over).
A holder removes the lock file before it unlocks; a process that locked a file which is no longer
at the path (it opened it just before the removal) opens the new one and tries again, so two
processes never both believe they hold the lock.

While the lock is held, nobody else writes beside the target: temporary files and folders of
earlier holders that did not finish (``.{name}.building-*``, ``.{name}.old-*``, ``*.part``) are
stale and :func:`remove_stale` deletes them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import logging
import os
import shutil
import socket
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = ["LockHolder", "TargetLockedError", "lock_path", "remove_stale", "target_lock"]

logger = logging.getLogger(__name__)


class TargetLockedError(OSError):
    """Another process holds the lock of the target; the message names it."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "locked"


@dataclass(frozen=True)
class LockHolder:
    """Who holds a lock: process id, host name and start time (UTC, ISO 8601)."""

    pid: int | None
    host: str | None
    since: str | None

    def describe(self) -> str:
        """``pid 123 on host h since 2026-01-01T10:00:00+00:00`` (unknown parts left out)."""
        if self.pid is None:
            return "a process that has not written its name yet"
        text = f"pid {self.pid}"
        if self.host:
            text += f" on host {self.host}"
        if self.since:
            text += f" since {self.since}"
        return text


def lock_path(target: str | Path) -> Path:
    """The lock file of ``target``: ``.{name}.lock`` in the same folder."""
    target = Path(target).absolute()
    return target.parent / f".{target.name}.lock"


def _read_holder(fd: int) -> LockHolder:
    try:
        raw = os.pread(fd, 4096, 0).decode("utf-8", "replace")
        data = json.loads(raw) if raw.strip() else {}
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    pid = data.get("pid")
    return LockHolder(
        pid=pid if isinstance(pid, int) else None,
        host=str(data["host"]) if data.get("host") else None,
        since=str(data["since"]) if data.get("since") else None,
    )


@contextlib.contextmanager
def target_lock(target: str | Path, *, what: str = "built") -> Iterator[LockHolder]:
    """Hold the lock of ``target`` for the duration of the ``with`` block.

    Parameters
    ----------
    target
        The path to protect (its folder is created when missing).
    what
        Verb for the error message (``"{target} is being built by ..."``).

    Yields
    ------
    LockHolder
        This process's entry in the lock file.

    Raises
    ------
    TargetLockedError
        At once (no waiting) when another process holds the lock; the message names its pid,
        host and start time.
    """
    import fcntl

    path = lock_path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = _read_holder(fd)
            os.close(fd)
            if exc.errno not in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                raise
            raise TargetLockedError(
                f"{Path(target).absolute()} is being {what} by {holder.describe()} "
                f"(lock file {path}); wait for it to finish or choose another output"
            ) from None
        # the previous holder removes the file before it unlocks: a lock on a removed file is
        # no lock, so try again with the file now at the path
        try:
            same = os.path.samestat(os.fstat(fd), os.stat(path))
        except FileNotFoundError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        me = LockHolder(
            pid=os.getpid(),
            host=socket.gethostname(),
            since=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        )
        payload = json.dumps({"pid": me.pid, "host": me.host, "since": me.since}) + "\n"
        os.ftruncate(fd, 0)
        os.pwrite(fd, payload.encode("utf-8"), 0)
        try:
            yield me
        finally:
            with contextlib.suppress(OSError):
                path.unlink()  # still locked: nobody can hold a lock on it meanwhile
    finally:
        os.close(fd)  # releases the flock


def remove_stale(folder: str | Path, patterns: tuple[str, ...]) -> list[Path]:
    """Delete the files and folders of ``folder`` matching ``patterns`` (glob); call it only
    while holding the lock that every writer of those paths takes.

    Returns
    -------
    list of Path
        What was removed.
    """
    removed: list[Path] = []
    base = Path(folder)
    if not base.is_dir():
        return removed
    for pattern in patterns:
        for path in sorted(base.glob(pattern)):
            try:
                if path.is_dir() and not path.is_symlink():
                    shutil.rmtree(path)
                else:
                    path.unlink()
            except FileNotFoundError:
                continue
            except OSError as exc:
                logger.warning("could not remove stale %s: %s", path, exc)
                continue
            removed.append(path)
    if removed:
        logger.info(
            "removed %d stale temporary path(s) of interrupted runs in %s", len(removed), base
        )
    return removed
