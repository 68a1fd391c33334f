"""The project's IRIs and prefixes as plain strings (no rdflib import: the query path stays fast)."""

from __future__ import annotations

BASE = "https://w3id.org/aiworkforce/"
ONTOLOGY_IRI = BASE + "ontology"

#: Kinds of individual, each with its own slug namespace below :data:`BASE`.
INDIVIDUAL_KINDS = ("role", "layer", "skill", "concern", "sector", "question", "scheme", "source")

PREFIXES: dict[str, str] = {
    "aiw": BASE + "ontology#",
    "aiws": BASE + "shapes#",
    **{kind: f"{BASE}{kind}/" for kind in INDIVIDUAL_KINDS if kind != "source"},
    "src": BASE + "source/",  # the article and its sections, as the ontology files write them
    "owl": "http://www.w3.org/2002/07/owl#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "sh": "http://www.w3.org/ns/shacl#",
    "vann": "http://purl.org/vocab/vann/",
    "schema": "https://schema.org/",
    "isco": "http://data.europa.eu/esco/isco/",
    "esco": "http://data.europa.eu/esco/occupation/",
    "onet": "https://www.onetonline.org/link/summary/",
}
