"""OWL-RL reasoning: the clean closure holds concrete, useful entailments and none of owlrl's noise."""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from aiworkforce.rdf.namespaces import AIW
from aiworkforce.rdf.prefixes import BASE
from aiworkforce.errors import InconsistencyError, UnsupportedAxiomError
from aiworkforce.reasoning.closure import reason

ROLE = lambda slug: URIRef(f"{BASE}role/{slug}")  # noqa: E731
LAYER = lambda slug: URIRef(f"{BASE}layer/{slug}")  # noqa: E731
SKILL = lambda slug: URIRef(f"{BASE}skill/{slug}")  # noqa: E731
QUESTION = lambda slug: URIRef(f"{BASE}question/{slug}")  # noqa: E731

PREFIXES = """
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix aiw: <https://w3id.org/aiworkforce/ontology#> .
@prefix role: <https://w3id.org/aiworkforce/role/> .
@prefix layer: <https://w3id.org/aiworkforce/layer/> .
@prefix skill: <https://w3id.org/aiworkforce/skill/> .
"""


def small(core: Graph, turtle: str) -> Graph:
    graph = Graph()
    graph += core
    graph.parse(data=PREFIXES + turtle, format="turtle")
    return graph


# -- entailments on the shipped graph -------------------------------------------------------------------------


def test_inverse_skill_to_roles(reasoned):
    closure, asserted = reasoned.closure, reasoned.asserted
    pairs = list(asserted.subject_objects(AIW.requiresEssentialSkill))
    assert pairs
    for role, skill in pairs:
        assert (skill, AIW.isEssentialSkillFor, role) in closure
        assert (skill, AIW.isSkillFor, role) in closure
        assert (role, AIW.requiresSkill, role) not in closure
    assert len(set(closure.objects(SKILL("communication"), AIW.isSkillFor))) >= 3


def test_essential_and_optional_imply_requires(reasoned):
    for prop in (AIW.requiresEssentialSkill, AIW.requiresOptionalSkill):
        for role, skill in reasoned.asserted.subject_objects(prop):
            assert (role, AIW.requiresSkill, skill) in reasoned.closure
    assert not list(reasoned.asserted.subject_objects(AIW.requiresSkill)), "requiresSkill is only ever inferred"


def test_overlaps_are_symmetric(reasoned):
    asserted = list(reasoned.asserted.subject_objects(AIW.overlapsWith))
    one_way = [(a, b) for a, b in asserted if (b, AIW.overlapsWith, a) not in reasoned.asserted]
    assert one_way, "the knowledge base states overlaps once; reasoning adds the reverse"
    for a, b in asserted:
        assert (b, AIW.overlapsWith, a) in reasoned.closure
    assert (ROLE("software-engineer"), AIW.overlapsWith, ROLE("ml-engineer")) in reasoned.closure


def test_layer_stack_is_transitive(reasoned):
    assert (LAYER("engineering"), AIW.buildsOn, LAYER("data-center")) not in reasoned.asserted
    assert (LAYER("engineering"), AIW.buildsOn, LAYER("data-center")) in reasoned.closure
    assert (LAYER("data-center"), AIW.underpins, LAYER("engineering")) in reasoned.closure


def test_roles_are_classified_by_layer(reasoned):
    closure, asserted = reasoned.closure, reasoned.asserted
    assert (ROLE("ai-security-specialist"), RDF.type, AIW.SecurityRole) not in asserted
    assert (ROLE("ai-security-specialist"), RDF.type, AIW.SecurityRole) in closure
    # the article puts physical security with the data centers, not with cybersecurity
    assert (ROLE("physical-security-specialist"), RDF.type, AIW.SecurityRole) not in closure
    assert (ROLE("physical-security-specialist"), RDF.type, AIW.DataCenterRole) in closure
    assert (ROLE("data-engineer"), RDF.type, AIW.SecurityRole) not in closure
    data_center_roles = set(closure.subjects(RDF.type, AIW.DataCenterRole))
    assert len(data_center_roles) >= 10


