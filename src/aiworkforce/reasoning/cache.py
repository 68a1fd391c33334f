"""The on-disk cache of the reasoned graph.

Reasoning with owlrl takes seconds; answering a stored query should take milliseconds. The clean closure is
therefore written once as N-Triples, in a folder named by a hash of the package version and of every
ontology source file, and reused until one of them changes. A new folder is built under a temporary name and
renamed into place, so concurrent runs never see half a cache.

Location: ``$AIWORKFORCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/aiworkforce``, else ``~/.cache/aiworkforce``.

An entry holds either the closure as N-Triples (``closure.nt``, ``inferred.nt``: the shipped graph alone, a few
megabytes) or, for a graph joined with data files, an on-disk pyoxigraph store (``store/``) that a warm query opens
read-only in milliseconds instead of parsing millions of triples again.

Integrity: an entry's files are fsynced and listed with their SHA-256, size and modification time in
``checksum.sha256``; an entry whose files do not match (missing, extra, truncated, emptied, edited) is rebuilt.
Files up to :data:`HASHED_BYTES` are hashed again on every read; larger ones, and the store's sorted-table files
(immutable once written) of any size, are compared by size and modification time, and the tables' content is
checked by the store itself, which verifies a checksum on every block it reads. An entry (or any file in it)
not owned by the current user, or writable by others, or a symbolic link, is never read: a shared cache folder
cannot plant a closure.

The key of a graph joined with data files holds the SHA-256 of each file's content; a file's digest is remembered
while its status (device, inode, size, modification and change time) is unchanged (:mod:`.digests`), so a warm
query does not read the data again.
"""

from __future__ import annotations

import atexit
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aiworkforce.reasoning.digests import file_digests, owned_alone, sha256_of
from aiworkforce.rdf.files import check_input
from aiworkforce.rdf.resources import data_files

#: Bump when the cached content changes meaning (e.g. the noise filter of the closure).
CACHE_FORMAT = "3"
CHECKSUMS = "checksum.sha256"
_FILES = ("closure.nt", "inferred.nt")
STORE = "store"
#: Files up to this size are hashed on every read of the entry; larger ones are compared by size and mtime.
HASHED_BYTES = 8 << 20
#: Files the store writes for itself (an informational log, a lock), not part of its content.
_VOLATILE = ("LOG", "LOCK")


@dataclass(frozen=True)
class CachedClosure:
    folder: Path

    @property
    def store(self) -> Path | None:
        """The on-disk pyoxigraph store holding the reasoned graph, if this entry keeps one."""
        path = self.folder / STORE
        return path if path.is_dir() else None

    @property
    def closure(self) -> Path:
        """``closure.nt``; an entry that keeps a store writes it once, into a private temporary folder."""
        return self._text()[0]

    @property
    def inferred(self) -> Path:
        return self._text()[1]

    def _text(self) -> tuple[Path, Path]:
        if self.store is None:
            return self.folder / "closure.nt", self.folder / "inferred.nt"
        built = (self.folder, (self.folder / CHECKSUMS).stat().st_mtime_ns)  # a rebuilt entry is written again
        if built not in _TEXT:
            from aiworkforce.reasoning.pipeline import dump_store

            tmp = Path(tempfile.mkdtemp(prefix="aiworkforce-"))
            atexit.register(shutil.rmtree, tmp, True)
            _TEXT[built] = (tmp / "closure.nt", tmp / "inferred.nt")
            dump_store(self.store, *_TEXT[built])
        return _TEXT[built]


_TEXT: dict[tuple[Path, int], tuple[Path, Path]] = {}


