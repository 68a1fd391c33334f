"""What a query worker process holds and answers: the engine over the reasoned graph, and the jobs the HTTP
process sends it (``sparql``, ``api_query``, ``term``, ``ping``), each answered with a :class:`Reply`.

Runs inside the worker processes (:mod:`.workers`), never in the HTTP process.
"""

from __future__ import annotations

import pyoxigraph as ox

from aiworkforce.errors import AiworkforceError
from aiworkforce.present.sparql_results import serialize_graph, serialize_results
from aiworkforce.graph import ClosureFiles
from aiworkforce.query.engines import INFERRED_GRAPH
from aiworkforce.query.describe import describe, describe_iri, term_triples
from aiworkforce.query.run import run_query
from aiworkforce.query.syntax import oxigraph_syntax_error, projection_order
from aiworkforce.rdf.labels import DEFAULT_LANGUAGE
from aiworkforce.rdf.prefixes import ONTOLOGY_IRI, PREFIXES
from aiworkforce.rdf.terms import to_oxigraph
from aiworkforce.server.negotiation import (
    API_TYPES,
    GRAPH_TYPES,
    HTML_TYPES,
    RESULT_TYPES,
    with_charset,
)
from aiworkforce.server.reply import (
    MAX_BYTES_HEADER,
    MAX_ROWS_HEADER,
    Reply,
    error_doc,
    json_reply,
    text_reply,
)
from aiworkforce.present.termpage import TermPages

__all__ = ["WorkerState"]


