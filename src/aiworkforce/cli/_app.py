"""The Typer application, its shared options and the version flag."""

from __future__ import annotations

import enum
from typing import Annotated, Optional

import typer

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


class ShaclEngine(str, enum.Enum):
    sparql = "sparql"
    pyshacl = "pyshacl"


class Reasoner(str, enum.Enum):
    rules = "rules"
    owlrl = "owlrl"


class RDFFormat(str, enum.Enum):
    ttl = "ttl"
    nt = "nt"


_SERIALIZERS = {RDFFormat.ttl: "turtle", RDFFormat.nt: "nt"}


def _version_callback(value: bool) -> None:
    if value:
        from .. import __version__

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


class ReportFormat(str, enum.Enum):
    text = "text"
    json = "json"
    md = "md"
    ttl = "ttl"


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
_DATA_HELP = "Join your own RDF file with the shipped graph first (repeatable): Turtle, N-Triples, RDF/XML, ..."

class TemplateFormat(str, enum.Enum):
    yaml = "yaml"
    ttl = "ttl"

