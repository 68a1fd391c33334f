"""A read-only SPARQL 1.1 Protocol endpoint over the reasoned graph, with web pages for people.

Standard library only: :class:`http.server.ThreadingHTTPServer` speaks HTTP; every query runs in one of a
small pool of long-lived worker *processes*, each holding its own pyoxigraph store loaded from the cached
closure (:func:`aiworkforce.engines.open_engine`). A query that runs past the time limit is stopped for real:
its worker is killed and replaced, and the client gets ``504``. The HTTP process itself never loads the graph.

Routes (see the README's "Serve" section):

* ``/sparql`` (also ``/query``, as Oxigraph and Fuseki name it) - the SPARQL 1.1 Protocol: ``GET ?query=``, ``POST`` form (``query=``), ``POST``
  ``application/sparql-query``; results negotiated by ``Accept``; updates are refused (403); ``SERVICE``,
  ``FROM`` and ``LOAD`` are refused (400, :func:`aiworkforce.safety.check_query`). Without a query it answers
  the SPARQL service description.
* ``/`` - every stored query with its parameters and a Run button, plus a free SPARQL box.
* ``/api/queries`` and ``/api/query/NAME?param=value`` - the catalogue and stored-query results as JSON.
* ``/role/ml-engineer``, ``/layer/...``, ``/skill/...``, ... and ``/ontology`` - every term IRI below
  ``https://w3id.org/aiworkforce/`` resolves here: HTML for browsers, Turtle (and the other RDF syntaxes) by
  ``Accept``. ``/describe?iri=...`` does the same for any other IRI the graph describes (e.g. ESCO occupations).
* ``/static/...`` - the CSS and JavaScript of the pages (package data in ``aiworkforce/web``; no CDN).

Result-size limit: results longer than ``max_results`` rows (SELECT) or triples (CONSTRUCT/DESCRIBE) are
*truncated* to ``max_results`` and the response carries ``X-SPARQL-MaxRows: <max_results>`` (the header
Virtuoso uses); ``/api/query`` also says ``"truncated": true``.

Limits: a query may run ``timeout`` seconds (then ``504``; a request that waits longer than ``timeout`` for a
free worker gets ``503``); a request body or query string above ``max_request_bytes`` gets ``413``.

Workers are started with :mod:`multiprocessing`'s *spawn* method (never fork a threaded server), so a script
that creates a :class:`Server` must do so under ``if __name__ == "__main__":``, as with any process pool.

The module never prints; it logs through the ``aiworkforce.server`` logger and configures no handlers.
"""

from __future__ import annotations

import html
import json
import logging
import os
import queue
import re
import socket
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, quote, urlsplit

from .errors import AiworkforceError, UsageError
from .prefixes import BASE, INDIVIDUAL_KINDS, ONTOLOGY_IRI, PREFIXES

log = logging.getLogger("aiworkforce.server")

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESULTS = 10_000
DEFAULT_MAX_REQUEST_BYTES = 1 << 20
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
#: Seconds a worker may take to start (load the cached closure) before the server gives up on it.
WORKER_START_TIMEOUT = 120.0


def default_workers() -> int:
    return max(1, min(4, os.cpu_count() or 1))


@dataclass(frozen=True)
class ServerConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT
    max_results: int = DEFAULT_MAX_RESULTS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    cors: str | None = None
    workers: int = field(default_factory=default_workers)

    def check(self) -> None:
        if self.timeout <= 0:
            raise UsageError("--timeout must be a positive number of seconds")
        if self.max_results < 1:
            raise UsageError("--max-results must be at least 1")
        if self.max_request_bytes < 1:
            raise UsageError("--max-request-bytes must be at least 1")
        if self.workers < 1:
            raise UsageError("--workers must be at least 1")
        if not 0 <= self.port <= 65535:
            raise UsageError(f"--port {self.port} is not a TCP port", hint="use 1-65535, or 0 for any free port")
        if self.cors is not None and (not self.cors.strip() or any(c in self.cors for c in "\r\n,")):
            raise UsageError(f"--cors {self.cors!r} is not one origin", hint="give '*' or one origin, e.g. https://example.org")


# -- content negotiation ---------------------------------------------------------------------------------------

#: SELECT/ASK result media types (server preference first) -> result format.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
}
#: CONSTRUCT/DESCRIBE media types (server preference first) -> RDF syntax.
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/turtle": "turtle",
    "application/x-turtle": "turtle",
    "text/n3": "turtle",
    "text/plain": "nt",
    "application/json": "jsonld",
    "application/xml": "rdfxml",
    "text/xml": "rdfxml",
}
HTML_TYPES = {"text/html": "html", "application/xhtml+xml": "html"}
#: ``?format=`` on term pages (for people following a link) -> media type.
TERM_FORMATS = {"html": "text/html", "ttl": "text/turtle", "turtle": "text/turtle", "nt": "application/n-triples",
                "jsonld": "application/ld+json", "xml": "application/rdf+xml", "rdfxml": "application/rdf+xml"}


def _parse_accept(header: str) -> list[tuple[str, float]]:
    ranges = []
    for part in header.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        if media == "*":
            media = "*/*"
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = min(1.0, max(0.0, float(value.strip())))
                except ValueError:
                    q = 0.0
        ranges.append((media, q))
    return ranges


def _quality(offer: str, ranges: list[tuple[str, float]]) -> float:
    kind = offer.split("/", 1)[0]
    best, quality = -1, 0.0
    for media, q in ranges:
        if media == offer:
            specificity = 2
        elif media == f"{kind}/*":
            specificity = 1
        elif media == "*/*":
            specificity = 0
        else:
            continue
        if specificity > best:
            best, quality = specificity, q
    return quality


def negotiate(accept: str | None, offers) -> str | None:
    """The offered media type the ``Accept`` header prefers (ties: the first offer); None if none is acceptable.

    No ``Accept`` header means anything is acceptable: the first offer.
    """
    offers = list(offers)
    if not accept or not accept.strip():
        return offers[0] if offers else None
    ranges = _parse_accept(accept)
    chosen, chosen_q = None, 0.0
    for offer in offers:
        q = _quality(offer, ranges)
        if q > chosen_q:
            chosen, chosen_q = offer, q
    return chosen


def _with_charset(media: str) -> str:
    return f"{media}; charset=utf-8" if media.startswith("text/") or media.endswith("/xml") else media


# -- serialising results ---------------------------------------------------------------------------------------

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_SRX = "http://www.w3.org/2005/sparql-results#"


