"""The fixpoint engine: static dependencies between rules, self-closed rules, and the kept step graphs."""

from __future__ import annotations

import pyoxigraph as ox
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