def test_hybrid_spans_the_layers_of_its_base_role_only(reasoned):
    """A hybrid is its base role plus expertise (issue 12): adding expertise does not import another role's layer."""
    hybrid = ROLE("ml-literate-security-analyst")
    assert (hybrid, AIW.spansLayer, LAYER("security")) in reasoned.closure
    assert (hybrid, AIW.spansLayer, LAYER("engineering")) not in reasoned.closure
    spanned = set(reasoned.closure.objects(ROLE("sustainability-facilities-engineer"), AIW.spansLayer))
    assert spanned == {LAYER("data-center")}


def test_transferable_skills_apply_across_layers(reasoned):
    closure = reasoned.closure
    for slug in ("communication", "systems-thinking", "documentation"):
        layers = set(closure.objects(SKILL(slug), AIW.appliesInLayer))
        assert len(layers) >= 3, (slug, layers)


def test_title_variance_and_security_responders_are_classified(reasoned):
    closure = reasoned.closure
    assert (ROLE("platform-engineer"), RDF.type, AIW.VariableTitleRole) in closure
    assert (ROLE("data-scientist"), RDF.type, AIW.VariableTitleRole) in closure
    assert (ROLE("ai-security-specialist"), RDF.type, AIW.SecurityResponder) in closure


def test_guiding_questions_point_to_layers(reasoned):
    question = QUESTION("what-infrastructure-to-maintain")
    assert not list(reasoned.asserted.objects(question, AIW.pointsToLayer))
    assert LAYER("infrastructure") in set(reasoned.closure.objects(question, AIW.pointsToLayer))


# -- entailments on small graphs --------------------------------------------------------------------------------


def test_specialisation_is_skos_broader_and_only_its_transitive_form_chains(schema):
    graph = small(schema, """
        role:x a aiw:Role ; aiw:specialises role:y .
        role:y a aiw:Role ; aiw:specialises role:z .
        role:z a aiw:Role .
    """)
    closure = reason(graph).closure
    assert (ROLE("x"), SKOS.broader, ROLE("y")) in closure
    assert (ROLE("x"), AIW.specialises, ROLE("z")) not in closure
    assert (ROLE("x"), SKOS.broaderTransitive, ROLE("z")) in closure
    assert (ROLE("y"), AIW.hasSpecialisation, ROLE("x")) in closure


def test_combining_a_role_makes_a_hybrid(schema):
    graph = small(schema, """
        role:x a aiw:Role ; aiw:inLayer layer:data ; aiw:combinesRole role:y .
        role:y a aiw:Role ; aiw:inLayer layer:security .
    """)
    closure = reason(graph).closure
    assert (ROLE("x"), RDF.type, AIW.HybridRole) in closure
    assert {LAYER("data"), LAYER("security")} <= set(closure.objects(ROLE("x"), AIW.spansLayer))


def test_inconsistency_is_reported(schema, reasoned):
    graph = small(schema, "role:x a aiw:Role ; aiw:overlapsWith role:x .")
    assert reason(graph).inconsistencies
    with pytest.raises(InconsistencyError):
        reason(graph, strict=True)
    assert not reasoned.inconsistencies


# -- the closure is clean --------------------------------------------------------------------------------------


def test_closure_has_no_noise(reasoned):
    closure = reasoned.closure
    assert not [t for t in closure if isinstance(t[0], Literal)]
    assert not [(s, o) for s, o in closure.subject_objects(OWL.sameAs) if s == o]
    assert not list(closure.triples((None, RDF.type, OWL.Thing)))
    assert not list(closure.triples((None, RDF.type, RDFS.Resource)))
    assert not [t for t in closure.triples((None, RDF.type, None)) if isinstance(t[2], BNode)]
    assert not [s for s in closure.subjects() if str(s).startswith(str(OWL)) and (s, None, None) not in reasoned.asserted]
    assert len(reasoned.inferred) > 500


def test_closure_keeps_every_asserted_triple(reasoned):
    assert all(t in reasoned.closure for t in reasoned.asserted)


@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_closure_round_trips(reasoned, fmt):
    text = reasoned.closure.serialize(format=fmt)
    back = Graph().parse(data=text, format=fmt)
    assert isomorphic(back, reasoned.closure)


