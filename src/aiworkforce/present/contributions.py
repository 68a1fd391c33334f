"""Renderings of a contribution report: text for people, JSON for bots, Markdown for pull requests, Turtle.

The JSON document is a stable interface (``schema_version`` 1)::

    {
      "schema_version": 1,
      "conforms": false,                 # no violations (warnings allowed)
      "files": ["roles/new.yaml"],
      "terms": ["role:prompt-engineer"], # terms the batch defines
      "summary": {"violations": 1, "warnings": 0, "infos": 0},
      "findings": [
        {"severity": "violation",        # violation | warning | info
         "file": "roles/new.yaml", "line": 10,
         "term": "role:prompt-engineer", "property": "aiw:requiresEssentialSkill",
         "key": "essential_skills",      # in a YAML file: the key the property is written under, else null
         "message": "unknown skill skill:llm-eval: ...", "fix": "did you mean skill:output-evaluation (...)?",
         "rule": "reference",            # a check name or the CURIE of the SHACL shape
         "value": "skill:llm-eval"}
      ]
    }
"""

from __future__ import annotations

import json

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from aiworkforce.contributions.check import ContributionReport
from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.serialize import serialize
from aiworkforce.validation.report import Severity

REPORT_FORMATS = ("text", "json", "md", "ttl")
_COLOURS = {Severity.VIOLATION: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def _summary(report: ContributionReport) -> str:
    v, w = report.count(Severity.VIOLATION), report.count(Severity.WARNING)
    verdict = "conforms" if report.conforms else "does not conform"
    files = len(report.files)
    return (f"{files} file{'s' * (files != 1)}, {len(report.terms)} term{'s' * (len(report.terms) != 1)}: "
            f"{v} violation{'s' * (v != 1)}, {w} warning{'s' * (w != 1)} - {verdict}")


def _where_said(finding) -> str:
    """The property as the author wrote it: the YAML key (``layers:``) in a YAML file, else its CURIE."""
    return f"{finding.key}:" if finding.key else finding.property


def render_text(report: ContributionReport, *, colour: bool = False) -> str:
    def paint(text: str, code: str) -> str:
        return f"\033[{code}m{text}\033[0m" if colour else text

    lines = []
    for file, findings in report.by_file().items():
        status = "ok" if not findings else f"{len(findings)} problem{'s' * (len(findings) != 1)}"
        lines.append(paint(f"{file}", "1") + f"  ({status})")
        for f in findings:
            where = f"{file}:{f.line}" if f.line else file
            label = paint(f.severity.value.lower(), _COLOURS[f.severity])
            subject = f.term + (f" {_where_said(f)}" if f.property else "")
            lines.append(f"  {where}: {label}: {subject}")
            lines.append(f"    {f.message}")
            if f.fix:
                lines.append(f"    fix: {f.fix}")
    lines.append(_summary(report))
    return "\n".join(lines) + "\n"


def render_json(report: ContributionReport) -> str:
    return json.dumps({
        "schema_version": 1,
        "conforms": report.conforms,
        "files": list(report.files),
        "terms": list(report.terms),
        "summary": {"violations": report.count(Severity.VIOLATION), "warnings": report.count(Severity.WARNING),
                    "infos": report.count(Severity.INFO)},
        "findings": [f.as_dict() for f in report.findings],
    }, indent=2, ensure_ascii=False) + "\n"


def render_md(report: ContributionReport) -> str:
    head = "conforms" if report.conforms else "does not conform"
    mark = "✅" if report.conforms else "❌"
    out = [f"### {mark} aiworkforce validation: {head}", "", _summary(report), ""]
    if report.findings:
        out += ["| severity | where | term | property | problem | fix |", "|---|---|---|---|---|---|"]

        def esc(text: str | None) -> str:
            return (text or "").replace("|", "\\|").replace("\n", " ")

        for f in report.findings:
            where = f"`{f.file}:{f.line}`" if f.line else f"`{f.file}`"
            out.append(f"| {f.severity.value.lower()} | {where} | `{f.term}` | {esc(f.property and f'`{_where_said(f)}`')} "
                       f"| {esc(f.message)} | {esc(f.fix)} |")
    return "\n".join(out) + "\n"


def report_graph(report: ContributionReport):
    """All findings as a SHACL validation report graph (``sh:conforms`` agrees with the exit code).

    Findings of the project's own checks (references, duplicates, namespace, blank nodes) are included too,
    with ``sh:sourceConstraintComponent`` naming the check under ``https://w3id.org/aiworkforce/shapes#``.
    """
    graph = Graph()
    node = BNode()
    graph.add((node, RDF.type, SH.ValidationReport))
    graph.add((node, SH.conforms, Literal(report.conforms, datatype=XSD.boolean)))
    severity = {Severity.VIOLATION: SH.Violation, Severity.WARNING: SH.Warning, Severity.INFO: SH.Info}
    for finding in report.findings:
        focus, path, value, shape = (finding.nodes + (None, None, None, None))[:4]
        result = BNode()
        graph.add((node, SH.result, result))
        graph.add((result, RDF.type, SH.ValidationResult))
        graph.add((result, SH.resultSeverity, severity[finding.severity]))
        graph.add((result, SH.resultMessage, Literal(finding.message if not finding.fix
                                                     else f"{finding.message} Fix: {finding.fix}")))
        if focus is not None:
            graph.add((result, SH.focusNode, focus))
        if isinstance(path, URIRef):
            graph.add((result, SH.resultPath, path))
        if value is not None:
            graph.add((result, SH.value, value))
        if shape is not None:
            graph.add((result, SH.sourceShape, shape))
        else:
            graph.add((result, SH.sourceConstraintComponent, URIRef(PREFIXES["aiws"] + finding.rule)))
    return graph


def render_ttl(report: ContributionReport) -> str:
    return serialize(report_graph(report), "turtle")


def render(report: ContributionReport, fmt: str, *, colour: bool = False) -> str:
    if fmt == "text":
        return render_text(report, colour=colour)
    return {"json": render_json, "md": render_md, "ttl": render_ttl}[fmt](report)
