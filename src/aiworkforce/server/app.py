"""The endpoint as one object: :class:`Server` binds the socket, starts the query workers over a pinned copy of
the cached closure, renders what is served as it is, and serves (Uvicorn running the Starlette application of
:mod:`.http`) until closed.
"""

from __future__ import annotations

import logging
import shutil
import socket
import tempfile
import threading

import uvicorn

from aiworkforce.errors import UsageError
from aiworkforce.graph import KnowledgeGraph
from aiworkforce.server.config import ServerConfig
from aiworkforce.server.explain import Explainer
from aiworkforce.publish.openapi import openapi_document
from aiworkforce.server.http import Served, build_app
from aiworkforce.server.pages import EDITOR_FILES, catalogue_json, index_page, load_static
from aiworkforce.server.workers import WorkerPool

__all__ = ["Server"]

log = logging.getLogger("aiworkforce.server.app")  # the server's one logger: `aiworkforce serve` gives it a handler


class Server:
    """The endpoint: bind, start the workers, serve; ``close()`` stops everything.

    ``serve_forever()`` blocks; ``start()`` serves from a background thread (tests, benchmarks). Usable as a
    context manager.
    """

    def __init__(self, graph: KnowledgeGraph, config: ServerConfig | None = None) -> None:
        self.config = config or ServerConfig()
        self.config.check()
        # Build the closure once here, not in every worker, and pin a private copy for the server's lifetime:
        # an `aiworkforce add` or a cache prune while serving must not give workers different graphs.
        entry = graph.closure()
        self._pinned = tempfile.mkdtemp(prefix="aiworkforce-serve-")
        pinned = (shutil.copy(entry.closure, self._pinned), shutil.copy(entry.inferred, self._pinned))
        static = load_static()
        index = index_page(editor=all(name in static for name in EDITOR_FILES))
        catalogue_doc = catalogue_json()
        openapi_doc = openapi_document()
        try:
            self.socket = _listen(self.config.host, self.config.port)
        except OSError as exc:
            shutil.rmtree(self._pinned, ignore_errors=True)
            raise UsageError(f"cannot listen on {self.config.host}:{self.config.port}: {exc.strerror or exc}",
                             hint="choose another --port (0 picks a free one) or --host") from None
        try:
            self.pool = WorkerPool(self.config.workers, self.config.timeout, pinned, self.config.memory * 2**20)
        except BaseException:
            self.socket.close()
            shutil.rmtree(self._pinned, ignore_errors=True)
            raise
        app = build_app(Served(self.config, self.url, self.pool, Explainer(graph), static, index, catalogue_doc,
                               openapi_doc))
        # httptools (llhttp) parses requests: stricter than h11 (it refuses a repeated Content-Length) and faster
        self._uvicorn = uvicorn.Server(uvicorn.Config(
            app, http="httptools", lifespan="off", log_config=None, access_log=False, server_header=False,
            timeout_keep_alive=60, backlog=128))
        self._thread: threading.Thread | None = None
        self._serving: threading.Thread | None = None
        self._closed = False

    @property
    def address(self) -> tuple:
        """The address the server listens on, as the socket gives it (host, port, ...)."""
        return self.socket.getsockname()

    @property
    def port(self) -> int:
        return self.address[1]

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
            if not self._closed:
                self._uvicorn.run(sockets=[self.socket])  # on uvloop when installed
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
        self._uvicorn.should_exit = True  # Uvicorn's way to stop: it finishes the answers under way
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(10)
        self.socket.close()
        shutil.rmtree(self._pinned, ignore_errors=True)
        self.pool.close()
        log.info("stopped")

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (IPv6 if ``host`` has a colon). Raises :class:`OSError`."""
    # IPPROTO_TCP spelt out: asyncio sets TCP_NODELAY on accepted connections only then, and without it Nagle's
    # algorithm holds each answer's body back for the client's delayed ACK (40 ms per request on a kept-alive
    # connection)
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError:
        sock.close()
        raise
    return sock
