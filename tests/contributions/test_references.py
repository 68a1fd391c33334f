"""YAML references are read the way `query -p` reads parameters (aiworkforce.query.resolve, the one resolver):
a title, an alternative title, a slug (any case), a CURIE or an IRI; an unknown one gets the same "did you mean",
and one that fits several terms is an error naming them."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from aiworkforce.contributions.check import check_contributions
from aiworkforce.errors import UnknownTermError
from aiworkforce.query.engines import RdflibEngine
from aiworkforce.query.resolve import resolve
from aiworkforce.validation.report import Severity

BASE = "https://w3id.org/aiworkforce/"
ROLE = """\
roles:
  - slug: ai-attack-simulation-lead
    label: AI Attack Simulation Lead
    alt_labels: [AI adversary emulation lead]
    definition: Plans and leads simulated attacks on AI products, from jailbreak campaigns to data-extraction attempts.
    layers: [Security]
    essential_skills: [Penetration testing, adversarial-robustness, "Adversarial robustness testing", AI-Threat-Modelling]
    optional_skills: [{optional}]
    concerns: [prompt injection]
    alignments: [{{match: broad, target: "isco:C2529"}}]
    source: cybersecurity
"""
TWIN = """\
skills:
  - slug: offensive-testing
    label: Offensive testing
    alt_labels: [Penetration testing]
    kind: technical
    definition: Attacking a system on purpose, with its owners' consent, to find the weaknesses before others do.
    source: cybersecurity
"""


@pytest.fixture(scope="module")
def reports(core, tmp_path_factory):
    folder = tmp_path_factory.mktemp("refs")
    (folder / "role.yaml").write_text(ROLE.format(optional="Penetration testin"), encoding="utf-8")
    alone = check_contributions([folder / "role.yaml"], core=core)
    twin = tmp_path_factory.mktemp("twin")
    (twin / "role.yaml").write_text(ROLE.format(optional="threat-intelligence"), encoding="utf-8")
    (twin / "twin.yaml").write_text(TWIN, encoding="utf-8")
    return alone, check_contributions([twin], core=core)


def test_titles_slugs_and_any_case_resolve_like_query_parameters(reports, core):
    report, _ = reports
    role = URIRef(f"{BASE}role/ai-attack-simulation-lead")
    skills = {str(o).rsplit("/", 1)[-1] for o in report.contributed.objects(role, URIRef(
        "https://w3id.org/aiworkforce/ontology#requiresEssentialSkill"))}
    assert skills == {"penetration-testing", "adversarial-robustness", "ai-threat-modelling"}
    assert (role, URIRef("https://w3id.org/aiworkforce/ontology#inLayer"), URIRef(f"{BASE}layer/security")) \
        in report.contributed
    assert (role, URIRef("https://w3id.org/aiworkforce/ontology#addressesConcern"),
            URIRef(f"{BASE}concern/prompt-injection")) in report.contributed
    # the only finding is the misspelt optional skill, named as written, with the suggestion `-p` gives
    (finding,) = [f for f in report.findings if f.severity is Severity.VIOLATION]
    assert (finding.line, finding.key, finding.rule) == (8, "optional_skills", "reference")
    assert finding.message.startswith("unknown skill 'Penetration testin': ")
    with pytest.raises(UnknownTermError) as exc:  # what the resolver of query parameters says
        resolve("Penetration testin", engine=RdflibEngine.over(core), within=f"{BASE}skill/", what="skill")
    assert finding.fix == exc.value.hint
    assert finding.fix.startswith("did you mean: Penetration testing (skill:penetration-testing)")


def test_a_title_that_fits_two_skills_is_an_error_naming_both(reports):
    _, report = reports
    (finding,) = [f for f in report.findings if f.rule == "reference"]
    assert finding.file.endswith("role.yaml") and finding.line == 7 and finding.key == "essential_skills"
    assert "'Penetration testing' names several skills" in finding.message
    assert "skill:penetration-testing" in finding.message and "skill:offensive-testing" in finding.message
    assert finding.fix == "use the CURIE or IRI of one"
