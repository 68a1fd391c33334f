"""A deterministic Turtle writer: the same graph always gives the same text, sorted and stably formatted,
so a diff of a knowledge-base module shows exactly the terms that changed."""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF

from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import Term

#: Predicates written first, in this order; the rest follow sorted by CURIE.
_FIRST = [
    RDF.type,
    URIRef(PREFIXES["skos"] + "inScheme"),
    URIRef(PREFIXES["skos"] + "prefLabel"),
    URIRef(PREFIXES["skos"] + "altLabel"),
    URIRef(PREFIXES["skos"] + "definition"),
    URIRef(PREFIXES["skos"] + "notation"),
]


def _iri(node: URIRef, used: set[str]) -> str:
    if node == RDF.type:
        return "a"
    curie = Term.iri(str(node)).compact(PREFIXES)
    if curie == str(node):
        return f"<{node}>"
    used.add(curie.split(":", 1)[0])
    return curie


def _literal(node: Literal, used: set[str]) -> str:
    text = (str(node).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
            .replace("\t", "\\t"))
    if node.language:
        return f'"{text}"@{node.language}'
    if node.datatype and str(node.datatype) != PREFIXES["xsd"] + "string":
        return f'"{text}"^^{_iri(node.datatype, used)}'
    return f'"{text}"'


def _term(node, used: set[str]) -> str:
    if isinstance(node, URIRef):
        return _iri(node, used)
    if isinstance(node, Literal):
        return _literal(node, used)
    raise ValueError("blank nodes are not written by the deterministic writer; give the node an IRI")


def _sort_key(node) -> tuple:
    return (0 if isinstance(node, URIRef) else 1, str(node), str(getattr(node, "language", "") or ""))


def write_module(graph: Graph, *, header: str, sections: list[tuple[str, list[URIRef]]]) -> str:
    """Turtle text for ``graph``: a header comment, the prefixes it uses, then each section's subjects in order.

    Subjects not listed in any section go to a final "Other terms" section. Blank nodes are refused.
    """
    if any(isinstance(x, BNode) for t in graph for x in t):
        raise ValueError("blank nodes are not written by the deterministic writer")
    used: set[str] = set()
    listed = {s for _, subjects in sections for s in subjects}
    rest = sorted({s for s in graph.subjects() if s not in listed}, key=str)
    blocks: list[str] = []
    for title, subjects in [*sections, ("Other terms", rest)]:
        present = sorted({s for s in subjects if (s, None, None) in graph}, key=str)
        if not present:
            continue
        blocks.append(f"## {title}\n")
        for subject in present:
            predicates = sorted(set(graph.predicates(subject)),
                                key=lambda p: (_FIRST.index(p) if p in _FIRST else len(_FIRST), _iri(p, set())))
            lines = [_term(subject, used)]
            for i, predicate in enumerate(predicates):
                objects = ", ".join(_term(o, used) for o in sorted(graph.objects(subject, predicate), key=_sort_key))
                end = " ." if i == len(predicates) - 1 else " ;"
                lines.append(f"    {_iri(predicate, used)} {objects}{end}")
            blocks.append("\n".join(lines) + "\n")
    prefixes = "".join(f"@prefix {p}: <{PREFIXES[p]}> .\n" for p in sorted(used))
    comment = "".join(f"# {line}".rstrip() + "\n" for line in header.strip().splitlines())
    return comment + "\n" + prefixes + "\n" + "\n".join(blocks)
