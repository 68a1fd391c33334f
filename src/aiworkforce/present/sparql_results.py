"""SPARQL results and RDF graphs as bytes: the SPARQL 1.1 result formats and the RDF syntaxes.

* :func:`serialize_results` - SELECT rows or an ASK boolean as SPARQL Results JSON, XML, CSV or TSV;
* :func:`serialize_graph` - CONSTRUCT/DESCRIBE triples as Turtle, N-Triples, JSON-LD or RDF/XML.

Both take pyoxigraph terms, as a query over a :class:`pyoxigraph.Store` returns them, and know nothing of HTTP
(which format a client gets is the server's business: :mod:`aiworkforce.server.negotiation`). Like Oxigraph's
``sparesults``, this is a unit the SPARQL endpoint and any client can share.
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import from_oxigraph, to_rdflib

__all__ = ["serialize_graph", "serialize_results"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_SRX = "http://www.w3.org/2005/sparql-results#"


def _ox_kind(node) -> str:
    if isinstance(node, ox.NamedNode):
        return "uri"
    if isinstance(node, ox.BlankNode):
        return "bnode"
    if isinstance(node, ox.Literal):
        return "literal"
    return "triple"


def _ox_datatype(node) -> str | None:
    datatype = node.datatype.value if node.datatype is not None else None
    return None if datatype in (None, _XSD_STRING, _LANG_STRING) else datatype


def _json_term(node) -> dict:
    kind = _ox_kind(node)
    if kind == "literal":
        out = {"type": "literal", "value": node.value}
        if node.language:
            out["xml:lang"] = node.language
        elif _ox_datatype(node):
            out["datatype"] = _ox_datatype(node)
        return out
    if kind == "triple":
        return {"type": "triple", "value": {"subject": _json_term(node.subject),
                                            "predicate": _json_term(node.predicate),
                                            "object": _json_term(node.object)}}
    return {"type": kind, "value": node.value}


def _xml_term(node) -> str:
    kind = _ox_kind(node)
    if kind == "uri":
        return f"<uri>{escape(node.value)}</uri>"
    if kind == "bnode":
        return f"<bnode>{escape(node.value)}</bnode>"
    if kind == "literal":
        if node.language:
            return f"<literal xml:lang={quoteattr(node.language)}>{escape(node.value)}</literal>"
        if _ox_datatype(node):
            return f"<literal datatype={quoteattr(_ox_datatype(node))}>{escape(node.value)}</literal>"
        return f"<literal>{escape(node.value)}</literal>"
    return (f"<triple><subject>{_xml_term(node.subject)}</subject><predicate>{_xml_term(node.predicate)}"
            f"</predicate><object>{_xml_term(node.object)}</object></triple>")


def _csv_cell(node) -> str:
    if node is None:
        return ""
    if _ox_kind(node) == "bnode":
        return f"_:{node.value}"
    return node.value if _ox_kind(node) != "triple" else str(node)


def _tsv_cell(node) -> str:
    if node is None:
        return ""
    return str(node).replace("\t", "\\t")  # pyoxigraph's str() is the N-Triples/Turtle form


def serialize_results(fmt: str, variables: list[str], rows: list[list], boolean: bool | None = None) -> bytes:
    """SPARQL results (SELECT rows of pyoxigraph terms, or an ASK boolean) in ``fmt``: json, xml, csv or tsv."""
    if fmt == "json":
        if boolean is not None:
            doc = {"head": {}, "boolean": boolean}
        else:
            bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
            doc = {"head": {"vars": variables}, "results": {"bindings": bindings}}
        return json.dumps(doc, ensure_ascii=False).encode()
    if fmt == "xml":
        parts = ['<?xml version="1.0" encoding="utf-8"?>\n', f'<sparql xmlns="{_SRX}">', "<head>"]
        if boolean is not None:
            parts += ["</head>", f"<boolean>{str(boolean).lower()}</boolean>", "</sparql>\n"]
            return "".join(parts).encode()
        parts += [f"<variable name={quoteattr(v)}/>" for v in variables]
        parts += ["</head>", "<results>"]
        for row in rows:
            parts.append("<result>")
            parts += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                      for v, t in zip(variables, row) if t is not None]
            parts.append("</result>")
        parts += ["</results>", "</sparql>\n"]
        return "\n".join(parts).encode()
    if fmt in ("csv", "tsv"):
        if boolean is not None:  # not defined by the CSV/TSV spec; the convention of Jena and others
            variables, rows = ["_askResult"], [[str(boolean).lower()]]
            cell = str
        else:
            cell = _csv_cell if fmt == "csv" else _tsv_cell
        if fmt == "tsv":
            lines = ["\t".join(f"?{v}" if boolean is None else v for v in variables)]
            lines += ["\t".join(cell(t) for t in row) for row in rows]
            return ("\n".join(lines) + "\n").encode()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([cell(t) for t in row])
        return out.getvalue().encode()
    raise ValueError(f"unknown result format {fmt!r}")


def _used_prefixes(triples) -> dict[str, str]:
    namespaces = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))
    used: dict[str, str] = {}
    for triple in triples:
        for node in (triple.subject, triple.predicate, triple.object):
            if isinstance(node, ox.Literal) and node.datatype is not None:
                node = node.datatype
            if isinstance(node, ox.NamedNode):
                for prefix, namespace in namespaces:
                    if node.value.startswith(namespace):
                        used[prefix] = namespace
                        break
    return dict(sorted(used.items()))


def serialize_graph(fmt: str, triples: list) -> bytes:
    """pyoxigraph triples in ``fmt``: turtle, nt, rdfxml or jsonld."""
    if fmt == "jsonld" and not hasattr(ox.RdfFormat, "JSON_LD"):  # pyoxigraph 0.4 cannot write JSON-LD
        # Imported here, not at the top: rdflib takes 150-200 ms to import (measured), and only this fallback
        # for pyoxigraph 0.4 needs it.
        from rdflib import Graph

        graph = Graph()
        for t in triples:
            graph.add(tuple(to_rdflib(from_oxigraph(n)) for n in (t.subject, t.predicate, t.object)))
        return graph.serialize(format="json-ld").encode()
    formats = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML}
    if fmt == "jsonld":
        formats["jsonld"] = ox.RdfFormat.JSON_LD
    if fmt == "nt":
        return ox.serialize(triples, format=formats[fmt]) or b""
    prefixes = _used_prefixes(triples) if fmt in ("turtle", "rdfxml") else {}
    try:
        return ox.serialize(triples, format=formats[fmt], prefixes=prefixes) or b""
    except TypeError:  # pragma: no cover - a pyoxigraph without the prefixes argument
        return ox.serialize(triples, format=formats[fmt]) or b""
