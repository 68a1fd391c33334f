"""diff between two versions of the graph: each kind of change is found and named by the ontology, rewriting the
same graph is no change, and the command exits like diff(1) (0 same, 1 different, 2 bad input)."""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from aiworkforce.present.diff import diff_json, diff_markdown, diff_text
from aiworkforce.publish.diff import diff_graphs
from aiworkforce.publish.extras import CHANGES_JSON, CHANGES_MD, extra_files
from aiworkforce.publish.labels import with_rdfs_labels
from aiworkforce.rdf.namespaces import AIW
from aiworkforce.rdf.prefixes import BASE

ROLE, LAYER, SKILL = (f"{BASE}{k}/" for k in ("role", "layer", "skill"))
ESCO = "http://data.europa.eu/esco/occupation/"
DE = URIRef(ROLE + "data-engineer")


@pytest.fixture(scope="module")
def old(core):
    return with_rdfs_labels(core)


@pytest.fixture(scope="module")
def edited(old):
    """A real edit of the knowledge graph: the data engineer relabelled, redefined, moved to the infrastructure
    layer, SQL made essential, its ESCO alignment loosened; a role added, a skill removed, evidence added."""
    new = Graph()
    new += old
    new.remove((DE, SKOS.prefLabel, Literal("Data Engineer", lang="en")))
    new.add((DE, SKOS.prefLabel, Literal("Data Platform Engineer", lang="en")))
    new.remove((DE, RDFS.label, Literal("Data Engineer", lang="en")))
    new.add((DE, RDFS.label, Literal("Data Platform Engineer", lang="en")))
    new.set((DE, SKOS.definition, Literal("Builds the data platform.", lang="en")))
    new.remove((DE, AIW.inLayer, URIRef(LAYER + "data")))
    new.add((DE, AIW.inLayer, URIRef(LAYER + "infrastructure")))
    new.remove((DE, AIW.requiresOptionalSkill, URIRef(SKILL + "sql")))
    new.add((DE, AIW.requiresEssentialSkill, URIRef(SKILL + "sql")))
    esco = URIRef(ESCO + "2079755f-d809-49e6-8037-4de6180e54c0")
    new.remove((DE, SKOS.exactMatch, esco))
    new.add((DE, SKOS.closeMatch, esco))
    added = URIRef(ROLE + "prompt-engineer")
    new.add((added, RDF.type, AIW.Role))
    new.add((added, SKOS.prefLabel, Literal("Prompt Engineer", lang="en")))
    gone = URIRef(SKILL + "vector-databases")
    for triple in list(new.triples((gone, None, None))):
        new.remove(triple)
    new.add((URIRef(BASE + "evidence/new-statement"), RDF.type, RDF.Statement))
    return new


def test_every_kind_of_change_is_found_and_named_by_the_ontology(old, edited):
    d = diff_graphs(old, edited)
    assert not d.same
    assert [(t.label, t.kind) for t in d.added] == [("Prompt Engineer", "role")]
    assert [t.label for t in d.removed] == ["Vector databases"]
    (relabel,) = d.relabelled()
    assert (relabel.removed, relabel.added) == (("Data Engineer@en",), ("Data Platform Engineer@en",))
    assert [c.added for c in d.redefined()] == [("Builds the data platform.@en",)]
    links = d.links()
    assert [(c.removed, c.added) for c in links["in layer"]] == [(("Data",), ("Infrastructure",))]
    assert [c.added for c in links["requires essential skill"]] == [("SQL",)]
    assert [c.removed for c in links["requires optional skill"]] == [("SQL",)]
    assert [c.added for c in links["skos:closeMatch"]] == [("data engineer",)]
    assert [c.removed for c in links["skos:exactMatch"]] == [("data engineer",)]
    assert d.other_added == 1 and not d.anonymous_changed
    md = diff_markdown(d, title="Changes in x")
    assert "## Changed links: in layer" in md and "| Data Platform Engineer (`role:data-engineer`) | Data | " \
        "Infrastructure |" in md
    data = json.loads(json.dumps(diff_json(d)))
    assert data["added"][0]["iri"] == ROLE + "prompt-engineer" and not data["same"]
    assert "Relabelled:" in diff_text(d)


