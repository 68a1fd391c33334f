"""Loading RDF: good files parse, bad files give one InputError naming the file and line."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph, URIRef

from conftest import FIXTURES

from aiworkforce.errors import InputError, RDFSyntaxError
from aiworkforce.rdf.load import load_core, load_shapes, parse_file
from aiworkforce.rdf.prefixes import ONTOLOGY_IRI
from aiworkforce.rdf.resources import data_files


LOAD = FIXTURES / "load"


def test_good_turtle_and_rdfxml_parse():
    assert len(parse_file(LOAD / "good.ttl")) == 1
    assert len(parse_file(LOAD / "good.rdf")) == 1


def test_broken_turtle_names_file_and_line():
    with pytest.raises(RDFSyntaxError) as err:
        parse_file(LOAD / "broken.bad.ttl")
    assert err.value.line == 3
    assert "broken.bad.ttl:3" in str(err.value)
    assert err.value.exit_code == 2


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("entities.bad.rdf", "DOCTYPE"),
        ("remote-context.bad.jsonld", "remote @context"),
        ("latin1.bad.ttl", "not valid UTF-8"),
        ("binary.bad.ttl", "binary data"),
        ("missing.ttl", "no such file"),
        ("good.txt", "unknown RDF file type"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(name, fragment):
    with pytest.raises(InputError) as err:
        parse_file(LOAD / name)
    assert fragment in str(err.value)
    assert name in str(err.value)


def test_directory_is_refused(tmp_path):
    target = tmp_path / "dir.ttl"
    target.mkdir()
    with pytest.raises(InputError, match="directory"):
        parse_file(target)


def test_core_holds_ontology_and_every_module(core):
    assert (URIRef(ONTOLOGY_IRI), None, None) in core
    total = Graph()
    for path in data_files("ontology"):
        total += parse_file(path)
    assert len(core) == len(total)


def test_every_ontology_and_shape_file_parses_with_a_second_parser():
    """pyoxigraph is an independent Turtle parser: it must read every file and agree on the triple count."""
    for kind in ("ontology", "shapes"):
        for path in data_files(kind):
            with path.open("rb") as handle:
                quads = list(pyoxigraph.parse(handle, format=pyoxigraph.RdfFormat.TURTLE))
            assert len(quads) == len(parse_file(path)), path.name


def test_shapes_load():
    assert len(load_shapes()) > 0


def test_load_core_returns_a_new_graph_each_time():
    a, b = load_core(), load_core()
    a.add((URIRef("https://example.org/x"), URIRef("https://example.org/y"), URIRef("https://example.org/z")))
    assert len(b) == len(a) - 1
