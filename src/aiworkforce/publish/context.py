"""The JSON-LD context of the vocabulary, generated from the ontology, so the JSON-LD release reads as plain keys.

:func:`jsonld_context` turns every property the ontology declares (``owl:ObjectProperty``, ``owl:DatatypeProperty``,
``owl:AnnotationProperty``) and every class it names into a term of the context, keyed by its local name
(``"inLayer"``, ``"prefLabel"``, ``"Role"``):

* an object property's values are IRIs: ``"@type": "@id"``;
* a datatype property's values take its ``rdfs:range``: ``"@type": "xsd:integer"``;
* an annotation property has no range in OWL, so its values in the graph decide: all IRIs give ``"@type": "@id"``,
  all language-tagged strings a language map (``"@container": "@language"``: ``{"en": "...", "de": "..."}``), all
  literals of one datatype that datatype;
* a property that is not functional and has several values on some subject is a set (``"@container": "@set"``),
  so its key always holds a list and a reader never has to test for one value or many.

Two terms with the same local name (none today) both keep their CURIE rather than one hiding the other. The
prefixes of :data:`~aiworkforce.rdf.prefixes.PREFIXES` stay in the context, so IRIs of individuals read as CURIEs
(``"role:data-engineer"``). The context is data, written into the release (``aiworkforce.context.jsonld``) and
inline into the JSON-LD graphs: never fetched from anywhere.
"""

from __future__ import annotations

from collections import Counter

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from aiworkforce.rdf.prefixes import PREFIXES

_PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
_LANG_STRING = str(RDF.langString)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _compact(iri: str) -> str:
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def _value_kind(graph, prop: URIRef) -> dict:
    """The coercion an annotation property's values in ``graph`` allow (``{}`` when they are mixed)."""
    kinds = set()
    for value in graph.objects(None, prop):
        if isinstance(value, Literal):
            kinds.add(("lang", None) if value.language else ("datatype", str(value.datatype or "")))
        else:
            kinds.add(("id", None))
    if len(kinds) != 1:
        return {}
    kind, datatype = kinds.pop()
    if kind == "id":
        return {"@type": "@id"}
    if kind == "lang":
        return {"@container": "@language"}
    return {"@type": _compact(datatype)} if datatype and datatype != _LANG_STRING else {}


def _multi_valued(graph, prop: URIRef) -> bool:
    counts = Counter(graph.subjects(prop, None))
    return any(n > 1 for n in counts.values())


def _definition(graph, prop: URIRef, kinds: set) -> dict:
    term: dict = {"@id": _compact(str(prop))}
    if OWL.ObjectProperty in kinds:
        term["@type"] = "@id"
    elif OWL.DatatypeProperty in kinds:
        ranges = [r for r in graph.objects(prop, RDFS.range) if isinstance(r, URIRef)]
        if len(ranges) == 1 and str(ranges[0]) != _LANG_STRING:
            term["@type"] = _compact(str(ranges[0]))
    else:
        term.update(_value_kind(graph, prop))
    if ("@container" not in term and (prop, RDF.type, OWL.FunctionalProperty) not in graph
            and _multi_valued(graph, prop)):
        term["@container"] = "@set"
    return term


def jsonld_context(graph) -> dict:
    """The ``@context`` object for ``graph`` (an rdflib graph holding the ontology): prefixes, then one term per
    declared property and per named class, in name order."""
    properties: dict[URIRef, set] = {}
    for kind in _PROPERTY_KINDS:
        for prop in graph.subjects(RDF.type, kind):
            if isinstance(prop, URIRef):
                properties.setdefault(prop, set()).add(kind)
    classes = {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and not isinstance(c, BNode)}
    names = Counter(_local(str(t)) for t in [*properties, *classes])
    names.update(list(PREFIXES))  # a term never shadows a prefix
    terms: dict[str, object] = {}
    for prop, kinds in properties.items():
        if names[_local(str(prop))] == 1:
            terms[_local(str(prop))] = _definition(graph, prop, kinds)
    for cls in classes:
        if names[_local(str(cls))] == 1:
            terms[_local(str(cls))] = _compact(str(cls))
    return {**dict(PREFIXES), **dict(sorted(terms.items()))}
