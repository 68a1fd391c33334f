"""aiworkforce: a knowledge graph of the AI workforce, with the tools to validate, reason over and query it.

The library API mirrors the command line. Build one :class:`KnowledgeGraph` (the shipped graph, optionally
joined with your RDF files) and hand it to the function you need::

    from aiworkforce import KnowledgeGraph, audit, reason, run_query, validate

    kg = KnowledgeGraph(["my-roles.ttl"])        # or KnowledgeGraph() for the shipped graph alone
    result = run_query(kg, "skills-for-role", {"role": "Data Engineer"})
    report = audit(kg)                           # SHACL shapes, quality checks, OWL 2 RL profile, consistency
    closure = reason(kg.asserted).closure        # an rdflib Graph
    shacl = validate(kg.asserted)                # a ValidationReport

Names are imported on first use, so that ``import aiworkforce`` (and every command's start-up) stays cheap.
"""

from __future__ import annotations

import importlib

#: public name -> module that defines it
_API = {
    "KnowledgeGraph": "aiworkforce.graph",
    "RemoteGraph": "aiworkforce.graph",
    "audit": "aiworkforce.validation.audit",
    "validate": "aiworkforce.validation.validate",
    "reason": "aiworkforce.reasoning.closure",
    "run_query": "aiworkforce.query.run",
    "run_sparql": "aiworkforce.query.run",
    "describe": "aiworkforce.query.describe",
    "explain": "aiworkforce.query.describe",
    "search": "aiworkforce.query.search",
    "stats": "aiworkforce.query.stats",
    "check_contributions": "aiworkforce.contributions.check",
    "add_contributions": "aiworkforce.contributions.merge",
    "export_graph": "aiworkforce.publish.export",
    "release": "aiworkforce.publish.release",
    "AiworkforceError": "aiworkforce.errors",
}

__all__ = ["__version__", *_API]


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aiworkforce")
    except PackageNotFoundError:  # running from a checkout without installing: read the ontology header
        from aiworkforce.rdf.resources import ontology_version

        return ontology_version()


def __getattr__(name: str):
    if name == "__version__":
        value = _version()
    elif name in _API:
        value = getattr(importlib.import_module(_API[name]), name)
    else:
        raise AttributeError(f"module 'aiworkforce' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
