"""The ``aiworkforce`` command line: argument parsing and rendering only.

Each command calls one library function and renders its result object. Library errors
(:class:`aiworkforce.errors.AiworkforceError`) become one line on stderr and the exit code the error carries;
see the README for the table of exit codes. Data goes to stdout, messages to stderr.
"""

from __future__ import annotations

import enum
import json
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from .errors import AiworkforceError

app = typer.Typer(
    name="aiworkforce",
    help="The AI workforce knowledge graph: ask it questions, validate it, reason over it, export it.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class TextOrJson(str, enum.Enum):
    text = "text"
    json = "json"


class RDFFormat(str, enum.Enum):
    ttl = "ttl"
    nt = "nt"


_SERIALIZERS = {RDFFormat.ttl: "turtle", RDFFormat.nt: "nt"}


def _version_callback(value: bool) -> None:
    if value:
        from . import __version__

        typer.echo(f"aiworkforce {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        Optional[bool],
        typer.Option("--version", callback=_version_callback, is_eager=True, help="Print the version and exit."),
    ] = None,
) -> None:
    """The AI workforce knowledge graph: ask it questions, validate it, reason over it, export it."""


# -- validate -----------------------------------------------------------------------------------------------


class ReportFormat(str, enum.Enum):
    text = "text"
    json = "json"
    md = "md"
    ttl = "ttl"


@app.command()
def validate(
    files: Annotated[Optional[list[Path]], typer.Argument(
        help="Contributed role definitions (.yaml or .ttl) or folders of them. Without any: the core graph.")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Report format.")] = ReportFormat.text,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
) -> None:
    """Validate contributions against the core graph, or (without files) the core graph itself.

    Contributions are checked together with the core: references must resolve, every SHACL shape must pass,
    and nothing may duplicate an existing term. Exit 0 when it conforms, 1 on violations, 2 on unreadable input.
    """
    if files:
        from .contribute import check_contributions
        from .report import render

        report = check_contributions(files)
        sys.stdout.write(render(report, fmt.value, colour=fmt is ReportFormat.text and sys.stdout.isatty()))
        raise typer.Exit(0 if report.passes(strict=strict) else 1)

    from .audit import audit
    from .load import load_core

    graph = load_core()
    report = audit(graph)
    if fmt is ReportFormat.json:
        typer.echo(json.dumps(_audit_json(report), indent=2))
    elif fmt is ReportFormat.ttl:
        from .export import serialize

        sys.stdout.write(serialize(report.shacl.report_graph, "turtle"))
    else:
        _audit_text(report, graph, markdown=fmt is ReportFormat.md)
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
    from .stats import stats

    from . import __version__

    from .namespaces import AIW

    s = stats(graph)
    counts = ", ".join(
        f"{s.count(cls)} {name}"
        for cls, name in ((AIW.Layer, "layers"), (AIW.Role, "roles"), (AIW.Skill, "skills"), (AIW.Concern, "concerns"))
    )
    out = typer.echo
    if markdown:
        out("```text")
    out(f"aiworkforce {__version__}: knowledge graph of {s.triples:,} triples ({counts})")
    shacl = report.shacl
    verdict = "conforms" if shacl.conforms else "does not conform"
    out(f"  SHACL shapes      {verdict}: {shacl.count(_sev('VIOLATION'))} violations, "
        f"{shacl.count(_sev('WARNING'))} warnings")
    failed = report.failed_checks
    out(f"  quality checks    {len(report.checks) - len(failed)}/{len(report.checks)} passed")
    out(f"  OWL 2 RL profile  {'in profile' if not report.profile else f'{len(report.profile)} problems'}")
    out(f"  OWL-RL reasoning  {'consistent' if not report.inconsistencies else 'INCONSISTENT'}")
    for p in shacl.problems:
        path = "" if p.path is None else f" {_term(graph, p.path)}"
        out(f"{p.severity.value}: {_term(graph, p.focus)}{path}: {p.message}")
    for c in failed:
        out(f"Violation: quality check {c.check.name} ({c.check.summary}): {len(c.rows)} rows")
        for row in c.rows[:20]:
            out("    " + " | ".join(row))
    for issue in report.profile:
        out(f"Violation: OWL 2 RL profile: {issue}")
    for message in report.inconsistencies:
        out(f"Violation: inconsistency: {message}")
    out("OK: the knowledge graph passes every check." if report.passes() else "FAILED: see the problems above.")
    if markdown:
        out("```")


def _term(graph, node) -> str:
    from rdflib import URIRef

    return graph.namespace_manager.normalizeUri(node) if isinstance(node, URIRef) else str(node)


def _sev(name: str):
    from .validate import Severity

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
) -> None:
    """Compute the clean OWL 2 RL closure of the knowledge graph and write it as RDF."""
    from .export import serialize, write_atomic
    from .reason import reason as run_reason

    result = run_reason(strict=True)
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


