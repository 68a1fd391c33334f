"""OWL 2 RL reasoning with owlrl, returning the *clean closure*.

owlrl's raw output is noisy: it types every resource as ``owl:Thing``, adds a reflexive ``owl:sameAs`` for every
node, axiomatic triples about the RDF/RDFS/OWL vocabularies, and ``"literal" owl:sameAs "literal"`` triples whose
literal subjects cannot even be written to Turtle or N-Triples. :func:`reason` removes all of that and keeps the
asserted graph plus the entailments that say something about the domain. The caller's graph is never modified.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from .errors import AiworkforceError

_ERROR_CLASS = URIRef("http://www.daml.org/2002/03/agents/agent-ont#ErrorMessage")
_ERROR_TEXT = URIRef("http://www.daml.org/2002/03/agents/agent-ont#error")
_BUILTIN = (str(RDF), str(RDFS), str(OWL), str(XSD))
_REFLEXIVE_NOISE = {OWL.sameAs, RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty}
_TOP = {OWL.Thing, RDFS.Resource}


class InconsistencyError(AiworkforceError):
    """The graph contradicts an axiom of the ontology (for example an irreflexive property used reflexively)."""

    exit_code = 1


@dataclass(frozen=True)
class ReasoningResult:
    """The asserted graph, its clean closure and the difference between them."""

    asserted: Graph
    closure: Graph
    inconsistencies: tuple[str, ...]

    @property
    def inferred(self) -> Graph:
        """Only the triples reasoning added (a new graph)."""
        out = Graph(namespace_manager=self.closure.namespace_manager)
        for triple in self.closure:
            if triple not in self.asserted:
                out.add(triple)
        return out


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


#: Reasoners: "rules" (compiled OWL 2 RL rules in pyoxigraph, the default) and "owlrl" (the reference).
REASONERS = ("rules", "owlrl")


def owlrl_closure(graph: Graph) -> tuple[Graph, list[str]]:
    """owlrl's raw OWL 2 RL closure of a copy of ``graph``, and the inconsistencies it reported."""
    import owlrl

    work = Graph()
    for triple in graph:
        work.add(triple)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False).expand(work)
    errors = []
    for node in list(work.subjects(RDF.type, _ERROR_CLASS)):
        errors.extend(str(m) for m in work.objects(node, _ERROR_TEXT))
        work.remove((node, None, None))
    return work, errors


def rules_closure(graph: Graph) -> tuple[Graph, list[str]]:
    """The same closure computed by compiled rules in pyoxigraph (see :mod:`aiworkforce.rules`)."""
    import pyoxigraph as ox

    from .rules import saturate, skolem, unskolem
    from .terms import from_oxigraph, to_rdflib

    store = ox.Store()  # blank nodes are skolemised on the way in, so they keep their identity on the way out
    lines = "".join(f"{_nt(skolem(s))} {_nt(p)} {_nt(skolem(o))} .\n" for s, p, o in graph)
    store.bulk_load(lines.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    errors = saturate(store)
    work = Graph()
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        work.add(tuple(unskolem(to_rdflib(from_oxigraph(t))) for t in (quad.subject, quad.predicate, quad.object)))
    return work, errors


def _nt(node) -> str:
    from .terms import from_rdflib

    return from_rdflib(node).ntriples()


def reason(graph: Graph | None = None, *, strict: bool = False, reasoner: str = "rules") -> ReasoningResult:
    """Compute the clean OWL 2 RL closure of ``graph`` (default: the shipped knowledge graph).

    ``reasoner`` is ``"rules"`` (default: compiled rules in pyoxigraph, many times faster) or ``"owlrl"``
    (the reference); the test suite checks that both give the same clean closure. Inconsistencies are returned
    in ``inconsistencies``; with ``strict=True`` they raise :class:`InconsistencyError` instead.
    """
    from .errors import UsageError
    from .load import load_core
    from .namespaces import bind_all

    if reasoner not in REASONERS:
        raise UsageError(f"unknown reasoner {reasoner!r}", hint=f"choose one of: {', '.join(REASONERS)}")
    asserted = load_core() if graph is None else graph
    work, errors = (rules_closure if reasoner == "rules" else owlrl_closure)(asserted)
    errors = sorted(set(errors))
    if errors and strict:
        raise InconsistencyError("the graph is inconsistent with the ontology: " + "; ".join(errors))

    closure = Graph()
    bind_all(closure)
    for s, p, o in work:
        if (s, p, o) in asserted or not is_noise(s, p, o):
            closure.add((s, p, o))
    return ReasoningResult(asserted=asserted, closure=closure, inconsistencies=tuple(errors))
