"""Commands about the whole graph: validate, reason, stats, export."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from aiworkforce.errors import UsageError
from aiworkforce.graph import KnowledgeGraph
from aiworkforce.reasoning.registry import REASONERS
from aiworkforce.validation.registry import SHACL_ENGINES

from ._app import _DATA_HELP, GraphFormat, RDFFormat, Reasoner, ReportFormat, ShaclEngine, TextOrJson, app
from ._progress import progress_bars


@app.command()
def validate(
    files: Annotated[Optional[list[Path]], typer.Argument(
        help="Contributed role definitions (.yaml or .ttl) or folders of them. Without any: the core graph.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
    engine: Annotated[ShaclEngine, typer.Option(help="SHACL engine. " + SHACL_ENGINES.help() + ".")
                      ] = ShaclEngine(SHACL_ENGINES.default),
    data: Annotated[Optional[list[Path]], typer.Option("--data", help=_DATA_HELP)] = None,
    shapes: Annotated[Optional[list[Path]], typer.Option(
        "--shapes", help="With --no-core: the SHACL shapes files to validate against (repeatable).")] = None,
    no_core: Annotated[bool, typer.Option(
        "--no-core", help="Validate the RDF FILES against --shapes alone: no shipped ontology, shapes or checks.")
                       ] = False,
) -> None:
    """Validate contributions against the core graph, or (without files) the core graph itself.

    Contributions are checked together with the core: references must resolve, every SHACL shape must pass,
    and nothing may duplicate an existing term. With --no-core, any RDF files are validated against the
    --shapes files alone (-f ttl prints the standard sh:ValidationReport). Exit 0 when it conforms, 1 on
    violations, 2 on unreadable input, on shapes that are not valid SHACL, or when --engine compiled refuses.
    """
    if no_core or shapes:
        if not no_core:
            raise UsageError("--shapes validates your files alone: add --no-core",
                             hint="aiworkforce validate --no-core --shapes SHAPES.ttl DATA.ttl")
        if data:
            raise UsageError("--no-core takes the data files as arguments, not --data")
        from aiworkforce.present.audit import shacl_report_json, shacl_report_text
        from aiworkforce.validation.validate import validate_files

        report = validate_files(list(files or ()), list(shapes or ()), engine=engine.value)
        if report.fallback:
            typer.echo(f"note: the compiled engine does not support this input ({report.fallback}); "
                       "validated with pySHACL instead", err=True)
        if fmt is ReportFormat.ttl:
            from aiworkforce.rdf.serialize import serialize

            sys.stdout.write(serialize(report.report_graph, "turtle"))
        elif fmt is ReportFormat.json:
            typer.echo(json.dumps(shacl_report_json(report), indent=2))
        else:
            sys.stdout.write(shacl_report_text(report))
        raise typer.Exit(0 if report.passes(strict=strict) else 1)
    if files:
        from aiworkforce.contributions.check import check_contributions
        from aiworkforce.present.contributions import render

        report = check_contributions(files, KnowledgeGraph(), engine=engine.value)
        sys.stdout.write(render(report, fmt.value, colour=fmt is ReportFormat.text and sys.stdout.isatty()))
        raise typer.Exit(0 if report.passes(strict=strict) else 1)

    from aiworkforce import __version__
    from aiworkforce.present.audit import audit_json, audit_text
    from aiworkforce.validation.audit import audit

    if data and fmt not in (ReportFormat.text, ReportFormat.json):
        raise UsageError(f"--data reports come as text or json, not {fmt.value}")
    with progress_bars() as progress:
        report = audit(KnowledgeGraph(data or (), progress=progress), engine=engine.value)
    if fmt is ReportFormat.json:
        typer.echo(json.dumps(audit_json(report), indent=2))
    elif fmt is ReportFormat.ttl:
        from aiworkforce.rdf.serialize import serialize

        sys.stdout.write(serialize(report.shacl.report_graph, "turtle"))
    else:
        sys.stdout.write(audit_text(report, __version__, data_files=len(data or ()), markdown=fmt is ReportFormat.md))
    raise typer.Exit(0 if report.passes(strict=strict) else 1)


@app.command()
def reason(
    output: Annotated[
        Optional[Path], typer.Option("--output", "-o", help="Write to this file instead of stdout.", dir_okay=False)
    ] = None,
    fmt: Annotated[RDFFormat, typer.Option("--format", "-f", help="RDF syntax of the output.")] = RDFFormat.ttl,
    only_inferred: Annotated[
        bool, typer.Option("--only-inferred", help="Write only the triples reasoning added.")
    ] = False,
    engine: Annotated[Reasoner, typer.Option(help="Reasoner. " + REASONERS.help() + ".")] = Reasoner(REASONERS.default),
    data: Annotated[Optional[list[Path]], typer.Option("--data", help=_DATA_HELP)] = None,
    files: Annotated[Optional[list[Path]], typer.Argument(help="With --no-core: the RDF files to reason over.")] = None,
    no_core: Annotated[bool, typer.Option(
        "--no-core", help="Reason over the FILES alone, without the shipped ontology.")] = False,
) -> None:
    """Compute the clean OWL 2 RL closure of the knowledge graph and write it as RDF.

    With --data, the closure of the shipped graph joined with your files, computed in pyoxigraph (scales to
    millions of triples; N-Triples output is written without ever building an rdflib graph). With --no-core, the
    closure of the FILES alone. Exit 1 when the input is inconsistent (the message names the rule that fired and
    its terms), 2 on unreadable input or when --engine compiled refuses the input.
    """
    from aiworkforce.rdf.files import write_atomic_bytes
    from aiworkforce.reasoning.closure import closure_of_files, closure_text

    if files and not no_core:
        raise UsageError("files to reason over alone need --no-core (to join them with the core, use --data)")
    if no_core:
        if data:
            raise UsageError("--no-core takes the files as arguments, not --data")
        result = closure_of_files(list(files or ()), fmt.value, inferred_only=only_inferred, reasoner=engine.value)
    else:
        with progress_bars() as progress:
            result = closure_text(KnowledgeGraph(data or (), progress=progress), fmt.value,
                                  inferred_only=only_inferred, reasoner=engine.value)
    if result.fallback:
        typer.echo(f"note: the compiled rules do not support this input ({result.fallback}); "
                   "reasoned with owlrl instead", err=True)
    if output is None:
        sys.stdout.buffer.write(result.payload)
        sys.stdout.flush()
    else:
        write_atomic_bytes(output, result.payload)
        typer.echo(f"wrote {result.summary} to {output}", err=True)


# -- stats --------------------------------------------------------------------------------------------------


@app.command()
def stats(
    layers: Annotated[bool, typer.Option("--layers", help="Also list the roles of each layer.")] = False,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """Count what the knowledge graph holds, per class and per layer."""
    from aiworkforce.query.stats import stats as run_stats

    s = run_stats(KnowledgeGraph().asserted)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps({
            "triples": s.triples,
            "classes": {c.label: c.count for c in s.classes},
            "layers": [{"layer": l.label, "iri": str(l.iri), "roles": list(l.roles)} for l in s.layers],
        }, indent=2))
        return
    from aiworkforce.present.tables import table

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
    from aiworkforce.publish.export import export_graph
    from aiworkforce.rdf.files import write_atomic

    data = export_graph(KnowledgeGraph(), fmt.value, inferred=inferred)
    if output is None:
        sys.stdout.write(data)
    else:
        write_atomic(output, data)
        typer.echo(f"wrote {output}", err=True)