def _ox_kind(node) -> str:
    import pyoxigraph as ox

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
    from xml.sax.saxutils import escape, quoteattr

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
        from xml.sax.saxutils import quoteattr

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
        import csv
        import io

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
    import pyoxigraph as ox

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
    import pyoxigraph as ox

    if fmt == "jsonld" and not hasattr(ox.RdfFormat, "JSON_LD"):  # pyoxigraph 0.4 cannot write JSON-LD
        from rdflib import Graph

        from .terms import from_oxigraph, to_rdflib

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


# -- HTML ------------------------------------------------------------------------------------------------------

def esc(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def local_path(iri: str) -> str | None:
    """The path on this server of an IRI below the project's base (``/role/ml-engineer``), else None."""
    if iri.startswith(BASE) and len(iri) > len(BASE):
        return "/" + iri[len(BASE):]
    return None


def term_href(iri: str) -> str:
    """Where a term's page lives on this server: its own path, or /describe?iri=... for other IRIs."""
    return local_path(iri) or "/describe?iri=" + quote(iri, safe="")


def compact(iri: str) -> str:
    best = None
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            best = (prefix, namespace)
    if best and all(c.isalnum() or c in "-_." for c in iri[len(best[1]):]) and len(iri) > len(best[1]):
        return f"{best[0]}:{iri[len(best[1]):]}"
    return iri


def page(title: str, body: str, *, alternate: str | None = None) -> bytes:
    alt = ""
    if alternate:
        alt = f'\n<link rel="alternate" type="text/turtle" href="{esc(alternate)}">'
    prefixes = esc(json.dumps({"base": BASE, "prefixes": PREFIXES}))
    return f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/static/style.css">
<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">{alt}
<script src="/static/app.js" defer></script>
</head>
<body data-config="{prefixes}">
<header class="site"><a class="brand" href="/">aiworkforce</a>
<nav><a href="/#queries">Stored queries</a> <a href="/#sparql">SPARQL</a> <a href="/ontology">Ontology</a>
<a href="/api/queries">API</a></nav></header>
<main>
{body}
</main>
<footer class="site">The AI workforce knowledge graph. Data: CC BY 4.0. SPARQL endpoint: <code>/sparql</code></footer>
</body>
</html>
""".encode()


_DEFAULT_SPARQL = """PREFIX aiw: <https://w3id.org/aiworkforce/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?name WHERE {
  ?role a aiw:Role ; skos:prefLabel ?name .
}
ORDER BY ?name
LIMIT 20"""


def index_page() -> bytes:
    """The home page: every stored query with its parameters and a Run button, and a free SPARQL box."""
    from .catalogue import catalogue

    items = []
    for q in catalogue().values():
        inputs = []
        for p in q.params:
            what = p.description or p.kind
            need = "required" if p.required else "optional"
            default = f"; default {p.default}" if p.default is not None else ""
            inputs.append(
                f'<label class="param"><span class="name">{esc(p.name)}</span>'
                f'<input type="text" name="{esc(p.name)}" placeholder="{esc(p.example or "")}"'
                f'{" required" if p.required else ""} autocomplete="off">'
                f'<small>{esc(what)} ({need}{esc(default)})</small></label>'
            )
        params = "\n".join(inputs) or '<p class="noparams">No parameters.</p>'
        tags = " ".join(f'<span class="tag">{esc(t)}</span>' for t in q.tags)
        items.append(f"""<details class="query" id="q-{esc(q.name)}" data-query="{esc(q.name)}">
<summary><code class="qname">{esc(q.name)}</code> <span class="summary">{esc(q.summary)}</span></summary>
<div class="body">
<p class="description">{esc(q.description)}</p>
<p class="tags">{tags}</p>
<form class="run" method="get" action="/api/query/{esc(q.name)}" data-query="{esc(q.name)}">
{params}
<button type="submit" class="run-button">Run</button>
</form>
<div class="result" aria-live="polite"></div>
</div>
</details>""")
    body = f"""<section class="intro">
