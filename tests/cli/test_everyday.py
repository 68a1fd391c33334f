"""Everyday use of the CLI: piped output, the row limit and its footer, SPARQL syntax errors, SELECT * columns,
blank nodes, suggestions and help (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


def test_piped_query_output_keeps_every_curie_whole():
    """A whole process whose stdout is a pipe (as `| cat`), even with a narrow COLUMNS."""
    proc = subprocess.run([sys.executable, "-m", "aiworkforce", "query", "skill-gap", "-p", "from=data engineer",
                           "-p", "to=ML engineer"], capture_output=True, text=True,
                          env={**os.environ, "COLUMNS": "40"}, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert any(line.endswith("skill:inference-infrastructure") for line in lines), proc.stdout
    assert len(lines) == 2 + 5 and proc.stderr == "(5 rows)\n"


def test_md_footer_says_first_n_of_m_and_table_footer_too(run):
    code, out, err = run("query", "concerns", "-n", "3", "-f", "md")
    assert code == 0 and out.endswith("\n\n*(first 3 of 32 rows)*\n") and err == ""
    code, out, err = run("query", "concerns", "-n", "3")
    assert code == 0 and err == "(first 3 of 32 rows)\n"
    code, out, err = run("query", "concerns", "-n", "3", "-f", "csv")
    assert code == 0 and len(out.splitlines()) == 4 and "first 3 of 32 rows" in err


def test_a_query_row_count_parameter_is_the_limit_and_never_a_second_one(run):
    code, out, err = run("query", "nearest-roles", "-p", "role=Data Scientist", "-p", "limit=3", "-f", "csv")
    assert code == 0 and len(out.splitlines()) == 4
    code, out, _ = run("query", "nearest-roles", "-p", "role=Data Scientist", "-n", "12", "-f", "csv")
    assert code == 0 and len(out.splitlines()) == 13, "-n replaces the query's default of 10"
    code, _, err = run("query", "nearest-roles", "-p", "role=Data Scientist", "-p", "limit=3", "-n", "4")
    assert code == 2 and "two row limits" in err
    code, _, err = run("query", "concerns", "-p", "limit=3")
    assert code == 2 and "-n/--limit" in err


@pytest.mark.parametrize("text, expect, line_col, caret_under", [
    ("SELECT ?x WHERE { ?x foo:bar ?o }", "unknown prefix foo:", "1:22", "foo:bar"),
    ("PREFIX ex: <http://example.org/>\nSELEC ?x WHERE { ?x ?p ?o }",
     "expected SELECT, ASK, CONSTRUCT or DESCRIBE, not 'SELEC'", "2:1", "SELEC"),
    ("SELECT ?x WHERE {\n  ?x ?p ?o\n", "unbalanced brackets: the '{' opened here is never closed", "1:17", "{"),
    ("ASK { ?s ?p ?o } }", "unbalanced brackets: '}' closes nothing", "1:18", "}"),
])
def test_sparql_syntax_errors_point_at_the_problem(run, monkeypatch, text, expect, line_col, caret_under):
    import io

    for engine in ("oxigraph", "rdflib") if "prefix" in expect else ("oxigraph",):  # rdflib: 4 s to build
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode())))
        code, out, err = run("sparql", "--engine", engine, "-")
        assert code == 2 and out == ""
        assert f"<stdin>:{line_col}: malformed SPARQL: {expect}" in err, err
        lines = err.splitlines()
        caret = next(i for i, line in enumerate(lines) if line.strip() == "^")
        column = lines[caret].index("^")
        assert lines[caret - 1][column:].startswith(caret_under), err
    if "prefix" in expect:
        assert "PREFIX foo: <...>" in err and "skill:" in err


def test_the_library_and_the_endpoint_give_the_same_syntax_message(kg):
    from aiworkforce.errors import QuerySyntaxError
    from aiworkforce.query.run import run_sparql
    from aiworkforce.query.syntax import oxigraph_syntax_error

    text = "SELECT ?x WHERE { ?x foo:bar ?o }"
    with pytest.raises(QuerySyntaxError) as caught:
        run_sparql(kg, text, source="q.rq")
    assert (caught.value.line, caught.value.column) == (1, 22)
    import pyoxigraph

    try:
        pyoxigraph.Store().query(text)
    except SyntaxError as exc:
        body = str(oxigraph_syntax_error(text, exc, source="query"))
    assert body.split(":", 1)[1] == str(caught.value).split(":", 1)[1]  # only the source name differs


def test_select_star_columns_follow_the_query_and_blank_nodes_say_so(run, monkeypatch):
    import io

    from aiworkforce.query.syntax import projection_order

    query = "SELECT * WHERE { ?s a owl:Restriction ; ?p ?o } LIMIT 1"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(query.encode())))
    code, out, _ = run("sparql", "-f", "tsv", "-")
    header, row = out.splitlines()
    assert code == 0 and header.split("\t") == ["s", "p", "o"] and row.startswith("_:")
    # any engine's order: first appearance, skipping comments, strings and IRIs; an explicit projection stays
    text = 'PREFIX x: <urn:?z> # ?y\nSELECT DISTINCT * { ?b x:p "?a" . ?a x:q ?b }'
    assert projection_order(text, ("a", "b")) == ("b", "a")
    assert projection_order("SELECT ?a ?b { ?b ?p ?a }", ("a", "b")) == ("a", "b")


def test_a_mistyped_command_gets_one_suggestion(run):
    code, _, err = run("quer")
    assert code == 2 and err.count("Did you mean") == 1 and "'query'" in err


def test_sparql_help_says_dash_reads_standard_input(run):
    code, out, _ = run("sparql", "--help")
    assert code == 0 and "- to read standard input" in out
    assert out.count("FILE  ") == 1


def _complete(words: str, shell: str = "bash") -> list[str]:
    """What the shell gets back on Tab after ``words``, asked the way click's completion scripts ask."""
    from pathlib import Path

    script = Path(sys.executable).with_name("aiworkforce")
    cword = len(words.split()) - (0 if words.endswith(" ") else 1)
    env = {**os.environ, "_AIWORKFORCE_COMPLETE": f"complete_{shell}", "COMP_WORDS": words, "COMP_CWORD": str(cword),
           "_TYPER_COMPLETE_ARGS": words}
    proc = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    return proc.stdout.splitlines()


def test_shell_completion_offers_the_query_parameters_and_the_terms_they_take():
    from aiworkforce.query.complete import complete_param

    assert _complete("aiworkforce query skill-gap -p ") == ["from=", "to=", "basis=", "lang="]
    assert [c.value for c in complete_param("skill-gap", "", given={"from"})] == ["to=", "basis=", "lang="]
    assert [c.value for c in complete_param("nearest-roles", "basis=a")] == ["basis=all", "basis=article"]
    roles = _complete("aiworkforce query skill-gap -p to=data-e")
    assert roles == ["to=data-engineer"]  # a slug, by slug
    titles = _complete("aiworkforce query skill-gap -p to=Data")  # by title, as typed: spaces escaped for bash
    assert "to=Data\\ Engineer" in titles and "to=Data\\ Scientist" in titles
    assert not any("Security" in t for t in titles), "only terms of the class the parameter takes (roles)"
