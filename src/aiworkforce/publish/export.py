"""The whole knowledge graph as one RDF file, asserted or with its reasoned closure."""

from __future__ import annotations

from aiworkforce.errors import UsageError
from aiworkforce.graph import KnowledgeGraph
from aiworkforce.rdf.formats import EXPORT_SYNTAXES, by_name
from aiworkforce.rdf.serialize import serialize


def export_graph(graph: KnowledgeGraph, fmt: str = "ttl", *, inferred: bool = False) -> str:
    """``graph`` as text in ``fmt`` (ttl, nt, xml, jsonld): asserted only, or with its clean closure."""
    if fmt not in EXPORT_SYNTAXES:
        raise UsageError(f"unknown export format {fmt!r}", hint=f"choose one of: {', '.join(EXPORT_SYNTAXES)}")
    return serialize(graph.reasoned if inferred else graph.asserted, by_name(fmt).rdflib)
