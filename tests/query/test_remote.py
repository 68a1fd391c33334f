"""Remote SPARQL stores: push the reasoned graph to a real Oxigraph server and get the same answers there.

A real ``oxigraph serve`` (the ``oxigraph`` package of the test extra) runs on a free loopback port for this
module and is stopped at the end, even when a test fails. Every stored query runs remotely and locally and must
give the same rows; parameters are sent as escaped RDF terms in a VALUES block, so nothing a user types can
change a query; network failures become RemoteError (exit code 2), never a traceback.
"""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _helpers import free_port, list_columns, normalised, stop, wait_until_answers

from aiworkforce.graph import RemoteGraph
from aiworkforce.query.catalogue import catalogue
from aiworkforce.errors import AiworkforceError, UsageError
from aiworkforce.rdf.prefixes import BASE, ONTOLOGY_IRI
from aiworkforce.query.run import run_query
from aiworkforce.query.remote import (
    RemoteEngine,
    RemoteError,
    check_iri,
    inject_values,
    query_form,
    sparql_term,
    values_block,
    with_prefixes,
)
from aiworkforce.publish.push import graph_store_url, push
from aiworkforce.errors import UnknownTermError
from aiworkforce.errors import UnsafeQueryError
from aiworkforce.rdf.terms import Term

ALL_QUERIES = list(catalogue().values())
QUERY_IDS = [q.name for q in ALL_QUERIES]
ROLE = BASE + "role/"
XSD = "http://www.w3.org/2001/XMLSchema#"
NAMED_GRAPH = "https://w3id.org/aiworkforce/graph/asserted"


# -- the server ----------------------------------------------------------------------------------------------


def oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.is_file() else shutil.which("oxigraph")
    if not found:
        pytest.fail("the Oxigraph server is missing: pip install oxigraph (it is in the `test` extra)")
    return found


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 15.0) -> bool:
    return wait_until_answers(f"{base}/query?query=ASK%7B%7D", process, seconds)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The base URL of a running Oxigraph server on 127.0.0.1; stopped when the module ends, however it ends."""
    binary = oxigraph_binary()
    process = None
    try:
        for attempt in range(3):  # another process may take the free port between our check and the bind
            port = free_port()
            location = tmp_path_factory.mktemp(f"oxigraph-{attempt}")
            with open(location / "server.log", "wb") as log:
                process = subprocess.Popen(
                    [binary, "serve", "--location", str(location / "db"), "--bind", f"127.0.0.1:{port}"],
                    stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                )
            base = f"http://127.0.0.1:{port}"
            if wait_until_up(base, process):
                break
            stop(process)
            process = None
        else:
            pytest.fail(f"oxigraph serve did not start: {(location / 'server.log').read_text(errors='replace')}")
        yield base
    finally:
        if process is not None:
            stop(process)


@pytest.fixture(scope="module")
def pushed(server, kg):
    """The server, with the reasoned graph pushed to its default graph; and the PushResult."""
    return server, push(kg, f"{server}/store")


@pytest.fixture(scope="module")
def endpoint(pushed) -> str:
    return f"{pushed[0]}/query"


@pytest.fixture(scope="module")
def remote_graph(endpoint) -> RemoteGraph:
    """The pushed graph as the library sees a remote one: stored queries run on it like on a local graph."""
    return RemoteGraph(endpoint)



def count(endpoint: str, graph: str | None = None) -> int:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
    result = RemoteEngine(endpoint).query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
    return int(result.rows[0][0].value)


# -- comparing results ---------------------------------------------------------------------------------------


def examples(query) -> dict[str, str]:
    return {p.name: p.example for p in query.params if p.example is not None}


# -- push ----------------------------------------------------------------------------------------------------


def test_push_sends_the_reasoned_graph_to_the_default_graph(pushed, endpoint, kg):
    _, result = pushed
    lines = [line for line in kg.closure().closure.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert result.inferred and result.graph is None
    assert result.triples == len(lines) > 1000
    assert result.status in (200, 201, 204)
    assert result.url.endswith("/store?default")
    assert count(endpoint) == result.triples


def test_push_of_the_asserted_graph_to_a_named_graph_via_the_cli(pushed, endpoint, run, core, kg):
    server, first = pushed
    code, out, err = run("push", "--store", f"{server}/store", "--graph", NAMED_GRAPH, "--asserted")
    assert code == 0, err
    assert out == ""
    assert re.fullmatch(
        rf"pushed {len(core):,} triples \(asserted graph\) to graph <{NAMED_GRAPH}> of "
        rf"{re.escape(server)}/store\?graph=https%3A%2F%2Fw3id\.org%2Faiworkforce%2Fgraph%2Fasserted: HTTP 20[14]\n",
        err,
    ), err
    assert count(endpoint, NAMED_GRAPH) == len(core)
    assert count(endpoint) == first.triples  # the default graph is untouched
    ask = f"ASK {{ GRAPH <{NAMED_GRAPH}> {{ <{ONTOLOGY_IRI}> <http://www.w3.org/2002/07/owl#versionIRI> ?v }} }}"
    assert RemoteEngine(endpoint).query(ask).boolean is True
    # pushing again replaces the graph instead of adding to it
    again = push(kg, f"{server}/store", graph=NAMED_GRAPH, inferred=False)
    assert again.status in (200, 201, 204)
    assert count(endpoint, NAMED_GRAPH) == len(core)


def test_graph_store_urls():
    assert graph_store_url("http://h:1/store") == "http://h:1/store?default"
    assert graph_store_url("http://h:1/store", "https://x.org/g#1") == "http://h:1/store?graph=https%3A%2F%2Fx.org%2Fg%231"
    assert graph_store_url("http://h:1/ds?x=1", "urn:g") == "http://h:1/ds?x=1&graph=urn%3Ag"
    with pytest.raises(UsageError):
        graph_store_url("http://h:1/store", "not an iri")
    with pytest.raises(RemoteError):
        graph_store_url("file:///etc/passwd")


# -- every stored query gives the same rows remotely -----------------------------------------------------------


@pytest.mark.parametrize("query", ALL_QUERIES, ids=QUERY_IDS)
def test_stored_query_gives_the_same_rows_remotely(query, kg, remote_graph):
    params = examples(query)
    local = run_query(kg, query.name, params)
    remote = run_query(remote_graph, query.name, params)
    assert remote.kind == local.kind == "select"
    assert remote.variables == local.variables
    assert local.rows, f"{query.name} answers nothing with its examples"
    lists = list_columns(query)
    assert normalised(remote, lists) == normalised(local, lists)


@pytest.mark.parametrize("value", ["data engineer", "  Data   Engineer ", "data-engineer", "role:data-engineer",
                                   ROLE + "data-engineer"])
def test_parameters_given_by_label_slug_or_curie_resolve_remotely(value, kg, remote_graph):
    expected = run_query(kg, "skills-for-role", {"role": ROLE + "data-engineer"})
    remote = run_query(remote_graph, "skills-for-role", {"role": value})
    assert expected.rows
    assert normalised(remote, set()) == normalised(expected, set())


def test_unknown_label_remotely_suggests_like_locally(kg, remote_graph):
    with pytest.raises(UnknownTermError) as remote:
        run_query(remote_graph, "skills-for-role", {"role": "Data Enginer"})
    with pytest.raises(UnknownTermError) as local:
        run_query(kg, "skills-for-role", {"role": "Data Enginer"})
    assert str(remote.value) == str(local.value)
    assert "Data Engineer" in str(remote.value)


def test_cli_query_with_endpoint(endpoint, run):
    code, out, err = run("query", "skill-gap", "-p", "from=Software Engineer", "-p", "to=machine learning engineer",
                         "--endpoint", endpoint, "--format", "csv")
    assert code == 0, err
    local_code, local_out, _ = run("query", "skill-gap", "-p", "from=Software Engineer", "-p",
                                   "to=machine learning engineer", "--format", "csv")
    assert local_code == 0
    assert sorted(out.splitlines()[1:]) == sorted(local_out.splitlines()[1:])
    assert out.splitlines()[0] == local_out.splitlines()[0]


# -- injection -----------------------------------------------------------------------------------------------

INJECTIONS = [
    'Data Engineer" } UNION { ?role ?p ?o } #',
    "Data Engineer> } ; DROP ALL ; #",
    f"{ROLE}data-engineer> }} UNION {{ ?role ?p ?o }} #",
    f"<{ROLE}data-engineer>",
    "?role",
    "} SERVICE <http://127.0.0.1:9/> { ",
    'x"@en } } ; CLEAR DEFAULT ; SELECT * { #\n',
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_an_injection_attempt_is_an_unknown_term_and_changes_nothing(value, endpoint, remote_graph, pushed):
    with pytest.raises(UsageError):
        run_query(remote_graph, "skills-for-role", {"role": value})
    assert count(endpoint) == pushed[1].triples


def test_a_bound_literal_stays_one_literal_on_the_server(endpoint):
    engine = RemoteEngine(endpoint)
    nasty = '"} } UNION { ?term ?p ?o } # \\ \n\r\t ü 𝄞 \' """ >'
    result = engine.query("SELECT ?v WHERE { BIND(?x AS ?v) }", {"x": Term.literal(nasty)})
    assert result.rows == ((Term.literal(nasty),),)
    tagged = engine.query("SELECT ?v WHERE { }", {"v": Term.literal(nasty, language="en-GB")})
    assert tagged.rows[0][0] == Term.literal(nasty, language="en-gb")  # language tags are case-insensitive
    # the label look-up of resolve.py with a literal where a class belongs finds nothing (and runs no other query)
    from aiworkforce.query.resolve import _LABELS

    assert engine.query(_LABELS, {"cls": Term.literal('"} } UNION { ?term ?p ?o } #')}).rows == ()


