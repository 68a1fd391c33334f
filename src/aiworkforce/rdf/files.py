"""Writing files atomically, so an interrupted run never leaves half a file."""

from __future__ import annotations

import os
import stat
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from aiworkforce.errors import InputError, UsageError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no lock
    fcntl = None


def check_input(path: Path, *, pipes: bool = True) -> None:
    """Refuse an input that reading might never finish: a device (``/dev/zero``, ``/dev/urandom``), a socket, and
    with ``pipes=False`` a pipe (for inputs read twice: hashed, then parsed); also a missing path or a folder."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputError("no such file", path=path, hint="check the path and the current directory") from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    if stat.S_ISDIR(mode):
        raise InputError("is a directory, not a file", path=path)
    if not (stat.S_ISREG(mode) or (pipes and stat.S_ISFIFO(mode))):
        raise InputError("not a regular file (a device, pipe or socket): reading it might never end", path=path,
                         hint="save the data to a file and name that file")


def open_input(path: Path, *, pipes: bool = True):
    """Open ``path`` for reading as bytes, after :func:`check_input`."""
    check_input(path, pipes=pipes)
    try:
        return open(path, "rb")  # noqa: SIM115 - the caller closes it
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=path) from None


def write_atomic(path: str | Path, data: str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    write_atomic_bytes(path, data.encode("utf-8"))


def write_atomic_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename.

    A symbolic link is followed (its target is replaced, the link kept); a target that is not a regular file
    (a FIFO, ``/dev/stdout``) is written to directly. A new file gets the usual permissions (0666 less the
    umask), an existing one keeps its own.
    """
    write_atomic_stream(path, lambda handle: handle.write(data))


def write_atomic_stream(path: str | Path, write: Callable[[BinaryIO], object]) -> None:
    """:func:`write_atomic_bytes` for content that ``write(handle)`` writes into a binary file handle, so large
    content (a million-triple N-Triples dump) never has to be held in memory whole."""
    path = Path(path)
    if path.is_symlink():
        path = path.resolve()
    if path.exists() and not path.is_file():
        if path.is_dir():
            raise InputError("is a directory, not a file", path=path)
        try:
            with path.open("wb") as handle:
                write(handle)
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
            write(handle)
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


@contextmanager
def folder_lock(folder: str | Path, *, wait: float = LOCK_WAIT, what: str = "another `aiworkforce add`"):
    """Hold an exclusive lock on ``folder`` for the ``with`` block; wait at most ``wait`` seconds for whoever
    holds it, then raise :class:`UsageError`. POSIX ``flock`` on the folder itself (no lock file to leave
    behind): released when the process ends, however it ends, so a crash never leaves the folder locked."""
    path = Path(folder)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
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
