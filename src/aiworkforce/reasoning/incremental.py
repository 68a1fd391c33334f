"""Incremental reasoning: add asserted triples to a reasoned store without recomputing its closure.

``aiworkforce add`` merges a contribution (a few dozen triples) into a knowledge base that may be joined with
millions of triples of data. Recomputing the closure of all of it would take minutes; instead the cached store of
the previous knowledge base is copied (its immutable table files are hard links, so the copy is instant) and the
new triples are reasoned semi-naively against it: every compiled rule joins only against what is new, round
after round, until nothing more follows (:meth:`~aiworkforce.reasoning.rules.RuleEngine.run` with a ``delta``).
The test suite checks that the result equals a full recomputation, on data where the new triples set off chains
(sub-properties, inverses, transitive properties, property chains, domains and ranges, class expressions).

Only additions to the ABox are handled this way. New schema triples (a new sub-class axiom changes the rules
themselves) or constructs the compiled rules do not implement raise :class:`NotIncremental`, and the caller
recomputes in full.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph

from aiworkforce.errors import InconsistencyError, UnsupportedAxiomError
from aiworkforce.rdf.terms import from_oxigraph, from_rdflib, to_oxigraph, to_rdflib
from aiworkforce.reasoning.rules import (
    RuleEngine,
    check_supported,
    compile_rules,
    is_schema_triple,
    schema_quads,
)

ADDED = "urn:aiworkforce:graph:added"


class NotIncremental(Exception):
    """The change cannot be applied incrementally (the message says why); recompute the closure instead."""


def _to_ox(node):
    return to_oxigraph(from_rdflib(node))


def _rdflib(node):
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    return to_rdflib(from_oxigraph(node))


def closed_tbox(store) -> Graph:
    """The schema triples of a saturated store's default graph: the TBox as reasoning closed it."""
    tbox = Graph()
    for q in schema_quads(store):
        tbox.add((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)))
    return tbox


def extend_store(store, triples: Iterable, *, inferred_graph: str) -> int:
    """Add the asserted rdflib ``triples`` to a reasoned ``store`` (the layout of a cached store: closure in the
    default graph, inferred triples in ``inferred_graph``) and derive what follows from them; return the number
    of triples the store gained. Raises :class:`NotIncremental` for a change the rules cannot apply
    incrementally, :class:`InconsistencyError` when the result is inconsistent."""
    new = Graph()
    for triple in triples:
        if any(isinstance(x, BNode) for x in triple):
            raise NotIncremental("the new triples hold blank nodes")
        if is_schema_triple(*triple):
            raise NotIncremental("the new triples change the schema")
        new.add(triple)
    try:
        check_supported(new)
    except UnsupportedAxiomError as exc:
        raise NotIncremental(exc.message) from None
    inferred = ox.NamedNode(inferred_graph)
    added = ox.NamedNode(ADDED)
    asserted = 0
    for s, p, o in new:
        s, p, o = _to_ox(s), _to_ox(p), _to_ox(o)
        if ox.Quad(s, p, o, inferred) in store:  # was inferred, is now asserted
            store.remove(ox.Quad(s, p, o, inferred))
        if ox.Quad(s, p, o) not in store:
            store.add(ox.Quad(s, p, o))
            store.add(ox.Quad(s, p, o, added))
            asserted += 1
    engine = RuleEngine(compile_rules(closed_tbox(store)))
    engine.run(store, delta=ADDED, collect=inferred_graph)
    if store.contains_named_graph(added):
        store.remove_graph(added)  # not DROP GRAPH, which costs a scan of the store
    # No membership in an anonymous class expression can be among the new triples: compile_rules derives
    # memberships for named classes only (tests/reasoning/test_incremental.py checks it against a recomputation).
    errors = engine.inconsistencies(store)
    if errors:
        raise InconsistencyError("the graph is inconsistent with the ontology: " + "; ".join(errors))
    return asserted + engine.derived


def copy_store(source: Path, target: Path) -> None:
    """Copy an on-disk store folder: its sorted-table files (never modified once written) as hard links where the
    file system allows, everything else (logs, manifest) as copies."""
    target.mkdir()
    for entry in os.scandir(source):
        if entry.name.startswith(("LOG", "LOCK")):
            continue
        dest = target / entry.name
        if entry.name.endswith(".sst"):
            try:
                os.link(entry.path, dest)
                continue
            except OSError:
                pass
        shutil.copy2(entry.path, dest)


def extend_entry(previous: Path, folder: Path, triples: Iterable, *, inferred_graph: str) -> None:
    """Build a cache entry's store in ``folder/store`` as the store at ``previous`` plus ``triples``, reasoned
    incrementally (:func:`extend_store`)."""
    from aiworkforce.reasoning.pipeline import STORE

    copy_store(previous, folder / STORE)
    store = ox.Store(str(folder / STORE))
    try:
        extend_store(store, triples, inferred_graph=inferred_graph)
        store.flush()
    finally:
        del store  # closes the database: the folder is renamed next
