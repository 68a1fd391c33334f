"""Turn what people type into one RDF term: a label or alternative label (any case), a slug, a CURIE or an IRI.

An unknown value raises :class:`UnknownTermError` naming the closest labels; a value that fits several terms
raises :class:`AmbiguousTermError` listing them. Both are usage errors (exit code 2).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from aiworkforce.errors import AmbiguousTermError, UnknownTermError, UsageError
from aiworkforce.rdf.prefixes import BASE, PREFIXES
from aiworkforce.rdf.terms import IRI_FORBIDDEN, Term

_CURIE = re.compile(r"^([A-Za-z][\w.-]*):([^\s/]\S*)$")
_SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

_LABELS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?label ?kind ?cls WHERE {
  ?term a ?cls .
  { ?term skos:prefLabel ?label BIND("pref" AS ?kind) }
  UNION { ?term skos:altLabel ?label BIND("alt" AS ?kind) }
  UNION { ?term rdfs:label ?label BIND("label" AS ?kind) }
}"""
_ANY_LABELS = _LABELS.replace("?term a ?cls .", "").replace(" ?cls WHERE", " WHERE")
#: Whether ?term is a labelled term (of class ?cls): one lookup, where the candidates are every label of the class
_LABELLED = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
ASK { ?term a ?cls ; skos:prefLabel|skos:altLabel|rdfs:label ?label }"""
_ANY_LABELLED = _LABELLED.replace("?term a ?cls ;", "?term")


@dataclass(frozen=True)
class Candidate:
    term: Term
    label: str
    kind: str  # pref | alt | label
    language: str | None = None


def normalise(text: str) -> str:
    return " ".join(text.split()).casefold()


def expand_curie(value: str) -> str | None:
    match = _CURIE.match(value)
    if match and match.group(1) in PREFIXES:
        return PREFIXES[match.group(1)] + match.group(2)
    return None


def _candidates(engine, cls: str | None) -> list[Candidate]:
    cache = engine.__dict__.setdefault("_label_index", {})
    if cls not in cache:
        if cls:
            result = engine.query(_LABELS, {"cls": Term.iri(cls)})
        else:
            result = engine.query(_ANY_LABELS)
        cache[cls] = [Candidate(row[0], row[1].value, row[2].value, row[1].language) for row in result.rows
                      if row[0].is_iri]
    return cache[cls]


def _valid_iri(iri: str) -> bool:
    """Whether ``iri`` is an IRI an engine accepts as a term (a typo such as ``role:foo%zz`` is not)."""
    import pyoxigraph

    if IRI_FORBIDDEN.search(iri):
        return False
    try:
        pyoxigraph.NamedNode(iri)
    except ValueError:
        return False
    return True


def _described(engine, iri: str) -> bool:
    if not _valid_iri(iri):
        return False
    result = engine.query("ASK { ?s ?p ?o }", {"s": Term.iri(iri)})
    return bool(result.boolean)


def _labelled(engine, iri: str, cls: str | None) -> bool:
    """Whether the IRI ``iri`` is one of the candidates of ``cls`` (a term of the class with a label), asked
    directly: the candidates of a class are every label of it, 39,000 roles' labels in a million triples."""
    if not _valid_iri(iri):
        return False
    if cls is None:
        return bool(engine.query(_ANY_LABELLED, {"term": Term.iri(iri)}).boolean)
    return bool(engine.query(_LABELLED, {"term": Term.iri(iri), "cls": Term.iri(cls)}).boolean)


def _preferred(c: Candidate, other: Candidate) -> bool:
    """Whether ``c`` names its term better than ``other``: a preferred label, the English one first."""
    return c.kind == "pref" and (other.kind != "pref" or c.language in (None, "en"))


def _names(candidates) -> dict[str, Candidate]:
    """Each term of ``candidates`` with the name it is shown by: its English preferred label where it has one."""
    by_term: dict[str, Candidate] = {}
    for c in candidates:
        shown = by_term.get(c.term.value)
        if shown is None or _preferred(c, shown):
            by_term[c.term.value] = c
    return by_term


def show(c: Candidate) -> str:
    return f"{c.label} ({Term.iri(c.term.value).compact(PREFIXES)})"


