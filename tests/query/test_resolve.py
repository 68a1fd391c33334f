"""Turning what people type into one RDF term: labels, alternative labels, slugs, CURIEs and IRIs."""

from __future__ import annotations

import pytest
from rdflib import Graph

from aiworkforce.query.engines import RdflibEngine
from aiworkforce.errors import UsageError
from aiworkforce.rdf.namespaces import AIW
from aiworkforce.rdf.prefixes import BASE
from aiworkforce.errors import AmbiguousTermError, UnknownTermError
from aiworkforce.query.resolve import expand_curie, normalise, resolve
from aiworkforce.rdf.terms import Term

pytestmark = pytest.mark.filterwarnings("ignore:Dataset\\..* is deprecated:DeprecationWarning")

ROLE_CLS = str(AIW.Role)
LAYER_CLS = str(AIW.Layer)
SKILL_CLS = str(AIW.Skill)
ML_ENGINEER = Term.iri(BASE + "role/ml-engineer")


@pytest.fixture(scope="module")
def engine(kg):
    return kg.engine("oxigraph")


@pytest.mark.parametrize(
    "value",
    [
        "Machine Learning Engineer",
        "machine learning engineer",
        "MACHINE LEARNING ENGINEER",
        "  Machine\tLearning   Engineer  ",
        "ML engineer",
        "ml Engineer",
        "Applied machine learning engineer",
        "ml-engineer",
        "role:ml-engineer",
        BASE + "role/ml-engineer",
        f"  {BASE}role/ml-engineer ",
    ],
)
def test_every_form_resolves_to_the_same_role(engine, value):
    assert resolve(value, engine=engine, cls=ROLE_CLS, what="role") == ML_ENGINEER


@pytest.mark.parametrize("value", ["Machine Learning Engineer", "ml-engineer", "role:ml-engineer"])
def test_forms_resolve_without_a_class_restriction_too(engine, value):
    assert resolve(value, engine=engine) == ML_ENGINEER


def test_a_hybrid_role_is_a_role_by_reasoning(engine):
    # hybrids are typed aiw:HybridRole; they are roles only in the closure
    term = resolve("Infrastructure-aware developer", engine=engine, cls=ROLE_CLS)
    assert term == Term.iri(BASE + "role/infrastructure-savvy-software-engineer")


@pytest.mark.parametrize(
    ("value", "cls", "expected"),
    [
        ("Data Centers", LAYER_CLS, "layer/data-center"),
        ("data centre", LAYER_CLS, "layer/data-center"),
        ("SRE", LAYER_CLS, "layer/operations"),
        ("Infrastructure as Code", SKILL_CLS, "skill/infrastructure-as-code"),
        ("prompt injection", str(AIW.Concern), "concern/prompt-injection"),
    ],
)
def test_other_classes_resolve(engine, value, cls, expected):
    assert resolve(value, engine=engine, cls=cls) == Term.iri(BASE + expected)


@pytest.mark.parametrize("value", ["Programming", "programming", "skill:programming", BASE + "skill/programming"])
def test_a_skill_is_not_a_role(engine, value):
    with pytest.raises(UnknownTermError) as info:
        resolve(value, engine=engine, cls=ROLE_CLS, what="role")
    assert "role" in info.value.message
    assert resolve(value, engine=engine, cls=SKILL_CLS) == Term.iri(BASE + "skill/programming")


def test_a_layer_slug_is_not_a_role(engine):
    with pytest.raises(UnknownTermError):
        resolve("data-center", engine=engine, cls=ROLE_CLS)


def test_unknown_value_suggests_the_closest_candidates(engine):
    with pytest.raises(UnknownTermError) as info:
        resolve("Sofware Engineer", engine=engine, cls=ROLE_CLS, what="role")
    assert info.value.message == "unknown role 'Sofware Engineer'"
    assert info.value.hint.startswith("did you mean: Software Engineer (role:software-engineer)")
    assert info.value.exit_code == 2
    assert isinstance(info.value, UsageError)


def test_unknown_value_suggests_within_the_class_only(engine):
    with pytest.raises(UnknownTermError) as info:
        resolve("Programing", engine=engine, cls=SKILL_CLS, what="skill")
    assert "Programming (skill:programming)" in info.value.hint
    assert "role:" not in info.value.hint


def test_a_prefix_of_a_title_is_suggested(engine):
    with pytest.raises(UnknownTermError) as info:
        resolve("hvac", engine=engine, cls=ROLE_CLS)
    assert "HVAC Systems Engineer (role:hvac-engineer)" in info.value.hint


def test_nothing_close_points_to_search(engine):
    with pytest.raises(UnknownTermError) as info:
        resolve("qqqqqqqq", engine=engine, cls=ROLE_CLS)
    assert "aiworkforce search qqqqqqqq" in info.value.hint


@pytest.mark.parametrize("value", ["role:no-such-role", BASE + "role/no-such-role", "https://example.org/x"])
def test_unknown_curie_or_iri(engine, value):
    with pytest.raises(UnknownTermError, match="not a known role"):
        resolve(value, engine=engine, cls=ROLE_CLS, what="role")


def test_a_curie_with_an_unknown_prefix_is_read_as_a_label(engine):
    assert expand_curie("nope:ml-engineer") is None
    with pytest.raises(UnknownTermError, match="unknown role 'nope:ml-engineer'"):
        resolve("nope:ml-engineer", engine=engine, cls=ROLE_CLS, what="role")


@pytest.mark.parametrize("value", ["", "   ", "\t\n"])
def test_empty_value_is_a_usage_error(engine, value):
    with pytest.raises(UsageError) as info:
        resolve(value, engine=engine, cls=ROLE_CLS, what="role")
    assert not isinstance(info.value, UnknownTermError)
    assert info.value.message == "empty role"


