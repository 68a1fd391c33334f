"""Stored queries by name and ad hoc SPARQL: both engines agree, the cached closure is right, the shipped
knowledge base gives the expected answers, and parameters are bound as RDF terms (never pasted into text)."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
from rdflib import URIRef

from _helpers import list_columns, normalised, split

from aiworkforce.query.catalogue import catalogue, get_query
from aiworkforce.query.engines import OxigraphEngine
from aiworkforce.errors import AiworkforceError, InputError, UsageError
from aiworkforce.rdf.namespaces import AIW
from aiworkforce.rdf.prefixes import BASE
from aiworkforce.query.run import bind_params, run_query, run_sparql
from aiworkforce.errors import UnknownTermError
from aiworkforce.rdf.terms import Term

RDF_SUBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"
ROLE = BASE + "role/"
LAYER = BASE + "layer/"
SKILL = BASE + "skill/"
CONCERN = BASE + "concern/"

# rdflib's own Dataset.query warns about its deprecated default_context on every call
pytestmark = pytest.mark.filterwarnings("ignore:Dataset\\..* is deprecated:DeprecationWarning")

ALL_QUERIES = list(catalogue().values())
QUERY_IDS = [q.name for q in ALL_QUERIES]


def examples(query) -> dict[str, str]:
    return {p.name: p.example for p in query.params if p.example is not None}


def records(kg, name: str, params: dict | None = None, **kw) -> list[dict[str, str | None]]:
    """Rows of the stored query ``name`` over ``kg`` as dicts of plain values."""
    result = run_query(kg, name, params or {}, **kw)
    return [{k: (None if v is None else v.value) for k, v in r.items()} for r in result.records()]


@pytest.fixture(scope="module")
def reference(reasoned, tmp_path_factory):
    """An engine over a closure computed afresh in this session (not read from the cache). Oxigraph, as the cache
    is queried: that the two engines agree is the test above."""
    folder = tmp_path_factory.mktemp("fresh-closure")
    for name in ("closure", "inferred"):
        getattr(reasoned, name).serialize(folder / f"{name}.nt", format="nt", encoding="utf-8")
    return OxigraphEngine(folder / "closure.nt", folder / "inferred.nt")


# -- both engines, and the cache against a fresh closure ---------------------------------------------------------


@pytest.mark.parametrize("query", ALL_QUERIES, ids=QUERY_IDS)
def test_oxigraph_and_rdflib_give_the_same_rows(kg, query):
    params = examples(query)
    ox = run_query(kg, query.name, params, engine="oxigraph")
    rd = run_query(kg, query.name, params, engine="rdflib")
    assert ox.kind == rd.kind == "select"
    assert ox.variables == rd.variables
    assert ox.rows, f"{query.name} answers nothing with its examples"
    lists = list_columns(query)
    assert normalised(ox, lists) == normalised(rd, lists)


@pytest.mark.parametrize("query", ALL_QUERIES, ids=QUERY_IDS)
def test_cached_closure_answers_like_a_freshly_reasoned_graph(kg, query, reference):
    params = examples(query)
    ox_engine = kg.engine("oxigraph")
    bindings, cap = bind_params(query, params, ox_engine)
    ref_bindings, ref_cap = bind_params(query, params, reference)
    assert bindings == ref_bindings and cap == ref_cap
    expected = reference.query(query.text, ref_bindings).without(set(ref_bindings)).limited(ref_cap)
    actual = run_query(kg, query.name, params, engine="oxigraph")
    assert actual.variables == expected.variables
    lists = list_columns(query)
    assert normalised(actual, lists) == normalised(expected, lists)


def test_list_columns_are_detected():
    assert list_columns(get_query("hybrid-roles")) == {"combines", "spans"}
    assert list_columns(get_query("layers")) == set()


# -- expected answers on the shipped knowledge base --------------------------------------------------------------

#: From the physical base upwards: every layer after the layers it builds on, the cross-cutting ones last.
LAYER_NAMES = [
    "Data Centers", "Infrastructure", "Cloud and Platform Engineering", "Data", "Research", "Engineering",
    "Product Management", "Solutions and Consulting", "DevOps and Site Reliability", "Cybersecurity",
    "AI Governance",
]
#: The ten data-center careers of roles.ttl, and the one hybrid role that also works in that layer.
DATA_CENTER_CAREERS = {
    "critical-facilities-engineer", "capacity-planner", "data-center-electrical-engineer",
    "data-center-mechanical-engineer", "data-center-operations-manager", "data-center-reliability-engineer",
    "sustainability-manager", "energy-optimization-engineer", "hvac-engineer", "physical-security-specialist",
}
DATA_CENTER_HYBRID = "sustainability-facilities-engineer"


def test_layers_in_stack_order_from_the_physical_base(kg):
    rows = records(kg, "layers")
    assert [r["name"] for r in rows] == LAYER_NAMES
    assert [int(r["order"]) for r in rows] == list(range(1, 12))
    assert rows[0]["layer"] == LAYER + "data-center"
    assert rows[4]["layer"] == LAYER + "research"
    assert all(int(r["roles"]) >= 2 for r in rows)


def test_layer_role_counts_agree_with_stats_of_the_asserted_graph(kg, core):
    from aiworkforce.query.stats import stats

    counts = {r["name"]: int(r["roles"]) for r in records(kg, "layers")}
    assert counts == {layer.label: len(layer.roles) for layer in stats(core).layers}
    # the ten data-center careers plus the sustainability-focused facilities engineer (a hybrid)
    assert counts["Data Centers"] == len(DATA_CENTER_CAREERS) + 1
    assert counts["Cybersecurity"] == 9  # physical security is data-center work, not cybersecurity


def test_roles_by_layer_data_centers(kg):
    rows = records(kg, "roles-by-layer", {"layer": "Data Centers"})
    assert set(rows[0]) == {"layerName", "roleName", "role"}, "the bound ?layer column is dropped"
    assert {r["layerName"] for r in rows} == {"Data Centers"}
    slugs = [r["role"].removeprefix(ROLE) for r in rows]
    assert len(slugs) == len(set(slugs))
    assert set(slugs) == DATA_CENTER_CAREERS | {DATA_CENTER_HYBRID}
    assert [r["roleName"] for r in rows] == sorted(r["roleName"] for r in rows)
    assert {"roleName": "HVAC Systems Engineer", "role": ROLE + "hvac-engineer"}.items() <= rows[
        [r["roleName"] for r in rows].index("HVAC Systems Engineer")].items()


def test_roles_by_layer_without_a_layer_lists_every_layer(kg):
    rows = records(kg, "roles-by-layer")
    assert "layer" in rows[0]
    assert rows[0]["layerName"] == "Data Centers"
    seen = []
    for r in rows:
        if r["layerName"] not in seen:
            seen.append(r["layerName"])
    assert seen == LAYER_NAMES, "rows come layer by layer in stack order"
    counts = Counter(r["layerName"] for r in rows)
    assert counts == {r["name"]: int(r["roles"]) for r in records(kg, "layers")}


def test_data_center_roles_are_the_data_center_careers(kg):
    rows = records(kg, "data-center-roles")
    slugs = {r["role"].removeprefix(ROLE) for r in rows}
    assert DATA_CENTER_CAREERS <= slugs
    assert slugs == DATA_CENTER_CAREERS | {DATA_CENTER_HYBRID}
    handles = {r["roleName"]: set(r["handles"].split("; ")) for r in rows}
    assert "Cooling capacity" in handles["HVAC Systems Engineer"]
    assert handles["Physical Security Specialist"] == {"Physical site security"}
    assert {"Electrical capacity", "Continuous uptime"} <= handles["Data Center Electrical Engineer"]


def test_role_profile_of_the_ml_engineer(kg):
    rows = records(kg, "role-profile", {"role": "Machine Learning Engineer"})
    assert set(rows[0]) == {"aspect", "value", "detail"}, "the bound ?role column is dropped"
    assert rows[0]["aspect"] == "definition" and rows[0]["value"].startswith("Takes models from experiment")
    by_aspect: dict[str, list[str]] = {}
    for r in rows:
        by_aspect.setdefault(r["aspect"], []).append(r["value"])
    assert by_aspect["also called"] == ["Applied machine learning engineer", "ML engineer"]
    assert by_aspect["layer"] == ["Engineering"]
    # what the article ties to the role (training pipelines, deployment, monitoring, inference infrastructure)
    assert by_aspect["essential skill"] == [
        "Inference serving infrastructure", "Machine learning", "Model deployment strategies", "Model monitoring",
        "Training pipelines",
    ]
    assert {"Model fine-tuning", "Programming", "Statistical reasoning"} <= set(by_aspect["optional skill"])
    assert set(by_aspect["overlaps with"]) == {"AI Application Engineer", "Data Scientist", "Software Engineer"}
    assert by_aspect["title may also mean"] == ["Software Engineer"]
    alignments = {r["value"]: r["detail"] for r in rows if r["aspect"] == "alignment"}
    assert alignments["2511.11 artificial intelligence engineer"] == "close match"
    assert alignments["2511 Systems analysts"] == "broad match"
    assert all(r["detail"] is None for r in rows if r["aspect"] != "alignment")
    aspects = list(dict.fromkeys(r["aspect"] for r in rows))
    assert aspects == ["definition", "also called", "layer", "essential skill", "optional skill", "overlaps with",
                       "works with", "addresses", "title may also mean", "alignment"]


def test_role_profile_of_a_hybrid_lists_the_layers_it_also_spans(kg):
    rows = records(kg, "role-profile", {"role": "Infrastructure-Savvy Software Engineer"})
    values = {(r["aspect"], r["value"]) for r in rows}
    assert ("layer", "Engineering") in values
    # a base role plus the expertise it adds: it spans its base role's layers only
    assert not {v for a, v in values if a == "also spans layer"}
    assert {("combines", "Software Engineer"), ("combines", "Infrastructure expertise")} <= values


def test_skills_for_the_data_engineer(kg):
    rows = records(kg, "skills-for-role", {"role": "Data Engineer"})
    assert set(rows[0]) == {"need", "skillName", "type", "reuse", "skill"}
    assert [r["need"] for r in rows] == ["essential"] * 12 + ["optional"] * 6
    essential = [r["skillName"] for r in rows if r["need"] == "essential"]
    assert essential == sorted(essential)
    # the article's pipeline verbs and where it says the field is heading; batch processing is what it leaves
    assert essential == ["Continuous learning systems", "Data architecture", "Data cleaning", "Data distribution",
                         "Data ingestion", "Data pipeline engineering", "Data transformation", "Data validation",
                         "Database systems", "Distributed systems", "Real-time analytics",
                         "Retrieval-augmented generation"]
    # the two ESCO dimensions, not the retired skill kinds
    dimensions = {r["skillName"]: (r["type"], r["reuse"]) for r in rows}
    assert dimensions["SQL"] == ("skill or competence", "cross-sector")
    assert dimensions["Distributed systems"] == ("knowledge", "sector-specific")
    assert dimensions["Automation"] == ("skill or competence", "transversal")


def test_roles_for_infrastructure_as_code(kg):
    rows = records(kg, "roles-for-skill", {"skill": "Infrastructure as Code"})
    assert set(rows[0]) == {"roleName", "need", "layers", "role"}
    essential = [r["roleName"] for r in rows if r["need"] == "essential"]
    optional = [r["roleName"] for r in rows if r["need"] == "optional"]
    # the article calls infrastructure as code essential in cloud architecture and platform engineering
    assert essential == ["Cloud Architect", "Container Platform Engineer", "Platform Engineer"]
    assert optional == ["DevOps Engineer", "Infrastructure Engineer", "Infrastructure-Savvy Software Engineer",
                        "Network Automation Engineer", "Storage Engineer"]
    assert [r["need"] for r in rows] == ["essential"] * 3 + ["optional"] * 5
    layers = {r["roleName"]: set(split(Term.literal(r["layers"]))) for r in rows}
    assert layers["Container Platform Engineer"] == {"Infrastructure", "Cloud and Platform Engineering"}


def test_transferable_skills_travel_across_roles(kg):
    rows = records(kg, "transferable-skills")
    assert len(rows) == 10
    roles = [int(r["roles"]) for r in rows]
    assert all(n >= 3 for n in roles)
    assert roles == sorted(roles, reverse=True)
    assert {rows[0]["skillName"], rows[1]["skillName"]} == {"Automation", "Communication"}
    assert all(int(r["layers"]) >= 1 for r in rows)
    assert all(r["skill"].startswith(SKILL) for r in rows)


def test_skill_gap_software_engineer_to_ml_engineer(kg):
    rows = records(kg, "skill-gap", {"from": "Software Engineer", "to": "Machine Learning Engineer"})
    assert set(rows[0]) == {"status", "skillName", "kind", "provenance", "skill"}, "?from, ?to, ?basis are dropped"
    status = {r["skillName"]: r["status"] for r in rows}
    assert status == {
        "Inference serving infrastructure": "to learn", "Machine learning": "to learn",
        "Model deployment strategies": "to learn", "Model monitoring": "to learn", "Training pipelines": "to learn",
    }
    provenance = {r["skillName"]: r["provenance"] for r in rows}
    assert provenance["Training pipelines"] == "stated by the article"
    assert provenance["Machine learning"] == "implied by the article"


def test_skill_gap_counts_optional_skills_of_the_current_role_as_shared(kg):
    # AI feature integration is an optional skill of the AI application engineer, an essential one of the software
    # engineer
    rows = records(kg, "skill-gap", {"from": "AI Application Engineer", "to": "Software Engineer"})
    status = {r["skillName"]: r["status"] for r in rows}
    assert status["AI feature integration"] == "shared"
    assert status["Infrastructure expertise"] == "to learn"
    assert [r["status"] for r in rows] == ["to learn"] + ["shared"] * 4, "skills to learn come first"


def test_skill_gap_from_a_role_to_itself_has_nothing_to_learn(kg):
    rows = records(kg, "skill-gap", {"from": "ml-engineer", "to": "ml-engineer"})
    assert len(rows) == 5 and {r["status"] for r in rows} == {"shared"}


def _jaccard(closure, a: str, b: str) -> Decimal:
    req = AIW.requiresSkill
    mine = set(closure.objects(URIRef(a), req))
    theirs = set(closure.objects(URIRef(b), req))
    exact = Decimal(len(mine & theirs)) / Decimal(len(mine | theirs))
    return exact.quantize(Decimal("0.001"))


def test_nearest_roles_rank_by_jaccard_and_respect_the_limit(kg, reasoned):
    result = run_query(kg, "nearest-roles", {"role": "Data Scientist", "limit": "5"})
    assert result.variables == ("otherName", "jaccard", "shared", "fromArticle", "provenance", "other")
    assert len(result.rows) == 5
    rows = records(kg, "nearest-roles", {"role": "Data Scientist", "limit": "5"})
    assert rows[0]["otherName"] == "Product-Minded Data Scientist"
    scores = [Decimal(r["jaccard"]) for r in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(Decimal(0) < s <= 1 for s in scores)
    for r in records(kg, "nearest-roles", {"role": "Data Scientist"}):
        expected = _jaccard(reasoned.closure, ROLE + "data-scientist", r["other"])
        assert Decimal(r["jaccard"]).quantize(Decimal("0.001")) == expected, r["otherName"]
        assert int(r["shared"]) >= 1
        assert r["other"] != ROLE + "data-scientist"


def test_nearest_roles_default_limit_is_ten(kg):
    assert len(run_query(kg, "nearest-roles", {"role": "Data Scientist"}).rows) == 10
    assert len(run_query(kg, "nearest-roles", {"role": "Data Scientist", "limit": "3"}).rows) == 3
    assert len(run_query(kg, "nearest-roles", {"role": "Data Scientist", "limit": "0"}).rows) == 0


def test_overlaps_list_each_pair_once_with_shared_skills(kg):
    rows = records(kg, "overlaps")
    assert len(rows) == 26  # no pair both overlaps and specialises
    pairs = [(r["role"], r["other"]) for r in rows]
    assert all(a < b for a, b in pairs), "each pair appears once"
    assert len(set(pairs)) == len(pairs)
    shared = [int(r["shared"]) for r in rows]
    assert shared == sorted(shared, reverse=True)
    for r in rows:
        assert int(r["shared"]) == len(split(Term.literal(r["sharedSkills"])))
    research = next(r for r in rows
                    if (r["role"], r["other"]) == (ROLE + "ai-research-scientist", ROLE + "research-engineer"))
    assert set(research["sharedSkills"].split("; ")) == {
        "Computer science", "Distributed systems", "Multimodal modelling", "Optimisation methods for training"}


def test_hybrid_roles_and_the_layers_they_span(kg):
    rows = records(kg, "hybrid-roles")
    assert len(rows) == 5
    by_name = {r["hybridName"]: r for r in rows}
    infra = by_name["Infrastructure-Savvy Software Engineer"]
    assert infra["hybrid"] == ROLE + "infrastructure-savvy-software-engineer"
    assert set(infra["spans"].split("; ")) == {"Engineering"}
    assert set(infra["combines"].split("; ")) == {"Software Engineer", "Infrastructure expertise"}
    # familiar with machine learning, not a machine learning engineer: no engineering layer
    assert set(by_name["ML-Literate Security Analyst"]["spans"].split("; ")) == {"Cybersecurity"}
    assert all(r["spans"] for r in rows), "every hybrid spans at least one layer"


AIW_NS = "https://w3id.org/aiworkforce/ontology#"


def test_security_threats_by_kind(kg):
    rows = records(kg, "security-threats")
    kinds = Counter(r["kindName"] for r in rows)
    # leaking information and hallucinating unsafe output are model risks, not attacks
    assert kinds == {"AI attack surface": 2, "AI-enabled attack": 3}
    assert {r["kind"] for r in rows} == {AIW_NS + "AIAttackSurface", AIW_NS + "AIEnabledAttack"}
    prompt = next(r for r in rows if r["threatName"] == "Prompt injection")
    assert "AI Security Specialist" in prompt["roles"].split("; ")
    assert "Prompt injection defence" in prompt["skills"].split("; ")
    assert all(r["roles"] and r["skills"] for r in rows)


def test_governance_principles(kg):
    rows = records(kg, "governance")
    assert [r["principleName"] for r in rows] == [
        "Accountability", "Fairness", "Human oversight", "Privacy", "Regulatory compliance", "Transparency"]
    assert all("AI Governance Specialist" in r["roles"].split("; ") for r in rows)
    assert "Healthcare" in rows[0]["sectors"].split("; ")


def test_operational_challenges(kg):
    rows = records(kg, "operational-challenges")
    assert [r["challengeName"] for r in rows] == [
        "Distributed training failures", "GPU utilisation", "Inference latency", "Networking bottlenecks",
        "Storage throughput"]
    gpu = rows[1]
    assert "GPU Cluster Engineer" in gpu["roles"].split("; ")
    assert "GPU cluster management" in gpu["practices"].split("; ")


def test_title_variants(kg):
    rows = records(kg, "title-variants")
    assert [r["role"].removeprefix(ROLE) for r in rows] == ["data-scientist", "ml-engineer", "platform-engineer"]
    ml = rows[1]
    assert ml["mayMean"] == "Software Engineer"
    assert set(ml["alsoCalled"].split("; ")) == {"ML engineer", "Applied machine learning engineer"}
    assert set(rows[2]["mayMean"].split("; ")) == {"Infrastructure Engineer", "DevOps Engineer"}


def test_guiding_questions_point_to_layers(kg):
    rows = records(kg, "guiding-questions")
    assert len(rows) == 4
    assert all(r["questionText"].endswith("?") for r in rows)
    for r in rows:
        layers = split(Term.literal(r["layers"]))
        assert len(layers) >= 1 and set(layers) <= set(LAYER_NAMES)
        assert split(Term.literal(r["roles"]))
    infra = next(r for r in rows if r["questionText"] == "What infrastructure must be maintained?")
    assert "Data Centers" in infra["layers"].split("; ")


def test_crosswalk_uses_only_skos_match_types(kg):
    rows = records(kg, "crosswalk")
    assert len(rows) >= 100
    assert {r["match"] for r in rows} <= {"exact", "close", "broad", "narrow", "related"}
    assert {r["scheme"] for r in rows} == {"ISCO-08", "ESCO", "O*NET-SOC"}
    assert {"roleName": "Cloud Architect", "scheme": "ESCO", "match": "exact", "code": "2512.6",
            "official": "cloud architect"}.items() <= next(
        r for r in rows if r["roleName"] == "Cloud Architect" and r["scheme"] == "ESCO").items()
    isco = [r for r in rows if r["scheme"] == "ISCO-08"]
    assert all(re.fullmatch(r"\d{4}", r["code"]) for r in isco)


def test_concerns_by_kind(kg):
    rows = records(kg, "concerns")
    prompt = next(r for r in rows if r["concernName"] == "Prompt injection")
    assert prompt["kindName"] == "AI attack surface" and int(prompt["roles"]) == 3
    assert prompt["kind"] == AIW_NS + "AIAttackSurface"
    assert Counter(r["kindName"] for r in rows)["governance principle"] == 6
    kinds = {r["concernName"]: r["kindName"] for r in rows}
    assert kinds["Unsafe hallucinated output"] == kinds["Model information leakage"] == "AI model risk"


def test_roles_for_concern_prompt_injection(kg):
    rows = records(kg, "roles-for-concern", {"concern": "Prompt Injection"})
    assert set(rows[0]) == {"relation", "name", "layers", "term"}
    roles = {r["term"] for r in rows if r["relation"] == "role"}
    assert ROLE + "ai-security-specialist" in roles
    assert roles == {ROLE + s for s in ("ai-security-specialist", "application-security-engineer",
                                        "ml-literate-security-analyst")}
    skills = {r["term"] for r in rows if r["relation"] == "mitigating skill"}
    assert SKILL + "prompt-injection-defence" in skills
    assert [r["relation"] for r in rows] == ["role"] * 3 + ["mitigating skill"] * 4


# -- parameters ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "Machine Learning Engineer",
        "  machine   LEARNING engineer ",
        "ML engineer",
        "ml ENGINEER",
        "applied MACHINE learning engineer",
        "ml-engineer",
        "role:ml-engineer",
        ROLE + "ml-engineer",
    ],
)
def test_every_way_of_naming_a_role_gives_the_same_profile(kg, value):
    expected = run_query(kg, "role-profile", {"role": "Machine Learning Engineer"})
    assert run_query(kg, "role-profile", {"role": value}) == expected


@pytest.mark.parametrize("value", ["Data Centers", "data centre", "data-center", "layer:data-center",
                                   LAYER + "data-center"])
def test_every_way_of_naming_a_layer_gives_the_same_roles(kg, value):
    expected = run_query(kg, "roles-by-layer", {"layer": "Data Centers"})
    assert run_query(kg, "roles-by-layer", {"layer": value}) == expected


def test_missing_required_parameter_names_it_with_an_example(kg):
    with pytest.raises(UsageError) as info:
        run_query(kg, "role-profile", {})
    assert "'role'" in info.value.message and "role-profile" in info.value.message
    assert "Machine Learning Engineer" in info.value.hint
    assert "-p role=" in info.value.hint


def test_missing_second_parameter_of_skill_gap_is_named(kg):
    with pytest.raises(UsageError) as info:
        run_query(kg, "skill-gap", {"from": "Software Engineer"})
    assert "'to'" in info.value.message


def test_unknown_parameter_is_a_usage_error_listing_the_declared_ones(kg):
    with pytest.raises(UsageError) as info:
        run_query(kg, "role-profile", {"role": "Data Engineer", "colour": "blue"})
    assert "colour" in info.value.message
    assert "role" in info.value.hint


def test_parameter_given_to_a_query_without_parameters_is_refused(kg):
    with pytest.raises(UsageError) as info:
        run_query(kg, "provenance", {"layer": "Data"})
    assert "none" in info.value.hint
    with pytest.raises(UsageError) as info:  # a query whose only parameter is the language names it
        run_query(kg, "trends", {"layer": "Data"})
    assert "its parameters: lang" in info.value.hint


@pytest.mark.parametrize("value", ["five", "5.5", "", "1e3", "-1"])
def test_integer_parameter_must_be_a_whole_non_negative_number(kg, value):
    with pytest.raises(UsageError) as info:
        run_query(kg, "nearest-roles", {"role": "Data Scientist", "limit": value})
    assert "limit" in info.value.message


def test_limit_caps_rows(kg):
    full = run_query(kg, "layers")
    capped = run_query(kg, "layers", limit=3)
    assert capped.rows == full.rows[:3]
    assert run_query(kg, "layers", limit=0).rows == ()
    assert len(run_query(kg, "layers", limit=100).rows) == 11


def test_limit_replaces_a_query_row_count_and_two_different_ones_are_refused(kg):
    cut = run_query(kg, "nearest-roles", {"role": "Data Scientist"}, limit=12)
    assert len(cut.rows) == 12 and cut.total > 12, "limit replaces the query's default of 10"
    assert len(run_query(kg, "nearest-roles", {"role": "Data Scientist", "limit": "2"}).rows) == 2
    assert len(run_query(kg, "nearest-roles", {"role": "Data Scientist", "limit": "2"}, limit=2).rows) == 2
    with pytest.raises(UsageError, match="two row limits"):
        run_query(kg, "nearest-roles", {"role": "Data Scientist", "limit": "5"}, limit=2)
    whole = run_query(kg, "layers", limit=100)
    assert whole.total is None and not whole.truncated


def test_bound_parameter_columns_are_dropped(kg):
    for name, params, dropped in [
        ("role-profile", {"role": "Data Engineer"}, {"role"}),
        ("skill-gap", {"from": "Data Engineer", "to": "Data Architect"}, {"from", "to"}),
        ("nearest-roles", {"role": "Data Engineer"}, {"role"}),
        ("roles-for-skill", {"skill": "SQL"}, {"skill"}),
        ("roles-by-layer", {"layer": "Research"}, {"layer"}),
    ]:
        query = get_query(name)
        selected = set(re.findall(r"\?(\w+)", query.text.split("WHERE")[0]))
        assert dropped <= selected, f"{name} selects {dropped}"
        result = run_query(kg, name, params)
        assert not dropped & set(result.variables), name
        assert result.variables, name


def test_term_parameter_of_the_wrong_class_is_unknown(kg):
    with pytest.raises(UnknownTermError) as info:
        run_query(kg, "role-profile", {"role": "Programming"})
    assert "role" in info.value.message


def test_unknown_role_suggests_close_titles(kg):
    with pytest.raises(UnknownTermError) as info:
        run_query(kg, "skills-for-role", {"role": "Data Enginer"})
    assert "Data Engineer" in info.value.hint


@pytest.mark.parametrize(
    "payload",
    [
        'x" } ; DROP ALL ; #',
        '"} UNION { ?role ?p ?o } #',
        "<http://evil>",
        "<http://evil> } . ?s ?p ?o . { ?s ?p",
        "http://evil.example/role",
        "role:ml-engineer> } DROP ALL { <x",
        "?role",
        "Data Engineer' ; DELETE WHERE { ?s ?p ?o } #",
    ],
)
def test_injection_attempts_are_unknown_terms_never_query_text(kg, payload):
    for name, param in (("role-profile", "role"), ("skill-gap", "from")):
        params = examples(get_query(name)) | {param: payload}
        with pytest.raises(UnknownTermError):
            run_query(kg, name, params)
    assert len(run_query(kg, "layers").rows) == 11, "the store is untouched"


# -- ad hoc SPARQL -----------------------------------------------------------------------------------------------

P = "PREFIX aiw: <https://w3id.org/aiworkforce/ontology#>\nPREFIX role: <https://w3id.org/aiworkforce/role/>\n"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_sparql_select(kg, engine):
    result = run_sparql(kg, P + "SELECT ?r WHERE { ?r a aiw:HybridRole } ORDER BY ?r", engine=engine)
    assert result.kind == "select" and result.variables == ("r",)
    assert [row[0].value.removeprefix(ROLE) for row in result.rows] == [
        "infrastructure-savvy-software-engineer", "ml-literate-security-analyst", "network-automation-engineer",
        "product-minded-data-scientist", "sustainability-facilities-engineer"]


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_sparql_ask(kg, engine):
    assert run_sparql(kg, P + "ASK { role:hvac-engineer a aiw:DataCenterRole }", engine=engine).boolean is True
    assert run_sparql(kg, P + "ASK { role:ml-engineer a aiw:DataCenterRole }", engine=engine).boolean is False
    assert run_sparql(kg, P + "ASK { role:hvac-engineer a aiw:DataCenterRole }", engine=engine).kind == "ask"


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_sparql_construct(kg, engine):
    result = run_sparql(kg, 
        P + "CONSTRUCT { ?r a aiw:Role } WHERE { ?r a aiw:DataCenterRole }", engine=engine)
    assert result.kind == "graph"
    assert {s.value.removeprefix(ROLE) for s, _, _ in result.triples} == DATA_CENTER_CAREERS | {DATA_CENTER_HYBRID}
    assert {o.value for _, _, o in result.triples} == {str(AIW.Role)}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_sparql_describe(kg, engine):
    result = run_sparql(kg, P + "DESCRIBE role:ml-engineer", engine=engine)
    assert result.kind == "graph"
    triples = {(s.value, p.value, o.key()) for s, p, o in result.triples}
    assert (ROLE + "ml-engineer", str(AIW.inLayer), ("iri", LAYER + "engineering", "", "")) in triples
    # rdflib describes by Concise Bounded Description, which adds the statements reifying the role's triples
    # (its evidence); Oxigraph gives the role's own triples only
    evidence = {s for s, p, o in triples if p == RDF_SUBJECT and o == ("iri", ROLE + "ml-engineer", "", "")}
    assert {s for s, _, _ in triples} - evidence == {ROLE + "ml-engineer"}


def test_sparql_engines_agree_on_graph_results(kg):
    text = P + "CONSTRUCT { role:ml-engineer ?p ?o } WHERE { role:ml-engineer ?p ?o }"
    ox = {tuple(t.key() for t in triple) for triple in run_sparql(kg, text, engine="oxigraph").triples}
    rd = {tuple(t.key() for t in triple) for triple in run_sparql(kg, text, engine="rdflib").triples}
    assert ox == rd and len(ox) > 30


def test_sparql_sees_inferred_triples_in_their_named_graph(kg):
    from aiworkforce.query.engines import INFERRED_GRAPH

    text = (P + f"SELECT ?c WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ role:ai-security-specialist a ?c }} }} ORDER BY ?c")
    for engine in ("oxigraph", "rdflib"):
        classes = {row[0].value for row in run_sparql(kg, text, engine=engine).rows}
        assert str(AIW.SecurityRole) in classes, engine
        assert str(AIW.Role) not in classes, f"{engine}: the asserted type is not in the inferred graph"


@pytest.mark.parametrize("text", ["", "   \n\t  "])
def test_empty_sparql_is_a_usage_error(kg, text):
    with pytest.raises(UsageError, match="empty"):
        run_sparql(kg, text)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("text", ["SELEC * WHERE { ?s ?p ?o }", "SELECT * WHERE { ?s ?p ", "ASK { ?s ?p ?o . . }"])
def test_malformed_sparql_is_an_input_error(kg, engine, text):
    with pytest.raises(InputError) as info:
        run_sparql(kg, text, engine=engine)
    assert info.value.exit_code == 2
    assert "malformed SPARQL" in info.value.message


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_undeclared_prefix_is_an_input_error(kg, engine):
    """A prefix the query never declares is the user's mistake: exit code 2, not an internal error."""
    with pytest.raises(InputError) as info:
        run_sparql(kg, "SELECT * WHERE { ?s nosuchprefix:p ?o }", engine=engine)
    assert info.value.exit_code == 2