def did_you_mean(term: Term, *, engine) -> str:
    """The suggestion naming one term, worded as for an unknown value: "did you mean: Title (prefix:slug)?"."""
    label = _names(c for c in _candidates(engine, None) if c.term == term and c.kind == "pref").get(term.value)
    return f"did you mean: {show(label) if label else Term.iri(term.value).compact(PREFIXES)}?"


def resolve(value: str, *, engine, cls: str | None = None, what: str = "term", within: str | None = None) -> Term:
    """Resolve ``value`` to the one term of class ``cls`` (a full IRI; any class when None) it names.

    ``within`` (an IRI prefix such as ``https://w3id.org/aiworkforce/skill/``) keeps only the terms named in it:
    a contribution's ``essential_skills:`` resolves among skills even where the graph is not reasoned."""
    text = value.strip()
    if not text:
        raise UsageError(f"empty {what}", hint=f"give a {what} by name, slug, CURIE or IRI")
    iri = text if re.match(r"^(https?|urn):", text) else expand_curie(text)
    if iri is not None and (not within or iri.startswith(within)) and _labelled(engine, iri, cls):
        return Term.iri(iri)  # what the candidates would say, without reading them
    candidates = _candidates(engine, cls)
    if within:
        candidates = [c for c in candidates if c.term.value.startswith(within)]
    by_term = _names(candidates)

    if iri is not None:
        if iri in by_term:
            return Term.iri(iri)
        if cls is None and not within and _described(engine, iri):  # any described IRI, labelled or not (e.g. the ontology)
            return Term.iri(iri)
        raise UnknownTermError(f"{text!r} is not a known {what}", hint=_suggest(text, candidates, what))

    norm = normalise(text)
    matches = {c.term.value for c in candidates if normalise(c.label) == norm}
    if _SLUG.match(text.lower()):  # slugs are lowercase; "Adversarial-Robustness" means the same one
        slug = text.lower()
        matches |= {t for t in by_term if t.rsplit("/", 1)[-1] == slug or t.rsplit("#", 1)[-1] == slug}
    if len(matches) > 1:  # prefer the project's own term over an official occupation with the same title
        own = {m for m in matches if m.startswith(BASE)}
        if len(own) == 1:
            matches = own
    if len(matches) == 1:
        return Term.iri(matches.pop())
    if matches:
        listed = "; ".join(sorted(show(by_term[t]) for t in matches))
        raise AmbiguousTermError(f"{text!r} names several {what}s: {listed}", hint="use the CURIE or IRI of one")
    raise UnknownTermError(f"unknown {what} {text!r}", hint=_suggest(text, candidates, what))


def similarity(query: str, label: str) -> float:
    """How close a typed value is to a label: whole label, its beginning, or any one word of it."""
    matcher = difflib.SequenceMatcher
    scores = [matcher(None, query, label).ratio(), matcher(None, query, label[: len(query)]).ratio()]
    words = label.split()
    scores += [matcher(None, query, word).ratio() for word in words]
    for part in query.split():  # a typed word that starts a word of the label: "eval" -> "evaluation"
        if len(part) >= 3 and any(word.startswith(part) for word in words):
            scores.append(0.75)
    return max(scores)


def _suggest(text: str, candidates: list[Candidate], what: str) -> str:
    typed = {normalise(text), normalise(text.replace("-", " "))}  # a slug is compared word by word as well
    scored: dict[str, float] = {}  # each term by the closest of its names, in any language,
    named: dict[str, tuple[tuple, Candidate]] = {}  # shown by its closest English name (whatever the row order)
    for c in candidates:
        slug = c.term.value.rsplit("/", 1)[-1].replace("-", " ")
        score = max(max(similarity(norm, normalise(c.label)), similarity(norm, slug)) for norm in typed)
        scored[c.term.value] = max(score, scored.get(c.term.value, 0.0))
        english = c.language in (None, "en")
        rank = (english, score, c.kind == "pref", c.label)
        shown_now = named.get(c.term.value)
        if shown_now is None or rank > shown_now[0]:
            named[c.term.value] = (rank, c)
    ranked = sorted(((score, named[term][1]) for term, score in scored.items()), key=lambda sc: (-sc[0], sc[1].label))
    shown = [show(c) for score, c in ranked[:3] if score >= 0.6]
    if shown:
        return "did you mean: " + "; ".join(shown) + "?"
    return f"run `aiworkforce search {text}` to look it up"
