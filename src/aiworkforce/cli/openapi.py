"""The ``openapi`` command: the stored queries as an OpenAPI 3.1 document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ._app import app


@app.command()
def openapi(
    output: Annotated[Optional[Path], typer.Option(
        "--output", "-o", dir_okay=False, help="Write the document to FILE instead of stdout.")] = None,
    server: Annotated[Optional[str], typer.Option(
        metavar="URL", help="The server's base URL in the document (default: relative, '/').")] = None,
) -> None:
    """Print the OpenAPI 3.1 document of the stored queries: one operation per query (GET /api/query/NAME on
    `aiworkforce serve`, also at /openapi.json), with typed and documented parameters."""
    from aiworkforce.publish.openapi import openapi_json, write_openapi

    if output is None:
        typer.echo(openapi_json(server), nl=False)
        return
    write_openapi(output, server)
    typer.echo(f"wrote {output}", err=True)
