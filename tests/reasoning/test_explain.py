"""explain: every derivation re-derives its triple from asserted facts.

The checker below is independent of the explainer: it knows the OWL 2 RL rules only as the patterns of the
specification's rule tables (premise patterns and conclusion), re-applies each step's rule to the triples of its
premises, and follows the premises down to triples asserted in the input graph, refusing cycles.
"""

from __future__ import annotations

import itertools
import random

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS

from aiworkforce.errors import ExplanationUnavailableError, NotEntailedError
from aiworkforce.rdf.terms import Term, from_rdflib, to_rdflib
from aiworkforce.reasoning.closure import reason
from aiworkforce.reasoning.explain import Derivation, trace

T, SCO, SPO, EQC, EQP = RDF.type, RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty
HV, ONP, SVF, AVF, INV = OWL.hasValue, OWL.onProperty, OWL.someValuesFrom, OWL.allValuesFrom, OWL.inverseOf
DOM, RNG = RDFS.domain, RDFS.range

#: OWL 2 RL rules (W3C OWL 2 Profiles, section 4.3) as (premise patterns, conclusion patterns).
RULES = {
    "cax-sco": ([("?c1", SCO, "?c2"), ("?x", T, "?c1")], [("?x", T, "?c2")]),
    "prp-spo1": ([("?p1", SPO, "?p2"), ("?x", "?p1", "?y")], [("?x", "?p2", "?y")]),
    "prp-inv1": ([("?p1", INV, "?p2"), ("?x", "?p1", "?y")], [("?y", "?p2", "?x")]),
    "prp-inv2": ([("?p1", INV, "?p2"), ("?x", "?p2", "?y")], [("?y", "?p1", "?x")]),
    "prp-symp": ([("?p", T, OWL.SymmetricProperty), ("?x", "?p", "?y")], [("?y", "?p", "?x")]),
    "prp-trp": ([("?p", T, OWL.TransitiveProperty), ("?x", "?p", "?y"), ("?y", "?p", "?z")], [("?x", "?p", "?z")]),
    "prp-dom": ([("?p", DOM, "?c"), ("?x", "?p", "?y")], [("?x", T, "?c")]),
    "prp-rng": ([("?p", RNG, "?c"), ("?x", "?p", "?y")], [("?y", T, "?c")]),
    "cls-hv1": ([("?x", HV, "?y"), ("?x", ONP, "?p"), ("?u", T, "?x")], [("?u", "?p", "?y")]),
    "cls-hv2": ([("?x", HV, "?y"), ("?x", ONP, "?p"), ("?u", "?p", "?y")], [("?u", T, "?x")]),
    "cls-svf1": ([("?x", SVF, "?y"), ("?x", ONP, "?p"), ("?u", "?p", "?v"), ("?v", T, "?y")], [("?u", T, "?x")]),
    "cls-svf2": ([("?x", SVF, OWL.Thing), ("?x", ONP, "?p"), ("?u", "?p", "?v")], [("?u", T, "?x")]),
    "cls-avf": ([("?x", AVF, "?y"), ("?x", ONP, "?p"), ("?u", T, "?x"), ("?u", "?p", "?v")], [("?v", T, "?y")]),
    "scm-cls": ([("?c", T, OWL.Class)], [("?c", SCO, "?c"), ("?c", EQC, "?c"), ("?c", SCO, OWL.Thing),
                                         (OWL.Nothing, SCO, "?c")]),
    "scm-sco": ([("?c1", SCO, "?c2"), ("?c2", SCO, "?c3")], [("?c1", SCO, "?c3")]),
    "scm-eqc1": ([("?c1", EQC, "?c2")], [("?c1", SCO, "?c2"), ("?c2", SCO, "?c1")]),
    "scm-eqc2": ([("?c1", SCO, "?c2"), ("?c2", SCO, "?c1")], [("?c1", EQC, "?c2")]),
    "scm-op": ([("?p", T, OWL.ObjectProperty)], [("?p", SPO, "?p"), ("?p", EQP, "?p")]),
    "scm-dp": ([("?p", T, OWL.DatatypeProperty)], [("?p", SPO, "?p"), ("?p", EQP, "?p")]),
    "scm-spo": ([("?p1", SPO, "?p2"), ("?p2", SPO, "?p3")], [("?p1", SPO, "?p3")]),
    "scm-eqp1": ([("?p1", EQP, "?p2")], [("?p1", SPO, "?p2"), ("?p2", SPO, "?p1")]),
    "scm-eqp2": ([("?p1", SPO, "?p2"), ("?p2", SPO, "?p1")], [("?p1", EQP, "?p2")]),
    "scm-dom1": ([("?p", DOM, "?c1"), ("?c1", SCO, "?c2")], [("?p", DOM, "?c2")]),
    "scm-dom2": ([("?p2", DOM, "?c"), ("?p1", SPO, "?p2")], [("?p1", DOM, "?c")]),
    "scm-rng1": ([("?p", RNG, "?c1"), ("?c1", SCO, "?c2")], [("?p", RNG, "?c2")]),
    "scm-rng2": ([("?p2", RNG, "?c"), ("?p1", SPO, "?p2")], [("?p1", RNG, "?c")]),
    "scm-hv": ([("?c1", HV, "?i"), ("?c1", ONP, "?p1"), ("?c2", HV, "?i"), ("?c2", ONP, "?p2"), ("?p1", SPO, "?p2")],
               [("?c1", SCO, "?c2")]),
    "scm-svf1": ([("?c1", SVF, "?y1"), ("?c1", ONP, "?p"), ("?c2", SVF, "?y2"), ("?c2", ONP, "?p"),
                  ("?y1", SCO, "?y2")], [("?c1", SCO, "?c2")]),
    "scm-svf2": ([("?c1", SVF, "?y"), ("?c1", ONP, "?p1"), ("?c2", SVF, "?y"), ("?c2", ONP, "?p2"),
                  ("?p1", SPO, "?p2")], [("?c1", SCO, "?c2")]),
    "scm-avf1": ([("?c1", AVF, "?y1"), ("?c1", ONP, "?p"), ("?c2", AVF, "?y2"), ("?c2", ONP, "?p"),
                  ("?y1", SCO, "?y2")], [("?c1", SCO, "?c2")]),
    "scm-avf2": ([("?c1", AVF, "?y"), ("?c1", ONP, "?p1"), ("?c2", AVF, "?y"), ("?c2", ONP, "?p2"),
                  ("?p1", SPO, "?p2")], [("?c2", SCO, "?c1")]),
}


