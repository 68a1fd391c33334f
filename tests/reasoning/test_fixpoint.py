"""The fixpoint engine: static dependencies between rules, self-closed rules, and the kept step graphs."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import RDF

from aiworkforce.reasoning.fixpoint import CompiledRules, Rule, RuleEngine, overlap, signature
from aiworkforce.reasoning.rules import compile_rules

EX = "http://example.org/"
TYPE = str(RDF.type)


def test_signatures_say_what_a_pattern_can_match():
    bind = {"?p": frozenset({EX + "p"}), "?c": frozenset({EX + "C"})}
    assert signature("?x a ?c", bind) == (frozenset({TYPE}), frozenset({EX + "C"}))
    assert signature(f"?x <{EX}q> ?y", bind) == (frozenset({EX + "q"}), None)
    assert signature('?x ?p "a literal with spaces"@en', bind) == (frozenset({EX + "p"}), None)
    assert signature("?x ?r ?y", bind) == (None, None)  # a variable no VALUES table binds: anything
    assert overlap(signature("?x a ?c", bind), (frozenset({TYPE}), None))
    assert not overlap(signature("?x a ?c", bind), (frozenset({TYPE}), frozenset({EX + "D"})))
    assert not overlap(signature("?x ?p ?y", bind), (frozenset({TYPE}), None))


def _tbox(turtle: str) -> Graph:
    return Graph().parse(data="@prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> . "
                              "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . " + turtle, format="turtle")


def test_a_hierarchy_that_is_not_transitively_closed_is_fed_back_to_its_rule():
    # the engine is handed the rules of an unclosed hierarchy (compile_rules normally sees owlrl's closure)
    rules = compile_rules(_tbox("ex:A rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C ."))
    (sco,) = [r for r in rules.rules if r.name == "cax-sco"]
    assert not sco.self_closed
    closed = compile_rules(_tbox("ex:A rdfs:subClassOf ex:B, ex:C . ex:B rdfs:subClassOf ex:C ."))
    assert [r for r in closed.rules if r.name == "cax-sco"][0].self_closed
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "x"), ox.NamedNode(TYPE), ox.NamedNode(EX + "A")))
    RuleEngine(rules).run(store)
    assert ox.Quad(ox.NamedNode(EX + "x"), ox.NamedNode(TYPE), ox.NamedNode(EX + "C")) in store


def test_an_inverse_with_two_partners_is_fed_back_to_its_rule():
    rules = compile_rules(_tbox("ex:p owl:inverseOf ex:q . ex:r owl:inverseOf ex:q ."))
    (inv,) = [r for r in rules.rules if r.name == "prp-inv"]
    assert not inv.self_closed  # x p y -> y q x -> x r y
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "x"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "y")))
    RuleEngine(rules).run(store)
    assert ox.Quad(ox.NamedNode(EX + "x"), ox.NamedNode(EX + "r"), ox.NamedNode(EX + "y")) in store


def test_rules_read_what_rules_later_in_the_pass_derive():
    # cax-sco runs last in a pass; its conclusion feeds prp-spo2, which runs first: a second pass must see it
    chain = Rule("prp-spo2 test", f"?v0 <{EX}r> ?v1", (f"?v0 <{EX}p> ?v1", "?v0 a <http://example.org/B>"))
    sco = Rule("cax-sco", "?x a ?b", ("?x a ?a",), f"VALUES (?a ?b) {{ (<{EX}A> <{EX}B>) }}",
               (("?a", frozenset({EX + "A"})), ("?b", frozenset({EX + "B"}))), self_closed=True)
    store = ox.Store()
    x, y = ox.NamedNode(EX + "x"), ox.NamedNode(EX + "y")
    store.add(ox.Quad(x, ox.NamedNode(TYPE), ox.NamedNode(EX + "A")))
    store.add(ox.Quad(x, ox.NamedNode(EX + "p"), y))
    engine = RuleEngine(CompiledRules((sco, chain), ()))
    engine.run(store, keep=True)
    assert ox.Quad(x, ox.NamedNode(EX + "r"), y) in store
    assert engine.rounds == 3  # the pass that derives, the pass that reads it, the pass that finds nothing
    # the kept step graphs hold every derived triple, once, and nothing else
    kept = [q for g in engine.graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))]
    assert sorted(str(ox.Triple(q.subject, q.predicate, q.object)) for q in kept) == sorted(
        str(t) for t in (ox.Triple(x, ox.NamedNode(TYPE), ox.NamedNode(EX + "B")), ox.Triple(x, ox.NamedNode(EX + "r"), y)))
    assert {g.value for g in store.named_graphs()} == set(engine.graphs)


def test_without_keep_no_step_graph_is_left():
    rules = compile_rules(_tbox("ex:A rdfs:subClassOf ex:B . ex:p rdfs:domain ex:A ."))
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(EX + "x"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "y")))
    engine = RuleEngine(rules)
    engine.run(store)
    assert list(store.named_graphs()) == [] and engine.graphs == []
    assert ox.Quad(ox.NamedNode(EX + "x"), ox.NamedNode(TYPE), ox.NamedNode(EX + "B")) in store


def test_a_seminaive_run_starts_from_the_delta_and_looks_up_what_is_bound():
    """pyoxigraph joins in the order written: the delta atom comes first, the others follow its variables, and
    over a small delta an atom with nothing left to bind is a lookup (FILTER EXISTS), not a join."""
    chain = Rule("chain", f"?a <{EX}r> ?d", (f"?a <{EX}p> ?b", f"?c <{EX}s> ?d", f"?b <{EX}q> ?c"))
    check = Rule("check", "?x a ?n", ("?x a ?k", f"?x <{EX}p> <{EX}o>"))

    def where(update: str) -> str:
        return update.split("WHERE {", 2)[2]

    (big,) = chain.seminaive([[], ["urn:d"], []], "urn:into")
    assert where(big).index("GRAPH <urn:d>") < where(big).index(f"?b <{EX}q> ?c") < where(big).index(f"?a <{EX}p>")
    (small,) = check.seminaive([["urn:d"], []], "urn:into", small=frozenset({"urn:d"}))
    assert f"FILTER EXISTS {{ ?x <{EX}p> <{EX}o> }}" in small
    (large,) = check.seminaive([["urn:d"], []], "urn:into")
    assert "EXISTS" not in where(large).split("}")[1]  # a large delta joins as before


def test_lookups_and_joins_derive_the_same_triples():
    rules = CompiledRules((
        Rule("prp-spo2 chain", f"?a <{EX}r> ?d", (f"?a <{EX}p> ?b", f"?b <{EX}q> ?c", f"?c <{EX}s> ?d")),
        Rule("classify check", f"?x a <{EX}K>", (f"?x a <{EX}C>", f"?x <{EX}p> <{EX}o>")),
    ), ())
    results = []
    for size in (0, 3):  # every delta joined by lookups; none
        store = ox.Store()
        for s, p, o in (("a", "p", "b"), ("b", "q", "c"), ("c", "s", "d"), ("a", "p", "o")):
            store.add(ox.Quad(ox.NamedNode(EX + s), ox.NamedNode(EX + p), ox.NamedNode(EX + o)))
        new = [ox.Quad(ox.NamedNode(EX + "a"), ox.NamedNode(TYPE), ox.NamedNode(EX + "C")),
               ox.Quad(ox.NamedNode(EX + "c"), ox.NamedNode(EX + "s"), ox.NamedNode(EX + "e"))]
        for quad in new:
            store.add(quad)
            store.add(ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode("urn:added")))
        import aiworkforce.reasoning.fixpoint as fixpoint

        before, fixpoint.SMALL_DELTA = fixpoint.SMALL_DELTA, 1000 if size == 0 else 0
        try:
            RuleEngine(rules).run(store, delta="urn:added")
        finally:
            fixpoint.SMALL_DELTA = before
        results.append({(q.subject.value, q.predicate.value, q.object.value)
                        for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())})
    assert results[0] == results[1]
    assert (EX + "a", EX + "r", EX + "e") in results[0] and (EX + "a", TYPE, EX + "K") in results[0]


def _closure(pairs: set) -> set:
    """The transitive closure of ``pairs``: what each node reaches, walked breadth first."""
    after: dict = {}
    for a, b in pairs:
        after.setdefault(a, set()).add(b)
    closed = set()
    for start in after:
        seen, todo = set(), list(after[start])
        while todo:
            node = todo.pop()
            if node not in seen:
                seen.add(node)
                todo.extend(after.get(node, ()))
        closed |= {(start, node) for node in seen}
    return closed


def _edges(store, p: str) -> set:
    return {(q.subject.value, q.object.value) for q in store.quads_for_pattern(None, ox.NamedNode(p), None,
                                                                                 ox.DefaultGraph())}


@pytest.mark.parametrize("added, blank", [(0, False), (40, False), (1500, False), (0, True), (1500, True)])
def test_a_transitive_property_is_closed_whatever_the_delta(added, blank):
    """Edges forming long chains, a cycle, a fork and a literal at the end; then ``added`` more edges as a delta
    (joining chains, so that the closure grows through them); no delta, a few new edges (paths in place), many
    (aside). Every run must leave exactly the closure, and each derived triple once in the step graphs. With
    ``blank``, the cycle's nodes are blank nodes (the aside run then moves terms, not text)."""
    rules = compile_rules(_tbox("ex:t a owl:TransitiveProperty ."))
    assert [r.name for r in rules.rules] == [f"prp-trp {EX}t"]
    t = ox.NamedNode(EX + "t")
    node = lambda i: ox.BlankNode(f"n{i}") if blank and i <= 60 else ox.NamedNode(f"{EX}n{i}")  # noqa: E731
    start = [(node(i), node(i + 1)) for i in range(60)] + [(node(60), node(0)), (node(5), node(100))]
    start += [(node(200 + i), node(201 + i)) for i in range(30)]
    store = ox.Store()
    for a, b in start:
        store.add(ox.Quad(a, t, b))
    store.add(ox.Quad(node(229), t, ox.Literal("the end")))
    engine = RuleEngine(rules)
    engine.run(store, keep=True)
    expected = _closure(_edges(store, t.value) | {(a.value, b.value) for a, b in start})
    assert _edges(store, t.value) == expected
    derived = [q for g in engine.graphs for q in store.quads_for_pattern(None, None, None, ox.NamedNode(g))]
    assert len(derived) == len({(q.subject, q.object) for q in derived}) == len(expected) - len(start) - 1
    if not added:
        return
    # new nodes leading into the cycle, and from the chain that ends in the literal back to the first of them
    new = [(node(1000 + i), node(7 * i % 61)) for i in range(added)] + [(node(229), node(1000))]
    for a, b in new:
        store.add(ox.Quad(a, t, b))
        store.add(ox.Quad(a, t, b, ox.NamedNode("urn:added")))
    before = _edges(store, t.value)
    RuleEngine(rules).run(store, delta="urn:added")
    assert _edges(store, t.value) == _closure(before)
    assert (f"{EX}n200", f"{EX}n100") in _edges(store, t.value)  # through the new edges, then out of the cycle
    assert (f"{EX}n1000", f"{EX}n1000") not in _edges(store, t.value)  # no way back to a new node
    assert not blank or {type(q.subject) for q in store} == {ox.NamedNode, ox.BlankNode}


