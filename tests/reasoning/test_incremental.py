"""Incremental reasoning (``add`` on top of a knowledge base joined with data): adding triples to a reasoned store
gives exactly the store a full recomputation gives, also when the new triples set off chains of rules."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from conftest import ROOT

from aiworkforce.query.engines import INFERRED_GRAPH
from aiworkforce.reasoning.incremental import NotIncremental, extend_store
from aiworkforce.reasoning.pipeline import STORE, load_data_store, persist_owned, reason_store

PREFIXES = """
@prefix aiw: <https://w3id.org/aiworkforce/ontology#> .
@prefix role: <https://w3id.org/aiworkforce/role/> .
@prefix skill: <https://w3id.org/aiworkforce/skill/> .
@prefix layer: <https://w3id.org/aiworkforce/layer/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""

#: New triples about a new role and existing terms of the generated data, each setting off a chain:
#: specialises -> skos:broader (prp-spo1) -> broaderTransitive (prp-trp, through existing specialisations) and its
#: inverse; requiresEssentialSkill -> requiresSkill -> isSkillFor (inverse) -> appliesInLayer (prp-spo2 chain);
#: combinesRole + inLayer -> spansLayer (a chain whose second step is old data); overlapsWith (symmetric);
#: domains and ranges type the new role; skos:broader between skills climbs the existing skill hierarchy; and
#: one triple the store had inferred becomes asserted.
ADDED = PREFIXES + """
role:new-role a aiw:HybridRole ; aiw:inLayer layer:security ;
    aiw:specialises role:esco-role-15 ; aiw:combinesRole role:esco-role-12 ;
    aiw:requiresEssentialSkill skill:esco-skill-05 , skill:new-skill ;
    aiw:overlapsWith role:esco-role-07 .
skill:new-skill a aiw:Skill ; skos:broader skill:esco-skill-02 .
role:esco-role-03 aiw:requiresSkill skill:esco-skill-12 .
"""


def _generator():
    spec = importlib.util.spec_from_file_location("esco_like", ROOT / "benchmarks" / "esco_like.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("incremental")
    data = folder / "data.ttl"
    text = "".join(_generator().blocks(1200, seed=3))
    data.write_text(_generator().HEADER + text, encoding="utf-8")
    added = folder / "added.ttl"
    added.write_text(ADDED, encoding="utf-8")
    return data, added


def _reasoned(paths, folder: Path):
    """The cached store of the shipped graph joined with ``paths``, as ``query --data`` writes it, opened."""
    result = reason_store(load_data_store(paths))
    assert result.inconsistencies == ()
    folder.mkdir()
    persist_owned(lambda: result, folder)
    return ox.Store(str(folder / STORE))


def _graph(store, graph) -> set:
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, graph)}


def _split(triples: set) -> tuple[set, int]:
    """The ground triples, and the number of the others (blank nodes are relabelled by every parse)."""
    ground = {t for t in triples if not any(isinstance(x, ox.BlankNode) for x in t)}
    return ground, len(triples) - len(ground)


def test_incremental_equals_full_recomputation(files, tmp_path):
    data, added = files
    full = _reasoned([data, added], tmp_path / "full")
    store = _reasoned([data], tmp_path / "before")
    gained = extend_store(store, Graph().parse(added), inferred_graph=INFERRED_GRAPH)
    inferred = ox.NamedNode(INFERRED_GRAPH)
    assert _split(_graph(store, ox.DefaultGraph())) == _split(_graph(full, ox.DefaultGraph()))
    assert _graph(store, inferred) == _graph(full, inferred)
    assert {g.value for g in store.named_graphs()} == {INFERRED_GRAPH}
    # the chains did fire
    new = ox.NamedNode("https://w3id.org/aiworkforce/role/new-role")
    spans = ox.NamedNode("https://w3id.org/aiworkforce/ontology#spansLayer")
    assert any(True for _ in store.quads_for_pattern(new, spans, None, inferred))
    assert gained > 30


def test_schema_changes_are_refused_so_the_caller_recomputes():
    store = ox.Store()
    schema = Graph().parse(data=PREFIXES + "aiw:NewKind <http://www.w3.org/2000/01/rdf-schema#subClassOf> aiw:Role .",
                           format="turtle")
    before = len(store)
    with pytest.raises(NotIncremental, match="schema"):
        extend_store(store, schema, inferred_graph=INFERRED_GRAPH)
    assert len(store) == before, "nothing is changed"


