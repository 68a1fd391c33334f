"""The store pipeline (the shipped graph joined with user data, reasoned in pyoxigraph) gives owlrl's answers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from rdflib import BNode, Graph

from conftest import ROOT

from aiworkforce.graph import KnowledgeGraph
from aiworkforce.query.catalogue import catalogue
from aiworkforce.query.engines import OxigraphEngine
from aiworkforce.errors import InputError
from aiworkforce.rdf.load import load_core
from aiworkforce.reasoning.pipeline import load_data_store, reason_store
from aiworkforce.query.run import bind_params, run_query
from aiworkforce.reasoning.closure import reason


def _generator():
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def data_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "synthetic.nt"
    path.write_text("".join(_generator().generate(2500, seed=7)), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def reference(data_file):
    """owlrl + rdflib on the shipped graph joined with the data: the naive, trusted pipeline."""
    graph = load_core()
    graph.parse(data_file, format="nt")
    return reason(graph, reasoner="owlrl")


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory):
    import os

    old = os.environ.get("AIWORKFORCE_CACHE_DIR")
    os.environ["AIWORKFORCE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        del os.environ["AIWORKFORCE_CACHE_DIR"]
    else:
        os.environ["AIWORKFORCE_CACHE_DIR"] = old


@pytest.fixture(scope="module")
def joined(data_file, cache_dir) -> KnowledgeGraph:
    """The shipped graph joined with the data, as the CLI's ``--data`` builds it; its closure goes to cache_dir."""
    return KnowledgeGraph([data_file])


def _ground(triples) -> set:
    return {t for t in triples if not any(isinstance(x, BNode) for x in t)}


def test_the_stored_closure_equals_owlrls(data_file, reference, tmp_path):
    """The on-disk store ``query --data`` keeps: owlrl's closure in the default graph, owlrl's inferred triples in
    the inferred graph."""
    import pyoxigraph as ox

    from aiworkforce.query.engines import INFERRED_GRAPH
    from aiworkforce.rdf.terms import from_oxigraph, to_rdflib
    from aiworkforce.reasoning.pipeline import STORE, write_data_store

    write_data_store(tmp_path, [data_file])
    disk = ox.Store.read_only(str(tmp_path / STORE))

    def graph(name) -> Graph:
        out = Graph()
        for q in disk.quads_for_pattern(None, None, None, name):
            out.add(tuple(to_rdflib(from_oxigraph(t)) for t in (q.subject, q.predicate, q.object)))
        return out

    closure, inferred = graph(ox.DefaultGraph()), graph(ox.NamedNode(INFERRED_GRAPH))
    assert _ground(closure) == _ground(reference.closure)
    assert len(closure) == len(reference.closure), "restriction (blank node) triples match in number too"
    assert _ground(inferred) == _ground(reference.closure) - _ground(reference.asserted)
    assert sorted(p.name for p in tmp_path.iterdir()) == [STORE], "no temporary file is left"


def test_every_stored_query_gives_owlrls_rows_on_joined_data(joined, reference, tmp_path):
    engine = joined.engine("oxigraph")
    # owlrl's closure, queried by the same SPARQL engine: only the reasoning differs (tests/query/test_run.py
    # checks that rdflib and Oxigraph give the same rows for every stored query)
    reference.closure.serialize(tmp_path / "closure.nt", format="nt", encoding="utf-8")
    reference.inferred.serialize(tmp_path / "inferred.nt", format="nt", encoding="utf-8")
    naive = OxigraphEngine(tmp_path / "closure.nt", tmp_path / "inferred.nt")
    for name, query in catalogue().items():
        params = {p.name: p.example for p in query.params if p.example is not None}
        fast = run_query(joined, name, params)
        bindings, cap = bind_params(query, params, naive)
        slow = naive.query(query.text, bindings).without(set(bindings)).limited(cap)
        assert _rows(fast) == _rows(slow), name
    assert engine is joined.engine("oxigraph"), "the joined engine is reused by its graph"


def _rows(result) -> list:
    def cell(term):
        """Compare values as users see them: GROUP_CONCAT lists as sorted items, literals without the language
        tag that engines disagree on for one-item lists (output formats show the value only)."""
        if term is None:
            return None
        if term.kind == "literal" and term.number is None:
            return tuple(sorted(term.value.split("; ")))
        return term.key()

    return sorted((tuple(cell(t) for t in row) for row in result.rows), key=repr)


def test_joined_data_changes_the_answers(kg, joined):
    shipped = run_query(kg, "layers")
    with_data = run_query(joined, "layers")
    assert sum(int(r[2].value) for r in with_data.rows) > sum(int(r[2].value) for r in shipped.rows)


@pytest.mark.parametrize(("name", "content", "fragment"), [
    ("broken.ttl", "@prefix ex: <http://example.org/> .\nex:a ex:b .\n", "cannot be parsed"),
    ("missing.nt", None, "no such file"),
    ("bomb.rdf", '<?xml version="1.0"?>\n<!DOCTYPE x [ <!ENTITY a "a"> ]>\n<x/>\n', "DOCTYPE"),
    ("data.csv", "a,b\n", "unknown RDF file type"),
])
def test_bad_data_files_are_input_errors(tmp_path, name, content, fragment):
    path = tmp_path / name
    if content is not None:
        path.write_text(content)
    with pytest.raises(InputError) as err:
        load_data_store([path])
    assert fragment in str(err.value) and name in str(err.value)


def test_reason_and_query_cli_with_data(data_file, cache_dir, capsys):
    from aiworkforce.cli import main

    assert main(["reason", "--data", str(data_file), "--only-inferred", "--format", "nt"]) == 0
    out = capsys.readouterr().out
    assert out.count("\n") > 1000
    assert main(["query", "data-center-roles", "--data", str(data_file), "--format", "json"]) == 0
    assert "Synthetic" in capsys.readouterr().out


