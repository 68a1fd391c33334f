"""The one table of RDF syntaxes: names, file suffixes, media types and the parser/serialiser names of rdflib
and pyoxigraph. Everything that reads, writes, exports, releases or serves RDF looks syntaxes up here.

No rdflib or pyoxigraph import: the command line reads this table to build its options.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aiworkforce.errors import InputError, UsageError


@dataclass(frozen=True)
class RDFSyntax:
    name: str  # the short name the command line uses: ttl, nt, xml, jsonld, ...
    label: str  # for people: "Turtle"
    suffixes: tuple[str, ...]  # file suffixes, the first is the one written
    media_type: str
    rdflib: str | None  # rdflib's parser/serialiser name (None: rdflib is not used for it)
    oxigraph: str | None  # the pyoxigraph.RdfFormat attribute (None: pyoxigraph cannot parse it)


SYNTAXES: tuple[RDFSyntax, ...] = (
    RDFSyntax("ttl", "Turtle", (".ttl", ".turtle"), "text/turtle", "turtle", "TURTLE"),
    RDFSyntax("nt", "N-Triples", (".nt",), "application/n-triples", "nt", "N_TRIPLES"),
    RDFSyntax("xml", "RDF/XML", (".rdf", ".owl", ".xml"), "application/rdf+xml", "xml", "RDF_XML"),
    RDFSyntax("jsonld", "JSON-LD", (".jsonld",), "application/ld+json", "json-ld", None),
    RDFSyntax("nq", "N-Quads", (".nq",), "application/n-quads", None, "N_QUADS"),
    RDFSyntax("trig", "TriG", (".trig",), "application/trig", None, "TRIG"),
    RDFSyntax("n3", "N3", (".n3",), "text/n3", "n3", None),
)

#: The syntaxes a whole graph is exported and released in, by command-line name.
EXPORT_SYNTAXES = ("ttl", "nt", "xml", "jsonld")


def by_name(name: str) -> RDFSyntax:
    for syntax in SYNTAXES:
        if syntax.name == name:
            return syntax
    raise UsageError(f"unknown RDF format {name!r}", hint=f"choose one of: {', '.join(s.name for s in SYNTAXES)}")


def by_suffix(path: Path, *, engine: str = "rdflib") -> RDFSyntax:
    """The syntax of ``path`` by its suffix, among those ``engine`` (``rdflib`` or ``oxigraph``) can parse."""
    usable = [s for s in SYNTAXES if getattr(s, engine)]
    suffix = path.suffix.lower()
    for syntax in usable:
        if suffix in syntax.suffixes:
            return syntax
    raise InputError(f"unknown RDF file type {path.suffix or '(no suffix)'!r}", path=path,
                     hint=f"use one of {', '.join(sorted(x for s in usable for x in s.suffixes))}")


def rdflib_suffixes() -> tuple[str, ...]:
    """Every file suffix rdflib parses (contributions may be written in any of them)."""
    return tuple(x for s in SYNTAXES if s.rdflib for x in s.suffixes)
