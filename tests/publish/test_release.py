"""Release artefacts: every graph file loads back (in rdflib and in pyoxigraph) as the graph it was written from,
the checksums verify, the version IRI is stamped in, and a release never overwrites a folder by accident."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL

from aiworkforce.cli import main
from aiworkforce.errors import UsageError
from aiworkforce.publish.export import export_graph
from aiworkforce.rdf.resources import ontology_version
from aiworkforce.rdf.prefixes import ONTOLOGY_IRI, PREFIXES
from aiworkforce.publish.extras import CONTEXT
from aiworkforce.publish.labels import with_rdfs_labels
from aiworkforce.publish.release import GRAPH_FORMATS, NOTES, OPENAPI, SUMS, release, sha256, verify
from aiworkforce.publish.sssom import FILE_NAME as SSSOM
from aiworkforce.rdf.resources import data_files

VERSION = ontology_version()
VERSION_IRI = f"https://w3id.org/aiworkforce/ontology/{VERSION}"
RDFLIB = {".ttl": "turtle", ".nt": "nt", ".rdf": "xml", ".jsonld": "json-ld"}
OXIGRAPH = {".ttl": pyoxigraph.RdfFormat.TURTLE, ".nt": pyoxigraph.RdfFormat.N_TRIPLES,
            ".rdf": pyoxigraph.RdfFormat.RDF_XML, ".jsonld": pyoxigraph.RdfFormat.JSON_LD}
GRAPH_FILES = [(g, s) for g in ("base", "full") for s in GRAPH_FORMATS]


@pytest.fixture(scope="module")
def made(released):
    return released  # built once per session with its docs site (conftest.py); tests/publish/site checks the site


@pytest.fixture(scope="module")
def sources(kg):
    """The graphs a release is written from: what `export` writes (asserted) and the cached closure, each with
    rdfs:label copied from the preferred labels."""
    return {
        "base": with_rdfs_labels(Graph().parse(data=export_graph(kg, "nt"), format="nt")),
        "full": with_rdfs_labels(Graph().parse(kg.closure().closure, format="nt")),
    }


def test_file_names_carry_the_version(made):
    assert made.version == VERSION and made.version_iri == VERSION_IRI
    names = {p.name for p in made.folder.iterdir() if p.is_file()}
    site = {n for n in names if n.startswith(("index.", "ontology.", "queries.", "evidence.", ".htaccess"))}
    assert names - site == {f"aiworkforce-{VERSION}-{g}{s}" for g, s in GRAPH_FILES} | {NOTES, OPENAPI, SUMS, CONTEXT, SSSOM}
    assert {"index.html", "ontology.html", ".htaccess"} <= site
    assert made.files[-1] == SUMS
    on_disk = sorted(str(p.relative_to(made.folder)) for p in made.folder.rglob("*") if p.is_file())
    assert on_disk == sorted(made.files)


@pytest.mark.parametrize(("graph", "suffix"), GRAPH_FILES, ids=[f"{g}{s}" for g, s in GRAPH_FILES])
def test_every_graph_file_loads_back_as_its_source(made, sources, graph, suffix):
    path = made.graph_file(graph, suffix)
    loaded = Graph().parse(path, format=RDFLIB[suffix])
    assert len(loaded) == made.triples[graph] == len(sources[graph])
    assert isomorphic(loaded, sources[graph])
    assert (URIRef(ONTOLOGY_IRI), OWL.versionIRI, URIRef(VERSION_IRI)) in loaded
    assert (URIRef(ONTOLOGY_IRI), OWL.versionInfo, Literal(VERSION)) in loaded
    quads = list(pyoxigraph.parse(path=str(path), format=OXIGRAPH[suffix]))
    assert len({(q.subject, q.predicate, q.object) for q in quads}) == len(sources[graph])


def test_the_project_loader_accepts_the_json_ld_and_rdf_xml(made, sources):
    """The files pass aiworkforce's own safe loader: inline @context, no DOCTYPE."""
    from aiworkforce.rdf.load import parse_file

    for suffix in (".jsonld", ".rdf"):
        assert isomorphic(parse_file(made.graph_file("full", suffix)), sources["full"])


def test_json_ld_is_compacted_with_the_context_file(made):
    context = json.loads((made.folder / CONTEXT).read_text(encoding="utf-8"))["@context"]
    assert {k: context[k] for k in PREFIXES} == PREFIXES
    for graph in ("base", "full"):
        doc = json.loads(made.graph_file(graph, ".jsonld").read_text(encoding="utf-8"))
        assert doc["@context"] == context  # inline: a reader never fetches it
        assert "@graph" in doc
        role = next(n for n in doc["@graph"] if n.get("@id") == "role:data-engineer")
        assert role["inLayer"] == ["layer:data"] and role["prefLabel"]["de"] == "Dateningenieur"


def test_shapes_queries_and_checks_are_copied_verbatim(made):
    for kind in ("shapes", "queries", "checks"):
        sources = data_files(kind)
        copies = sorted((made.folder / kind).iterdir())
        assert [p.name for p in copies] == [p.name for p in sources]
        assert all(c.read_bytes() == s.read_bytes() for c, s in zip(copies, sources))


def test_sha256sums_verify(made):
    lines = (made.folder / SUMS).read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(made.files) - 1
    for line in lines:
        digest, name = line.split("  ", 1)
        assert sha256(made.folder / name) == digest
    assert verify(made.folder) == []