def cache_root() -> Path:
    explicit = os.environ.get("AIWORKFORCE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "aiworkforce"


def source_key() -> str:
    """A hash of everything the closure depends on: the cache format, the ontology files and the code that
    reasons (so an upgrade that changes the rules never serves an old closure).

    The package version is the ontology's ``owl:versionInfo``, so hashing the files covers it too.
    """
    here = Path(__file__).resolve().parent
    # every module of the reasoning package, and every ontology file
    return _names_and_contents([*sorted(here.glob("*.py")), *data_files("ontology")], None, f"{CACHE_FORMAT}\0")[:24]


def data_key(data) -> str:
    """A hash of the names and content of data files, for the cache key of a joined graph. They are read again
    to be parsed, so each must be a regular file (a device or a pipe is refused: hashing it might never end). A
    file's digest is reused while its status is unchanged (:mod:`~aiworkforce.reasoning.digests`)."""
    paths = [Path(p) for p in data]
    for path in paths:
        check_input(path, pipes=False)
    return _names_and_contents(paths, cache_root())[:16]


def _names_and_contents(paths, memo: Path | None, start: str = "") -> str:
    """A hash of each file's name and content digest (those of ``memo``'s folder where their status is
    unchanged; all read when None)."""
    digest = hashlib.sha256(start.encode())
    for path, content in zip(paths, file_digests(paths, memo)):
        digest.update(f"{path.name}\0{content}\0".encode())
    return digest.hexdigest()


def cached_closure(key: str, build: Callable[[Path], None], *, rebuild: bool = False) -> CachedClosure:
    """Return the cache entry named ``key``, building it first with ``build(folder)`` when missing or stale.

    ``build`` writes ``closure.nt`` and ``inferred.nt`` into the folder it is given: a private folder inside the
    cache root that is renamed into place when complete, so the files are written once and readers never see
    half an entry. :class:`~aiworkforce.graph.KnowledgeGraph` computes the key once and calls this.
    """
    root = cache_root()
    entry = CachedClosure(root / key)
    if entry.folder.exists() and not _trusted(entry.folder):
        return _private_entry(build)  # someone else's entry: neither read nor replace it
    if not rebuild and _intact(entry.folder):
        return entry
    # an explicit rebuild, or an entry left incomplete, replaces what is there; a missing one is created
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=".build-"))
    except OSError:
        return _private_entry(build)
    try:
        build(tmp)
        _seal(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if not rebuild and _intact(entry.folder):  # another process published it meanwhile: readers may use it
        shutil.rmtree(tmp, ignore_errors=True)
        return entry
    if entry.folder.exists():  # move the old entry aside first, so the new one appears in one rename
        try:
            stale = Path(tempfile.mkdtemp(dir=root, prefix=".stale-"))
            os.replace(entry.folder, stale / "entry")
        except OSError:
            pass
    try:
        os.rename(tmp, entry.folder)  # fails if another process published the same entry meanwhile
    except OSError:  # it won the race: its copy is identical, and readers may be using it, so keep it
        shutil.rmtree(tmp, ignore_errors=True)
    _prune(root, keep=entry.folder)
    return entry


def find_entry(key: str) -> CachedClosure | None:
    """The cache entry named ``key`` if it is there, trusted and intact; None otherwise (nothing is built)."""
    entry = CachedClosure(cache_root() / key)
    if entry.folder.exists() and _trusted(entry.folder) and _intact(entry.folder):
        return entry
    return None


def _entry_files(folder: Path) -> list[str]:
    """The files of an entry (relative paths, sorted), without the checksums and the store's volatile files."""
    out = []
    for base, _, names in os.walk(folder):
        for name in names:
            rel = os.path.relpath(os.path.join(base, name), folder)
            if rel != CHECKSUMS and not name.startswith(_VOLATILE):
                out.append(rel)
    return sorted(out)


def _seal(folder: Path) -> None:
    """fsync the entry's files, then write their checksums (fsynced too) and fsync the folder."""
    lines = []
    for name in _entry_files(folder):
        path = folder / name
        with path.open("rb") as handle:
            os.fsync(handle.fileno())
        st = path.stat()
        digest = _NOT_HASHED if _by_stat(name, st.st_size) else sha256_of(path)
        lines.append(f"{digest} {st.st_size} {st.st_mtime_ns}  {name}\n")
    if (folder / STORE).is_dir():
        _fsync_dir(folder / STORE)
    with (folder / CHECKSUMS).open("w", encoding="ascii") as out:
        out.write("".join(lines))
        out.flush()
        os.fsync(out.fileno())
    _fsync_dir(folder)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


#: the digest column of a file checked by size and modification time
_NOT_HASHED = "-"


def _by_stat(name: str, size: int) -> bool:
    """Whether an entry's file is checked by size and modification time rather than hashed: files over
    :data:`HASHED_BYTES`, and the store's sorted-table files (``.sst``) of any size, which are never modified once
    written and whose every block the store checks against its own checksum when it reads it. (Hashing a
    store's small tables on every build took a fifth of an ``add`` on a million triples.)"""
    return size > HASHED_BYTES or (name.startswith(f"{STORE}/") and name.endswith(".sst"))


def _intact(folder: Path) -> bool:
    """True if the entry's files are all there and match their checksums."""
    try:
        listed = (folder / CHECKSUMS).read_text(encoding="ascii").splitlines()
        expected = dict(reversed(line.split("  ", 1)) for line in listed if "  " in line)
        names = set(expected)
        if names != set(_entry_files(folder)) or not (set(_FILES) <= names or f"{STORE}/CURRENT" in names):
            return False
        for name, seal in expected.items():
            digest, size, mtime = seal.split(" ")
            st = (folder / name).stat()
            if st.st_size != int(size):
                return False
            if not _by_stat(name, st.st_size):
                if sha256_of(folder / name) != digest:
                    return False
            elif st.st_mtime_ns != int(mtime):
                return False
        return True
    except (OSError, UnicodeDecodeError, ValueError):
        return False


def _trusted(folder: Path) -> bool:
    """True if ``folder`` and everything in it belong to the current user and nobody else may write to them."""
    try:
        for path in (folder, *(Path(base) / n for base, dirs, files in os.walk(folder) for n in (*dirs, *files))):
            if not owned_alone(path.lstat()) or path.is_symlink():
                return False
    except OSError:
        return False
    return True


def _private_entry(build: Callable[[Path], None]) -> CachedClosure:
    """An unwritable cache must not stop the query: build into a private temporary folder, removed at exit."""
    tmp = Path(tempfile.mkdtemp(prefix="aiworkforce-"))
    atexit.register(shutil.rmtree, tmp, True)
    build(tmp)
    _seal(tmp)
    return CachedClosure(tmp)


#: How many cache entries (for other sources: other checkouts, versions or joined data) are kept.
KEEP_ENTRIES = 6


def _prune(root: Path, *, keep: Path) -> None:
    """Remove the least recently built entries beyond :data:`KEEP_ENTRIES`, and abandoned builds older than an
    hour. Only sealed entries (with their checksums) count: the cache folder is shared with other things. Entries of other sources are kept for a while, so two checkouts sharing a cache do not evict each
    other on every run, and a folder another process was just handed is not deleted under it."""
    entries = []
    for child in root.iterdir():
        if child.name.startswith(".digests-") and child.is_file() and time.time() - child.stat().st_mtime > 3600:
            child.unlink(missing_ok=True)  # the temporary file of a memo write that was interrupted
        if child == keep or not child.is_dir():
            continue
        age = time.time() - child.stat().st_mtime
        if child.name.startswith((".build-", ".stale-")):
            if age > 3600 or child.name.startswith(".stale-"):
                shutil.rmtree(child, ignore_errors=True)
        elif (child / CHECKSUMS).is_file():  # a sealed entry; other folders (e.g. the tools' axe/) are not ours
            entries.append((age, child))
    for _, child in sorted(entries)[KEEP_ENTRIES - 1:]:
        shutil.rmtree(child, ignore_errors=True)
