"""OWL 2 RL reasoning that returns the *clean closure*: the asserted graph plus what the domain axioms imply.

Two reasoners share one interface (``closure(graph) -> (raw closure, inconsistencies)``) and are looked up by name
in :data:`~aiworkforce.reasoning.registry.REASONERS`; :func:`reason` runs one and removes owlrl-style noise
(:func:`~aiworkforce.reasoning.reference.is_noise`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Graph, Literal

from aiworkforce.errors import InconsistencyError, UnsupportedAxiomError, UsageError
from aiworkforce.rdf.formats import by_name
from aiworkforce.rdf.load import parse_file, parse_files
from aiworkforce.rdf.namespaces import bind_all
from aiworkforce.rdf.serialize import serialize
from aiworkforce.rdf.terms import from_oxigraph, from_rdflib, to_oxigraph, to_rdflib
from aiworkforce.reasoning.reference import is_noise, owlrl_closure
from aiworkforce.reasoning.registry import REASONERS
from aiworkforce.reasoning.rules import check_supported, saturate, skolem, unskolem


@dataclass(frozen=True)
class ReasoningResult:
    """The asserted graph, its clean closure and the difference between them."""

    asserted: Graph
    closure: Graph
    inconsistencies: tuple[str, ...]
    engine: str = ""  # the engine that computed the closure ("compiled", "owlrl")
    fallback: str | None = None  # why the default engine handed this run to owlrl, if it did

    @property
    def inferred(self) -> Graph:
        """Only the triples reasoning added (a new graph)."""
        out = Graph(namespace_manager=self.closure.namespace_manager)
        for triple in self.closure:
            if triple not in self.asserted:
                out.add(triple)
        return out


def rules_closure(graph: Graph) -> tuple[Graph, list[str]]:
    """The same closure computed by compiled rules in pyoxigraph (see :mod:`aiworkforce.reasoning.rules`).

    Raises :class:`UnsupportedAxiomError` for an input the rules do not cover (:func:`check_supported`)."""
    store = rules_store(graph)
    errors = saturate(store)
    work = Graph()
    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        work.add(tuple(unskolem(to_rdflib(from_oxigraph(t))) for t in (quad.subject, quad.predicate, quad.object)))
    return work, errors


def rules_store(graph: Graph):
    """A pyoxigraph store holding ``graph`` for the compiled rules, blank nodes skolemised (so they keep their
    identity on the way out); :class:`UnsupportedAxiomError` for an input the rules do not cover."""
    check_supported(graph)
    store = ox.Store()
    lines = "".join(f"{_nt(skolem(s))} {_nt(p)} {_nt(skolem(o))} .\n" for s, p, o in graph)
    try:
        store.bulk_load(lines.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    except (SyntaxError, ValueError) as exc:
        raise UnsupportedAxiomError(f"the input holds a term the compiled rules cannot load: {exc}",
                                    hint="reason with the default engine or --engine owlrl") from None
    # pyoxigraph stores numbers, booleans and dates by value and language tags in lower case ("01"^^xsd:integer
    # comes back as "1"): the closure would not hold the asserted literal itself, so such input is refused
    stored = {q.object for q in store if isinstance(q.object, ox.Literal)}
    for literal in {o for o in graph.objects() if isinstance(o, Literal)}:
        if to_oxigraph(from_rdflib(literal)) not in stored:
            raise UnsupportedAxiomError(f"the input holds the literal {literal.n3()}, which the compiled rules would "
                                        "rewrite in canonical form", hint="reason with the default engine or "
                                        "--engine owlrl")
    return store


def _nt(node) -> str:
    return from_rdflib(node).ntriples()


class RulesReasoner:
    """The ontology's axioms compiled into SPARQL rules, run to a fixpoint in pyoxigraph; refuses what they do
    not cover."""

    name = "compiled"
    fallback: str | None = None

    def closure(self, graph: Graph) -> tuple[Graph, list[str]]:
        return rules_closure(graph)


class OwlrlReasoner:
    """The reference reasoner: owlrl."""

    name = "owlrl"
    fallback: str | None = None

    def closure(self, graph: Graph) -> tuple[Graph, list[str]]:
        return owlrl_closure(graph)


class AutoReasoner:
    """The default: the compiled rules, handing the run to owlrl when they refuse (``fallback`` says why)."""

    name = "compiled"
    fallback: str | None = None

    def closure(self, graph: Graph) -> tuple[Graph, list[str]]:
        try:
            return rules_closure(graph)
        except UnsupportedAxiomError as exc:
            self.name, self.fallback = "owlrl", exc.message
            return owlrl_closure(graph)


def reason(graph: Graph, *, strict: bool = False, reasoner: str = REASONERS.default) -> ReasoningResult:
    """Compute the clean OWL 2 RL closure of ``graph``; the caller's graph is never modified.

    ``reasoner`` names an engine of :data:`~aiworkforce.reasoning.registry.REASONERS`: ``"rules"`` (default:
    compiled rules in pyoxigraph, many times faster) or ``"owlrl"`` (the reference); the test suite checks that
    both give the same clean closure. Inconsistencies are returned in ``inconsistencies``; with ``strict=True``
    they raise :class:`InconsistencyError` instead.
    """
    engine = REASONERS.load(reasoner)()
    work, errors = engine.closure(graph)
    errors = sorted(set(errors))
    if errors and strict:
        raise InconsistencyError("the graph is inconsistent with the ontology: " + "; ".join(errors))

    closure = Graph()
    bind_all(closure)
    for s, p, o in work:
        if (s, p, o) in graph or not is_noise(s, p, o):
            closure.add((s, p, o))
    return ReasoningResult(asserted=graph, closure=closure, inconsistencies=tuple(errors), engine=engine.name,
                           fallback=engine.fallback)


@dataclass(frozen=True)
class ClosureText:
    """A closure serialised for output: the bytes, and what they hold in words (``"12 triples (3 inferred)"``)."""

    payload: bytes
    summary: str
    fallback: str | None = None  # why the default engine handed the run to owlrl, if it did


def closure_of_files(paths: list, fmt: str = "nt", *, inferred_only: bool = False,
                     reasoner: str = REASONERS.default) -> ClosureText:
    """The clean OWL 2 RL closure of the RDF files ``paths`` alone (no shipped ontology), serialised as ``fmt``.

    An inconsistent input raises :class:`InconsistencyError` naming the rule that fired and its terms."""
    if not paths:
        raise UsageError("name the RDF files to reason over", hint="aiworkforce reason --no-core FILE.ttl -f nt")
    result = reason(parse_files(paths), strict=True, reasoner=reasoner)
    out = result.inferred if inferred_only else result.closure
    inferred = len(result.closure) - len(result.asserted)
    return ClosureText(serialize(out, by_name(fmt).rdflib).encode("utf-8"),
                       f"{len(out):,} triples ({inferred:,} inferred)", result.fallback)


def closure_text(graph, fmt: str = "ttl", *, inferred_only: bool = False,
                 reasoner: str = REASONERS.default) -> ClosureText:
    """The clean closure of ``graph`` (a :class:`~aiworkforce.graph.KnowledgeGraph`) as ``fmt`` (ttl or nt).

    The shipped graph's closure comes from the cache when ``reasoner`` is the default engine (which computed it),
    else it is reasoned by ``reasoner``; either fails with :class:`InconsistencyError` when inconsistent. A
    graph joined with data files comes from the cached closure, computed in pyoxigraph by the compiled rules
    only: N-Triples are written from the cache without ever building an rdflib graph.
    """
    rdflib_name = by_name(fmt).rdflib
    if graph.data:
        if reasoner not in (REASONERS.default, "compiled", "rules"):
            raise UsageError(f"data files are reasoned by the {REASONERS.default} engine only",
                             hint=f"drop --engine {reasoner}")
        entry = graph.closure()
        if entry.store is not None and fmt in ("nt", "ttl"):
            return _store_text(entry.store, fmt, inferred_only=inferred_only)
        source = entry.inferred if inferred_only else entry.closure
        if fmt == "nt":
            payload = source.read_bytes()
        else:
            payload = serialize(Graph().parse(source, format="nt"), rdflib_name).encode("utf-8")
        lines = payload.count(b"\n")  # N-Triples: one triple a line
        return ClosureText(payload, f"{lines:,} triples")
    if reasoner == REASONERS.default:  # the cache holds the closure this very engine computes
        entry = graph.closure()
        inferred = entry.inferred.read_bytes().count(b"\n")
        if fmt == "nt":
            payload = (entry.inferred if inferred_only else entry.closure).read_bytes()
            count = inferred if inferred_only else payload.count(b"\n")
        else:
            out = parse_file(entry.inferred if inferred_only else entry.closure, fmt="nt")
            bind_all(out)
            payload, count = serialize(out, rdflib_name).encode("utf-8"), len(out)
        return ClosureText(payload, f"{count:,} triples ({inferred:,} inferred)")
    result = reason(graph.asserted, strict=True, reasoner=reasoner)
    out = result.inferred if inferred_only else result.closure
    inferred = len(result.closure) - len(result.asserted)
    return ClosureText(serialize(out, rdflib_name).encode("utf-8"), f"{len(out):,} triples ({inferred:,} inferred)",
                       result.fallback)


def _store_text(path, fmt: str, *, inferred_only: bool) -> ClosureText:
    """The closure (or the inferred triples) kept in a cached on-disk store, serialised by pyoxigraph itself:
    millions of triples never become rdflib objects. Turtle gets the project's prefixes."""
    from aiworkforce.query.engines import INFERRED_GRAPH
    from aiworkforce.rdf.prefixes import PREFIXES

    store = ox.Store.read_only(str(path))
    graph = ox.NamedNode(INFERRED_GRAPH) if inferred_only else ox.DefaultGraph()
    pattern = f"GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}" if inferred_only else "?s ?p ?o"
    count = int(next(iter(store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")))[0].value)
    if fmt == "nt":
        payload = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    else:
        payload = store.dump(format=ox.RdfFormat.TURTLE, from_graph=graph, prefixes=dict(PREFIXES))
    return ClosureText(payload, f"{count:,} triples")