def test_validate_cli_with_clean_data(data_file, cache_dir, capsys):
    from aiworkforce.cli import main

    assert main(["validate", "--data", str(data_file)]) == 0
    out = capsys.readouterr().out
    assert "SHACL shapes      conforms: 0 violations" in out and "OK: the joined graph passes" in out


def test_validate_cli_with_data_reports_its_problems(data_file, cache_dir, tmp_path, capsys):
    import json

    from aiworkforce.cli import main

    broken = tmp_path / "broken.nt"
    lines = [line for line in data_file.read_text().splitlines(keepends=True)
             if "synthetic-role-000003> <https://w3id.org/aiworkforce/ontology#inLayer>" not in line]
    broken.write_text("".join(lines))
    assert main(["validate", "--data", str(broken), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert any(p["focus"].endswith("/role/synthetic-role-000003") and p["path"].endswith("#inLayer")
               for p in report["shacl"])


def test_validate_cli_finds_an_inconsistency_without_reasoning_the_whole_closure(data_file, tmp_path, monkeypatch,
                                                                                   capsys):
    """The data make a role overlap itself only through the symmetric and inverse-free rules: ``validate --data``
    finds it from the rules the consistency checks read; the full closure is never computed, nothing is cached."""
    import json

    from aiworkforce.cli import main
    from aiworkforce.reasoning import pipeline

    cache = tmp_path / "cache"
    monkeypatch.setenv("AIWORKFORCE_CACHE_DIR", str(cache))
    monkeypatch.setattr(pipeline, "reason_store", lambda *a, **k: pytest.fail("the whole closure was computed"))
    loop = tmp_path / "loop.ttl"
    loop.write_text("@prefix aiw: <https://w3id.org/aiworkforce/ontology#> .\n"
                    "@prefix ex: <http://example.org/> .\n"
                    "ex:overlapsAlso rdfs:subPropertyOf aiw:overlapsWith .\n"
                    "<https://w3id.org/aiworkforce/role/synthetic-role-000003> ex:overlapsAlso "
                    "<https://w3id.org/aiworkforce/role/synthetic-role-000003> .\n"
                    .replace("@prefix ex:", "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n@prefix ex:"))
    assert main(["validate", "--data", str(data_file), "--data", str(loop), "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["inconsistencies"] == [
        "prp-irp: irreflexive property https://w3id.org/aiworkforce/ontology#overlapsWith used reflexively: "
        "https://w3id.org/aiworkforce/role/synthetic-role-000003"]
    assert not any(cache.rglob("store"))


@pytest.mark.parametrize("turtle, named", [
    ("ex:a owl:sameAs ex:b . ex:a ex:p ex:c .", "owl:sameAs"),
    ("ex:a owl:differentFrom ex:b .", "owl:differentFrom"),
    ("ex:C owl:complementOf ex:D . ex:x a ex:C .", "owl:complementOf"),
    ("ex:x a ex:C , owl:Nothing .", "owl:Nothing"),
    ("ex:p a owl:ObjectProperty , owl:FunctionalProperty .", "functional object property"),
    ("ex:x a [ a owl:Restriction ; owl:onProperty ex:p ; owl:hasValue ex:v ] .", "anonymous class"),
    ("[ owl:intersectionOf ( ex:A ex:B ) ] owl:disjointWith ex:C . ex:x a ex:A, ex:B, ex:C .", "owl:disjointWith"),
    ("ex:p <http://www.w3.org/2000/01/rdf-schema#domain> [ owl:intersectionOf ( ex:A ex:B ) ] .", "rdfs:domain"),
])
def test_data_the_compiled_rules_do_not_cover_is_refused_not_reasoned_wrongly(tmp_path, turtle, named):
    """--data runs on the compiled rules only (no owlrl fallback at that scale), so what they do not implement is
    refused by name; before, owl:sameAs in the data was silently ignored."""
    from aiworkforce.errors import UnsupportedAxiomError

    path = tmp_path / "data.ttl"
    path.write_text("@prefix ex: <https://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .\n" + turtle)
    with pytest.raises(UnsupportedAxiomError, match=named):
        reason_store(load_data_store([path]))


def test_the_shipped_graphs_cache_files_are_those_of_reason(core, reasoned, tmp_path):
    """write_graph_closure writes the closure straight from the store: the same graphs as reason()'s result."""
    from rdflib.compare import isomorphic

    from aiworkforce.reasoning.pipeline import write_closure, write_graph_closure

    (tmp_path / "fast").mkdir()
    (tmp_path / "ref").mkdir()
    write_graph_closure(tmp_path / "fast", core)
    write_closure(tmp_path / "ref", reasoned)
    for name in ("closure.nt", "inferred.nt"):
        fast = Graph().parse(tmp_path / "fast" / name, format="nt")
        assert isomorphic(fast, Graph().parse(tmp_path / "ref" / name, format="nt")), name
    lines = (tmp_path / "fast" / "closure.nt").read_text(encoding="utf-8").splitlines()
    assert lines == sorted(lines)


def test_a_graph_the_rules_refuse_is_reasoned_by_owlrl_for_the_cache(tmp_path):
    from aiworkforce.reasoning.pipeline import write_graph_closure

    graph = Graph().parse(data="@prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> . "
                               "ex:a owl:sameAs ex:b . ex:a ex:p ex:c .", format="turtle")
    write_graph_closure(tmp_path, graph)
    closure = Graph().parse(tmp_path / "closure.nt", format="nt")
    assert any(str(s) == "http://example.org/b" and str(o) == "http://example.org/c" for s, _, o in closure)


