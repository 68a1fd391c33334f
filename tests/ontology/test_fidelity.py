"""Knowledge fidelity (issue 12): every term and link says whether the article states it, implies it or the
editors added it; stated evidence really quotes the article; the audit's examples stay fixed; the article's own
concepts are findable by their wording.

The article is not committed: tests/data/article-runs.txt holds hashes of its word runs of 1-12 words
(tests/data/make_article_runs.py), so a quote is checked word for word, ignoring case, punctuation and spacing.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from aiworkforce.namespaces import AIW, BASE

DATA = Path(__file__).resolve().parents[1] / "data"
ROLE, SKILL, CONCERN, LAYER, SRC = (f"{BASE}{k}/" for k in ("role", "skill", "concern", "layer", "source"))
SCHEMES = [URIRef(f"{BASE}scheme/{s}") for s in ("roles", "skills", "concerns", "layers", "sectors", "questions")]
LINKS = [AIW[p] for p in (
    "inLayer", "requiresEssentialSkill", "requiresOptionalSkill", "addressesConcern", "mitigates", "overlapsWith",
    "collaboratesWith", "specialises", "combinesRole", "combinesExpertise", "expectedToUnderstand", "titleMayDenote",
    "relevantInSector", "answeredByRole", "buildsOn", "hasTrend")]
BASES = {AIW.Stated, AIW.Implied, AIW.Editorial}


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "'"))


@pytest.fixture(scope="module")
def article_runs() -> set[str]:
    return set((DATA / "article-runs.txt").read_text().split())


def in_article(quote: str, runs: set[str]) -> bool:
    w = words(quote)
    return 0 < len(w) <= 12 and hashlib.sha1(" ".join(w).encode()).hexdigest()[:16] in runs


def r(slug): return URIRef(ROLE + slug)
def s(slug): return URIRef(SKILL + slug)
def c(slug): return URIRef(CONCERN + slug)
def l(slug): return URIRef(LAYER + slug)


def concepts(core):
    return {n for scheme in SCHEMES for n in core.subjects(SKOS.inScheme, scheme)}


def statements(core):
    """(subject, predicate, object) -> its evidence node."""
    out = {}
    for st in core.subjects(RDF.type, RDF.Statement):
        key = (core.value(st, RDF.subject), core.value(st, RDF.predicate), core.value(st, RDF.object))
        assert key not in out, f"two evidence statements for {key}"
        out[key] = st
    return out


def evidence(core, subject, predicate, obj):
    st = statements(core).get((subject, predicate, obj))
    assert st is not None, f"no evidence for {subject} {predicate} {obj}"
    return st


# -- provenance everywhere ------------------------------------------------------------------------------------------


def test_every_concept_has_exactly_one_basis(core):
    found = concepts(core)
    assert len(found) > 250
    missing = sorted(str(n) for n in found if set(core.objects(n, AIW.basis)) & BASES != set(core.objects(n, AIW.basis))
                     or len(set(core.objects(n, AIW.basis))) != 1)
    assert not missing, missing


def test_every_link_between_concepts_has_evidence(core):
    st = statements(core)
    links = [(a, p, b) for p in LINKS for a, b in core.subject_objects(p)]
    assert len(links) > 1000
    missing = [t for t in links if t not in st]
    assert not missing, missing[:20]
    dangling = [k for k in st if k not in core]
    assert not dangling, f"evidence for links the graph does not state: {dangling[:10]}"


def test_every_basis_counts_for_something(core):
    """Honesty in numbers: the article states or implies a good part of the graph, and the editors' share shows."""
    st = statements(core)
    counts = {b: sum(1 for n in st.values() if core.value(n, AIW.basis) == b) for b in BASES}
    assert all(counts[b] > 100 for b in BASES), counts
    terms = {b: sum(1 for n in concepts(core) if core.value(n, AIW.basis) == b) for b in BASES}
    assert all(terms[b] > 20 for b in BASES), terms


