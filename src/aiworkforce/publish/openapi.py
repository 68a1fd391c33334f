"""The stored queries as an API: an OpenAPI 3.1 document of the server's ``/api/query/NAME`` operations.

One operation per stored query (``queries/*.rq``), its parameters typed and documented from the query's ``#+``
header (:mod:`aiworkforce.query.catalogue`): required or optional, the class a term must belong to, the values a
literal may take, defaults and examples. Each operation answers the project's JSON document (``application/json``)
or, by ``Accept``, the SPARQL 1.1 result formats (JSON, XML, CSV, TSV). The document also describes ``/sparql``.

``aiworkforce openapi`` prints it, the server serves it at ``/openapi.json`` and ``release`` writes
``openapi.json``. Nothing here knows HTTP; the server negotiates (:mod:`aiworkforce.server.negotiation`).
"""

from __future__ import annotations

import json
from pathlib import Path

from aiworkforce.errors import InputError
from aiworkforce.query.catalogue import Param, StoredQuery, catalogue
from aiworkforce.rdf.prefixes import BASE
from aiworkforce.rdf.resources import ontology_version

__all__ = ["API_RESULT_TYPES", "OPENAPI_VERSION", "openapi_document", "openapi_json", "write_openapi"]

OPENAPI_VERSION = "3.1.0"
#: What ``/api/query/NAME`` answers, by ``Accept`` (server preference first) -> result format; ``doc`` is the
#: project's own JSON document, the others the SPARQL 1.1 result formats.
API_RESULT_TYPES = {
    "application/json": "doc",
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
_GRAPH_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")

_TERM = {"type": "object", "required": ["type", "value"], "properties": {
    "type": {"enum": ["uri", "literal", "bnode", "triple"]},
    "value": {"oneOf": [{"type": "string"}, {"type": "object"}]},
    "xml:lang": {"type": "string"}, "datatype": {"type": "string", "format": "iri"}}}
_SCHEMAS = {
    "QueryResult": {
        "type": "object", "required": ["query", "variables", "rows", "truncated"],
        "description": "A stored query's answer: its result variables and rows of plain values (IRIs and "
                       "literal texts; null where a variable is unbound).",
        "properties": {
            "query": {"type": "string", "description": "the stored query's name"},
            "variables": {"type": "array", "items": {"type": "string"}},
            "rows": {"type": "array", "items": {"type": "array", "items": {"type": ["string", "null"]}}},
            "truncated": {"type": "boolean", "description": "true when rows were cut to the server's --max-results "
                                                            "(the X-SPARQL-MaxRows header says so too)"}}},
    "SparqlResults": {
        "type": "object", "required": ["head"],
        "description": "SPARQL 1.1 Query Results JSON Format (https://www.w3.org/TR/sparql11-results-json/).",
        "properties": {
            "head": {"type": "object", "properties": {"vars": {"type": "array", "items": {"type": "string"}},
                                                      "link": {"type": "array", "items": {"type": "string"}}}},
            "results": {"type": "object", "required": ["bindings"], "properties": {"bindings": {
                "type": "array", "items": {"type": "object", "additionalProperties": {"$ref": "#/components/schemas/RdfTerm"}}}}},
            "boolean": {"type": "boolean"}}},
    "RdfTerm": _TERM,
    "Error": {"type": "object", "required": ["error"], "properties": {
        "error": {"type": "string", "description": "what went wrong"},
        "hint": {"type": ["string", "null"], "description": "how to fix it"}}},
}
_TEXT = {"type": "string"}
_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def _result_content(doc_schema: str) -> dict:
    return {"application/json": {"schema": {"$ref": f"#/components/schemas/{doc_schema}"}},
            "application/sparql-results+json": {"schema": {"$ref": "#/components/schemas/SparqlResults"}},
            "application/sparql-results+xml": {"schema": _TEXT},
            "text/csv": {"schema": _TEXT}, "text/tab-separated-values": {"schema": _TEXT}}


def _errors(*codes: int) -> dict:
    what = {400: "a bad or missing parameter (the error names it and the fix)", 404: "no such stored query",
            406: "none of the Accept types can be served", 503: "every query worker is busy; retry shortly",
            504: "the query ran past the server's time limit and was stopped"}
    return {str(c): {"description": what[c], "content": _ERROR} for c in codes}


def _schema(param: Param) -> dict:
    if param.kind == "integer":
        schema: dict = {"type": "integer", "minimum": 0, "maximum": 999_999_999}
    elif param.kind == "literal":
        schema = {"type": "string"}
        if param.values:
            schema["enum"] = list(param.values)
    else:
        schema = {"type": "string", "minLength": 1}
    if param.default is not None:
        schema["default"] = int(param.default) if param.kind == "integer" else param.default
    return schema


def _describe(param: Param) -> str:
    text = param.description or param.name
    if param.kind == "term":
        cls = f" of class {param.cls}" if param.cls else ""
        text += f". A term{cls}: its label, slug, CURIE (role:ml-engineer) or full IRI."
    if param.limit:
        text += ". Caps the number of rows."
    return text


def _parameter(param: Param) -> dict:
    out = {"name": param.name, "in": "query", "required": param.required, "description": _describe(param),
           "schema": _schema(param)}
    if param.example is not None:
        out["example"] = int(param.example) if param.kind == "integer" and param.example.isdigit() else param.example
    if param.kind == "term":
        out["x-aiworkforce-kind"] = "term"
        if param.cls:
            out["x-aiworkforce-class"] = param.cls
    return out


def _operation(query: StoredQuery) -> dict:
    return {"get": {
        "operationId": query.name,
        "summary": query.summary,
        "description": query.description,
        "tags": list(query.tags),
        "parameters": [_parameter(p) for p in query.params],
        "responses": {
            "200": {"description": "the rows of the query; the X-SPARQL-MaxRows header marks a truncated answer",
                    "content": _result_content("QueryResult")},
            **_errors(400, 406, 503, 504)}}}


def _sparql_operation() -> dict:
    query = {"name": "query", "in": "query", "required": False, "schema": {"type": "string"},
             "description": "a read-only SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE); without it the "
                            "service description is answered"}
    content = _result_content("SparqlResults")
    del content["application/json"]
    content.update({t: {"schema": _TEXT} for t in _GRAPH_TYPES})
    answer = {"200": {"description": "results (SELECT, ASK) or a graph (CONSTRUCT, DESCRIBE), by Accept",
                      "content": content}, **{c: {"description": d, "content": {"text/plain": {"schema": _TEXT}}}
                                             for c, d in (("400", "a malformed or refused query"),
                                                          ("403", "an update; the graph is read-only"),
                                                          ("504", "the query ran past the time limit"))}}
    return {"get": {"operationId": "sparql", "summary": "The SPARQL 1.1 Protocol endpoint (read-only)",
                    "tags": ["sparql"], "parameters": [query], "responses": answer},
            "post": {"operationId": "sparqlPost", "summary": "The SPARQL 1.1 Protocol endpoint, query in the body",
                     "tags": ["sparql"], "requestBody": {"required": True, "content": {
                         "application/sparql-query": {"schema": _TEXT},
                         "application/x-www-form-urlencoded": {"schema": {
                             "type": "object", "required": ["query"], "properties": {"query": _TEXT}}}}},
                     "responses": answer}}


def openapi_document(server_url: str | None = None) -> dict:
    """The OpenAPI 3.1 document of the stored queries (and ``/sparql``), for a server at ``server_url``
    (default: a relative server, so the document works wherever the server runs)."""
    queries = catalogue().values()
    tags = sorted({t for q in queries for t in q.tags})
    return {
        "openapi": OPENAPI_VERSION,
        "info": {"title": "aiworkforce stored queries", "version": ontology_version(),
                 "summary": "The AI workforce knowledge graph's stored SPARQL queries as an API",
                 "description": "Each operation runs one stored query (queries/NAME.rq) over the reasoned graph. "
                                "Term parameters take a label, slug, CURIE or IRI; they are bound as RDF terms, "
                                "never pasted into the query text.",
                 "license": {"name": "CC-BY-4.0", "identifier": "CC-BY-4.0"}},
        "servers": [{"url": server_url or "/"}],
        "externalDocs": {"url": BASE, "description": "the ontology"},
        "tags": [{"name": t} for t in [*tags, "sparql"]],
        "paths": {**{f"/api/query/{q.name}": _operation(q) for q in queries}, "/sparql": _sparql_operation()},
        "components": {"schemas": _SCHEMAS},
    }


def openapi_json(server_url: str | None = None) -> str:
    """:func:`openapi_document` as indented JSON text (ends with a newline)."""
    return json.dumps(openapi_document(server_url), indent=2, ensure_ascii=False) + "\n"


def write_openapi(path: str | Path, server_url: str | None = None) -> Path:
    """Write :func:`openapi_json` to ``path`` (UTF-8); returns the path."""
    path = Path(path)
    text = openapi_json(server_url)
    try:
        path.write_text(text, encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InputError(f"cannot write the OpenAPI document: {exc.strerror or exc}", path=path,
                         hint="give a file in a folder that exists and is writable") from None
    return path
