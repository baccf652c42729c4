"""One run per output folder: an exclusive lock on ``<output>.lock``, held for the whole run.

Two runs into one ``--output`` would share its staging folder: the second's ``--overwrite``
would delete the first's batches, and each would commit the other's half. :class:`OutputLock`
takes an operating-system lock (``flock``) on ``<output>.lock`` beside the output before
anything in the output or its staging folder is touched, and writes who holds it (pid, host,
start time) into that file, so a second run fails at once naming the first.

The operating system drops the lock when the process that took it ends, however it ends, so a
killed run leaves no stale lock: its file may stay, but the next run (``--resume``) takes it
over. Only that process holds the lock: worker processes forked from it (a local pool) close
their copy, so a worker that outlives a killed run does not keep its output locked.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import functools
import inspect
import json
import os
import socket
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, TypeVar

from .writer import OutputNotWritableError, check_output_name, check_writable

LOCK_SUFFIX = ".lock"
#: What ``flock`` raises when another process holds the lock (EACCES on some filesystems).
HELD_ERRNOS = frozenset({errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES})
#: Descriptors of the locks this process holds: closed in forked children.
_HELD: set[int] = set()

Run = TypeVar("Run", bound=Callable[..., Any])


class OutputLockedError(RuntimeError):
    """Another run, still alive, holds the output's lock."""


def lock_path(output: Path) -> Path:
    """The lock file of a run into ``output``: ``<output>.lock`` beside it."""
    return Path(output).with_name(f"{Path(output).name}{LOCK_SUFFIX}")


class OutputLock:
    """The lock of one output folder; a context manager (or :meth:`acquire` and :meth:`release`)."""

    def __init__(self, output: Path | str) -> None:
        self.output = Path(output)
        check_output_name(self.output)  # ".", "/": no name to put ".lock" after
        self.path = lock_path(self.output)
        self._fd: int | None = None

    def __enter__(self) -> OutputLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> OutputLock:
        """Take the lock, or raise OutputLockedError naming the run that holds it (at once, no waiting)."""
        check_writable(self.output)  # the lock file goes beside the output: say plainly if it cannot
        while True:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as err:
                holder = _read(fd)
                os.close(fd)
                if err.errno in HELD_ERRNOS:
                    raise OutputLockedError(self._message(holder)) from None
                raise OutputNotWritableError(
                    f"Cannot lock {self.path} ({err.strerror or err}): its file system has no file locks, "
                    f"so two runs could write one output; choose an --output on a local disk or NFS."
                ) from err
            # The run before us removes its file when it ends: if it did so between our open and
            # our lock, we hold a file nobody else will open, so try again on the path's file.
            if _same_file(fd, self.path):
                break
            os.close(fd)
        holder = {"pid": os.getpid(), "host": socket.gethostname(), "started": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(holder) + "\n").encode("utf8"), 0)
        self._fd = fd
        _HELD.add(fd)
        return self

    def release(self) -> None:
        """Remove the lock file (while still holding it, so no other run's file is removed) and unlock."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        _HELD.discard(fd)
        try:
            self.path.unlink(missing_ok=True)
        finally:
            os.close(fd)

    def _message(self, holder: dict[str, Any]) -> str:
        if holder.get("pid"):
            who = f"pid {holder['pid']} on {holder.get('host', '?')}, started {holder.get('started', '?')}"
        else:
            who = "it has not written its pid yet"
        return (
            f"Another run is writing to {self.output} ({who}; lock {self.path}): wait for it to end, "
            f"or stop it and run again with --resume to continue it, or choose another --output."
        )


def holding_output_lock(run: Run) -> Run:
    """Decorate ``run`` (a function with an ``output`` argument) so that it runs holding that
    output's :class:`OutputLock`, taken before its first line and released when it returns or raises."""
    signature = inspect.signature(run)

    @functools.wraps(run)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with OutputLock(signature.bind(*args, **kwargs).arguments["output"]):
            return run(*args, **kwargs)

    return locked  # type: ignore[return-value]


def _read(fd: int) -> dict[str, Any]:
    """The holder recorded in a lock file ({} while it is being written, or if it is not ours)."""
    try:
        holder = json.loads(os.pread(fd, 4096, 0).decode("utf8"))
    except (OSError, ValueError):
        return {}
    return holder if isinstance(holder, dict) else {}


def _same_file(fd: int, path: Path) -> bool:
    try:
        on_disk = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (opened.st_dev, opened.st_ino) == (on_disk.st_dev, on_disk.st_ino)


def _close_in_child() -> None:
    # A forked child shares the parent's open lock; closing its copy leaves the parent's held.
    for fd in _HELD:
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_in_child)