def test_stated_terms_and_links_quote_the_article(core, article_runs):
    nodes = [n for n in set(core.subjects(AIW.basis, AIW.Stated))]
    assert len(nodes) > 200
    unquoted = [n for n in nodes if core.value(n, AIW.quote) is None]
    assert not unquoted, unquoted[:10]
    wrong = [(n, str(q)) for n, q in core.subject_objects(AIW.quote) if not in_article(str(q), article_runs)]
    assert not wrong, wrong[:10]


def test_the_quote_check_can_fail(article_runs):
    assert in_article("Infrastructure engineers build those environments.", article_runs)
    assert in_article("infrastructure   ENGINEERS build those", article_runs)
    assert not in_article("Infrastructure engineers build those data lakes", article_runs)
    assert not in_article("Every AI system depends on data quality and on skilled people at every level", article_runs)


def test_editorial_terms_and_links_give_a_reason_and_cite_the_editors(core):
    editorial = set(core.subjects(AIW.basis, AIW.Editorial))
    assert editorial
    for n in editorial:
        note = core.value(n, SKOS.editorialNote)
        assert isinstance(note, Literal) and len(str(note)) > 20, n
        assert (n, DCTERMS.source, URIRef(SRC + "editors")) in core, n
        assert any(str(o).startswith(SRC) and o != URIRef(SRC + "editors") for o in core.objects(n, DCTERMS.source)), n


def test_sources_are_sections_or_the_editors(core):
    for n, source in core.subject_objects(DCTERMS.source):
        if str(n).startswith(BASE) or isinstance(n, type(core.value(next(iter(core.subjects(RDF.type, RDF.Statement))),
                                                                     RDF.subject))):
            kinds = set(core.objects(source, RDF.type))
            assert kinds & {URIRef("https://schema.org/Article"), AIW.EditorialSource}, (n, source)


# -- the audit's examples --------------------------------------------------------------------------------------------

EDITORIAL_ROLES = ["research-engineer", "data-architect", "data-quality-engineer", "storage-engineer",
                   "gpu-cluster-engineer", "container-platform-engineer", "ai-product-manager", "ai-policy-advisor"]


@pytest.mark.parametrize("slug", EDITORIAL_ROLES)
def test_roles_not_in_the_article_are_editorial(core, slug):
    assert core.value(r(slug), AIW.basis) == AIW.Editorial


def test_specialism_lists_become_implied_roles_with_editorial_titles(core):
    for slug in ("hvac-engineer", "capacity-planner", "iam-engineer", "threat-intelligence-analyst",
                 "privacy-engineer", "compliance-specialist", "physical-security-specialist"):
        assert core.value(r(slug), AIW.basis) == AIW.Implied, slug
        assert core.value(r(slug), AIW.titleBasis) == AIW.Editorial, slug
    assert core.value(r("data-engineer"), AIW.titleBasis) == AIW.Stated


@pytest.mark.parametrize(("role", "skill"), [
    ("cloud-architect", "infrastructure-as-code"), ("cloud-architect", "policy-automation"),
    ("cloud-architect", "observability"), ("cloud-architect", "resilience-engineering"),
    ("infrastructure-engineer", "networking-fabrics"), ("infrastructure-engineer", "cloud-architecture-design"),
    ("infrastructure-engineer", "gpu-cluster-management"), ("data-engineer", "real-time-analytics"),
    ("data-engineer", "continuous-learning-systems"), ("data-engineer", "data-validation"),
    ("product-manager", "automation-suitability-assessment"), ("product-manager", "human-in-the-loop-design"),
    ("ai-governance-specialist", "technical-literacy"), ("ai-governance-specialist", "technology-law"),
    ("ai-governance-specialist", "ai-ethics"), ("ai-governance-specialist", "operational-risk-management"),
    ("ai-research-scientist", "computer-science"), ("ai-research-scientist", "distributed-systems"),
])
def test_what_the_article_calls_essential_is_essential(core, role, skill):
    assert (r(role), AIW.requiresEssentialSkill, s(skill)) in core
    st = evidence(core, r(role), AIW.requiresEssentialSkill, s(skill))
    assert core.value(st, AIW.basis) in {AIW.Stated, AIW.Implied}


