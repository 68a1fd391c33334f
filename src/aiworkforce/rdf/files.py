"""Writing files atomically, so an interrupted run never leaves half a file."""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from aiworkforce.errors import InputError, UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock
    fcntl = None


def write_atomic(path: str | Path, data: str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    write_atomic_bytes(path, data.encode("utf-8"))


def write_atomic_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename.

    A symbolic link is followed (its target is replaced, the link kept); a target that is not a regular file
    (a FIFO, ``/dev/stdout``) is written to directly. A new file gets the usual permissions (0666 less the
    umask), an existing one keeps its own.
    """
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        if path.is_dir():
            raise InputError("is a directory, not a file", path=path)
        try:
            with path.open("wb") as handle:
                handle.write(data)
        except OSError as exc:
            raise InputError(f"cannot write: {exc.strerror or exc}", path=path) from None
        return
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("the folder to write into does not exist", path=path)
    mode = (path.stat().st_mode & 0o7777) if path.exists() else 0o666 & ~_umask()
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write file: {exc.strerror or exc}", path=path,
                         hint="check that the folder exists and is writable") from None
    except BaseException:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


#: Seconds `add` waits for another `add` merging into the same folder before giving up.
LOCK_WAIT = 120.0
LOCK_NAME = ".aiworkforce.lock"


@contextmanager
def folder_lock(folder: str | Path, *, wait: float = LOCK_WAIT, what: str = "another `aiworkforce add`"):
    """Hold an exclusive lock on ``folder`` (a lock file in it) for the ``with`` block; wait at most ``wait``
    seconds for whoever holds it, then raise :class:`UsageError`. POSIX ``flock``: released when the process
    ends, however it ends, so a crash never leaves the folder locked."""
    path = Path(folder) / LOCK_NAME
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise InputError(f"cannot lock the folder: {exc.strerror or exc}", path=path,
                         hint="check that the folder is writable") from None
    try:
        if fcntl is not None:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise UsageError(f"{what} is still writing to {folder} after {wait:g} s; nothing was merged",
                                         hint="wait for it to finish, then run the command again") from None
                    time.sleep(0.05)
        yield
    finally:
        os.close(fd)  # closing releases the lock
