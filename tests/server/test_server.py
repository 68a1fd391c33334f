"""The SPARQL endpoint and web pages (aiworkforce.server.app, `aiworkforce serve`), tested with real clients:
SPARQLWrapper, rdflib's SPARQLStore, curl and plain HTTP. Answers are compared with the library run locally."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.query import Result

from aiworkforce.query.catalogue import catalogue
from aiworkforce.rdf.prefixes import BASE
from aiworkforce.query.run import run_query, run_sparql
from aiworkforce.graph import KnowledgeGraph, RemoteGraph
from aiworkforce.server import Server, ServerConfig, negotiate
from aiworkforce.rdf.terms import Term

#: the shipped graph, as the server serves it (built once for the module)
KG = KnowledgeGraph()

ROLE = BASE + "role/ml-engineer"
SKOS = "http://www.w3.org/2004/02/skos/core#"
AIW = BASE + "ontology#"
CURL = shutil.which("curl")

# rdflib's JSON-LD parser and SPARQLWrapper still use rdflib's deprecated ConjunctiveGraph
pytestmark = pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")

ROLES_QUERY = """PREFIX aiw: <https://w3id.org/aiworkforce/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?name ?layer WHERE { ?role aiw:inLayer ?layer ; skos:prefLabel ?name } ORDER BY ?name ?layer"""
ROLE_CONSTRUCT = f"CONSTRUCT {{ <{ROLE}> ?p ?o }} WHERE {{ <{ROLE}> ?p ?o }}"
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


# -- servers -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server():
    """The endpoint with its defaults (CORS off), two workers, on a free loopback port."""
    with Server(KnowledgeGraph(), ServerConfig(port=0, workers=2)) as srv:
        srv.start()
        yield srv


@pytest.fixture(scope="module")
def tight():
    """The endpoint with small limits: --timeout 1, --max-results 5, --max-request-bytes 2000, --cors."""
    config = ServerConfig(port=0, workers=2, timeout=1, max_results=5, max_request_bytes=2000,
                          cors="https://example.org")
    with Server(KnowledgeGraph(), config) as srv:
        srv.start()
        yield srv


class Response:
    def __init__(self, status: int, headers, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0]

    def json(self):
        return json.loads(self.body)


def http(url: str, *, method: str = "GET", data: bytes | None = None, headers: dict | None = None,
         timeout: float = 30) -> Response:
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return Response(resp.status, resp.headers, resp.read())
    except urllib.error.HTTPError as err:
        return Response(err.code, err.headers, err.read())


def get_sparql(srv, query: str, accept: str | None = None, **extra) -> Response:
    qs = urllib.parse.urlencode({"query": query, **extra})
    return http(f"{srv.url}sparql?{qs}", headers={"Accept": accept} if accept else {})


def post_form(srv, query: str, accept: str | None = None) -> Response:
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if accept:
        headers["Accept"] = accept
    return http(f"{srv.url}sparql", method="POST", data=urllib.parse.urlencode({"query": query}).encode(),
                headers=headers)


def post_direct(srv, query: str, accept: str | None = None) -> Response:
    headers = {"Content-Type": "application/sparql-query"}
    if accept:
        headers["Accept"] = accept
    return http(f"{srv.url}sparql", method="POST", data=query.encode(), headers=headers)


# -- comparing with the library ----------------------------------------------------------------------------------


def json_term(binding: dict | None) -> Term | None:
    if binding is None:
        return None
    if binding["type"] == "uri":
        return Term.iri(binding["value"])
    if binding["type"] == "bnode":
        return Term("bnode", binding["value"])
    return Term.literal(binding["value"], binding.get("datatype"), binding.get("xml:lang"))


def rdflib_term(node) -> Term | None:
    from aiworkforce.rdf.terms import from_rdflib

    return from_rdflib(node)


def keys(rows) -> list[tuple]:
    return [tuple(None if t is None else t.key() for t in row) for row in rows]


def local_rows(query: str) -> list[tuple]:
    result = run_sparql(KG, query)
    return keys(result.rows)


def json_rows(doc: dict) -> list[tuple]:
    variables = doc["head"]["vars"]
    return keys([[json_term(b.get(v)) for v in variables] for b in doc["results"]["bindings"]])


def local_graph(query: str) -> Graph:
    from aiworkforce.rdf.terms import to_rdflib

    graph = Graph()
    for triple in run_sparql(KG, query).triples:
        graph.add(tuple(to_rdflib(t) for t in triple))
    return graph


# -- the protocol ------------------------------------------------------------------------------------------------


def test_binds_loopback_by_default(server):
    assert ServerConfig().host == "127.0.0.1"
    assert server.address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:")


