"""aiworkforce: a knowledge graph of the AI workforce, with the tools to validate, reason over and query it.

The library API mirrors the command line: :func:`aiworkforce.load.load_core`,
:func:`aiworkforce.validate.validate`, :func:`aiworkforce.reason.reason`, :func:`aiworkforce.stats.stats`.
Modules are imported lazily so that ``import aiworkforce`` stays cheap.
"""

from __future__ import annotations


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aiworkforce")
    except PackageNotFoundError:  # running from a checkout without installing: read the ontology header
        from .ontology import ontology_version

        return ontology_version()


def __getattr__(name: str):
    if name == "__version__":
        value = _version()
        globals()["__version__"] = value
        return value
    raise AttributeError(f"module 'aiworkforce' has no attribute {name!r}")
