"""Loading RDF: good files parse, bad files give one InputError naming the file and line."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph, URIRef

from conftest import FIXTURES, ROOT

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


# -- the fast Turtle path gives what rdflib's parser gives ----------------------------------------------------------

_TEXTS = sorted(p for pattern in ("ontology/*.ttl", "shapes/*.ttl", "examples/**/*.ttl", "tests/**/*.ttl",
                                  "tests/**/*.nt") for p in ROOT.glob(pattern))


def _both(text: str, fmt: str):
    from rdflib import Graph

    from aiworkforce.rdf.load import _read_fast

    read = _read_fast(text, fmt)
    if read is None:
        return None, None
    fast = Graph()
    for prefix, namespace in read[1].items():
        fast.bind(prefix, namespace)
    fast += read[0]
    slow = Graph()
    slow.parse(data=text, format=fmt)
    return fast, slow


def test_pyoxigraphs_parser_gives_rdflibs_graph_and_prefixes_on_every_file_of_the_repository():
    import warnings

    from rdflib.compare import isomorphic

    read = 0
    for path in _TEXTS:
        with warnings.catch_warnings():  # rdflib warns about ill-typed literals of the conformance fixtures
            warnings.simplefilter("ignore")
            fast, slow = _both(path.read_text(encoding="utf-8", errors="surrogateescape"),
                               "nt" if path.suffix == ".nt" else "turtle")
        if fast is None:
            continue
        read += 1
        assert isomorphic(fast, slow), path
        assert sorted(fast.namespaces()) == sorted(slow.namespaces()), path
    assert read > 150 and all(_both(p.read_text(encoding="utf-8"), "turtle")[0] is not None
                              for p in ROOT.glob("ontology/*.ttl"))


@pytest.mark.parametrize("text", [
    '<http://x/a> <http://x/b> "v"@en-GB .',                                  # rdflib keeps the tag's case
    '<http://x/a> <http://x/b> "v"^^<http://www.w3.org/2001/XMLSchema#string> .',  # and an explicit xsd:string
    '<a> <http://x/b> "v" .',                                                   # a relative IRI: rdflib's rules
    '<http://x/a> <http://x/b> "v" ',                                           # a syntax error: rdflib's message
], ids=["language-case", "xsd-string", "relative-iri", "syntax-error"])
def test_what_pyoxigraph_reads_differently_is_left_to_rdflib(text):

    from aiworkforce.rdf.load import _read_fast

    assert _read_fast(text, "turtle") is None


def test_blank_node_labels_are_new_nodes_in_each_document(tmp_path):
    from aiworkforce.rdf.load import parse_files

    for name in ("a.ttl", "b.ttl"):
        (tmp_path / name).write_text(f'_:b1 <http://x/p> "{name}" .\n', encoding="utf-8")
    graph = parse_files([tmp_path / "a.ttl", tmp_path / "b.ttl"])
    assert len(set(graph.subjects())) == 2


def test_deep_nesting_is_left_to_rdflib():

    from aiworkforce.rdf.load import _read_fast

    deep = "@prefix a: <https://example.org/> .\na:s a:p " + "[ a:p " * 64 + "a:o" + " ]" * 64 + " .\n"
    shallow = deep.replace("[ a:p " * 64, "[ a:p " * 63).replace(" ]" * 64, " ]" * 63)
    assert _read_fast(deep, "turtle") is None
    assert _read_fast(shallow, "turtle") is not None
