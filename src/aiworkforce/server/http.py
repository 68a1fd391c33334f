"""The HTTP side: a Starlette application (routing, request limits, the SPARQL 1.1 Protocol), served by Uvicorn.

HTTP itself (request parsing, ``Content-Length`` and ``Transfer-Encoding``, ``Expect: 100-continue``, ``HEAD``,
keep-alive) is Uvicorn's and its llhttp parser's (httptools), which refuse malformed requests such as two
``Content-Length`` headers; routing, ``405`` answers and CORS are Starlette's. Every answer that needs the graph
comes from the query workers (:class:`aiworkforce.server.workers.WorkerPool`, called from a thread, as it blocks);
the application itself never touches the graph.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from aiworkforce.errors import AiworkforceError, UsageError
from aiworkforce.present.sparql_results import serialize_graph
from aiworkforce.query.catalogue import get_query
from aiworkforce.query.engines import INFERRED_GRAPH
from aiworkforce.query.safety import check_query
from aiworkforce.rdf.labels import DEFAULT_LANGUAGE, language_tag
from aiworkforce.rdf.prefixes import BASE, INDIVIDUAL_KINDS
from aiworkforce.server.config import ServerConfig
from aiworkforce.server.explain import Explainer
from aiworkforce.server.negotiation import (
    API_TYPES,
    GRAPH_TYPES,
    HTML_TYPES,
    RESULT_TYPES,
    TERM_FORMATS,
    negotiate,
    with_charset,
)
from aiworkforce.server.pages import EDITOR_FILES, STATIC_TYPES
from aiworkforce.server.reply import MAX_BYTES_HEADER, MAX_ROWS_HEADER, Reply, error_doc, json_reply, text_reply
from aiworkforce.server.workers import WorkerPool

__all__ = ["Served", "build_app"]

log = logging.getLogger("aiworkforce.server.app")  # the server's one logger: `aiworkforce serve` gives it a handler

_TERM_PATH = re.compile(r"^/(?:(?:" + "|".join(INDIVIDUAL_KINDS) + r")/[A-Za-z0-9._~%-]+|ontology(?:/[A-Za-z0-9._~-]+)?)$")
_UPDATE_TYPE = "application/sparql-update"
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$")
_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"
#: The home page with the YASGUI editor: YASGUI sets inline styles (column widths, its resizable editor)
_CSP_EDITOR = _CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
_ALLOW = "GET, HEAD, POST, OPTIONS"


@dataclass
class Served:
    """What the application serves besides the workers' answers: rendered or read once at start."""

    config: ServerConfig
    url: str
    pool: WorkerPool
    explainer: Explainer
    static: dict[str, bytes]
    index: bytes
    catalogue_doc: list
    openapi_doc: dict


def _response(reply: Reply) -> Response:
    headers = {"Content-Type": reply.content_type, "X-Content-Type-Options": "nosniff", "Server": "aiworkforce",
               **reply.headers}
    if reply.content_type.startswith("text/html"):
        headers.setdefault("Content-Security-Policy", _CSP)
        headers["Referrer-Policy"] = "no-referrer"
    return Response(reply.body, reply.status, headers)


def _fail(status: int, message: str, *, as_json: bool = False, headers: dict | None = None) -> Response:
    if as_json:
        return _response(json_reply(status, {"error": message, "hint": None}, headers))
    return _response(text_reply(status, message, headers))


#: Queries up to this many characters have their safety check remembered (128 of them: at most 1 MiB)
_CHECKED_TEXT = 8192


@lru_cache(maxsize=128)  # the check is a pure function of the text, and the same queries come again and again
def _check(text: str) -> None:
    check_query(text, source="query")  # raises for a refused query: that is never remembered


def _params(query: str) -> dict[str, list[str]]:
    return parse_qs(query, keep_blank_values=True)


def _raw_path(request: Request) -> str:
    """The path as the client sent it (percent-escapes kept): term paths match it, messages quote it."""
    raw = request.scope.get("raw_path")
    return raw.decode("latin-1").split("?", 1)[0] if raw else request.url.path