def test_get_post_form_and_post_direct_agree_with_run_sparql(server):
    expected = local_rows(ROLES_QUERY)
    assert len(expected) > 20
    for send in (get_sparql, post_form, post_direct):
        response = send(server, ROLES_QUERY)
        assert response.status == 200, response.text
        assert response.type == "application/sparql-results+json"
        assert int(response.headers["Content-Length"]) == len(response.body)
        assert json_rows(response.json()) == expected, send.__name__


def test_project_prefixes_are_predeclared_like_run_sparql(server):
    query = "SELECT ?skill WHERE { role:ml-engineer aiw:requiresEssentialSkill ?skill } ORDER BY ?skill"
    response = get_sparql(server, query)
    assert response.status == 200, response.text
    assert json_rows(response.json()) == local_rows(query)


def test_the_inferred_named_graph_is_there_as_in_run_sparql(server):
    from aiworkforce.query.engines import INFERRED_GRAPH

    query = f"SELECT ?p ?o WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ <{ROLE}> ?p ?o }} }} ORDER BY ?p ?o"
    expected = local_rows(query)
    assert expected, "the role has inferred facts"
    assert json_rows(get_sparql(server, query).json()) == expected


def test_every_select_format_parses_to_the_same_rows(server):
    expected = Counter(local_rows(ROLES_QUERY))
    for accept, fmt in (("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
                        ("text/csv", "csv"), ("text/tab-separated-values", "tsv")):
        response = get_sparql(server, ROLES_QUERY, accept)
        assert response.status == 200, response.text
        assert response.type == accept
        result = Result.parse(io.BytesIO(response.body), format=fmt)
        rows = [[rdflib_term(row[i]) for i in range(len(result.vars))] for row in result]
        if fmt == "csv":  # CSV carries no term types: compare the lexical values
            assert Counter(tuple(t.value for t in r) for r in rows) == Counter(
                tuple(t.value for t in r) for r in run_sparql(KG, ROLES_QUERY).rows)
        else:
            assert Counter(keys(rows)) == expected, fmt


def test_unbound_values_datatypes_and_languages_survive_every_format(server):
    query = """SELECT ?a ?b ?c WHERE {
      VALUES (?a ?b ?c) { (1 UNDEF "tab\\there") (UNDEF "Daten"@de <urn:x>) ("2.5"^^xsd:decimal "" UNDEF) }
    }"""
    expected = Counter(local_rows(query))
    assert len(expected) == 3
    for accept, fmt in (("application/sparql-results+json", "json"), ("application/sparql-results+xml", "xml"),
                        ("text/tab-separated-values", "tsv")):
        response = get_sparql(server, query, accept)
        assert response.status == 200, response.text
        result = Result.parse(io.BytesIO(response.body), format=fmt)
        rows = [[rdflib_term(row[i]) for i in range(len(result.vars))] for row in result]
        assert Counter(keys(rows)) == expected, fmt


def test_csv_and_tsv_follow_the_w3c_layout(server):
    query = 'SELECT ?name ?n WHERE { BIND("a, \\"b\\"" AS ?name) BIND(3 AS ?n) }'
    text = get_sparql(server, query, "text/csv").text
    assert text.splitlines()[0] == "name,n"
    assert list(csv.reader(io.StringIO(text)))[1] == ['a, "b"', "3"]
    assert "\r\n" in text
    tsv = get_sparql(server, query, "text/tab-separated-values").text.splitlines()
    assert tsv[0] == "?name\t?n"
    assert tsv[1].split("\t")[0] == '"a, \\"b\\""'


def test_ask_in_json_and_xml(server):
    for query, answer in ((f"ASK {{ <{ROLE}> a aiw:Role }}", True), ("ASK { aiw:nothing ?p ?o }", False)):
        doc = get_sparql(server, query).json()
        assert doc == {"head": {}, "boolean": answer}
        xml = get_sparql(server, query, "application/sparql-results+xml").text
        node = ET.fromstring(xml).find("{http://www.w3.org/2005/sparql-results#}boolean")
        assert node is not None and node.text == str(answer).lower()


def test_every_graph_format_parses_to_the_same_triples(server):
    expected = local_graph(ROLE_CONSTRUCT)
    assert len(expected) > 30
    for accept, fmt in (("text/turtle", "turtle"), ("application/n-triples", "nt"),
                        ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")):
        response = get_sparql(server, ROLE_CONSTRUCT, accept)
        assert response.status == 200, response.text
        assert response.type == accept
        graph = Graph().parse(data=response.body, format=fmt)
        assert set(graph) == set(expected), fmt
    default = get_sparql(server, ROLE_CONSTRUCT)
    assert default.type == "text/turtle"


def test_describe_returns_the_terms_triples(server):
    response = get_sparql(server, f"DESCRIBE <{ROLE}>", "text/turtle")
    graph = Graph().parse(data=response.body, format="turtle")
    assert (URIRef(ROLE), URIRef(SKOS + "prefLabel"), Literal("Machine Learning Engineer", lang="en")) in graph


def test_content_negotiation_rules():
    offers = ["application/sparql-results+json", "application/sparql-results+xml", "text/csv"]
    assert negotiate(None, offers) == offers[0]
    assert negotiate("*/*", offers) == offers[0]
    assert negotiate("text/csv;q=0.5, application/sparql-results+xml", offers) == offers[1]
    assert negotiate("text/*", offers) == "text/csv"
    assert negotiate("application/sparql-results+json;q=0, */*;q=0.1", offers) == offers[1]
    assert negotiate("image/png", offers) is None


def test_unsupported_accept_is_406(server):
    assert get_sparql(server, ROLES_QUERY, "image/png").status == 406
    select_as_turtle = get_sparql(server, ROLES_QUERY, "text/turtle")
    assert select_as_turtle.status == 406
    assert "application/sparql-results+json" in select_as_turtle.text
    assert get_sparql(server, ROLE_CONSTRUCT, "text/csv").status == 406
    assert http(server.url + "role/ml-engineer", headers={"Accept": "image/png"}).status == 406


def test_head_answers_headers_without_a_body(server):
    url = f"{server.url}sparql?" + urllib.parse.urlencode({"query": ROLES_QUERY})
    get = http(url)
    head = http(url, method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["Content-Length"] == get.headers["Content-Length"]
    assert head.headers["Content-Type"] == get.headers["Content-Type"]
    page = http(server.url + "role/ml-engineer", method="HEAD")
    assert page.status == 200 and page.body == b"" and int(page.headers["Content-Length"]) > 1000


def test_kept_alive_connections_answer_without_delay(server):
    """One connection, many requests: no 40 ms Nagle/delayed-ACK stall per answer."""
    import http.client

    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    path = "/sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"})
    conn.request("GET", path)
    conn.getresponse().read()
    start = time.perf_counter()
    for _ in range(25):
        conn.request("GET", path)
        response = conn.getresponse()
        assert response.status == 200 and response.read()
    conn.close()
    assert time.perf_counter() - start < 0.75  # 25 x 40 ms would be 1 s


def test_service_description_without_a_query(server):
    response = http(server.url + "sparql", headers={"Accept": "text/turtle"})
    assert response.status == 200
    graph = Graph().parse(data=response.body, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph


# -- read-only and safe ------------------------------------------------------------------------------------------


def test_updates_are_forbidden(server):
    update = 'INSERT DATA { <urn:x> <urn:y> "z" }'
    direct = http(server.url + "sparql", method="POST", data=update.encode(),
                  headers={"Content-Type": "application/sparql-update"})
    assert direct.status == 403 and "read-only" in direct.text
    form = http(server.url + "sparql", method="POST", data=urllib.parse.urlencode({"update": update}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert form.status == 403
    assert http(f"{server.url}sparql?" + urllib.parse.urlencode({"update": update})).status == 403
    assert http(server.url + "sparql", method="PUT", data=b"x").status == 405
    assert http(server.url + "sparql", method="DELETE").status == 405
    # nothing changed
    assert get_sparql(server, "ASK { <urn:x> ?p ?o }").json()["boolean"] is False


def test_update_sent_as_a_query_is_refused(server):
    response = post_direct(server, 'INSERT DATA { <urn:x> <urn:y> "z" }')
    assert response.status == 400
    assert "read-only" in response.text


@pytest.fixture
def listener():
    """A loopback socket that records every connection made to it (nothing should be)."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    sock.settimeout(0.1)
    hits: list = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:  # includes the accept timeout
                continue
            hits.append(conn.recv(1024))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/", hits
    stop.set()
    thread.join(2)
    sock.close()


@pytest.mark.parametrize("template", [
    "SELECT * WHERE {{ SERVICE <{url}sparql> {{ ?s ?p ?o }} }}",
    "SELECT * FROM <{url}data.ttl> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM NAMED <{url}data.ttl> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}",
    "LOAD <{url}data.ttl>",
], ids=["service", "from", "from-named", "load"])
def test_service_from_and_load_are_refused_and_nothing_is_fetched(server, listener, template):
    url, hits = listener
    query = template.format(url=url)
    for send in (get_sparql, post_form, post_direct):
        response = send(server, query)
        assert response.status == 400, (send.__name__, response.status, response.text)
        assert "refused" in response.text
    time.sleep(0.2)
    assert hits == []


def test_dataset_parameters_are_refused(server, listener):
    url, hits = listener
    response = get_sparql(server, "SELECT * WHERE { ?s ?p ?o } LIMIT 1", **{"default-graph-uri": url})
    assert response.status == 400
    assert hits == []


def test_malformed_query_is_400_with_the_message(server):
    response = get_sparql(server, "SELEC ?x WHERE { ?x ?p }")
    assert response.status == 400
    assert "query:1:1: malformed SPARQL: expected SELECT, ASK, CONSTRUCT or DESCRIBE, not 'SELEC'" in response.text
    assert "    SELEC ?x WHERE { ?x ?p }\n    ^" in response.text  # the line, a caret under the column
    prefix = get_sparql(server, "SELECT ?x WHERE {\n  ?x foo:bar ?o }")
    assert prefix.status == 400 and "query:2:6: malformed SPARQL: unknown prefix foo:" in prefix.text
    assert get_sparql(server, "   ").status == 400
    unknown = http(server.url + "sparql", method="POST", data=b"query", headers={"Content-Type": "text/plain"})
    assert unknown.status == 415
    no_query = http(server.url + "sparql", method="POST", data=b"colour=blue&",
                    headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert no_query.status == 400 and "no query" in no_query.text


def test_timeout_stops_the_query_for_real_and_the_server_recovers(tight):
    pool = tight.pool
    pids = {w.process.pid for w in pool._all}
    start = time.monotonic()
    response = post_form(tight, SLOW_QUERY)
    elapsed = time.monotonic() - start
    assert response.status in (503, 504), response.text
    assert "time limit" in response.text
    assert elapsed < 3, f"answered after {elapsed:.1f} s"
    # the next query is answered at once
    after = get_sparql(tight, "ASK { ?s ?p ?o }")
    assert after.status == 200 and after.json()["boolean"] is True
    # the worker that ran the slow query is gone (not still computing), and a new one replaced it
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and pool._idle.qsize() < pool.size:
        time.sleep(0.05)
    assert pool._idle.qsize() == pool.size
    now = {w.process.pid for w in pool._all}
    killed = pids - now
    assert len(killed) == 1
    (pid,) = killed
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_request_size_limit(tight, curl, tmp_path):
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 3000
    for send in (post_direct, post_form, get_sparql):
        response = send(tight, big)
        assert response.status == 413, send.__name__
        assert "--max-request-bytes" in response.text
    # curl asking first (Expect: 100-continue) is refused before it sends the body
    body = tmp_path / "big.rq"
    body.write_text(big * 100)
    status, _, _ = run_curl(curl, "-H", "Expect: 100-continue", "-H", "Content-Type: application/sparql-query",
                               "--data-binary", f"@{body}", tight.url + "sparql")
    assert status == 413
    small = post_direct(tight, "ASK { ?s ?p ?o }")
    assert small.status == 200


def test_result_size_limit_truncates_and_says_so(tight, server):
    select = get_sparql(tight, "SELECT * WHERE { ?s ?p ?o }")
    assert select.status == 200
    assert len(select.json()["results"]["bindings"]) == 5
    assert select.headers["X-SPARQL-MaxRows"] == "5"
    construct = get_sparql(tight, "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "application/n-triples")
    assert len([line for line in construct.text.splitlines() if line.strip()]) == 5
    assert construct.headers["X-SPARQL-MaxRows"] == "5"
    api = http(tight.url + "api/query/roles-by-layer")
    assert api.json()["truncated"] is True and len(api.json()["rows"]) == 5
    assert api.headers["X-SPARQL-MaxRows"] == "5"
    # within the limit: no header
    small = get_sparql(tight, "SELECT * WHERE { ?s ?p ?o } LIMIT 5")
    assert "X-SPARQL-MaxRows" not in small.headers
    # the default limit leaves an ordinary query whole
    assert "X-SPARQL-MaxRows" not in get_sparql(server, "SELECT ?s WHERE { ?s a ?c } LIMIT 1000").headers


def test_cors_is_off_by_default_and_on_with_the_flag(server, tight):
    plain = get_sparql(server, "ASK {}")
    assert not any(h.lower().startswith("access-control-") for h in plain.headers)
    preflight = http(server.url + "sparql", method="OPTIONS", headers={"Origin": "https://example.org"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
    # browsers send Origin with every cross-origin request; the allowed one gets the CORS headers
    allowed = http(tight.url + "sparql?query=ASK%7B%7D", headers={"Origin": "https://example.org"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "https://example.org"
    assert "X-SPARQL-MaxRows" in allowed.headers["Access-Control-Expose-Headers"]
    other = http(tight.url + "sparql?query=ASK%7B%7D", headers={"Origin": "https://evil.example"})
    assert other.status == 200 and "Access-Control-Allow-Origin" not in other.headers
    preflight = http(tight.url + "sparql", method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST"})
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "https://example.org"
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]


# -- real clients ------------------------------------------------------------------------------------------------


def test_sparqlwrapper_select_json_and_xml(server):
    from SPARQLWrapper import JSON, XML, SPARQLWrapper

    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(ROLES_QUERY)
    client.setReturnFormat(JSON)
    assert json_rows(client.query().convert()) == local_rows(ROLES_QUERY)
    client.setReturnFormat(XML)
    doc = client.query().convert()  # an xml.dom.minidom document
    results = doc.getElementsByTagName("result")
    assert len(results) == len(local_rows(ROLES_QUERY))


def test_sparqlwrapper_ask_and_construct(server):
    from SPARQLWrapper import JSON, RDFXML, TURTLE, SPARQLWrapper

    client = SPARQLWrapper(server.url + "sparql")
    client.setQuery(f"ASK {{ <{ROLE}> a <{AIW}Role> }}")
    client.setReturnFormat(JSON)
    assert client.query().convert()["boolean"] is True
    client.setQuery(ROLE_CONSTRUCT)
    client.setReturnFormat(TURTLE)
    turtle = client.query().convert()
    assert set(Graph().parse(data=turtle, format="turtle")) == set(local_graph(ROLE_CONSTRUCT))
    client.setReturnFormat(RDFXML)
    graph = client.query().convert()  # SPARQLWrapper parses RDF/XML into an rdflib Graph
    assert set(graph) == set(local_graph(ROLE_CONSTRUCT))


def test_sparqlwrapper_post(server):
    from SPARQLWrapper import JSON, POST, SPARQLWrapper

    client = SPARQLWrapper(server.url + "sparql")
    client.setMethod(POST)
    client.setQuery(ROLES_QUERY)
    client.setReturnFormat(JSON)
    assert json_rows(client.query().convert()) == local_rows(ROLES_QUERY)


def test_rdflib_sparqlstore(server):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore

    for method in ("GET", "POST", "POST_FORM"):
        graph = Graph(store=SPARQLStore(server.url + "sparql", method=method))
        rows = [[rdflib_term(row[i]) for i in range(3)] for row in graph.query(ROLES_QUERY)]
        assert keys(rows) == local_rows(ROLES_QUERY), method
    graph = Graph(store=SPARQLStore(server.url + "sparql"))
    assert set(graph.triples((URIRef(ROLE), None, None))) == set(local_graph(ROLE_CONSTRUCT))
    assert graph.query(f"ASK {{ <{ROLE}> ?p ?o }}").askAnswer is True
    constructed = graph.query(ROLE_CONSTRUCT).graph
    assert set(constructed) == set(local_graph(ROLE_CONSTRUCT))


@pytest.mark.parametrize("query", list(catalogue().values()), ids=list(catalogue()))
def test_the_projects_own_remote_engine_gets_the_local_answers(server, query):
    """`aiworkforce query NAME --endpoint URL` against this server answers exactly as the local cache does."""
    params = {p.name: p.example for p in query.params if p.example is not None}
    local = run_query(KG, query.name, params)
    remote = run_query(RemoteGraph(server.url + "sparql"), query.name, params)
    assert remote.variables == local.variables
    assert keys(remote.rows) == keys(local.rows)


def test_query_is_an_alias_of_sparql(server):
    assert json_rows(http(f"{server.url}query?" + urllib.parse.urlencode({"query": ROLES_QUERY})).json()) == \
        local_rows(ROLES_QUERY)


@pytest.fixture(scope="module")
def curl():
    assert CURL, "curl is not installed: apt-get install -y curl"
    return CURL


def run_curl(curl, *args: str) -> tuple[int, str, str]:
    """curl's body, and its status and content type (written after a marker line)."""
    out = subprocess.run([curl, "-sS", "-w", "\n@@%{http_code} %{content_type}", *args],
                         capture_output=True, text=True, timeout=30, check=True).stdout
    body, _, meta = out.rpartition("\n@@")
    status, _, ctype = meta.partition(" ")
    return int(status), ctype, body


def test_curl_get_and_both_posts(server, curl):
    endpoint = server.url + "sparql"
    expected = local_rows(ROLES_QUERY)
    for args in (["-G", "--data-urlencode", f"query={ROLES_QUERY}", endpoint],
                 ["--data-urlencode", f"query={ROLES_QUERY}", endpoint],
                 ["-H", "Content-Type: application/sparql-query", "--data-binary", ROLES_QUERY, endpoint]):
        status, ctype, body = run_curl(curl, *args)
        assert status == 200 and ctype == "application/sparql-results+json"
        assert json_rows(json.loads(body)) == expected
    status, ctype, body = run_curl(curl, "-H", "Accept: text/csv", "--data-urlencode", f"query={ROLES_QUERY}",
                                   endpoint)
    assert (status, ctype) == (200, "text/csv; charset=utf-8")
    assert len(list(csv.reader(io.StringIO(body)))) == len(expected) + 1


def test_curl_errors_and_term_turtle(server, curl):
    endpoint = server.url + "sparql"
    status, _, body = run_curl(curl, "-H", "Content-Type: application/sparql-update", "--data-binary",
                               "CLEAR ALL", endpoint)
    assert status == 403
    status, _, body = run_curl(curl, "-H", "Accept: image/png", "-G", "--data-urlencode",
                               "query=ASK {}", endpoint)
    assert status == 406
    status, ctype, body = run_curl(curl, "-H", "Accept: text/turtle", server.url + "role/ml-engineer")
    assert (status, ctype) == (200, "text/turtle; charset=utf-8")
    assert (URIRef(ROLE), URIRef(SKOS + "prefLabel"), None) in Graph().parse(data=body, format="turtle")


# -- pages and the JSON API --------------------------------------------------------------------------------------


def test_api_queries_is_the_catalogue(server):
    response = http(server.url + "api/queries")
    assert response.status == 200 and response.type == "application/json"
    doc = response.json()
    assert [q["name"] for q in doc] == list(catalogue())
    skill_gap = next(q for q in doc if q["name"] == "skill-gap")
    assert [p["name"] for p in skill_gap["params"]] == [p.name for p in catalogue()["skill-gap"].params]
    assert [p["name"] for p in skill_gap["params"]][:2] == ["from", "to"]


@pytest.mark.parametrize("name,params", [
    ("roles-by-layer", {}),
    ("roles-by-layer", {"layer": "Data Centers"}),
    ("skill-gap", {"from": "Software Engineer", "to": "machine learning engineer"}),
    ("skills-for-role", {"role": "ml-engineer"}),
])
def test_api_query_equals_run_query(server, name, params):
    response = http(f"{server.url}api/query/{name}?" + urllib.parse.urlencode(params))
    assert response.status == 200, response.text
    doc = response.json()
    expected = run_query(KG, name, params)
    assert doc["variables"] == list(expected.variables)
    assert doc["rows"] == [[None if t is None else t.value for t in row] for row in expected.rows]
    assert doc["truncated"] is False


def test_api_query_errors_are_json_with_a_hint(server):
    unknown = http(server.url + "api/query/skill-gapp")
    assert unknown.status == 404 and unknown.type == "application/json"
    assert "skill-gap" in unknown.json()["hint"]
    term = http(server.url + "api/query/skill-gap?from=Softwre%20Engineer&to=ml-engineer")
    assert term.status == 400
    assert "Software Engineer" in term.json()["hint"]
    missing = http(server.url + "api/query/skill-gap?from=Software%20Engineer")
    assert missing.status == 400 and "to" in missing.json()["error"]
    extra = http(server.url + "api/query/layers?colour=blue")
    assert extra.status == 400


def test_index_lists_every_stored_query_and_serves_its_assets(server):
    response = http(server.url, headers={"Accept": "text/html"})
    assert response.status == 200 and response.type == "text/html"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    text = response.text
    for query in catalogue().values():
        assert f'data-query="{query.name}"' in text
        for param in query.params:
            assert f'name="{param.name}"' in text
            if param.example:
                assert f'placeholder="{param.example}"' in text or "&" in param.example
    assert 'data-endpoint="/sparql"' in text  # the YASGUI editor posts there (the plain box's form, if absent)
    assets = re.findall(r'<(?:script|link)[^>]*?(?:src|href)="([^"]+)"', text)
    assert len(assets) >= 3 and all(a.startswith("/static/") for a in assets), "no CDN: every asset is served here"
    for asset, ctype in (("style.css", "text/css"), ("app.js", "text/javascript"), ("favicon.svg", "image/svg+xml")):
        got = http(server.url + "static/" + asset)
        assert got.status == 200 and got.type == ctype and got.body
    assert http(server.url + "static/../server.py").status == 404
    assert http(server.url + "nowhere").status == 404


def test_role_page_html(server):
    response = http(server.url + "role/ml-engineer", headers={"Accept": "text/html,*/*;q=0.8"})
    assert response.status == 200 and response.type == "text/html"
    assert response.headers["Vary"] == "Accept"
    text = response.text
    assert "<h1>Machine Learning Engineer</h1>" in text
    essential = run_query(KG, "skills-for-role", {"role": "ml-engineer"})
    records = essential.records()
    assert records
    for record in records:
        skill = next(t for t in record.values() if t is not None and t.is_iri and t.value.startswith(BASE + "skill/"))
        assert f'href="/{skill.value[len(BASE):]}"' in text
    for section in ("Layers", "Essential skills", "Optional skills", "Overlaps", "Concerns it addresses", "Alignments"):
        assert f"<h2>{section}</h2>" in text, section
    assert 'href="/layer/engineering"' in text
    assert 'href="/role/software-engineer"' in text  # an overlap
    assert "/describe?iri=http%3A%2F%2Fdata.europa.eu%2Fesco" in text  # an alignment, described here too


def test_every_linked_term_page_resolves(server):
    text = http(server.url + "role/ml-engineer").text
    links = sorted(set(re.findall(r'href="(/(?:role|layer|skill|concern|sector|question|describe)[^"#]*)"', text)))
    assert len(links) > 15
    for link in links:
        response = http(server.url + link.lstrip("/").replace("&amp;", "&"))
        assert response.status == 200, link


def test_role_turtle_holds_the_roles_triples(server):
    response = http(server.url + "role/ml-engineer", headers={"Accept": "text/turtle"})
    assert response.status == 200 and response.type == "text/turtle"
    graph = Graph().parse(data=response.body, format="turtle")
    assert set(local_graph(ROLE_CONSTRUCT)) <= set(graph)
    assert (None, URIRef(AIW + "requiresEssentialSkill"), URIRef(ROLE)) not in graph  # no nonsense
    assert (None, None, URIRef(ROLE)) in graph  # incoming facts too
    forced = http(server.url + "role/ml-engineer?format=nt")
    assert forced.type == "application/n-triples"


@pytest.mark.parametrize("path", ["layer/data", "skill/programming", "ontology"])
def test_other_term_pages(server, path):
    page = http(server.url + path)
    assert page.status == 200 and page.type == "text/html"
    turtle = http(server.url + path, headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=turtle.body, format="turtle")
    assert (URIRef(BASE + path), None, None) in graph


def test_ontology_page_anchors_every_class(server):
    text = http(server.url + "ontology").text
    assert "AI Workforce Ontology" in text
    for local in ("Role", "Layer", "Skill", "requiresEssentialSkill", "inLayer"):
        assert f'id="{local}"' in text, local
    graph = Graph().parse(data=http(server.url + "ontology?format=ttl").body, format="turtle")
    assert (URIRef(AIW + "Role"), None, None) in graph


def test_unknown_terms_are_404(server):
    for path in ("role/nobody", "layer/nowhere", "skill/%3Cscript%3E", "widget/x"):
        response = http(server.url + path)
        assert response.status == 404, path
        assert "<script>" not in response.text
    assert http(server.url + "describe?iri=urn:nothing").status == 404
    assert http(server.url + "describe").status == 400


def test_term_pages_speak_the_language_asked_for(server):
    """?lang= picks labels and definitions in that language, English where a term has none; a bad tag is a 400."""
    german = http(server.url + "role/data-engineer?lang=de")
    assert german.status == 200 and "<h1" in german.text
    assert "Dateningenieur" in german.text.split("</h1>")[0]
    assert "Data Engineer" in http(server.url + "role/data-engineer").text.split("</h1>")[0]
    assert "Data Engineer" in http(server.url + "role/data-engineer?lang=fi").text.split("</h1>")[0]  # no Finnish
    assert http(server.url + "role/data-engineer?lang=not%20a%20tag").status == 400


def test_term_pages_escape_everything():
    from aiworkforce.query.describe import Description, Fact
    from aiworkforce.present.termpage import TermPages

    class Engine:
        def query(self, *args, **kwargs):
            return type("R", (), {"rows": ()})()

    evil = "<script>alert(1)</script>"
    iri = BASE + "role/x"
    facts = (
        Fact("out", Term.iri(SKOS + "prefLabel"), Term.literal(evil, language="en"), None, False),
        Fact("out", Term.iri(SKOS + "definition"), Term.literal('"quoted" & <b>bold</b>'), None, False),
        Fact("out", Term.iri(AIW + "overlapsWith"), Term.iri('https://example.org/"><script>x</script>'), evil, True),
    )
    html = TermPages(Engine()).render(iri, Description(Term.iri(iri), facts)).decode()
    assert "<script>alert" not in html and "<b>bold" not in html and '"><script>' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# -- the command -------------------------------------------------------------------------------------------------


def test_serve_command_prints_its_url_and_stops_on_sigterm(tmp_path):
    exe = shutil.which("aiworkforce", path=str(Path(sys.executable).parent))
    cmd = [exe] if exe else [sys.executable, "-m", "aiworkforce.cli"]
    proc = subprocess.Popen([*cmd, "serve", "--port", "0", "--workers", "1", "--timeout", "5"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = ""
        deadline = time.monotonic() + 60
        while "serving" not in line and time.monotonic() < deadline:
            line = proc.stderr.readline()
            assert line or proc.poll() is None, "the server exited early"
        url = re.search(r"(http://127\.0\.0\.1:\d+/)", line).group(1)
        response = http(url + "sparql?" + urllib.parse.urlencode({"query": "ASK { ?s ?p ?o }"}))
        assert response.json()["boolean"] is True
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert "stopped" in err
    assert '"GET /sparql?' in err  # the request log goes to stderr
    assert out == ""


def test_serve_command_rejects_a_busy_port():
    from aiworkforce.cli import main

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        code = main(["serve", "--port", str(port), "--workers", "1"])
    assert code == 2


def test_the_server_pins_the_graph_it_started_with(tmp_path, monkeypatch):
    """Workers replaced later (after a timeout) load the server's private copy, not whatever the cache holds now."""
    from aiworkforce.server import Server, ServerConfig

    server = Server(KnowledgeGraph(), ServerConfig(port=0, workers=1))
    try:
        pinned = Path(server._pinned)
        assert sorted(p.name for p in pinned.iterdir()) == ["closure.nt", "inferred.nt"]
        assert server.pool.graph == (str(pinned / "closure.nt"), str(pinned / "inferred.nt"))
    finally:
        server.close()
    assert not pinned.exists(), "the private copy goes away with the server"


# -- the web stack, the API document ------------------------------------------------------------------------------


@pytest.mark.parametrize("framing", [
    b"Content-Length: 16\r\nContent-Length: 16",  # even two equal ones (request smuggling hides in such pairs)
    b"Content-Length: 16\r\nContent-Length: 4",
    b"Content-Length: 16\r\nTransfer-Encoding: chunked",
])
def test_ambiguous_request_framing_is_refused(server, framing):
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n" + framing
                     + b"\r\n\r\nASK { ?s ?p ?o }")
        assert sock.recv(100).startswith(b"HTTP/1.1 400 ")


def test_openapi_json_is_the_documents_of_the_stored_queries(server):
    from aiworkforce.publish.openapi import openapi_document

    response = http(server.url + "openapi.json")
    assert response.status == 200 and response.type == "application/json"
    assert response.json() == openapi_document()


@pytest.mark.parametrize("accept", ["application/sparql-results+json", "text/csv"])
def test_api_query_answers_the_sparql_result_formats(server, accept):
    url = server.url + "api/query/skills-for-role?" + urllib.parse.urlencode({"role": "Data Engineer"})
    response = http(url, headers={"Accept": accept})
    assert response.status == 200 and response.type == accept
    expected = run_query(KG, "skills-for-role", {"role": "Data Engineer"})
    if accept == "text/csv":
        rows = list(csv.reader(io.StringIO(response.text)))
        assert rows[0] == list(expected.variables)
        assert rows[1:] == [["" if t is None else t.value for t in row] for row in expected.rows]
    else:
        assert json_rows(response.json()) == keys(expected.rows)
    assert http(url, headers={"Accept": "image/png"}).status == 406


def test_the_home_page_with_and_without_the_yasgui_editor():
    from aiworkforce.server.pages import EDITOR_FILES, index_page

    with_editor = index_page(editor=True).decode()
    for name in EDITOR_FILES:
        assert f'/static/{name}"' in with_editor
    data = re.search(r'<script type="application/json" id="stored-queries">(.*?)</script>', with_editor, re.S)
    examples = {e["name"]: e["text"] for e in json.loads(data.group(1))}
    assert {q.name: q.text for q in catalogue().values()}.items() <= examples.items()  # each stored query
    assert 'id="yasgui"' in with_editor and "sparql-form" not in with_editor
    plain = index_page(editor=False).decode()
    assert "vendor/" not in plain and 'id="yasgui"' not in plain
    assert 'id="sparql-form"' in plain and "is not installed" in plain  # the fallback says why


def test_concurrent_large_answers_all_arrive(server):
    """Several answers at once: the event loop waits for each worker without leaving its pipe non-blocking
    (uvloop's add_reader does that), so no answer read half-written fails."""
    import concurrent.futures

    def fetch(_):
        response = http(server.url + "api/query/crosswalk")
        return response.status, len(response.body)

    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(fetch, range(12)))
    assert {status for status, _ in answers} == {200}
    assert len({size for _, size in answers}) == 1  # the same, whole answer each time


def test_select_star_columns_come_in_the_order_the_query_names_them(server):
    response = get_sparql(server, "SELECT * WHERE { ?s a owl:Restriction ; ?p ?o } LIMIT 1",
                          accept="application/sparql-results+json")
    assert response.status == 200
    doc = json.loads(response.text)
    assert doc["head"]["vars"] == ["s", "p", "o"]
    assert set(doc["results"]["bindings"][0]) == {"s", "p", "o"}
