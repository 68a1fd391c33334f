"""The on-disk cache of the reasoned graph: built once, reused, keyed by the sources, pruned, robust."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import ROOT

import aiworkforce.reasoning.pipeline
from aiworkforce.reasoning.pipeline import write_closure
from aiworkforce.graph import KnowledgeGraph
from aiworkforce.rdf.resources import data_files
from aiworkforce.reasoning import cache

SRC = ROOT / "src"


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """A private, empty cache folder (engines belong to their KnowledgeGraph, so no process-wide state to reset)."""
    root = tmp_path / "cache"
    monkeypatch.setenv("AIWORKFORCE_CACHE_DIR", str(root))
    return root


def shipped_entry(*, rebuild: bool = False) -> cache.CachedClosure:
    """The shipped graph's cache entry as a command finds it: through a new KnowledgeGraph handle."""
    return KnowledgeGraph().closure(rebuild=rebuild)


@pytest.fixture
def quick_reason(monkeypatch, reasoned, shared_core):
    """Make cache builds write the session's reasoning result instead of reasoning again (counting the calls);
    the graph handed to the reasoner is a copy of the session's core graph instead of a fresh parse."""
    calls = []

    def fake(folder, graph):
        calls.append(graph)
        write_closure(folder, reasoned)

    monkeypatch.setattr(aiworkforce.reasoning.pipeline, "write_graph_closure", fake)
    return calls


def _forbid_reasoning(monkeypatch):
    def boom(*args, **kwargs):
        raise AssertionError("the cache was rebuilt")

    monkeypatch.setattr(aiworkforce.reasoning.pipeline, "write_graph_closure", boom)


def _children(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir())


def test_cache_root_location(monkeypatch, tmp_path):
    monkeypatch.setenv("AIWORKFORCE_CACHE_DIR", str(tmp_path / "explicit"))
    assert cache.cache_root() == tmp_path / "explicit"
    monkeypatch.delenv("AIWORKFORCE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache.cache_root() == tmp_path / "xdg" / "aiworkforce"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache.cache_root() == tmp_path / "home" / ".cache" / "aiworkforce"


def test_first_call_builds_then_reuses_and_the_closure_is_right(cache_dir, monkeypatch, reasoned):
    assert not cache_dir.exists()
    entry = shipped_entry()
    assert entry.folder == cache_dir / cache.source_key()
    assert entry.closure.is_file() and entry.inferred.is_file()
    assert _children(cache_dir) == [cache.source_key()], "no temporary build folder is left behind"
    stamps = {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (entry.closure, entry.inferred)}

    _forbid_reasoning(monkeypatch)
    again = shipped_entry()
    assert again == entry
    assert {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in (entry.closure, entry.inferred)} == stamps

    closure = Graph().parse(entry.closure, format="nt")
    inferred = Graph().parse(entry.inferred, format="nt")
    assert len(closure) == len(reasoned.closure) and isomorphic(closure, reasoned.closure)
    assert len(inferred) == len(reasoned.inferred) and isomorphic(inferred, reasoned.inferred)
    lines = entry.closure.read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines), "N-Triples are written sorted"


def test_rebuild_replaces_the_entry(cache_dir, quick_reason):
    entry = shipped_entry()
    assert len(quick_reason) == 1
    inode = entry.closure.stat().st_ino
    rebuilt = shipped_entry(rebuild=True)
    assert rebuilt == entry and len(quick_reason) == 2
    assert rebuilt.closure.stat().st_ino != inode
    assert _children(cache_dir) == [entry.folder.name]


def test_an_incomplete_entry_is_rebuilt(cache_dir, quick_reason):
    entry = shipped_entry()
    entry.inferred.unlink()
    assert shipped_entry() == entry and len(quick_reason) == 2
    assert entry.inferred.is_file()