def test_a_large_delta_guards_memberships_as_a_whole_run_does():
    """A single-atom rule over a delta of more than LARGE_DELTA triples: the membership guard is MINUS (one hash
    table), not a lookup per solution; both keep exactly the new memberships."""
    dom = Rule("prp-dom", "?x a ?c", ("?x ?p ?y",), f"VALUES (?p ?c) {{ (<{EX}p> <{EX}A>) }}",
               (("?p", frozenset({EX + "p"})), ("?c", frozenset({EX + "A"}))))
    (large,) = dom.seminaive([["urn:d"]], "urn:into", large=frozenset({"urn:d"}))
    (usual,) = dom.seminaive([["urn:d"]], "urn:into")
    assert "MINUS { ?x a ?c }" in large and "FILTER NOT EXISTS { ?x a ?c }" in usual
    results = []
    for update in (large, usual):
        store = ox.Store()
        for i in range(5):
            quad = ox.Quad(ox.NamedNode(f"{EX}x{i}"), ox.NamedNode(EX + "p"), ox.NamedNode(EX + "y"))
            store.add(quad)
            store.add(ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode("urn:d")))
        store.add(ox.Quad(ox.NamedNode(EX + "x0"), ox.NamedNode(TYPE), ox.NamedNode(EX + "A")))
        store.update(update)
        results.append(sorted(q.subject.value for q in store.quads_for_pattern(None, None, None,
                                                                                 ox.NamedNode("urn:into"))))
    assert results[0] == results[1] == [f"{EX}x{i}" for i in range(1, 5)]