@pytest.mark.parametrize(("role", "skill"), [
    ("infrastructure-engineer", "linux-administration"), ("data-engineer", "batch-processing"),
])
def test_what_the_article_does_not_tie_to_the_role_is_not_essential(core, role, skill):
    assert (r(role), AIW.requiresEssentialSkill, s(skill)) not in core


def test_essential_links_of_article_roles_rest_on_the_article(core):
    st = statements(core)
    for role, skill in core.subject_objects(AIW.requiresEssentialSkill):
        if core.value(role, AIW.basis) != AIW.Editorial:
            assert core.value(st[(role, AIW.requiresEssentialSkill, skill)], AIW.basis) != AIW.Editorial, (role, skill)


def test_data_engineering_trend_is_recorded(core):
    assert (l("data"), AIW.hasTrend, AIW.Evolving) in core
    assert (s("batch-processing"), AIW.hasTrend, AIW.Receding) in core
    assert (l("governance"), AIW.hasTrend, AIW.Growing) in core
    assert (l("infrastructure"), AIW.hasTrend, AIW.Elevated) in core
    assert (l("data-center"), AIW.hasTrend, AIW.Undervalued) in core


HYBRIDS = {"infrastructure-savvy-software-engineer": ("software-engineer", "infrastructure-expertise"),
           "product-minded-data-scientist": ("data-scientist", "product-strategy"),
           "network-automation-engineer": ("network-engineer", "automation"),
           "ml-literate-security-analyst": ("cybersecurity-analyst", "machine-learning"),
           "sustainability-facilities-engineer": ("critical-facilities-engineer", "sustainability-analytics")}


@pytest.mark.parametrize("hybrid", sorted(HYBRIDS))
def test_hybrids_are_a_base_role_plus_expertise(core, reasoned, hybrid):
    base, expertise = HYBRIDS[hybrid]
    assert set(core.objects(r(hybrid), AIW.combinesRole)) == {r(base)}
    assert s(expertise) in set(core.objects(r(hybrid), AIW.combinesExpertise))
    assert core.value(r(hybrid), AIW.titleBasis) == AIW.Editorial
    assert set(reasoned.closure.objects(r(hybrid), AIW.spansLayer)) == set(core.objects(r(base), AIW.inLayer))


def test_the_ml_literate_analyst_does_not_span_engineering(reasoned):
    assert (r("ml-literate-security-analyst"), AIW.spansLayer, l("engineering")) not in reasoned.closure


def test_hallucination_and_leakage_are_model_risks_not_attacks(core, reasoned):
    for slug in ("unsafe-hallucinated-output", "model-information-leakage"):
        assert (c(slug), RDF.type, AIW.ModelRisk) in core
        assert (c(slug), RDF.type, AIW.SecurityThreat) not in reasoned.closure


def test_only_security_work_makes_a_security_responder(reasoned):
    responders = set(reasoned.closure.subjects(RDF.type, AIW.SecurityResponder))
    assert responders
    for role in responders:
        assert (role, AIW.spansLayer, l("security")) in reasoned.closure, role


def test_cross_cutting_layers_build_on_nothing_and_stack_order_follows_builds_on(core):
    for slug in ("security", "governance"):
        assert core.value(l(slug), AIW.buildsOn) is None
    for a, b in core.subject_objects(AIW.buildsOn):
        assert core.value(a, AIW.stackOrder).toPython() > core.value(b, AIW.stackOrder).toPython(), (a, b)


def test_specialises_is_skos_broader_and_never_overlaps(core):
    assert (AIW.specialises, RDFS.subPropertyOf, SKOS.broader) in core
    for a, b in core.subject_objects(AIW.specialises):
        assert (a, AIW.overlapsWith, b) not in core and (b, AIW.overlapsWith, a) not in core, (a, b)