def _unify(patterns, triples, binding):
    for pattern, triple in zip(patterns, triples):
        for a, b in zip(pattern, triple):
            if isinstance(a, str) and a.startswith("?"):
                if binding.setdefault(a, b) != b:
                    return None
            elif a != b:
                return None
    return binding


def _fires(rule: str, premises: list[tuple], conclusion: tuple, graph: Graph) -> bool:
    """Does OWL 2 RL rule ``rule`` derive ``conclusion`` from exactly ``premises``?"""
    if rule in RULES:
        patterns, conclusions = RULES[rule]
        if len(patterns) != len(premises):
            return False
        for order in itertools.permutations(premises):
            binding = _unify(patterns, order, {})
            if binding is not None and any(
                    tuple(binding.get(x, x) if isinstance(x, str) else x for x in c) == conclusion for c in conclusions):
                return True
        return False
    lists = [p for p in premises if p[1] in (OWL.intersectionOf, OWL.unionOf, OWL.propertyChainAxiom)]
    if len(lists) != 1:
        return False
    (c, kind, head), rest = lists[0], [p for p in premises if p != lists[0]]
    items = list(graph.items(head))
    if rule == "scm-int":
        return kind == OWL.intersectionOf and not rest and conclusion[1:] != () and \
            conclusion[0] == c and conclusion[1] == SCO and conclusion[2] in items
    if rule == "scm-uni":
        return kind == OWL.unionOf and not rest and conclusion[1] == SCO and conclusion[2] == c and conclusion[0] in items
    if rule == "cls-int1":  # owl:Thing holds of everything, so a member owl:Thing needs no premise
        u = conclusion[0]
        return (kind == OWL.intersectionOf and conclusion[1:] == (T, c)
                and sorted(rest) == sorted((u, T, m) for m in items if m != OWL.Thing))
    if rule == "prp-spo2":
        if kind != OWL.propertyChainAxiom or conclusion[1] != c or len(rest) != len(items):
            return False
        for order in itertools.permutations(rest):
            node = conclusion[0]
            for (s, p, o), step in zip(order, items):
                if s != node or p != step:
                    break
                node = o
            else:
                if node == conclusion[2]:
                    return True
        return False
    return False


