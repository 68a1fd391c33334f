"""The on-disk cache of the reasoned graph.

Reasoning with owlrl takes seconds; answering a stored query should take milliseconds. The clean closure is
therefore written once as N-Triples, in a folder named by a hash of the package version and of every
ontology source file, and reused until one of them changes. A new folder is built under a temporary name and
renamed into place, so concurrent runs never see half a cache.

Location: ``$AIWORKFORCE_CACHE_DIR``, else ``$XDG_CACHE_HOME/aiworkforce``, else ``~/.cache/aiworkforce``.
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

from aiworkforce.errors import InputError
from aiworkforce.rdf.resources import data_files

#: Bump when the cached content changes meaning (e.g. the noise filter of the closure).
CACHE_FORMAT = "1"


@dataclass(frozen=True)
class CachedClosure:
    folder: Path

    @property
    def closure(self) -> Path:
        return self.folder / "closure.nt"

    @property
    def inferred(self) -> Path:
        return self.folder / "inferred.nt"


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
    digest = hashlib.sha256(f"{CACHE_FORMAT}\0".encode())
    here = Path(__file__).resolve().parent
    _hash_files(digest, sorted(here.glob("*.py")))  # every module of the reasoning package
    _hash_files(digest, data_files("ontology"))
    return digest.hexdigest()[:24]


def data_key(data) -> str:
    """A hash of the content of data files, for the cache key of a joined graph."""
    return _hash_files(hashlib.sha256(), [Path(p) for p in data]).hexdigest()[:16]


def _hash_files(digest, paths):
    """Feed each file's name and content to ``digest`` (in blocks: data files may be large)."""
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        try:
            with path.open("rb") as handle:
                for block in iter(lambda: handle.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=path) from None
        digest.update(b"\0")
    return digest


def cached_closure(key: str, build: Callable[[Path], None], *, rebuild: bool = False) -> CachedClosure:
    """Return the cache entry named ``key``, building it first with ``build(folder)`` when missing or stale.

    ``build`` writes ``closure.nt`` and ``inferred.nt`` into the folder it is given: a private folder inside the
    cache root that is renamed into place when complete, so the files are written once and readers never see
    half an entry. :class:`~aiworkforce.graph.KnowledgeGraph` computes the key once and calls this.
    """
    root = cache_root()
    entry = CachedClosure(root / key)
    complete = entry.closure.is_file() and entry.inferred.is_file()
    if complete and not rebuild:
        return entry
    # an explicit rebuild, or an entry left incomplete, replaces what is there; a missing one is created (decided
    # now: an entry another process publishes while this one builds is complete, and readers may be using it)
    replace = entry.folder.exists()
    try:
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(dir=root, prefix=".build-"))
    except OSError:
        return _private_entry(build)
    try:
        build(tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if replace:  # move the old entry aside first, so the new one appears in one rename
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


def _private_entry(build: Callable[[Path], None]) -> CachedClosure:
    """An unwritable cache must not stop the query: build into a private temporary folder, removed at exit."""
    tmp = Path(tempfile.mkdtemp(prefix="aiworkforce-"))
    atexit.register(shutil.rmtree, tmp, True)
    build(tmp)
    return CachedClosure(tmp)


#: How many cache entries (for other sources: other checkouts, versions or joined data) are kept.
KEEP_ENTRIES = 6


def _prune(root: Path, *, keep: Path) -> None:
    """Remove the least recently built entries beyond :data:`KEEP_ENTRIES`, and abandoned builds older than an
    hour. Entries of other sources are kept for a while, so two checkouts sharing a cache do not evict each
    other on every run, and a folder another process was just handed is not deleted under it."""
    entries = []
    for child in root.iterdir():
        if child == keep or not child.is_dir():
            continue
        age = time.time() - child.stat().st_mtime
        if child.name.startswith((".build-", ".stale-")):
            if age > 3600 or child.name.startswith(".stale-"):
                shutil.rmtree(child, ignore_errors=True)
        else:
            entries.append((age, child))
    for _, child in sorted(entries)[KEEP_ENTRIES - 1:]:
        shutil.rmtree(child, ignore_errors=True)
