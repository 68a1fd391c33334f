"""The endpoint's bounds and browser-origin rule (issue 11): nesting depth, per-worker memory, answer size in
bytes, and cross-origin POSTs."""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request

import pytest

from aiworkforce.graph import KnowledgeGraph
from aiworkforce.server import Server, ServerConfig
from aiworkforce.server.reply import MAX_BYTES_HEADER


@pytest.fixture(scope="module")
def srv():
    config = ServerConfig(port=0, workers=1, timeout=20, memory=128, max_response_bytes=64 * 1024,
                          cors="https://allowed.example")
    with Server(KnowledgeGraph(), config) as server:
        server.start()
        yield server


def send(srv, query: str, *, how: str = "get", headers: dict | None = None):
    if how == "get":
        req = urllib.request.Request(f"{srv.url}sparql?" + urllib.parse.urlencode({"query": query}),
                                     headers=headers or {})
    else:
        req = urllib.request.Request(f"{srv.url}sparql", data=query.encode(),
                                     headers={"Content-Type": "application/sparql-query", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()  # header names are case-insensitive
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


def test_deep_nesting_is_400_and_the_worker_lives(srv):
    status, _, body = send(srv, "SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }", how="post")
    assert status == 400 and b"nests brackets" in body
    assert send(srv, "ASK { ?s ?p ?o }")[0] == 200


def test_a_query_over_the_memory_ceiling_is_400_and_the_server_recovers(srv):
    greedy = ('SELECT (STRLEN(?d) AS ?n) WHERE { BIND(REPLACE("' + "K" * 60 + '", "", "' + "K" * 40 + '") AS ?a) '
              'BIND(REPLACE(?a, "", "' + "K" * 40 + '") AS ?b) BIND(REPLACE(?b, "", "' + "K" * 40 + '") AS ?c) '
              'BIND(REPLACE(?c, "", "' + "K" * 40 + '") AS ?d) }')
    status, _, body = send(srv, greedy, how="post")
    assert status == 400, body
    assert b"memory" in body
    assert send(srv, "ASK { ?s ?p ?o }")[0] == 200  # a fresh worker took its place


def test_the_answer_is_cut_to_the_byte_limit(srv):
    status, headers, body = send(srv, "SELECT * WHERE { ?s ?p ?o }",
                                 headers={"Accept": "application/sparql-results+json"})
    assert status == 200
    assert len(body) <= 64 * 1024
    assert headers.get(MAX_BYTES_HEADER) == str(64 * 1024)


@pytest.mark.parametrize("origin, expected", [
    ("https://evil.example", 403),
    ("null", 403),
    ("https://allowed.example", 200),
])
def test_cross_origin_posts_are_refused_unless_allowed(srv, origin, expected):
    status, _, body = send(srv, "ASK { ?s ?p ?o }", how="post",
                           headers={"Origin": origin, "Accept": "application/sparql-results+json"})
    assert status == expected, body


def test_same_origin_and_non_browser_posts_are_served(srv):
    host = srv.url.split("//", 1)[1].rstrip("/")
    accept = {"Accept": "application/sparql-results+json"}
    assert send(srv, "ASK { ?s ?p ?o }", how="post", headers={"Origin": f"http://{host}", **accept})[0] == 200
    assert send(srv, "ASK { ?s ?p ?o }", how="post", headers=accept)[0] == 200
