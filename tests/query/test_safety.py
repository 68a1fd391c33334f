"""The read-only, offline guard on ad hoc SPARQL: what it refuses, what it lets through, and proof that it matters."""

from __future__ import annotations

import pytest

from aiworkforce.errors import AiworkforceError, UsageError
from aiworkforce.query.run import run_sparql
from aiworkforce.errors import UnsafeQueryError
from aiworkforce.query.safety import check_query, strip_lexical

pytestmark = pytest.mark.filterwarnings("ignore:Dataset\\..* is deprecated:DeprecationWarning")

REFUSED = {
    "service": "SELECT * WHERE { SERVICE <http://dbpedia.org/sparql> { ?s ?p ?o } }",
    "service silent": "SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?p ?o } }",
    "from": "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
    "from named": "SELECT * FROM NAMED <http://example.org/g> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "from without spaces": "SELECT*FROM<file:///etc/passwd>{?s ?p ?o}",
    "load": "LOAD <http://example.org/data.ttl>",
    "load into": "LOAD SILENT <file:///tmp/x.ttl> INTO GRAPH <http://example.org/g>",
    "insert data": "INSERT DATA { <http://a> <http://b> <http://c> }",
    "insert where": "INSERT { ?s a <http://x> } WHERE { ?s ?p ?o }",
    "delete data": "DELETE DATA { <http://a> <http://b> <http://c> }",
    "delete where": "DELETE WHERE { ?s ?p ?o }",
    "clear": "CLEAR ALL",
    "drop": "DROP GRAPH <http://example.org/g>",
    "create": "CREATE GRAPH <http://example.org/g>",
    "add": "ADD DEFAULT TO <http://example.org/g>",
    "move": "MOVE DEFAULT TO <http://example.org/g>",
    "copy": "COPY <http://example.org/a> TO <http://example.org/b>",
    "with": "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "lowercase service": "select * where { service <http://x/sparql> { ?s ?p ?o } }",
    "mixed case from": "SELECT * FrOm <http://x/g> { ?s ?p ?o }",
    "lowercase drop": "drop all",
    "service in nested group": (
        "SELECT * WHERE {\n  { ?s ?p ?o }\n  UNION {\n    OPTIONAL { { service <http://x/q> { ?s ?p ?o } } }\n  }\n}"
    ),
    "service in a subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <http://x/q> { ?s ?p ?o } } } }",
    "service in filter exists": "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <http://x> { ?s ?p ?o } } }",
    "update after a query": "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "after a comment line": "# just a comment\nSELECT * WHERE { ?s ?p ?o }\n;INSERT DATA { <http://a> <http://b> 1 }",
    "after a string": 'SELECT * WHERE { ?s ?p "from" } ; CLEAR DEFAULT',
    "keyword next to braces": "SELECT * WHERE {SERVICE<http://x>{?s ?p ?o}}",
}


@pytest.mark.parametrize("text", REFUSED.values(), ids=REFUSED.keys())
def test_refused(text):
    with pytest.raises(UnsafeQueryError) as info:
        check_query(text, source="q.rq")
    assert info.value.message.startswith("q.rq:")
    assert info.value.exit_code == 2
    assert isinstance(info.value, UsageError)
    assert info.value.hint


@pytest.mark.parametrize(
    ("text", "line", "word"),
    [
        ("PREFIX ex: <http://example.org/>\nSELECT *\nFROM <http://example.org/g>\nWHERE { ?s ?p ?o }", 3, "FROM"),
        ("SELECT * WHERE {\n  ?s ?p ?o .\n  # a comment\n  SERVICE <http://x> { ?s ?p ?o }\n}", 4, "SERVICE"),
        ("SELECT * WHERE { ?s ?p ?o }", None, None),
        ("\n\n\n\n\ndrop all", 6, "DROP"),
        ("SELECT * WHERE { ?s ?p 'FROM' }\n\nLoad <http://x>", 3, "LOAD"),
    ],
)
def test_refusal_names_the_line_and_the_keyword(text, line, word):
    if line is None:
        check_query(text, source="q.rq")
        return
    with pytest.raises(UnsafeQueryError) as info:
        check_query(text, source="q.rq")
    assert info.value.message.startswith(f"q.rq:{line}: {word} is refused")


def test_refusal_names_the_right_line_after_a_multiline_string():
    text = 'SELECT * WHERE {\n  ?s ?p """one\ntwo\nthree""" .\n  ?s ?p ?o .\n  SERVICE <http://x> { ?s ?p ?o }\n}'
    assert text.splitlines()[5].strip().startswith("SERVICE")
    with pytest.raises(UnsafeQueryError) as info:
        check_query(text, source="q.rq")
    assert info.value.message.startswith("q.rq:6: SERVICE"), info.value.message


def test_refusal_explains_why():
    with pytest.raises(UnsafeQueryError, match="network"):
        check_query("SELECT * { SERVICE <http://x> { ?s ?p ?o } }")
    with pytest.raises(UnsafeQueryError, match="read-only"):
        check_query("DELETE WHERE { ?s ?p ?o }")
    with pytest.raises(UnsafeQueryError, match="file or URL"):
        check_query("LOAD <http://x>")


ACCEPTED = {
    "plain select": "SELECT * WHERE { ?s ?p ?o } LIMIT 1",
    "double-quoted string": 'SELECT * WHERE { ?s ?p ?o FILTER(?o != "SERVICE FROM LOAD DROP") } LIMIT 1',
    "single-quoted string": "SELECT * WHERE { ?s ?p ?o FILTER(?o != 'insert data; delete where') } LIMIT 1",
    "escaped quote in string": r'SELECT * WHERE { ?s ?p ?o FILTER(?o != "a \" FROM <x>") } LIMIT 1',
    "triple-quoted string": 'SELECT * WHERE { ?s ?p ?o FILTER(?o != """copy\nmove "to" add\nwith""") } LIMIT 1',
    "triple single-quoted": "SELECT * WHERE { ?s ?p ?o FILTER(?o != '''clear\ndrop''') } LIMIT 1",
    "keyword in an IRI": "SELECT * WHERE { ?s <http://example.org/service/from/load> ?o } LIMIT 1",
    "iri with fragment": "SELECT * WHERE { ?s <http://example.org/x#insert> ?o } LIMIT 1",
    "comment": "# FROM <file:///etc/passwd> SERVICE <http://x>\nSELECT * WHERE { ?s ?p ?o } # DROP ALL\nLIMIT 1",
    "prefixed names": (
        "PREFIX ex: <http://example.org/>\n"
        "SELECT * WHERE { ?s ex:from ?o . ?s ex:service ?x . ?s ex:load ?y . ?o ex:with ?z } LIMIT 1"
    ),
    "empty prefix": "PREFIX : <http://example.org/>\nSELECT * WHERE { ?s :drop ?o . ?o :copy ?x } LIMIT 1",
    "hyphenated local names": (
        "PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ex:data-from ?o . ?o ex:add-on ?x } LIMIT 1"
    ),
    "variables": "SELECT ?from ?service $load ?drop WHERE { ?from ?service $load . OPTIONAL { $load ?drop ?x } } LIMIT 1",
    "words containing keywords": "SELECT ?fromage ?address ?loaded ?creator WHERE { ?fromage ?address ?loaded } LIMIT 1",
    "blank node labels": "SELECT * WHERE { _:from ?p ?o . ?o ?q _:service } LIMIT 1",
    "construct": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1",
    "ask": "ASK { ?s ?p ?o }",
    "describe": "DESCRIBE <http://example.org/from>",
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted(text):
    check_query(text)


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize(
    "name", ["double-quoted string", "triple-quoted string", "keyword in an IRI", "comment", "prefixed names",
             "variables", "describe"])
def test_accepted_queries_run_on_both_engines(kg, name, engine):
    result = run_sparql(kg, ACCEPTED[name], engine=engine)
    assert result.kind in ("select", "graph")


def test_strip_lexical_keeps_code_and_positions():
    text = 'SELECT ?x WHERE { ?x <http://a/from> "drop" } # load'
    bare = strip_lexical(text)
    assert len(bare) == len(text)
    assert bare.startswith("SELECT    WHERE {    "), "variables are blanked too"
    assert "from" not in bare and "drop" not in bare and "load" not in bare
    assert bare.rstrip().endswith("}")


# -- end to end: nothing is ever read -----------------------------------------------------------------------------

SECRET = "a secret that lives in a local file"


@pytest.fixture
def local_file(tmp_path):
    path = tmp_path / "secret.ttl"
    path.write_text(f'<http://example.org/s> <http://example.org/p> "{SECRET}" .\n', encoding="utf-8")
    return path


def test_rdflib_on_its_own_would_read_a_file_named_in_from(local_file):
    """Why the guard matters: rdflib's SPARQL engine over a Dataset (what RdflibEngine uses) loads FROM files."""
    import rdflib

    uri = local_file.as_uri()
    rows = list(rdflib.Dataset().query(f"SELECT ?o FROM <{uri}> WHERE {{ ?s ?p ?o }}"))
    assert [str(r[0]) for r in rows] == [SECRET]
    rows = list(rdflib.Dataset().query(f"SELECT ?o FROM NAMED <{uri}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"))
    assert [str(r[0]) for r in rows] == [SECRET]


@pytest.mark.parametrize("engine", ["rdflib", "oxigraph"])
@pytest.mark.parametrize("clause", ["FROM", "FROM NAMED", "from"])
def test_run_sparql_refuses_to_read_a_local_file(kg, local_file, engine, clause):
    text = f"SELECT * {clause} <{local_file.as_uri()}> {{ ?s ?p ?o }}"
    with pytest.raises(UnsafeQueryError) as info:
        run_sparql(kg, text, engine=engine, source="evil.rq")
    assert info.value.message.startswith("evil.rq:1: FROM is refused")


def _outcome(kg, text: str, engine: str) -> str:
    """The values the query returned, or the name of the error that refused it."""
    try:
        result = run_sparql(kg, text, engine=engine)
    except AiworkforceError as exc:
        return type(exc).__name__
    return " | ".join(c.value for row in result.rows for c in row if c is not None)


@pytest.mark.parametrize("escape", [r"\u0046ROM", r"\U00000046ROM", r"F\u0052OM"])
def test_unicode_escaped_from_never_reads_a_file(kg, local_file, escape):
    """SPARQL expands \\u escapes before parsing (rdflib does too), so an escaped FROM is still a FROM."""
    text = f"SELECT ?o {escape} <{local_file.as_uri()}> WHERE {{ ?s ?p ?o }}"
    assert SECRET not in _outcome(kg, text, "rdflib")


@pytest.mark.parametrize(
    "text",
    [
        r"SELECT * \u0046ROM <file:///etc/hostname> WHERE { ?s ?p ?o }",
        r"SELECT * WHERE { \u0053ERVICE <http://example.org/sparql> { ?s ?p ?o } }",
        r"\u004cOAD <http://example.org/data.ttl>",
    ],
)
def test_unicode_escaped_keywords_are_refused(text):
    with pytest.raises(UnsafeQueryError):
        check_query(text)


def test_from_glued_to_an_empty_prefix_name_is_still_a_from(kg, local_file):
    """``FROM:secret.ttl`` is the keyword FROM followed by the prefixed name ``:secret.ttl`` (both engines parse
    it so), not a prefixed name with the prefix ``FROM``."""
    folder = local_file.parent.as_uri() + "/"
    text = f"PREFIX : <{folder}>\nSELECT ?o FROM:{local_file.name} WHERE {{ ?s ?p ?o }}"
    assert SECRET not in _outcome(kg, text, "rdflib")
    with pytest.raises(UnsafeQueryError):
        check_query(text)


def test_escaped_hash_in_a_prefixed_name_does_not_hide_the_rest_of_the_line(kg, local_file):
    """``ex:a\\#b`` is one prefixed name (PN_LOCAL_ESC), not the start of a comment."""
    text = (f"PREFIX ex: <http://example.org/>\n"
            f"SELECT (ex:a\\#b AS ?z) ?o FROM <{local_file.as_uri()}> WHERE {{ ?s ?p ?o }}")
    assert SECRET not in _outcome(kg, text, "rdflib")
    with pytest.raises(UnsafeQueryError):
        check_query(text)


@pytest.mark.parametrize("query", [
    # a digit glued to the keyword: oxigraph reads "1" then SERVICE and calls the endpoint
    "SELECT * WHERE { ?s ?p ?o 1SERVICE<http://127.0.0.1:9/sparql>{?a ?b ?c} }",
    # an escaped backslash in a string: decoding it first would make the string swallow the SERVICE clause
    'SELECT * WHERE { BIND("\\u005C" AS ?x) SERVICE <http://127.0.0.1:9/x> { ?a ?b ?c } BIND("z" AS ?y) }',
    "SELECT * WHERE { ?s ?p 2LOAD }",
])
def test_keywords_hidden_from_a_naive_scan_are_refused(query):
    with pytest.raises(UnsafeQueryError):
        check_query(query)


def test_glued_service_never_reaches_the_network(kg):
    """Proof with a real listener: the refused query sends nothing."""
    import socket

    from aiworkforce.query.run import run_sparql

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    try:
        with pytest.raises(UnsafeQueryError):
            run_sparql(kg, f"SELECT * WHERE {{ ?s ?p ?o 1SERVICE<http://127.0.0.1:{port}/sparql>{{?a ?b ?c}} }}")
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()


# -- issue 11: reproducers ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT ?s WHERE { # x\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",  # a comment ended by a bare CR
    "SELECT ?s WHERE { ?x ?y trueSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",  # glued to a keyword
    "SELECT * { ?s ?p ?o FILTER(?o<?b)SERVICE?v#>\n{?a ?b ?c} }",  # `<` as less-than, not an IRI
    "SELECT * { ?s ?p ?o FILTER(?o<?b'>') SERVICE <http://x/> {?a ?b ?c} #' }",
    "PREFIX service: <http://x/>\nSELECT * { service:<http://127.0.0.1:9/> { ?s ?p ?o } }",
])
def test_issue11_service_bypasses_are_refused(query):
    with pytest.raises(UnsafeQueryError, match="SERVICE"):
        check_query(query)


@pytest.mark.parametrize("query", [
    "PREFIX add: <http://ex/> SELECT * { ?s add:p ?o }",
    "PREFIX insert: <http://ex/> PREFIX drop: <http://ex/> SELECT * { ?s insert:p drop:o }",
    "SELECT * { ?s <http://schema.org/Service> ?o . ?s ?p <http://x/service#a> }",
    "SELECT * { FILTER(EXISTS { ?s ?p <http://x/service#a> }) FILTER(?a < 3 && ?a > 1) }",
])
def test_issue11_valid_queries_are_not_refused(kg, query):
    check_query(query)
    run_sparql(kg, query)


def test_issue11_deep_nesting_is_a_clear_refusal_not_a_crash(kg):
    from aiworkforce.errors import QueryLimitError

    for query in ("SELECT * WHERE { FILTER(" + "(" * 10_000 + "1" + ")" * 10_000 + ") }",
                  "SELECT * WHERE " + "{" * 10_000 + "}" * 10_000,
                  "SELECT * WHERE { FILTER(" + " || ".join(["true"] * 10_000) + ") }"):
        with pytest.raises(QueryLimitError) as info:
            run_sparql(kg, query)
        assert info.value.exit_code == 2 and info.value.hint
