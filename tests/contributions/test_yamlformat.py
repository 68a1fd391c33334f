"""The YAML format of contributions is read from the ontology (ontology/contribution-format.ttl)."""

from __future__ import annotations

import shutil

import pytest
from rdflib import RDF, URIRef

from aiworkforce.contributions import yamlformat
from aiworkforce.contributions.read import yaml_to_graph
from aiworkforce.rdf.namespaces import AIW
from aiworkforce.rdf.resources import data_dir


@pytest.fixture
def fresh_format():
    """The format and the data folder are read once per process; read them again around each test."""
    yamlformat.yaml_format.cache_clear()
    data_dir.cache_clear()
    yield
    yamlformat.yaml_format.cache_clear()
    data_dir.cache_clear()


def test_the_documented_keys_and_kinds(fresh_format):
    fmt = yamlformat.yaml_format()
    role, skill, concern = fmt.entry("role"), fmt.entry("skill"), fmt.entry("concern")
    assert role.lists["layers"].predicate == AIW.inLayer
    assert role.lists["essential_skills"].namespace == "https://w3id.org/aiworkforce/skill/"
    assert role.lists["combines_expertise"].predicate == AIW.combinesExpertise  # domain HybridRole, a subclass
    assert role.lists["title_may_denote"].namespace is None  # range skos:Concept: IRIs or CURIEs only
    assert skill.lists["mitigates"].predicate == AIW.mitigates and "mitigates" not in role.lists
    assert concern.lists["sectors"].predicate == AIW.relevantInSector
    assert set(skill.kinds) == {"transferable", "technical", "domain"} and skill.default_kind is None
    assert skill.kinds["transferable"][1] == ((AIW.reuseLevel, AIW.Transversal), (AIW.skillType, AIW.SkillCompetence))
    assert concern.default_kind == "concern" and concern.kinds["model-risk"][0] == (AIW.ModelRisk,)
    assert role.default_kind == "role" and role.kinds["hybrid"][0] == (AIW.HybridRole,)
    assert {r.cls for r in fmt.references} == {AIW.ISCOUnitGroup, AIW.ESCOOccupation, AIW.ONETOccupation}


def test_a_key_added_to_the_ontology_is_a_yaml_key(tmp_path, monkeypatch, fresh_format):
    """Nothing about the keys is restated in Python: annotate a property, and the YAML reader takes it."""
    folder = tmp_path / "kb"
    shutil.copytree(data_dir("ontology"), folder)
    with (folder / "contribution-format.ttl").open("a", encoding="utf-8") as out:
        out.write('\naiw:collaboratesWith aiw:yamlKey "works_with" .\n'
                  'aiw:OperationalChallenge aiw:yamlKind "ops-challenge" .\n')
    monkeypatch.setenv("AIWORKFORCE_ONTOLOGY_DIR", str(folder))
    data_dir.cache_clear()
    graph, _ = yaml_to_graph("roles:\n  - slug: x\n    works_with: [data-engineer]\n"
                             "concerns:\n  - slug: y\n    kind: ops-challenge\n")
    role = URIRef("https://w3id.org/aiworkforce/role/x")
    assert (role, AIW.collaboratesWith, URIRef("https://w3id.org/aiworkforce/role/data-engineer")) in graph
    assert (URIRef("https://w3id.org/aiworkforce/concern/y"), RDF.type, AIW.OperationalChallenge) in graph


def test_an_unknown_kind_names_the_kinds_the_ontology_defines(fresh_format):
    from aiworkforce.errors import InputError

    with pytest.raises(InputError) as info:
        yaml_to_graph("skills:\n  - slug: s\n    kind: transferrable\n")
    assert "skill kind must be one of" in info.value.message and "transferable" in info.value.message
    assert info.value.line == 3
    assert "did you mean 'transferable'" in (info.value.hint or "")
