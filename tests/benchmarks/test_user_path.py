"""benchmarks/esco_like.py and the user's path at a small size: the commands' answers on independently generated
data equal the reference stack's (rdflib + owlrl + pySHACL): the same SHACL violations (exactly the planted ones),
the same closure, the same query rows. benchmarks/user_path.py times the same commands at scale."""

from __future__ import annotations

import importlib.util
from collections import Counter

import pytest
from rdflib import BNode, Graph

from conftest import ROOT

from aiworkforce.graph import KnowledgeGraph
from aiworkforce.query.engines import RdflibEngine
from aiworkforce.query.run import run_query
from aiworkforce.rdf.resources import data_dir
from aiworkforce.reasoning.closure import reason
from aiworkforce.validation.audit import audit
from aiworkforce.validation.report import Severity
from aiworkforce.validation.validate import validate

TRIPLES = 2_000


def _generator():
    spec = importlib.util.spec_from_file_location("esco_like", ROOT / "benchmarks" / "esco_like.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


#: the modules the generated data refers to (the TBox, layers, article sections, ISCO groups): the reference
#: stack is slow (owlrl takes about 20 s on the whole shipped graph), so answers are compared on these alone
MODULES = ("aiworkforce.ttl", "alignments.ttl", "layers.ttl", "sources.ttl")


@pytest.fixture(scope="module")
def joined(tmp_path_factory):
    """The generated data; the handle that joins it with a knowledge base of :data:`MODULES` (in a private cache);
    the reference graph: the same files parsed by rdflib."""
    folder = tmp_path_factory.mktemp("user-path")
    data = folder / "esco-like.ttl"
    planted = _generator().write(data, TRIPLES, seed=7)
    kb = folder / "ontology"
    kb.mkdir()
    reference = Graph()
    for name in MODULES:
        (kb / name).write_bytes((ROOT / "ontology" / name).read_bytes())
        reference.parse(kb / name, format="turtle")
    reference.parse(data, format="turtle")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("AIWORKFORCE_CACHE_DIR", str(folder / "cache"))
        mp.setenv("AIWORKFORCE_ONTOLOGY_DIR", str(kb))
        data_dir.cache_clear()
        kg = KnowledgeGraph([data])
        kg.closure()
        yield kg, reference, planted
    data_dir.cache_clear()


def _key(p):
    return (p.focus, p.path, p.shape, p.severity)


def _ground(triples) -> set:
    return {t for t in triples if not any(isinstance(x, BNode) for x in t)}


def test_the_generated_data_has_its_size_and_exactly_the_planted_violations(tmp_path, monkeypatch):
    data = tmp_path / "esco-like.ttl"
    planted = _generator().write(data, TRIPLES, seed=7)
    monkeypatch.setenv("AIWORKFORCE_CACHE_DIR", str(tmp_path / "cache"))
    report = audit(KnowledgeGraph([data]))
    assert TRIPLES <= report_triples(data) <= 1.5 * TRIPLES
    found = [p for p in report.shacl.problems if p.severity is Severity.VIOLATION]
    assert len(found) == planted == 18
    assert not report.inconsistencies


def report_triples(path) -> int:
    return len(Graph().parse(path, format="turtle"))


def test_violations_closure_and_rows_equal_the_reference_stack(joined):
    kg, reference, _ = joined
    report = audit(kg)
    expected = validate(reference, engine="pyshacl").problems
    assert Counter(map(_key, report.shacl.problems)) == Counter(map(_key, expected))
    assert any(p.severity is Severity.VIOLATION for p in expected)

    ours = Graph().parse(kg.closure().closure, format="nt")
    theirs = reason(reference, reasoner="owlrl")
    assert _ground(ours) == _ground(theirs.closure) and len(ours) == len(theirs.closure)
    rows = run_query(kg, "roles-by-layer").rows
    assert len(rows) > 20
    naive = RdflibEngine(theirs.closure, theirs.inferred)

    class Reference:  # the graph handle run_query takes, over the reference stack's closure
        def engine(self, name=None):
            return naive

    assert sorted(rows, key=repr) == sorted(run_query(Reference(), "roles-by-layer").rows, key=repr)


def _user_path():
    spec = importlib.util.spec_from_file_location("user_path", ROOT / "benchmarks" / "user_path.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_query_phase_runs_each_stored_query_with_its_required_examples():
    from aiworkforce.query.catalogue import catalogue

    listed = dict(_user_path().stored_queries())
    assert set(listed) == set(catalogue())
    for name, args in listed.items():
        required = [p for p in catalogue()[name].params if p.required]
        assert args == [a for p in required for a in ("-p", f"{p.name}={p.example}")], name
    assert listed["skills-for-role"] == ["-p", "role=Data Engineer"]


def test_rows_are_compared_as_sets_with_joined_lists_as_sets(tmp_path):
    rows = _user_path()._rows
    a, b, c = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "c.json"
    a.write_text('[{"x": "SQL; Python", "n": 2}, {"x": "Go", "n": 1}]')
    b.write_text('[{"n": 1, "x": "Go"}, {"n": 2, "x": "Python; SQL"}]')
    c.write_text('[{"x": "SQL; Rust", "n": 2}, {"x": "Go", "n": 1}]')
    assert rows(a) == rows(b) != rows(c)