def _rdf(triple) -> tuple:
    return tuple(to_rdflib(t) for t in triple)


def check(node: Derivation, graph: Graph, closure: Graph, ancestors=frozenset(), done=None) -> int:
    """Verify ``node`` and its premises; return the number of rule applications checked."""
    done = {} if done is None else done
    triple = _rdf(node.triple)
    assert triple not in ancestors, f"cycle through {triple}"
    if node.asserted:
        assert triple in graph, f"{triple} is called asserted but is not in the input"
        return 0
    if id(node) in done:
        return 0
    if node.in_closure:
        assert triple in closure, f"{triple} is not in the closure"
    premises = [_rdf(p.triple) for p in node.premises]
    assert _fires(node.rule, premises, triple, graph), f"{node.rule} does not derive {triple} from {premises}"
    count = 1 + sum(check(p, graph, closure, ancestors | {triple}, done) for p in node.premises)
    done[id(node)] = True
    return count


@pytest.fixture(scope="module")
def provenance(core):
    return trace(core)


def _terms(triple):
    return tuple(from_rdflib(x) for x in triple)


def test_every_inferred_triple_of_the_shipped_closure_is_re_derived_from_asserted_facts(core, reasoned, provenance):
    inferred = sorted(reasoned.inferred, key=str)
    assert len(inferred) > 1000
    sample = random.Random(10).sample(inferred, 400)
    rules: set[str] = set()
    done: dict = {}
    for triple in sample:
        explanation = provenance.explain(*_terms(triple))
        assert _rdf(explanation.triple) == triple and not explanation.asserted
        assert check(explanation.derivation, core, reasoned.closure, done=done) >= 0

        def walk(n):
            if n.rule:
                rules.add(n.rule)
            for p in n.premises:
                walk(p)
        walk(explanation.derivation)
    # the sample exercises the rules the ontology uses, instance- and schema-level
    assert {"cax-sco", "prp-spo1", "prp-inv1", "prp-spo2", "prp-symp", "prp-trp", "cls-int1", "cls-hv2",
            "scm-sco", "scm-eqc1", "scm-int"} <= rules
    # and every other inferred triple has an explanation too
    for triple in inferred:
        provenance.explain(*_terms(triple))


def test_the_checker_rejects_a_wrong_derivation(core, reasoned, provenance):
    inferred = reasoned.inferred
    triple = next(t for t in sorted(inferred, key=str) if t[1] == RDF.type)
    d = provenance.explain(*_terms(triple)).derivation
    wrong_rule = Derivation(d.triple, "prp-symp" if d.rule != "prp-symp" else "cax-sco", d.premises)
    with pytest.raises(AssertionError):
        check(wrong_rule, core, reasoned.closure)
    asserted = next(t for t in core if t not in inferred and t[1] == RDF.type)
    wrong_premise = Derivation(d.triple, d.rule, (Derivation(_terms(asserted)),) + d.premises[1:])
    with pytest.raises(AssertionError):
        check(wrong_premise, core, reasoned.closure)
    invented = Derivation(_terms((triple[0], RDFS.label, triple[2])))  # "asserted" but not in the input
    with pytest.raises(AssertionError):
        check(invented, core, reasoned.closure)


