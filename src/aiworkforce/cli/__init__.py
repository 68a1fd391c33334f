"""The ``aiworkforce`` command line: argument parsing and rendering only.

One module per command group; each command calls one library function and renders its result object.
Library errors (:class:`aiworkforce.errors.AiworkforceError`) become one message on stderr and the exit code
the error carries (see the README's table of exit codes). Data goes to stdout, messages to stderr.
"""

from __future__ import annotations

import os
import sys

import typer

from aiworkforce.errors import AiworkforceError
from ._app import app

#: Command-group modules, in the order their commands appear in --help. Each registers its commands on ``app``.
GROUPS = ("graph", "questions", "contributions", "serve", "remote")


def _register() -> None:
    import importlib
    import pkgutil

    present = {m.name for m in pkgutil.iter_modules(__path__)}
    for name in [g for g in GROUPS if g in present] + sorted(present - set(GROUPS) - {"_app"}):
        importlib.import_module(f"{__name__}.{name}")


_register()

__all__ = ["app", "main"]


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


def _quiet_libraries() -> None:
    """rdflib logs warnings (and even tracebacks, for ill-typed literals) on stderr; the CLI reports problems
    itself, so those logs are silenced here, when the command runs, never at import."""
    import logging

    for name in ("rdflib", "pyshacl", "owlrl"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.CRITICAL + 1)
        logger.propagate = False


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the app, mapping library errors to one stderr line and an exit code."""
    _quiet_libraries()
    try:
        result = app(args=argv, standalone_mode=False)
    except AiworkforceError as exc:
        typer.echo(f"aiworkforce: error: {exc}", err=True)
        return exc.exit_code
    except typer.Exit as exc:
        return exc.exit_code
    except (typer.Abort, KeyboardInterrupt):
        result = 130
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
    if result == 130:  # Ctrl-C, caught above or turned into exit 130 by Typer itself (silently)
        typer.echo("aiworkforce: interrupted", err=True)
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