def test_reason_does_not_mutate_its_input(schema):
    graph = small(schema, "role:x a aiw:Role ; aiw:inLayer layer:data ; aiw:combinesRole role:y . role:y a aiw:Role .")
    copy = Graph()
    copy += graph
    assert reason(graph).inferred, "the check needs a graph with inferences"
    assert len(graph) == len(copy)
    assert isomorphic(graph, copy)


# -- the two reasoners agree ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> Graph:
    """The ontology and the layers only: small enough for owlrl to close in well under a second."""
    from aiworkforce.rdf.load import parse_files
    from aiworkforce.rdf.resources import data_dir

    return parse_files([data_dir("ontology") / "aiworkforce.ttl", data_dir("ontology") / "layers.ttl"])


def test_rules_engine_gives_owlrls_closure_on_the_shipped_graph(core, reasoned):
    # the default engine must not have handed the shipped graph to owlrl, or this compares owlrl with itself
    assert reasoned.engine != "owlrl" and reasoned.fallback is None
    reference = reason(core, reasoner="owlrl")
    assert set(reasoned.closure) == set(reference.closure)
    assert reasoned.inconsistencies == reference.inconsistencies == ()


@pytest.mark.parametrize("turtle", [
    "role:x a aiw:Role ; aiw:specialises role:y . role:y a aiw:Role ; aiw:specialises role:z . role:z a aiw:Role .",
    "role:x a aiw:Role ; aiw:inLayer layer:data ; aiw:combinesRole role:y . role:y a aiw:Role ; aiw:inLayer layer:security .",
    "role:x aiw:requiresEssentialSkill skill:s . skill:s aiw:isSkillFor role:w .",
    # reification and containers carry no OWL 2 RL semantics; the compiled rules accept them and derive nothing
    "_:st a rdf:Statement ; rdf:subject role:x ; rdf:predicate aiw:inLayer ; rdf:object layer:data ; rdf:value 1 .",
    "_:b a rdf:Bag ; rdf:_1 role:x . _:q a rdf:Seq . _:a a rdf:Alt .",
])
def test_rules_engine_agrees_with_owlrl_on_small_graphs(schema, turtle):
    graph = small(schema, turtle)
    assert set(reason(graph, reasoner="rules").closure) == set(reason(graph, reasoner="owlrl").closure)


def test_rules_engine_reports_inconsistency(schema):
    graph = small(schema, "role:x a aiw:Role ; aiw:overlapsWith role:x .")
    assert reason(graph, reasoner="rules").inconsistencies
    assert reason(graph, reasoner="owlrl").inconsistencies


def test_rules_engine_refuses_what_it_does_not_implement(schema):
    from aiworkforce.errors import UnsupportedAxiomError

    graph = small(schema, "aiw:combinesRole a <http://www.w3.org/2002/07/owl#FunctionalProperty> .")
    with pytest.raises(UnsupportedAxiomError):
        reason(graph, reasoner="rules")


def test_unknown_reasoner_is_a_usage_error(core):
    from aiworkforce.errors import UsageError

    with pytest.raises(UsageError):
        reason(core, reasoner="hermit")


def test_literals_pyoxigraph_would_rewrite_are_kept_as_asserted():
    """pyoxigraph stores "1.00"^^xsd:decimal as "1" and "x"@EN as "x"@en: the compiled rules refuse such input, so
    the default engine hands it to owlrl and the closure holds the asserted literals themselves."""
    graph = Graph().parse(data='@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . '
                               '<urn:a> <urn:p> "1.00"^^xsd:decimal, "x"@EN .', format="turtle")
    result = reason(graph)
    assert result.engine == "owlrl" and "canonical form" in result.fallback
    assert set(graph) <= set(result.closure)
    with pytest.raises(UnsupportedAxiomError):
        reason(graph, reasoner="compiled")
    canonical = Graph().parse(data='@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . '
                                   '<urn:a> <urn:p> "1.5"^^xsd:decimal, "x"@en .', format="turtle")
    assert reason(canonical).engine == "compiled"