def test_engines_agree_on_a_query_using_project_prefixes_without_declaring_them(kg):
    """The same ad hoc query must not work on one engine and fail on the other."""
    text = "SELECT ?r WHERE { ?r a aiw:HybridRole } ORDER BY ?r"
    outcomes = {}
    for engine in ("oxigraph", "rdflib"):
        try:
            outcomes[engine] = ("rows", run_sparql(kg, text, engine=engine).rows)
        except AiworkforceError as exc:
            outcomes[engine] = ("error", type(exc).__name__, exc.exit_code)
    assert outcomes["oxigraph"] == outcomes["rdflib"]


UNKNOWN_FUNCTION = "SELECT * WHERE { ?s ?p ?o FILTER(<http://example.org/no-such-function>(?o)) } LIMIT 1"


def test_unsupported_function_is_a_user_error_not_a_crash(kg):
    """oxigraph refuses a function it does not know: a user error (exit code 2) that names the function."""
    with pytest.raises(InputError) as info:
        run_sparql(kg, UNKNOWN_FUNCTION, engine="oxigraph")
    assert info.value.exit_code == 2
    assert "cannot be evaluated" in info.value.message
    assert "<http://example.org/no-such-function>" in info.value.message


def test_unsupported_function_follows_sparql_error_semantics_on_rdflib(kg):
    """rdflib evaluates a call of an unknown function as an error, which makes the FILTER false (SPARQL 1.1,
    section 17.2): the query runs and answers no rows, though the graph has plenty of triples."""
    result = run_sparql(kg, UNKNOWN_FUNCTION, engine="rdflib")
    assert result.kind == "select" and set(result.variables) == {"s", "p", "o"}  # SELECT * fixes no order
    assert result.rows == ()
    assert run_sparql(kg, UNKNOWN_FUNCTION.replace("FILTER(<http://example.org/no-such-function>(?o))", ""),
                      engine="rdflib").rows, "without the FILTER the same pattern has rows"


