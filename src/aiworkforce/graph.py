"""The one handle on the knowledge graph every command works on.

A :class:`KnowledgeGraph` is the shipped knowledge graph (ontology and knowledge base), optionally joined with
the user's own RDF files, together with its reasoned closure. The command line builds one per command and
passes it to the library function it calls; nothing underneath loads, hashes or reasons over data it was not
handed. Everything is computed at most once per handle, on first use:

* :attr:`KnowledgeGraph.key` hashes the sources (packaged ontology, the reasoning code, the data files) once;
* :meth:`KnowledgeGraph.closure` finds or builds the cached closure under that key
  (:mod:`aiworkforce.reasoning.cache`);
* :meth:`KnowledgeGraph.engine` opens a SPARQL engine over the closure, one per engine name;
* :attr:`KnowledgeGraph.asserted` parses the asserted graph into rdflib (only for small graphs: the
  ``--data`` paths stay in pyoxigraph).

:class:`RemoteGraph` offers the same :meth:`engine` over a remote SPARQL endpoint, so stored queries run on
either.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from functools import cached_property
from pathlib import Path

from aiworkforce.query.registry import QUERY_ENGINES

# Imports inside the methods below are deliberate: a warm query (closure cached) must not import rdflib, owlrl or
# the reasoning code; tests/cli/test_cli.py measures that it does not.

Progress = Callable[[str, int, int], None]


class KnowledgeGraph:
    """The shipped knowledge graph joined with ``data`` (paths of RDF files), and its reasoned closure."""

    def __init__(self, data: Sequence[str | Path] = (), *, progress: Progress | None = None) -> None:
        self.data: tuple[Path, ...] = tuple(Path(p) for p in data)
        self.progress = progress
        self._closure = None
        self._engines: dict[str, object] = {}

    def __repr__(self) -> str:
        return f"KnowledgeGraph(data={[str(p) for p in self.data]!r})"

    @cached_property
    def key(self) -> str:
        """The cache key of the closure: a hash of every source it depends on, computed once."""
        from aiworkforce.reasoning.cache import data_key, source_key

        return source_key() + (f"-{data_key(self.data)}" if self.data else "")

    @cached_property
    def asserted(self):
        """The asserted graph as an rdflib :class:`~rdflib.Graph` (the shipped graph plus the data files)."""
        from aiworkforce.rdf.load import load_core, parse_files

        graph = load_core()
        return parse_files(self.data, graph=graph) if self.data else graph

    @cached_property
    def reasoned(self):
        """The reasoned closure as an rdflib :class:`~rdflib.Graph` (read from the cached closure)."""
        from rdflib import Graph

        return Graph().parse(self.closure().closure, format="nt")

    def closure(self, *, rebuild: bool = False):
        """The cached closure (:class:`~aiworkforce.reasoning.cache.CachedClosure`), built on first use."""
        if self._closure is None or rebuild:
            from aiworkforce.reasoning.cache import cached_closure

            self._closure = cached_closure(self.key, self._build, rebuild=rebuild)
            self._engines.clear()
        return self._closure

    def cached(self):
        """The cached closure if it is already there (and intact), else None: nothing is built."""
        from aiworkforce.reasoning.cache import find_entry

        return find_entry(self.key)

    def update(self, previous, *, added=(), removed=()) -> None:
        """Build this graph's cached closure from ``previous`` (the cached closure of the same data joined with the
        knowledge base before the change) by incremental reasoning: ``added`` and ``removed`` are the rdflib
        triples the knowledge base gained and lost. A removed triple that a data file, or the knowledge base,
        still asserts stays. Recomputes in full when ``previous`` is None or holds no store, or the change
        cannot be applied incrementally (it touches the schema or blank nodes). When the cache already holds this
        graph's closure (the knowledge base is back to a state queried before), it is used as it is."""
        from aiworkforce.query.engines import INFERRED_GRAPH
        from aiworkforce.reasoning import incremental
        from aiworkforce.reasoning.cache import cached_closure

        if previous is None or previous.store is None or not self.data:
            self.closure()
            return
        added, removed = list(added), list(removed)

        def build(folder: Path) -> None:  # not called when the cache holds the entry: nothing is read then
            from aiworkforce.reasoning.pipeline import still_asserted

            kept = still_asserted(self.data, removed) if removed else set()
            try:
                incremental.update_entry(previous.store, folder, added=added,
                                         removed=[t for t in removed if t not in kept], inferred_graph=INFERRED_GRAPH)
            except incremental.NotIncremental:
                for child in folder.iterdir():
                    shutil.rmtree(child) if child.is_dir() else child.unlink()
                self._build(folder)

        self._closure = cached_closure(self.key, build)
        self._engines.clear()

    def _build(self, folder: Path) -> None:
        """Write the reasoned graph into ``folder``: the shipped graph is read in rdflib form (it is small, and the
        asserted graph is often needed anyway), reasoned and written as ``closure.nt`` and ``inferred.nt``; joined data
        stays in pyoxigraph from parsing to an on-disk store (``store/``), so millions of triples are fine and a
        warm query opens the store instead of parsing them again."""
        from aiworkforce.reasoning import pipeline

        if self.data:
            pipeline.write_data_store(folder, self.data, **({"progress": self.progress} if self.progress else {}))
        else:
            pipeline.write_graph_closure(folder, self.asserted)

    def engine(self, name: str | None = None):
        """A SPARQL engine over the reasoned graph: ``name`` from :data:`~aiworkforce.query.registry.QUERY_ENGINES`
        (default: the first, the fastest)."""
        name = name or QUERY_ENGINES.default
        if name not in self._engines:
            cls = QUERY_ENGINES.load(name)
            entry = self.closure()
            if entry.store is not None and hasattr(cls, "from_store"):
                self._engines[name] = cls.from_store(entry.store)
            else:
                self._engines[name] = cls(entry.closure, entry.inferred)
        return self._engines[name]


class ClosureFiles:
    """A reasoned graph already written out (``closure.nt`` and ``inferred.nt``), e.g. the server's pinned copy:
    the same :meth:`engine` as :class:`KnowledgeGraph`, without sources to hash or rebuild from."""

    def __init__(self, closure: str | Path, inferred: str | Path) -> None:
        self.paths = (Path(closure), Path(inferred))
        self._engines: dict[str, object] = {}

    def __repr__(self) -> str:
        return f"ClosureFiles({str(self.paths[0])!r}, {str(self.paths[1])!r})"

    def engine(self, name: str | None = None):
        name = name or QUERY_ENGINES.default
        if name not in self._engines:
            self._engines[name] = QUERY_ENGINES.load(name)(*self.paths)
        return self._engines[name]


class RemoteGraph:
    """A remote SPARQL 1.1 query endpoint that holds the reasoned graph (pushed with ``aiworkforce push``)."""

    def __init__(self, endpoint: str) -> None:
        self.endpoint = endpoint
        self._engine = None

    def __repr__(self) -> str:
        return f"RemoteGraph({self.endpoint!r})"

    def engine(self, name: str | None = None):
        """The remote engine; ``name`` is accepted for the same call shape and must be left out."""
        if name is not None:
            from aiworkforce.errors import UsageError

            raise UsageError("a remote endpoint answers with its own engine", hint="drop --engine")
        if self._engine is None:
            from aiworkforce.query.remote import RemoteEngine

            self._engine = RemoteEngine(self.endpoint)
        return self._engine
