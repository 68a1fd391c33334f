"""owlrl, the reference OWL 2 RL reasoner, and the filter that turns its raw output into the *clean closure*.

owlrl's raw output is noisy: it types every resource as ``owl:Thing``, adds a reflexive ``owl:sameAs`` for every
node, axiomatic triples about the RDF/RDFS/OWL vocabularies, and ``"literal" owl:sameAs "literal"`` triples whose
literal subjects cannot even be written to Turtle or N-Triples. :func:`is_noise` recognises all of that, so that
the closure keeps the asserted graph plus the entailments that say something about the domain.
"""

from __future__ import annotations

import owlrl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

_ERROR_CLASS = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
_ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
_BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
_REFLEXIVE_NOISE = {OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}
_TOP = {OWL.Thing, RDFS.Resource}


def is_noise(s, p, o) -> bool:
    """True for an entailment that carries no domain knowledge or cannot be serialised."""
    if isinstance(s, Literal):
        return True
    if p in _REFLEXIVE_NOISE and s == o:
        return True
    if p == RDF.type and (o in _TOP or isinstance(o, BNode)):
        return True
    if p in (RDFS.subClassOf, RDFS.domain, RDFS.range) and o in _TOP:
        return True
    if isinstance(s, URIRef) and str(s).startswith(_BUILTIN):
        return True
    if p == RDF.type and isinstance(o, URIRef) and str(o).startswith(_BUILTIN) and o not in (
        OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.Restriction,
        OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
        OWL.IrreflexiveProperty, OWL.Ontology, RDF.List, RDF.Property,
    ):
        # e.g. "x a rdfs:Resource", "p a rdf:Property" on every property, "C a rdfs:Class"
        return True
    return False


def owlrl_closure(graph: Graph) -> tuple[Graph, list[str]]:
    """owlrl's raw OWL 2 RL closure of a copy of ``graph``, and the inconsistencies it reported."""
    work = Graph()
    for triple in graph:
        work.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    errors = []
    for node in list(work.subjects(RDF.type, _ERROR_CLASS)):
        errors.extend(str(m) for m in work.objects(node, _ERROR_TEXT))
        work.remove((node, None, None))
    return work, errors
