"""Everything the reasoned graph says about one term, with inferred facts marked as such."""

from __future__ import annotations

from dataclasses import dataclass

from aiworkforce.query.engines import INFERRED_GRAPH
from aiworkforce.query.resolve import resolve
from aiworkforce.rdf.terms import Term

_OUT = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?p ?o (SAMPLE(?l) AS ?label) ?inferred WHERE {{
  ?term ?p ?o .
  OPTIONAL {{ ?o skos:prefLabel|rdfs:label ?l }}
  BIND(EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ ?term ?p ?o }} }} AS ?inferred)
}} GROUP BY ?term ?p ?o ?inferred"""

_IN = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?s ?p (SAMPLE(?l) AS ?label) ?inferred WHERE {{
  ?s ?p ?term .
  OPTIONAL {{ ?s skos:prefLabel|rdfs:label ?l }}
  BIND(EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?term }} }} AS ?inferred)
}} GROUP BY ?term ?s ?p ?inferred"""


@dataclass(frozen=True)
class Fact:
    direction: str  # "out": term p other ; "in": other p term
    predicate: Term
    other: Term
    other_label: str | None
    inferred: bool


@dataclass(frozen=True)
class Description:
    term: Term
    facts: tuple[Fact, ...]

    @property
    def asserted(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if not f.inferred)

    @property
    def inferred(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.inferred)


def _truthy(term: Term | None) -> bool:
    return term is not None and term.value in ("true", "1")


def describe(graph, value: str, *, engine: str | None = None) -> Description:
    """Describe the term of ``graph`` (a :class:`~aiworkforce.graph.KnowledgeGraph`) named by ``value``
    (label, slug, CURIE or IRI)."""
    eng = graph.engine(engine)
    term = resolve(value, engine=eng, what="term")
    facts = []
    for row in eng.query(_OUT, {"term": term}).rows:
        _, p, o, label, inferred = row
        facts.append(Fact("out", p, o, label.value if label else None, _truthy(inferred)))
    for row in eng.query(_IN, {"term": term}).rows:
        _, s, p, label, inferred = row
        facts.append(Fact("in", p, s, label.value if label else None, _truthy(inferred)))
    facts.sort(key=lambda f: (f.direction != "out", f.inferred, f.predicate.value, f.other_label or f.other.value))
    return Description(term, tuple(facts))