def test_skills_have_a_type_a_reuse_level_and_a_hierarchy(core):
    skills = set(core.subjects(SKOS.inScheme, URIRef(f"{BASE}scheme/skills")))
    for skill in skills:
        assert len(set(core.objects(skill, AIW.skillType))) == 1, skill
        assert len(set(core.objects(skill, AIW.reuseLevel))) == 1, skill
    assert core.value(s("curiosity"), AIW.skillType) == AIW.Attitude
    assert core.value(s("communication"), AIW.reuseLevel) == AIW.Transversal
    assert core.value(s("advanced-mathematics"), AIW.skillType) == AIW.Knowledge
    narrower = [x for x in skills if core.value(x, SKOS.broader) in skills]
    assert len(narrower) > 30
    assert (s("data-validation"), SKOS.broader, s("data-pipelines")) in core


def test_near_synonym_roles_have_scope_notes(core):
    for slug in ("ai-engineer", "ml-engineer", "software-engineer", "site-reliability-engineer",
                 "data-center-reliability-engineer"):
        assert core.value(r(slug), SKOS.scopeNote) is not None, slug


# -- the article's wording is findable -------------------------------------------------------------------------------

WORDS_UK = {"optimization": "optimisation", "utilization": "utilisation", "virtualization": "virtualisation",
            "modeling": "modelling", "prioritization": "prioritisation", "visualization": "visualisation",
            "standardization": "standardisation", "containerization": "containerisation"}


def find(core, text: str) -> set:
    key = " ".join(words(text))
    return {n for p in (SKOS.prefLabel, SKOS.altLabel, SKOS.hiddenLabel) for n, label in core.subject_objects(p)
            if " ".join(words(str(label))) == key and str(n).startswith(BASE)}