def test_an_entry_is_named_by_its_key_and_built_once_in_a_private_folder(cache_dir):
    built = []

    def build(folder: Path) -> None:
        built.append(folder)
        (folder / "closure.nt").write_text("", encoding="utf-8")
        (folder / "inferred.nt").write_text("", encoding="utf-8")

    entry = cache.cached_closure("some-key", build)
    assert entry == cache.CachedClosure(cache_dir / "some-key") and entry.closure.is_file()
    assert len(built) == 1 and built[0] != entry.folder, "built in a private folder, then renamed into place"
    assert cache.cached_closure("some-key", build) == entry and len(built) == 1
    assert cache.cached_closure("some-key", build, rebuild=True) == entry and len(built) == 2

    def broken(folder: Path) -> None:
        (folder / "closure.nt").write_text("half", encoding="utf-8")
        raise RuntimeError("the build failed")

    with pytest.raises(RuntimeError):
        cache.cached_closure("other-key", broken)
    assert _children(cache_dir) == ["some-key"], "a failed build leaves nothing behind"


@pytest.fixture
def copied_sources(tmp_path, monkeypatch):
    """The ontology files copied into tmp_path; the cache key is computed from the copies."""
    folder = tmp_path / "ontology"
    folder.mkdir()
    for path in data_files("ontology"):
        shutil.copy2(path, folder / path.name)
    monkeypatch.setattr(cache, "data_files", lambda kind: sorted(folder.glob("*.ttl")))
    return folder


def test_source_key_depends_on_every_ontology_file(monkeypatch, copied_sources):
    original = cache.source_key()
    monkeypatch.undo()
    assert cache.source_key() == original, "identical copies give the key of the shipped files"
    monkeypatch.setattr(cache, "data_files", lambda kind: sorted(copied_sources.glob("*.ttl")))
    assert len(original) == 24 and int(original, 16) >= 0
    assert cache.source_key() == original, "the key is stable"

    roles = copied_sources / "roles.ttl"
    text = roles.read_text(encoding="utf-8")
    roles.write_text(text + "\n# an edit\n", encoding="utf-8")
    edited = cache.source_key()
    assert edited != original
    roles.write_text(text, encoding="utf-8")
    assert cache.source_key() == original

    (copied_sources / "sectors.ttl").rename(copied_sources / "sectors2.ttl")
    assert cache.source_key() not in (original, edited), "file names count too"
    (copied_sources / "sectors2.ttl").rename(copied_sources / "sectors.ttl")

    monkeypatch.setattr(cache, "CACHE_FORMAT", "999")
    assert cache.source_key() != original, "the cache format counts too"


def test_a_changed_source_gets_a_new_entry_and_the_old_one_is_kept_for_a_while(cache_dir, copied_sources,
                                                                                quick_reason):
    old = shipped_entry()
    (copied_sources / "layers.ttl").write_text(
        (copied_sources / "layers.ttl").read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    new = shipped_entry()
    assert new.folder != old.folder and len(quick_reason) == 2
    assert new.closure.is_file()
    # two checkouts (or versions) sharing one cache must not evict each other on every run
    assert old.folder.exists()
    assert _children(cache_dir) == sorted([old.folder.name, new.folder.name])


def test_only_the_most_recent_entries_are_kept(cache_dir, quick_reason):
    cache_dir.mkdir(parents=True)
    for i in range(cache.KEEP_ENTRIES + 3):
        entry = cache_dir / f"{i:024d}"
        entry.mkdir()
        (entry / cache.CHECKSUMS).write_text("", encoding="ascii")  # a sealed entry
        age = time.time() - 1000 * (i + 1)  # entry 0 is the most recent
        os.utime(entry, (age, age))
    built = shipped_entry()
    kept = [name for name in _children(cache_dir) if name != built.folder.name]
    assert kept == [f"{i:024d}" for i in range(cache.KEEP_ENTRIES - 1)]


def test_pruning_leaves_folders_that_are_not_cache_entries(cache_dir, quick_reason):
    """The cache folder is shared (tools/ensure-docs-tools.sh keeps axe-core in ~/.cache/aiworkforce/axe): only
    sealed entries are ever pruned, however old and many the other folders are."""
    cache_dir.mkdir(parents=True)
    for i in range(cache.KEEP_ENTRIES + 3):
        folder = cache_dir / f"tool-{i}"
        (folder / "node_modules").mkdir(parents=True)
        age = time.time() - 100_000
        os.utime(folder, (age, age))
    built = shipped_entry()
    assert _children(cache_dir) == sorted([built.folder.name, *(f"tool-{i}" for i in range(cache.KEEP_ENTRIES + 3))])


def test_abandoned_builds_are_pruned(cache_dir, quick_reason):
    cache_dir.mkdir(parents=True)
    old_build = cache_dir / ".build-abandoned"
    old_build.mkdir()
    two_hours_ago = time.time() - 7200
    os.utime(old_build, (two_hours_ago, two_hours_ago))
    young_build = cache_dir / ".build-in-progress"
    young_build.mkdir()
    (cache_dir / "NOTES.txt").write_text("not a cache entry", encoding="utf-8")
    old_memo, young_memo = cache_dir / ".digests-abandoned", cache_dir / ".digests-being-written"
    old_memo.write_text("{}", encoding="utf-8")
    os.utime(old_memo, (two_hours_ago, two_hours_ago))
    young_memo.write_text("{}", encoding="utf-8")

    entry = shipped_entry()
    assert _children(cache_dir) == sorted([".build-in-progress", ".digests-being-written", "NOTES.txt",
                                           entry.folder.name])


def test_an_unwritable_cache_dir_still_works_through_a_private_copy(tmp_path, monkeypatch, quick_reason):
    blocker = tmp_path / "file"
    blocker.write_text("a regular file where a folder should be", encoding="utf-8")
    monkeypatch.setenv("AIWORKFORCE_CACHE_DIR", str(blocker / "cache"))
    private = tmp_path / "tmp"
    private.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(private))
    graph = KnowledgeGraph()
    entry = graph.closure()
    assert entry.folder.parent == private and entry.folder.name.startswith("aiworkforce-")
    assert entry.closure.is_file() and entry.inferred.is_file()
    assert blocker.read_text(encoding="utf-8").startswith("a regular file")

    from aiworkforce.query.run import run_query

    assert len(run_query(graph, "layers").rows) == 11, "queries run from the private copy"