def test_the_same_graph_is_no_change_whatever_its_blank_nodes(old, core):
    fresh: dict = {}
    again = Graph()  # the same graph with new blank-node labels, as a second parse gives
    for triple in old:
        again.add(tuple(fresh.setdefault(x, BNode()) if isinstance(x, BNode) else x for x in triple))
    d = diff_graphs(old, again)
    assert d.same, diff_text(d)
    axiom = next(s for s in core.subjects(RDF.type, OWL.Restriction) if isinstance(s, BNode))
    changed = Graph()
    changed += old
    changed.remove((axiom, OWL.onProperty, None))
    assert diff_graphs(old, changed).anonymous_changed


def test_the_command_exits_like_diff(run, tmp_path):
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    text = (f'<{ROLE}x> a <{AIW.Role}> ; <{SKOS.prefLabel}> "X"@en ; <{AIW.inLayer}> <{LAYER}data> .\n'
            f'<{LAYER}data> a <{AIW.Layer}> ; <{SKOS.prefLabel}> "Data"@en .\n'
            f'<{LAYER}research> a <{AIW.Layer}> ; <{SKOS.prefLabel}> "Research"@en .\n')
    a.write_text(text, encoding="utf-8")
    b.write_text(text.replace(f"<{LAYER}data> .", f"<{LAYER}research> ."), encoding="utf-8")
    code, out, _ = run("diff", str(a), str(a))
    assert code == 0 and out.startswith("no differences")
    code, out, _ = run("diff", str(a), str(b), "-f", "md")
    assert code == 1 and "| X (`role:x`) | Data | Research |" in out
    code, out, _ = run("diff", str(a), str(b), "-f", "json")
    assert code == 1 and json.loads(out)["changed"][0]["added"] == ["Research"]
    code, _, err = run("diff", str(a), str(tmp_path / "missing.ttl"))
    assert code == 2 and "no such file" in err
    (tmp_path / "bad.ttl").write_text("<x> <y> .\n", encoding="utf-8")
    code, _, err = run("diff", str(a), str(tmp_path / "bad.ttl"))
    assert code == 2 and "bad.ttl" in err
    (tmp_path / "bad.ttl").unlink()
    code, _, err = run("diff", str(tmp_path / "a.ttl"), str(tmp_path))  # a folder of Turtle files: a and b
    assert code == 1


def test_release_notes_of_changes_since_a_previous_version(core, tmp_path):
    previous = tmp_path / "previous.ttl"  # a small earlier version: one role, in another layer
    previous.write_text(f'<{DE}> a <{AIW.Role}> ; <{SKOS.prefLabel}> "Data Engineer"@en ; '
                        f'<{AIW.inLayer}> <{LAYER}infrastructure> .\n', encoding="utf-8")
    base = with_rdfs_labels(core)
    extras = extra_files(base, base, "9.9.9", BASE + "ontology/9.9.9", previous=previous)
    md = extras[CHANGES_MD].text
    assert md.startswith("# Changes in aiworkforce 9.9.9") and "## Changed links: in layer" in md
    assert "| Data Engineer (`role:data-engineer`) | layer:infrastructure | Data |" in md  # unlabelled there
    changes = json.loads(extras[CHANGES_JSON].text)
    assert {t["label"] for t in changes["added"]} >= {"Data Scientist", "Data Centers"}


def test_release_refuses_a_previous_version_it_cannot_read(run, tmp_path):
    code, _, err = run("release", "-o", str(tmp_path / "rel"), "--previous", str(tmp_path / "nowhere"))
    assert code == 2 and "nowhere" in err
    assert not (tmp_path / "rel").exists() and list(tmp_path.iterdir()) == []
