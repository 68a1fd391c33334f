"""The ``serve`` command: a read-only SPARQL endpoint and web pages over the reasoned graph."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from ._app import app


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on. The default serves this machine only.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="TCP port; 0 picks a free one.")] = 7878,
    timeout: Annotated[float, typer.Option(min=0.001, help="Seconds a query may run before it is stopped (504).")] = 10.0,
    max_results: Annotated[int, typer.Option(
        min=1, help="Most rows (SELECT) or triples (CONSTRUCT/DESCRIBE) per answer; longer answers are truncated "
                    "and marked with the header X-SPARQL-MaxRows.")] = 10_000,
    max_request_bytes: Annotated[int, typer.Option(
        min=1, help="Largest request body or query string accepted (413 beyond).")] = 1 << 20,
    cors: Annotated[Optional[str], typer.Option(
        metavar="ORIGIN", help="Allow browsers on ORIGIN (or '*') to call the endpoint; no CORS headers without it.")] = None,
    workers: Annotated[Optional[int], typer.Option(
        min=1, help="Query worker processes (default: the number of CPUs, at most 4).")] = None,
    max_response_bytes: Annotated[int, typer.Option(
        min=1024, help="Largest answer body in bytes; longer answers are cut (X-Aiworkforce-MaxBytes).")] = 16 << 20,
    memory: Annotated[int, typer.Option(
        min=64, help="MiB a worker may allocate beyond the graph; a query needing more gets 400.")] = 1024,
) -> None:
    """Serve the reasoned graph: a read-only SPARQL 1.1 endpoint at /sparql, and web pages for people.

    Every term IRI resolves under the server (/role/ml-engineer, /layer/data, /ontology, ...): HTML for
    browsers, Turtle for Accept: text/turtle. Stops cleanly on Ctrl-C or SIGTERM.
    """
    import logging
    import sys

    from aiworkforce.server import Server, ServerConfig, default_worker_processes

    config = ServerConfig(host=host, port=port, timeout=timeout, max_results=max_results,
                          max_request_bytes=max_request_bytes, cors=cors,
                          max_response_bytes=max_response_bytes, memory=memory, workers=workers or default_worker_processes())
    logger = logging.getLogger("aiworkforce.server.app")
    handler = logging.StreamHandler(sys.stderr)  # the request log, configured here and never at import
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S"))
    saved = (logger.level, logger.propagate)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    try:
        _run(Server, config, host)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(saved[0])
        logger.propagate = saved[1]


def _run(server_class, config, host: str) -> None:
    import signal

    from aiworkforce.graph import KnowledgeGraph

    server = server_class(KnowledgeGraph(), config)

    def _stop(signum, frame):  # SIGTERM behaves like Ctrl-C: leave serve_forever, then clean up
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, _stop)
    if host not in ("127.0.0.1", "::1", "localhost"):
        typer.echo(f"aiworkforce: warning: listening on {host}: other machines can reach the endpoint", err=True)
    typer.echo(f"aiworkforce: serving {server.url}  (SPARQL endpoint {server.url}sparql; Ctrl-C to stop)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        server.close()
        typer.echo("aiworkforce: stopped", err=True)
