"""Commands that publish the graph: push (to a SPARQL Graph Store) and release (files for download).

Running the stored queries on a remote endpoint is ``aiworkforce query NAME --endpoint URL`` (cli/questions.py).
"""

from __future__ import annotations

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
) -> None:
    """Write the release artefacts: the asserted and reasoned graphs in Turtle, N-Triples, RDF/XML and JSON-LD,
    the docs site (a page per term at its IRI's path, .htaccess content negotiation), the shapes, queries and
    checks, release notes and SHA256SUMS."""
    from aiworkforce.publish.release import release as run_release

    result = run_release(KnowledgeGraph(), output, force=force, docs=docs)
    for name in result.files:
        typer.echo(str(result.folder / name))
    typer.echo(f"wrote aiworkforce {result.version} ({result.version_iri}): {len(result.files)} files, "
               f"{result.triples['base']:,} asserted and {result.triples['full']:,} reasoned triples, "
               f"to {result.folder}", err=True)
