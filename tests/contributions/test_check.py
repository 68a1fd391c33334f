"""Checking contributions against the core graph (aiworkforce.contributions.check.check_contributions).

Every bad example in examples/contributions/ (``*.bad.yaml``, ``*.bad.ttl``) breaks one rule and says so on its
first line: ``# expect: <rule> <property CURIE or -> <line>``; a second line ``# also: ...`` names a finding the
same mistake necessarily triggers as well. The rule is the Finding's ``rule``: the CURIE of a SHACL shape, or the
name of a check of contributions/check.py (reference, duplicate-iri, duplicate-label, near-duplicate-label, untyped,
namespace). Exactly the promised findings must appear, on the promised property and line, with the shape's own
sh:message (or the check's exact wording).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import SH

from conftest import ROOT

from aiworkforce.cli import main
from aiworkforce.contributions.check import check_contributions
from aiworkforce.present.contributions import render_json, render_md, render_text
from aiworkforce.rdf.resources import data_dir
from aiworkforce.validation.report import Severity

EXAMPLES = ROOT / "examples" / "contributions"
BAD = sorted(EXAMPLES.glob("*.bad.*"))
GOOD = sorted(p for p in EXAMPLES.iterdir() if p.is_file() and ".bad." not in p.name)
AIWS = "https://w3id.org/aiworkforce/shapes#"
NOWHERE = "it is neither in the knowledge base nor defined in this batch"

# The exact wording of the checks of contributions/check.py, for the bad examples they catch: (message, fix).
CHECK_WORDING = {
    "unknown-layer.bad.yaml": (
        f"unknown layer layer:engineerin: {NOWHERE}",
        "did you mean: Engineering (layer:engineering); Cloud and Platform Engineering (layer:cloud-platform); "
        "data engineering (layer:data)?"),
    "unknown-skill.bad.yaml": (
        f"unknown skill skill:llm-benchmarking: {NOWHERE}",
        "use a skill of the knowledge base (`aiworkforce search ...`), or define it in the same batch"),
    "unknown-concern.bad.ttl": (
        f"unknown concern concern:hallucination: {NOWHERE}",
        "did you mean: Unsafe hallucinated output (concern:unsafe-hallucinated-output)?"),
    "unknown-source.bad.yaml": (
        f"unknown article section src:engineering: {NOWHERE}",
        "use a section of ontology/sources.ttl, e.g. src:engineering-layer"),
    "existing-role.bad.yaml": (
        "role:data-engineer already exists in the knowledge base",
        "choose a new slug, or edit the existing definition in ontology/ instead"),
    "existing-label.bad.yaml": (
        'the title "Data Scientist" is already used by role:data-scientist (Data Scientist)',
        "if it is the same role, extend the existing one; otherwise choose a distinct title"),
    "near-duplicate-label.bad.yaml": (
        'the title "Data Engineers" is nearly the same as that of role:data-engineer (Data Engineer)',
        "make sure this is a different role; if not, extend the existing one"),
    "untyped.bad.ttl": (
        "role:llm-evaluation-engineer does not say what it is",
        "add `a aiw:Role` (or aiw:Skill, aiw:Concern, ...)"),
    "bnode-note.bad.ttl": (
        "a blank node ([ ... ]) is used as a value: contributions use IRIs only",
        "give the value an IRI (e.g. skill:new-skill) and define it as its own term"),
    "namespace.bad.ttl": (
        "https://example.org/jobs/prompt-whisperer is outside the project namespace https://w3id.org/aiworkforce/: "
        "a contribution may only define project terms and describe the ISCO, ESCO or O*NET occupations it aligns to",
        "name it https://w3id.org/aiworkforce/role/<slug> (or skill/, concern/)"),
}
CHECK_SEVERITY = {"near-duplicate-label": Severity.WARNING}


@dataclass(frozen=True)
class Expect:
    rule: str
    property: str | None
    line: int


def read_expectations(path: Path) -> list[Expect]:
    out = []
    for text in path.read_text(encoding="utf-8").splitlines()[:3]:
        match = re.match(r"^# (expect|also): (\S+) (\S+) (\d+)$", text)
        if match:
            _, rule, prop, line = match.groups()
            out.append(Expect(rule, None if prop == "-" else prop, int(line)))
    return out


pytestmark = pytest.mark.usefixtures("shared_core")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    from aiworkforce.rdf.load import load_shapes

    return load_shapes()


@pytest.fixture(scope="module")
def check(core, shapes):
    """check_contributions with the session's core graph, memoised per tuple of files."""
    done = {}

    def _check(*paths):
        key = tuple(str(p) for p in paths)
        if key not in done:
            done[key] = check_contributions(list(paths), core=core, shapes=shapes)
        return done[key]

    return _check


