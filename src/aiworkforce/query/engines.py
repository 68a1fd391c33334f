"""Query engines over the reasoned graph, with one interface and engine-neutral results.

* ``oxigraph`` (default): pyoxigraph, a SPARQL engine written in Rust, loaded from the cached closure (or, for a
  graph joined with data files, opening the cached on-disk store read-only). It answers the stored queries about
  ten times faster than rdflib.
* ``rdflib``: rdflib's own SPARQL engine over the same data, the reference implementation.

Both hold the clean closure as the default graph and the inferred triples again in the named graph
:data:`INFERRED_GRAPH`, so a query can tell asserted facts from inferred ones. Parameters are passed as RDF
terms (pyoxigraph substitutions / rdflib ``initBindings``), never pasted into query text.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from aiworkforce.errors import InputError
from aiworkforce.query.results import QueryResult
from aiworkforce.query.syntax import oxigraph_syntax_error, parse_error, syntax_error
from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import (
    Term,
    from_oxigraph,
    from_rdflib,
    rows_from_oxigraph,
    to_oxigraph,
    to_rdflib,
)

INFERRED_GRAPH = "https://w3id.org/aiworkforce/graph/inferred"


class OxigraphEngine:
    name = "oxigraph"

    def __init__(self, closure: Path, inferred: Path) -> None:
        import pyoxigraph

        self._ox = pyoxigraph
        self.store = pyoxigraph.Store()
        self.store.bulk_load(path=str(closure), format=pyoxigraph.RdfFormat.N_TRIPLES)
        self._inferred: Path | None = Path(inferred)

    @classmethod
    def over(cls, store) -> OxigraphEngine:
        """An engine that queries the pyoxigraph ``store`` itself (not a closure): no copy, no inferred graph."""
        import pyoxigraph

        engine = cls.__new__(cls)
        engine._ox, engine.store, engine._inferred = pyoxigraph, store, None
        return engine

    @classmethod
    def from_store(cls, path: Path) -> "OxigraphEngine":
        """Open an on-disk store that already holds the closure and the inferred graph, read-only: no parsing,
        so it takes milliseconds whatever the size."""
        import pyoxigraph

        engine = cls.__new__(cls)
        engine._ox = pyoxigraph
        engine.store = pyoxigraph.Store.read_only(str(path))
        engine._inferred = None
        return engine

    def _load_inferred(self) -> None:
        """The inferred graph is only needed by queries that name it (describe, search): load it on first use."""
        if self._inferred is not None:
            ox = self._ox
            self.store.bulk_load(path=str(self._inferred), format=ox.RdfFormat.N_TRIPLES,
                                 to_graph=ox.NamedNode(INFERRED_GRAPH))
            self._inferred = None

    def query(self, text: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        ox = self._ox
        if INFERRED_GRAPH in text or "GRAPH" in text.upper():
            self._load_inferred()
        subs = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        try:
            result = self.store.query(text, substitutions=subs or None, prefixes=PREFIXES)
        except SyntaxError as exc:
            raise oxigraph_syntax_error(text, exc) from None
        except RuntimeError as exc:  # evaluation errors, e.g. an unknown function
            raise InputError(f"the query cannot be evaluated: {exc}") from None
        if isinstance(result, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(result))
        if isinstance(result, ox.QuerySolutions):
            return QueryResult("select", *rows_from_oxigraph(result))
        triples = tuple((from_oxigraph(t.subject), from_oxigraph(t.predicate), from_oxigraph(t.object)) for t in result)
        return QueryResult("graph", triples=triples)


class RdflibEngine:
    name = "rdflib"

    def __init__(self, closure, inferred) -> None:
        """``closure`` and ``inferred`` are rdflib graphs or N-Triples paths."""
        from rdflib import Dataset, Graph, URIRef

        from aiworkforce.rdf.namespaces import bind_all

        self.dataset = Dataset()
        bind_all(self.dataset)
        default = self.dataset.default_graph if hasattr(self.dataset, "default_graph") else self.dataset.default_context
        named = self.dataset.graph(URIRef(INFERRED_GRAPH))
        for target, source in ((default, closure), (named, inferred)):
            graph = source if isinstance(source, Graph) else Graph().parse(str(source), format="nt")
            for triple in graph:
                target.add(triple)
        self._default = default

    @classmethod
    def over(cls, graph) -> RdflibEngine:
        """An engine that queries the rdflib ``graph`` itself (not a closure): no copy, no inferred graph."""
        engine = cls.__new__(cls)
        engine.dataset = engine._default = graph
        return engine

    def query(self, text: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        from pyparsing import ParseException

        init = {k: to_rdflib(v) for k, v in (bindings or {}).items()}
        try:
            result = self.dataset.query(text, initBindings=init)
        except ParseException as exc:  # pyoxigraph's reading says what was expected; else rdflib's position
            raise parse_error(text) or syntax_error(text, line=exc.lineno, column=exc.col) from None
        except Exception as exc:  # noqa: BLE001 - rdflib raises bare Exceptions, e.g. for an unknown prefix
            malformed = parse_error(text)
            if malformed is not None:
                raise malformed from None
            raise InputError(f"the query cannot be evaluated: {exc}", hint="check the query") from None
        if result.type == "ASK":
            return QueryResult("ask", boolean=bool(result.askAnswer))
        if result.type == "SELECT":
            variables = tuple(str(v) for v in result.vars)
            rows = tuple(tuple(from_rdflib(row[i]) for i in range(len(variables))) for row in result)
            return QueryResult("select", variables, rows)
        triples = tuple(tuple(from_rdflib(x) for x in t) for t in result.graph)
        return QueryResult("graph", triples=triples)
