"""Commands for contributors: new-role, add."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._app import ReportFormat, TemplateFormat, app


@app.command("new-role")
def new_role(
    slug: Annotated[str, typer.Argument(help="The new role's slug, e.g. prompt-engineer.")],
    fmt: Annotated[TemplateFormat, typer.Option("--format", "-f", help="Template format.")] = TemplateFormat.yaml,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False,
                                                   help="Write the template to this file (never overwrites).")] = None,
) -> None:
    """Write a commented template for a new role; fill it in, then `validate` and `add` it."""
    from aiworkforce.errors import UsageError
    from aiworkforce.rdf.files import write_atomic
    from aiworkforce.contributions.scaffold import role_template

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
    data: Annotated[Optional[list[Path]], typer.Option(
        "--data", help="Data files you query the knowledge base joined with (query --data): their cached reasoned "
                       "graph is updated incrementally, so the next query --data is fast and sees the new terms.")] = None,
) -> None:
    """Merge valid contributions into the knowledge base (ontology/contributions.ttl), atomically.

    Anything with violations is refused and nothing is written (exit 1).
    """
    from aiworkforce.errors import ContributionRejected
    from aiworkforce.contributions.merge import add_contributions
    from aiworkforce.present.contributions import render

    try:
        result = add_contributions(files, into=into, data=data or ())
    except ContributionRejected as exc:
        sys.stdout.write(render(exc.report, fmt.value, colour=fmt is ReportFormat.text and sys.stdout.isatty()))
        raise
    terms = ", ".join(result.terms)
    typer.echo(f"merged {len(result.terms)} term{'s' * (len(result.terms) != 1)} ({terms}) into {result.module} "
               f"(+{result.triples_added} triples)", err=True)