def test_an_unsafe_iri_binding_is_refused_before_anything_is_sent():
    engine = RemoteEngine("http://127.0.0.1:9/query")  # nothing listens there: a request would be a RemoteError
    for bad in [f"{ROLE}x> }} UNION {{ ?s ?p ?o", f"{ROLE}a b", "relative/iri", f"{ROLE}{{x}}", ""]:
        with pytest.raises(UsageError):
            engine.query("SELECT * WHERE { ?role ?p ?o }", {"role": Term.iri(bad)})


def test_unsafe_queries_are_refused_before_anything_is_sent():
    engine = RemoteEngine("http://127.0.0.1:9/query")
    for text in ["SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
                 "SELECT * FROM <http://127.0.0.1:9/x> WHERE { ?s ?p ?o }",
                 "DROP ALL", "INSERT DATA { <urn:a> <urn:b> <urn:c> }"]:
        with pytest.raises(UnsafeQueryError):
            engine.query(text)


# -- other query forms ---------------------------------------------------------------------------------------


def test_construct_ask_and_describe_remotely_match_locally(endpoint, kg):
    local, remote = kg.engine("oxigraph"), RemoteEngine(endpoint)
    role = {"role": Term.iri(ROLE + "data-engineer")}
    construct = "CONSTRUCT { ?role ?p ?o } WHERE { ?role ?p ?o }"
    expected = local.query(construct, role)
    got = remote.query(construct, role)
    assert got.kind == "graph" and len(expected.triples) > 20
    assert {tuple(t.key() for t in triple) for triple in got.triples} == {
        tuple(t.key() for t in triple) for triple in expected.triples}
    short = remote.query("CONSTRUCT WHERE { ?role ?p ?o }", role)
    assert {tuple(t.key() for t in triple) for triple in short.triples} == {
        tuple(t.key() for t in triple) for triple in expected.triples}
    ask = "ASK { ?role a <https://w3id.org/aiworkforce/ontology#Role> }"
    assert remote.query(ask, role).boolean is True
    assert remote.query(ask, {"role": Term.iri(ROLE + "no-such-role")}).boolean is False
    described = remote.query(f"DESCRIBE <{ROLE}data-engineer>")
    assert described.kind == "graph" and described.triples


