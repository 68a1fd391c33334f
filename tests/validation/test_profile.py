"""The OWL 2 RL profile check: the ontology is in the profile, and the checker catches what is not."""

from __future__ import annotations

import pytest
from rdflib import Graph

from aiworkforce.validation.profile import check_rl_profile

HEAD = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <https://example.org/> .
ex:A a owl:Class . ex:B a owl:Class . ex:C a owl:Class .
ex:p a owl:ObjectProperty . ex:q a owl:ObjectProperty .
"""


def issues(turtle: str) -> list[str]:
    return [i.message for i in check_rl_profile(Graph().parse(data=HEAD + turtle, format="turtle"))]


def test_shipped_ontology_is_in_owl2_rl(core):
    found = check_rl_profile(core)
    assert not found, "\n".join(map(str, found))


def test_allowed_constructs_pass():
    assert issues("""
        ex:A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:allValuesFrom ex:B ] .
        [ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:B ] rdfs:subClassOf ex:C .
        ex:C owl:equivalentClass [ owl:intersectionOf ( ex:A [ a owl:Restriction ; owl:onProperty ex:p ; owl:hasValue ex:x ] ) ] .
        ex:A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:maxCardinality 1 ] .
        ex:r a owl:ObjectProperty ; owl:propertyChainAxiom ( ex:p ex:q ) .
    """) == []


@pytest.mark.parametrize(
    ("turtle", "fragment"),
    [
        ("ex:A rdfs:subClassOf [ owl:unionOf ( ex:B ex:C ) ] .", "unionOf is not allowed on the super-class side"),
        ("ex:A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:B ] .",
         "someValuesFrom is not allowed on the super-class side"),
        ("[ a owl:Restriction ; owl:onProperty ex:p ; owl:allValuesFrom ex:B ] rdfs:subClassOf ex:A .",
         "allValuesFrom is not allowed on the sub-class side"),
        ("ex:A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:minCardinality 1 ] .",
         "minCardinality is not allowed"),
        ("ex:A rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:maxCardinality 2 ] .",
         "max cardinality above 1"),
        ("ex:A owl:equivalentClass [ a owl:Restriction ; owl:onProperty ex:p ; owl:someValuesFrom ex:B ] .",
         "not allowed in an equivalent-class axiom"),
        ("ex:p a owl:TransitiveProperty , owl:IrreflexiveProperty .", "cannot be declared owl:IrreflexiveProperty"),
        ("ex:p a owl:ReflexiveProperty .", "ReflexiveProperty is not allowed"),
        ("ex:A ex:undeclared ex:B .", "not declared"),
        ("ex:x a ex:Undeclared .", "class is used but not declared"),
    ],
)
def test_constructs_outside_the_profile_are_reported(turtle, fragment):
    found = issues(turtle)
    assert any(fragment in message for message in found), found