def test_only_new_edges_of_the_property_make_a_closure_run(monkeypatch):
    """More than SMALL_DELTA new triples of other properties: the closed transitive property is not closed again
    (a closure run over a closed hierarchy walks every pair), and the new edge among them is closed in place."""
    import aiworkforce.reasoning.fixpoint as fixpoint

    rules = compile_rules(_tbox("ex:t a owl:TransitiveProperty ."))
    t = ox.NamedNode(EX + "t")
    store = ox.Store()
    for i in range(30):
        store.add(ox.Quad(ox.NamedNode(f"{EX}n{i}"), t, ox.NamedNode(f"{EX}n{i + 1}")))
    RuleEngine(rules).run(store)
    new = [ox.Quad(ox.NamedNode(f"{EX}x{i}"), ox.NamedNode(EX + "other"), ox.NamedNode(f"{EX}y{i}"))
           for i in range(fixpoint.SMALL_DELTA + 1)] + [ox.Quad(ox.NamedNode(EX + "n30"), t, ox.NamedNode(EX + "n31"))]
    for quad in new:
        store.add(quad)
        store.add(ox.Quad(quad.subject, quad.predicate, quad.object, ox.NamedNode("urn:added")))
    monkeypatch.setattr(fixpoint, "_close_aside", lambda *a: pytest.fail("the whole property was closed again"))
    before = _edges(store, t.value)
    RuleEngine(rules).run(store, delta="urn:added")
    assert _edges(store, t.value) == _closure(before) and (f"{EX}n0", f"{EX}n31") in _edges(store, t.value)


def test_a_closure_run_walks_from_each_node_not_each_edge():
    (rule,) = compile_rules(_tbox("ex:t a owl:TransitiveProperty .")).rules
    assert f"?x <{EX}t>+ ?z" in rule.closed_pairs() and "?y" not in rule.closed_pairs()