<h1>Ask the AI workforce graph</h1>
<p>Layers of AI work, the roles in each, the skills they need, where they overlap and the concerns they
address. Open a stored query, fill in its parameters (a title, slug, CURIE or IRI) and press Run, or write
your own SPARQL below. Every term links to its own page.</p>
</section>
<section id="queries">
<h2>Stored queries</h2>
{chr(10).join(items)}
</section>
<section id="sparql">
<h2>Your own SPARQL</h2>
<p>Read-only: SELECT, ASK, CONSTRUCT or DESCRIBE over the reasoned graph. The project's prefixes
(<code>aiw:</code>, <code>role:</code>, <code>skos:</code>, ...) are predeclared.</p>
<form id="sparql-form" method="post" action="/sparql">
<textarea name="query" rows="9" spellcheck="false">{esc(_DEFAULT_SPARQL)}</textarea>
<button type="submit">Run query</button>
</form>
<div class="result" id="sparql-result" aria-live="polite"></div>
</section>"""
    return page("aiworkforce: ask the AI workforce graph", body)


# -- term pages (rendered in the workers) -----------------------------------------------------------------------

AIW = PREFIXES["aiw"]
SKOS = PREFIXES["skos"]
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS = PREFIXES["rdfs"]
DCT = PREFIXES["dcterms"]

#: The sections of a term page, in order (a role shows all of them; other terms those that apply).
SECTIONS = (
    ("Layers", (AIW + "inLayer", AIW + "spansLayer")),
    ("Essential skills", (AIW + "requiresEssentialSkill",)),
    ("Optional skills", (AIW + "requiresOptionalSkill",)),
    ("Overlaps", (AIW + "overlapsWith",)),
    ("Concerns it addresses", (AIW + "addressesConcern",)),
    ("Alignments", tuple(SKOS + m for m in ("exactMatch", "closeMatch", "broadMatch", "narrowMatch", "relatedMatch"))),
)
_HEADER_PREDICATES = {SKOS + "prefLabel", SKOS + "definition", SKOS + "altLabel", RDFS + "label", RDF_TYPE}
_STANDARD_LABELS = {
    RDF_TYPE: "type", SKOS + "prefLabel": "preferred label", SKOS + "altLabel": "alternative label",
    SKOS + "definition": "definition", SKOS + "inScheme": "in scheme", SKOS + "topConceptOf": "top concept of",
    SKOS + "hasTopConcept": "has top concept", SKOS + "broader": "broader", SKOS + "narrower": "narrower",
    SKOS + "broaderTransitive": "broader (transitive)", SKOS + "narrowerTransitive": "narrower (transitive)",
    SKOS + "related": "related", SKOS + "exactMatch": "exact match", SKOS + "closeMatch": "close match",
    SKOS + "broadMatch": "broad match", SKOS + "narrowMatch": "narrow match", SKOS + "relatedMatch": "related match",
    SKOS + "notation": "notation", SKOS + "example": "example", SKOS + "note": "note", SKOS + "scopeNote": "scope note",
    RDFS + "label": "label", RDFS + "comment": "comment", RDFS + "subClassOf": "subclass of",
    RDFS + "subPropertyOf": "subproperty of", RDFS + "domain": "domain", RDFS + "range": "range",
    RDFS + "isDefinedBy": "is defined by", RDFS + "seeAlso": "see also", DCT + "source": "source",
    DCT + "title": "title", DCT + "description": "description", DCT + "license": "licence",
    DCT + "creator": "creator", DCT + "created": "created", DCT + "modified": "modified",
    PREFIXES["owl"] + "inverseOf": "inverse of", PREFIXES["owl"] + "versionInfo": "version",
    PREFIXES["owl"] + "versionIRI": "version IRI",
}


class _TermPages:
    """Renders term pages from the worker's engine; property labels are read once."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self._labels: dict[str, str] | None = None

    def predicate_label(self, iri: str) -> str:
        if self._labels is None:
            rows = self.engine.query(
                "SELECT ?p ?l WHERE { ?p a ?k ; rdfs:label ?l "
                "VALUES ?k { rdf:Property owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty } "
                'FILTER(lang(?l) = "" || langMatches(lang(?l), "en")) }'
            ).rows
            self._labels = {p.value: label.value for p, label in rows}
        return self._labels.get(iri) or _STANDARD_LABELS.get(iri) or compact(iri)

    def _link(self, fact) -> str:
        other = fact.other
        badge = ' <span class="inferred" title="derived by OWL-RL reasoning">inferred</span>' if fact.inferred else ""
        if other.kind == "literal":
            lang = f' lang="{esc(other.language)}"' if other.language else ""
            return f"<span{lang}>{esc(other.value)}</span>{badge}"
        if other.kind == "bnode":
            return f"<span class=\"bnode\">_:{esc(other.value)}</span>{badge}"
        label = fact.other_label or compact(other.value)
        external = ""
        if local_path(other.value) is None and re.match(r"^https?://", other.value):
            external = (f' <a class="external" href="{esc(other.value)}" rel="noopener noreferrer"'
                        f' title="{esc(other.value)}">&#8599;</a>')
        return (f'<a href="{esc(term_href(other.value))}" title="{esc(compact(other.value))}">{esc(label)}</a>'
                f"{external}{badge}")

    def _list(self, facts, *, with_predicate: bool = False) -> str:
        items = []
        for f in facts:
            what = f'<span class="predicate">{esc(self.predicate_label(f.predicate.value))}</span> ' if with_predicate else ""
            items.append(f"<li>{what}{self._link(f)}</li>")
        return "<ul>" + "".join(items) + "</ul>"

    def _grouped(self, facts) -> str:
        groups: dict[str, list] = {}
        for f in facts:
            groups.setdefault(f.predicate.value, []).append(f)
        rows = []
        for predicate, members in sorted(groups.items(), key=lambda kv: self.predicate_label(kv[0]).casefold()):
            rows.append(f'<tr><th scope="row" title="{esc(compact(predicate))}">{esc(self.predicate_label(predicate))}'
                        f"</th><td>{self._list(members)}</td></tr>")
        return '<table class="facts">' + "".join(rows) + "</table>"

    def render(self, iri: str, description) -> bytes:
        facts_out = [f for f in description.facts if f.direction == "out"]
        facts_in = [f for f in description.facts if f.direction == "in"]

        def values(*predicates: str) -> list[str]:
            return [f.other.value for f in facts_out if f.predicate.value in predicates]

        label = (values(SKOS + "prefLabel") or values(RDFS + "label") or values(DCT + "title") or [compact(iri)])[0]
        definition = values(SKOS + "definition") or values(DCT + "description") or values(RDFS + "comment")
        alt = values(SKOS + "altLabel")
        types = [f for f in facts_out if f.predicate.value == RDF_TYPE]
        parts = [f'<article class="term" data-iri="{esc(iri)}">', f"<h1>{esc(label)}</h1>",
                 f'<p class="iri"><code>{esc(iri)}</code> <span class="curie">{esc(compact(iri))}</span></p>']
        if types:
            asserted = [f for f in types if not f.inferred] or types
            parts.append('<p class="types">' + ", ".join(self._link(f) for f in asserted) + "</p>")
        if definition:
            parts.append(f'<p class="definition">{esc(definition[0])}</p>')
        if alt:
            parts.append('<p class="altlabels">Also called: ' + ", ".join(f"<span>{esc(a)}</span>" for a in sorted(alt))
                         + "</p>")
        shown = set(_HEADER_PREDICATES)
        for title, predicates in SECTIONS:
            members = [f for f in facts_out if f.predicate.value in predicates]
            shown.update(predicates)
            if not members:
                continue
            multi = len({f.predicate.value for f in members}) > 1 or title == "Alignments"
            slug = re.sub(r"[^a-z]+", "-", title.lower()).strip("-")
            parts.append(f'<section class="facts-section" id="{slug}"><h2>{esc(title)}</h2>'
                         f"{self._list(members, with_predicate=multi)}</section>")
        rest = [f for f in facts_out if f.predicate.value not in shown or f.predicate.value == RDF_TYPE and f.inferred]
        if rest:
            parts.append(f'<section class="facts-section" id="more"><h2>More about it</h2>{self._grouped(rest)}</section>')
        if facts_in:
            parts.append(f'<section class="facts-section" id="incoming"><details><summary><h2>Pointing here '
                         f'({len(facts_in)})</h2></summary>{self._grouped(facts_in)}</details></section>')
        turtle = term_href(iri) + ("&" if "?" in term_href(iri) else "?") + "format=ttl"
        parts.append(f'<p class="formats">This page as RDF: <a href="{esc(turtle)}">Turtle</a>, or '
                     f'<code>curl -H "Accept: text/turtle" ...</code></p>')
        parts.append("</article>")
        return page(f"{label} - aiworkforce", "\n".join(parts), alternate=turtle)

    def render_ontology(self, iri: str) -> bytes:
        """The ontology page: its header, then every class and property with an anchor (``/ontology#Role``)."""
        eng = self.engine
        header = {}
        for p, o in eng.query(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}").rows:
            header.setdefault(p.value, []).append(o)
        title = next((o.value for o in header.get(DCT + "title", [])), compact(iri))
        parts = ['<article class="term ontology">', f"<h1>{esc(title)}</h1>", f'<p class="iri"><code>{esc(iri)}</code></p>']
        for o in header.get(DCT + "description", []):
            parts.append(f'<p class="definition">{esc(o.value)}</p>')
        rows = []
        for predicate in sorted(header, key=lambda p: self.predicate_label(p)):
            if predicate in (DCT + "title", DCT + "description"):
                continue
            cells = []
            for o in header[predicate]:
                if o.kind == "iri":
                    cells.append(f'<a href="{esc(term_href(o.value))}">{esc(compact(o.value))}</a>')
                else:
                    cells.append(esc(o.value))
            rows.append(f"<tr><th scope=\"row\">{esc(self.predicate_label(predicate))}</th><td>{'<br>'.join(cells)}</td></tr>")
        parts.append('<table class="facts">' + "".join(rows) + "</table>")
        listing = eng.query(f"""
SELECT ?term ?kind (SAMPLE(?l) AS ?label) (SAMPLE(?d) AS ?definition) (GROUP_CONCAT(DISTINCT STR(?super); separator=" ") AS ?supers)
WHERE {{
  ?term a ?kind . VALUES ?kind {{ owl:Class owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }}
  FILTER(STRSTARTS(STR(?term), "{AIW}"))
  OPTIONAL {{ ?term rdfs:label ?l }}
  OPTIONAL {{ ?term skos:definition ?d }}
  OPTIONAL {{ ?term rdfs:subClassOf|rdfs:subPropertyOf ?super FILTER(isIRI(?super) && ?super != ?term
             && STRSTARTS(STR(?super), "{AIW}")) }}
}} GROUP BY ?term ?kind ORDER BY ?kind ?term""").rows
        sections = {"Class": [], "ObjectProperty": [], "DatatypeProperty": [], "AnnotationProperty": []}
        for term, kind, lab, definition, supers in listing:
            local = term.value[len(AIW):]
            sup = ""
            if supers is not None and supers.value:
                links = ", ".join(f'<a href="#{esc(s[len(AIW):])}">{esc(compact(s))}</a>' for s in supers.value.split())
                sup = f'<p class="super">{"subclass" if kind.value.endswith("Class") else "subproperty"} of {links}</p>'
            sections[kind.value.rsplit("#", 1)[-1]].append(
                f'<li id="{esc(local)}"><a href="#{esc(local)}"><code>aiw:{esc(local)}</code></a> '
                f'<span class="label">{esc(lab.value if lab else "")}</span>'
                f'<p class="definition">{esc(definition.value if definition else "")}</p>{sup}</li>')
        names = {"Class": "Classes", "ObjectProperty": "Object properties", "DatatypeProperty": "Datatype properties",
                 "AnnotationProperty": "Annotation properties"}
        for kind, items in sections.items():
            if items:
                parts.append(f'<section class="facts-section"><h2>{names[kind]} ({len(items)})</h2>'
                             f'<ul class="vocabulary">{"".join(items)}</ul></section>')
        parts.append('<p class="formats">This page as RDF: <a href="/ontology?format=ttl">Turtle</a></p></article>')
        return page(f"{title} - aiworkforce", "\n".join(parts), alternate="/ontology?format=ttl")


