"""What changed between two versions of the knowledge graph, compared as RDF graphs (in the manner of ROBOT diff).

:func:`diff_graphs` compares two asserted graphs term by term. A *term* is an IRI that has a type and a label
(``skos:prefLabel`` or ``rdfs:label``): layers, roles, skills, concerns, classes, properties... For each one it
reports whether it was added or removed, and for a term in both, every property whose values changed, old and new
values side by side: a changed ``skos:prefLabel`` is a relabelling (per language), a changed ``skos:definition`` a
redefinition, and every other property a change of links, named by the ontology's own label of the property ("in
layer" for a role moved between layers, "requires essential skill" for skills added to or removed from a role,
"broad match" for an alignment). Nothing here lists the properties: what a change is called comes from the graph.

Triples about nodes that are not terms (the reified statements of evidence.ttl, class expressions written with
blank nodes) are counted, not listed. Blank nodes are compared as graphs (isomorphism), so rewriting the same
axiom does not count as a change.

:func:`load_side` reads one side: a release folder (its ``aiworkforce-VERSION-base.ttl``), a folder of Turtle files
(``ontology/``) or one RDF file. A release's base graph carries ``rdfs:label`` copied from the preferred labels
(:func:`~aiworkforce.publish.labels.with_rdfs_labels`); both sides get the same treatment, so comparing a release
with a folder of sources shows only real changes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, RDFS, SKOS

from aiworkforce.errors import InputError, UsageError
from aiworkforce.publish.labels import with_rdfs_labels
from aiworkforce.rdf.labels import label_of, pick_label
from aiworkforce.rdf.load import parse_file, parse_files
from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import from_rdflib

#: What a change of these properties is called in the report; every other property is a change of links.
RELABELLED = SKOS.prefLabel
REDEFINED = SKOS.definition


@dataclass(frozen=True)
class TermRef:
    """A term of one side: its IRI, label and kind (not an RDF term: see :mod:`aiworkforce.rdf.terms`)."""

    iri: str
    label: str
    kind: str  # the label of its most specific asserted class


@dataclass(frozen=True)
class Change:
    """The values of one property of one term, before and after."""

    term: TermRef
    property: str  # IRI
    property_label: str
    removed: tuple[str, ...]
    added: tuple[str, ...]


@dataclass(frozen=True)
class GraphDiff:
    old: str
    new: str
    added: tuple[TermRef, ...] = ()
    removed: tuple[TermRef, ...] = ()
    changes: tuple[Change, ...] = ()
    other_added: int = 0  # triples not about a term (evidence statements, ...) only in the new graph
    other_removed: int = 0
    anonymous_changed: bool = False  # the blank-node parts (class expressions, lists) differ
    triples: dict = field(default_factory=dict)  # "old"/"new" -> number of triples

    @property
    def same(self) -> bool:
        return not (self.added or self.removed or self.changes or self.other_added or self.other_removed
                    or self.anonymous_changed)

    def relabelled(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.property == str(RELABELLED))

    def redefined(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.property == str(REDEFINED))

    def links(self) -> dict[str, tuple[Change, ...]]:
        """The other changes by property label, in label order."""
        out: dict[str, list[Change]] = defaultdict(list)
        for c in self.changes:
            if c.property not in (str(RELABELLED), str(REDEFINED)):
                out[c.property_label].append(c)
        return {k: tuple(v) for k, v in sorted(out.items())}


def load_side(path: str | Path) -> Graph:
    """The asserted graph of a release folder, a folder of Turtle files or one RDF file, with ``rdfs:label`` on
    every labelled individual (as a release writes it)."""
    path = Path(path)
    if path.is_dir():
        base = sorted(path.glob("aiworkforce-*-base.ttl"))
        if len(base) == 1:
            graph = parse_file(base[0])
        else:
            files = sorted(path.glob("*.ttl"))
            if not files:
                raise UsageError(f"{path} holds neither a release (aiworkforce-VERSION-base.ttl) nor Turtle files",
                                 hint="give a release folder, a folder of .ttl files or an RDF file")
            graph = parse_files(files)
    elif path.exists():
        graph = parse_file(path)
    else:
        raise InputError("no such file or folder", path=path, hint="give a release folder, a folder or an RDF file")
    return with_rdfs_labels(graph)


def _show(graph: Graph, node) -> str:
    if isinstance(node, Literal):
        return f"{node}@{node.language}" if node.language else str(node)
    return label_of(graph, node) or label_of(graph, node, predicate=RDFS.label) or from_rdflib(node).compact(PREFIXES)


def _terms(graph: Graph) -> dict[URIRef, TermRef]:
    labels = {s for p in (SKOS.prefLabel, RDFS.label) for s in graph.subjects(p, None) if isinstance(s, URIRef)}
    terms = {}
    for s in labels:
        types = [t for t in graph.objects(s, RDF.type) if isinstance(t, URIRef)]
        if not types:
            continue
        specific = [t for t in types if not any((u, RDFS.subClassOf, t) in graph for u in types if u != t)]
        kind = min((label_of(graph, t, predicate=RDFS.label) or from_rdflib(t).compact(PREFIXES)) for t in specific)
        label = pick_label(graph.objects(s, SKOS.prefLabel)) or pick_label(graph.objects(s, RDFS.label)) or str(s)
        terms[s] = TermRef(str(s), label, kind)
    return terms


def _split(graph: Graph) -> tuple[set, Graph]:
    """The ground triples of ``graph`` and a graph of those with a blank node."""
    ground, anonymous = set(), Graph()
    for triple in graph:
        if any(isinstance(x, BNode) for x in triple):
            anonymous.add(triple)
        else:
            ground.add(triple)
    return ground, anonymous


def diff_graphs(old: Graph, new: Graph, *, old_name: str = "old", new_name: str = "new") -> GraphDiff:
    """Compare ``old`` with ``new`` (rdflib graphs): terms added and removed, and each changed property."""
    old_terms, new_terms = _terms(old), _terms(new)
    old_ground, old_anon = _split(old)
    new_ground, new_anon = _split(new)
    gone, came = old_ground - new_ground, new_ground - old_ground
    added = sorted((new_terms[t] for t in new_terms.keys() - old_terms.keys()), key=lambda t: (t.kind, t.label))
    removed = sorted((old_terms[t] for t in old_terms.keys() - new_terms.keys()), key=lambda t: (t.kind, t.label))
    both = old_terms.keys() & new_terms.keys()
    by_key: dict[tuple, list[list]] = defaultdict(lambda: [[], []])
    other_removed = other_added = 0
    for side, triples, graph in ((0, gone, old), (1, came, new)):
        for s, p, o in triples:
            if s in both:
                by_key[(s, p)][side].append(_show(graph, o))
            elif s not in (old_terms if side == 0 else new_terms):
                if side == 0:
                    other_removed += 1
                else:
                    other_added += 1
    changes = []
    for (s, p), (was, now) in by_key.items():
        if p == RDFS.label and (s, SKOS.prefLabel, None) in new:
            continue  # the copy of the preferred label a release carries: reported as a relabelling
        prop_label = label_of(new, p, predicate=RDFS.label) or label_of(old, p, predicate=RDFS.label) \
            or from_rdflib(p).compact(PREFIXES)
        changes.append(Change(new_terms[s], str(p), prop_label, tuple(sorted(was)), tuple(sorted(now))))
    changes.sort(key=lambda c: (c.term.kind, c.term.label, c.property_label))
    return GraphDiff(old_name, new_name, tuple(added), tuple(removed), tuple(changes), other_added, other_removed,
                     not isomorphic(old_anon, new_anon), {"old": len(old), "new": len(new)})


def diff_paths(old: str | Path, new: str | Path) -> GraphDiff:
    """:func:`diff_graphs` of two releases, folders of Turtle files or RDF files (see :func:`load_side`)."""
    return diff_graphs(load_side(old), load_side(new), old_name=str(old), new_name=str(new))
