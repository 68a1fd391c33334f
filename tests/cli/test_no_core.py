"""`validate --no-core --shapes` and `reason --no-core`: any graph, not only ours."""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

SHAPES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetClass ex:P ; sh:property [ sh:path ex:name ; sh:minCount 1 ] .
"""
DATA = """@prefix ex: <http://example.org/> .
ex:a a ex:P . ex:b a ex:P ; ex:name "b" .
"""
EX = "http://example.org/"


def _write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_validate_no_core_prints_a_standard_report(run, tmp_path):
    shapes, data = _write(tmp_path, "s.ttl", SHAPES), _write(tmp_path, "d.ttl", DATA)
    code, out, err = run("validate", "--no-core", "--shapes", shapes, data, "-f", "ttl")
    assert code == 1, err
    report = Graph().parse(data=out, format="turtle")
    node = report.value(None, RDF.type, SH.ValidationReport)
    assert report.value(node, SH.conforms) == Literal(False)
    results = list(report.objects(node, SH.result))
    assert [report.value(r, SH.focusNode) for r in results] == [URIRef(EX + "a")]
    assert report.value(results[0], SH.sourceConstraintComponent) == SH.MinCountConstraintComponent


def test_validate_no_core_conforming_data_exits_0(run, tmp_path):
    shapes = _write(tmp_path, "s.ttl", SHAPES)
    data = _write(tmp_path, "d.ttl", '@prefix ex: <http://example.org/> . ex:b a ex:P ; ex:name "b" .')
    code, out, _ = run("validate", "--no-core", "--shapes", shapes, data)
    assert code == 0 and "conforms" in out


def test_validate_falls_back_and_says_so(run, tmp_path):
    shapes = _write(tmp_path, "s.ttl", SHAPES.replace("sh:minCount 1 ]", "sh:minCount 1 ; sh:severity ex:Mine ]"))
    data = _write(tmp_path, "d.ttl", DATA)
    code, out, err = run("validate", "--no-core", "--shapes", shapes, data, "-f", "json")
    assert code == 1
    assert "custom severity" in err and "pySHACL" in err
    code, _, err = run("validate", "--no-core", "--shapes", shapes, data, "--engine", "compiled")
    assert code == 2 and "custom severity" in err


def test_validate_no_core_needs_shapes(run, tmp_path):
    code, _, err = run("validate", "--no-core", _write(tmp_path, "d.ttl", DATA))
    assert code == 2 and "--shapes" in err


def test_validate_invalid_shapes_exit_2(run, tmp_path):
    shapes = _write(tmp_path, "s.ttl", """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ sh:select "SELECT $this WHERE { MINUS { $this ex:p ?x } }" ] .""")
    code, _, err = run("validate", "--no-core", "--shapes", shapes, _write(tmp_path, "d.ttl", DATA))
    assert code == 2 and "SHACL" in err


def test_reason_no_core_prints_the_closure(run, tmp_path):
    data = _write(tmp_path, "d.ttl", """@prefix ex: <http://example.org/> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:A rdfs:subClassOf ex:B . ex:x a ex:A .""")
    code, out, err = run("reason", "--no-core", data, "-f", "nt")
    assert code == 0, err
    assert f"<{EX}x> <{RDF.type}> <{EX}B> ." in out.splitlines()
    assert "note:" not in err  # the compiled rules handle it


def test_reason_no_core_same_as_falls_back(run, tmp_path):
    data = _write(tmp_path, "d.ttl", """@prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:a owl:sameAs ex:b . ex:a ex:p ex:c .""")
    code, out, err = run("reason", "--no-core", data, "-f", "nt")
    assert code == 0
    assert f"<{EX}b> <{EX}p> <{EX}c> ." in out.splitlines()  # eq-rep-s: never ignored in silence
    assert "owl:sameAs" in err and "owlrl" in err
    code, out, err = run("reason", "--no-core", data, "-f", "nt", "--engine", "compiled")
    assert code == 2 and "owl:sameAs" in err and out == ""


def test_reason_no_core_inconsistent_names_the_rule(run, tmp_path):
    data = _write(tmp_path, "d.ttl", """@prefix ex: <http://example.org/> . @prefix owl: <http://www.w3.org/2002/07/owl#> .
ex:p a owl:IrreflexiveProperty . ex:a ex:p ex:a .""")
    code, out, err = run("reason", "--no-core", data, "-f", "nt")
    assert code == 1 and out == ""
    assert "prp-irp" in err and f"{EX}a" in err


def test_reason_files_need_no_core(run, tmp_path):
    code, _, err = run("reason", _write(tmp_path, "d.ttl", DATA))
    assert code == 2 and "--no-core" in err
