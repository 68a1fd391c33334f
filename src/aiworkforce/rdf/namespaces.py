"""The project's namespaces as rdflib objects, and binding its prefixes on graphs."""

from __future__ import annotations

from rdflib import Graph, Namespace

from aiworkforce.rdf.prefixes import BASE, INDIVIDUAL_KINDS, ONTOLOGY_IRI, PREFIXES  # noqa: F401 - re-exported

AIW = Namespace(PREFIXES["aiw"])
AIWS = Namespace(PREFIXES["aiws"])
VANN = Namespace(PREFIXES["vann"])
SCHEMA = Namespace(PREFIXES["schema"])



def bind_all(graph: Graph) -> None:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults for the same names)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
