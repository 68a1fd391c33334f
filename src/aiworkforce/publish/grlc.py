"""The stored queries as grlc (https://github.com/CLARIAH/grlc) serves them: a copy whose body uses the parameters.

grlc turns a folder of ``.rq`` files into an HTTP API. It finds each parameter as a variable spelt ``?_name_iri``
(required) or ``?__name`` (optional) in the query text, and answers a call by replacing that variable's text with
the value given (``<IRI>``, ``"literal"``); a parameter left out stays a variable. The stored queries declare
their parameters in that spelling (:mod:`aiworkforce.query.catalogue`) but bind them, as RDF terms, to plain
variables of the body (``?role``), which Oxigraph can only bind where they are projected. So that grlc's text
replacement reaches the body too, :func:`grlc_text` writes a copy where:

* a term parameter's variable is renamed to its grlc spelling in the ``WHERE`` clause, projected under its own
  name (``(?_role_iri AS ?role)``, or ``(SAMPLE(?_role_iri) AS ?role)`` grouped by ``(?_role_iri)``); left out, it is a
  free variable, as ``aiworkforce query`` leaves it. A variable that ``VALUES`` enumerates keeps its name and is
  filtered instead (``FILTER (COALESCE(?__kind_iri, ?kind) = ?kind)``);
* a literal parameter with a default is bound first thing in the ``WHERE`` clause
  (``BIND (COALESCE(?__lang, "en") AS ?lang)``), so a call without it gets the default;
* a row-count parameter (``limit: true``) stays in the header only: grlc pages results itself.

``release`` writes the copies to ``grlc/``; tests/publish/test_grlc_copies.py runs grlc's own substitution on
each and checks that the answers are ``aiworkforce query``'s.
"""

from __future__ import annotations

import re
from pathlib import Path

from aiworkforce.errors import DataError
from aiworkforce.query.catalogue import Param, StoredQuery, catalogue
from aiworkforce.rdf.terms import Term

FOLDER = "grlc"
XSD_INTEGER = "http://www.w3.org/2001/XMLSchema#integer"


def _skip_to(text: str, start: int, wanted: str) -> int:
    """The index of the first ``wanted`` character at or after ``start`` outside strings, IRIs and comments."""
    i = start
    while i < len(text):
        ch = text[i]
        if ch == wanted:
            return i
        if ch == "#":
            i = text.find("\n", i)
            i = len(text) if i < 0 else i
        elif ch in "\"'":
            i += 1
            while i < len(text) and text[i] != ch:
                i += 2 if text[i] == "\\" else 1
        elif ch == "<" and re.match(r"<[^\s<>\"{}|^`\\]*>", text[i:]):
            i = text.index(">", i)
        i += 1
    raise DataError(f"no {wanted!r} found")


def _close(text: str, open_at: int) -> int:
    """The index of the ``}`` matching the ``{`` at ``open_at``."""
    depth, i = 0, open_at
    while True:
        i = min((j for j in (_find(text, i, "{"), _find(text, i, "}")) if j >= 0), default=-1)
        if i < 0:
            raise DataError("unbalanced braces")
        depth += 1 if text[i] == "{" else -1
        if depth == 0:
            return i
        i += 1


def _find(text: str, start: int, wanted: str) -> int:
    try:
        return _skip_to(text, start, wanted)
    except DataError:
        return -1


def _default(param: Param) -> str:
    if param.kind == "integer":
        return Term.literal(str(int(param.default)), XSD_INTEGER).ntriples()
    return Term.literal(str(param.default)).ntriples()


def grlc_text(query: StoredQuery) -> str:
    """``query``'s text with its parameters used in the body as grlc spells them (see the module's docstring)."""
    text = query.text
    select = re.search(r"^\s*SELECT\b", text, re.MULTILINE | re.IGNORECASE)
    if select is None:
        raise DataError(f"queries/{query.path.name}: grlc copies are made of SELECT queries")
    where = re.compile(r"\bWHERE\b", re.IGNORECASE).search(text, select.end())
    brace = _skip_to(text, where.end(), "{")
    end = _close(text, brace)
    head, projection = text[: select.end()], text[select.end(): where.start()]
    body, tail = text[brace + 1: end], text[end:]
    grouped = re.search(r"\bGROUP\s+BY\b([^\n]*)", tail, re.IGNORECASE)
    binds = []
    for param in query.params:
        if param.limit:
            continue
        name, var = param.name, param.variable
        if var == name:
            raise DataError(f"queries/{query.path.name}: parameter {name!r} is not spelt as grlc spells parameters")
        plain = re.compile(rf"\?{re.escape(name)}\b")
        if param.kind == "term" and re.search(rf"\bVALUES\s+\?{re.escape(name)}\b", body):
            # a variable listed by VALUES keeps its name (``VALUES <IRI>`` is not SPARQL); the value keeps one row
            binds.append(f"\n  FILTER (COALESCE(?{var}, ?{name}) = ?{name})")
        elif param.kind == "term":
            body = plain.sub(f"?{var}", body)
            in_group = bool(grouped and plain.search(grouped.group(1)))
            projection = _project(projection, plain, name, var, aliased=not in_group)
            if in_group:  # grouped by the value; ``GROUP BY (?v AS ?name)`` would do, but Oxigraph cannot project it
                clause = plain.sub(f"(?{var})", grouped.group(1))
                tail = tail[: grouped.start(1)] + clause + tail[grouped.end(1):]
                grouped = re.search(r"\bGROUP\s+BY\b([^\n]*)", tail, re.IGNORECASE)
        elif param.default is not None:
            binds.append(f"\n  BIND (COALESCE(?{var}, {_default(param)}) AS ?{name})")
        else:
            raise DataError(f"queries/{query.path.name}: optional literal parameter {name!r} needs a default "
                            "for grlc, which leaves a parameter that is not given unbound")
    return head + projection + text[where.start(): brace + 1] + "".join(binds) + body + tail


def _project(projection: str, plain: re.Pattern, name: str, var: str, *, aliased: bool) -> str:
    """Inside select expressions the variable is renamed; a bare projected ``?name`` becomes ``(?var AS ?name)``
    (``(SAMPLE(?var) AS ?name)`` when the query groups by it)."""
    out, depth, last = [], 0, 0
    for match in re.finditer(r"[()]|" + plain.pattern, projection):
        token = match.group(0)
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        else:
            out.append(projection[last: match.start()])
            out.append(f"?{var}" if depth else f"({'' if aliased else 'SAMPLE'}(?{var}) AS ?{name})")
            last = match.end()
    out.append(projection[last:])
    return "".join(out)


def write_grlc_queries(folder: str | Path) -> list[Path]:
    """Write the grlc copy of every stored query into ``folder`` (made if missing); return the files."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for query in catalogue().values():
        path = folder / query.path.name
        path.write_text(grlc_text(query), encoding="utf-8", newline="\n")
        written.append(path)
    return written
