"""``aiworkforce docs``: the static documentation site."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aiworkforce.graph import KnowledgeGraph

from ._app import app


@app.command()
def docs(
    output: Annotated[Path, typer.Option(
        "--output", "-o", file_okay=False, help="Folder to write the site into (new or empty).")],
    lang: Annotated[str, typer.Option(
        "--lang", help="Language of labels and definitions (a BCP 47 tag), falling back to English.")] = "en",
) -> None:
    """Write the documentation site: a page per term at the path of its IRI, an index per kind, the ontology
    class by class and property by property, the stored queries, SVG diagrams and .htaccess redirect rules.
    Static files: no server, CDN or JavaScript needed. Drawing the diagrams needs Graphviz (dot)."""
    from aiworkforce.publish.site.build import build_site

    result = build_site(KnowledgeGraph(), output, lang=lang)
    typer.echo(f"wrote {result.pages} pages ({result.terms} terms) and {result.diagrams} diagrams, "
               f"{len(result.files)} files, to {result.folder}", err=True)
    typer.echo(str(result.folder / "index.html"))
