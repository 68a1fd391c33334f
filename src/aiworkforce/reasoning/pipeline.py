"""The store pipeline: the shipped graph joined with a user's own data, loaded, reasoned and written out without
ever becoming an rdflib graph, so it scales to millions of triples.

Data files (Turtle, N-Triples, RDF/XML, N-Quads, TriG) are parsed by pyoxigraph straight into an in-memory store
beside the ontology, reasoned by the compiled rules (:func:`aiworkforce.reasoning.rules.saturation`) and dumped as
N-Triples. Every phase reports to an optional ``progress(phase, done, total)`` callback, which the CLI turns
into progress bars on a terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from aiworkforce.errors import InconsistencyError, InputError, UnsupportedAxiomError
from aiworkforce.rdf.formats import by_suffix
from aiworkforce.rdf.load import read_text, refuse_remote_contexts, refuse_xml_entities
from aiworkforce.rdf.resources import data_files
from aiworkforce.rdf.serialize import serialize
from aiworkforce.rdf.terms import from_oxigraph, from_rdflib, to_oxigraph, to_rdflib
from aiworkforce.reasoning.closure import ReasoningResult, reason, rules_store
from aiworkforce.reasoning.fixpoint import blank_node
from aiworkforce.reasoning.persist import StoreWriter
from aiworkforce.reasoning.reference import is_noise
from aiworkforce.reasoning.rules import check_supported_store, find_inconsistencies, saturate, saturation, unskolem

Progress = Callable[[str, int, int], None]



@dataclass(frozen=True)
class StoreClosure:
    """A pyoxigraph store holding the closure in its default graph (anonymous class expressions as skolem IRIs)
    and the inferred triples again in the named graphs ``inferred`` (each inferred triple in one of them; schema
    triples about anonymous class expressions count as asserted)."""

    store: object
    inferred: tuple[str, ...]
    inconsistencies: tuple[str, ...]
    skolems: frozenset = frozenset()  # the skolem IRIs in the store (see Saturation.skolems)

    @property
    def closure(self) -> int:
        """The number of triples in the closure (a count over the store: not free)."""
        return _count(self.store, "?s ?p ?o")


def _count(store, pattern: str) -> int:
    return int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")))[0].value)


def _quiet(phase: str, done: int, total: int) -> None:
    """The default progress callback: says nothing."""


def _format(path: Path):
    return getattr(ox.RdfFormat, by_suffix(path, engine="oxigraph").oxigraph)


def load_data_store(data: Sequence[str | Path] = (), *, progress: Progress = _quiet):
    """A store with the shipped knowledge graph and the given data files in its default graph."""
    files = [*data_files("ontology"), *(Path(p) for p in data)]
    store = ox.Store()
    for i, path in enumerate(files):
        progress("load", i, len(files))
        if not path.is_file():
            raise InputError("no such file" if not path.exists() else "not a file", path=path)
        _refuse_unsafe(path)
        try:
            store.bulk_load(path=str(path), format=_format(path), to_graph=ox.DefaultGraph())
        except (SyntaxError, ValueError) as exc:
            raise _unparsable(exc, path) from None
    progress("load", len(files), len(files))
    return store


def still_asserted(data: Sequence[str | Path], triples: Iterable) -> set:
    """The rdflib ``triples`` that the shipped knowledge graph or the ``data`` files assert, read as
    :func:`load_data_store` reads them: only the default graph of a dataset file (its named graphs are not
    reasoned over), literals compared as the store compares them (``"01"^^xsd:integer`` is ``1``). One streaming
    pass over each file; only statements about the triples' subjects are looked at."""
    probe = ox.Store()
    canonical = {}
    for triple in triples:
        s, p, o = (to_oxigraph(from_rdflib(x)) for x in triple)
        probe.add(ox.Quad(s, p, o))
        for quad in probe.quads_for_pattern(s, p, o, ox.DefaultGraph()):
            canonical[(quad.subject, quad.predicate, quad.object)] = triple
    subjects = {s for s, _, _ in canonical}
    found = set()
    for path in [*data_files("ontology"), *(Path(p) for p in data)] if canonical else ():
        _refuse_unsafe(path)
        try:
            for quad in ox.parse(path=str(path), format=_format(path)):
                if quad.subject in subjects and quad.graph_name == ox.DefaultGraph():
                    for match in probe.quads_for_pattern(quad.subject, quad.predicate, quad.object):
                        found.add(canonical[(match.subject, match.predicate, match.object)])
        except (OSError, SyntaxError, ValueError) as exc:
            raise _unparsable(exc, path) from None
    return found


def _unparsable(exc: Exception, path: Path) -> InputError:
    return InputError(f"cannot be parsed: {exc}", path=path, line=getattr(exc, "lineno", None))


def _refuse_unsafe(path: Path) -> None:
    """What parsing must never do, checked before the store parses a data file: expand XML entities, fetch a
    JSON-LD context. The whole file is read (declarations may stand anywhere, not only in the first bytes)."""
    syntax = by_suffix(path, engine="oxigraph")
    if syntax.rdflib == "xml":
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=path) from None
        refuse_xml_entities(raw, path)
    elif syntax.rdflib == "json-ld":
        refuse_remote_contexts(read_text(path), path)


