"""Renderings of an audit (:class:`~aiworkforce.validation.audit.AuditReport`): text for people, JSON for tools."""

from __future__ import annotations

from rdflib import URIRef

from aiworkforce.query.stats import stats
from aiworkforce.rdf.namespaces import AIW
from aiworkforce.validation.report import Severity


def audit_json(report) -> dict:
    """The audit as a JSON-ready document (the schema the README documents)."""
    shacl = report.shacl
    return {
        "conforms": report.passes(),
        "triples": shacl.triples,
        "violations": report.violations,
        "warnings": report.warnings,
        "shacl": [
            {
                "severity": p.severity.value,
                "focus": str(p.focus),
                "path": None if p.path is None else str(p.path),
                "shape": str(p.shape),
                "message": p.message,
                "value": None if p.value is None else str(p.value),
            }
            for p in shacl.problems
        ],
        "checks": [
            {"name": c.check.name, "summary": c.check.summary, "passed": c.passed,
             "rows": [dict(zip(c.variables, row)) for row in c.rows]}
            for c in report.checks
        ],
        "profile": [{"subject": str(i.subject), "message": i.message} for i in report.profile],
        "inconsistencies": list(report.inconsistencies),
    }


def audit_text(report, version: str, *, data_files: int = 0, markdown: bool = False) -> str:
    """The audit as text: a headline, a status line per kind of check, every problem, then the verdict.

    For the shipped graph the headline counts what it holds; for a graph joined with ``data_files`` files it
    counts triples, and at most 200 SHACL problems are listed.
    """
    if data_files:
        files = f"{data_files} file{'s' * (data_files != 1)}"
        lines = _render(report, f"shipped graph joined with {files}: {report.shacl.triples:,} triples",
                        "joined graph", limit=200)
    else:
        graph = report.graph
        s = stats(graph)
        counts = ", ".join(
            f"{s.count(cls)} {name}"
            for cls, name in ((AIW.Layer, "layers"), (AIW.Role, "roles"), (AIW.Skill, "skills"),
                              (AIW.Concern, "concerns"))
        )
        lines = _render(report, f"aiworkforce {version}: knowledge graph of {s.triples:,} triples ({counts})",
                        "knowledge graph", graph=graph)
        if markdown:
            lines = ["```text", *lines, "```"]
    return "\n".join(lines) + "\n"


def _render(report, headline: str, subject: str, *, graph=None, limit: int | None = None) -> list[str]:
    out = [headline]
    shacl = report.shacl
    verdict = "conforms" if shacl.conforms else "does not conform"
    out.append(f"  SHACL shapes      {verdict}: {shacl.count(Severity.VIOLATION)} violations, "
               f"{shacl.count(Severity.WARNING)} warnings")
    failed = report.failed_checks
    out.append(f"  quality checks    {len(report.checks) - len(failed)}/{len(report.checks)} passed")
    out.append(f"  OWL 2 RL profile  {'in profile' if not report.profile else f'{len(report.profile)} problems'}")
    out.append(f"  OWL-RL reasoning  {'consistent' if not report.inconsistencies else 'INCONSISTENT'}")
    for p in shacl.problems[:limit]:
        path = "" if p.path is None else f" {_term(graph, p.path)}"
        out.append(f"{p.severity.value}: {_term(graph, p.focus)}{path}: {p.message}")
    if limit is not None and len(shacl.problems) > limit:
        out.append(f"... and {len(shacl.problems) - limit} more (use --format json for all)")
    for c in failed:
        out.append(f"Violation: quality check {c.check.name} ({c.check.summary}): {len(c.rows)} rows")
        for row in c.rows[:20]:
            out.append("    " + " | ".join(row))
    for issue in report.profile:
        out.append(f"Violation: OWL 2 RL profile: {issue}")
    for message in report.inconsistencies:
        out.append(f"Violation: inconsistency: {message}")
    out.append(f"OK: the {subject} passes every check." if report.passes() else "FAILED: see the problems above.")
    return out


def _term(graph, node) -> str:
    if graph is None or not isinstance(node, URIRef):
        return str(node)
    return graph.namespace_manager.normalizeUri(node)


def _n3(node) -> str | None:
    return None if node is None else node.n3()


def shacl_report_json(report) -> dict:
    """A SHACL report of ``validate --no-core`` as data: conforms, the engine, and one object per result."""
    return {
        "conforms": not report.problems,
        "engine": report.engine,
        "fallback": report.fallback,
        "results": [{"severity": p.severity.value, "focus": _n3(p.focus), "path": _n3(p.path), "shape": _n3(p.shape),
                     "component": _n3(p.component), "value": _n3(p.value), "message": p.message}
                    for p in report.problems],
    }


def shacl_report_text(report) -> str:
    """A SHACL report of ``validate --no-core`` as text: one line per result, then the verdict."""
    lines = []
    for p in report.problems:
        where = p.focus.n3() + (f" {p.path.n3() if hasattr(p.path, 'n3') else p.path}" if p.path is not None else "")
        value = f" (value {p.value.n3()})" if p.value is not None else ""
        lines.append(f"{p.severity.value}: {where}: {p.message}{value}")
    counts = {s: report.count(s) for s in Severity}
    verdict = "conforms" if not report.problems else "does not conform"
    lines.append(f"{report.triples:,} triples {verdict}: {counts[Severity.VIOLATION]} violations, "
                 f"{counts[Severity.WARNING]} warnings, {counts[Severity.INFO]} infos ({report.engine})")
    return "\n".join(lines) + "\n"
