"""Writing a reasoned graph to an on-disk pyoxigraph store while the rules are still running.

The rules run in an in-memory store (SPARQL updates on the on-disk store are several times slower), and the
result must end up on disk in the layout the query engines expect: the closure in the default graph, the inferred
triples again in the named graph :data:`~aiworkforce.query.engines.INFERRED_GRAPH`. Written after the run, that
costs about 20 s at 1M ESCO-like triples (dumping 2.6M triples, bulk-loading 4.1M quads), all of it waiting on
the rules. But every triple is final once written: the asserted ones as soon as the schema is closed, the inferred
ones as soon as the rule step that derived them ends (the engine never retracts). :class:`StoreWriter` takes each
such batch as it becomes final and bulk-loads it on a thread of its own; pyoxigraph runs updates, dumps and bulk
loads without holding the GIL, so on two cores the writing overlaps the rules and little is left to do after them.

What cannot be written early is kept for the end: triples holding a blank node (pyoxigraph's bulk loader gives
the blank nodes of each document it loads new identities, so all of them must come in one document) and
triples holding a skolem IRI (the rules' name for an anonymous class expression: the saturation removes some of
them as bookkeeping, and the others become blank nodes again). :meth:`StoreWriter.finish` keeps those still in
the store, looks the default graph's triples with a skolem subject or object up again (the saturation may have
taken them out of a step graph before it was dumped), turns skolem IRIs back into blank nodes and loads all of
them as one document.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

import pyoxigraph as ox

from aiworkforce.reasoning.fixpoint import SKOLEM, blank_node

#: The bytes that mark a line for the end: a blank node, or a skolem IRI (in a literal too: harmless, it is
#: written at the end like the others).
_LATER = (b"_:", b"<" + SKOLEM.encode())
_CHUNK = 32 << 20


class StoreWriter:
    """Writes a saturation's triples into a new on-disk store at ``path`` as they become final, in the background.

    The saturation calls :meth:`asserted` once the schema is closed (before any rule runs) and :meth:`inferred` for
    each named graph of inferred triples once it is final; the caller then calls :meth:`finish` (or, when the
    saturation fails, :meth:`abandon`; leaving the ``with`` block does that too). The in-memory store must keep every
    triple it has reported (a triple with a blank node or a skolem IRI may go: those are written as they stand at
    the end). Temporary files go beside ``path`` and are removed."""

    def __init__(self, path: Path, *, inferred_graph: str) -> None:
        self._path = Path(path)
        self._inferred = ox.NamedNode(inferred_graph)
        self._disk = ox.Store(str(self._path))
        self._later = self._path.parent / ".later.nq"
        self._later.write_bytes(b"")
        self._graphs: dict[str, bool] = {}  # the graphs reported as inferred: whether new to the default graph
        self._parts = 0
        self._jobs: queue.Queue = queue.Queue()
        self._failure: BaseException | None = None
        self._stopping = False
        self._thread = threading.Thread(target=self._work, name="aiworkforce-store-writer", daemon=True)
        self._thread.start()

    def __enter__(self) -> StoreWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.abandon()

    def _raise_failure(self) -> None:
        if self._failure is not None:
            raise self._failure

    def asserted(self, store) -> None:
        """The default graph of ``store`` now holds every asserted triple: write it to the default graph, in the
        background. The rules may already be adding to it while it is dumped; whatever of theirs the dump holds
        belongs in the default graph too (and reaches it again from its step graph, which is harmless: a store
        holds a quad once). Nothing is taken out of the default graph from now on except triples with a blank
        node or a skolem IRI, and those are written as they stand at the end."""
        self._raise_failure()
        self._jobs.put((store, None, (ox.DefaultGraph(),)))

    def inferred(self, store, graph: str, *, new: bool = True) -> None:
        """The named graph ``graph`` of ``store`` holds inferred triples and will gain no more (it may lose some
        with a skolem IRI: :meth:`finish` looks those up): write them to the inferred graph and (``new``: they were
        not in the default graph when :meth:`asserted` was called) to the default graph. Dumped and loaded in the
        background."""
        self._raise_failure()  # no use reasoning on when the result cannot be written
        self._graphs[graph] = new
        targets = (ox.DefaultGraph(), self._inferred) if new else (self._inferred,)
        self._jobs.put((store, graph, targets))

    def finish(self, store, *, skolems: frozenset = frozenset()) -> None:
        """Wait for the background writing, then write what was kept for the end, as it now stands in ``store``,
        and close the on-disk store. Re-raises what made the background writing fail.

        The end of a saturation takes triples with a skolem IRI (``skolems``: those of the schema's anonymous
        class expressions) out of graphs it has already reported, perhaps before they were dumped; so the default
        graph's triples with a skolem subject or object are looked up in ``store`` by those IRIs, which become blank
        nodes again. The lines kept for the end are written if they are still in ``store``: to the default graph,
        and, those of a reported graph still in it, to the inferred graph."""
        self._drain()
        out = self._path.parent / ".later-final.nq"
        default = ox.DefaultGraph()

        def blank(node):
            return blank_node(node) if node in skolems else node

        def line(quad, graph) -> bytes:  # a predicate stays an IRI: an anonymous inverse property in a chain
            return _line((blank(quad.subject), quad.predicate, blank(quad.object)), graph)

        try:
            with out.open("wb") as handle:
                for node in skolems:
                    for quad in {*store.quads_for_pattern(node, None, None, default),
                                 *store.quads_for_pattern(None, None, node, default)}:
                        handle.write(line(quad, None))
                for quad in ox.parse(path=str(self._later), format=ox.RdfFormat.N_QUADS):
                    triple = (quad.subject, quad.predicate, quad.object)
                    step = None if isinstance(quad.graph_name, ox.DefaultGraph) else quad.graph_name
                    if (step is None or self._graphs[step.value]) and ox.Quad(*triple, default) in store:
                        handle.write(line(quad, None))  # again, if it has a skolem IRI: a store holds it once
                    if step is not None and ox.Quad(*triple, step) in store:
                        handle.write(line(quad, self._inferred))
            self._disk.bulk_load(path=str(out), format=ox.RdfFormat.N_QUADS)
            self._disk.flush()
        finally:
            out.unlink(missing_ok=True)
            self._close()

    def abandon(self) -> None:
        """Stop writing (what is being loaded is finished first) and close the store; its folder may then be
        removed. Does nothing after :meth:`finish`."""
        self._stopping = True
        self._drain(raise_failure=False)
        self._close()

    def _part(self) -> Path:
        self._parts += 1
        return self._path.parent / f".part-{self._parts}.nt"

    def _drain(self, *, raise_failure: bool = True) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()
        if raise_failure:
            self._raise_failure()

    def _close(self) -> None:
        self._later.unlink(missing_ok=True)
        self._disk = None  # closes the database: its folder may be renamed or removed next

    def _work(self) -> None:
        while (job := self._jobs.get()) is not None:
            if self._stopping or self._failure is not None:
                continue
            try:
                self._write(*job)
            except BaseException as exc:  # handed to the caller by finish()
                self._failure = exc

    def _write(self, store, graph: str | None, targets: tuple) -> None:
        """Dump the triples of the named graph ``graph`` of ``store`` (``None``: its default graph) and load them
        into each of ``targets``, a piece at a time, except those kept for the end. Pieces of :data:`_CHUNK` bytes
        bound the bulk loader's memory: about 210 MB, against 830 MB for a million triples in one load (which,
        beside the reasoning store at 1M triples, would pass 1.8 GB)."""
        part = self._part()
        try:
            store.dump(str(part), format=ox.RdfFormat.N_TRIPLES,
                       from_graph=ox.DefaultGraph() if graph is None else ox.NamedNode(graph))
            with part.open("rb") as lines:
                for chunk in iter(lambda: lines.read(_CHUNK), b""):
                    if self._stopping:
                        return
                    chunk += lines.readline()  # whole lines: an N-Triples line ends with a newline, and only there
                    if _marked(chunk):
                        chunk = self._set_aside(chunk, graph)
                    for target in targets if chunk else ():
                        # lenient: the lines are pyoxigraph's own output, checked when they were first parsed
                        self._disk.bulk_load(input=chunk, format=ox.RdfFormat.N_TRIPLES, to_graph=target,
                                             lenient=True)
        finally:
            part.unlink(missing_ok=True)

    def _set_aside(self, chunk: bytes, graph: str | None) -> bytes:
        """The lines of ``chunk`` to load now; the others are appended to the file of those kept for the end, as
        N-Quads in ``graph`` (``None``: the default graph)."""
        suffix = b" .\n" if graph is None else f" <{graph}> .\n".encode()
        now, later = [], []
        for line in chunk.splitlines(keepends=True):
            if _marked(line):
                later.append(line[:-3] + suffix)  # an N-Triples line ends with " .\n"
            else:
                now.append(line)
        with self._later.open("ab") as handle:
            handle.writelines(later)
        return b"".join(now)


def _marked(data: bytes) -> bool:
    return any(mark in data for mark in _LATER)


def _line(triple: tuple, graph) -> bytes:
    terms = [*map(str, triple), *([str(graph)] if graph is not None else [])]
    return (" ".join(terms) + " .\n").encode("utf-8")
