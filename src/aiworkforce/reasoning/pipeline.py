"""The store pipeline: the shipped graph joined with a user's own data, loaded, reasoned and written out without
ever becoming an rdflib graph, so it scales to millions of triples.

Data files (Turtle, N-Triples, RDF/XML, N-Quads, TriG) are parsed by pyoxigraph straight into an in-memory store
beside the ontology, reasoned by the compiled rules (:func:`aiworkforce.reasoning.rules.saturate`) and dumped as
N-Triples. Every phase reports to an optional ``progress(phase, done, total)`` callback, which the CLI turns
into progress bars on a terminal.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from aiworkforce.errors import InconsistencyError, InputError
from aiworkforce.rdf.files import write_atomic_bytes
from aiworkforce.rdf.formats import by_suffix
from aiworkforce.rdf.load import read_text, refuse_remote_contexts, refuse_xml_entities
from aiworkforce.rdf.resources import data_files
from aiworkforce.rdf.serialize import serialize
from aiworkforce.reasoning.closure import ReasoningResult
from aiworkforce.reasoning.rules import SKOLEM, check_supported_store, saturate

Progress = Callable[[str, int, int], None]

ASSERTED = "urn:aiworkforce:graph:asserted"
_SKOLEM_NT = re.compile(rb"<urn:aiworkforce:bnode:([^>]+)>")


@dataclass(frozen=True)
class StoreClosure:
    """A pyoxigraph store holding the closure in its default graph (and the asserted triples in a named graph)."""

    store: object
    asserted: int
    closure: int
    inconsistencies: tuple[str, ...]


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
            line = getattr(exc, "lineno", None)
            raise InputError(f"cannot be parsed: {exc}", path=path, line=line) from None
    progress("load", len(files), len(files))
    return store


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


def reason_store(store, *, progress: Progress = _quiet) -> StoreClosure:
    """Saturate ``store`` in place with the compiled OWL 2 RL rules; keep a copy of the asserted triples."""
    progress("reason", 0, 3)
    check_supported_store(store)
    store.update(f"INSERT {{ GRAPH <{ASSERTED}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}")
    asserted = len(store) // 2
    progress("reason", 1, 3)
    errors = saturate(store)
    progress("reason", 3, 3)
    closure = len(store) - asserted
    return StoreClosure(store, asserted, closure, tuple(errors))


def dump_closure(result: StoreClosure, closure_path: Path, inferred_path: Path) -> None:
    """Write the closure and the inferred triples (closure minus asserted) as N-Triples.

    Schema bookkeeping about anonymous restriction classes is counted as asserted, not inferred.
    """
    store = result.store
    closure = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    write_atomic_bytes(closure_path, _SKOLEM_NT.sub(rb"_:\1", closure))
    inferred = store.query(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o FILTER NOT EXISTS {{ GRAPH <{ASSERTED}> {{ ?s ?p ?o }} }} "
        f"FILTER(!STRSTARTS(STR(?s), \"{SKOLEM}\") && !(isIRI(?o) && STRSTARTS(STR(?o), \"{SKOLEM}\"))) }}")
    out = ox.Store()
    out.bulk_extend(ox.Quad(t.subject, t.predicate, t.object) for t in inferred)
    write_atomic_bytes(inferred_path, out.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))



def write_closure(folder: Path, result: ReasoningResult) -> None:
    """Write an rdflib reasoning result as ``closure.nt`` and ``inferred.nt`` (sorted N-Triples) into ``folder``."""
    (folder / "closure.nt").write_bytes(serialize(result.closure, "nt").encode("utf-8"))
    (folder / "inferred.nt").write_bytes(serialize(result.inferred, "nt").encode("utf-8"))


def write_data_closure(folder: Path, data: Sequence[str | Path], *, progress: Progress = _quiet) -> None:
    """Load the shipped graph joined with ``data``, reason in the store, and write the closure into ``folder``."""
    result = reason_store(load_data_store(data, progress=progress), progress=progress)
    if result.inconsistencies:
        raise InconsistencyError("the graph is inconsistent with the ontology: " + "; ".join(result.inconsistencies))
    dump_closure(result, folder / "closure.nt", folder / "inferred.nt")


#: The folder of a cache entry that holds the reasoned graph as an on-disk pyoxigraph store.
STORE = "store"


def write_data_store(folder: Path, data: Sequence[str | Path], *, progress: Progress = _quiet) -> None:
    """Load the shipped graph joined with ``data``, reason, and keep the result as an on-disk store in
    ``folder/store``: the clean closure in the default graph, the inferred triples again in the named graph
    :data:`~aiworkforce.query.engines.INFERRED_GRAPH` (the layout the query engines expect), blank nodes as
    blank nodes. A warm query opens it read-only in milliseconds instead of parsing the closure again.

    Reasoning runs in memory (SPARQL updates on the on-disk store are several times slower); the result is
    streamed to the disk store through one N-Quads file in ``folder``, removed afterwards.
    """
    result = reason_store(load_data_store(data, progress=progress), progress=progress)
    if result.inconsistencies:
        raise InconsistencyError("the graph is inconsistent with the ontology: " + "; ".join(result.inconsistencies))
    persist(result.store, folder)


def persist(store, folder: Path) -> None:
    """Write a reasoned in-memory ``store`` (closure in the default graph, asserted copy in :data:`ASSERTED`) as
    the on-disk store ``folder/store``, in the layout :func:`write_data_store` describes. ``store`` is changed."""
    mark_inferred(store)
    quads = folder / ".quads.nq"
    store.dump(str(quads), format=ox.RdfFormat.N_QUADS)
    disk = ox.Store(str(folder / STORE))
    try:
        disk.bulk_load(path=str(quads), format=ox.RdfFormat.N_QUADS)
        disk.flush()
    finally:
        del disk  # closes the database: the folder may be renamed next
        quads.unlink()


def mark_inferred(store) -> None:
    """Turn the store :func:`reason_store` leaves (closure, and the asserted triples in :data:`ASSERTED`) into the
    query layout: the inferred triples in their named graph, the asserted copy dropped, skolem IRIs back to
    blank nodes. Schema bookkeeping about anonymous restriction classes counts as asserted, as in
    :func:`dump_closure`."""
    from aiworkforce.query.engines import INFERRED_GRAPH

    store.update(f"INSERT {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o "
                 f"FILTER NOT EXISTS {{ GRAPH <{ASSERTED}> {{ ?s ?p ?o }} }} "
                 f"FILTER(!STRSTARTS(STR(?s), \"{SKOLEM}\") && !(isIRI(?o) && STRSTARTS(STR(?o), \"{SKOLEM}\"))) }}")
    store.update(f"DROP SILENT GRAPH <{ASSERTED}>")
    unskolemise(store)


def dump_store(path: Path, closure_path: Path, inferred_path: Path) -> None:
    """Write the closure and the inferred triples of the on-disk store at ``path`` as N-Triples files."""
    from aiworkforce.query.engines import INFERRED_GRAPH

    store = ox.Store.read_only(str(path))  # several processes may read it at once
    store.dump(str(closure_path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    store.dump(str(inferred_path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(INFERRED_GRAPH))


def unskolemise(store) -> None:
    """Replace the skolem IRIs the rules work with (:data:`~aiworkforce.reasoning.rules.SKOLEM`) by blank nodes
    in the default graph: only schema triples about anonymous class expressions have them, a few hundred."""
    found = [q for q in store.query(f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), \"{SKOLEM}\") "
                                    f"|| (isIRI(?o) && STRSTARTS(STR(?o), \"{SKOLEM}\"))) }}")]

    def term(node):
        if isinstance(node, ox.NamedNode) and node.value.startswith(SKOLEM):
            return ox.BlankNode(node.value[len(SKOLEM):])
        return node

    for s, p, o in ((row[0], row[1], row[2]) for row in found):
        store.remove(ox.Quad(s, p, o))
        store.add(ox.Quad(term(s), p, term(o)))
