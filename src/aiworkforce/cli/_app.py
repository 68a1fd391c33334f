"""The Typer application, its shared options and the version flag."""

from __future__ import annotations

import enum
from typing import Annotated, Optional

import typer

from aiworkforce.query.registry import QUERY_ENGINES
from aiworkforce.rdf.formats import EXPORT_SYNTAXES
from aiworkforce.reasoning.registry import REASONERS
from aiworkforce.validation.registry import SHACL_ENGINES


def _keep_argument_help() -> None:
    """click 8.5 sets a parameter's ``help`` in its own constructor, erasing the one Typer's ``TyperArgument``
    stored before calling it: every argument's help vanished from --help (``sparql``'s ``- for stdin``).
    Store it again after the constructor (harmless with a click that keeps it), and let Typer's "Arguments"
    section be the only one."""
    from functools import wraps

    try:
        import click
        from typer.core import TyperArgument, TyperCommand
    except ImportError:  # pragma: no cover - a Typer that vendors click under another name
        return

    init = TyperArgument.__init__
    if getattr(init, "keeps_help", False):
        return

    @wraps(init)
    def __init__(self, *args, help=None, **kwargs):  # noqa: A002 - click's name
        init(self, *args, help=help, **kwargs)
        self.help = help

    __init__.keeps_help = True
    TyperArgument.__init__ = __init__
    if hasattr(click.Command, "format_arguments"):  # click 8.5 lists arguments itself; Typer already does
        TyperCommand.format_arguments = lambda self, ctx, formatter: None


def _one_suggestion() -> dict:
    """click >= 8.4 suggests close command names itself (NoSuchCommand); Typer would append a second
    "Did you mean": let only one speak."""
    import inspect

    try:
        import click
    except ImportError:  # pragma: no cover - a Typer that vendors click
        return {}
    if hasattr(click.exceptions, "NoSuchCommand") and "suggest_commands" in inspect.signature(typer.Typer).parameters:
        return {"suggest_commands": False}
    return {}


_keep_argument_help()
app = typer.Typer(
    **_one_suggestion(),
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


def _choices(name: str, values) -> type[enum.Enum]:
    """A string enum for a Typer option whose choices come from the library (a registry, a table)."""
    return enum.Enum(name, {v: v for v in values}, type=str)


ShaclEngine = _choices("ShaclEngine", SHACL_ENGINES)
Reasoner = _choices("Reasoner", REASONERS)
Engine = _choices("Engine", QUERY_ENGINES)
#: RDF syntaxes of the closure that `reason` writes, and of whole-graph exports
RDFFormat = _choices("RDFFormat", ("ttl", "nt"))
GraphFormat = _choices("GraphFormat", EXPORT_SYNTAXES)


def _version_callback(value: bool) -> None:
    if value:
        from aiworkforce import __version__

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


_ENGINE_HELP = "Query engine. " + QUERY_ENGINES.help() + "."
_DATA_HELP = "Join your own RDF file with the shipped graph first (repeatable): Turtle, N-Triples, RDF/XML, ..."

class TemplateFormat(str, enum.Enum):
    yaml = "yaml"
    ttl = "ttl"

