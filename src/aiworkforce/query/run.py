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
from aiworkforce.query.syntax import projection_order
from aiworkforce.rdf.labels import language_tag
from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import Term

XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def bind_params(query: StoredQuery, values: Mapping[str, str], engine) -> tuple[dict[str, Term], int | None]:
    """Check ``values`` against the query's declared parameters; return the bindings and a row cap."""
    unknown = sorted(set(values) - {p.name for p in query.params})
    if unknown:
        declared = ", ".join(p.name for p in query.params) or "none"
        rows = " (to show fewer rows, use -n/--limit N)" if unknown[0] in ("limit", "n", "rows") else ""
        raise UsageError(
            f"query {query.name!r} has no parameter {unknown[0]!r}",
            hint=f"its parameters: {declared}{rows} (see `aiworkforce queries`)",
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
    ``engine`` names a query engine of the local graph (default: the fastest). ``limit`` keeps the first rows
    (the result's ``total`` then says how many there were); a query's own row-count parameter (``limit: true``
    in its header, e.g. ``nearest-roles``' ``limit``) is the same thing with a default, and ``limit`` replaces it.
    """
    query = get_query(name)
    eng = graph.engine(engine)
    bindings, cap = bind_params(query, params or {}, eng)
    given = next((p.name for p in query.params if p.limit and p.name in (params or {})), None)
    if given is not None and limit is not None and limit != cap:
        raise UsageError(f"two row limits: --limit {limit} and -p {given}={cap}",
                         hint=f"-p {given}=N is the same as -n N: give the number of rows once")
    result = eng.query(query.text, bindings)
    # a filter parameter left out leaves its column empty: drop it, as a bound one is dropped
    unused = {p.name for p in query.params if p.name not in bindings and not p.limit}
    result = result.without(set(bindings) | result.empty_columns(unused))
    return result.limited(limit if limit is not None else cap)


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
            result = run_isolated(lambda: eng.query(text), timeout=timeout, memory=memory, what=f"{source}: the query")
        else:
            result = eng.query(text)
        return result.reordered(projection_order(text, result.variables))
    except InputError as exc:  # name the query's file in the message, not "<input>"
        if exc.path in (None, "<input>"):
            raise type(exc)(exc.message.split(": ", 1)[-1], path=source, line=exc.line, hint=exc.hint,
                            column=exc.column) from None
        raise
