"""Run stored queries by name, and ad hoc SPARQL, over the reasoned graph.

:func:`run_query` binds user-typed parameter values as RDF terms (never pasted into the query text) and
:func:`run_sparql` refuses anything that could reach the network or files, or change data.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from .catalogue import StoredQuery, get_query
from .engines import QueryResult, open_engine
from .errors import InputError, UsageError
from .prefixes import PREFIXES
from .resolve import expand_curie, resolve
from .safety import check_query
from .terms import Term

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
        elif param.kind == "literal":
            bindings[param.name] = Term.literal(str(raw))
        else:
            cls = expand_curie(param.cls) if param.cls else None
            what = param.name if not cls else Term.iri(cls).compact(PREFIXES).split(":", 1)[-1].lower()
            bindings[param.name] = resolve(str(raw), engine=engine, cls=cls, what=_humanise(what))
    return bindings, cap


def _humanise(name: str) -> str:
    return {"hybridrole": "hybrid role", "guidingquestion": "guiding question"}.get(name, name)


def run_query(
    name: str, params: Mapping[str, str] | None = None, *, limit: int | None = None, engine: str = "oxigraph",
    endpoint: str | None = None, data=(),
) -> QueryResult:
    """Run the stored query ``name`` with ``params`` (user-typed strings) and return its result.

    With ``endpoint`` the query runs on a remote SPARQL 1.1 endpoint holding the reasoned graph (pushed with
    ``aiworkforce push``) instead of the local cache; with ``data`` (RDF files), over the shipped graph joined
    with that data.
    """
    query = get_query(name)
    eng = open_engine(engine, endpoint=endpoint, data=data)
    bindings, cap = bind_params(query, params or {}, eng)
    result = eng.query(query.text, bindings).without(set(bindings))
    caps = [c for c in (limit, cap) if c is not None]
    return result.limited(min(caps) if caps else None)


def run_sparql(text: str, *, engine: str = "oxigraph", source: str = "<query>", data=()) -> QueryResult:
    """Run an ad hoc read-only SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) over the reasoned graph."""
    if not text.strip():
        raise UsageError(f"{source}: the query is empty")
    check_query(text, source=source)
    try:
        return open_engine(engine, data=data).query(text)
    except InputError as exc:  # name the query's file in the message, not "<input>"
        if exc.path in (None, "<input>"):
            raise InputError(exc.message.split(": ", 1)[-1], path=source, line=exc.line, hint=exc.hint) from None
        raise
