"""Commands that publish the graph: push (to a SPARQL Graph Store) and release (files for download).

Running the stored queries on a remote endpoint is ``aiworkforce query NAME --endpoint URL`` (cli/questions.py).
"""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from aiworkforce.graph import KnowledgeGraph

from ._app import app


@app.command()
def push(
    store: Annotated[str, typer.Option(
        "--store", help="SPARQL 1.1 Graph Store endpoint, e.g. http://127.0.0.1:7878/store (Oxigraph).")],
    graph: Annotated[Optional[str], typer.Option(
        "--graph", help="Replace this named graph (an IRI) instead of the default graph.")] = None,
    asserted: Annotated[bool, typer.Option(
        "--asserted", help="Send the asserted graph only, not the reasoned graph the stored queries expect.")] = False,
    timeout: Annotated[float, typer.Option(min=0.1, help="Seconds to wait for the store.")] = 30.0,
) -> None:
    """Upload the reasoned graph to a SPARQL store (HTTP PUT, replacing the graph there).

    Then run the stored queries on it with: aiworkforce query NAME --endpoint URL-OF-ITS-QUERY-ENDPOINT
    """
    from aiworkforce.publish.push import push as run_push

    result = run_push(KnowledgeGraph(), store, graph=graph, inferred=not asserted, timeout=timeout)
    what = "reasoned" if result.inferred else "asserted"
    target = f"graph <{result.graph}>" if result.graph else "the default graph"
    typer.echo(f"pushed {result.triples:,} triples ({what} graph) to {target} of {result.url}: "
               f"HTTP {result.status}", err=True)


@app.command()
def release(
    output: Annotated[Path, typer.Option(
        "--output", "-o", file_okay=False, help="Folder to write the release into (created if missing).")],
    force: Annotated[bool, typer.Option("--force", help="Replace the contents of a non-empty folder.")] = False,
    docs: Annotated[bool, typer.Option(
        "--docs/--no-docs", help="Include the docs site and its .htaccess redirect rules (needs Graphviz).")] = True,
    previous: Annotated[Optional[Path], typer.Option(
        "--previous", help="A previous release folder (or Turtle folder or file): also write CHANGES.md and "
                           "CHANGES.json, what changed since then.")] = None,
) -> None:
    """Write the release artefacts: the asserted and reasoned graphs in Turtle, N-Triples, RDF/XML and JSON-LD
    (compacted with the vocabulary's JSON-LD context), the context itself, the crosswalk as SSSOM, openapi.json,
    the docs site (a page per term at its IRI's path, .htaccess content negotiation), the shapes, queries and
    checks, release notes and SHA256SUMS; with --previous, the changes since that release."""
    from aiworkforce.publish.release import release as run_release

    result = run_release(KnowledgeGraph(), output, force=force, docs=docs, previous=previous)
    for name in result.files:
        typer.echo(str(result.folder / name))
    typer.echo(f"wrote aiworkforce {result.version} ({result.version_iri}): {len(result.files)} files, "
               f"{result.triples['base']:,} asserted and {result.triples['full']:,} reasoned triples, "
               f"to {result.folder}", err=True)


class DiffFormat(str, enum.Enum):
    text = "text"
    md = "md"
    json = "json"


@app.command()
def diff(
    old: Annotated[Path, typer.Argument(help="The old version: a release folder, a folder of Turtle files or an "
                                             "RDF file.")],
    new: Annotated[Path, typer.Argument(help="The new version, given the same ways.")],
    fmt: Annotated[DiffFormat, typer.Option("--format", "-f", help="text, md (release notes) or json.")
                   ] = DiffFormat.text,
) -> None:
    """What changed between two versions of the graph, compared as RDF graphs: terms added and removed,
    relabelled and redefined, and every changed link (layers, skills, alignments...) with its values before and
    after. Exit 0 when the graphs are the same, 1 when they differ, 2 on unreadable input (like diff(1))."""
    import json

    from aiworkforce.present.diff import diff_json, diff_markdown, diff_text
    from aiworkforce.publish.diff import diff_paths

    result = diff_paths(old, new)
    if fmt is DiffFormat.json:
        typer.echo(json.dumps(diff_json(result), indent=2, ensure_ascii=False))
    elif fmt is DiffFormat.md:
        typer.echo(diff_markdown(result), nl=False)
    else:
        typer.echo(diff_text(result), nl=False)
    raise typer.Exit(0 if result.same else 1)