def test_an_asserted_triple_says_so_and_a_triple_outside_the_closure_is_refused(core, provenance):
    triple = next(iter(sorted(core, key=str)))
    explanation = provenance.explain(*_terms(triple))
    assert explanation.asserted and explanation.derivation.premises == ()
    with pytest.raises(NotEntailedError, match="not in the closure"):
        provenance.explain(Term.iri("https://example.org/a"), Term.iri("https://example.org/p"),
                           Term.iri("https://example.org/b"))


_RULES_GRAPH = """
@prefix ex: <https://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:parent a owl:ObjectProperty ; owl:inverseOf ex:child ; rdfs:range ex:Person .
ex:child a owl:ObjectProperty .
ex:ancestor a owl:ObjectProperty , owl:TransitiveProperty .
ex:parent rdfs:subPropertyOf ex:ancestor .
ex:grandchild a owl:ObjectProperty ; owl:propertyChainAxiom ( ex:child ex:child ) .
ex:uncle a owl:ObjectProperty ; owl:propertyChainAxiom ( [ owl:inverseOf ex:child ] ex:brother ) .
ex:brother a owl:ObjectProperty , owl:SymmetricProperty ; rdfs:domain ex:Person .
ex:Person a owl:Class .
ex:Parent a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:child ;
    owl:someValuesFrom owl:Thing ] .
ex:Grandparent a owl:Class ; owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:child ;
    owl:someValuesFrom ex:Parent ] .
ex:Dane a owl:Class ; rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:country ; owl:hasValue ex:dk ] ,
    [ a owl:Restriction ; owl:onProperty ex:child ; owl:allValuesFrom ex:Dane ] .
ex:country a owl:ObjectProperty .
ex:ann ex:child ex:bob ; a ex:Dane . ex:bob ex:child ex:cid . ex:bob ex:brother ex:dan .
ex:dan ex:child ex:eve . ex:fay ex:parent ex:gus .
"""


def test_each_compiled_rule_is_explained_and_re_derived():
    graph = Graph().parse(data=_RULES_GRAPH, format="turtle")
    result = reason(graph, reasoner="compiled")
    provenance = trace(graph)
    rules: set[str] = set()
    for triple in result.inferred:
        d = provenance.explain(*_terms(triple)).derivation
        check(d, graph, result.closure)
        stack = [d]
        while stack:
            n = stack.pop()
            rules.add(n.rule)
            stack.extend(n.premises)
    assert {"prp-inv1", "prp-inv2", "prp-trp", "prp-spo1", "prp-spo2", "prp-symp", "prp-dom", "prp-rng",
            "cls-svf1", "cls-svf2", "cls-hv1", "cls-avf", "cax-sco", "scm-eqc1"} <= rules


def test_an_input_the_compiled_rules_refuse_cannot_be_explained():
    graph = Graph().parse(data="""@prefix ex: <https://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
        ex:a owl:sameAs ex:b . ex:a ex:p ex:c .""", format="turtle")
    with pytest.raises(ExplanationUnavailableError, match="owlrl, which records no derivations"):
        trace(graph)


def test_tracing_does_not_change_the_closure(core, reasoned, provenance):
    """The traced run derives exactly the closure the normal path computes (same rules, same fixpoint)."""
    for triple in random.Random(3).sample(sorted(reasoned.closure, key=str), 300):
        assert provenance.in_closure(tuple(_ox(t) for t in triple))


def _ox(node):
    from aiworkforce.reasoning.explain import _ox as to_store

    return to_store(node)
