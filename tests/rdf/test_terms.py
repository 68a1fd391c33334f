"""The engine-neutral RDF term: compact names, comparison keys, N-Triples, and round trips through both engines."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import BNode, Literal, URIRef

from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import Term, from_oxigraph, from_rdflib, rows_from_oxigraph, to_oxigraph, to_rdflib

X = "http://www.w3.org/2001/XMLSchema#"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@pytest.mark.parametrize(
    ("iri", "compact"),
    [
        ("https://w3id.org/aiworkforce/role/ml-engineer", "role:ml-engineer"),
        ("https://w3id.org/aiworkforce/ontology#Role", "aiw:Role"),
        ("https://w3id.org/aiworkforce/shapes#RoleShape", "aiws:RoleShape"),
        ("http://www.w3.org/2004/02/skos/core#prefLabel", "skos:prefLabel"),
        ("https://www.onetonline.org/link/summary/15-1212.00", "onet:15-1212.00"),
        ("http://data.europa.eu/esco/isco/C2512", "isco:C2512"),
        ("http://data.europa.eu/esco/occupation/0464b062-cea6", "esco:0464b062-cea6"),
        # no prefix fits, or the local part is empty or not a plain name: the IRI stays whole
        ("https://w3id.org/aiworkforce/ontology", "https://w3id.org/aiworkforce/ontology"),
        ("https://w3id.org/aiworkforce/role/", "https://w3id.org/aiworkforce/role/"),
        ("https://w3id.org/aiworkforce/role/a/b", "https://w3id.org/aiworkforce/role/a/b"),
        ("https://w3id.org/aiworkforce/role/a b", "https://w3id.org/aiworkforce/role/a b"),
        ("http://example.org/x", "http://example.org/x"),
    ],
)
def test_compact(iri, compact):
    assert Term.iri(iri).compact(PREFIXES) == compact


def test_compact_prefers_the_longest_namespace():
    prefixes = {"a": "http://example.org/", "ab": "http://example.org/b/"}
    assert Term.iri("http://example.org/b/c").compact(prefixes) == "ab:c"
    assert Term.iri("http://example.org/c").compact(prefixes) == "a:c"


def test_compact_of_literals_and_blank_nodes_is_the_value():
    assert Term.literal("Data Engineer", language="en").compact(PREFIXES) == "Data Engineer"
    assert Term.literal("5", X + "integer").compact(PREFIXES) == "5"
    assert Term("bnode", "b1").compact(PREFIXES) == "b1"


def test_plain_string_datatypes_are_dropped():
    assert Term.literal("x", X + "string") == Term.literal("x")
    assert Term.literal("x", LANG_STRING, "en") == Term.literal("x", language="en")
    assert Term.literal("x", language="").language is None


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("0.5", "decimal"), ("0.50", "decimal")),
        (("1", "integer"), ("01", "integer")),
        (("1", "integer"), ("1.0", "decimal")),
        (("10", "integer"), ("1E1", "double")),
        (("0.25", "double"), ("2.5e-1", "double")),
    ],
)
def test_numeric_literals_with_the_same_value_have_the_same_key(a, b):
    left, right = Term.literal(a[0], X + a[1]), Term.literal(b[0], X + b[1])
    assert left != right, "different lexical forms are different terms"
    assert left.key() == right.key()


def test_keys_tell_different_things_apart():
    assert Term.literal("0.5", X + "decimal").key() != Term.literal("0.51", X + "decimal").key()
    assert Term.literal("5").key() != Term.literal("5", X + "integer").key(), "a string is not a number"
    assert Term.literal("x", language="en").key() != Term.literal("x").key()
    assert Term.literal("x", language="en").key() != Term.literal("x", language="de").key()
    assert Term.iri("http://x/a").key() != Term.literal("http://x/a").key()
    assert Term("bnode", "a").key() != Term.iri("a").key()
    assert Term.literal("abc", X + "integer").number is None, "an ill-typed number is compared as text"
    assert Term.literal("abc", X + "integer").key() == ("literal", "abc", X + "integer", "")


@pytest.mark.parametrize(
    ("term", "nt"),
    [
        (Term.iri("http://example.org/a"), "<http://example.org/a>"),
        (Term("bnode", "b0"), "_:b0"),
        (Term.literal("plain"), '"plain"'),
        (Term.literal("Daten", language="de"), '"Daten"@de'),
        (Term.literal("5", X + "integer"), f'"5"^^<{X}integer>'),
        (Term.literal('say "hi"\\ \n\r'), '"say \\"hi\\"\\\\ \\n\\r"'),
    ],
)
def test_ntriples(term, nt):
    assert term.ntriples() == nt


def test_ntriples_parse_back_with_rdflib():
    from rdflib import Graph

    term = Term.literal('tricky "quotes" and \\ backslash\nnew line', language="en")
    line = f"<http://x/s> <http://x/p> {term.ntriples()} .\n"
    (triple,) = Graph().parse(data=line, format="nt")
    assert from_rdflib(triple[2]) == term


SAMPLES = [
    Term.iri("https://w3id.org/aiworkforce/role/ml-engineer"),
    Term("bnode", "b42"),
    Term.literal("plain"),
    Term.literal("Data Engineer", language="en"),
    Term.literal("Ingeniero de datos", language="es"),
    Term.literal("7", X + "integer"),
    Term.literal("0.5", X + "decimal"),
    Term.literal("true", X + "boolean"),
    Term.literal("2024-01-01", X + "date"),
    Term.literal("custom", "http://example.org/datatype"),
]


@pytest.mark.parametrize("term", SAMPLES, ids=[t.ntriples() for t in SAMPLES])
def test_round_trip_through_rdflib(term):
    assert from_rdflib(to_rdflib(term)) == term


@pytest.mark.parametrize("term", SAMPLES, ids=[t.ntriples() for t in SAMPLES])
def test_round_trip_through_oxigraph(term):
    assert from_oxigraph(to_oxigraph(term)) == term


def test_numbers_round_trip_to_the_same_value():
    for value in ("0.50", "010"):
        for datatype in ("decimal", "integer"):
            if datatype == "integer" and "." in value:
                continue
            term = Term.literal(value, X + datatype)
            assert from_rdflib(to_rdflib(term)).key() == term.key()
            assert from_oxigraph(to_oxigraph(term)).key() == term.key()


def test_from_native_terms():
    assert from_rdflib(URIRef("http://x/a")) == Term.iri("http://x/a")
    assert from_rdflib(BNode("n1")) == Term("bnode", "n1")
    assert from_rdflib(Literal("x", lang="en")) == Term.literal("x", language="en")
    assert from_rdflib(Literal("x", datatype=URIRef(X + "string"))) == Term.literal("x")
    assert from_rdflib(None) is None
    assert from_oxigraph(pyoxigraph.NamedNode("http://x/a")) == Term.iri("http://x/a")
    assert from_oxigraph(pyoxigraph.Literal("x", language="en")) == Term.literal("x", language="en")
    assert from_oxigraph(pyoxigraph.Literal("x")) == Term.literal("x")
    assert from_oxigraph(pyoxigraph.BlankNode("n1")) == Term("bnode", "n1")
    assert from_oxigraph(None) is None
    with pytest.raises(TypeError):
        from_rdflib("not a term")


def test_both_engines_map_the_same_literal_to_the_same_term():
    for term in SAMPLES:
        if term.kind == "bnode":
            continue
        assert from_rdflib(to_rdflib(term)) == from_oxigraph(to_oxigraph(term))


def test_flags():
    assert Term.iri("http://x").is_iri and not Term.literal("x").is_iri
    assert Term.literal("3", X + "int").number == 3
    assert Term.literal("3").number is None
    assert Term.iri("http://x/3").number is None


def test_rows_from_oxigraph_convert_each_cell_as_from_oxigraph_does():
    """Repeated nodes are converted once, yet every cell is the term of its own node: values that differ only in
    language or datatype stay apart, and an unbound cell is None."""
    store = pyoxigraph.Store()
    ex = "http://example.org/"
    objects = [pyoxigraph.Literal("1", datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
               pyoxigraph.Literal("1", datatype=pyoxigraph.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")),
               pyoxigraph.Literal("a", language="en"), pyoxigraph.Literal("a", language="de"), pyoxigraph.Literal("a"),
               pyoxigraph.NamedNode(ex + "a"), pyoxigraph.BlankNode("b1")]
    for i, o in enumerate(objects):
        store.add(pyoxigraph.Quad(pyoxigraph.NamedNode(ex + "s"), pyoxigraph.NamedNode(ex + f"p{i % 2}"), o))
    query = "SELECT ?s ?o ?none WHERE { ?s ?p ?o OPTIONAL { ?o ?q ?none } } ORDER BY ?o"
    variables, rows = rows_from_oxigraph(store.query(query))
    expected = [tuple(from_oxigraph(s[v]) for v in ("s", "o", "none")) for s in store.query(query)]
    assert variables == ("s", "o", "none")
    assert list(rows) == expected and len(rows) == len(objects)
    assert len({row[1] for row in rows}) == len(objects) and all(row[2] is None for row in rows)
    assert rows[0][0] is rows[1][0]  # the same subject, converted once
