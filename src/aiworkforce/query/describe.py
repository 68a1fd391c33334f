"""Everything the reasoned graph says about one term, with inferred facts marked as such, and why they hold."""

from __future__ import annotations

from dataclasses import dataclass

from aiworkforce.errors import NotEntailedError, UsageError
from aiworkforce.query.engines import INFERRED_GRAPH
from aiworkforce.query.resolve import expand_curie, resolve
from aiworkforce.rdf.labels import DEFAULT_LANGUAGE, pick_label
from aiworkforce.rdf.prefixes import ONTOLOGY_IRI, PREFIXES
from aiworkforce.rdf.terms import IRI_FORBIDDEN, Term

_OUT = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?p ?o ?label ?inferred WHERE {{
  ?term ?p ?o .
  OPTIONAL {{ ?o skos:prefLabel|rdfs:label ?label }}
  BIND(EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ ?term ?p ?o }} }} AS ?inferred)
}}"""

_IN = f"""
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?s ?p ?label ?inferred WHERE {{
  ?s ?p ?term .
  OPTIONAL {{ ?s skos:prefLabel|rdfs:label ?label }}
  BIND(EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?term }} }} AS ?inferred)
}}"""


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
    #: with ``why=True``: the explanation of each inferred fact (same order as :attr:`inferred`)
    explanations: tuple = ()

    @property
    def asserted(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if not f.inferred)

    @property
    def inferred(self) -> tuple[Fact, ...]:
        return tuple(f for f in self.facts if f.inferred)


def _truthy(term: Term | None) -> bool:
    return term is not None and term.value in ("true", "1")


def describe(graph, value: str, *, engine: str | None = None, why: bool = False,
             lang: str = DEFAULT_LANGUAGE) -> Description:
    """Describe the term of ``graph`` (a :class:`~aiworkforce.graph.KnowledgeGraph`) named by ``value``
    (label, slug, CURIE or IRI); ``why=True`` also explains each inferred fact (:func:`explain`). The label shown
    for each other term is the one in ``lang``, else the English one (:func:`~aiworkforce.rdf.labels.pick_label`)."""
    eng = graph.engine(engine)
    term = resolve(value, engine=eng, what="term")
    facts = list(describe_iri(eng, term.value, lang=lang).facts)
    explanations: tuple = ()
    if why:
        # Blank nodes get new labels each time the graph is parsed, so a fact about one cannot be matched with the
        # traced run: its explanation is None (explain it through the named class it belongs to).
        provenance = _trace(graph)
        explanations = tuple(None if "bnode" in (term.kind, f.other.kind) else provenance.explain(
            *((term, f.predicate, f.other) if f.direction == "out" else (f.other, f.predicate, term)))
            for f in facts if f.inferred)
    return Description(term, tuple(facts), explanations)


def describe_iri(engine, iri: str, *, lang: str = DEFAULT_LANGUAGE) -> Description:
    """The :class:`Description` of the IRI ``iri`` on a query engine, without resolving a name (so a term without a
    label, like an evidence statement, is described too). Each other term is shown by its label in ``lang``, else
    its English one (:func:`~aiworkforce.rdf.labels.pick_label`)."""
    term = Term.iri(iri)
    return Description(term, _facts(engine.query(_OUT, {"term": term}).rows,
                                    engine.query(_IN, {"term": term}).rows, lang))


def describe_all(engine, iris, *, lang: str = DEFAULT_LANGUAGE) -> dict[str, Description]:
    """:func:`describe_iri` of each of ``iris`` at once: the same two queries, run once for every term."""
    wanted = set(iris)
    out: dict[str, list] = {iri: [] for iri in wanted}
    into: dict[str, list] = {iri: [] for iri in wanted}
    for row in engine.query(_OUT).rows:
        if row[0].value in wanted:
            out[row[0].value].append(row)
    for row in engine.query(_IN).rows:
        if row[0].value in wanted:
            into[row[0].value].append(row)
    return {iri: Description(Term.iri(iri), _facts(out[iri], into[iri], lang)) for iri in wanted}


def _facts(out_rows, in_rows, lang: str) -> tuple:
    """One fact per (direction, predicate, other term, inferred), whatever the number of the other's labels."""
    labels: dict[tuple, list] = {}  # (direction, predicate, other, inferred) -> the other term's labels
    for _, p, o, label, inferred in out_rows:
        labels.setdefault(("out", p, o, _truthy(inferred)), []).extend([label] if label else [])
    for _, s, p, label, inferred in in_rows:
        labels.setdefault(("in", p, s, _truthy(inferred)), []).extend([label] if label else [])
    facts = [Fact(direction, p, other, pick_label(found, lang), inferred)
             for (direction, p, other, inferred), found in labels.items()]
    return tuple(sorted(facts, key=_order))