def reason_store(store, *, progress: Progress = _quiet, sink: StoreWriter | None = None) -> StoreClosure:
    """Saturate ``store`` in place with the compiled OWL 2 RL rules, keeping the inferred triples in named graphs
    too (see :class:`StoreClosure`); a ``sink`` is told of each batch of them as it becomes final (see
    :func:`~aiworkforce.reasoning.rules.saturation`)."""
    progress("reason", 0, 3)
    check_supported_store(store)
    progress("reason", 1, 3)
    run = saturation(store, keep_inferred=True, sink=sink)
    progress("reason", 3, 3)
    return StoreClosure(store, run.inferred, tuple(run.errors), run.skolems)


def store_inconsistencies(store, *, progress: Progress = _quiet) -> tuple[str, ...]:
    """The inconsistencies of the OWL 2 RL closure of ``store`` (as :func:`load_data_store` leaves it), found
    without computing the whole closure (:func:`~aiworkforce.reasoning.rules.find_inconsistencies`); the store
    receives the part of the closure the consistency checks read, so give it a store to spend."""
    progress("consistency", 0, 1)
    check_supported_store(store)
    found = find_inconsistencies(store)
    progress("consistency", 1, 1)
    return tuple(found)


def write_closure(folder: Path, result: ReasoningResult) -> None:
    """Write an rdflib reasoning result as ``closure.nt`` and ``inferred.nt`` (sorted N-Triples) into ``folder``."""
    (folder / "closure.nt").write_bytes(serialize(result.closure, "nt").encode("utf-8"))
    (folder / "inferred.nt").write_bytes(serialize(result.inferred, "nt").encode("utf-8"))


def write_graph_closure(folder: Path, graph) -> None:
    """Reason over the rdflib ``graph`` (the shipped knowledge base) and write ``closure.nt`` and ``inferred.nt``
    into ``folder``: the files :func:`write_closure` writes for ``reason(graph, strict=True)`` (the clean closure,
    and the closure minus the asserted triples; sorted N-Triples). The compiled rules' closure is written
    straight from the store, never turned into an rdflib graph and back (3 times faster on the shipped graph);
    when the rules refuse the graph, :func:`~aiworkforce.reasoning.closure.reason` runs (it falls back to owlrl).
    Raises :class:`InconsistencyError` when the graph is inconsistent."""
    try:
        _write_rules_closure(folder, graph)
    except UnsupportedAxiomError:
        write_closure(folder, reason(graph, strict=True))


def _write_rules_closure(folder: Path, graph) -> None:
    store = rules_store(graph)
    asserted = {(q.subject, q.predicate, q.object) for q in store}
    errors = saturate(store)
    if errors:
        raise InconsistencyError("the graph is inconsistent with the ontology: " + "; ".join(errors))

    def line(triple) -> str:
        return " ".join(str(blank_node(t)) for t in triple) + " .\n"

    closure, inferred = [], []
    for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        triple = (q.subject, q.predicate, q.object)
        if triple not in asserted:
            if is_noise(*(unskolem(to_rdflib(from_oxigraph(t))) for t in triple)):
                continue
            inferred.append(line(triple))
        closure.append(line(triple))
    (folder / "closure.nt").write_text("".join(sorted(closure)), encoding="utf-8")
    (folder / "inferred.nt").write_text("".join(sorted(inferred)), encoding="utf-8")


#: The folder of a cache entry that holds the reasoned graph as an on-disk pyoxigraph store.
STORE = "store"


def write_data_store(folder: Path, data: Sequence[str | Path], *, progress: Progress = _quiet) -> None:
    """Load the shipped graph joined with ``data``, reason, and keep the result as an on-disk store in
    ``folder/store``: the clean closure in the default graph, the inferred triples again in the named graph
    :data:`~aiworkforce.query.engines.INFERRED_GRAPH` (the layout the query engines expect), blank nodes as
    blank nodes. A warm query opens it read-only in milliseconds instead of parsing the closure again.

    Reasoning runs in memory (SPARQL updates on the on-disk store are several times slower); a
    :class:`~aiworkforce.reasoning.persist.StoreWriter` writes each batch of triples to the disk store as soon as
    it is final, while the rules go on. Raises :class:`InconsistencyError` when the graph is inconsistent (the
    folder then holds a partial store: the cache removes it)."""
    from aiworkforce.query.engines import INFERRED_GRAPH

    store = load_data_store(data, progress=progress)
    with StoreWriter(folder / STORE, inferred_graph=INFERRED_GRAPH) as writer:
        result = reason_store(store, progress=progress, sink=writer)
        if result.inconsistencies:
            raise InconsistencyError("the graph is inconsistent with the ontology: "
                                     + "; ".join(result.inconsistencies))
        progress("store", 0, 1)
        writer.finish(store, skolems=result.skolems)
        progress("store", 1, 1)


def dump_store(path: Path, closure_path: Path, inferred_path: Path) -> None:
    """Write the closure and the inferred triples of the on-disk store at ``path`` as N-Triples files."""
    from aiworkforce.query.engines import INFERRED_GRAPH

    store = ox.Store.read_only(str(path))  # several processes may read it at once
    store.dump(str(closure_path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    store.dump(str(inferred_path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(INFERRED_GRAPH))
