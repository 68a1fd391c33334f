"""Counts of what the knowledge graph holds: instances per class and roles per layer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from aiworkforce.rdf.labels import label_of
from aiworkforce.rdf.namespaces import AIW

#: The root of the reported classes: the ontology's concept classes are its named subclasses.
CONCEPT = SKOS.Concept


@dataclass(frozen=True)
class ClassCount:
    iri: URIRef
    label: str
    count: int
    depth: int = 0  # 0 for a top class, 1 for its subclasses...


@dataclass(frozen=True)
class LayerCount:
    iri: URIRef
    label: str
    order: int
    roles: tuple[str, ...]  # preferred labels, sorted


@dataclass(frozen=True)
class Stats:
    triples: int
    classes: tuple[ClassCount, ...]
    layers: tuple[LayerCount, ...]

    def count(self, cls: URIRef) -> int:
        return next((c.count for c in self.classes if c.iri == cls), 0)


def _label(graph: Graph, node) -> str:
    for prop in (SKOS.prefLabel, RDFS.label):
        value = label_of(graph, node, predicate=prop)  # the English one: a term may have a label per language
        if value is not None:
            return value
    return graph.namespace_manager.normalizeUri(node)


def _direct_subclasses(graph: Graph) -> dict[URIRef, set[URIRef]]:
    """Map each class to its direct subclasses, from the graph's rdfs:subClassOf."""
    direct: dict[URIRef, set[URIRef]] = defaultdict(set)
    for sub, sup in graph.subject_objects(RDFS.subClassOf):
        direct[sup].add(sub)
    return direct


def _subclasses(graph: Graph, direct: dict | None = None) -> dict[URIRef, set[URIRef]]:
    """Map each class to itself and all its (transitive) subclasses, from the graph's rdfs:subClassOf."""
    direct = direct if direct is not None else _direct_subclasses(graph)
    closed: dict[URIRef, set[URIRef]] = {}

    def walk(cls):
        if cls not in closed:
            closed[cls] = {cls}
            for sub in direct.get(cls, ()):
                closed[cls] |= walk(sub)
        return closed[cls]

    for cls in list(direct):
        walk(cls)
    return closed


def instances(graph: Graph, cls: URIRef, subclasses: dict | None = None) -> set:
    """Everything typed with ``cls`` or one of its subclasses (no reasoning needed)."""
    subclasses = subclasses if subclasses is not None else _subclasses(graph)
    found = set()
    for c in subclasses.get(cls, {cls}):
        found.update(graph.subjects(RDF.type, c))
    return found


def _class_counts(graph: Graph, direct: dict, subs: dict) -> tuple[ClassCount, ...]:
    """The classes ``stats`` counts, read from the graph's own TBox: the named subclasses of skos:Concept in the
    ontology's namespace that are not deprecated and have members in ``graph``, depth first, siblings by label.
    Classes only reasoning fills (defined classes, or any class without asserted members) are left out, since
    the counts are of the asserted graph."""
    out: list[ClassCount] = []

    def visit(parent: URIRef, depth: int) -> None:
        counts = [ClassCount(c, _label(graph, c), len(instances(graph, c, subs)), depth)
                  for c in direct.get(parent, ())
                  if isinstance(c, URIRef) and str(c).startswith(str(AIW))
                  and (c, OWL.deprecated, Literal(True)) not in graph]
        for entry in sorted((c for c in counts if c.count), key=lambda c: (c.label.lower(), str(c.iri))):
            out.append(entry)
            visit(entry.iri, depth + 1)

    visit(CONCEPT, 0)
    return tuple(out)


def stats(graph: Graph) -> Stats:
    """Count instances per class of ``graph`` (an rdflib graph) and list the roles of each layer, in stack order."""
    direct = _direct_subclasses(graph)
    subs = _subclasses(graph, direct)
    classes = _class_counts(graph, direct, subs)
    layers = []
    roles = instances(graph, AIW.Role, subs)
    for layer in instances(graph, AIW.Layer, subs):
        members = {r for r in graph.subjects(AIW.inLayer, layer) if r in roles}
        members |= {r for r in graph.objects(layer, AIW.includesRole) if r in roles}
        order = graph.value(layer, AIW.stackOrder)
        layers.append(
            LayerCount(
                iri=layer,
                label=_label(graph, layer),
                order=int(order) if order is not None else 999,
                roles=tuple(sorted(_label(graph, r) for r in members)),
            )
        )
    layers.sort(key=lambda l: (l.order, l.label))
    return Stats(triples=len(graph), classes=classes, layers=tuple(layers))