def test_a_slug_shared_by_two_terms_is_ambiguous_without_a_class(engine):
    # layer:cloud-platform and source:cloud-platform share their last path segment
    with pytest.raises(AmbiguousTermError) as info:
        resolve("cloud-platform", engine=engine)
    assert "layer:cloud-platform" in info.value.message and "src:cloud-platform" in info.value.message
    assert resolve("cloud-platform", engine=engine, cls=LAYER_CLS) == Term.iri(BASE + "layer/cloud-platform")


# -- ambiguity within a class, on a purpose-built graph ----------------------------------------------------------

EXTRA = """
@prefix aiw: <https://w3id.org/aiworkforce/ontology#> .
@prefix role: <https://w3id.org/aiworkforce/role/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .

role:twin-one a aiw:Role ; skos:prefLabel "Twin One"@en ; skos:altLabel "Prompt Whisperer"@en .
role:twin-two a aiw:Role ; skos:prefLabel "Twin Two"@en ; skos:altLabel "prompt whisperer"@en .
role:solo a aiw:Role ; skos:prefLabel "Solo Role"@en ; skos:altLabel "Data Engineer"@en .
"""


@pytest.fixture(scope="module")
def twins(core):
    graph = Graph()
    graph += core
    graph.parse(data=EXTRA, format="turtle")
    return RdflibEngine(graph, Graph())


def test_an_alt_label_shared_by_two_roles_is_ambiguous(twins):
    with pytest.raises(AmbiguousTermError) as info:
        resolve("PROMPT  whisperer", engine=twins, cls=ROLE_CLS, what="role")
    message = info.value.message
    assert message.startswith("'PROMPT  whisperer' names several roles: ")
    assert "Twin One (role:twin-one)" in message and "Twin Two (role:twin-two)" in message
    assert "CURIE or IRI" in info.value.hint
    assert info.value.exit_code == 2


def test_a_pref_label_equal_to_another_roles_alt_label_is_ambiguous(twins):
    with pytest.raises(AmbiguousTermError) as info:
        resolve("Data Engineer", engine=twins, cls=ROLE_CLS, what="role")
    assert "role:data-engineer" in info.value.message and "role:solo" in info.value.message


def test_the_curie_or_slug_picks_one_of_the_twins(twins):
    assert resolve("role:twin-one", engine=twins, cls=ROLE_CLS) == Term.iri(BASE + "role/twin-one")
    assert resolve("twin-two", engine=twins, cls=ROLE_CLS) == Term.iri(BASE + "role/twin-two")
    assert resolve("Twin Two", engine=twins, cls=ROLE_CLS) == Term.iri(BASE + "role/twin-two")


def test_the_shared_label_of_another_class_does_not_count(twins):
    # the twins are roles: as a layer the shared label names nothing
    with pytest.raises(UnknownTermError):
        resolve("Prompt Whisperer", engine=twins, cls=LAYER_CLS, what="layer")


# -- helpers ---------------------------------------------------------------------------------------------------


def test_normalise_collapses_space_and_case():
    assert normalise("  Data\t\nENGINEER  ") == "data engineer"
    assert normalise("Straße") == normalise("STRASSE")


def test_expand_curie():
    assert expand_curie("role:ml-engineer") == BASE + "role/ml-engineer"
    assert expand_curie("aiw:Role") == str(AIW.Role)
    assert expand_curie("skos:prefLabel") == "http://www.w3.org/2004/02/skos/core#prefLabel"
    assert expand_curie("Data Engineer") is None
    assert expand_curie("role:") is None
    assert expand_curie("https://w3id.org/aiworkforce/role/x") is None



@pytest.mark.parametrize("engine_name", ["oxigraph", "rdflib"])
def test_an_iri_is_checked_with_one_lookup_and_answers_as_the_candidates_do(kg, monkeypatch, engine_name):
    """Every IRI of the graph that has a label, and some that have none, against every class a parameter names
    and none: the one lookup says yes exactly when the IRI is among the class's candidates (every label read),
    so resolving it returns the same term without reading them (and reads them, as before, when it is not)."""
    import aiworkforce.query.resolve as module

    eng = kg.engine(engine_name)
    labelled = sorted({row[0].value for row in eng.query(module._ANY_LABELS).rows if row[0].is_iri})
    unlabelled = [BASE + "role/no-such-role", str(AIW.Role), "https://example.org/x"]
    for cls in (ROLE_CLS, SKILL_CLS, LAYER_CLS, str(AIW.HybridRole), None):
        members = {c.term.value for c in module._candidates(eng, cls)}
        assert members
        assert {iri for iri in labelled + unlabelled if module._labelled(eng, iri, cls)} == members, cls

    def unread(*args):
        raise AssertionError("the candidates were read")

    monkeypatch.setattr(module, "_candidates", unread)
    assert resolve("role:ml-engineer", engine=eng, cls=ROLE_CLS) == ML_ENGINEER
    assert resolve(f" {BASE}skill/automation ", engine=eng, cls=SKILL_CLS, within=BASE + "skill/") == Term.iri(
        BASE + "skill/automation")
    with pytest.raises(AssertionError, match="candidates were read"):  # outside ``within``: the candidates decide
        resolve("role:ml-engineer", engine=eng, cls=ROLE_CLS, within=BASE + "skill/")


@pytest.mark.parametrize("engine_name", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("value", ["role:foo%zz", "https://example.org/a#b#c", "https://[x/", "https://example.org/\x01"])
@pytest.mark.parametrize("cls", [ROLE_CLS, None])
def test_a_malformed_iri_is_an_unknown_term_not_a_crash(kg, engine_name, value, cls):
    with pytest.raises(UnknownTermError):
        resolve(value, engine=kg.engine(engine_name), cls=cls, what="role")
