"""Statistics agree with what a SPARQL count over the graph says."""

from __future__ import annotations

from aiworkforce.rdf.namespaces import AIW
from aiworkforce.query.stats import stats


def sparql_count(graph, cls) -> int:
    query = f"""
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x rdf:type/rdfs:subClassOf* <{cls}> }}"""
    return int(next(iter(graph.query(query)))[0])


def test_class_counts_match_sparql(core):
    result = stats(core)
    assert result.triples == len(core)
    for entry in result.classes:
        assert entry.count == sparql_count(core, entry.iri), entry.label


def test_knowledge_base_meets_coverage_floor(core):
    result = stats(core)
    assert result.count(AIW.Layer) >= 11
    assert result.count(AIW.Role) >= 45
    assert result.count(AIW.HybridRole) == 5
    assert result.count(AIW.Skill) >= 90
    assert len(set(core.subjects(AIW.reuseLevel, AIW.Transversal))) == 10  # the skills that travel
    assert result.count(AIW.Concern) >= 25
    assert result.count(AIW.GuidingQuestion) == 4


def test_layers_in_stack_order_with_their_roles(core):
    layers = stats(core).layers
    assert [layer.order for layer in layers] == sorted(layer.order for layer in layers)
    assert layers[0].label == "Data Centers"  # listed from the physical base upwards
    by_label = {layer.label: layer for layer in layers}
    assert "Data Engineer" in by_label["Data"].roles
    assert all(layer.roles for layer in layers), "every layer has roles"


def test_reported_classes_come_from_the_tbox(core):
    """The classes are the graph's own: every non-deprecated aiw: subclass of skos:Concept with members, each under
    its parent; deprecated classes are not listed."""
    from rdflib import Graph, Literal, Namespace
    from rdflib.namespace import OWL, RDF, RDFS, SKOS

    result = stats(core)
    listed = [c.iri for c in result.classes]
    assert AIW.TransferableSkill not in listed and AIW.TechnicalSkill not in listed  # deprecated
    assert AIW.SecurityResponder not in listed  # only reasoning gives it members
    assert {AIW.Layer, AIW.Role, AIW.HybridRole, AIW.Skill, AIW.Concern, AIW.Sector} <= set(listed)
    depth = {c.iri: c.depth for c in result.classes}
    assert depth[AIW.Role] == 0 and depth[AIW.HybridRole] == 1
    assert listed.index(AIW.HybridRole) == listed.index(AIW.Role) + 1
    # a class a user adds to the TBox, with members, is counted without any change to the code
    ex = Namespace(str(AIW))
    extended = Graph()
    extended += core
    extended.add((ex.Apprenticeship, RDF.type, OWL.Class))
    extended.add((ex.Apprenticeship, RDFS.subClassOf, SKOS.Concept))
    extended.add((ex.Apprenticeship, RDFS.label, Literal("apprenticeship", lang="en")))
    extended.add((ex["apprenticeship-1"], RDF.type, ex.Apprenticeship))
    counts = {c.iri: c.count for c in stats(extended).classes}
    assert counts[ex.Apprenticeship] == 1