def test_a_late_concurrent_builder_never_removes_the_published_cache(cache_dir, monkeypatch, reasoned):
    """Another process may have published the entry while this one was still reasoning: readers that were
    already handed that entry must still find its files at every moment."""
    entry = cache.CachedClosure(cache_dir / cache.source_key())
    published, missing = [], []

    def reason_while_another_process_publishes(folder, graph):
        # the other process wins the race while this one is still reasoning
        monkeypatch.setattr(aiworkforce.reasoning.pipeline, "write_graph_closure",
                            lambda folder, graph: write_closure(folder, reasoned))
        assert shipped_entry() == entry and entry.closure.is_file()
        published.append(entry)
        write_closure(folder, reasoned)

    real_rename = os.rename

    def watching_rename(src, dst):
        if published and not (entry.closure.is_file() and entry.inferred.is_file()):
            missing.append(str(dst))
        return real_rename(src, dst)

    monkeypatch.setattr(aiworkforce.reasoning.pipeline, "write_graph_closure", reason_while_another_process_publishes)
    monkeypatch.setattr(cache.os, "rename", watching_rename)
    assert shipped_entry() == entry
    assert published, "the other process published first"
    assert entry.closure.is_file() and entry.inferred.is_file()
    assert not missing, "the published cache was deleted before the new copy was renamed into place"


def test_concurrent_builders_agree_on_one_entry(cache_dir, reasoned):
    # Each process only builds: reading the files right after closure() returns can hit the race that
    # test_a_late_concurrent_builder_never_removes_the_published_cache exposes deterministically.
    code = "from aiworkforce.graph import KnowledgeGraph\nprint(KnowledgeGraph().closure().folder)\n"
    env = dict(os.environ, AIWORKFORCE_CACHE_DIR=str(cache_dir), PYTHONPATH=str(SRC))
    procs = [
        subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
        for _ in range(4)
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs):
        assert proc.returncode == 0, err
    assert [out.strip() for out, _ in outputs] == [str(cache_dir / cache.source_key())] * 4
    assert _children(cache_dir) == [cache.source_key()], "exactly one entry and no build folders remain"
    entry = cache.CachedClosure(cache_dir / cache.source_key())
    assert isomorphic(Graph().parse(entry.closure, format="nt"), reasoned.closure)
    assert isomorphic(Graph().parse(entry.inferred, format="nt"), reasoned.inferred)


# -- issue 11: integrity and ownership ------------------------------------------------------------------------------

