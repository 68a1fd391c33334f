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
from aiworkforce.reasoning.pipeline import STORE, load_data_store, persist, reason_store

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
    persist(result, folder)
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
