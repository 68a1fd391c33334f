"""The JSON-LD context generated from the ontology: plain keys with the right coercions, and compacting with it
loses nothing (expanding the compacted graph with pyld, an independent JSON-LD processor, gives the graph back)."""

from __future__ import annotations

import json

from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from aiworkforce.publish.context import jsonld_context
from aiworkforce.rdf.load import parse_text
from aiworkforce.rdf.prefixes import BASE, PREFIXES

AIW = PREFIXES["aiw"]


def test_every_aiw_property_is_a_plain_key_with_its_coercion(core):
    context = jsonld_context(core)
    declared = {p for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
                for p in core.subjects(RDF.type, kind) if str(p).startswith(AIW)}
    assert declared
    for prop in declared:
        name = str(prop)[len(AIW):]
        assert context[name]["@id"] == f"aiw:{name}"
    assert context["inLayer"] == {"@id": "aiw:inLayer", "@type": "@id", "@container": "@set"}
    assert context["stackOrder"] == {"@id": "aiw:stackOrder", "@type": "xsd:integer"}  # functional: one value
    assert context["prefLabel"] == {"@id": "skos:prefLabel", "@container": "@language"}
    assert context["basis"]["@type"] == "@id" and context["Role"] == "aiw:Role"
    assert all(not k.startswith("@") and ":" not in k for k in context)


def test_compacting_with_it_loses_nothing(core):
    """expand(compact(x)) is x: pyld expands a compacted neighbourhood of the graph back to the same triples."""
    from pyld import jsonld

    context = jsonld_context(core)
    sample = Graph()
    for s in {URIRef(BASE + "role/data-engineer"), URIRef(BASE + "layer/data"), URIRef(AIW + "inLayer"),
              URIRef(AIW + "stackOrder")}:
        sample += core.triples((s, None, None))
    text = sample.serialize(format="json-ld", context=context)
    doc = json.loads(text)
    keys = {k for node in doc.get("@graph", [doc]) for k in node}
    assert {"prefLabel", "inLayer", "requiresEssentialSkill", "stackOrder"} <= keys
    assert not any(k.startswith(("http", "aiw:", "skos:")) for k in keys)
    expanded = jsonld.expand(doc, {"documentLoader": _no_remote})
    back = Graph().parse(data=jsonld.to_rdf(expanded, {"format": "application/n-quads"}), format="nquads")
    assert isomorphic(Graph() + back, sample)
    # the project's own loader (which refuses remote contexts) reads it back too
    assert isomorphic(parse_text(text, "json-ld"), sample)


def _no_remote(url, options=None):
    raise AssertionError(f"a remote context was fetched: {url}")
