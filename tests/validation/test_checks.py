"""Quality checks (checks/*.rq): each is documented, returns no row on the shipped graph, and can fail.

A check that cannot return rows is worthless, so every check also runs over the shipped graph plus a small
snippet that breaks its rule, and must then report the offending term.
"""

from __future__ import annotations

import re

import pytest
from rdflib import Graph

from conftest import ROOT

from aiworkforce.validation.checks import header, load_checks, run_check

CHECKS_DIR = ROOT / "checks"
CHECK_FILES = sorted(CHECKS_DIR.glob("*.rq"))

PREFIXES = """
@prefix aiw:     <https://w3id.org/aiworkforce/ontology#> .
@prefix role:    <https://w3id.org/aiworkforce/role/> .
@prefix skill:   <https://w3id.org/aiworkforce/skill/> .
@prefix concern: <https://w3id.org/aiworkforce/concern/> .
@prefix layer:   <https://w3id.org/aiworkforce/layer/> .
@prefix esco:    <http://data.europa.eu/esco/occupation/> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
"""

#: check name -> (a snippet that breaks the rule, the term the check must then report, as the CLI prints it).
BREAKERS = {
    "specialises-and-overlaps": (
        "role:threat-intelligence-analyst aiw:overlapsWith role:cybersecurity-analyst .",
        "role:threat-intelligence-analyst",
    ),
    "stack-order-against-builds-on": (
        "layer:data-center aiw:buildsOn layer:research .",
        "layer:data-center",
    ),
    "stated-link-without-quote": (
        "<https://w3id.org/aiworkforce/evidence/fixture> a <http://www.w3.org/1999/02/22-rdf-syntax-ns#Statement> ; "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#subject> role:data-engineer ; "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> aiw:requiresOptionalSkill ; "
        "<http://www.w3.org/1999/02/22-rdf-syntax-ns#object> skill:batch-processing ; aiw:basis aiw:Stated .",
        "role:data-engineer",
    ),
    "concern-not-addressed": (
        'concern:fixture-ignored a aiw:FacilityDemand ; skos:prefLabel "Fixture ignored demand"@en .',
        "concern:fixture-ignored",
    ),
    "duplicate-labels": (
        'role:fixture-copy a aiw:Role ; skos:prefLabel "data  ENGINEER"@en .',
        "role:data-engineer",
    ),
    "label-whitespace": (
        'esco:00000000-0000-4000-8000-000000000000 skos:prefLabel "technical director "@en .',
        "esco:00000000-0000-4000-8000-000000000000",
    ),
    "malformed-iri": (
        "<https://w3id.org/aiworkforce/role/Data_Engineer> a aiw:Role .",
        "role:Data_Engineer",
    ),
    "missing-label-or-definition": (
        'aiw:FixtureClass a owl:Class ; rdfs:label "fixture class"@en .',
        "aiw:FixtureClass",
    ),
    "orphan-layer": (
        'layer:fixture-empty a aiw:Layer ; skos:prefLabel "Fixture empty layer"@en .',
        "layer:fixture-empty",
    ),
    "role-without-layer": (
        'role:fixture-floating a aiw:HybridRole ; skos:prefLabel "Fixture Floating Role"@en .',
        "role:fixture-floating",
    ),
    "role-without-skills": (
        'role:fixture-unskilled a aiw:Role ; aiw:inLayer layer:data ; aiw:requiresEssentialSkill concern:privacy .',
        "role:fixture-unskilled",
    ),
    "skill-essential-and-optional": (
        "role:data-engineer aiw:requiresOptionalSkill skill:data-validation .",
        "role:data-engineer",
    ),
    "undeclared-iri": (
        "role:data-engineer aiw:collaboratesWith role:data-scientst .",
        "role:data-scientst",
    ),
    "unused-skill": (
        'skill:fixture-unused a aiw:TechnicalSkill ; skos:prefLabel "Fixture unused skill"@en .',
        "skill:fixture-unused",
    ),
}

REQUIRED = {
    "missing-label-or-definition",
    "duplicate-labels",
    "undeclared-iri",
    "role-without-layer",
    "role-without-skills",
    "unused-skill",
    "label-whitespace",
    "concern-not-addressed",
    "skill-essential-and-optional",
    "orphan-layer",
}


@pytest.fixture(scope="module")
def checks() -> dict:
    return {check.name: check for check in load_checks()}


def show(result) -> str:
    lines = ["  " + " | ".join(result.variables)]
    lines += ["  " + " | ".join(row) for row in result.rows]
    return "\n".join(lines)


def test_the_required_checks_exist():
    missing = REQUIRED - {path.stem for path in CHECK_FILES}
    assert not missing, f"missing checks: {sorted(missing)}"


def test_every_check_has_a_breaking_snippet():
    assert {path.stem for path in CHECK_FILES} == set(BREAKERS), "add a snippet to BREAKERS for every check"


@pytest.mark.parametrize("path", CHECK_FILES, ids=lambda p: p.stem)
def test_check_is_documented(path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#+ summary:"), f"{path.name}: the first line must be '#+ summary: ...'"
    meta = header(text)
    assert len(meta.get("summary", "")) >= 20, f"{path.name}: '#+ summary:' is missing or too short"
    assert len(meta.get("description", "")) >= 60, (
        f"{path.name}: '#+ description:' must say what the rule means and how to fix a hit"
    )
    query = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    select = re.search(r"\bSELECT\s+(DISTINCT\s+)?(\?\w+)", query)
    assert select and select[2] == "?term", f"{path.name}: must be a SELECT whose first column is ?term"


@pytest.mark.parametrize("path", CHECK_FILES, ids=lambda p: p.stem)
def test_check_passes_on_the_shipped_graph(path, checks, core):
    result = run_check(checks[path.stem], core)
    assert not result.rows, (
        f"{path.name}: {checks[path.stem].summary}\n{len(result.rows)} offending row(s):\n{show(result)}\n"
        f"How to fix: {checks[path.stem].description}"
    )


@pytest.mark.parametrize("path", CHECK_FILES, ids=lambda p: p.stem)
def test_check_can_fail(path, checks, core):
    snippet, term = BREAKERS[path.stem]
    graph = Graph()
    graph += core
    graph.parse(data=PREFIXES + snippet, format="turtle")
    for prefix, namespace in core.namespaces():
        graph.bind(prefix, namespace, override=True, replace=True)
    result = run_check(checks[path.stem], graph)
    assert any(term in row for row in result.rows), (
        f"{path.name} did not report {term} on a graph that breaks its rule; rows:\n{show(result)}"
    )
