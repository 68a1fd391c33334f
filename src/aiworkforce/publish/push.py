"""Push the reasoned graph to a SPARQL 1.1 Graph Store.

:func:`push` uploads the reasoned graph (the cached closure) or the asserted graph with the SPARQL 1.1 Graph Store
HTTP Protocol: ``PUT {store}?default`` or ``PUT {store}?graph=IRI``, as N-Triples. Credentials in the URL
(``http://user:password@host/...``) go as HTTP Basic, or as Digest to a store that asks for it (Virtuoso's
``/sparql-graph-crud-auth``, which also keeps no default graph: push there with ``graph``).
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from dataclasses import dataclass

from aiworkforce.graph import KnowledgeGraph
from aiworkforce.query.remote import (
    DEFAULT_TIMEOUT,
    N_TRIPLES,
    _request,
    _shown,
    _user_agent,
    _with_credentials,
    check_iri,
    check_url,
)
from aiworkforce.rdf.serialize import serialize


@dataclass(frozen=True)
class PushResult:
    """What :func:`push` sent, where, and the store's answer."""

    url: str  # the Graph Store URL the graph was PUT to (without credentials)
    graph: str | None  # the named graph, or None for the default graph
    inferred: bool  # the reasoned closure (True) or the asserted graph (False)
    triples: int
    size_bytes: int  # the N-Triples body sent
    status: int  # HTTP status of the store's answer (200, 201 or 204)


#: Hints for a store's refusals. Virtuoso's anonymous Graph Store (``/sparql-graph-crud``) may not write (HTTP 403);
#: its ``/sparql-graph-crud-auth`` takes a user's credentials.
_REFUSED = {403: "the store does not let this user write there: give the credentials of one who may "
                 "(Virtuoso: http://dba:PASSWORD@HOST:8890/sparql-graph-crud-auth)"}
#: A store may keep no default graph of its own: Virtuoso's Graph Store answers ``PUT ?default`` with HTTP 500.
_NO_DEFAULT_GRAPH = {
    code: "a store without a writable default graph (Virtuoso) refuses ?default: push to a named graph with "
          "--graph IRI" for code in (400, 405, 500, 501)
}


def graph_store_url(store_url: str, graph: str | None = None) -> str:
    """The Graph Store Protocol URL of the default graph (``?default``) or of the named graph ``graph``."""
    check_url(store_url, what="Graph Store URL")
    target = "default" if graph is None else "graph=" + urllib.parse.quote(check_iri(graph, what="graph"), safe="")
    return f"{store_url}{'&' if urllib.parse.urlsplit(store_url).query else '?'}{target}"


def push(source: KnowledgeGraph, store_url: str, *, graph: str | None = None, inferred: bool = True,
         timeout: float = DEFAULT_TIMEOUT) -> PushResult:
    """Replace the default graph (or the named graph ``graph``) of a SPARQL 1.1 Graph Store with ``source``.

    ``inferred`` sends the reasoned closure (what the stored queries expect); otherwise the asserted graph.
    """
    url = graph_store_url(store_url, graph)
    if inferred:
        body = source.closure().closure.read_bytes()
    else:
        body = serialize(source.asserted, "nt").encode("utf-8")
    triples = sum(1 for line in body.splitlines() if line.strip() and not line.lstrip().startswith(b"#"))
    plain_url, headers = _with_credentials(url, {"Content-Type": N_TRIPLES, "User-Agent": _user_agent()})
    request = urllib.request.Request(plain_url, data=body, method="PUT", headers=headers)
    status, _, _ = _request(
        request, timeout=timeout, what="push",
        hint="check that the URL is a SPARQL 1.1 Graph Store endpoint (Oxigraph: http://HOST:PORT/store) "
             "that accepts writes",
        status_hints={**_REFUSED, **(_NO_DEFAULT_GRAPH if graph is None else {})},
    )
    return PushResult(_shown(url), graph, inferred, triples, len(body), status)
