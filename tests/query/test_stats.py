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