def test_sha256sums_detect_a_change(made, tmp_path):
    import shutil

    copy = shutil.copytree(made.folder, tmp_path / "r")  # the session's release, changed in a copy
    target = copy / made.graph_file("base", ".ttl").relative_to(made.folder)
    target.write_text(target.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert verify(copy) == [target.name]


def test_release_notes_name_the_version_and_every_graph_file(made):
    notes = (made.folder / NOTES).read_text(encoding="utf-8")
    assert notes.startswith(f"# aiworkforce {VERSION}\n")
    assert f"<{VERSION_IRI}>" in notes
    for graph, suffix in GRAPH_FILES:
        assert made.graph_file(graph, suffix).name in notes


def test_refuses_to_overwrite_a_non_empty_folder(kg, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(UsageError, match="not empty") as info:
        release(kg, out)
    assert "--force" in info.value.hint
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no build folder left behind


def test_an_empty_folder_is_filled(kg, made, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    first = release(kg, out, docs=False)
    assert (out / SUMS).is_file()
    assert set(first.files) <= set(made.files) and verify(out) == []  # (made has the docs site too)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # the build folder is gone
    assert oct(os.stat(out).st_mode & 0o777) != oct(0o700)  # a release folder is not private


def test_a_file_in_the_way_is_refused(kg, tmp_path):
    (tmp_path / "out").write_text("x", encoding="utf-8")
    with pytest.raises(UsageError, match="not a folder"):
        release(kg, tmp_path / "out")


def test_cli_release(tmp_path, capsys):
    out = tmp_path / "nested" / "rel"
    assert main(["release", "-o", str(out), "--no-docs"]) == 0
    captured = capsys.readouterr()
    listed = captured.out.splitlines()
    assert sorted(Path(p).relative_to(out).as_posix() for p in listed) == sorted(
        str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert captured.err.startswith(f"wrote aiworkforce {VERSION} ({VERSION_IRI}): ")
    assert main(["release", "-o", str(out), "--no-docs"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"aiworkforce: error: {out} is not empty")
    assert "Traceback" not in captured.err
    assert main(["release", "-o", str(out), "--force", "--no-docs"]) == 0
    assert not (out / "index.html").exists()  # --no-docs leaves the site out


# -- issue 11: --force only replaces a previous release; never through a symbolic link ------------------------------

def test_force_never_deletes_a_folder_that_is_not_a_release(kg, tmp_path):
    thesis = tmp_path / "thesis"
    thesis.mkdir()
    (thesis / "chapter1.tex").write_text("years of work", encoding="utf-8")
    with pytest.raises(UsageError, match="does not hold a previous release"):
        release(kg, thesis, force=True)
    assert (thesis / "chapter1.tex").read_text(encoding="utf-8") == "years of work"


def test_force_needs_the_marker_of_a_previous_release(kg, made, tmp_path):
    import shutil

    copy = tmp_path / "rel"
    shutil.copytree(made.folder, copy)
    (copy / SUMS).write_text("0" * 64 + "  something-else.txt\n", encoding="utf-8")  # not a release's list
    with pytest.raises(UsageError, match="does not hold a previous release"):
        release(kg, copy, force=True)
    assert (copy / NOTES).exists()
    shutil.copy(made.folder / SUMS, copy / SUMS)
    (copy / "stale.txt").write_text("old", encoding="utf-8")
    again = release(kg, copy, force=True, docs=False)
    assert verify(again.folder) == [] and set(again.files) <= set(made.files)
    assert not (copy / "stale.txt").exists()  # --force replaces the previous release, it does not add to it
    assert [p.name for p in tmp_path.iterdir()] == ["rel"]  # build and old folders are gone
    assert not (copy / ".htaccess").exists() and not any(p.suffix == ".html" for p in copy.rglob("*"))  # no docs


def test_a_symlinked_output_folder_is_refused(kg, tmp_path):
    target = tmp_path / "elsewhere"
    target.mkdir()
    (target / "precious").write_text("x", encoding="utf-8")
    link = tmp_path / "link"
    link.symlink_to(target)
    with pytest.raises(UsageError, match="symbolic link"):
        release(kg, link, force=True)
    assert link.is_symlink() and (target / "precious").exists()


def test_the_release_carries_the_openapi_document(made):
    from aiworkforce.publish.openapi import openapi_document

    assert json.loads((made.folder / OPENAPI).read_text(encoding="utf-8")) == openapi_document()
    assert OPENAPI in made.files


# -- issue 13: names for OWL tools, SSSOM ---------------------------------------------------------------------------

def test_the_base_release_loads_in_owlready2_with_names(made):
    """owlready2 (as OAK and Protégé) shows an individual by its rdfs:label: every named one has its names."""
    import owlready2

    world = owlready2.World()
    onto = world.get_ontology(made.graph_file("base", ".rdf").as_uri()).load()
    engineer = world[PREFIXES["role"] + "data-engineer"]
    assert engineer is not None and onto is not None
    assert sorted(map(str, engineer.label)) == ["Data Engineer", "Dateningenieur", "Ingeniero de datos"]
    assert {lang.lang for lang in engineer.label} == {"en", "de", "es"}
    for kind, at_least in (("role", 48), ("layer", 11), ("skill", 175), ("concern", 32)):
        found = [e for e in world.search(iri=PREFIXES[kind] + "*") if e.iri != PREFIXES[kind]]
        assert len(found) >= at_least, kind
        assert not [e.iri for e in found if not e.label], f"{kind}s without a name in owlready2"


def test_the_release_carries_the_sssom_crosswalk(made):
    text = (made.folder / SSSOM).read_text(encoding="utf-8")
    assert text.startswith("#curie_map:") and "\nsubject_id\tsubject_label\tpredicate_id\t" in text
    assert SSSOM in (made.folder / NOTES).read_text(encoding="utf-8")
