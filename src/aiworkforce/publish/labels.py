"""``rdfs:label`` on every individual, copied from its preferred labels, for the tools that read only ``rdfs:label``.

OAK, owlready2 and Protégé show an individual by its ``rdfs:label``; the knowledge graph names individuals with
``skos:prefLabel`` (one per language). SKOS declares ``skos:prefLabel rdfs:subPropertyOf rdfs:label``, so every
preferred label is also an ``rdfs:label``: :func:`with_rdfs_labels` writes that entailment out, in every language,
for each subject that has preferred labels and no ``rdfs:label`` of its own.

It is materialised in the release files only, not asserted in ``ontology/``: the sources keep one way of naming an
individual (the shapes and contributors deal with ``skos:prefLabel`` alone, and no second copy can drift from the
first), while everyone who loads a release file (the base or full graph, in any syntax) gets names.
"""

from __future__ import annotations

from rdflib import Graph, URIRef
from rdflib.namespace import RDFS, SKOS


def with_rdfs_labels(graph: Graph) -> Graph:
    """A copy of ``graph`` (left unchanged) with ``rdfs:label`` = each ``skos:prefLabel`` of every IRI that has
    preferred labels and no ``rdfs:label``."""
    out = Graph()
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace, override=True)
    out += graph
    for subject in {s for s in graph.subjects(SKOS.prefLabel, None) if isinstance(s, URIRef)}:
        if (subject, RDFS.label, None) not in graph:
            for label in graph.objects(subject, SKOS.prefLabel):
                out.add((subject, RDFS.label, label))
    return out
