"""The endpoint as one object: :class:`Server` binds the socket, starts the query workers over a pinned copy of
the cached closure, renders what is served as it is, and serves until closed.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading

from aiworkforce.errors import UsageError
from aiworkforce.graph import KnowledgeGraph
from aiworkforce.server.config import ServerConfig
from aiworkforce.server.http import bind
from aiworkforce.server.pages import catalogue_json, index_page, load_static
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
        graph = (shutil.copy(entry.closure, self._pinned), shutil.copy(entry.inferred, self._pinned))
        static = load_static()
        index = index_page()
        catalogue_doc = catalogue_json()
        try:
            self.httpd = bind(self.config.host, self.config.port)
        except OSError as exc:
            shutil.rmtree(self._pinned, ignore_errors=True)
            raise UsageError(f"cannot listen on {self.config.host}:{self.config.port}: {exc.strerror or exc}",
                             hint="choose another --port (0 picks a free one) or --host") from None
        self.httpd.config = self.config
        self.httpd.url = self.url
        self.httpd.static, self.httpd.index, self.httpd.catalogue_doc = static, index, catalogue_doc
        try:
            self.pool = WorkerPool(self.config.workers, self.config.timeout, graph, self.config.memory * 2**20)
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
        shutil.rmtree(self._pinned, ignore_errors=True)
        self.pool.close()
        log.info("stopped")

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
