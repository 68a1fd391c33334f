"""Commands about the whole graph: validate, reason, stats, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._app import (
    _DATA_HELP,
    _SERIALIZERS,
    GraphFormat,
    RDFFormat,
    Reasoner,
    ReportFormat,
    ShaclEngine,
    TextOrJson,
    app,
)


@app.command()
def validate(
    files: Annotated[Optional[list[Path]], typer.Argument(
        help="Contributed role definitions (.yaml or .ttl) or folders of them. Without any: the core graph.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    engine: Annotated[ShaclEngine, typer.Option(
        help="SHACL engine: sparql (the shapes compiled to SPARQL on pyoxigraph, fast) or pyshacl (the reference).")
    ] = ShaclEngine.sparql,
    data: Annotated[Optional[list[Path]], typer.Option("--data", help=_DATA_HELP)] = None,
) -> None:
    """Validate contributions against the core graph, or (without files) the core graph itself.

    Contributions are checked together with the core: references must resolve, every SHACL shape must pass,
    and nothing may duplicate an existing term. Exit 0 when it conforms, 1 on violations, 2 on unreadable input.
    """
    if files:
        from ..contribute import check_contributions
        from ..report import render

        report = check_contributions(files, engine=engine.value)
        sys.stdout.write(render(report, fmt.value, colour=fmt is ReportFormat.text and sys.stdout.isatty()))
        raise typer.Exit(0 if report.passes(strict=strict) else 1)

    if data:
        _validate_data(data, fmt, strict, engine)
        return
    from ..audit import audit

    report = audit(engine=engine.value)
    graph = report.graph
    if fmt is ReportFormat.json:
        typer.echo(json.dumps(_audit_json(report), indent=2))
    elif fmt is ReportFormat.ttl:
        from ..export import serialize

        sys.stdout.write(serialize(report.shacl.report_graph, "turtle"))
    else:
        _audit_text(report, graph, markdown=fmt is ReportFormat.md)
    raise typer.Exit(0 if report.passes(strict=strict) else 1)


def _validate_data(data, fmt, strict, engine) -> None:
    """The shipped graph joined with --data files, audited in pyoxigraph."""
    from ..audit import audit_data
    from ..errors import UsageError
    from ._progress import progress_bars

    if engine is not ShaclEngine.sparql:
        raise UsageError("--data is validated by the sparql engine only", hint="drop --engine pyshacl")
    if fmt not in (ReportFormat.text, ReportFormat.json):
        raise UsageError(f"--data reports come as text or json, not {fmt.value}")
    with progress_bars() as progress:
        report = audit_data(data, progress=progress)
    if fmt is ReportFormat.json:
        typer.echo(json.dumps(_audit_json(report), indent=2))
    else:
        files = f"{len(data)} file{'s' * (len(data) != 1)}"
        _render_audit(report, f"shipped graph joined with {files}: {report.shacl.triples:,} triples",
                      "joined graph", limit=200)
    raise typer.Exit(0 if report.passes(strict=strict) else 1)


def _audit_json(report) -> dict:
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


def _audit_text(report, graph, *, markdown: bool = False) -> None:
    from .. import __version__
    from ..namespaces import AIW
    from ..stats import stats

    s = stats(graph)
    counts = ", ".join(
        f"{s.count(cls)} {name}"
        for cls, name in ((AIW.Layer, "layers"), (AIW.Role, "roles"), (AIW.Skill, "skills"), (AIW.Concern, "concerns"))
    )
    if markdown:
        typer.echo("```text")
    _render_audit(report, f"aiworkforce {__version__}: knowledge graph of {s.triples:,} triples ({counts})",
                  "knowledge graph", graph=graph)
    if markdown:
        typer.echo("```")


def _render_audit(report, headline: str, subject: str, *, graph=None, limit: int | None = None) -> None:
    """The audit as text: a status line per kind of check, then every problem, then the verdict."""
    out = typer.echo
    out(headline)
    shacl = report.shacl
    verdict = "conforms" if shacl.conforms else "does not conform"
    out(f"  SHACL shapes      {verdict}: {shacl.count(_sev('VIOLATION'))} violations, "
        f"{shacl.count(_sev('WARNING'))} warnings")
    failed = report.failed_checks
    out(f"  quality checks    {len(report.checks) - len(failed)}/{len(report.checks)} passed")
    out(f"  OWL 2 RL profile  {'in profile' if not report.profile else f'{len(report.profile)} problems'}")
    out(f"  OWL-RL reasoning  {'consistent' if not report.inconsistencies else 'INCONSISTENT'}")
    for p in shacl.problems[:limit]:
        path = "" if p.path is None else f" {_term(graph, p.path)}"
        out(f"{p.severity.value}: {_term(graph, p.focus)}{path}: {p.message}")
    if limit is not None and len(shacl.problems) > limit:
        out(f"... and {len(shacl.problems) - limit} more (use --format json for all)")
    for c in failed:
        out(f"Violation: quality check {c.check.name} ({c.check.summary}): {len(c.rows)} rows")
        for row in c.rows[:20]:
            out("    " + " | ".join(row))
    for issue in report.profile:
        out(f"Violation: OWL 2 RL profile: {issue}")
    for message in report.inconsistencies:
        out(f"Violation: inconsistency: {message}")
    out(f"OK: the {subject} passes every check." if report.passes() else "FAILED: see the problems above.")


def _term(graph, node) -> str:
    from rdflib import URIRef

    if graph is None or not isinstance(node, URIRef):
        return str(node)
    return graph.namespace_manager.normalizeUri(node)


def _sev(name: str):
    from ..validate import Severity

    return Severity[name]


# -- reason -------------------------------------------------------------------------------------------------


@app.command()
def reason(
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.", dir_okay=False)
    ] = None,
    fmt: Annotated[RDFFormat, typer.Option("--format", "-f", help="RDF syntax of the output.")] = RDFFormat.ttl,
    only_inferred: Annotated[
        bool, typer.Option("--only-inferred", help="Write only the triples reasoning added.")
    ] = False,
    engine: Annotated[Reasoner, typer.Option(
        help="Reasoner: rules (compiled OWL 2 RL rules in pyoxigraph, fast) or owlrl (the reference).")
    ] = Reasoner.rules,
    data: Annotated[Optional[list[Path]], typer.Option("--data", help=_DATA_HELP)] = None,
) -> None:
    """Compute the clean OWL 2 RL closure of the knowledge graph and write it as RDF.

    With --data, the closure of the shipped graph joined with your files, computed in pyoxigraph (scales to
    millions of triples; N-Triples output is written without ever building an rdflib graph).
    """
    if data:
        _reason_data(data, output, fmt, only_inferred, engine)
        return
    from ..export import serialize, write_atomic
    from ..reason import reason as run_reason

    result = run_reason(strict=True, reasoner=engine.value)
    graph = result.inferred if only_inferred else result.closure
    data = serialize(graph, _SERIALIZERS[fmt])
    if output is None:
        sys.stdout.write(data)
    else:
        write_atomic(output, data)
        typer.echo(
            f"wrote {len(graph):,} triples ({len(result.closure) - len(result.asserted):,} inferred) to {output}",
            err=True,
        )


def _reason_data(data, output, fmt, only_inferred, engine) -> None:
    from ..cache import cached_closure
    from ..errors import UsageError
    from ..export import write_atomic_bytes
    from ._progress import progress_bars

    if engine is not Reasoner.rules:
        raise UsageError("--data is reasoned by the rules engine only", hint="drop --engine owlrl")
    with progress_bars() as progress:
        entry = cached_closure(data=data, progress=progress)
    source = entry.inferred if only_inferred else entry.closure
    if fmt is RDFFormat.nt:
        payload = source.read_bytes()
    else:
        from rdflib import Graph

        from ..export import serialize

        payload = serialize(Graph().parse(source, format="nt"), _SERIALIZERS[fmt]).encode("utf-8")
    if output is None:
        sys.stdout.buffer.write(payload)
        sys.stdout.flush()
    else:
        write_atomic_bytes(output, payload)
        lines = payload.count(b"\n")
        typer.echo(f"wrote {lines:,} triples to {output}", err=True)


# -- stats --------------------------------------------------------------------------------------------------


@app.command()
def stats(
    layers: Annotated[bool, typer.Option("--layers", help="Also list the roles of each layer.")] = False,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """Count what the knowledge graph holds, per class and per layer."""
    from ..stats import stats as run_stats

    s = run_stats()
    if fmt is TextOrJson.json:
        typer.echo(json.dumps({
            "triples": s.triples,
            "classes": {c.label: c.count for c in s.classes},
            "layers": [{"layer": l.label, "iri": str(l.iri), "roles": list(l.roles)} for l in s.layers],
        }, indent=2))
        return
    from ..render import table

    typer.echo(table(["class", "instances"], [[c.label, str(c.count)] for c in s.classes]))
    rows = [[str(l.order), l.label, str(len(l.roles))] + ([", ".join(l.roles)] if layers else []) for l in s.layers]
    headers = ["#", "layer", "roles"] + (["role titles"] if layers else [])
    typer.echo(table(headers, rows))



@app.command()
def export(
    fmt: Annotated[GraphFormat, typer.Option("--format", "-f", help="RDF syntax.")] = GraphFormat.ttl,
    inferred: Annotated[bool, typer.Option("--inferred", help="Include what OWL-RL reasoning derives.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False, help="Write to this file.")] = None,
) -> None:
    """Write the whole knowledge graph (ontology and knowledge base) as one RDF file."""
    from ..export import export_graph, write_atomic

    data = export_graph(fmt.value, inferred=inferred)
    if output is None:
        sys.stdout.write(data)
    else:
        write_atomic(output, data)
        typer.echo(f"wrote {output}", err=True)