def _order(f: Fact):
    return (f.direction != "out", f.inferred, f.predicate.value, f.other_label or f.other.value)


def term_triples(engine, iri: str, *, incoming: bool = True) -> list:
    """The triples (pyoxigraph) of ``iri`` in the reasoned graph of a pyoxigraph ``engine``: outgoing (following blank
    nodes) and incoming (unless ``incoming=False``); for the ontology IRI, its header and its whole vocabulary."""
    import pyoxigraph as ox  # the engine is a pyoxigraph one already; imported here to keep this module light

    store, graph = engine.store, ox.DefaultGraph()
    roots = [ox.NamedNode(iri)]
    if iri == ONTOLOGY_IRI:
        roots += [q.subject for q in store.quads_for_pattern(None, ox.NamedNode(PREFIXES["rdfs"] + "isDefinedBy"),
                                                             roots[0], graph)]
        roots += [r[0] for r in store.query(
            f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{PREFIXES["aiw"]}")) }}')]
    seen, todo, triples = set(), list(roots), []
    while todo:
        subject = todo.pop()
        if subject in seen:
            continue
        seen.add(subject)
        for q in store.quads_for_pattern(subject, None, None, graph):
            triples.append(q.triple)
            if isinstance(q.object, ox.BlankNode):
                todo.append(q.object)
    if incoming and iri != ONTOLOGY_IRI:
        triples += [q.triple for q in store.quads_for_pattern(None, None, roots[0], graph)]
    return list(dict.fromkeys(triples))


def _trace(graph):
    # Imported here, not at the top: it pulls in rdflib and owlrl, which a warm describe or query must not pay
    # for (tests/cli/test_cli.py checks that a warm query does not import them).
    from aiworkforce.reasoning.explain import trace

    return trace(graph.asserted)


def _iri(text: str) -> str | None:
    """The IRI a CURIE, an <IRI> or a bare absolute IRI names, else None."""
    iri = expand_curie(text)
    if iri is None and text.startswith("<") and text.endswith(">"):
        iri = text[1:-1]
    if iri is None and "://" in text and not IRI_FORBIDDEN.search(text):
        iri = text
    return iri


def _named(value: str, eng, what: str) -> Term:
    """A CURIE or IRI as it is (it may occur only as an object); anything else resolved like describe's term."""
    iri = _iri(value.strip())
    if iri is not None and eng.query("ASK { { ?t ?p ?o } UNION { ?s ?p ?t } }", {"t": Term.iri(iri)}).boolean:
        return Term.iri(iri)
    return resolve(value, engine=eng, what=what)  # an unknown term: the error names the closest ones


def _predicate(value: str, eng) -> Term:
    text = value.strip()
    if text == "a":
        return Term.iri(PREFIXES["rdf"] + "type")
    iri = _iri(text)
    return Term.iri(iri) if iri is not None else resolve(text, engine=eng, what="property")


def explain(graph, subject: str, predicate: str, obj: str, *, engine: str | None = None):
    """Why ``subject predicate obj`` holds in ``graph`` (a :class:`~aiworkforce.graph.KnowledgeGraph`): an
    :class:`~aiworkforce.reasoning.explain.Explanation`, the OWL 2 RL rule and premises down to asserted triples.

    Subject and object are resolved like :func:`describe`'s term (label, slug, CURIE or IRI); the predicate is a
    CURIE, an IRI, ``a`` (rdf:type) or a property's label. A triple not in the closure raises
    :class:`~aiworkforce.errors.NotEntailedError` (exit 1); an input reasoned by owlrl cannot be explained
    (:class:`~aiworkforce.errors.ExplanationUnavailableError`).
    """
    eng = graph.engine(engine)
    if not predicate.strip():
        raise UsageError("empty property", hint="give the property as a CURIE (aiw:inLayer), an IRI or its label")
    s, p, o = _named(subject, eng, "subject"), _predicate(predicate, eng), _named(obj, eng, "object")
    # the cached closure answers at once whether the triple holds, and whether it is inferred
    if not eng.query("ASK { ?s ?p ?o }", {"s": s, "p": p, "o": o}).boolean:
        raise NotEntailedError(f"{' '.join(t.compact(PREFIXES) for t in (s, p, o))} is not in the closure: it is "
                               "neither asserted nor inferred",
                               hint="aiworkforce describe TERM lists what the graph says about a term")
    if not eng.query(f"ASK {{ GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }} }}", {"s": s, "p": p, "o": o}).boolean:
        from aiworkforce.reasoning.explain import Derivation, Explanation  # see _trace

        return Explanation(Derivation((s, p, o)))
    return _trace(graph).explain(s, p, o)
