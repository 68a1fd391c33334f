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
    help="The AI workforce knowledge graph: validate it, reason over it, count what it holds.",
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
    """The AI workforce knowledge graph: validate it, reason over it, count what it holds."""


# -- validate -----------------------------------------------------------------------------------------------


@app.command()
def validate(
    fmt: Annotated[TextOrJson, typer.Option("--format", "-f", help="Report format.")] = TextOrJson.text,
    strict: Annotated[bool, typer.Option(help="Fail on warnings too.")] = False,
) -> None:
    """Check the knowledge graph: SHACL shapes, quality checks, OWL 2 RL profile and consistency.

    Exit 0 when it conforms, 1 when anything is violated.
    """
    from .audit import audit
    from .load import load_core

    graph = load_core()
    report = audit(graph)
    if fmt is TextOrJson.json:
        typer.echo(json.dumps(_audit_json(report), indent=2))
    else:
        _audit_text(report, graph)
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


def _audit_text(report, graph) -> None:
    from .stats import stats

    from . import __version__

    from .namespaces import AIW

    s = stats(graph)
    counts = ", ".join(
        f"{s.count(cls)} {name}"
        for cls, name in ((AIW.Layer, "layers"), (AIW.Role, "roles"), (AIW.Skill, "skills"), (AIW.Concern, "concerns"))
    )
    out = typer.echo
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


# -- entry point --------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the app, mapping library errors to one stderr line and an exit code."""
    try:
        app(args=argv, standalone_mode=False)
    except AiworkforceError as exc:
        typer.echo(f"aiworkforce: error: {exc}", err=True)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aiworkforce: interrupted", err=True)
        return 130
    except Exception as exc:  # click's usage errors and anything unexpected
        import click

        if isinstance(exc, click.exceptions.ClickException):
            exc.show()
            return exc.exit_code
        if os.environ.get("AIWORKFORCE_DEBUG"):
            raise
        typer.echo(
            f"aiworkforce: internal error: {type(exc).__name__}: {exc} "
            "(set AIWORKFORCE_DEBUG=1 for a traceback, and please report it)",
            err=True,
        )
        return 3
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
