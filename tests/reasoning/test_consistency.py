"""Consistency from the rules the checks read (``CompiledRules.for_checks``, ``find_inconsistencies``), which
``validate --data`` uses instead of the whole closure: the same inconsistencies as a full saturation."""

from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from rdflib import Graph

from aiworkforce.rdf.terms import from_oxigraph, to_rdflib
from aiworkforce.reasoning.closure import rules_store
from aiworkforce.reasoning.rules import (
    closed_schema,
    compile_rules,
    find_inconsistencies,
    saturate,
    schema_quads,
)

PREFIXES = ("@prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> . "
            "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . ")


def _graph(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def _both(graph: Graph) -> tuple[list[str], list[str]]:
    """The inconsistencies of ``graph`` from the sliced rules and from a full saturation (separate stores)."""
    return find_inconsistencies(rules_store(graph)), saturate(rules_store(graph))


def test_only_the_rules_a_check_can_read_through_are_kept():
    tbox = _graph("""
        ex:A owl:disjointWith ex:B .  ex:p rdfs:domain ex:A .  ex:q rdfs:subPropertyOf ex:p .  ex:r owl:inverseOf ex:q .
        ex:t a owl:TransitiveProperty .  ex:u rdfs:domain ex:C .  ex:s owl:propertyChainAxiom ( ex:t ex:t ) .""")
    rules = compile_rules(closed_schema(tbox)[0])
    kept = {rule.name.split(" ")[0] for rule in rules.for_checks().rules}
    assert {"prp-dom", "prp-spo1", "prp-inv"} <= kept  # r -> q (inverse) -> p (sub-property) -> A (domain)
    assert not kept & {"prp-trp", "prp-spo2"}  # t and s lead to no class a check reads
    assert len(rules.for_checks().rules) < len(rules.rules)


def test_an_inconsistency_several_rules_away_is_found():
    graph = _graph("""
        ex:A owl:disjointWith ex:B .  ex:p rdfs:domain ex:A .  ex:q rdfs:subPropertyOf ex:p .  ex:r owl:inverseOf ex:q .
        ex:y a ex:B .  ex:x ex:r ex:y .""")
    sliced, full = _both(graph)
    assert sliced == full
    assert sliced == ["cax-dw: disjoint classes http://example.org/A and http://example.org/B share a member: "
                      "http://example.org/y"]


def test_no_check_no_rule():
    graph = _graph("ex:p rdfs:domain ex:A .  ex:t a owl:TransitiveProperty .  ex:x ex:p ex:y .")
    store = rules_store(graph)
    assert find_inconsistencies(store) == []
    # nothing was derived: the domain rule cannot make a check fire, for there is none
    assert ox.Quad(ox.NamedNode("http://example.org/x"), ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                   ox.NamedNode("http://example.org/A")) not in store


def _random_graph(seed: int) -> Graph:
    """A small ontology using every compiled rule and every check, and data over a handful of individuals."""
    rnd = random.Random(seed)
    classes, props, people = [f"ex:C{i}" for i in range(6)], [f"ex:p{i}" for i in range(7)], [f"ex:i{i}" for i in range(8)]
    lines = []
    for _ in range(4):
        a, b = rnd.sample(classes, 2)
        lines.append(f"{a} rdfs:subClassOf {b} .")
    for _ in range(rnd.randint(0, 2)):
        a, b = rnd.sample(classes, 2)
        lines.append(f"{a} owl:disjointWith {b} .")
    for p in rnd.sample(props, 3):
        lines.append(f"{p} rdfs:domain {rnd.choice(classes)} .")
    for p in rnd.sample(props, 2):
        lines.append(f"{p} rdfs:range {rnd.choice(classes)} .")
    a, b = rnd.sample(props, 2)
    lines.append(f"{a} rdfs:subPropertyOf {b} .")
    a, b = rnd.sample(props, 2)
    lines.append(f"{a} owl:inverseOf {b} .")
    kinds = ["owl:SymmetricProperty", "owl:TransitiveProperty", "owl:IrreflexiveProperty", "owl:AsymmetricProperty"]
    for p in rnd.sample(props, 4):
        lines.append(f"{p} a {rnd.choice(kinds)} .")
    a, b, c = rnd.sample(props, 3)
    lines.append(f"{a} owl:propertyChainAxiom ( {b} {c} ) .")
    lines.append(f"[ a owl:Restriction ; owl:onProperty {rnd.choice(props)} ; owl:someValuesFrom {rnd.choice(classes)} ]"
                 f" rdfs:subClassOf {rnd.choice(classes)} .")
    lines.append(f"{rnd.choice(classes)} rdfs:subClassOf [ a owl:Restriction ; owl:onProperty {rnd.choice(props)} ; "
                 f"owl:hasValue {rnd.choice(people)} ] .")
    for _ in range(rnd.randint(3, 12)):
        lines.append(f"{rnd.choice(people)} {rnd.choice(props)} {rnd.choice(people)} .")
    for _ in range(rnd.randint(1, 5)):
        lines.append(f"{rnd.choice(people)} a {rnd.choice(classes)} .")
    return _graph("\n".join(lines))


def test_random_ontologies_and_data_give_the_inconsistencies_of_a_full_saturation():
    inconsistent = sliced_away = 0
    for seed in range(150):
        graph = _random_graph(seed)
        sliced, full = _both(graph)
        assert sliced == full, seed
        inconsistent += bool(full)
        tbox = Graph()
        for q in schema_quads(rules_store(graph)):
            tbox.add(tuple(to_rdflib(from_oxigraph(t)) for t in (q.subject, q.predicate, q.object)))
        rules = compile_rules(closed_schema(tbox)[0])
        sliced_away += len(rules.for_checks().rules) < len(rules.rules)
    # neither side of the comparison is empty: many runs are inconsistent, and many drop rules
    assert inconsistent >= 30 and 150 - inconsistent >= 30
    assert sliced_away >= 30


@pytest.mark.parametrize("turtle", [
    "ex:p a owl:IrreflexiveProperty .  ex:q rdfs:subPropertyOf ex:p .  ex:x ex:q ex:x .",
    "ex:p a owl:AsymmetricProperty .  ex:q owl:inverseOf ex:p .  ex:x ex:p ex:y .  ex:x ex:q ex:y .",
    "ex:p a owl:IrreflexiveProperty, owl:TransitiveProperty .  ex:x ex:p ex:y .  ex:y ex:p ex:x .",
    "ex:A owl:disjointWith ex:B .  [ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:C ] "
    "rdfs:subClassOf ex:A .  ex:x ex:p ex:y .  ex:y a ex:C .  ex:x a ex:B .",
    "ex:A owl:disjointWith ex:B .  ex:A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; "
    "owl:hasValue ex:v ] .  ex:p rdfs:range ex:B .  ex:x a ex:A .  ex:v a ex:A .",
    "ex:A owl:disjointWith ex:B .  ex:s owl:propertyChainAxiom ( ex:p ex:q ) .  ex:s rdfs:range ex:B .  "
    "ex:x ex:p ex:y .  ex:y ex:q ex:z .  ex:z a ex:A .",
])
def test_each_way_to_an_inconsistency(turtle):
    sliced, full = _both(_graph(turtle))
    assert full and sliced == full
