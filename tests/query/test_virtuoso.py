"""A second SPARQL store: push the reasoned graph to a real Virtuoso Open Source 7 and get the same answers there.

A real ``virtuoso-t`` (Debian's virtuoso-opensource-7-bin; tools/ensure-virtuoso.sh installs it, ``make test``
runs that) runs in the foreground for this module, with its own virtuoso.ini and a fresh database in a temporary
folder, its SQL and HTTP ports free ones of 127.0.0.1; it is stopped at the end, even when a test fails. Without it
the tests fail, saying what to install.

The graph goes to a named graph through ``/sparql-graph-crud-auth`` with the ``dba`` user (Virtuoso's Graph Store
has no writable default graph, and takes credentials as HTTP Digest only); the stored queries run on ``/sparql``,
whose default graph is the union of every graph. Every stored query gives the same rows there as locally. The
tests named ``test_known_*`` pin what Virtuoso 7.2 does differently from the SPARQL 1.1 standard, and why the
stored queries are written around it: each fails when Virtuoso changes.
"""

from __future__ import annotations

import io
import json
import re
import shutil
import socket
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest

from _helpers import free_port, list_columns, normalised, stop, wait_until_answers

from aiworkforce.graph import RemoteGraph
from aiworkforce.publish.push import push
from aiworkforce.query.catalogue import catalogue
from aiworkforce.query.transport import digest_authorization
from aiworkforce.query.remote import (
    SPARQL_JSON,
    RemoteEngine,
    RemoteError,
    _error_text,
    _parse_json_results,
    _request,
)
from aiworkforce.query.run import run_query
from aiworkforce.rdf.prefixes import BASE
from aiworkforce.rdf.terms import Term

ALL_QUERIES = list(catalogue().values())
QUERY_IDS = [q.name for q in ALL_QUERIES]
GRAPH = "https://w3id.org/aiworkforce/graph/reasoned"
ROLE = BASE + "role/"
LAYER = BASE + "layer/"
USER = "dba:dba"  # the password of a fresh Virtuoso database

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/www
ServerThreads = 4
"""


# -- the server ----------------------------------------------------------------------------------------------


def virtuoso_binary() -> str:
    found = shutil.which("virtuoso-t")
    if not found:
        pytest.fail("Virtuoso is missing: run tools/ensure-virtuoso.sh "
                    "(sudo apt-get install -y --no-install-recommends virtuoso-opensource-7-bin)", pytrace=False)
    return found


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory):
    """The base URL of a running Virtuoso on 127.0.0.1 (an empty database); stopped when the module ends."""
    binary = virtuoso_binary()
    process = None
    try:
        for attempt in range(3):  # another process may take a free port between our check and the bind
            folder = tmp_path_factory.mktemp(f"virtuoso-{attempt}")
            sql_port, http_port = free_port(), free_port()
            while http_port == sql_port:
                http_port = free_port()
            (folder / "www").mkdir()  # the HTTP server's file root: empty
            ini = folder / "virtuoso.ini"
            ini.write_text(INI.format(dir=folder, sql_port=sql_port, http_port=http_port), encoding="utf-8")
            with open(folder / "server.log", "wb") as log:
                process = subprocess.Popen([binary, "+foreground", "+configfile", str(ini)], cwd=folder,
                                           stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
            base = f"http://127.0.0.1:{http_port}"
            if wait_until_answers(f"{base}/sparql?query=ASK%7B%7D", process, 60):
                break
            stop(process)
            process = None
        else:
            pytest.fail(f"virtuoso-t did not start: {(folder / 'server.log').read_text(errors='replace')}")
        yield base
    finally:
        if process is not None:
            stop(process)


def store(base: str, credentials: str | None = USER) -> str:
    """Virtuoso's Graph Store: the one that takes credentials (HTTP Digest), or the anonymous one."""
    if credentials is None:
        return f"{base}/sparql-graph-crud"
    return f"{base}/sparql-graph-crud-auth".replace("://", f"://{credentials}@", 1)


@pytest.fixture(scope="module")
def pushed(virtuoso, kg):
    """Virtuoso holding the reasoned graph in the named graph GRAPH; and the PushResult."""
    return virtuoso, push(kg, store(virtuoso), graph=GRAPH)