# -- stats --------------------------------------------------------------------------------------------------


@app.command()
def stats(
    layers: Annotated[bool, typer.Option("--layers", help="Also list the roles of each layer.")] = False,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """Count what the knowledge graph holds, per class and per layer."""
    from .stats import stats as run_stats

    s = run_stats()
    if fmt is TextOrJson.json:
        typer.echo(json.dumps({
            "triples": s.triples,
            "classes": {c.label: c.count for c in s.classes},
            "layers": [{"layer": l.label, "iri": str(l.iri), "roles": list(l.roles)} for l in s.layers],
        }, indent=2))
        return
    from .render import table

    typer.echo(table(["class", "instances"], [[c.label, str(c.count)] for c in s.classes]))
    rows = [[str(l.order), l.label, str(len(l.roles))] + ([", ".join(l.roles)] if layers else []) for l in s.layers]
    headers = ["#", "layer", "roles"] + (["role titles"] if layers else [])
    typer.echo(table(headers, rows))


# -- queries ------------------------------------------------------------------------------------------------


class ResultFormat(str, enum.Enum):
    table = "table"
    csv = "csv"
    tsv = "tsv"
    json = "json"
    md = "md"


class Engine(str, enum.Enum):
    oxigraph = "oxigraph"
    rdflib = "rdflib"


class GraphFormat(str, enum.Enum):
    ttl = "ttl"
    nt = "nt"
    xml = "xml"
    jsonld = "jsonld"


_ENGINE_HELP = "Query engine: oxigraph (fast, default) or rdflib (the reference)."


def _complete_query_name(incomplete: str) -> list[str]:
    from .resources import data_files

    return [p.stem for p in data_files("queries") if p.stem.startswith(incomplete)]


def _parse_params(pairs: list[str]) -> dict[str, str]:
    from .errors import UsageError

    params: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"parameter {pair!r} is not key=value", hint='write it as -p role="Data Engineer"')
        params[key.strip()] = value
    return params


@app.command("queries")
def list_queries(
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
) -> None:
    """List the stored queries: names, summaries and parameters."""
    from .catalogue import catalogue

    queries = list(catalogue().values())
    if fmt is TextOrJson.json:
        typer.echo(json.dumps([
            {"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
             "params": [{"name": p.name, "kind": p.kind, "class": p.cls, "required": p.required,
                         "default": p.default, "example": p.example, "description": p.description}
                        for p in q.params]}
            for q in queries
        ], indent=2))
        return
    from .render import table

    def params(q) -> str:
        return ", ".join(p.name if p.required else f"[{p.name}]" for p in q.params) or "-"

    typer.echo(table(["query", "parameters", "answers"], [[q.name, params(q), q.summary] for q in queries]))
    typer.echo("\nRun one with: aiworkforce query NAME [-p key=value]...   ([x] = optional parameter)")


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="Stored query name (see `aiworkforce queries`).",
                                        autocompletion=_complete_query_name)],
    param: Annotated[list[str], typer.Option("--param", "-p", help="A parameter as key=value; repeatable.")] = [],  # noqa: B006
    fmt: Annotated[ResultFormat, typer.Option("--format", "-f", help="Output format.")] = ResultFormat.table,
    limit: Annotated[Optional[int], typer.Option("--limit", "-n", min=0, help="Show at most N rows.")] = None,
    engine: Annotated[Engine, typer.Option(help=_ENGINE_HELP)] = Engine.oxigraph,
) -> None:
    """Run a stored query by name. Parameters accept a label, alternative label, slug, CURIE or IRI."""
    from .prefixes import PREFIXES
    from .query import run_query
    from .render import format_select

    result = run_query(name, _parse_params(param), limit=limit, engine=engine.value)
    sys.stdout.write(format_select(result.variables, result.rows, fmt.value, PREFIXES))
    if fmt is ResultFormat.table:
        typer.echo(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})", err=True)


