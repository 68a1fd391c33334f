"""An engine-neutral RDF term, so results from pyoxigraph and rdflib compare and render the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

XSD = "http://www.w3.org/2001/XMLSchema#"
_PLAIN = {None, XSD + "string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long", "nonNegativeInteger")}


#: Characters an IRI may not hold (RFC 3987 and the N-Triples/Turtle IRIREF production): controls, space, <>"{}|^`\
IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20\x7f]')


@dataclass(frozen=True)
class Term:
    """An IRI, blank node or literal. ``value`` is the IRI, the blank node label or the lexical form."""

    kind: str  # "iri" | "bnode" | "literal"
    value: str
    datatype: str | None = None
    language: str | None = None

    @classmethod
    def iri(cls, value: str) -> Term:
        return cls("iri", value)

    @classmethod
    def literal(cls, value: str, datatype: str | None = None, language: str | None = None) -> Term:
        return cls("literal", value, None if datatype in _PLAIN else datatype, language or None)

    @property
    def is_iri(self) -> bool:
        return self.kind == "iri"

    @property
    def number(self) -> Decimal | None:
        """The numeric value of a numeric literal (lexical forms differ between engines: ``0.5`` vs ``0.50``)."""
        if self.kind == "literal" and self.datatype in _NUMERIC:
            try:
                return Decimal(self.value)
            except InvalidOperation:
                return None
        return None

    def key(self) -> tuple:
        """A comparison key equal for terms that mean the same value."""
        number = self.number
        if number is not None:
            return ("number", number.normalize())
        return (self.kind, self.value, self.datatype or "", (self.language or "").lower())  # tags are case-insensitive

    def ntriples(self) -> str:
        if self.kind == "iri":
            return f"<{self.value}>"
        if self.kind == "bnode":
            return f"_:{self.value}"
        escaped = (self.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
                   .replace("\r", "\\r"))
        if self.language:
            return f'"{escaped}"@{self.language}'
        if self.datatype:
            return f'"{escaped}"^^<{self.datatype}>'
        return f'"{escaped}"'

    def compact(self, prefixes: dict[str, str]) -> str:
        """IRIs as CURIEs where a prefix fits (longest namespace first); literals as their lexical form."""
        if self.kind != "iri":
            return self.value
        best = None
        for prefix, namespace in prefixes.items():
            if self.value.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
                best = (prefix, namespace)
        if best:
            local = self.value[len(best[1]):]
            if (local and all(c.isalnum() or c in "-_." for c in local)
                    and not local.endswith(".") and not local.startswith((".", "-"))):  # valid in Turtle too
                return f"{best[0]}:{local}"
        return self.value


def from_oxigraph(node) -> Term | None:
    if node is None:
        return None
    kind = _OXIGRAPH_KINDS.get(type(node))
    if kind is None:
        import pyoxigraph

        _OXIGRAPH_KINDS.update({pyoxigraph.NamedNode: "iri", pyoxigraph.BlankNode: "bnode",
                                pyoxigraph.Literal: "literal"})
        kind = _OXIGRAPH_KINDS.get(type(node), "literal")
    if kind != "literal":
        return Term(kind, node.value)
    datatype = node.datatype.value  # every pyoxigraph literal has one: xsd:string, rdf:langString or its own
    return Term(kind, node.value, None if datatype in _PLAIN else datatype, node.language or None)


def rows_from_oxigraph(solutions) -> tuple[tuple[str, ...], tuple[tuple[Term | None, ...], ...]]:
    """The variables and rows of pyoxigraph ``QuerySolutions`` as :class:`Term` tuples (None where unbound).

    Each distinct node is converted once: a result repeats the same layers, classes and languages on every row."""
    variables = tuple(v.value for v in solutions.variables)
    columns = range(len(variables))
    seen: dict = {None: None}
    rows = []
    for solution in solutions:
        row = []
        for i in columns:
            node = solution[i]
            term = seen.get(node, seen)
            if term is seen:
                term = seen[node] = from_oxigraph(node)
            row.append(term)
        rows.append(tuple(row))
    return variables, tuple(rows)


#: pyoxigraph's term classes and their kind, filled on first use (pyoxigraph is imported only when needed)
_OXIGRAPH_KINDS: dict = {}


def to_oxigraph(term: Term):
    import pyoxigraph

    if term.kind == "iri":
        return pyoxigraph.NamedNode(term.value)
    if term.kind == "bnode":
        return pyoxigraph.BlankNode(term.value)
    if term.language:
        return pyoxigraph.Literal(term.value, language=term.language)
    if term.datatype:
        return pyoxigraph.Literal(term.value, datatype=pyoxigraph.NamedNode(term.datatype))
    return pyoxigraph.Literal(term.value)


def from_rdflib(node) -> Term | None:
    if node is None:
        return None
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, URIRef):
        return Term.iri(str(node))
    if isinstance(node, BNode):
        return Term("bnode", str(node))
    if isinstance(node, Literal):
        return Term.literal(str(node), str(node.datatype) if node.datatype else None, node.language)
    raise TypeError(f"not an RDF term: {node!r}")


def to_rdflib(term: Term):
    from rdflib import BNode, Literal, URIRef

    if term.kind == "iri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    return Literal(term.value, lang=term.language, datatype=URIRef(term.datatype) if term.datatype else None)
