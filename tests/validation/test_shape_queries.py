"""SPARQL carried by a shapes graph (`validate --no-core --shapes`) never reaches the network or the files.

SHACL engines run SPARQL written in the shapes: constraints and validators (sh:select, sh:ask), SHACL-AF targets
(sh:select) and rules (sh:construct). Before the check, a SPARQL target or rule with SERVICE made both engines
connect to the given endpoint (7 connections for the cases below), and pySHACL's own check (a regular expression
on constraints only) missed SERVICE behind a comment ended by a carriage return. Every such text is now judged as
an ad hoc query is, before any engine runs."""

from __future__ import annotations

import socket
import threading
import time

import pytest

from aiworkforce.cli import main
from aiworkforce.rdf.load import load_shapes
from aiworkforce.validation.validate import check_shape_queries

PREFIXES = "@prefix sh: <http://www.w3.org/ns/shacl#> .\n@prefix ex: <http://x/> .\n"
DATA = "<http://x/a> <http://x/p> 1 .\n"


def _lit(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\r", "\\r").replace("\n", "\\n") + '"'


def constraint(query: str) -> str:
    return f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select {_lit(query)} ] .\n"


SHAPES = {
    "constraint": lambda url: constraint(f"SELECT $this WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}"),
    "constraint, comment ended by CR": lambda url: constraint(
        f"SELECT $this WHERE {{ # x\rSERVICE <{url}> {{ ?s ?p ?o }}\n }}"),
    "constraint, glued": lambda url: constraint(f"SELECT $this WHERE {{ ?x ?y 1SERVICE <{url}> {{ ?s ?p ?o }} }}"),
    "constraint, escaped": lambda url: constraint(f"SELECT $this WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}"),
    "constraint, FROM": lambda url: constraint(f"SELECT $this FROM <{url}> WHERE {{ ?s ?p ?o }}"),
    "SPARQL target": lambda url: (
        "ex:S a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] ;\n  sh:target [ a sh:SPARQLTarget ; "
        f"sh:select {_lit(f'SELECT ?this WHERE {{ SERVICE <{url}> {{ ?this ?p ?o }} }}')} ] .\n"),
    "SPARQL rule": lambda url: (
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:minCount 1 ] ;\n"
        "  sh:rule [ a sh:SPARQLRule ; sh:construct "
        f"{_lit(f'CONSTRUCT {{ $this ex:q ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}')} ] .\n"),
    "ASK validator": lambda url: (
        "ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:flag ] ;\n"
        f"  sh:validator [ a sh:SPARQLAskValidator ; sh:ask {_lit(f'ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}')} ] .\n"
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ; ex:flag true .\n"),
    "namespace that ends the prefix declaration": lambda url: (
        "ex:S a sh:NodeShape ; sh:targetNode ex:a ;\n"
        "  sh:sparql [ sh:select \"SELECT $this WHERE { $this ?p ?o FILTER(false) }\" ; sh:prefixes ex:P ] .\n"
        "ex:P sh:declare [ sh:prefix \"ex\" ; sh:namespace "
        + _lit(f"http://x/> SELECT $this WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} #") + " ] .\n"),
}


@pytest.fixture
def listener():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    sock.settimeout(0.05)
    hits, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            hits.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", hits
    stop.set()
    thread.join(2)
    sock.close()


@pytest.mark.parametrize("engine", ["auto", "compiled", "pyshacl"])
@pytest.mark.parametrize("case", SHAPES)
def test_shapes_that_would_reach_out_are_refused(case, engine, listener, tmp_path, capsys):
    url, hits = listener
    shapes, data = tmp_path / "shapes.ttl", tmp_path / "data.ttl"
    shapes.write_text(PREFIXES + SHAPES[case](url), encoding="utf-8")
    data.write_text(DATA, encoding="utf-8")
    code = main(["validate", "--no-core", "--shapes", str(shapes), str(data), "--engine", engine])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "--shapes" in err and ("SERVICE" in err or "FROM" in err or "prefix declaration" in err), err
    time.sleep(0.1)
    assert hits == []


def test_a_malformed_select_is_exit_2_with_the_reference_engine(tmp_path, capsys):
    """rdflib's parser raises pyparsing's ParseException, which was an internal error (exit 3)."""
    shapes, data = tmp_path / "shapes.ttl", tmp_path / "data.ttl"
    shapes.write_text(PREFIXES + constraint("SELECT $this WHERE { $this ?p ?o # no end\r }"), encoding="utf-8")
    data.write_text(DATA, encoding="utf-8")
    code = main(["validate", "--no-core", "--shapes", str(shapes), str(data), "--engine", "pyshacl"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "internal error" not in err and "not valid SHACL" in err


@pytest.mark.parametrize("engine", ["auto", "pyshacl"])
def test_a_harmless_sparql_constraint_still_runs(engine, tmp_path, capsys):
    shapes, data = tmp_path / "shapes.ttl", tmp_path / "data.ttl"
    shapes.write_text(PREFIXES + "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:message \"has p\" ;\n"
                      "  sh:select \"SELECT $this WHERE { $this ex:p ?v }\" ; sh:prefixes ex:P ] .\n"
                      "ex:P sh:declare [ sh:prefix \"ex\" ; sh:namespace \"http://x/\" ] .\n", encoding="utf-8")
    data.write_text(DATA, encoding="utf-8")
    code = main(["validate", "--no-core", "--shapes", str(shapes), str(data), "--engine", engine])
    out = capsys.readouterr().out
    assert code == 1 and "has p" in out, out


def test_the_shipped_shapes_pass_the_check():
    check_shape_queries(load_shapes())