@app.command()
def sparql(
    file: Annotated[str, typer.Argument(help="A file holding the query, or - to read standard input.")],
    fmt: Annotated[ResultFormat, typer.Option("--format", "-f", help="Format of SELECT results.")] = ResultFormat.table,
    rdf_format: Annotated[GraphFormat, typer.Option("--rdf-format", help="Format of CONSTRUCT/DESCRIBE results.")] = GraphFormat.ttl,
    engine: Annotated[Engine, typer.Option(help=_ENGINE_HELP)] = Engine.oxigraph,
) -> None:
    """Run an ad hoc read-only SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) over the reasoned graph.

    SERVICE, FROM, LOAD and updates are refused: queries never reach files or the network.
    """
    from .load import read_text
    from .prefixes import PREFIXES
    from .query import run_sparql
    from .render import format_select

    if file == "-":
        text, source = sys.stdin.read(), "<stdin>"
    else:
        text, source = read_text(Path(file)), file
    result = run_sparql(text, engine=engine.value, source=source)
    if result.kind == "ask":
        typer.echo(json.dumps({"boolean": result.boolean}) if fmt is ResultFormat.json else str(result.boolean).lower())
    elif result.kind == "select":
        sys.stdout.write(format_select(result.variables, result.rows, fmt.value, PREFIXES))
    else:
        from .export import EXPORT_FORMATS, serialize
        from .terms import to_rdflib
        from rdflib import Graph

        graph = Graph()
        for triple in result.triples:
            graph.add(tuple(to_rdflib(t) for t in triple))
        sys.stdout.write(serialize(graph, EXPORT_FORMATS[rdf_format.value][0]))


@app.command()
def describe(
    term: Annotated[str, typer.Argument(help="A label, slug, CURIE or IRI.")],
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
    engine: Annotated[Engine, typer.Option(help=_ENGINE_HELP)] = Engine.oxigraph,
) -> None:
    """Everything the reasoned graph says about one term; inferred facts are marked."""
    from .describe import describe as run_describe
    from .prefixes import PREFIXES

    d = run_describe(term, engine=engine.value)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps({
            "term": d.term.value,
            "facts": [{"direction": f.direction, "predicate": f.predicate.value, "value": f.other.value,
                       "label": f.other_label, "inferred": f.inferred} for f in d.facts],
        }, indent=2, ensure_ascii=False))
        return
    from .render import table

    typer.echo(d.term.compact(PREFIXES))
    for direction, title in (("out", "Facts about it"), ("in", "Facts pointing to it")):
        rows = [[f.predicate.compact(PREFIXES), f.other_label or f.other.compact(PREFIXES),
                 "inferred" if f.inferred else "asserted"] for f in d.facts if f.direction == direction]
        if rows:
            typer.echo(f"\n{title}:")
            typer.echo(table(["property", "value", "source"], rows))


@app.command()
def search(
    text: Annotated[list[str], typer.Argument(help="Words to look for in labels, alternative labels and definitions.")],
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="Show at most N matches.")] = 25,
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help="Output format.")] = TextOrJson.text,
    engine: Annotated[Engine, typer.Option(help=_ENGINE_HELP)] = Engine.oxigraph,
) -> None:
    """Find terms whose label, alternative label or definition contains every word given."""
    from .prefixes import PREFIXES
    from .search import search as run_search

    matches = run_search(" ".join(text), limit=limit, engine=engine.value)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps([{"term": m.term.value, "label": m.label,
                                "type": m.type.value if m.type else None, "field": m.field, "text": m.text}
                               for m in matches], indent=2, ensure_ascii=False))
        return
    if not matches:
        typer.echo(f"no matches for {' '.join(text)!r}", err=True)
        return
    from .render import table

    typer.echo(table(["label", "type", "matched in", "term"],
                     [[m.label, m.type.compact(PREFIXES) if m.type else "", m.field, m.term.compact(PREFIXES)]
                      for m in matches]))


