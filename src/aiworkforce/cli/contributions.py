"""Commands for contributors: new-role, add, remove."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from ._app import ReportFormat, TemplateFormat, app


@app.command("new-role")
def new_role(
    name: Annotated[str, typer.Argument(
        metavar="SLUG_OR_TITLE",
        help='The new role\'s slug (ai-red-teamer) or its title ("AI Red Teamer"; the slug is made from it).')],
    fmt: Annotated[Optional[TemplateFormat], typer.Option(
        "--format", "-f", help="Template format (default: the one -o's extension means, .ttl or .yaml; else yaml).",
        show_default=False)] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", dir_okay=False,
                                                   help="Write the template to this file (never overwrites).")] = None,
) -> None:
    """Write a commented template for a new role; fill it in, then `validate` and `add` it."""
    from aiworkforce.errors import UsageError
    from aiworkforce.graph import KnowledgeGraph
    from aiworkforce.rdf.files import write_atomic
    from aiworkforce.contributions.scaffold import new_role as make_template

    template = make_template(name, fmt.value if fmt else None, graph=KnowledgeGraph(), output=output)
    if template.derived_slug:
        typer.echo(f"slug: {template.slug} (made from the title {template.label!r})", err=True)
    if output is None:
        sys.stdout.write(template.text)
        return
    if output.exists():
        raise UsageError(f"{output} already exists", hint="choose another file name or remove it first")
    write_atomic(output, template.text)
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



@app.command()
def remove(
    terms: Annotated[list[str], typer.Argument(help="Contributed terms to take out: title, slug, CURIE or IRI.")],
    into: Annotated[Optional[Path], typer.Option("--into", file_okay=False,
                                                 help="Knowledge-base folder to remove from (default: the ontology).")] = None,
    force: Annotated[bool, typer.Option("--force", help="Also delete other contributed terms' statements that "
                                                        "point at them (never the core's).")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and say what would be removed; write nothing.")] = False,
    data: Annotated[Optional[list[Path]], typer.Option(
        "--data", help="Data files you query the knowledge base joined with (query --data): their cached reasoned "
                       "graph is updated incrementally (delete and rederive), so the next query --data is fast.")] = None,
) -> None:
    """Take contributions merged with `add` back out of the knowledge base, atomically.

    Refused (exit 2, nothing written) for a term that is not a contribution, or that other terms still point at
    (unless --force, for contributed ones).
    """
    from aiworkforce.contributions.remove import remove_contributions

    result = remove_contributions(terms, into=into, force=force, dry_run=dry_run, data=data or ())
    for statement in result.detached:
        typer.echo(f"{'would also delete' if result.dry_run else 'also deleted'}: {statement}", err=True)
    n = len(result.terms)
    verb = "would remove" if result.dry_run else "removed"
    typer.echo(f"{verb} {n} term{'s' * (n != 1)} ({', '.join(result.terms)}) from {result.module} "
               f"(-{result.triples_removed} triples)", err=True)
