"""Find terms by words in their labels, alternative labels and definitions.

Each typed word matches a whole word or the beginning of one ("team" finds "teams" and "teaming", never
"steam"; "red" never finds "shared"), in any case. Every word must match in the same text.
"""

from __future__ import annotations

import re
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
    #: why it matched: the part of ``text`` holding the words (the whole text for a label)
    matched: str = ""


#: characters of context kept on each side of the words found in a definition
SNIPPET = 30


def _patterns(words: list[str]) -> list[re.Pattern]:
    """One pattern per typed word: the word at the start of a word of the text (not inside one)."""
    return [re.compile(r"(?<![^\W_])" + re.escape(word), re.IGNORECASE) for word in words]


def _snippet(text: str, spans: list[tuple[int, int]]) -> str:
    """The stretch of ``text`` from the first to the last word found, with a little context, marked with ...."""
    start, end = min(a for a, _ in spans), max(b for _, b in spans)
    left, right = max(0, start - SNIPPET), min(len(text), end + SNIPPET)
    if left > 0:
        left = text.find(" ", left) + 1 if text.find(" ", left) < start else left
    if right < len(text):
        cut = text.rfind(" ", end, right)
        right = cut if cut > end else right
    return ("..." if left > 0 else "") + text[left:right].strip() + ("..." if right < len(text) else "")


def search(graph, text: str, *, limit: int | None = 25, engine: str | None = None) -> list[Match]:
    """Terms whose label, alternative label or definition holds every word of ``text`` as a word or the start
    of one (any case).

    Best matches first: an exact label, then a label starting with the text, then other label matches,
    alternative labels (exact first) and definitions. Each match says which field matched and the text that did.
    """
    words = normalise(text).split()
    if not words:
        raise UsageError("nothing to search for", hint="give one or more words, e.g. `aiworkforce search gpu`")
    phrase = " ".join(words)
    patterns = _patterns(words)
    best: dict[str, Match] = {}
    rank: dict[str, tuple] = {}  # term -> (score, English first, text): the same choice whatever the row order
    for term, field, found, label, rdf_type in graph.engine(engine).query(_TEXTS).rows:
        flat = " ".join(found.value.split())
        spans = []
        for pattern in patterns:
            hit = pattern.search(flat)
            if hit is None:
                break
            spans.append(hit.span())
        else:
            norm = normalise(flat)
            score = _RANK[field.value] * 10
            if field.value != "definition":
                score += 0 if norm == phrase else 1 if norm.startswith(phrase) else 2
            shown = flat if field.value != "definition" else _snippet(flat, spans)
            match = Match(term, label.value if label else term.value, rdf_type, field.value, found.value, score,
                          shown)
            key = (match.score, found.language not in (None, "en"), found.value)
            if term.value not in rank or key < rank[term.value]:
                best[term.value], rank[term.value] = match, key
    ranked = sorted(best.values(), key=lambda m: (m.score, m.label.casefold()))
    return ranked[:limit] if limit else ranked
