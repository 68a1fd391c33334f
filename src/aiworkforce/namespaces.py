"""The project's namespaces and the prefixes it binds in every graph it writes."""

from __future__ import annotations

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS, XSD

BASE = "https://w3id.org/aiworkforce/"
AIW = Namespace(BASE + "ontology#")
AIWS = Namespace(BASE + "shapes#")
ONTOLOGY_IRI = BASE + "ontology"
VANN = Namespace("http://purl.org/vocab/vann/")
SCHEMA = Namespace("https://schema.org/")

#: Kinds of individual, each with its own slug namespace below :data:`BASE`.
INDIVIDUAL_KINDS = ("role", "layer", "skill", "concern", "sector", "question", "scheme", "source")

PREFIXES: dict[str, str] = {
    "aiw": str(AIW),
    "aiws": str(AIWS),
    **{kind: f"{BASE}{kind}/" for kind in INDIVIDUAL_KINDS},
    "owl": str(OWL),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "sh": str(SH),
    "vann": str(VANN),
    "schema": str(SCHEMA),
    "isco": "http://data.europa.eu/esco/isco/",
    "esco": "http://data.europa.eu/esco/occupation/",
    "onet": "https://www.onetonline.org/link/summary/",
}


def bind_all(graph: Graph) -> None:
    """Bind the project's prefixes on ``graph`` (replacing rdflib's defaults for the same names)."""
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