class WorkerState:
    """What a worker process holds: the engine over the reasoned graph and the renderers."""

    def __init__(self, graph: tuple[str, str]) -> None:
        # the graph the server pinned at start, so a worker replaced later serves the same graph as the others
        self.graph = ClosureFiles(*graph)
        self.engine = self.graph.engine("oxigraph")
        # Through the engine, so that an engine loading the inferred named graph lazily loads it now: queries
        # sent to /sparql go to the store directly (streamed, capped), and must see that graph too.
        self.engine.query(f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}")
        self._pages: dict[str, TermPages] = {}  # by language: each keeps its own labels

    def pages(self, lang: str = DEFAULT_LANGUAGE) -> TermPages:
        """The term-page renderer for readers of ``lang`` (labels and definitions in it, else in English)."""
        if lang not in self._pages:
            self._pages[lang] = TermPages(self.engine, lang=lang)
        return self._pages[lang]

    def run(self, job: tuple) -> Reply:
        kind, args = job
        return getattr(self, f"job_{kind}")(**args)

    def job_ping(self) -> Reply:
        return text_reply(200, "pong")

    def job_sparql(self, text: str, result_type: str | None, graph_type: str | None, max_results: int,
                   max_bytes: int = 16 << 20) -> Reply:
        """Answer one query: at most ``max_results`` rows or triples, and a body of at most ``max_bytes``
        (rows are collected while their size fits, so an answer never grows past the limit in memory)."""
        store = self.engine.store
        try:
            result = store.query(text, prefixes=PREFIXES)
            headers: dict[str, str] = {}
            if isinstance(result, ox.QueryBoolean):
                if result_type is None:
                    return _not_acceptable("ASK", RESULT_TYPES)
                return Reply(200, with_charset(result_type),
                             serialize_results(RESULT_TYPES[result_type], [], [], bool(result)))
            if isinstance(result, ox.QuerySolutions):
                if result_type is None:
                    return _not_acceptable("SELECT", RESULT_TYPES)
                variables = list(projection_order(text, [v.value for v in result.variables]))
                rows = _collect(result, max_results, max_bytes, headers, lambda s: [s[v] for v in variables])
                fmt = RESULT_TYPES[result_type]
                body = _fit(lambda part: serialize_results(fmt, variables, part), rows, max_bytes, headers)
                return Reply(200, with_charset(result_type), body, headers)
            if graph_type is None:
                return _not_acceptable("CONSTRUCT/DESCRIBE", GRAPH_TYPES)
            triples = _collect(result, max_results, max_bytes, headers, lambda t: t)
            fmt = GRAPH_TYPES[graph_type]
            body = _fit(lambda part: serialize_graph(fmt, part), triples, max_bytes, headers)
            return Reply(200, with_charset(graph_type), body, headers)
        except SyntaxError as exc:
            return text_reply(400, str(oxigraph_syntax_error(text, exc, source="query")))
        except (RuntimeError, ValueError, OSError) as exc:
            return text_reply(400, f"the query cannot be evaluated: {exc}")
        except MemoryError:
            return text_reply(400, "the query was stopped: it exhausted the memory a query may use")

    def job_api_query(self, name: str, params: dict[str, str], max_results: int,
                      media: str = "application/json") -> Reply:
        """A stored query's rows: the project's JSON document, or (by ``media``) a SPARQL 1.1 result format."""
        try:
            result = run_query(self.graph, name, params, engine="oxigraph")
        except AiworkforceError as exc:  # the HTTP process has checked the name: a bad or unknown parameter
            return json_reply(400, error_doc(exc))
        truncated = len(result.rows) > max_results
        rows = result.rows[:max_results]
        headers = {MAX_ROWS_HEADER: str(max_results)} if truncated else {}
        if API_TYPES[media] != "doc":
            body = serialize_results(API_TYPES[media], list(result.variables),
                                     [[None if t is None else to_oxigraph(t) for t in row] for row in rows])
            return Reply(200, with_charset(media), body, headers)
        doc = {"query": name, "variables": list(result.variables),
               "rows": [[None if t is None else t.value for t in row] for row in rows], "truncated": truncated}
        return json_reply(200, doc, headers)

    def _exists(self, iri: str) -> bool:
        try:
            node = ox.NamedNode(iri)
        except ValueError:
            return False
        store = self.engine.store
        return any(True for _ in store.quads_for_pattern(node, None, None, ox.DefaultGraph())) or (
            iri != ONTOLOGY_IRI and any(True for _ in store.quads_for_pattern(None, None, node, ox.DefaultGraph())))

    def _cbd(self, iri: str) -> list:
        return term_triples(self.engine, iri)

    def job_term(self, iri: str, media: str, max_results: int, lang: str = DEFAULT_LANGUAGE) -> Reply:
        if not self._exists(iri):
            return text_reply(404, f"not found: {iri} is not a term of the aiworkforce graph")
        headers = {"Vary": "Accept"}
        if media in HTML_TYPES:
            if iri == ONTOLOGY_IRI:
                return Reply(200, "text/html; charset=utf-8", self.pages(lang).render_ontology(iri), headers)
            try:
                description = describe(self.graph, iri, lang=lang)
            except AiworkforceError:  # described, but without a label to resolve by: build the facts directly
                description = describe_iri(self.engine, iri, lang=lang)
            return Reply(200, "text/html; charset=utf-8", self.pages(lang).render(iri, description), headers)
        triples = self._cbd(iri)
        if len(triples) > max_results:
            triples = triples[:max_results]
            headers[MAX_ROWS_HEADER] = str(max_results)
        return Reply(200, with_charset(media), serialize_graph(GRAPH_TYPES[media], triples), headers)


def _size(term) -> int:
    if isinstance(term, ox.Triple):
        return _size(term.subject) + _size(term.predicate) + _size(term.object)
    return 0 if term is None else len(str(term)) + 16


def _collect(result, max_results: int, max_bytes: int, headers: dict[str, str], item) -> list:
    """Rows (or triples) of ``result`` while they number at most ``max_results`` and weigh at most ``max_bytes``."""
    items, weight = [], 0
    for solution in result:
        if len(items) == max_results:
            headers[MAX_ROWS_HEADER] = str(max_results)
            break
        row = item(solution)
        weight += sum(_size(t) for t in row) + 8 if isinstance(row, list) else _size(row)
        if weight > max_bytes:
            headers[MAX_BYTES_HEADER] = str(max_bytes)
            break
        items.append(row)
    return items


def _fit(render, items: list, max_bytes: int, headers: dict[str, str]) -> bytes:
    """``render(items)``, dropping trailing items until the body is at most ``max_bytes`` long."""
    body = render(items)
    while len(body) > max_bytes and items:
        items = items[: len(items) * max_bytes // len(body) * 9 // 10]
        headers[MAX_BYTES_HEADER] = str(max_bytes)
        body = render(items)
    return body


def _not_acceptable(form: str, types: dict[str, str]) -> Reply:
    return text_reply(406, f"the results of a {form} query cannot be served in the requested format; "
                           f"Accept one of: {', '.join(types)}")