def shape_message(shapes: Graph, curie: str) -> str:
    shape = URIRef(AIWS + curie.split(":", 1)[1])
    message = shapes.value(shape, SH.message)
    if message is None:  # a SPARQL-based constraint carries its message on the sh:sparql node
        message = shapes.value(shapes.value(shape, SH.sparql), SH.message)
    assert message is not None, f"{curie} has no sh:message"
    return str(message)


def shape_severity(shapes: Graph, curie: str) -> Severity:
    return Severity.from_iri(shapes.value(URIRef(AIWS + curie.split(":", 1)[1]), SH.severity))


def matches_template(message: str, template: str) -> bool:
    """A SPARQL constraint's message with {$this}, {?value}, ... substituted."""
    pattern = "".join(".+?" if re.fullmatch(r"\{[$?]\w+\}", part) else re.escape(part)
                      for part in re.split(r"(\{[$?]\w+\})", template))
    return re.fullmatch(pattern, message) is not None


# -- the examples -------------------------------------------------------------------------------------------------


def test_there_are_enough_bad_examples_in_both_formats():
    assert len(BAD) >= 12
    assert {p.suffix for p in BAD} == {".yaml", ".ttl"}
    for path in BAD:
        assert read_expectations(path), f"{path.name} has no `# expect:` first line"
        assert path.read_text(encoding="utf-8").startswith("# expect: ")


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.name)
def test_bad_example_breaks_exactly_its_rule(path, check, shapes):
    expected = read_expectations(path)
    report = check(path)
    found = [Expect(f.rule, f.property, f.line) for f in report.findings]
    assert sorted(found, key=repr) == sorted(expected, key=repr), "\n" + render_text(report)
    main_expect = expected[0]
    finding = next(f for f in report.findings if f.rule == main_expect.rule)
    assert finding.file == path.as_posix()
    if main_expect.rule.startswith("aiws:"):
        template = shape_message(shapes, main_expect.rule)
        if finding.key:  # a YAML file: the message names the key the author wrote instead of the predicate
            assert path.suffix == ".yaml" and finding.fix
            template = template.replace(finding.property, f"`{finding.key}:`")
        assert finding.message == template or matches_template(finding.message, template), finding.message
        assert finding.severity is shape_severity(shapes, main_expect.rule)
    else:
        message, fix = CHECK_WORDING[path.name]
        assert finding.message == message
        assert finding.fix == fix
        assert finding.severity is CHECK_SEVERITY.get(finding.rule, Severity.VIOLATION)
    assert report.conforms is (finding.severity is not Severity.VIOLATION)


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.name)
def test_good_example_conforms_without_any_finding(path, check):
    report = check(path)
    assert report.conforms and report.passes(strict=True), render_text(report)
    assert report.findings == ()
    assert report.files == (path.as_posix(),)


def test_good_examples_conform_together(check):
    batch = [p for p in GOOD if p.name != "prompt-engineer.ttl"]  # the twin would define the same terms again
    report = check(*batch)
    assert report.findings == (), render_text(report)
    assert report.terms == ("concern:model-jailbreaking", "role:ai-red-teamer", "role:mlops-engineer",
                            "role:prompt-engineer", "role:responsible-ai-engineer", "skill:adversarial-prompting",
                            "skill:prompt-design")


def test_the_cli_exit_codes_follow_the_report(capsys):
    assert main(["validate", str(EXAMPLES / "mlops-engineer.yaml")]) == 0
    assert main(["validate", str(EXAMPLES / "missing-layer.bad.yaml")]) == 1
    warning_only = str(EXAMPLES / "near-duplicate-label.bad.yaml")
    assert main(["validate", warning_only]) == 0
    assert main(["validate", "--strict", warning_only]) == 1
    out = capsys.readouterr().out
    assert "1 file, 1 term: 0 violations, 1 warning - conforms" in out


