"""Run stored queries by name, and ad hoc SPARQL, over the reasoned graph.

:func:`run_query` binds user-typed parameter values as RDF terms (never pasted into the query text) and
:func:`run_sparql` refuses anything that could reach the network or files, or change data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from aiworkforce.errors import InputError, UsageError
from aiworkforce.query.catalogue import StoredQuery, get_query
from aiworkforce.query.resolve import expand_curie, resolve
from aiworkforce.query.results import QueryResult
from aiworkforce.query.safety import check_query
from aiworkforce.query.sandbox import run_isolated
from aiworkforce.rdf.labels import language_tag
from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import Term

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def bind_params(query: StoredQuery, values: Mapping[str, str], engine) -> tuple[dict[str, Term], int | None]:
    """Check ``values`` against the query's declared parameters; return the bindings and a row cap."""
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        declared = ", ".join(p.name for p in query.params) or "none"
        raise UsageError(
            f"query {query.name!r} has no parameter {unknown[0]!r}",
            hint=f"its parameters: {declared} (see `aiworkforce queries`)",
        )
    bindings: dict[str, Term] = {}
    cap = None
    for param in query.params:
        raw = values.get(param.name, param.default)
        if raw is None:
            if param.required:
                example = f" -p {param.name}={param.example!r}" if param.example else ""
                raise UsageError(
                    f"query {query.name!r} needs the parameter {param.name!r}",
                    hint=f"for example: aiworkforce query {query.name}{example}",
                )
            continue
        if param.kind == "integer":
            if not re.fullmatch(r"\s*\d{1,9}\s*", str(raw), re.ASCII):
                raise UsageError(f"parameter {param.name!r} must be a whole number (0-999999999), not {raw!r}")
            number = int(str(raw).strip())
            if number < 0:
                raise UsageError(f"parameter {param.name!r} must not be negative")
            if param.limit:
                cap = number
            else:
                bindings[param.name] = Term.literal(str(number), XSD_INTEGER)
        elif param.kind == "language":
            bindings[param.name] = Term.literal(language_tag(str(raw)))
        elif param.kind == "literal":
            if param.values and str(raw) not in param.values:
                raise UsageError(f"parameter {param.name!r} of query {query.name!r} cannot be {raw!r}",
                                 hint=f"use one of: {', '.join(param.values)}")
            bindings[param.name] = Term.literal(str(raw))
        else:
            cls = expand_curie(param.cls) if param.cls else None
            what = class_label(engine, cls) if cls else param.name
            bindings[param.name] = resolve(str(raw), engine=engine, cls=cls, what=what)
    return bindings, cap


_CLASS_LABEL = "SELECT ?label ?cls WHERE { ?cls rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), \"en\")) } LIMIT 1"


def class_label(engine, cls: str) -> str:
    """The ontology's English label of the class ``cls`` ("hybrid role"), or its local name where it has none."""
    rows = engine.query(_CLASS_LABEL, {"cls": Term.iri(cls)}).rows
    return rows[0][0].value if rows else Term.iri(cls).compact(PREFIXES).split(":", 1)[-1].lower()


def run_query(
    graph, name: str, params: Mapping[str, str] | None = None, *, limit: int | None = None,
    engine: str | None = None,
) -> QueryResult:
    """Run the stored query ``name`` with ``params`` (user-typed strings) on ``graph`` and return its result.

    ``graph`` is a :class:`~aiworkforce.graph.KnowledgeGraph` (the shipped graph, optionally joined with data
    files) or a :class:`~aiworkforce.graph.RemoteGraph` (a SPARQL 1.1 endpoint holding the reasoned graph);
    ``engine`` names a query engine of the local graph (default: the fastest).
    """
    query = get_query(name)
    eng = graph.engine(engine)
    bindings, cap = bind_params(query, params or {}, eng)
    result = eng.query(query.text, bindings).without(set(bindings))
    caps = [c for c in (limit, cap) if c is not None]
    return result.limited(min(caps) if caps else None)


#: Defaults of the CLI's ``sparql --timeout`` (seconds) and ``--memory`` (MiB).
DEFAULT_TIMEOUT = 60.0
DEFAULT_MEMORY_MIB = 2048


def run_sparql(graph, text: str, *, engine: str | None = None, source: str = "<query>",
               timeout: float | None = None, memory: int | None = None) -> QueryResult:
    """Run an ad hoc read-only SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) over ``graph``'s reasoned graph.

    With ``timeout`` (seconds) or ``memory`` (bytes), a local query runs in a child process without network
    (:mod:`aiworkforce.query.sandbox`) that is stopped at those bounds (:class:`QueryLimitError`, exit 2)."""
    if not text.strip():
        raise UsageError(f"{source}: the query is empty")
    check_query(text, source=source)
    try:
        eng = graph.engine(engine)
        if (timeout or memory) and not hasattr(graph, "endpoint"):
            return run_isolated(lambda: eng.query(text), timeout=timeout, memory=memory, what=f"{source}: the query")
        return eng.query(text)
    except InputError as exc:  # name the query's file in the message, not "<input>"
        if exc.path in (None, "<input>"):
            raise InputError(exc.message.split(": ", 1)[-1], path=source, line=exc.line, hint=exc.hint) from None
        raise