@pytest.fixture(scope="module")
def endpoint(pushed) -> str:
    return f"{pushed[0]}/sparql"


def only_the_graph(endpoint: str) -> str:
    """The query endpoint with the pushed graph as its default graph (not the union of every graph)."""
    return f"{endpoint}?default-graph-uri={urllib.parse.quote(GRAPH, safe='')}"


def count(endpoint: str, pattern: str = "?s ?p ?o") -> int:
    return int(RemoteEngine(endpoint).query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}").rows[0][0].value)


def examples(query) -> dict[str, str]:
    return {p.name: p.example for p in query.params if p.example is not None}


# -- push ----------------------------------------------------------------------------------------------------


def test_push_to_a_named_graph_with_digest_credentials(pushed, endpoint, kg):
    _, result = pushed
    lines = [line for line in kg.closure().closure.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert result.inferred and result.graph == GRAPH
    assert result.triples == len(lines) > 1000
    assert result.status in (200, 201)
    assert result.url == f"{pushed[0]}/sparql-graph-crud-auth?graph={urllib.parse.quote(GRAPH, safe='')}"
    assert count(endpoint, f"GRAPH <{GRAPH}> {{ ?s ?p ?o }}") == result.triples
    # pushing again replaces the graph instead of adding to it
    assert push(kg, store(pushed[0]), graph=GRAPH).status in (200, 201, 204)
    assert count(only_the_graph(endpoint)) == result.triples


def test_cli_push_then_query_on_virtuoso(pushed, endpoint, run):
    base, first = pushed
    code, out, err = run("push", "--store", store(base), "--graph", GRAPH)
    assert code == 0, err
    assert out == ""
    assert re.fullmatch(rf"pushed {first.triples:,} triples \(reasoned graph\) to graph <{GRAPH}> of "
                        rf"{re.escape(first.url)}: HTTP 20[01]\n", err), err
    args = ["query", "skill-gap", "-p", "from=Software Engineer", "-p", "to=machine learning engineer", "-p", "lang=de",
            "--format", "csv"]
    code, out, err = run(*args, "--endpoint", only_the_graph(endpoint))
    assert code == 0, err
    local_code, local_out, _ = run(*args)
    assert local_code == 0
    assert out.splitlines()[0] == local_out.splitlines()[0]
    assert sorted(out.splitlines()[1:]) == sorted(local_out.splitlines()[1:]) and len(out.splitlines()) > 3


def test_the_anonymous_graph_store_refuses_writes_with_a_clear_error(pushed, run):
    code, out, err = run("push", "--store", store(pushed[0], None), "--graph", GRAPH)
    assert (code, out) == (2, "")
    message, hint = err.splitlines()
    assert re.fullmatch(rf"aiworkforce: error: push: {re.escape(pushed[0])}/sparql-graph-crud\?graph=\S+ answered "
                        r"HTTP 403 Forbidden: SQ110:SECURITY: Permission denied for delete from DB\.DBA\.RDF_QUAD "
                        r"\(user ID = \d+\)", message), err
    assert hint == ("  hint: the store does not let this user write there: give the credentials of one who may "
                    "(Virtuoso: http://dba:PASSWORD@HOST:8890/sparql-graph-crud-auth)")


@pytest.mark.parametrize("credentials", [None, "dba:wrong"])
def test_missing_or_wrong_credentials_are_a_clear_error(pushed, run, credentials):
    url = store(pushed[0], credentials) if credentials else f"{pushed[0]}/sparql-graph-crud-auth"
    code, out, err = run("push", "--store", url, "--graph", GRAPH)
    assert (code, out) == (2, "")
    message, hint = err.splitlines()
    assert message.startswith(f"aiworkforce: error: push: {pushed[0]}/sparql-graph-crud-auth?graph=")
    assert message.endswith("answered HTTP 401 Unauthorized"), err
    assert hint == ("  hint: the server wants credentials: give them in the URL (https://user:password@host/...)"
                    if credentials is None else
                    "  hint: the server refuses the user name and password given in the URL: check them")
    assert count(only_the_graph(f"{pushed[0]}/sparql")) == pushed[1].triples  # nothing was changed


def test_known_no_writable_default_graph(pushed, run):
    """Virtuoso's Graph Store refuses ``PUT ?default`` (HTTP 500): push with --graph IRI."""
    code, out, err = run("push", "--store", store(pushed[0]))
    assert (code, out) == (2, "")
    assert err.splitlines() == [
        (f"aiworkforce: error: push: {pushed[0]}/sparql-graph-crud-auth?default answered HTTP 500 Request Failed: "
         'The request to SPARQL 1.1 Graph Store endpoint contains "default" param but the endpoint is not '
         "configured to have default graph"),
        ("  hint: a store without a writable default graph (Virtuoso) refuses ?default: push to a named graph with "
         "--graph IRI"),
    ]


def test_known_default_graph_of_queries_is_the_union_of_every_graph(pushed, endpoint):
    """``/sparql`` sees Virtuoso's own graphs too; ``?default-graph-uri=`` narrows it to the pushed graph."""
    triples = pushed[1].triples
    assert count(only_the_graph(endpoint)) == triples
    assert count(endpoint) > triples
    assert count(endpoint, "?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/aiworkforce/'))") == \
        count(only_the_graph(endpoint), "?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/aiworkforce/'))")


# -- every stored query gives the same rows on Virtuoso ---------------------------------------------------------


@pytest.mark.parametrize("query", ALL_QUERIES, ids=QUERY_IDS)
def test_stored_query_gives_the_same_rows_on_virtuoso(query, kg, endpoint):
    params = examples(query)
    local = run_query(kg, query.name, params)
    remote = run_query(RemoteGraph(endpoint), query.name, params)
    assert remote.kind == local.kind == "select"
    assert remote.variables == local.variables
    assert local.rows, f"{query.name} answers nothing with its examples"
    lists = list_columns(query)
    assert normalised(remote, lists) == normalised(local, lists)


@pytest.mark.parametrize("value", ["data engineer", "role:data-engineer", ROLE + "data-engineer"])
def test_parameters_given_by_label_curie_or_iri_resolve_on_virtuoso(value, kg, endpoint):
    expected = run_query(kg, "skills-for-role", {"role": ROLE + "data-engineer"})
    remote = run_query(RemoteGraph(endpoint), "skills-for-role", {"role": value})
    assert expected.rows
    assert normalised(remote, set()) == normalised(expected, set())


# -- what Virtuoso 7.2 does differently, and how the client and the stored queries get around it -----------------


def raw_select(endpoint: str, text: str) -> dict:
    request = urllib.request.Request(endpoint, data=urllib.parse.urlencode({"query": text}).encode(),
                                     headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.loads(answer.read())


def test_known_ask_is_answered_as_a_one_column_select(endpoint):
    """Virtuoso answers ASK with SELECT results of ``?__ASK_RETVAL``; the client reads them as the boolean."""
    raw = raw_select(endpoint, "ASK { ?s ?p ?o }")
    assert "boolean" not in raw and raw["head"]["vars"] == ["__ASK_RETVAL"]
    assert [b["__ASK_RETVAL"]["value"] for b in raw["results"]["bindings"]] == ["1"]
    assert raw_select(endpoint, "ASK { ?s <urn:x:none> ?o }")["results"]["bindings"] == []
    engine = RemoteEngine(endpoint)
    assert engine.query(f"ASK {{ <{ROLE}data-engineer> ?p ?o }}").boolean is True
    assert engine.query(f"ASK {{ <{ROLE}no-such-role> ?p ?o }}").boolean is False
    assert engine.query("ASK { ?s ?p ?o }", {"s": Term.iri(ROLE + "data-engineer")}).boolean is True


def test_known_integer_division_truncates(kg, endpoint):
    """Virtuoso divides integers as SQL does (7 / 2 = 3, not 3.5): nearest-roles computes with 1000.0."""
    text = "SELECT (7 / 2 AS ?integers) (7.0 / 2 AS ?decimal) WHERE { }"
    local, remote = kg.engine("oxigraph").query(text), RemoteEngine(endpoint).query(text)
    assert [c.number for c in local.rows[0]] == [3.5, 3.5]
    assert [c.number for c in remote.rows[0]] == [3, 3.5]


def test_known_not_exists_in_an_optional_loses_a_bound_variable(kg, endpoint):
    """In an OPTIONAL's ``A || (B && NOT EXISTS { ... FILTER(x = ?lang) })``, Virtuoso does not see the ?lang of
    the VALUES block inside NOT EXISTS: the English label passes beside the German one. ``STR(?lang)`` there (as
    every stored query writes it) gives the standard answer."""
    text = """SELECT ?name ?role ?lang WHERE {{
      ?role aiw:spansLayer ?layer .
      OPTIONAL {{ ?layer skos:prefLabel ?name
        FILTER (LCASE(LANG(?name)) = ?lang || (LCASE(LANG(?name)) = "en"
                && NOT EXISTS {{ ?layer skos:prefLabel ?other FILTER (LCASE(LANG(?other)) = {lang}) }})) }}
    }}"""
    bindings = {"role": Term.iri(ROLE + "network-automation-engineer"), "lang": Term.literal("de")}
    local, remote = kg.engine("oxigraph"), RemoteEngine(endpoint)

    def names(engine, lang):
        return sorted((row[0].value, row[0].language) for row in engine.query(text.format(lang=lang), bindings).rows)

    assert names(local, "?lang") == names(local, "STR(?lang)") == names(remote, "STR(?lang)") == [
        ("Infrastruktur", "de")]
    assert names(remote, "?lang") == [("Infrastructure", "en"), ("Infrastruktur", "de")]


def test_known_not_exists_on_a_variable_bound_in_some_union_branches_does_not_compile(kg, endpoint):
    """With a VALUES block, a NOT EXISTS on a variable that only some UNION branches bind is an internal error
    of Virtuoso's compiler: role-profile binds its ?x in every branch."""
    text = """SELECT ?value ?role ?lang WHERE {
      { ?role skos:definition ?value } UNION { ?role aiw:inLayer ?x . ?x skos:prefLabel ?value }
      FILTER (!BOUND(?x) || LANG(?value) = ?lang || NOT EXISTS { ?x skos:altLabel ?alt })
    }"""
    bindings = {"role": Term.iri(ROLE + "ml-engineer"), "lang": Term.literal("de")}
    expected = normalised(kg.engine("oxigraph").query(text, bindings), set())
    assert sum(expected.values()) == 2  # the definition and the German name of the layer
    with pytest.raises(RemoteError, match=r"HTTP 400 Bad Request: .*SP031: SPARQL compiler: Internal error: "
                                          r"ssg_print_retval\(\): selid is used outside its scope"):
        RemoteEngine(endpoint).query(text, bindings)
    everywhere = text.replace("{ ?role skos:definition ?value }", "{ ?role skos:definition ?value BIND(?role AS ?x) }")
    everywhere = everywhere.replace("!BOUND(?x)", "?x = ?role")
    assert normalised(RemoteEngine(endpoint).query(everywhere, bindings), set()) == expected


def test_known_coalesce_of_aggregates_does_not_compile(kg, endpoint):
    """``COALESCE(SAMPLE(?a), SAMPLE(?b))`` in a grouped query is an internal error of Virtuoso's optimiser:
    nearest-roles writes ``SAMPLE(COALESCE(?a, ?b))``."""
    text = """SELECT (COALESCE(SAMPLE(?de), SAMPLE(?en)) AS ?name) ?layer WHERE {
      ?layer skos:prefLabel ?en FILTER (LANG(?en) = "en")
      OPTIONAL { ?layer skos:prefLabel ?de FILTER (LANG(?de) = "de") }
    } GROUP BY ?layer"""
    layer = {"layer": Term.iri(LAYER + "data")}
    assert kg.engine("oxigraph").query(text, layer).rows[0][0].value == "Daten"
    with pytest.raises(RemoteError, match=r"HTTP 500 SPARQL Request Failed: .*SQ156: Internal Optimized compiler "
                                          r"error : Bad dfe in sqlo_place_exp"):
        RemoteEngine(endpoint).query(text, layer)
    swapped = text.replace("COALESCE(SAMPLE(?de), SAMPLE(?en))", "SAMPLE(COALESCE(?de, ?en))")
    assert RemoteEngine(endpoint).query(swapped, layer).rows[0][0].value == "Daten"


# -- the client's side of it, without a server ---------------------------------------------------------------


def test_digest_answer_of_rfc_2617():
    """The worked example of RFC 2617 section 3.5 (Virtuoso's challenge has the same form, with algorithm=MD5)."""
    challenge = ('Digest realm="testrealm@host.com", qop="auth,auth-int", '
                 'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"')
    answer = digest_authorization(challenge, "GET", "/dir/index.html", "Mufasa", "Circle Of Life",
                                   cnonce="0a4f113b")
    assert answer == ('Digest username="Mufasa", realm="testrealm@host.com", '
                      'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", uri="/dir/index.html", '
                      'response="6629fae49393a05397450978507c4ef1", qop=auth, nc=00000001, cnonce="0a4f113b", '
                      'opaque="5ccc069c403ebaf9f0171e9517f40e41", algorithm=MD5')
    assert digest_authorization('Digest realm="r", nonce="n", algorithm=SHA-512-256', "GET", "/", "u", "p") is None
    assert digest_authorization('Digest realm="r", nonce="n", qop="auth-int"', "GET", "/", "u", "p") is None


def test_the_reason_in_an_html_error_page_is_shown():
    def text(body: str) -> str:
        return _error_text(urllib.error.HTTPError("http://h/x", 403, "Forbidden", {}, io.BytesIO(body.encode())))

    virtuoso = ("<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head><title>failed</title></head>\n"
                "<body><h1>HTTP/1.1 403 Forbidden</h1><h3>Error 42000</h3>\n"
                "<xmp>SQ110:SECURITY: Permission denied for delete from DB.DBA.RDF_QUAD</xmp></body></html>")
    assert text(virtuoso) == "SQ110:SECURITY: Permission denied for delete from DB.DBA.RDF_QUAD"
    assert text("<html><body><pre>\n  a &lt;b&gt; c\nmore</pre></body></html>") == "a <b> c"
    assert text("<html><body><h1>Forbidden</h1></body></html>") == ""
    assert text("plain reason\nsecond line") == "plain reason"


def test_an_ask_answer_without_a_boolean_is_read_only_in_virtuoso_s_shape():
    def ask(head: list[str], bindings: list[dict]) -> bool | None:
        body = json.dumps({"head": {"vars": head}, "results": {"bindings": bindings}}).encode()
        return _parse_json_results(body, SPARQL_JSON, "http://h/sparql", ask=True).boolean

    one = {"type": "typed-literal", "datatype": "http://www.w3.org/2001/XMLSchema#integer", "value": "1"}
    assert ask(["__ASK_RETVAL"], [{"__ASK_RETVAL": one}]) is True
    assert ask(["__ASK_RETVAL"], []) is False
    assert ask(["__ASK_RETVAL"], [{"__ASK_RETVAL": {**one, "value": "0"}}]) is False
    for head, bindings in [(["x"], [{"x": one}]), (["__ASK_RETVAL"], [{"__ASK_RETVAL": one}] * 2),
                           (["__ASK_RETVAL"], [{"__ASK_RETVAL": {"type": "literal", "value": "yes"}}])]:
        with pytest.raises(RemoteError, match="answered an ASK query without a boolean"):
            ask(head, bindings)


def test_an_answer_sent_before_the_body_was_read_is_shown_not_the_reset():
    """Virtuoso answers a PUT it refuses at once and closes the connection while the body is still being sent;
    the client shows that answer instead of the connection reset it sees (here a server that never reads bodies)."""
    listener = socket.create_server(("127.0.0.1", 0))
    answered = []

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                head = b""
                while b"\r\n\r\n" not in head:
                    head += conn.recv(65536)
                if head.startswith(b"HEAD"):
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                else:
                    conn.sendall(b"HTTP/1.1 500 Request Failed\r\nContent-Type: text/plain\r\nContent-Length: 22\r\n"
                                 b"Connection: close\r\n\r\nno default graph here\n")
                    answered.append(head.split(b" ", 1)[0])

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/store?default"
    try:
        request = urllib.request.Request(url, data=b"<urn:a> <urn:b> <urn:c> .\n" * 2_000_000, method="PUT")
        with pytest.raises(RemoteError) as refused:
            _request(request, timeout=10, what="push", hint="")
    finally:
        listener.close()
    assert answered == [b"PUT"]
    assert str(refused.value).startswith(f"push: {url} answered HTTP 500 Request Failed: no default graph here")
