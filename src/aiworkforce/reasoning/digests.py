"""The SHA-256 of data files, remembered by their file status so a warm query does not read them again.

A query over data files opens the cache entry named by a hash of their content. Hashing takes a twentieth of a
second per 50 MB, on every query; so the digest of each file is remembered, in ``digests.json`` in the cache
folder, with the file's device, inode, size, modification time and change time, and reused while all five are
unchanged. This is how ``git status`` and ``make`` tell that a file is unchanged, with git's guard against a
*racy* entry: a digest is only remembered for a file whose times are at least :data:`SETTLED` seconds older than
the moment hashing began. Any later write sets the change time to a later moment (``utime`` can set the
modification time back, but not the change time), so a remembered status never matches edited content.

The status is that of the file as opened (``fstat``), which on NFS makes the client revalidate what it caches
of it, and the digest is of that same open file. Windows reports the creation time where POSIX has the change
time, so nothing is remembered there. A file system that stores no change time at all (FAT) is the known limit:
a rewrite of the same size whose modification time is then set back (``touch -r``) is not seen.

Like a cache entry, the file is only read if it belongs to the current user and nobody else may write to it, and
it is replaced atomically; losing it (or a concurrent update) only means hashing again.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import time
from pathlib import Path

from aiworkforce.errors import InputError

#: How long (seconds) a file's times must lie before hashing began for its digest to be remembered.
SETTLED = 2.0
#: How many files' digests are remembered (the most recently hashed are kept).
REMEMBERED = 256
MEMO = "digests.json"


def file_digests(paths: list[Path], folder: Path | None) -> list[str]:
    """The SHA-256 (hex) of each file's content, reused from ``folder``'s memo where its status is unchanged
    (``None``: every file is read, nothing remembered). Remembered on POSIX systems only, where the change time
    is what its name says (Windows reports the creation time in its place)."""
    memo_path = folder / MEMO if folder is not None and os.name == "posix" else None
    memo = _read(memo_path) if memo_path is not None else {}
    out, learned = [], {}
    for path in paths:
        key = str(path.resolve()) if memo_path is not None else None
        try:
            # the status of the file opened, not of the path: on NFS, opening revalidates the cached attributes
            with path.open("rb") as handle:
                status = _status(os.fstat(handle.fileno()))
                seen = memo.get(key)
                if seen is not None and seen[0] == status:
                    out.append(seen[1])
                    continue
                began = time.time()
                digest = _sha256_of_stream(handle)
                settled = (_status(os.fstat(handle.fileno())) == status
                           and max(status[3], status[4]) < (began - SETTLED) * 1e9)
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=path) from None
        out.append(digest)
        if memo_path is not None and settled:
            learned[key] = [status, digest]
    if learned:
        _write(memo_path, {**{k: v for k, v in memo.items() if k not in learned}, **learned})
    return out


def _status(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def sha256_of(path: Path) -> str:
    """The SHA-256 (hex) of a file's content."""
    with path.open("rb") as handle:
        return _sha256_of_stream(handle)


def _sha256_of_stream(handle) -> str:
    """The SHA-256 (hex) of what is left to read in ``handle``, read in blocks (data files may be large)."""
    digest = hashlib.sha256()
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
    return digest.hexdigest()


def owned_alone(st: os.stat_result) -> bool:
    """Whether the file of status ``st`` belongs to the current user and nobody else may write to it (always
    true where files have no owners)."""
    return not hasattr(os, "getuid") or (st.st_uid == os.getuid() and not st.st_mode & 0o022)


def _read(path: Path) -> dict:
    """The memo at ``path``: {absolute path: [status, digest]}; empty if missing, unreadable, malformed, or not
    the current user's alone."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return {}
    try:
        if not owned_alone(os.fstat(fd)):
            return {}
        with os.fdopen(fd, "rb") as handle:
            fd = None
            memo = json.loads(handle.read())
    except (OSError, ValueError, RecursionError):  # RecursionError: a memo nested deeper than json reads
        return {}
    finally:
        if fd is not None:
            os.close(fd)
    if not isinstance(memo, dict):
        return {}
    return {k: v for k, v in memo.items() if isinstance(v, list) and len(v) == 2 and isinstance(v[0], list)
            and len(v[0]) == 5 and isinstance(v[1], str)}


def _write(path: Path, memo: dict) -> None:
    """Keep the :data:`REMEMBERED` most recent entries (dicts keep insertion order: the learned ones come last)
    and replace the memo atomically. A cache folder that cannot be written only costs hashing again."""
    kept = dict(list(memo.items())[-REMEMBERED:])
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".digests-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(kept, handle)
        os.replace(tmp, path)
    except OSError:
        Path(tmp).unlink(missing_ok=True)
