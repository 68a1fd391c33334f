"""A read-only SPARQL 1.1 Protocol endpoint over the reasoned graph, with web pages for people.

Starlette (routing, requests, CORS) served by Uvicorn (HTTP/1.1, with the llhttp parser of httptools) speaks
HTTP, and python-mimeparse negotiates content types; every query runs in one of a
small pool of long-lived worker *processes*, each holding its own pyoxigraph store loaded from the cached
closure (:func:`aiworkforce.query.engines.open_engine`). A query that runs past the time limit is stopped for real:
its worker is killed and replaced, and the client gets ``504``. The HTTP process itself never loads the graph.

Routes (see the README's "Serve" section):

* ``/sparql`` (also ``/query``, as Oxigraph and Fuseki name it) - the SPARQL 1.1 Protocol: ``GET ?query=``, ``POST`` form (``query=``), ``POST``
  ``application/sparql-query``; results negotiated by ``Accept``; updates are refused (403); ``SERVICE``,
  ``FROM`` and ``LOAD`` are refused (400, :func:`aiworkforce.query.safety.check_query`). Without a query it answers
  the SPARQL service description.
* ``/`` - every stored query with its parameters and a Run button, plus a free SPARQL box.
* ``/api/queries`` and ``/api/query/NAME?param=value`` - the catalogue and stored-query results as JSON (or, by
  ``Accept``, a SPARQL 1.1 result format); ``/openapi.json`` - those operations as an OpenAPI 3.1 document.
* ``/role/ml-engineer``, ``/layer/...``, ``/skill/...``, ... and ``/ontology`` - every term IRI below
  ``https://w3id.org/aiworkforce/`` resolves here: HTML for browsers, Turtle (and the other RDF syntaxes) by
  ``Accept``. ``/describe?iri=...`` does the same for any other IRI the graph describes (e.g. ESCO occupations).
* ``/static/...`` - the CSS and JavaScript of the pages (package data in ``aiworkforce/server/web``; no CDN).

Result-size limit: results longer than ``max_results`` rows (SELECT) or triples (CONSTRUCT/DESCRIBE) are
*truncated* to ``max_results`` and the response carries ``X-SPARQL-MaxRows: <max_results>`` (the header
Virtuoso uses); ``/api/query`` also says ``"truncated": true``.

Limits: a query may run ``timeout`` seconds (then ``504``; a request that waits longer than ``timeout`` for a
free worker gets ``503``); a request body or query string above ``max_request_bytes`` gets ``413``.

Workers are started with :mod:`multiprocessing`'s *spawn* method (never fork a threaded server), so a script
that creates a :class:`Server` must do so under ``if __name__ == "__main__":``, as with any process pool.

The package never prints; it logs through the ``aiworkforce.server.app`` logger and configures no handlers.

Modules, one job each:

* :mod:`.app` - :class:`Server`, which ties the parts together;
* :mod:`.config` - :class:`ServerConfig` and the defaults;
* :mod:`.http` - the Starlette application: routes, request limits, the SPARQL 1.1 Protocol;
* :mod:`.negotiation` - the media-type tables and the choice among them (python-mimeparse);
* :mod:`.pages` - the home page, the catalogue JSON, the static assets and the HTML helpers;
* :mod:`.termpages` - term pages, rendered inside the workers;
* :mod:`.workers` - the worker processes and their pool; :mod:`.jobs` - what a worker answers;
  :mod:`.reply` - the answer a worker hands back;
* serialising results: :mod:`aiworkforce.present.sparql_results` (no HTTP in it).
"""

from __future__ import annotations

from aiworkforce.server.app import Server
from aiworkforce.server.config import (
    DEFAULT_HOST,
    DEFAULT_MAX_REQUEST_BYTES,
    DEFAULT_MAX_RESULTS,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    ServerConfig,
    default_worker_processes,
)
from aiworkforce.server.negotiation import negotiate

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_MAX_REQUEST_BYTES",
    "DEFAULT_MAX_RESULTS",
    "DEFAULT_PORT",
    "DEFAULT_TIMEOUT",
    "Server",
    "ServerConfig",
    "default_worker_processes",
    "negotiate",
]
