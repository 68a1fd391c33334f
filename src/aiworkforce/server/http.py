"""The HTTP side: the request handler (routing, request limits, the SPARQL 1.1 Protocol) over the standard
library's threading HTTP server. Every answer that needs the graph comes from the query workers
(:class:`aiworkforce.server.workers.WorkerPool`); the handler itself never touches the graph.
"""

from __future__ import annotations

import logging
import re
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from aiworkforce.query.engines import INFERRED_GRAPH
from aiworkforce.errors import AiworkforceError
from aiworkforce.present.sparql_results import serialize_graph
from aiworkforce.query.catalogue import get_query
from aiworkforce.query.safety import check_query
from aiworkforce.rdf.prefixes import BASE, INDIVIDUAL_KINDS
from aiworkforce.server.config import ServerConfig
from aiworkforce.server.negotiation import (
    GRAPH_TYPES,
    HTML_TYPES,
    RESULT_TYPES,
    TERM_FORMATS,
    negotiate,
    with_charset,
)
from aiworkforce.server.pages import STATIC_TYPES
from aiworkforce.server.reply import (
    MAX_ROWS_HEADER,
    Reply,
    error_doc,
    json_reply,
    text_reply,
)
from aiworkforce.server.workers import WorkerPool

__all__ = ["bind"]

log = logging.getLogger("aiworkforce.server.app")  # the server's one logger: `aiworkforce serve` gives it a handler

_TERM_PATH = re.compile(r"^/(?:(?:" + "|".join(INDIVIDUAL_KINDS) + r")/[A-Za-z0-9._~%-]+|ontology(?:/[A-Za-z0-9._~-]+)?)$")
_UPDATE_TYPE = "application/sparql-update"
_DRAIN_LIMIT = 16 << 20
#: The SPARQL endpoint's paths: /sparql, and /query as Oxigraph's and Fuseki's servers name it.
_ENDPOINTS = ("/sparql", "/query")
_HOST = re.compile(r"^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9A-Fa-f:.]+\](:\d+)?$")
_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'"


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

    def _cross_origin(self) -> str | None:
        """The Origin of a browser request from another site that --cors does not allow, else None.

        Browsers send ``Origin`` with every POST; a page elsewhere must not make a visitor's browser run
        queries here (it could not read the answer, but the query would still run)."""
        origin = self.headers.get("Origin")
        if origin is None:
            return None
        host = self.headers.get("Host", "")
        if origin in (f"http://{host}", f"https://{host}") and host:
            return None
        allowed = self.server.config.cors
        if allowed == "*" or (allowed and origin == allowed):
            return None
        return origin

    def _dispatch(self) -> None:
        self._started = time.perf_counter()
        if self.command == "POST":
            origin = self._cross_origin()
            if origin is not None:
                self.close_connection = True
                self._fail(403, f"cross-origin POST from {origin[:200]!r} refused",
                           headers={"Vary": "Origin"})
                return
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
            self._send(Reply(200, STATIC_TYPES[name], self.server.static[name], {"Cache-Control": "public, max-age=300"}))
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
                                                 "max_results": cfg.max_results,
                                                 "max_bytes": cfg.max_response_bytes}))
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
                 f"    sd:namedGraph [ a sd:NamedGraph ; sd:name <{INFERRED_GRAPH}> ] ] ."]
        text = "\n".join(lines) + "\n"
        if GRAPH_TYPES[media] == "turtle":
            self._send(Reply(200, with_charset(media), text.encode(), {"Vary": "Accept"}))
            return
        triples = [q.triple for q in ox.parse(text.encode(), format=ox.RdfFormat.TURTLE)]
        self._send(Reply(200, with_charset(media), serialize_graph(GRAPH_TYPES[media], triples), {"Vary": "Accept"}))

    # -- /api/query/NAME

    def _api_query(self, name: str, query_string: str) -> None:
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


def bind(host: str, port: int) -> _HTTPServer:
    """An HTTP server with the endpoint's handler listening on ``host:port`` (IPv6 if ``host`` has a colon);
    the caller sets its attributes before serving. Raises :class:`OSError` if it cannot listen."""
    server_class = _HTTPServer6 if ":" in host else _HTTPServer
    return server_class((host, port), _Handler)
