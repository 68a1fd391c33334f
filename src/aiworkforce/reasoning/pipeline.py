"""The store pipeline: the shipped graph joined with a user's own data, loaded, reasoned and written out without
ever becoming an rdflib graph, so it scales to millions of triples.

Data files (Turtle, N-Triples, RDF/XML, N-Quads, TriG) are parsed by pyoxigraph straight into an in-memory store
beside the ontology, reasoned by the compiled rules (:func:`aiworkforce.reasoning.rules.saturation`) and dumped as
N-Triples. Every phase reports to an optional ``progress(phase, done, total)`` callback, which the CLI turns
into progress bars on a terminal.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from aiworkforce.errors import InconsistencyError, InputError, UnsupportedAxiomError
from aiworkforce.rdf.files import write_atomic_stream
from aiworkforce.rdf.formats import by_suffix
from aiworkforce.rdf.load import read_text, refuse_remote_contexts, refuse_xml_entities
from aiworkforce.rdf.resources import data_files
from aiworkforce.rdf.serialize import serialize
from aiworkforce.rdf.terms import from_oxigraph, from_rdflib, to_oxigraph, to_rdflib
from aiworkforce.reasoning.closure import ReasoningResult, reason, rules_store
from aiworkforce.reasoning.reference import is_noise
from aiworkforce.reasoning.rules import (SKOLEM, check_supported_store, find_inconsistencies, saturate, saturation,
                                         skolem_nodes, unskolem)

Progress = Callable[[str, int, int], None]



@dataclass(frozen=True)
class StoreClosure:
    """A pyoxigraph store holding the closure in its default graph (anonymous class expressions as skolem IRIs)
    and the inferred triples again in the named graphs ``inferred`` (each inferred triple in one of them; schema
    triples about anonymous class expressions count as asserted)."""

    store: object
    inferred: tuple[str, ...]
    inconsistencies: tuple[str, ...]

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


def reason_store(store, *, progress: Progress = _quiet) -> StoreClosure:
    """Saturate ``store`` in place with the compiled OWL 2 RL rules, keeping the inferred triples in named graphs
    too (see :class:`StoreClosure`)."""
    progress("reason", 0, 3)
    check_supported_store(store)
    progress("reason", 1, 3)
    run = saturation(store, keep_inferred=True)
    progress("reason", 3, 3)
    return StoreClosure(store, run.inferred, tuple(run.errors))


def store_inconsistencies(store, *, progress: Progress = _quiet) -> tuple[str, ...]:
    """The inconsistencies of the OWL 2 RL closure of ``store`` (as :func:`load_data_store` leaves it), found
    without computing the whole closure (:func:`~aiworkforce.reasoning.rules.find_inconsistencies`); the store
    receives the part of the closure the consistency checks read, so give it a store to spend."""
    progress("consistency", 0, 1)
    check_supported_store(store)
    found = find_inconsistencies(store)
    progress("consistency", 1, 1)
    return tuple(found)


def dump_closure(result: StoreClosure, closure_path: Path, inferred_path: Path) -> None:
    """Write the closure and the inferred triples as N-Triples. The store's skolem IRIs become blank nodes again
    (:func:`unskolemise`), so it is not reasoned over again."""
    unskolemise(result.store)
    _dump(result.store, closure_path, [ox.DefaultGraph()])
    _dump(result.store, inferred_path, [ox.NamedNode(g) for g in result.inferred])


def _dump(store, path: Path, graphs: list) -> None:
    """Write the triples of ``graphs`` as N-Triples into ``path``, atomically, streamed from the store: a
    million-triple closure held as bytes cost hundreds of megabytes more at its peak."""
    def write(handle) -> None:
        for graph in graphs:
            store.dump(handle, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)

    write_atomic_stream(path, write)


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
        return " ".join(str(_blank(t)) for t in triple) + " .\n"

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

    Reasoning runs in memory (SPARQL updates on the on-disk store are several times slower); the result is
    written to the disk store through N-Triples files in ``folder``, removed afterwards (:func:`persist_owned`).
    """
    def reasoned() -> StoreClosure:
        result = reason_store(load_data_store(data, progress=progress), progress=progress)
        if result.inconsistencies:
            raise InconsistencyError("the graph is inconsistent with the ontology: "
                                     + "; ".join(result.inconsistencies))
        return result

    persist_owned(reasoned, folder)