# -- provenance of the graph (issue 12) --------------------------------------------------------------------------

def test_provenance_counts_terms_and_links_by_basis(kg, core):
    rows = {(r["what"], r["kind"]): r for r in records(kg, "provenance")}
    roles = rows[("term", "roles")]
    assert (int(roles["stated"]), int(roles["implied"]), int(roles["editorial"])) == (21, 19, 8)
    assert int(roles["total"]) == 48
    essential = rows[("link", "requires essential skill")]
    assert int(essential["total"]) == len(set(core.subject_objects(AIW.requiresEssentialSkill)))
    assert sum(int(essential[k]) for k in ("stated", "implied", "editorial")) == int(essential["total"])


def test_evidence_shows_the_passages_behind_a_role(kg):
    rows = records(kg, "evidence", {"role": "Cloud Architect"})
    assert rows[0]["link"] == "the role itself"
    policy = [r for r in rows if r["target"] == "Policy automation"]
    assert policy and policy[0]["basis"] == "stated by the article"
    assert policy[0]["quote"] == "Infrastructure as code, policy automation, observability"
    editorial = [r for r in rows if r["basis"] == "editorial addition"]
    assert editorial and all(r["reason"] and not r["quote"] for r in editorial)


def test_trends_carry_their_evidence(kg):
    rows = records(kg, "trends")
    data = [r for r in rows if r["term"] == LAYER + "data"]
    assert data and data[0]["trend"] == "evolving" and "beyond batch processing" in data[0]["quote"]
    assert all(r["quote"] and r["section"] for r in rows)
    assert {r["kind"] for r in rows} == {"layer", "role", "skill"}, "trends attach to layers, roles and skills"