# -- the worker processes --------------------------------------------------------------------------------------

class ServerError(AiworkforceError):
    """The query workers cannot start or keep running: a defect of the installation or the machine."""

    exit_code = 3


@dataclass
class Reply:
    """An HTTP answer as the workers hand it back; ``trace`` (never sent) is logged by the HTTP process."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    trace: str | None = None


def text_reply(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode(), headers or {})


def json_reply(status: int, doc, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, "application/json", json.dumps(doc, ensure_ascii=False).encode(), headers or {})


def error_doc(exc: AiworkforceError) -> dict:
    return {"error": exc.message, "hint": exc.hint}


class _WorkerState:
    """What a worker process holds: the engine over the reasoned graph and the renderers."""

    def __init__(self, graph: tuple[str, str] | None = None) -> None:
        from .engines import INFERRED_GRAPH, OxigraphEngine, open_engine

        # the graph the server pinned at start, so a worker replaced later serves the same graph as the others
        self.engine = OxigraphEngine(*graph) if graph else open_engine("oxigraph")
        # Through the engine, so that an engine loading the inferred named graph lazily loads it now: queries
        # sent to /sparql go to the store directly (streamed, capped), and must see that graph too.
        self.engine.query(f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}")
        self.pages = _TermPages(self.engine)

    def run(self, job: tuple) -> Reply:
        kind, args = job
        return getattr(self, f"job_{kind}")(**args)

    def job_ping(self) -> Reply:
        return text_reply(200, "pong")

    def job_sparql(self, text: str, result_type: str | None, graph_type: str | None, max_results: int) -> Reply:
        import pyoxigraph as ox

        store = self.engine.store
        try:
            result = store.query(text, prefixes=PREFIXES)
            headers: dict[str, str] = {}
            if isinstance(result, ox.QueryBoolean):
                if result_type is None:
                    return _not_acceptable("ASK", RESULT_TYPES)
                return Reply(200, _with_charset(result_type),
                             serialize_results(RESULT_TYPES[result_type], [], [], bool(result)))
            if isinstance(result, ox.QuerySolutions):
                if result_type is None:
                    return _not_acceptable("SELECT", RESULT_TYPES)
                variables = [v.value for v in result.variables]
                rows = []
                for solution in result:
                    if len(rows) == max_results:
                        headers[MAX_ROWS_HEADER] = str(max_results)
                        break
                    rows.append([solution[i] for i in range(len(variables))])
                body = serialize_results(RESULT_TYPES[result_type], variables, rows)
                return Reply(200, _with_charset(result_type), body, headers)
            if graph_type is None:
                return _not_acceptable("CONSTRUCT/DESCRIBE", GRAPH_TYPES)
            triples = []
            for triple in result:
                if len(triples) == max_results:
                    headers[MAX_ROWS_HEADER] = str(max_results)
                    break
                triples.append(triple)
            return Reply(200, _with_charset(graph_type), serialize_graph(GRAPH_TYPES[graph_type], triples), headers)
        except SyntaxError as exc:
            return text_reply(400, f"malformed SPARQL: {exc}")
        except (RuntimeError, ValueError, OSError) as exc:
            return text_reply(400, f"the query cannot be evaluated: {exc}")

    def job_api_query(self, name: str, params: dict[str, str], max_results: int) -> Reply:
        from .query import run_query

        try:
            result = run_query(name, params, engine="oxigraph")
        except AiworkforceError as exc:  # the HTTP process has checked the name: a bad or unknown parameter
            return json_reply(400, error_doc(exc))
        truncated = len(result.rows) > max_results
        rows = result.rows[:max_results]
        doc = {"query": name, "variables": list(result.variables),
               "rows": [[None if t is None else t.value for t in row] for row in rows], "truncated": truncated}
        return json_reply(200, doc, {MAX_ROWS_HEADER: str(max_results)} if truncated else None)

    def _exists(self, iri: str) -> bool:
        import pyoxigraph as ox

        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return False
        store = self.engine.store
        return any(True for _ in store.quads_for_pattern(node, None, None, ox.DefaultGraph())) or (
            iri != ONTOLOGY_IRI and any(True for _ in store.quads_for_pattern(None, None, node, ox.DefaultGraph())))

    def _cbd(self, iri: str) -> list:
        """The term's triples: outgoing (following blank nodes), incoming, and for the ontology its vocabulary."""
        import pyoxigraph as ox

        store, graph = self.engine.store, ox.DefaultGraph()
        roots = [ox.NamedNode(iri)]
        if iri == ONTOLOGY_IRI:
            roots += [q.subject for q in store.quads_for_pattern(None, ox.NamedNode(RDFS + "isDefinedBy"),
                                                                 roots[0], graph)]
            roots += [r[0] for r in store.query(
                f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{AIW}")) }}')]
        seen, todo, triples = set(), list(roots), []
        while todo:
            subject = todo.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for q in store.quads_for_pattern(subject, None, None, graph):
                triples.append(q.triple)
                if isinstance(q.object, ox.BlankNode):
                    todo.append(q.object)
        if iri != ONTOLOGY_IRI:
            triples += [q.triple for q in store.quads_for_pattern(None, None, roots[0], graph)]
        return list(dict.fromkeys(triples))

    def job_term(self, iri: str, media: str, max_results: int) -> Reply:
        if not self._exists(iri):
            return text_reply(404, f"not found: {iri} is not a term of the aiworkforce graph")
        headers = {"Vary": "Accept"}
        if media in HTML_TYPES:
            if iri == ONTOLOGY_IRI:
                return Reply(200, "text/html; charset=utf-8", self.pages.render_ontology(iri), headers)
            from .describe import describe

            try:
                description = describe(iri)
            except AiworkforceError:  # described, but without a label to resolve by: build the facts directly
                description = _describe_unlabelled(self.engine, iri)
            return Reply(200, "text/html; charset=utf-8", self.pages.render(iri, description), headers)
        triples = self._cbd(iri)
        if len(triples) > max_results:
            triples = triples[:max_results]
            headers[MAX_ROWS_HEADER] = str(max_results)
        return Reply(200, _with_charset(media), serialize_graph(GRAPH_TYPES[media], triples), headers)


def _describe_unlabelled(engine, iri: str):
    """A :class:`aiworkforce.describe.Description` of a term without a label (which ``describe()`` cannot resolve)."""
    from .describe import Description, Fact
    from .engines import INFERRED_GRAPH
    from .terms import Term

    term = Term.iri(iri)
    facts = []
    for direction, pattern in (("out", "?term ?p ?other"), ("in", "?other ?p ?term")):
        rows = engine.query(f"""SELECT ?term ?p ?other (SAMPLE(?l) AS ?label) ?inferred WHERE {{
  {pattern} . OPTIONAL {{ ?other skos:prefLabel|rdfs:label ?l }}
  BIND(EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ {pattern} }} }} AS ?inferred)
}} GROUP BY ?term ?p ?other ?inferred""", {"term": term}).rows
        facts += [Fact(direction, p, o, lab.value if lab else None, inf is not None and inf.value in ("true", "1"))
                  for _, p, o, lab, inf in rows]
    return Description(term, tuple(facts))


def _not_acceptable(form: str, types: dict[str, str]) -> Reply:
    return text_reply(406, f"the results of a {form} query cannot be served in the requested format; "
                           f"Accept one of: {', '.join(types)}")


def _worker_main(conn, graph: tuple[str, str] | None = None) -> None:  # pragma: no cover - worker processes
    """A worker: load the graph, say ready, then answer jobs until the pipe closes."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    try:
        state = _WorkerState(graph)
        state.job_ping()
    except AiworkforceError as exc:
        conn.send(("failed", str(exc), exc.exit_code))
        return
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops with a clear message
        conn.send(("failed", f"{type(exc).__name__}: {exc}", 3))
        return
    conn.send(("ready", os.getpid(), 0))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        try:
            reply = state.run(job)
        except Exception as exc:  # noqa: BLE001 - an internal error: 500, with the traceback logged by the parent
            reply = text_reply(500, f"internal error: {type(exc).__name__}: {exc}")
            reply.trace = traceback.format_exc()
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, ctx, graph: tuple[str, str] | None = None) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, graph), name="aiworkforce-worker", daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise ServerError(f"a query worker did not start within {timeout:.0f} s")
        try:
            status, detail, code = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise ServerError("a query worker stopped while starting",
                              hint="run the server from a script guarded by `if __name__ == '__main__':`") from None
        if status != "ready":
            self.kill()
            err = ServerError(f"a query worker could not load the graph: {detail}")
            err.exit_code = code
            raise err

    def kill(self) -> None:
        try:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)
        except (OSError, ValueError, AssertionError):
            pass
        self.conn.close()


class WorkerPool:
    """Long-lived worker processes; a job that outlives the timeout gets its worker killed and replaced."""

    def __init__(self, size: int, timeout: float, graph: tuple[str, str] | None = None) -> None:
        import multiprocessing

        self.size, self.timeout, self.graph = size, timeout, graph
        self._ctx = multiprocessing.get_context("spawn")  # never fork a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [_Worker(self._ctx, self.graph) for _ in range(size)]
        self._all.update(workers)
        try:
            for w in workers:
                w.wait_ready(WORKER_START_TIMEOUT)
                self._idle.put(w)
        except BaseException:
            self.close()
            raise

    def run(self, job: tuple, *, timeout: float | None = None) -> Reply:
        timeout = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return text_reply(503, f"all {self.size} query workers are busy; try again shortly", {"Retry-After": "1"})
        try:
            worker.conn.send(job)
            if not worker.conn.poll(timeout):
                self._replace(worker)
                return text_reply(504, f"the query did not finish within the time limit of {timeout:g} s and "
                                       "was stopped; add a LIMIT or make it more selective")
            reply = worker.conn.recv()
        except (EOFError, OSError, ValueError) as exc:
            self._replace(worker)
            log.error("a query worker died: %s", exc)
            return text_reply(500, "internal error: the query worker stopped unexpectedly")
        self._idle.put(worker)
        if reply.trace:
            log.error("internal error in a query worker:\n%s", reply.trace)
            reply.trace = None
        return reply

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        if not self._closed:
            threading.Thread(target=self._start_one, name="aiworkforce-respawn", daemon=True).start()

    def _start_one(self) -> None:
        with self._lock:
            if self._closed:
                return
            worker = _Worker(self._ctx, self.graph)
            self._all.add(worker)
        try:
            worker.wait_ready(WORKER_START_TIMEOUT)
        except AiworkforceError as exc:
            log.error("could not replace a query worker: %s", exc)
            with self._lock:
                self._all.discard(worker)
            return
        if self._closed:
            worker.kill()
            return
        self._idle.put(worker)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 2
        for w in workers:
            w.process.join(max(0.0, deadline - time.monotonic()))
            w.kill()


# -- HTTP ------------------------------------------------------------------------------------------------------

_STATIC = {"style.css": "text/css; charset=utf-8", "app.js": "text/javascript; charset=utf-8",
           "favicon.svg": "image/svg+xml"}
_TERM_PATH = re.compile(r"^/(?:(?:" + "|".join(INDIVIDUAL_KINDS) + r")/[A-Za-z0-9._~%-]+|ontology(?:/[A-Za-z0-9._~-]+)?)$")
_UPDATE_TYPE = "application/sparql-update"
_DRAIN_LIMIT = 16 << 20
#: The SPARQL endpoint's paths: /sparql, and /query as Oxigraph's and Fuseki's servers name it.
_ENDPOINTS = ("/sparql", "/query")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$")
_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"


def _load_static() -> dict[str, bytes]:
    from importlib import resources

    from .errors import DataError

    folder = resources.files("aiworkforce").joinpath("web")
    out = {}
    for name in _STATIC:
        try:
            out[name] = folder.joinpath(name).read_bytes()
        except OSError:
            raise DataError(f"the web asset aiworkforce/web/{name} is missing", hint="reinstall aiworkforce") from None
    return out


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"
    timeout = 60  # seconds a client may stay silent on an open connection
    # Headers and body leave in separate writes: with Nagle's algorithm the body would wait for the client's
    # delayed ACK (40 ms per request on a kept-alive connection).
    disable_nagle_algorithm = True

    def version_string(self) -> str:  # the Server header: no Python version
        return "aiworkforce"

    # -- plumbing

    def log_message(self, format: str, *args) -> None:  # the base class's signature
        log.info("%s %s", self.address_string(), format % args)

    def log_request(self, code="-", size="-") -> None:
        if not getattr(self, "_sending", False):  # http.server's own errors (malformed request line, ...)
            self._log(getattr(code, "value", code), size)

    def _log(self, status, size) -> None:
        line = self.requestline if len(self.requestline) <= 300 else self.requestline[:300] + "..."
        elapsed = (time.perf_counter() - getattr(self, "_started", time.perf_counter())) * 1000
        log.info('%s "%s" %s %s %.1fms', self.address_string(), line, status, size, elapsed)

    def _send(self, reply: Reply) -> None:
        self._sending = True
        try:
            self._write(reply)
        finally:
            self._sending = False
        self._log(reply.status, len(reply.body))

    def _write(self, reply: Reply) -> None:
        self.send_response(reply.status)
        self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))
        self.send_header("X-Content-Type-Options", "nosniff")
        if reply.content_type.startswith("text/html"):
            self.send_header("Content-Security-Policy", _CSP)
            self.send_header("Referrer-Policy", "no-referrer")
        cors = self.server.config.cors
        if cors:
            self.send_header("Access-Control-Allow-Origin", cors)
            self.send_header("Access-Control-Expose-Headers", MAX_ROWS_HEADER)
            if cors != "*":
                reply.headers["Vary"] = ", ".join(filter(None, (reply.headers.get("Vary"), "Origin")))
        for key, value in reply.headers.items():
            self.send_header(key, value)
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(reply.body)

    def _fail(self, status: int, message: str, *, as_json: bool = False, headers: dict | None = None) -> None:
        if as_json:
            self._send(json_reply(status, {"error": message, "hint": None}, headers))
        else:
            self._send(text_reply(status, message, headers))

    def _content_length(self) -> int | None:
        """The declared body length; None after answering 400/411 (the connection is then closed)."""
        if self.headers.get("Transfer-Encoding", "").lower() not in ("", "identity"):
            self.close_connection = True
            self._fail(411, "send the request with a Content-Length (chunked bodies are not supported)")
            return None
        raw = self.headers.get("Content-Length")
        try:
            length = int(raw) if raw is not None else 0
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            self._fail(400, f"invalid Content-Length {raw!r}")
            return None
        return length

    def _too_large(self, length: int, what: str = "request body") -> None:
        limit = self.server.config.max_request_bytes
        self.close_connection = True
        self._fail(413, f"the {what} has {length} bytes; the limit is {limit} bytes (--max-request-bytes)")

    def handle_expect_100(self) -> bool:
        """Refuse an oversized body before the client sends it (curl asks first for large uploads)."""
        length = self._content_length() if self.headers.get("Content-Length") or self.headers.get(
            "Transfer-Encoding") else 0
        if length is None:
            return False
        if length > self.server.config.max_request_bytes:
            self._started = time.perf_counter()
            self._too_large(length)
            return False
        return super().handle_expect_100()

    def _read_body(self) -> bytes | None:
        """The request body, or None after answering 400/411/413 (the connection is then closed)."""
        length = self._content_length()
        if length is None:
            return None
        if length > self.server.config.max_request_bytes:
            self._too_large(length)
            self._drain(length)
            return None
        return self.rfile.read(length) if length else b""

    def _drain(self, length: int) -> None:
        """Read and drop (a bounded part of) a refused body, so the client reads the answer instead of a reset."""
        left = min(length, _DRAIN_LIMIT)
        try:
            self.connection.settimeout(1)
            while left > 0:
                chunk = self.rfile.read(min(left, 65536))
                if not chunk:
                    break
                left -= len(chunk)
        except OSError:
            pass

    def do_GET(self) -> None:  # http.server's naming
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._dispatch()

    def do_OPTIONS(self) -> None:
        self._started = time.perf_counter()
        headers = {"Allow": "GET, HEAD, POST, OPTIONS"}
        if self.server.config.cors:
            headers.update({"Access-Control-Allow-Methods": "GET, HEAD, POST, OPTIONS",
                            "Access-Control-Allow-Headers": "Accept, Content-Type",
                            "Access-Control-Max-Age": "600"})
        self._send(Reply(204, "text/plain; charset=utf-8", b"", headers))

    def _method_not_allowed(self) -> None:
        self._started = time.perf_counter()
        if self.headers.get("Content-Length", "0") not in ("", "0"):
            self.close_connection = True
        self._fail(405, f"{self.command} is not allowed: the service is read-only",
                   headers={"Allow": "GET, HEAD, POST, OPTIONS"})

    do_PUT = do_DELETE = do_PATCH = _method_not_allowed

    # -- routing

    def _dispatch(self) -> None:
        self._started = time.perf_counter()
        if self.command != "POST" and self.headers.get("Content-Length", "0").strip() not in ("", "0"):
            self.close_connection = True  # a body we do not read: never reuse the connection after it
        try:
            self._route()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        except Exception:  # never a traceback to the client; log it
            log.exception("internal error answering %s", self.requestline)
            self.close_connection = True
            try:
                self._fail(500, "internal error; see the server log")
            except OSError:
                pass

    def _route(self) -> None:
        url = urlsplit(self.path)
        path = url.path
        api = path.startswith("/api/")
        if len(url.query) > self.server.config.max_request_bytes:
            self._too_large(len(url.query), "query string")
            return
        if self.command == "POST" and path not in _ENDPOINTS:
            body = self._read_body()  # keep the connection usable
            if body is None:
                return
            self._fail(405, f"POST is only accepted on /sparql (and /query), not {path}", as_json=api,
                       headers={"Allow": "GET, HEAD, OPTIONS"})
            return
        if path in _ENDPOINTS:
            self._sparql(url.query)
        elif path == "/":
            self._send(Reply(200, "text/html; charset=utf-8", self.server.index, {"Cache-Control": "no-cache"}))
        elif path.startswith("/static/") and path[len("/static/"):] in self.server.static:
            name = path[len("/static/"):]
            self._send(Reply(200, _STATIC[name], self.server.static[name], {"Cache-Control": "public, max-age=300"}))
        elif path == "/api/queries":
            self._send(json_reply(200, self.server.catalogue_doc))
        elif path.startswith("/api/query/"):
            self._api_query(path[len("/api/query/"):], url.query)
        elif path == "/describe":
            params = parse_qs(url.query, keep_blank_values=True)
            iris = params.get("iri", [])
            if len(iris) != 1 or not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", iris[0], re.IGNORECASE):
                self._fail(400, "give exactly one absolute IRI: /describe?iri=http://...")
                return
            self._term(iris[0], params)
        elif _TERM_PATH.match(path):
            self._term(BASE + path[1:], parse_qs(url.query, keep_blank_values=True))
        else:
            self._fail(404, f"not found: {path}", as_json=api)

    # -- /sparql

    def _sparql(self, query_string: str) -> None:
        params = parse_qs(query_string, keep_blank_values=True)
        if self.command == "POST":
            body = self._read_body()
            if body is None:
                return
            media = self.headers.get("Content-Type", "").split(";", 1)[0].strip().lower()
            if media == _UPDATE_TYPE:
                self._fail(403, "SPARQL Update is refused: the graph is read-only")
                return
            if media == "application/x-www-form-urlencoded":
                try:
                    form = parse_qs(body.decode("utf-8"), keep_blank_values=True)
                except (UnicodeDecodeError, ValueError):
                    self._fail(400, "the form body is not valid application/x-www-form-urlencoded UTF-8")
                    return
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            elif media == "application/sparql-query":
                try:
                    params.setdefault("query", []).append(body.decode("utf-8"))
                except UnicodeDecodeError:
                    self._fail(400, "the query is not valid UTF-8")
                    return
            else:
                self._fail(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded "
                                f"(query=...), not {media or 'without a Content-Type'}")
                return
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            self._fail(403, "SPARQL Update is refused: the graph is read-only")
            return
        queries = params.get("query", [])
        accept = self.headers.get("Accept")
        if not queries:
            if self.command == "POST":
                self._fail(400, "the request holds no query: send query=... (form) or the query itself "
                                "(application/sparql-query)")
            else:
                self._service_description(accept)
            return
        if len(queries) > 1:
            self._fail(400, "give exactly one query parameter")
            return
        for dataset in ("default-graph-uri", "named-graph-uri"):
            if dataset in params:
                self._fail(400, f"{dataset} is refused: queries run over the aiworkforce graph only")
                return
        text = queries[0]
        if not text.strip():
            self._fail(400, "the query is empty")
            return
        from .safety import check_query

        try:
            check_query(text, source="query")
        except AiworkforceError as exc:
            self._fail(400, str(exc))
            return
        result_type = negotiate(accept, RESULT_TYPES)
        graph_type = negotiate(accept, GRAPH_TYPES)
        if result_type is None and graph_type is None:
            self._fail(406, f"cannot answer in {accept!r}; Accept one of: {', '.join(RESULT_TYPES)} "
                            f"(SELECT, ASK) or {', '.join(GRAPH_TYPES)} (CONSTRUCT, DESCRIBE)")
            return
        cfg = self.server.config
        reply = self.server.pool.run(("sparql", {"text": text, "result_type": result_type, "graph_type": graph_type,
                                                 "max_results": cfg.max_results}))
        reply.headers.setdefault("Vary", "Accept")
        self._send(reply)

    def _service_description(self, accept: str | None) -> None:
        media = negotiate(accept, GRAPH_TYPES)
        if media is None:
            self._fail(406, f"Accept one of: {', '.join(GRAPH_TYPES)} for the service description")
            return
        host = self.headers.get("Host", "")
        if not _HOST.match(host):  # the Host header ends up inside an IRI: only a plain host[:port]
            host = urlsplit(self.server.url).netloc
        endpoint = f"http://{host}/sparql"
        sd = "http://www.w3.org/ns/sparql-service-description#"
        formats = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                   "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]
        lines = [f"@prefix sd: <{sd}> .", "", f"<{endpoint}> a sd:Service ;", f"  sd:endpoint <{endpoint}> ;",
                 "  sd:supportedLanguage sd:SPARQL11Query ;",
                 "  sd:resultFormat " + ", ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in formats) + " ;",
                 "  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ;",
                 "    sd:namedGraph [ a sd:NamedGraph ; sd:name <https://w3id.org/aiworkforce/graph/inferred> ] ] ."]
        text = "\n".join(lines) + "\n"
        if GRAPH_TYPES[media] == "turtle":
            self._send(Reply(200, _with_charset(media), text.encode(), {"Vary": "Accept"}))
            return
        import pyoxigraph as ox

        triples = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)]
        self._send(Reply(200, _with_charset(media), serialize_graph(GRAPH_TYPES[media], triples), {"Vary": "Accept"}))

    # -- /api/query/NAME

    def _api_query(self, name: str, query_string: str) -> None:
        from .catalogue import get_query

        try:
            get_query(name)
        except AiworkforceError as exc:
            self._send(json_reply(404, error_doc(exc)))
            return
        params: dict[str, str] = {}
        for key, values in parse_qs(query_string, keep_blank_values=True).items():
            if len(values) > 1:
                self._send(json_reply(400, {"error": f"parameter {key!r} is given {len(values)} times",
                                            "hint": "give each parameter once"}))
                return
            if values[0].strip():  # an empty form field means "not given"
                params[key] = values[0]
        reply = self.server.pool.run(("api_query", {"name": name, "params": params,
                                                    "max_results": self.server.config.max_results}))
        if reply.status >= 500 and not reply.content_type.startswith("application/json"):
            reply = json_reply(reply.status, {"error": reply.body.decode().strip(), "hint": None}, reply.headers)
        self._send(reply)

    # -- term pages

    def _term(self, iri: str, params: dict[str, list[str]]) -> None:
        forced = params.get("format", [None])[-1]
        if forced is not None:
            if forced not in TERM_FORMATS:
                self._fail(400, f"unknown format {forced!r}; use one of: {', '.join(TERM_FORMATS)}")
                return
            media = TERM_FORMATS[forced]
        else:
            media = negotiate(self.headers.get("Accept"), [*HTML_TYPES, *GRAPH_TYPES])
            if media is None:
                self._fail(406, f"Accept one of: {', '.join([*HTML_TYPES, *GRAPH_TYPES])}")
                return
        reply = self.server.pool.run(("term", {"iri": iri, "media": media,
                                               "max_results": self.server.config.max_results}))
        reply.headers.setdefault("Vary", "Accept")
        self._send(reply)


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128  # socketserver's 5 drops bursts of connections: clients then wait 1 s to retry
    url: str
    config: ServerConfig
    pool: WorkerPool
    index: bytes
    static: dict[str, bytes]
    catalogue_doc: list


class _HTTPServer6(_HTTPServer):
    address_family = socket.AF_INET6


def catalogue_json() -> list[dict]:
    """The stored queries as JSON-ready dicts (the shape of ``aiworkforce queries --format json``)."""
    from .catalogue import catalogue

    return [{"name": q.name, "summary": q.summary, "description": q.description, "tags": list(q.tags),
             "params": [{"name": p.name, "kind": p.kind, "class": p.cls, "required": p.required,
                         "default": p.default, "example": p.example, "description": p.description}
                        for p in q.params]}
            for q in catalogue().values()]


class Server:
    """The endpoint: bind, start the workers, serve; ``close()`` stops everything.

    ``serve_forever()`` blocks; ``start()`` serves from a background thread (tests, benchmarks). Usable as a
    context manager.
    """

    def __init__(self, config: ServerConfig | None = None) -> None:
        self.config = config or ServerConfig()
        self.config.check()
        import shutil
        import tempfile

        from .cache import cached_closure

        # Build the closure once here, not in every worker, and pin a private copy for the server's lifetime:
        # an `aiworkforce add` or a cache prune while serving must not give workers different graphs.
        entry = cached_closure()
        self._pinned = tempfile.mkdtemp(prefix="aiworkforce-serve-")
        graph = (shutil.copy(entry.closure, self._pinned), shutil.copy(entry.inferred, self._pinned))
        static = _load_static()
        index = index_page()
        catalogue_doc = catalogue_json()
        server_class = _HTTPServer6 if ":" in self.config.host else _HTTPServer
        try:
            self.httpd = server_class((self.config.host, self.config.port), _Handler)
        except OSError as exc:
            shutil.rmtree(self._pinned, ignore_errors=True)
            raise UsageError(f"cannot listen on {self.config.host}:{self.config.port}: {exc.strerror or exc}",
                             hint="choose another --port (0 picks a free one) or --host") from None
        self.httpd.config = self.config
        self.httpd.url = self.url
        self.httpd.static, self.httpd.index, self.httpd.catalogue_doc = static, index, catalogue_doc
        try:
            self.pool = WorkerPool(self.config.workers, self.config.timeout, graph)
        except BaseException:
            self.httpd.server_close()
            shutil.rmtree(self._pinned, ignore_errors=True)
            raise
        self.httpd.pool = self.pool
        self._thread: threading.Thread | None = None
        self._serving: threading.Thread | None = None
        self._closed = False

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def url(self) -> str:
        host = self.config.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}/"

    def serve_forever(self) -> None:
        """Serve until :meth:`close` (from another thread) or an exception such as KeyboardInterrupt."""
        log.info("serving %s with %d query workers", self.url, self.config.workers)
        self._serving = threading.current_thread()
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self._serving = None

    def start(self) -> Server:
        """Serve from a background thread; returns at once."""
        self._thread = threading.Thread(target=self.serve_forever, name="aiworkforce-http", daemon=True)
        self._thread.start()
        return self

    def close(self) -> None:
        """Stop serving, close the socket and stop the workers. Idempotent."""
        if self._closed:
            return
        self._closed = True
        here = threading.current_thread()
        serving = self._thread or self._serving  # shutdown() also stops a serve_forever() about to start
        if serving is not None and serving is not here:
            self.httpd.shutdown()
        if self._thread is not None:
            self._thread.join(5)
        self.httpd.server_close()
        import shutil

        shutil.rmtree(self._pinned, ignore_errors=True)
        self.pool.close()
        log.info("stopped")

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