def test_validate_a_folder(tmp_path, capsys):
    for path in GOOD:
        if path.name != "prompt-engineer.ttl":
            (tmp_path / path.name).write_bytes(path.read_bytes())
    (tmp_path / "notes.md").write_text("not a contribution\n")
    assert main(["validate", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.rstrip().endswith("4 files, 7 terms: 0 violations, 0 warnings - conforms")


# -- suggestions ----------------------------------------------------------------------------------------------------


TYPOS = """\
roles:
  - slug: typo-engineer
    label: Typo Engineer
    alt_labels: [Misspelling engineer]
    definition: A role written with a misspelt reference in every list, to check the suggestions of the report.
    layers: [engineerin]
    essential_skills: [observabilty, prompt-design-x, sql]
    optional_skills: [documentation]
    specialises: [data-enginer]
    concerns: [prompt-injektion]
    alignments: [{match: broad, target: "isco:C2512"}]
    source: engineering-layer
"""


def test_typos_get_did_you_mean_suggestions(tmp_path, check):
    path = tmp_path / "typos.yaml"
    path.write_text(TYPOS, encoding="utf-8")
    report = check(path)
    fixes = {(f.line, f.value): f.fix for f in report.findings if f.rule == "reference"}
    # the same suggestions as `query -p` gives (aiworkforce.query.resolve)
    assert fixes[(6, "layer:engineerin")].startswith("did you mean: Engineering (layer:engineering)")
    assert fixes[(7, "skill:observabilty")].startswith("did you mean: Observability (skill:observability)")
    assert fixes[(9, "role:data-enginer")].startswith("did you mean: Data Engineer (role:data-engineer)")
    assert fixes[(10, "concern:prompt-injektion")].startswith("did you mean: Prompt injection (concern:prompt-injection)")
    assert all(fix.endswith("?") for fix in fixes.values())
    assert len(report.findings) == 5  # the four above and skill:prompt-design-x, nothing else
    assert all(f.rule == "reference" for f in report.findings)


def test_a_bare_slug_in_expected_to_understand_resolves_or_gets_a_suggestion(tmp_path, check):
    # expected_to_understand may name a layer, skill or concern, so a bare slug has no namespace to go to: it is
    # resolved among all project terms, as `query -p` resolves it (skill:ai-regulation is the only match), and a
    # misspelt one still points at the term the contributor meant.
    path = tmp_path / "bare.yaml"
    path.write_text(TYPOS.replace("layers: [engineerin]", "layers: [engineering]")
                    .replace("[observabilty, prompt-design-x, sql]", "[observability, output-evaluation, sql]")
                    .replace("[data-enginer]", "[data-engineer]").replace("[prompt-injektion]", "[prompt-injection]")
                    .replace("    source:", "    expected_to_understand: [ai-regulation, ai-regulaton]\n    source:"),
                    encoding="utf-8")
    report = check(path)
    (finding,) = [f for f in report.findings if f.severity is Severity.VIOLATION]
    assert finding.property == "aiw:expectedToUnderstand" and finding.line == 12
    assert finding.fix is not None and "skill:ai-regulation" in finding.fix, finding
    role = URIRef("https://w3id.org/aiworkforce/role/typo-engineer")
    understands = URIRef("https://w3id.org/aiworkforce/ontology#expectedToUnderstand")
    assert URIRef("https://w3id.org/aiworkforce/skill/ai-regulation") in set(report.contributed.objects(role, understands))


# -- batches --------------------------------------------------------------------------------------------------------


SKILL_FILE = """\
skills:
  - slug: red-team-reporting
    label: Red team reporting
    kind: technical
    definition: Writing up the attacks that worked against an AI system so that the builders can reproduce and fix them.
    mitigates: [prompt-injection]
    source: cybersecurity
"""
ROLE_FILE = """\
roles:
  - slug: ai-attack-simulation-lead
    label: AI Attack Simulation Lead
    alt_labels: [AI adversary emulation lead]
    definition: Plans and leads simulated attacks on AI products, from jailbreak campaigns to data-extraction attempts.
    layers: [security]
    essential_skills: [red-team-reporting, penetration-testing, ai-threat-modelling]
    optional_skills: [threat-intelligence]
    concerns: [prompt-injection]
    alignments: [{match: broad, target: "isco:C2529"}]
    source: cybersecurity
"""


def test_a_skill_defined_in_one_file_can_be_used_by_another(tmp_path, check):
    skills, role = tmp_path / "a-skill.yaml", tmp_path / "b-role.yaml"
    skills.write_text(SKILL_FILE, encoding="utf-8")
    role.write_text(ROLE_FILE, encoding="utf-8")
    for batch in ((skills, role), (role, skills), (tmp_path,)):
        report = check(*batch)
        assert report.findings == (), render_text(report)
        assert report.terms == ("role:ai-attack-simulation-lead", "skill:red-team-reporting")
    alone = check(role)
    assert [(f.rule, f.property, f.line, f.value) for f in alone.findings] == [
        ("reference", "aiw:requiresEssentialSkill", 7, "skill:red-team-reporting")]


def test_the_same_term_in_two_files_is_a_duplicate_iri_of_the_second(check):
    first, second = EXAMPLES / "prompt-engineer.yaml", EXAMPLES / "prompt-engineer.ttl"
    report = check(first, second)
    assert not report.conforms
    got = [(f.rule, f.file, f.line, f.term, f.message) for f in report.findings]
    assert got == [
        ("duplicate-iri", second.as_posix(), 14, "role:prompt-engineer",
         f"role:prompt-engineer is already defined in {first.as_posix()}"),
        ("duplicate-iri", second.as_posix(), 30, "skill:prompt-design",
         f"skill:prompt-design is already defined in {first.as_posix()}"),
    ], "\n" + render_text(report)


def test_two_new_terms_with_one_title_in_a_batch(tmp_path, check):
    one, two = tmp_path / "one.yaml", tmp_path / "two.yaml"
    one.write_text(SKILL_FILE, encoding="utf-8")
    two.write_text(SKILL_FILE.replace("slug: red-team-reporting", "slug: attack-write-ups"), encoding="utf-8")
    report = check(one, two)
    duplicates = [f for f in report.findings if f.rule == "duplicate-label"]
    assert [(f.file, f.line, f.term, f.message) for f in duplicates] == [
        (two.as_posix(), 3, "skill:attack-write-ups",
         'the title "Red team reporting" is also given to skill:red-team-reporting in this batch')]


# -- never writes, never mutates ------------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_checking_never_mutates_the_core_graph_and_writes_nothing(core, shapes, tmp_path, monkeypatch):
    mine = Graph()
    mine += core
    reference_copy = Graph()
    reference_copy += core
    before_len = len(mine)
    ontology = snapshot(data_dir("ontology"))
    shape_files = snapshot(data_dir("shapes"))
    examples = snapshot(EXAMPLES)
    monkeypatch.chdir(tmp_path)
    report = check_contributions(
        [EXAMPLES / "ai-red-teamer.ttl", EXAMPLES / "existing-role.bad.yaml", EXAMPLES / "self-overlap.bad.yaml"],
        core=mine, shapes=shapes)
    assert not report.conforms
    assert len(mine) == before_len
    assert isomorphic(mine, reference_copy)
    assert (URIRef("https://w3id.org/aiworkforce/role/ai-red-teamer"), None, None) not in mine
    assert snapshot(data_dir("ontology")) == ontology
    assert snapshot(data_dir("shapes")) == shape_files
    assert snapshot(EXAMPLES) == examples
    assert list(tmp_path.iterdir()) == []


# -- blank nodes ----------------------------------------------------------------------------------------------------


BNODE_ID = re.compile(r"\b(_:)?N?[0-9a-f]{32}\b|\bub\d+bL\d+C\d+\b|_:")


def test_a_blank_node_is_shown_by_its_path(check):
    report = check(EXAMPLES / "bnode-note.bad.ttl")
    (finding,) = [f for f in report.findings if f.rule == "aiws:Concept-notes"]
    assert {f.rule for f in report.findings} == {"aiws:Concept-notes", "blank-node"}
    assert finding.term == "role:llm-evaluation-engineer"
    assert finding.value == "role:llm-evaluation-engineer / skos:scopeNote"
    for text in (render_text(report), render_json(report), render_md(report)):
        assert "[ ]" not in text and "[]" not in text
        assert not BNODE_ID.search(text), BNODE_ID.search(text)


TTL_HEAD = """\
@prefix aiw:     <https://w3id.org/aiworkforce/ontology#> .
@prefix role:    <https://w3id.org/aiworkforce/role/> .
@prefix skill:   <https://w3id.org/aiworkforce/skill/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
"""


def test_a_blank_node_skill_is_reported_by_its_path(tmp_path, check):
    # A skill written inline as a blank node has no IRI, no scheme, no definition: it cannot conform, and the
    # report must name it by where it sits.
    text = (EXAMPLES / "prompt-engineer.ttl").read_text(encoding="utf-8")
    inline = '[ a aiw:TechnicalSkill ; skos:prefLabel "Inline skill"@en ]'
    path = tmp_path / "inline.ttl"
    path.write_text(text.replace("skill:vector-databases , skill:documentation", f"skill:vector-databases , {inline}"),
                    encoding="utf-8")
    report = check(path)
    assert not report.conforms, render_text(report)
    shown = render_text(report) + render_json(report)
    assert "role:prompt-engineer aiw:requiresOptionalSkill" in shown and "blank-node" in shown
    assert not BNODE_ID.search(shown) and "[ ]" not in shown


def test_a_blank_node_role_does_not_conform(tmp_path, check):
    path = tmp_path / "ghost.ttl"
    path.write_text(TTL_HEAD + '\n[] a aiw:Role ;\n    skos:prefLabel "Ghost Role"@en .\n', encoding="utf-8")
    report = check(path)
    assert not report.conforms, render_text(report)
    assert not BNODE_ID.search(render_text(report))


def test_statements_about_foreign_iris_do_not_conform(tmp_path, check):
    # Nothing here is typed, so no shape applies; but `add` would merge these triples into the knowledge base.
    path = tmp_path / "foreign.ttl"
    path.write_text("<https://example.org/a> <https://example.org/b> \"c\" .\n", encoding="utf-8")
    report = check(path)
    assert not report.conforms, render_text(report)
    assert [f.rule for f in report.findings] == ["namespace"]
    assert report.findings[0].term == "https://example.org/a"


def test_a_role_aligned_only_outside_isco_gets_the_isco_warning(tmp_path, check, shapes):
    # aiws:Role-isco (a qualified value shape) warns when no alignment reaches an ISCO-08 unit group. The shipped
    # graph is held to it; a contribution must be too, even when it has some other alignment.
    text = (EXAMPLES / "mlops-engineer.yaml").read_text(encoding="utf-8")
    path = tmp_path / "onet-only.yaml"
    path.write_text(text.replace("        target: isco:C2512\n      - match: related\n", ""), encoding="utf-8")
    assert "isco:" not in path.read_text(encoding="utf-8")
    report = check(path)
    assert [(f.rule, f.severity, f.line, f.message) for f in report.findings] == [
        ("aiws:Role-isco", Severity.WARNING, 4, shape_message(shapes, "aiws:Role-isco"))], render_text(report)


@pytest.mark.parametrize("iri", ["mailto:someone@example.org", "tag:example.org,2024:prompt-whisperer",
                                 "ftp://example.org/roles/prompt-whisperer"])
def test_a_typed_term_with_an_unusual_iri_scheme_is_reported_not_a_crash(iri, tmp_path, capsys):
    path = tmp_path / "scheme.ttl"
    path.write_text(f"<{iri}> a <https://w3id.org/aiworkforce/ontology#Role> .\n", encoding="utf-8")
    code = main(["validate", "--format", "json", str(path)])
    captured = capsys.readouterr()
    assert code == 1, captured.err
    assert "internal error" not in captured.err
    assert any(f["rule"] == "namespace" and f["term"] == iri for f in json.loads(captured.out)["findings"])