def test_the_project_prefixes_are_predeclared_as_locally(endpoint, kg):
    text = "SELECT (COUNT(?role) AS ?n) WHERE { ?role a aiw:Role ; skos:prefLabel ?label }"
    local = kg.engine("oxigraph").query(text)
    remote = RemoteEngine(endpoint).query(text)
    assert remote.rows[0][0].key() == local.rows[0][0].key()
    assert int(remote.rows[0][0].value) > 10


def test_with_prefixes_adds_only_undeclared_ones_on_one_line():
    text = "PREFIX aiw: <urn:mine#>\nprefix skos:<urn:skos#> SELECT * { ?s a aiw:Role }"
    added, rest = with_prefixes(text).split("\n", 1)
    assert rest == text
    assert "PREFIX role: <https://w3id.org/aiworkforce/role/>" in added
    assert "aiw:" not in added and "skos:" not in added


# -- failures become RemoteError -----------------------------------------------------------------------------


def closed_port() -> int:
    return free_port()  # bound and released at once: nothing listens there


def test_unreachable_endpoint_via_the_cli_exits_2_with_one_message(run):
    url = f"http://127.0.0.1:{closed_port()}/query"
    code, out, err = run("query", "layers", "--endpoint", url)
    assert code == 2
    assert out == ""
    first, *rest = err.splitlines()
    assert first.startswith(f"aiworkforce: error: query: cannot reach {url}: "), err
    assert all(line.startswith("  hint: ") for line in rest) and len(rest) == 1, err


def test_unreachable_store_via_the_cli_exits_2(run):
    code, out, err = run("push", "--store", f"http://127.0.0.1:{closed_port()}/store")
    assert (code, out) == (2, "")
    assert err.startswith("aiworkforce: error: push: cannot reach ")
    assert len(err.splitlines()) == 2  # the message and its hint


def test_remote_error_is_a_library_error_with_exit_code_2():
    assert issubclass(RemoteError, AiworkforceError) and RemoteError.exit_code == 2
    with pytest.raises(RemoteError) as info:
        RemoteEngine(f"http://127.0.0.1:{closed_port()}/query").query("ASK {}")
    assert info.value.hint


def test_a_silent_server_times_out():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts the connection in the kernel, never answers
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/query"
        started = time.monotonic()
        with pytest.raises(RemoteError, match=r"did not answer within 0\.3 s"):
            RemoteEngine(url, timeout=0.3).query("ASK {}")
        assert time.monotonic() - started < 5


def test_http_errors_name_the_status(server, endpoint, kg):
    with pytest.raises(RemoteError, match="HTTP 400"):
        RemoteEngine(endpoint).query("SELECT * WHERE { ?s ?p }")
    with pytest.raises(RemoteError, match="HTTP 4"):  # the Graph Store is no query endpoint
        RemoteEngine(f"{server}/store").query("ASK {}")
    with pytest.raises(RemoteError, match="HTTP 4"):
        push(kg, f"{server}/no-such-store")


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/query", "127.0.0.1:7878/query", "http:///query",
                                 "http://127.0.0.1:7878/a b"])
def test_malformed_urls_are_refused(url):
    with pytest.raises(RemoteError, match="not an http"):
        RemoteEngine(url)


# -- the VALUES block (no server) ----------------------------------------------------------------------------


def test_values_block_escapes_every_term():
    block = values_block({
        "role": Term.iri(ROLE + "data-engineer"),
        "label": Term.literal('say "hi"\\\n} UNION {', language="en"),
        "n": Term.literal("5", XSD + "integer"),
        "plain": Term.literal("x"),
    })
    assert block == (
        f'VALUES (?role ?label ?n ?plain) {{ (<{ROLE}data-engineer> "say \\"hi\\"\\\\\\n}} UNION {{"@en '
        f'"5"^^<{XSD}integer> "x") }}'
    )
    assert values_block({}) == ""