# The article's concepts, read from the whole article, and the node each must find by its wording.
CHECKLIST = [
    ("researcher", r("ai-research-scientist")), ("machine learning engineer", r("ml-engineer")),
    ("software engineer", r("software-engineer")), ("data engineer", r("data-engineer")),
    ("data scientist", r("data-scientist")), ("infrastructure engineer", r("infrastructure-engineer")),
    ("cloud architect", r("cloud-architect")), ("platform engineer", r("platform-engineer")),
    ("product manager", r("product-manager")), ("governance professional", r("ai-governance-specialist")),
    ("solutions architect", r("solutions-architect")), ("technical consultant", r("ai-consultant")),
    ("site reliability engineer", r("site-reliability-engineer")), ("DevOps team", r("devops-engineer")),
    ("facilities engineer", r("critical-facilities-engineer")), ("network engineer", r("network-engineer")),
    ("cybersecurity analyst", r("cybersecurity-analyst")),
    ("reliability engineering", r("data-center-reliability-engineer")),
    ("sustainability initiatives", r("sustainability-manager")),
    ("advanced mathematics", s("advanced-mathematics")), ("computer science", s("computer-science")),
    ("distributed systems", s("distributed-systems")), ("experimental methodology", s("experimental-methodology")),
    ("optimization techniques", s("optimisation-methods")), ("reasoning methods", s("reasoning-methods")),
    ("multimodal capabilities", s("multimodal-modelling")), ("training approaches", s("training-methodology")),
    ("training pipelines", s("training-pipelines")), ("deployment strategies", s("model-deployment")),
    ("inference infrastructure", s("inference-infrastructure")), ("vector databases", s("vector-databases")),
    ("AI-native development practices", s("ai-native-development")),
    ("retrieval-augmented generation", s("retrieval-augmented-generation")),
    ("real-time analytics", s("real-time-analytics")), ("continuous learning systems", s("continuous-learning-systems")),
    ("batch processing", s("batch-processing")), ("virtualization platforms", s("virtualisation")),
    ("virtualization", s("virtualisation")), ("networking fabrics", s("networking-fabrics")),
    ("storage systems", s("storage-systems")), ("orchestration frameworks", s("container-orchestration")),
    ("container platforms", s("containerisation")), ("cloud architectures", s("cloud-architecture-design")),
    ("GPU clusters", s("gpu-cluster-management")), ("mechanical engineering", s("mechanical-engineering")),
    ("electrical engineering", s("electrical-engineering")), ("HVAC systems", s("hvac-systems")),
    ("operations management", s("facilities-operations")), ("capacity planning", s("capacity-planning")),
    ("energy optimization", s("energy-optimisation")), ("infrastructure as code", s("infrastructure-as-code")),
    ("policy automation", s("policy-automation")), ("observability", s("observability")),
    ("resilience engineering", s("resilience-engineering")), ("AI security", s("ai-security")),
    ("model governance", s("model-risk-management")), ("identity and access management", s("identity-access-management")),
    ("secure software development", s("secure-software-development")), ("threat intelligence", s("threat-intelligence")),
    ("privacy engineering", s("privacy-engineering")), ("technical literacy", s("technical-literacy")),
    ("prioritization", s("prioritisation")), ("strategic thinking", s("strategic-thinking")),
    ("rollback mechanisms", s("rollback-mechanisms")), ("continuous improvement", s("continuous-improvement")),
    ("deployment pipelines", s("deployment-pipelines")), ("infrastructure expertise", s("infrastructure-expertise")),
    ("product strategy", s("product-strategy")), ("sustainability analytics", s("sustainability-analytics")),
    ("systems thinking", s("systems-thinking")), ("problem decomposition", s("problem-decomposition")),
    ("statistical reasoning", s("statistical-reasoning")), ("communication", s("communication")),
    ("collaboration", s("collaboration")), ("automation", s("automation")), ("curiosity", s("curiosity")),
    ("adaptability", s("adaptability")), ("documentation", s("documentation")),
    ("continuous learning", s("continuous-learning")), ("statistical modeling", s("statistical-modelling")),
    ("business analytics", s("business-analytics")), ("prompt injection", c("prompt-injection")),
    ("adversarial manipulation", c("adversarial-manipulation")), ("GPU utilization", c("gpu-utilisation")),
    ("inference latency", c("inference-latency")), ("distributed training failures", c("distributed-training-failures")),
    ("storage throughput", c("storage-throughput")), ("networking bottlenecks", c("networking-bottlenecks")),
    ("redundant networking", c("redundant-networking")), ("environmental monitoring", c("environmental-monitoring")),
    ("continuous uptime", c("continuous-uptime")), ("data quality", c("data-quality")),
    ("transparency", c("transparency")), ("accountability", c("accountability")), ("fairness", c("fairness")),
    ("privacy", c("privacy")), ("regulatory compliance", c("regulatory-compliance")),
    ("human oversight", c("human-oversight")), ("physical security", c("physical-site-security")),
    ("hallucinate unsafe outputs", c("unsafe-hallucinated-output")), ("phishing campaigns", c("ai-generated-phishing")),
    ("research layer", l("research")), ("engineering layer", l("engineering")), ("data centers", l("data-center")),
    ("healthcare", URIRef(f"{BASE}sector/healthcare")), ("public services", URIRef(f"{BASE}sector/public-services")),
]


@pytest.mark.parametrize(("phrase", "node"), CHECKLIST, ids=[p for p, _ in CHECKLIST])
def test_the_articles_wording_finds_the_right_node(core, phrase, node, article_runs):
    assert in_article(phrase, article_runs) or in_article(phrase + "s", article_runs), f"{phrase!r} is not the article's wording"
    assert find(core, phrase) == {node}


def test_preferred_labels_follow_one_spelling_convention(core):
    us = [(n, str(label)) for n, label in core.subject_objects(SKOS.prefLabel)
          if str(n).startswith(BASE) and any(w in WORDS_UK for w in words(str(label)))]
    assert not us, us
    assert find(core, "Energy Optimization Engineer") == {r("energy-optimization-engineer")}