@app.command()
def export(
    fmt: Annotated[GraphFormat, typer.Option("--format", "-f", help="RDF syntax.")] = GraphFormat.ttl,
    inferred: Annotated[bool, typer.Option("--inferred", help="Include what OWL-RL reasoning derives.")] = False,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False, help="Write to this file.")] = None,
) -> None:
    """Write the whole knowledge graph (ontology and knowledge base) as one RDF file."""
    from .export import export_graph, write_atomic

    data = export_graph(fmt.value, inferred=inferred)
    if output is None:
        sys.stdout.write(data)
    else:
        write_atomic(output, data)
        typer.echo(f"wrote {output}", err=True)


# -- contributions ----------------------------------------------------------------------------------------


class TemplateFormat(str, enum.Enum):
    yaml = "yaml"
    ttl = "ttl"


@app.command("new-role")
def new_role(
    slug: Annotated[str, typer.Argument(help="The new role's slug, e.g. prompt-engineer.")],
    fmt: Annotated[TemplateFormat, typer.Option("--format", "-f", help="Template format.")] = TemplateFormat.yaml,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False,
                                                   help="Write the template to this file (never overwrites).")] = None,
) -> None:
    """Write a commented template for a new role; fill it in, then `validate` and `add` it."""
    from .errors import UsageError
    from .export import write_atomic
    from .scaffold import role_template

    text = role_template(slug, fmt.value)
    if output is None:
        sys.stdout.write(text)
        return
    if output.exists():
        raise UsageError(f"{output} already exists", hint="choose another file name or remove it first")
    write_atomic(output, text)
    typer.echo(f"wrote {output}; fill it in, then run: aiworkforce validate {output}", err=True)


@app.command()
def add(
    files: Annotated[list[Path], typer.Argument(help="Contributions (.yaml or .ttl) or folders of them.")],
    into: Annotated[Optional[Path], typer.Option("--into", file_okay=False,
                                                 help="Knowledge-base folder to merge into (default: the ontology).")] = None,
    fmt: Annotated[ReportFormat, typer.Option("--format", "-f", help="Format of the report if refused.")] = ReportFormat.text,
) -> None:
    """Merge valid contributions into the knowledge base (ontology/contributions.ttl), atomically.

    Anything with violations is refused and nothing is written (exit 1).
    """
    from .merge import ContributionRejected, add_contributions
    from .report import render

    try:
        result = add_contributions(files, into=into)
    except ContributionRejected as exc:
        sys.stdout.write(render(exc.report, fmt.value, colour=fmt is ReportFormat.text and sys.stdout.isatty()))
        raise
    terms = ", ".join(result.terms)
    typer.echo(f"merged {len(result.terms)} term{'s' * (len(result.terms) != 1)} ({terms}) into {result.module} "
               f"(+{result.triples_added} triples)", err=True)


# -- entry point --------------------------------------------------------------------------------------------


def _is_usage_error(exc: Exception) -> bool:
    """True for click's own usage errors, whether Typer vendors click (Typer >= 0.20) or depends on it."""
    bases = []
    try:
        from typer import TyperException

        bases.append(TyperException)
    except ImportError:  # pragma: no cover - older Typer
        pass
    try:
        import click

        bases.append(click.ClickException)
    except ImportError:  # pragma: no cover - Typer with vendored click
        pass
    return any(isinstance(exc, b) for b in bases) and hasattr(exc, "show")


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the app, mapping library errors to one stderr line and an exit code."""
    try:
        result = app(args=argv, standalone_mode=False)
    except AiworkforceError as exc:
        typer.echo(f"aiworkforce: error: {exc}", err=True)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aiworkforce: interrupted", err=True)
        return 130
    except Exception as exc:  # click's usage errors (vendored by recent Typer) and anything unexpected
        if _is_usage_error(exc):
            exc.show()
            return getattr(exc, "exit_code", 2)
        if os.environ.get("AIWORKFORCE_DEBUG"):
            raise
        typer.echo(
            f"aiworkforce: internal error: {type(exc).__name__}: {exc} "
            "(set AIWORKFORCE_DEBUG=1 for a traceback, and please report it)",
            err=True,
        )
        return 3
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
