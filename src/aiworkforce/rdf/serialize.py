"""Serialising rdflib graphs with the project's prefixes."""

from __future__ import annotations

from rdflib import Graph

from aiworkforce.rdf.namespaces import bind_all


def serialize(graph: Graph, fmt: str) -> str:
    """Serialise ``graph`` with the project's prefixes; N-Triples output is sorted so it diffs cleanly."""
    bind_all(graph)
    text = graph.serialize(format=fmt)
    if fmt in ("nt", "ntriples"):
        lines = sorted(line for line in text.splitlines() if line.strip())
        text = "\n".join(lines) + ("\n" if lines else "")
    return text
