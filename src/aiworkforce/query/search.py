"""Find terms by words in their labels, alternative labels and definitions."""

from __future__ import annotations

from dataclasses import dataclass

from aiworkforce.errors import UsageError
from aiworkforce.query.engines import INFERRED_GRAPH
from aiworkforce.query.resolve import normalise
from aiworkforce.rdf.terms import Term

_TEXTS = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?field ?text (SAMPLE(?pl) AS ?label) (SAMPLE(?t) AS ?type) WHERE {{
  {{ ?term skos:prefLabel ?text BIND("label" AS ?field) }}
  UNION {{ ?term rdfs:label ?text BIND("label" AS ?field) }}
  UNION {{ ?term skos:altLabel ?text BIND("alternative label" AS ?field) }}
  UNION {{ ?term skos:definition ?text BIND("definition" AS ?field) }}
  OPTIONAL {{ ?term skos:prefLabel|rdfs:label ?pl FILTER (LANG(?pl) IN ("en", "")) }}
  OPTIONAL {{ ?term a ?t FILTER NOT EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ ?term a ?t }} }} }}
  FILTER(isIRI(?term))
}} GROUP BY ?term ?field ?text"""

_RANK = {"label": 0, "alternative label": 1, "definition": 2}


@dataclass(frozen=True)
class Match:
    term: Term
    label: str
    type: Term | None
    field: str
    text: str
    score: int


def search(graph, text: str, *, limit: int | None = 25, engine: str | None = None) -> list[Match]:
    """Terms whose label, alternative label or definition contains every word of ``text`` (any case).

    Best matches first: an exact label, then a label starting with the text, then other label matches,
    alternative labels and definitions.
    """
    words = normalise(text).split()
    if not words:
        raise UsageError("nothing to search for", hint="give one or more words, e.g. `aiworkforce search gpu`")
    phrase = " ".join(words)
    best: dict[str, Match] = {}
    rank: dict[str, tuple] = {}  # term -> (score, English first, text): the same choice whatever the row order
    for term, field, found, label, rdf_type in graph.engine(engine).query(_TEXTS).rows:
        norm = normalise(found.value)
        if not all(w in norm for w in words):
            continue
        score = _RANK[field.value] * 10
        if field.value != "definition":
            score += 0 if norm == phrase else 1 if norm.startswith(phrase) else 2
        match = Match(term, label.value if label else term.value, rdf_type, field.value, found.value, score)
        key = (match.score, found.language not in (None, "en"), found.value)
        if term.value not in rank or key < rank[term.value]:
            best[term.value], rank[term.value] = match, key
    ranked = sorted(best.values(), key=lambda m: (m.score, m.label.casefold()))
    return ranked[:limit] if limit else ranked
