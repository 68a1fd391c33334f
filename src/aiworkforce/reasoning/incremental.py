"""Incremental reasoning: add asserted triples to a reasoned store without recomputing its closure.

``aiworkforce add`` merges a contribution (a few dozen triples) into a knowledge base that may be joined with
millions of triples of data. Recomputing the closure of all of it would take minutes; instead the cached store of
the previous knowledge base is copied (its immutable table files are hard links, so the copy is instant) and the
new triples are reasoned semi-naively against it: every compiled rule joins only against what is new, round
after round, until nothing more follows (:meth:`~aiworkforce.reasoning.rules.RuleEngine.run` with a ``delta``).
The test suite checks that the result equals a full recomputation, on data where the new triples set off chains
(sub-properties, inverses, transitive properties, property chains, domains and ranges, class expressions).

``aiworkforce remove`` takes triples back out: :func:`shrink_store` runs delete-and-rederive (Gupta, Mumick and
Subrahmanian, 1993). Everything with a derivation that used a removed triple is deleted (over-deleted: some of it
may follow another way), then whatever of that still follows in one step from what is left is put back, and what
follows from that is derived semi-naively, as for an addition. The tests check this too against a full
recomputation, including triples that stay derivable another way.

Only changes to the ABox are handled this way. Schema triples (a sub-class axiom changes the rules themselves),
blank nodes, or constructs the compiled rules do not implement raise :class:`NotIncremental`, and the caller
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
from aiworkforce.reasoning.fixpoint import SKOLEM, SMALL_DELTA, overlap
from aiworkforce.reasoning.rules import (
    SCHEMA_PREDICATES,
    SCHEMA_TYPES,
    CompiledRules,
    RuleEngine,
    check_supported,
    compile_rules,
    is_schema_triple,
    schema_quads,
)

ADDED = "urn:aiworkforce:graph:added"
#: Delete-and-rederive's graphs: the removed asserted triples, each round's over-deleted triples, all of those
#: together, and the triples put back.
DELETED = "urn:aiworkforce:graph:deleted"
OVERDELETED = "urn:aiworkforce:graph:overdeleted"
CANDIDATES = "urn:aiworkforce:graph:overdeleted/all"
REDERIVED = "urn:aiworkforce:graph:rederived"
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


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


def _ground(triples: Iterable) -> Graph:
    """The rdflib ``triples`` as a graph; :class:`NotIncremental` if any holds a blank node or is a schema triple."""
    out = Graph()
    for triple in triples:
        if any(isinstance(x, BNode) for x in triple):
            raise NotIncremental("the changed triples hold blank nodes")
        if is_schema_triple(*triple):
            raise NotIncremental("the changed triples change the schema")
        out.add(triple)
    return out


def extend_store(store, triples: Iterable, *, inferred_graph: str) -> int:
    """Add the asserted rdflib ``triples`` to a reasoned ``store`` (the layout of a cached store: closure in the
    default graph, inferred triples in ``inferred_graph``) and derive what follows from them; return the number
    of triples the store gained. Raises :class:`NotIncremental` for a change the rules cannot apply
    incrementally, :class:`InconsistencyError` when the result is inconsistent."""
    new = _ground(triples)
    try:
        check_supported(new)
    except UnsupportedAxiomError as exc:
        raise NotIncremental(exc.message) from None
    engine = RuleEngine(_compiled(store))  # before anything changes: it may refuse
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
    engine.run(store, delta=ADDED, collect=inferred_graph)
    if store.contains_named_graph(added):
        store.remove_graph(added)  # not DROP GRAPH, which costs a scan of the store
    # No membership in an anonymous class expression can be among the new triples: compile_rules derives
    # memberships for named classes only (tests/reasoning/test_incremental.py checks it against a recomputation).
    errors = engine.inconsistencies(store)
    if errors:
        raise InconsistencyError("the graph is inconsistent with the ontology: " + "; ".join(errors))
    return asserted + engine.derived


def shrink_store(store, triples: Iterable, *, inferred_graph: str) -> int:
    """Take the rdflib ``triples`` out of what a reasoned ``store`` (laid out as for :func:`extend_store`) asserts,
    with whatever no longer follows without them (delete-and-rederive: see the module's docstring); return the
    number of triples the store lost. The caller passes only triples no source asserts any more. A triple that
    still follows from the rest stays, as an inferred one. Raises :class:`NotIncremental` like
    :func:`extend_store`."""
    gone = _ground(triples)
    inferred, deleted = ox.NamedNode(inferred_graph), ox.NamedNode(DELETED)
    asserted = []
    for s, p, o in gone:
        s, p, o = _to_ox(s), _to_ox(p), _to_ox(o)
        if ox.Quad(s, p, o) in store and ox.Quad(s, p, o, inferred) not in store:  # asserted, so removed
            asserted.append(ox.Quad(s, p, o, deleted))
    if not asserted:
        return 0
    rules = _compiled(store).rules  # before anything changes: it may refuse
    store.extend(asserted)
    before = _count(store, DELETED)
    # 1. over-delete, round after round, on the closure as it was: what a deleted triple helped derive
    frontier, rounds = DELETED, 0
    while (size := _count(store, frontier)):
        rounds += 1
        into = f"{OVERDELETED}/{rounds}"
        kinds = _kinds(store, frontier)
        for rule in rules:
            reads = rule.reads()
            for i, update in enumerate(rule.overdelete(frontier, into, derived=inferred_graph, over=CANDIDATES,
                                                       small=size <= SMALL_DELTA)):
                if any(overlap(reads[i], kind) for kind in kinds):
                    store.update(update)
        if frontier != DELETED:
            store.remove_graph(ox.NamedNode(frontier))
        frontier = into
    if store.contains_named_graph(ox.NamedNode(frontier)) and frontier != DELETED:
        store.remove_graph(ox.NamedNode(frontier))
    over = _count(store, CANDIDATES)
    store.update(f"DELETE {{ ?s ?p ?o . GRAPH <{inferred_graph}> {{ ?s ?p ?o }} }} "
                 f"WHERE {{ GRAPH <{CANDIDATES}> {{ ?s ?p ?o }} }}")
    store.update(f"DELETE {{ ?s ?p ?o }} INSERT {{ GRAPH <{CANDIDATES}> {{ ?s ?p ?o }} }} "
                 f"WHERE {{ GRAPH <{DELETED}> {{ ?s ?p ?o }} }}")
    store.remove_graph(deleted)
    # 2. rederive: what still follows in one step from what is left, then everything that follows from that
    small = over + before <= SMALL_DELTA
    for rule in rules:
        store.update(rule.rederive(CANDIDATES, REDERIVED, small=small))
    store.remove_graph(ox.NamedNode(CANDIDATES))
    back = _count(store, REDERIVED)
    engine = RuleEngine(CompiledRules(rules, ()))
    if back:
        store.update(f"INSERT {{ GRAPH <{inferred_graph}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH <{REDERIVED}> {{ ?s ?p ?o }} }}")
        engine.run(store, delta=REDERIVED, collect=inferred_graph)
        store.remove_graph(ox.NamedNode(REDERIVED))
    return before + over - back - engine.derived


def _compiled(store) -> CompiledRules:
    """The compiled rules of a reasoned store's schema, or :class:`NotIncremental` where running them on a change
    could part from a full recomputation:

    * a rule that can conclude a schema triple (a sub-property of ``rdfs:subClassOf``, a range of
      ``owl:TransitiveProperty``...): a full build compiles its rules from the schema alone, and a concluded axiom
      could neither be taken back by the rules nor told apart from the schema's own entailments;
    * a rule naming an anonymous term (an anonymous inverse property in a chain or a restriction): the rules know it
      by a skolem IRI made from the blank node's label, which the on-disk store does not keep.
    """
    compiled = compile_rules(closed_tbox(store))
    schema_predicates = {str(p) for p in SCHEMA_PREDICATES}
    schema_types = {str(t) for t in SCHEMA_TYPES}
    for rule in compiled.rules:
        if SKOLEM in rule.head or SKOLEM in rule.extra or any(SKOLEM in atom for atom in rule.atoms):
            raise NotIncremental("the rules name an anonymous property or class")
        for predicates, objects in rule.writes():
            if predicates is None or predicates & schema_predicates or (
                    _TYPE.value in predicates and (objects is None or objects & schema_types)):
                raise NotIncremental(f"the rule {rule.name.split(' ')[0]} can conclude schema triples")
    return compiled


def _count(store, graph: str) -> int:
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


def _kinds(store, graph: str) -> set:
    """The signatures (:func:`~aiworkforce.reasoning.fixpoint.signature`) of the triples in ``graph``: their
    predicate, and for memberships their class."""
    return {(frozenset({q.predicate.value}), frozenset({q.object.value}) if q.predicate == _TYPE else None)
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))}


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


def update_entry(previous: Path, folder: Path, *, added: Iterable = (), removed: Iterable = (),
                 inferred_graph: str) -> None:
    """Build a cache entry's store in ``folder/store`` as the store at ``previous`` without the asserted triples
    ``removed`` (:func:`shrink_store`) and with ``added`` (:func:`extend_store`), reasoned incrementally."""
    from aiworkforce.reasoning.pipeline import STORE

    copy_store(previous, folder / STORE)
    store = ox.Store(str(folder / STORE))
    try:
        shrink_store(store, removed, inferred_graph=inferred_graph)
        extend_store(store, added, inferred_graph=inferred_graph)
        store.flush()
    finally:
        del store  # closes the database: the folder is renamed next