@pytest.mark.parametrize("char", list('<>"{}|^`\\') + [" ", "\t", "\n", "\r", "\x00", "\x7f"])
def test_iris_with_forbidden_characters_are_refused(char):
    with pytest.raises(UsageError):
        sparql_term(Term.iri(f"{ROLE}a{char}b"))
    with pytest.raises(UsageError):
        sparql_term(Term.literal("x", datatype=f"{XSD}int{char}eger"))


def test_other_unsafe_terms_are_refused():
    assert check_iri("urn:isbn:1") == "urn:isbn:1"
    for bad in ["", "relative", "//host/x", ":x"]:
        with pytest.raises(UsageError):
            sparql_term(Term.iri(bad))
    with pytest.raises(UsageError):
        sparql_term(Term("bnode", "b0"))
    with pytest.raises(UsageError):
        sparql_term(Term.literal("x", language='en" } #'))
    with pytest.raises(UsageError):
        sparql_term(Term.literal("\ud800"))  # a lone surrogate cannot be sent as UTF-8
    with pytest.raises(UsageError):
        values_block({"a b": Term.literal("x")})
    with pytest.raises(UsageError):
        values_block({"x) { } #": Term.literal("x")})


def test_values_go_first_into_the_outermost_where_group():
    one = {"s": Term.iri("urn:a")}
    tricky = (
        'PREFIX ex: <http://example.org/{where}#>\n'
        '# SELECT * WHERE { a comment }\n'
        'SELECT ?s (EXISTS { ?s ex:where "{" } AS ?e) WHERE { ?s ex:p "WHERE { }" . { SELECT ?s WHERE { ?s ?p ?o } } }'
    )
    assert inject_values(tricky, one) == tricky.replace(
        'AS ?e) WHERE { ?s', 'AS ?e) WHERE { VALUES (?s) { (<urn:a>) } ?s')
    assert inject_values("ASK { ?s ?p ?o }", one) == "ASK { VALUES (?s) { (<urn:a>) } ?s ?p ?o }"
    assert inject_values("select * { ?s ?p ?o }", one) == "select * { VALUES (?s) { (<urn:a>) } ?s ?p ?o }"
    assert (inject_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", one)
            == "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<urn:a>) } ?s ?p ?o }")
    assert (inject_values("CONSTRUCT WHERE { ?s ?p ?o } LIMIT 3", one)
            == "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<urn:a>) } ?s ?p ?o } LIMIT 3")
    assert inject_values("DESCRIBE ?s { ?s ?p ?o }", one) == "DESCRIBE ?s { VALUES (?s) { (<urn:a>) } ?s ?p ?o }"
    assert inject_values("SELECT * WHERE { ?s ?p ?o }", {}) == "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(UsageError):
        inject_values("DESCRIBE <urn:a>", one)
    assert [query_form(t) for t in ("ASK {}", "PREFIX a: <urn:select:>\nconstruct {} where {}", "nonsense")] == [
        "ASK", "CONSTRUCT", None]


@pytest.mark.parametrize("query", ALL_QUERIES, ids=QUERY_IDS)
def test_values_placement_answers_like_pre_binding(query, kg):
    """Offline: the text a RemoteEngine sends, run locally, equals the local engine's pre-bound answer."""
    from aiworkforce.query.run import bind_params

    local = kg.engine("oxigraph")
    bindings, _ = bind_params(query, examples(query), local)
    expected = local.query(query.text, bindings)
    sent = local.query(inject_values(query.text, bindings))
    lists = list_columns(query)
    assert sent.variables == expected.variables
    assert normalised(sent, lists) == normalised(expected, lists)


@settings(max_examples=200, deadline=None)
@given(value=st.text(st.characters(blacklist_categories=("Cs",))), language=st.sampled_from([None, "en", "de-CH"]))
def test_any_text_is_bound_as_exactly_one_literal(value, language):
    import pyoxigraph

    store = pyoxigraph.Store()
    term = Term.literal(value, language=language)
    text = inject_values("SELECT ?v WHERE { }", {"v": term})
    rows = [tuple(s) for s in store.query(text)]
    assert len(rows) == 1
    assert rows[0][0].value == value
    assert rows[0][0].language == (language.lower() if language else None)
