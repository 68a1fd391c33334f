"""Renderings of a contribution report (aiworkforce.present.contributions): text for people, JSON for bots (a documented, stable
schema), Markdown for pull requests, and a SHACL validation report in Turtle."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from conftest import ROOT

from aiworkforce.cli import main
from aiworkforce.contributions.check import ContributionReport, Finding, check_contributions
from aiworkforce.present.contributions import REPORT_FORMATS, render, render_json, render_md, render_text, render_ttl
from aiworkforce.validation.report import Severity

EXAMPLES = ROOT / "examples" / "contributions"

V, W, I = Severity.VIOLATION, Severity.WARNING, Severity.INFO

SYNTHETIC = ContributionReport(
    files=("roles/a.yaml", "roles/b.ttl", "roles/c.yaml"),
    findings=(
        Finding(V, "roles/a.yaml", 10, "role:a", "aiw:requiresEssentialSkill", "unknown skill skill:x: it is gone",
                fix="did you mean skill:y (Y)?", rule="reference", value="skill:x"),
        Finding(W, "roles/a.yaml", None, "role:a", None, "The role has | a pipe", rule="aiws:Role-isco"),
        Finding(I, "roles/b.ttl", 3, "skill:b", "skos:definition", "just so you know", rule="aiws:Info"),
    ),
    terms=("role:a", "skill:b"),
)


pytestmark = pytest.mark.usefixtures("shared_core")


@pytest.fixture(scope="module")
def real(core) -> ContributionReport:
    """A real report: one file with a violation and a warning, one clean file."""
    return check_contributions([EXAMPLES / "missing-layer.bad.yaml", EXAMPLES / "near-duplicate-label.bad.yaml",
                                EXAMPLES / "mlops-engineer.yaml"], core=core)


# -- text -----------------------------------------------------------------------------------------------------------


def test_text_is_grouped_by_file_with_file_and_line():
    assert render_text(SYNTHETIC) == (
        "roles/a.yaml  (2 problems)\n"
        "  roles/a.yaml:10: violation: role:a aiw:requiresEssentialSkill\n"
        "    unknown skill skill:x: it is gone\n"
        "    fix: did you mean skill:y (Y)?\n"
        "  roles/a.yaml: warning: role:a\n"
        "    The role has | a pipe\n"
        "roles/b.ttl  (1 problem)\n"
        "  roles/b.ttl:3: info: skill:b skos:definition\n"
        "    just so you know\n"
        "roles/c.yaml  (ok)\n"
        "3 files, 2 terms: 1 violation, 1 warning - does not conform\n"
    )


def test_text_of_a_real_report(real):
    text = render_text(real)
    missing, near, good = (str(EXAMPLES / n) for n in
                           ("missing-layer.bad.yaml", "near-duplicate-label.bad.yaml", "mlops-engineer.yaml"))
    blocks = re.split(r"(?m)^(?=\S)", text)
    assert [b.splitlines()[0] for b in blocks if b] == [
        f"{missing}  (1 problem)", f"{near}  (1 problem)", f"{good}  (ok)",
        "3 files, 3 terms: 1 violation, 1 warning - does not conform"]
    # a YAML author sees the keys they wrote (from ontology/contribution-format.ttl), not the predicates
    assert f"  {missing}:4: violation: role:llm-evaluation-engineer layers:\n" in text
    assert "A role needs at least one `layers:` pointing to a layer" in text
    assert "    fix: add `layers:` to the entry role:llm-evaluation-engineer\n" in text
    assert f"  {near}:5: warning: role:data-engineers label:\n" in text


def test_colour_codes_only_when_asked():
    plain = render_text(SYNTHETIC)
    assert "\033[" not in plain
    coloured = render_text(SYNTHETIC, colour=True)
    assert "\033[31mviolation\033[0m" in coloured
    assert "\033[33mwarning\033[0m" in coloured
    assert "\033[36minfo\033[0m" in coloured
    assert "\033[1mroles/a.yaml\033[0m  (2 problems)" in coloured
    assert re.sub(r"\033\[\d+m", "", coloured) == plain


def test_cli_text_has_no_colour_when_not_a_terminal(capsys):
    assert main(["validate", str(EXAMPLES / "missing-layer.bad.yaml")]) == 1
    out = capsys.readouterr().out
    assert "\033[" not in out
    assert "missing-layer.bad.yaml:4: violation:" in out


def test_summary_wording_singular_and_plural():
    empty = ContributionReport(files=("x.yaml",), findings=(), terms=("role:x",))
    assert render_text(empty) == "x.yaml  (ok)\n1 file, 1 term: 0 violations, 0 warnings - conforms\n"


# -- JSON -----------------------------------------------------------------------------------------------------------


FINDING_KEYS = {"severity", "file", "line", "term", "property", "key", "message", "fix", "rule", "value"}


def check_schema(doc: dict) -> None:
    assert set(doc) == {"schema_version", "conforms", "files", "terms", "summary", "findings"}
    assert doc["schema_version"] == 1
    assert isinstance(doc["conforms"], bool)
    assert isinstance(doc["files"], list) and all(isinstance(f, str) for f in doc["files"])
    assert isinstance(doc["terms"], list) and all(isinstance(t, str) for t in doc["terms"])
    assert set(doc["summary"]) == {"violations", "warnings", "infos"}
    assert all(type(n) is int and n >= 0 for n in doc["summary"].values())
    for f in doc["findings"]:
        assert set(f) == FINDING_KEYS
        assert f["severity"] in ("violation", "warning", "info")
        assert f["file"] in doc["files"]
        assert f["line"] is None or (type(f["line"]) is int and f["line"] >= 1)
        for key in ("term", "message", "rule"):
            assert isinstance(f[key], str) and f[key]
        for key in ("property", "key", "fix", "value"):
            assert f[key] is None or isinstance(f[key], str)
    counts = {s: sum(1 for f in doc["findings"] if f["severity"] == s) for s in ("violation", "warning", "info")}
    assert doc["summary"] == {"violations": counts["violation"], "warnings": counts["warning"],
                              "infos": counts["info"]}
    assert doc["conforms"] is (counts["violation"] == 0)


def test_json_of_a_synthetic_report():
    doc = json.loads(render_json(SYNTHETIC))
    check_schema(doc)
    assert doc["findings"][0] == {
        "severity": "violation", "file": "roles/a.yaml", "line": 10, "term": "role:a",
        "property": "aiw:requiresEssentialSkill", "key": None, "message": "unknown skill skill:x: it is gone",
        "fix": "did you mean skill:y (Y)?", "rule": "reference", "value": "skill:x"}
    assert doc["summary"] == {"violations": 1, "warnings": 1, "infos": 1}
    assert doc["conforms"] is False


def test_json_of_a_real_report_matches_the_schema(real):
    doc = json.loads(render_json(real))
    check_schema(doc)
    assert [(f["rule"], f["severity"], f["line"]) for f in doc["findings"]] == [
        ("aiws:Role-inLayer", "violation", 4), ("near-duplicate-label", "warning", 5)]
    assert doc["terms"] == ["role:data-engineers", "role:llm-evaluation-engineer", "role:mlops-engineer"]


def test_json_is_stable(core, capsys):
    paths = [EXAMPLES / "unknown-layer.bad.yaml", EXAMPLES / "existing-label.bad.yaml", EXAMPLES / "ai-red-teamer.ttl"]
    first = render_json(check_contributions(paths, core=core))
    assert main(["validate", "--format", "json", *map(str, paths)]) == 1  # a second, independent run
    assert capsys.readouterr().out == first
    assert first.endswith("}\n") and "\t" not in first
    assert json.loads(first)["findings"] == sorted(
        json.loads(first)["findings"],
        key=lambda f: (f["file"], f["line"] or 0, ["violation", "warning", "info"].index(f["severity"]), f["term"],
                       f["property"] or "", f["message"]))


def test_json_keeps_non_ascii_text():
    report = ContributionReport(files=("é.yaml",), findings=(
        Finding(V, "é.yaml", 2, "role:x", "skos:prefLabel", 'the title "Ingénieur réseau" is taken', rule="r"),),
        terms=("role:x",))
    out = render_json(report)
    assert 'the title \\"Ingénieur réseau\\" is taken' in out
    assert json.loads(out)["findings"][0]["file"] == "é.yaml"


# -- Markdown ---------------------------------------------------------------------------------------------------------


def test_markdown_has_a_table_with_a_header_row():
    lines = render_md(SYNTHETIC).splitlines()
    assert lines[0] == "### ❌ aiworkforce validation: does not conform"
    start = lines.index("| severity | where | term | property | problem | fix |")
    assert lines[start + 1] == "|---|---|---|---|---|---|"
    rows = lines[start + 2:]
    assert rows == [
        ("| violation | `roles/a.yaml:10` | `role:a` | `aiw:requiresEssentialSkill` | unknown skill skill:x: it is gone "
         "| did you mean skill:y (Y)? |"),
        "| warning | `roles/a.yaml` | `role:a` |  | The role has \\| a pipe |  |",
        "| info | `roles/b.ttl:3` | `skill:b` | `skos:definition` | just so you know |  |",
    ]
    for row in rows:  # every row has as many cells as the header once escaped pipes are set aside
        assert len(re.split(r"(?<!\\)\|", row)) == 8


def test_markdown_of_a_conforming_report_has_no_table(core):
    md = render_md(check_contributions([EXAMPLES / "mlops-engineer.yaml"], core=core))
    assert md.splitlines()[0] == "### ✅ aiworkforce validation: conforms"
    assert "|" not in md


# -- Turtle -----------------------------------------------------------------------------------------------------------


def parse_report(text: str) -> Graph:
    graph = Graph().parse(data=text, format="turtle")
    reports = list(graph.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1, text
    return graph


def test_ttl_is_a_shacl_validation_report(real):
    graph = parse_report(render_ttl(real))
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(False)
    results = list(graph.objects(report, SH.result))
    assert results and all((r, RDF.type, SH.ValidationResult) in graph for r in results)
    shapes = {str(graph.value(r, SH.sourceShape)) for r in results}
    assert "https://w3id.org/aiworkforce/shapes#Role-inLayer" in shapes


def test_ttl_of_a_conforming_report(core):
    graph = parse_report(render_ttl(check_contributions([EXAMPLES / "ai-red-teamer.ttl"], core=core)))
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(True)
    assert not list(graph.objects(report, SH.result))


@pytest.mark.parametrize("name", ["existing-role.bad.yaml", "namespace.bad.ttl", "unknown-skill.bad.yaml"])
def test_ttl_conforms_flag_agrees_with_the_report(core, name):
    # The checks outside SHACL (duplicate-iri, namespace, reference) make the batch fail too; a Turtle report that
    # says sh:conforms true while `validate` exits 1 would mislead any tool that reads it.
    report = check_contributions([EXAMPLES / name], core=core)
    assert not report.conforms
    graph = parse_report(render_ttl(report))
    (node,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(node, SH.conforms) == Literal(False), render_ttl(report)


def test_render_dispatches_every_format(real):
    assert REPORT_FORMATS == ("text", "json", "md", "ttl")
    assert render(real, "text") == render_text(real)
    assert render(real, "text", colour=True) == render_text(real, colour=True)
    assert render(real, "json") == render_json(real)
    assert render(real, "md") == render_md(real)
    from rdflib import Graph
    from rdflib.compare import isomorphic

    assert isomorphic(Graph().parse(data=render(real, "ttl"), format="turtle"),
                      Graph().parse(data=render_ttl(real), format="turtle"))


@pytest.mark.parametrize("fmt", REPORT_FORMATS)
def test_cli_formats(fmt, capsys):
    assert main(["validate", "--format", fmt, str(EXAMPLES / "missing-layer.bad.yaml")]) == 1
    out = capsys.readouterr().out
    assert out
    if fmt == "json":
        check_schema(json.loads(out))
    elif fmt == "ttl":
        parse_report(out)
    elif fmt == "md":
        assert "| severity | where | term | property | problem | fix |" in out
    else:
        assert "missing-layer.bad.yaml:4: violation: role:llm-evaluation-engineer layers:" in out