def test_add_with_data_updates_the_cached_store_as_a_full_recomputation_would(files, tmp_path, monkeypatch, capsys):
    """The user's path: ``query --data``, then ``add CONTRIBUTION --data``. The joined graph's cached store is
    updated incrementally (the full build is never called) and equals the store a fresh full build gives; the
    closure of the knowledge base alone is left to the first command that needs it."""
    import shutil

    import aiworkforce.reasoning.pipeline as pipeline
    from aiworkforce.cli import main
    from aiworkforce.graph import KnowledgeGraph
    from aiworkforce.rdf.resources import data_dir

    data, _ = files
    kb = tmp_path / "ontology"
    shutil.copytree(ROOT / "ontology", kb)
    monkeypatch.setenv("AIWORKFORCE_ONTOLOGY_DIR", str(kb))
    monkeypatch.setenv("AIWORKFORCE_CACHE_DIR", str(tmp_path / "cache"))
    data_dir.cache_clear()
    try:
        assert main(["query", "roles-by-layer", "--data", str(data), "-f", "json"]) == 0
        with monkeypatch.context() as patched:
            def full_build(*args, **kwargs):
                raise AssertionError("add --data recomputed the joined graph instead of updating it")

            patched.setattr(pipeline, "write_data_store", full_build)
            contribution = ROOT / "examples" / "contributions" / "ai-red-teamer.ttl"
            assert main(["add", str(contribution), "--data", str(data)]) == 0
        updated = KnowledgeGraph([data]).cached()
        assert updated is not None and updated.store is not None
        assert KnowledgeGraph().cached() is None  # the knowledge base alone: built on first use
        monkeypatch.setenv("AIWORKFORCE_CACHE_DIR", str(tmp_path / "fresh"))
        full = KnowledgeGraph([data])
        full.closure()
        got, want = ox.Store.read_only(str(updated.store)), ox.Store.read_only(str(full.cached().store))
        for graph in (ox.DefaultGraph(), ox.NamedNode(INFERRED_GRAPH)):
            assert _split(_graph(got, graph)) == _split(_graph(want, graph))
        red_teamer = ox.NamedNode("https://w3id.org/aiworkforce/role/ai-red-teamer")
        assert any(True for _ in got.quads_for_pattern(red_teamer, None, None, ox.NamedNode(INFERRED_GRAPH)))
        assert main(["query", "roles-by-layer", "-f", "json"]) == 0  # the knowledge base alone, built now
        assert "ai-red-teamer" in capsys.readouterr().out
    finally:
        data_dir.cache_clear()


def test_a_restriction_fires_incrementally_without_memberships_in_the_anonymous_class(tmp_path):
    """A class under a hasValue restriction (a blank node in the cached store, a skolem IRI in the rules): a new
    member gets the value, and no membership in the anonymous class (bookkeeping, which a full recomputation
    never leaves) is in the store, whose triples with IRIs would show it."""
    schema = tmp_path / "schema.ttl"
    schema.write_text(PREFIXES + """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix ex: <http://example.org/> .
ex:p a owl:ObjectProperty .
ex:Tagged a owl:Class ; rdfs:subClassOf [ a owl:Restriction ; owl:onProperty ex:p ; owl:hasValue ex:v ] .
""", encoding="utf-8")
    added = tmp_path / "added.ttl"
    added.write_text("<http://example.org/x> a <http://example.org/Tagged> .\n", encoding="utf-8")
    full = _reasoned([schema, added], tmp_path / "full")
    store = _reasoned([schema], tmp_path / "before")
    extend_store(store, Graph().parse(added), inferred_graph=INFERRED_GRAPH)
    x, p, v = (ox.NamedNode(f"http://example.org/{n}") for n in "xpv")
    assert ox.Quad(x, p, v) in store  # the restriction did fire
    for graph in (ox.DefaultGraph(), ox.NamedNode(INFERRED_GRAPH)):
        assert _split(_graph(store, graph)) == _split(_graph(full, graph))