def persist_owned(take: Callable[[], StoreClosure], folder: Path) -> None:
    """Write the reasoned in-memory store that ``take()`` hands over (a :class:`StoreClosure`, as
    :func:`reason_store` leaves it) as the on-disk store ``folder/store``, in the layout :func:`write_data_store`
    describes: the closure and the inferred triples are written as N-Triples files in ``folder`` (skolem IRIs back
    to blank nodes), bulk-loaded, and removed. Once the files are written, the in-memory store is dropped and its
    memory given back to the system before the bulk load, which needs about as much again (at 1M ESCO-like
    triples the peak falls from 2.7 to 1.6 GiB): ``take`` should return the only reference to the result.

    pyoxigraph's bulk loader gives the blank nodes of each document it loads new identities, so the inferred triples
    with a blank node are appended to the closure's file as N-Quads and loaded with it (:class:`_Document` picks
    them out); otherwise a blank node of the closure and the same node among the inferred triples would part (and
    delete-and-rederive, which looks inferred triples up, would miss it). The other inferred triples are a second
    load: one load of everything peaks at about 15 % more memory (1.96 against 1.70 GiB at 1M ESCO-like
    triples). pyoxigraph reads both files itself unless some inferred triple holds a blank node (then the second
    load is streamed through Python, which leaves those out: 2 s more at 1M triples)."""
    from aiworkforce.query.engines import INFERRED_GRAPH

    closure, inferred = folder / ".closure.nq", folder / ".inferred.nt"
    try:
        result = take()
        dump_closure(result, closure, inferred)
        del result
        _return_memory()
        # N-Triples lines are N-Quads lines in the default graph: the inferred triples with a blank node go after
        # the closure's, in the inferred graph, and pyoxigraph reads the files itself (not through Python)
        with closure.open("ab") as out, _Document(inferred, _blank_nodes_into(INFERRED_GRAPH)) as lines:
            end = out.tell()
            shutil.copyfileobj(lines, out, _Document.CHUNK)
            blank = out.tell() > end
        disk = ox.Store(str(folder / STORE))
        try:
            disk.bulk_load(path=str(closure), format=ox.RdfFormat.N_QUADS)
            if blank:
                with _Document(inferred, _without_blank_nodes) as document:
                    disk.bulk_load(document, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(INFERRED_GRAPH))
            else:
                disk.bulk_load(path=str(inferred), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(INFERRED_GRAPH))
            disk.flush()
        finally:
            del disk  # closes the database: the folder may be renamed next
    finally:
        closure.unlink(missing_ok=True)
        inferred.unlink(missing_ok=True)


class _Document(io.RawIOBase):
    """An N-Triples file read in chunks of whole lines, each chunk passed through ``change`` (an N-Triples line
    ends with `` .`` and a newline, and only there: a newline in a literal is escaped)."""

    CHUNK = 1 << 20

    def __init__(self, path: Path, change: Callable[[bytes], bytes]) -> None:
        self._handle, self._change = path.open("rb"), change
        self._pending, self._at = b"", 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while self._at == len(self._pending):
            chunk = self._handle.read(self.CHUNK)
            if not chunk:
                return 0
            if not chunk.endswith(b"\n"):
                chunk += self._handle.readline()
            self._pending, self._at = self._change(chunk), 0
        n = min(len(buffer), len(self._pending) - self._at)
        buffer[:n] = self._pending[self._at:self._at + n]
        self._at += n
        return n

    def close(self) -> None:
        self._handle.close()
        super().close()


def _without_blank_nodes(chunk: bytes) -> bytes:
    if b"_:" not in chunk:
        return chunk
    return b"".join(line for line in chunk.splitlines(keepends=True) if b"_:" not in line)


def _blank_nodes_into(graph: str) -> Callable[[bytes], bytes]:
    """The lines of a chunk that hold a blank node (or the text ``_:`` in a literal: harmless), as N-Quads in
    ``graph``."""
    suffix = f" <{graph}> .\n".encode()

    def change(chunk: bytes) -> bytes:
        if b"_:" not in chunk:
            return b""
        return b"".join(line.replace(b" .\n", suffix) for line in chunk.splitlines(keepends=True) if b"_:" in line)

    return change


def _return_memory() -> None:
    """Give memory the process freed back to the system. glibc keeps freed memory for later allocations, so a
    dropped store would still count in the peak of the bulk load that follows; elsewhere this does nothing."""
    try:
        import ctypes

        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def dump_store(path: Path, closure_path: Path, inferred_path: Path) -> None:
    """Write the closure and the inferred triples of the on-disk store at ``path`` as N-Triples files."""
    from aiworkforce.query.engines import INFERRED_GRAPH

    store = ox.Store.read_only(str(path))  # several processes may read it at once
    store.dump(str(closure_path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    store.dump(str(inferred_path), format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(INFERRED_GRAPH))


def unskolemise(store) -> None:
    """Replace the skolem IRIs the rules work with (:data:`~aiworkforce.reasoning.rules.SKOLEM`) by blank nodes
    in the default graph: only schema triples about anonymous class expressions have them, a few hundred, found
    by index lookups."""
    graph = ox.DefaultGraph()
    for node in skolem_nodes(store):
        for q in {*store.quads_for_pattern(node, None, None, graph), *store.quads_for_pattern(None, None, node, graph)}:
            store.remove(q)
            store.add(ox.Quad(_blank(q.subject), q.predicate, _blank(q.object)))


def _blank(node):
    """A pyoxigraph term with a skolem IRI turned back into its blank node."""
    if isinstance(node, ox.NamedNode) and node.value.startswith(SKOLEM):
        return ox.BlankNode(node.value[len(SKOLEM):])
    return node