def test_skill_gap_basis_article_keeps_only_what_the_article_backs(kg):
    params = {"from": "Software Engineer", "to": "Infrastructure Engineer"}
    everything = records(kg, "skill-gap", params)
    article = records(kg, "skill-gap", {**params, "basis": "article"})
    assert article and {r["provenance"] for r in article} <= {"stated by the article", "implied by the article"}
    assert {r["skill"] for r in article} <= {r["skill"] for r in everything}
    assert records(kg, "skill-gap", {**params, "basis": "all"}) == everything
    # the ML engineer's editorial essential skills are dropped, the article's kept
    ml = records(kg, "skill-gap", {"from": "Data Scientist", "to": "Machine Learning Engineer", "basis": "article"})
    assert "Training pipelines" in {r["skillName"] for r in ml}


def test_nearest_roles_mark_editorial_roles_and_links(kg):
    rows = records(kg, "nearest-roles", {"role": "Data Engineer"})
    assert {r["otherName"]: r["provenance"] for r in rows}["Data Architect"] == "editorial addition"
    assert all(0 <= int(r["fromArticle"]) <= int(r["shared"]) for r in rows)
    article = records(kg, "nearest-roles", {"role": "Data Engineer", "basis": "article"})
    assert article and all(int(r["fromArticle"]) == int(r["shared"]) for r in article)
    assert "Data Architect" not in {r["otherName"] for r in article}, "an editorial role has no article-backed skills"
