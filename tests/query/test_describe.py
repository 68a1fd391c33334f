"""Everything the reasoned graph says about one term, asserted and inferred facts told apart."""

from __future__ import annotations

import pytest

from aiworkforce.query.describe import describe
from aiworkforce.rdf.namespaces import AIW
from aiworkforce.rdf.prefixes import BASE
from aiworkforce.errors import UnknownTermError
from aiworkforce.rdf.terms import Term, to_rdflib

pytestmark = pytest.mark.filterwarnings("ignore:Dataset\\..* is deprecated:DeprecationWarning")

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SPECIALIST = BASE + "role/ai-security-specialist"


def facts(d, direction, predicate):
    return {(f.other.value, f.inferred) for f in d.facts if f.direction == direction and f.predicate.value == predicate}


@pytest.fixture(scope="module")
def specialist(kg):
    return describe(kg, "role:ai-security-specialist")


def test_inferred_type_and_asserted_layer(specialist):
    assert specialist.term == Term.iri(SPECIALIST)
    types = facts(specialist, "out", RDF_TYPE)
    assert (str(AIW.SecurityRole), True) in types
    assert (str(AIW.SecurityResponder), True) in types
    assert (str(AIW.Role), False) in types
    assert facts(specialist, "out", str(AIW.inLayer)) == {(BASE + "layer/security", False)}
    layer = next(f for f in specialist.facts if f.predicate.value == str(AIW.inLayer))
    assert layer.other_label == "Cybersecurity"


def test_incoming_facts_include_inferred_inverses(specialist):
    addressed = facts(specialist, "in", str(AIW.isAddressedBy))
    assert (BASE + "concern/prompt-injection", True) in addressed
    assert len(addressed) == 7 and all(inferred for _, inferred in addressed)
    assert (BASE + "layer/security", True) in facts(specialist, "in", str(AIW.includesRole))
    # asserted on the other side: the AI application engineer collaborates with the specialist
    assert (BASE + "role/ai-engineer", False) in facts(specialist, "in", str(AIW.collaboratesWith))


def test_literals_have_no_label_and_are_asserted(specialist):
    alt = [f for f in specialist.facts if f.predicate.value.endswith("#altLabel")]
    assert {f.other.value for f in alt} == {"AI security engineer", "AI security professional",
                                            "Machine learning security engineer"}
    assert all(f.other.kind == "literal" and f.other.language == "en" for f in alt)
    assert all(f.other_label is None and not f.inferred for f in alt)


def test_the_inferred_flag_is_exactly_not_asserted(specialist, core, reasoned):
    """Every fact is a triple of the closure, flagged inferred iff the asserted graph lacks it; none is missing."""
    term = to_rdflib(specialist.term)
    seen_out, seen_in = set(), set()
    for f in specialist.facts:
        triple = (term, to_rdflib(f.predicate), to_rdflib(f.other))
        if f.direction == "in":
            triple = (to_rdflib(f.other), to_rdflib(f.predicate), term)
            seen_in.add(triple)
        else:
            seen_out.add(triple)
        assert triple in reasoned.closure, triple
        assert f.inferred == (triple not in core), triple
    assert seen_out == set(reasoned.closure.triples((term, None, None)))
    assert seen_in == set(reasoned.closure.triples((None, None, term)))


def test_facts_are_ordered_out_then_in_asserted_then_inferred(specialist):
    keys = [(f.direction != "out", f.inferred) for f in specialist.facts]
    assert keys == sorted(keys)
    assert specialist.asserted and specialist.inferred
    assert set(specialist.asserted) | set(specialist.inferred) == set(specialist.facts)
    assert not set(specialist.asserted) & set(specialist.inferred)


def test_both_engines_give_the_same_facts(kg, specialist):
    other = describe(kg, "role:ai-security-specialist", engine="rdflib")
    assert other.term == specialist.term

    def key(f):
        return (f.direction, f.predicate.value, f.other.key(), f.other_label, f.inferred)

    assert sorted(map(key, other.facts)) == sorted(map(key, specialist.facts))


@pytest.mark.parametrize("value", ["AI Security Specialist", "ai-security-specialist", "AI security engineer",
                                   SPECIALIST])
def test_any_name_of_the_term_works(kg, value, specialist):
    assert describe(kg, value) == specialist


def test_a_layer_lists_its_roles_as_inferred_inverses(kg):
    d = describe(kg, "layer:data-center")
    roles = facts(d, "out", str(AIW.includesRole))
    assert len(roles) == 11 and all(inferred for _, inferred in roles)
    assert (BASE + "role/hvac-engineer", False) in facts(d, "in", str(AIW.inLayer))


def test_unknown_term(kg):
    with pytest.raises(UnknownTermError):
        describe(kg, "no such thing at all")


def test_an_unlabelled_iri_can_be_described(kg):
    """The ontology IRI has a title but no label: describe still finds it by its IRI."""
    from aiworkforce.query.describe import describe

    d = describe(kg, "https://w3id.org/aiworkforce/ontology")
    assert any(f.predicate.value.endswith("#versionInfo") and f.other.value for f in d.facts)


def test_an_iri_the_graph_does_not_describe_is_unknown(kg):
    from aiworkforce.query.describe import describe
    from aiworkforce.errors import UnknownTermError

    with pytest.raises(UnknownTermError):
        describe(kg, "https://example.org/not-here")