@pytest.mark.parametrize("damage", ["truncate", "empty", "flip"])
def test_a_corrupt_entry_is_rebuilt_and_answers_right(cache_dir, quick_reason, damage):
    entry = shipped_entry()
    good = entry.closure.read_bytes()
    if damage == "truncate":
        entry.closure.write_bytes(good[: len(good) // 2])
    elif damage == "empty":
        entry.closure.write_bytes(b"")
    else:
        entry.closure.write_bytes(good.replace(b"<", b"[", 1))
    again = shipped_entry()
    assert len(quick_reason) == 2, "the damaged entry was rebuilt"
    assert again.closure.read_bytes() == good
    assert (again.folder / cache.CHECKSUMS).is_file()


def test_an_entry_writable_by_others_is_not_trusted(cache_dir, quick_reason):
    entry = shipped_entry()
    entry.closure.write_bytes(b"<urn:planted> <urn:p> <urn:o> .\n")  # what a neighbour could write
    os.chmod(entry.closure, 0o666)
    used = shipped_entry()
    assert used.folder != entry.folder, "a private entry is built instead"
    assert b"urn:planted" not in used.closure.read_bytes()


def test_an_entry_owned_by_another_user_is_not_trusted(cache_dir, quick_reason, monkeypatch):
    entry = shipped_entry()
    monkeypatch.setattr(os, "getuid", lambda: os.stat(entry.folder).st_uid + 1)  # the entry is someone else's
    used = shipped_entry()
    assert used.folder != entry.folder
    assert len(quick_reason) == 2


def test_a_store_entry_is_checksummed_opened_read_only_and_rebuilt_when_damaged(cache_dir):
    import pyoxigraph as ox

    from aiworkforce.query.engines import OxigraphEngine

    built = []

    def build(folder: Path) -> None:
        built.append(folder)
        store = ox.Store(str(folder / cache.STORE))
        store.add(ox.Quad(ox.NamedNode("urn:x:a"), ox.NamedNode("urn:x:p"), ox.Literal("v")))
        store.flush()
        del store

    entry = cache.cached_closure("store-key", build)
    assert entry.store == cache_dir / "store-key" / cache.STORE and len(built) == 1
    listed = (entry.folder / cache.CHECKSUMS).read_text(encoding="ascii")
    assert "store/CURRENT" in listed and "LOCK" not in listed
    rows = OxigraphEngine.from_store(entry.store).query("SELECT ?o WHERE { ?s ?p ?o }").rows
    assert [r[0].value for r in rows] == ["v"]
    assert cache.cached_closure("store-key", build) == entry and len(built) == 1, "reading changed nothing"
    (entry.store / "CURRENT").write_text("MANIFEST-999999\n")  # damaged
    assert cache.cached_closure("store-key", build) == entry and len(built) == 2
    (entry.store / "stray.sst").write_bytes(b"planted")  # a file the entry never had
    assert cache.find_entry("store-key") is None


def test_a_stores_tables_are_sealed_by_size_and_time_and_an_edited_one_is_rebuilt(cache_dir):
    """The store's sorted tables (immutable; the store checks each block's checksum when it reads it) are not hashed
    when an entry is sealed or read: their size and modification time are compared. Other files are hashed."""
    import pyoxigraph as ox

    def build(folder: Path) -> None:
        store = ox.Store(str(folder / cache.STORE))
        store.extend(ox.Quad(ox.NamedNode(f"urn:x:{i}"), ox.NamedNode("urn:x:p"), ox.Literal("v")) for i in range(50))
        store.flush()
        del store

    entry = cache.cached_closure("tables-key", build)
    seals = {line.split("  ", 1)[1]: line.split(" ")[0]
             for line in (entry.folder / cache.CHECKSUMS).read_text(encoding="ascii").splitlines()}
    tables = [name for name in seals if name.endswith(".sst")]
    assert tables, "the store wrote no table: nothing to check"
    assert all(seals[name] == "-" for name in tables)
    assert all(len(seals[name]) == 64 for name in seals if not name.endswith(".sst"))  # SHA-256, hex
    assert cache.find_entry("tables-key") == entry
    table = entry.folder / tables[0]
    data = bytearray(table.read_bytes())
    data[len(data) // 2] ^= 0xFF
    table.write_bytes(bytes(data))  # same size, new modification time
    assert cache.find_entry("tables-key") is None