def build_app(served: Served) -> Starlette:
    """The Starlette application of the endpoint over ``served``."""
    cfg = served.config
    pool = served.pool

    async def run(job: tuple) -> Reply:
        return await pool.run_async(job)

    def too_large(length: int, what: str = "request body") -> Response:
        return _fail(413, f"the {what} has {length} bytes; the limit is {cfg.max_request_bytes} bytes "
                          "(--max-request-bytes)", headers={"Connection": "close"})

    async def read_body(request: Request) -> bytes | Response:
        """The request body, or the 413 answer when it is over the limit (the stack has checked the framing)."""
        declared = request.headers.get("content-length")
        if declared is not None and int(declared) > cfg.max_request_bytes:
            return too_large(int(declared))  # answered before reading: Uvicorn sends no 100 Continue
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > cfg.max_request_bytes:
                return too_large(size)
            chunks.append(chunk)
        return b"".join(chunks)

    def cross_origin(request: Request) -> str | None:
        """The Origin of a browser request from another site that --cors does not allow, else None.

        Browsers send ``Origin`` with every POST; a page elsewhere must not make a visitor's browser run
        queries here (it could not read the answer, but the query would still run)."""
        origin = request.headers.get("origin")
        if origin is None:
            return None
        host = request.headers.get("host", "")
        if host and origin in (f"http://{host}", f"https://{host}"):
            return None
        if cfg.cors == "*" or (cfg.cors and origin == cfg.cors):
            return None
        return origin

    async def sparql(request: Request) -> Response:
        query_string = request.url.query
        if len(query_string) > cfg.max_request_bytes:
            return too_large(len(query_string), "query string")
        params = _params(query_string)
        if request.method == "POST":
            origin = cross_origin(request)
            if origin is not None:
                return _fail(403, f"cross-origin POST from {origin[:200]!r} refused",
                             headers={"Vary": "Origin", "Connection": "close"})
            body = await read_body(request)
            if isinstance(body, Response):
                return body
            media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
            if media == _UPDATE_TYPE:
                return _fail(403, "SPARQL Update is refused: the graph is read-only")
            if media == "application/x-www-form-urlencoded":
                try:
                    form = _params(body.decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    return _fail(400, "the form body is not valid application/x-www-form-urlencoded UTF-8")
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            elif media == "application/sparql-query":
                try:
                    params.setdefault("query", []).append(body.decode("utf-8"))
                except UnicodeDecodeError:
                    return _fail(400, "the query is not valid UTF-8")
            else:
                return _fail(415, "POST a query as application/sparql-query or application/x-www-form-urlencoded "
                                  f"(query=...), not {media or 'without a Content-Type'}")
        if "update" in params or "using-graph-uri" in params or "using-named-graph-uri" in params:
            return _fail(403, "SPARQL Update is refused: the graph is read-only")
        queries = params.get("query", [])
        accept = request.headers.get("accept")
        if not queries:
            if request.method == "POST":
                return _fail(400, "the request holds no query: send query=... (form) or the query itself "
                                  "(application/sparql-query)")
            return service_description(request, accept)
        if len(queries) > 1:
            return _fail(400, "give exactly one query parameter")
        for dataset in ("default-graph-uri", "named-graph-uri"):
            if dataset in params:
                return _fail(400, f"{dataset} is refused: queries run over the aiworkforce graph only")
        text = queries[0]
        if not text.strip():
            return _fail(400, "the query is empty")
        try:
            _check(text) if len(text) <= _CHECKED_TEXT else check_query(text, source="query")
        except AiworkforceError as exc:
            return _fail(400, str(exc))
        result_type = negotiate(accept, RESULT_TYPES)
        graph_type = negotiate(accept, GRAPH_TYPES)
        if result_type is None and graph_type is None:
            return _fail(406, f"cannot answer in {accept!r}; Accept one of: {', '.join(RESULT_TYPES)} "
                              f"(SELECT, ASK) or {', '.join(GRAPH_TYPES)} (CONSTRUCT, DESCRIBE)")
        reply = await run(("sparql", {"text": text, "result_type": result_type, "graph_type": graph_type,
                                       "max_results": cfg.max_results, "max_bytes": cfg.max_response_bytes}))
        reply.headers.setdefault("Vary", "Accept")
        return _response(reply)

    def service_description(request: Request, accept: str | None) -> Response:
        media = negotiate(accept, GRAPH_TYPES)
        if media is None:
            return _fail(406, f"Accept one of: {', '.join(GRAPH_TYPES)} for the service description")
        host = request.headers.get("host", "")
        if not _HOST.match(host):  # the Host header ends up inside an IRI: only a plain host[:port]
            host = urlsplit(served.url).netloc
        endpoint = f"http://{host}/sparql"
        sd = "http://www.w3.org/ns/sparql-service-description#"
        formats = ["SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV",
                   "Turtle", "N-Triples", "JSON-LD", "RDF_XML"]
        lines = [f"@prefix sd: <{sd}> .", "", f"<{endpoint}> a sd:Service ;", f"  sd:endpoint <{endpoint}> ;",
                 "  sd:supportedLanguage sd:SPARQL11Query ;",
                 "  sd:resultFormat " + ", ".join(f"<http://www.w3.org/ns/formats/{f}>" for f in formats) + " ;",
                 "  sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ;",
                 f"    sd:namedGraph [ a sd:NamedGraph ; sd:name <{INFERRED_GRAPH}> ] ] ."]
        text = "\n".join(lines) + "\n"
        if GRAPH_TYPES[media] == "turtle":
            return _response(Reply(200, with_charset(media), text.encode(), {"Vary": "Accept"}))
        triples = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)]
        return _response(Reply(200, with_charset(media), serialize_graph(GRAPH_TYPES[media], triples),
                               {"Vary": "Accept"}))

    index_headers = {"Cache-Control": "no-cache"}
    if all(name in served.static for name in EDITOR_FILES):
        index_headers["Content-Security-Policy"] = _CSP_EDITOR

    async def index(request: Request) -> Response:
        return _response(Reply(200, "text/html; charset=utf-8", served.index, dict(index_headers)))

    async def static(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in served.static:
            return _fail(404, f"not found: {_raw_path(request)}")
        return _response(Reply(200, STATIC_TYPES[name], served.static[name], {"Cache-Control": "public, max-age=300"}))

    async def api_queries(request: Request) -> Response:
        return _response(json_reply(200, served.catalogue_doc))

    async def openapi(request: Request) -> Response:
        return _response(json_reply(200, served.openapi_doc))

    async def api_query(request: Request) -> Response:
        name = request.path_params["name"]
        if len(request.url.query) > cfg.max_request_bytes:
            return too_large(len(request.url.query), "query string")
        try:
            get_query(name)
        except AiworkforceError as exc:
            return _response(json_reply(404, error_doc(exc)))
        accept = request.headers.get("accept")
        media = negotiate(accept, API_TYPES)
        if media is None:
            return _fail(406, f"Accept one of: {', '.join(API_TYPES)}", as_json=True)
        params: dict[str, str] = {}
        for key, values in _params(request.url.query).items():
            if len(values) > 1:
                return _response(json_reply(400, {"error": f"parameter {key!r} is given {len(values)} times",
                                                  "hint": "give each parameter once"}))
            if values[0].strip():  # an empty form field means "not given"
                params[key] = values[0]
        reply = await run(("api_query", {"name": name, "params": params, "max_results": cfg.max_results,
                                         "media": media}))
        if reply.status >= 500 and not reply.content_type.startswith("application/json"):
            reply = json_reply(reply.status, {"error": reply.body.decode().strip(), "hint": None}, reply.headers)
        reply.headers.setdefault("Vary", "Accept")
        return _response(reply)

    async def describe(request: Request) -> Response:
        params = _params(request.url.query)
        iris = params.get("iri", [])
        if len(iris) != 1 or not re.match(r"^[a-z][a-z0-9+.-]*:\S+$", iris[0], re.IGNORECASE):
            return _fail(400, "give exactly one absolute IRI: /describe?iri=http://...")
        return await term(request, iris[0], params)

    async def explain(request: Request) -> Response:
        return _response(await run_in_threadpool(served.explainer.reply, _params(request.url.query),
                                                 request.headers.get("accept")))

    async def term_page(request: Request) -> Response:
        path = _raw_path(request)
        if not _TERM_PATH.match(path):
            return _fail(404, f"not found: {path}", as_json=path.startswith("/api/"))
        return await term(request, BASE + path[1:], _params(request.url.query))

    async def term(request: Request, iri: str, params: dict[str, list[str]]) -> Response:
        forced = params.get("format", [None])[-1]
        if forced is not None:
            if forced not in TERM_FORMATS:
                return _fail(400, f"unknown format {forced!r}; use one of: {', '.join(TERM_FORMATS)}")
            media = TERM_FORMATS[forced]
        else:
            media = negotiate(request.headers.get("accept"), [*HTML_TYPES, *GRAPH_TYPES])
            if media is None:
                return _fail(406, f"Accept one of: {', '.join([*HTML_TYPES, *GRAPH_TYPES])}")
        lang = params.get("lang", [DEFAULT_LANGUAGE])[-1]
        try:
            lang = language_tag(lang)
        except UsageError as exc:
            return _fail(400, f"{exc.message}: {exc.hint}")
        reply = await run(("term", {"iri": iri, "media": media, "max_results": cfg.max_results, "lang": lang}))
        reply.headers.setdefault("Vary", "Accept")
        return _response(reply)

    async def not_found(request: Request, exc: HTTPException) -> Response:
        return _fail(404, f"not found: {_raw_path(request)}", as_json=request.url.path.startswith("/api/"))

    async def not_allowed(request: Request, exc: HTTPException) -> Response:
        allow = (exc.headers or {}).get("Allow", _ALLOW)
        what = ("the service is read-only" if request.method not in ("POST",)
                else f"POST is only accepted on /sparql (and /query), not {_raw_path(request)}")
        return _fail(405, f"{request.method} is not allowed: {what}", as_json=request.url.path.startswith("/api/"),
                     headers={"Allow": allow})

    async def internal_error(request: Request, exc: Exception) -> Response:  # never a traceback to the client
        log.error("internal error answering %s %s", request.method, request.url.path, exc_info=exc)
        return _fail(500, "internal error; see the server log")

    both = ["GET", "POST"]
    routes = [
        Route("/sparql", sparql, methods=both), Route("/query", sparql, methods=both),
        Route("/", index, methods=["GET"]),
        Route("/static/{name:path}", static, methods=["GET"]),
        Route("/api/queries", api_queries, methods=["GET"]),
        Route("/api/query/{name}", api_query, methods=["GET"]),
        Route("/openapi.json", openapi, methods=["GET"]),
        Route("/describe", describe, methods=["GET"]),
        Route("/explain", explain, methods=["GET"]),
        Route("/{path:path}", term_page, methods=["GET"]),
    ]
    middleware = [Middleware(_AccessLog)]
    if cfg.cors:
        middleware.append(Middleware(_Cors, allow_origins=[cfg.cors], allow_methods=_ALLOW.split(", "),
                                     allow_headers=["Accept", "Content-Type"], expose_headers=[MAX_ROWS_HEADER,
                                                                                               MAX_BYTES_HEADER],
                                     max_age=600))
    return Starlette(routes=routes, middleware=middleware,
                     exception_handlers={404: not_found, 405: not_allowed, Exception: internal_error})


class _Cors(CORSMiddleware):
    """Starlette's CORS middleware, answering an accepted preflight with 204 No Content (no body)."""

    def preflight_response(self, request_headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 200:
            return response
        headers = {k: v for k, v in response.headers.items() if k.lower() not in ("content-length", "content-type")}
        return Response(status_code=204, headers=headers)


class _AccessLog:
    """Logs one line per request: client, request line, status, body size and time taken."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        seen = {"status": "-", "size": 0}

        async def sending(message) -> None:
            if message["type"] == "http.response.start":
                seen["status"] = message["status"]
            elif message["type"] == "http.response.body":
                seen["size"] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            target = scope.get("raw_path", b"").decode("latin-1") + (
                "?" + scope["query_string"].decode("latin-1") if scope.get("query_string") else "")
            line = f'{scope["method"]} {target} HTTP/{scope.get("http_version", "1.1")}'
            if len(line) > 300:
                line = line[:300] + "..."
            client = (scope.get("client") or ("-",))[0]
            log.info('%s "%s" %s %s %.1fms', client, line, seen["status"], seen["size"],
                     (time.perf_counter() - started) * 1000)
