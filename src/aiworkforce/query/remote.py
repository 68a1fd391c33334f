"""Remote SPARQL stores: query a SPARQL 1.1 endpoint over HTTP (pushing a graph lives in :mod:`aiworkforce.publish.push`).

* :class:`RemoteEngine` answers the stored queries (and the label look-ups of :mod:`aiworkforce.query.resolve`) on a
  SPARQL 1.1 query endpoint over HTTP, with the same :class:`~aiworkforce.query.results.QueryResult` as the local
  engines. Parameters never become query text as typed: each binding is written as one validated, escaped
  RDF term in a ``VALUES`` block placed first in the query's outermost ``WHERE`` group, which joins it with the
  rest of the pattern just as a local engine's pre-binding does.

Only the standard library speaks HTTP (:mod:`urllib`). Every network failure, timeout or HTTP error becomes a
:class:`RemoteError` (exit code 2) with a hint, never a traceback.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass

from aiworkforce.errors import RemoteError, UsageError  # noqa: F401 - RemoteError is part of this module's interface
from aiworkforce.query.results import QueryResult
from aiworkforce.query.safety import check_query, strip_lexical
from aiworkforce.query.transport import open_request
from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import IRI_FORBIDDEN, Term, from_oxigraph

#: Seconds to wait for a connection or for the next bytes of an answer.
DEFAULT_TIMEOUT = 30.0
#: Refuse answers larger than this many bytes (the whole reasoned graph is well under a megabyte).
MAX_RESPONSE_BYTES = 256 * 1024 * 1024

SPARQL_JSON = "application/sparql-results+json"
N_TRIPLES = "application/n-triples"


# -- safe terms and the VALUES block ------------------------------------------------------------------------

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_LANGUAGE = re.compile(r"^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def check_iri(value: str, *, what: str = "IRI") -> str:
    """Return ``value`` if it is an absolute IRI that can be written between ``<`` and ``>`` as it is."""
    if not isinstance(value, str) or not _SCHEME.match(value):
        raise UsageError(f"{what} {value!r} is not an absolute IRI", hint="write it in full, like https://example.org/x")
    bad = IRI_FORBIDDEN.search(value)
    if bad:
        raise UsageError(
            f"{what} {value!r} contains {bad.group(0)!r}, which an IRI may not hold",
            hint='IRIs may not contain spaces, control characters or any of <>"{}|^`\\',
        )
    return value


def sparql_term(term: Term) -> str:
    """``term`` as SPARQL text: an IRI or literal, validated and escaped (blank nodes cannot be bound)."""
    if not isinstance(term, Term):
        raise TypeError(f"a binding must be a Term, not {type(term).__name__}")
    if term.kind == "iri":
        check_iri(term.value)
        return term.ntriples()
    if term.kind != "literal":
        raise UsageError("a blank node cannot be passed as a parameter to a remote endpoint",
                         hint="name the term by its IRI")
    if not isinstance(term.value, str):
        raise UsageError("a literal's value must be text")
    try:
        term.value.encode("utf-8")
    except UnicodeEncodeError:
        raise UsageError("a parameter value is not valid Unicode text") from None
    if term.language is not None and not _LANGUAGE.match(term.language):
        raise UsageError(f"{term.language!r} is not a language tag", hint="use a BCP 47 tag such as en or en-GB")
    if term.datatype is not None:
        check_iri(term.datatype, what="datatype IRI")
    # Term.ntriples escapes \ " LF and CR: the only characters a "..." SPARQL string may not hold as they are.
    return term.ntriples()


def values_block(bindings: Mapping[str, Term]) -> str:
    """One ``VALUES`` row binding every variable of ``bindings`` (an empty string when there are none)."""
    if not bindings:
        return ""
    names = []
    for name in bindings:
        if not isinstance(name, str) or not _VARIABLE.match(name):
            raise UsageError(f"{name!r} is not a SPARQL variable name")
        names.append(name)
    row = " ".join(sparql_term(bindings[n]) for n in names)
    return f"VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}"


_TOKEN = re.compile(
    r"[{}()]|(?<![\w:?$\-])(SELECT|ASK|CONSTRUCT|DESCRIBE|WHERE)(?![\w:\-])", re.IGNORECASE
)


@dataclass(frozen=True)
class _Shape:
    form: str | None  # SELECT | ASK | CONSTRUCT | DESCRIBE
    group: int | None  # index of the "{" opening the outermost WHERE group
    short_construct: bool = False  # CONSTRUCT WHERE { ... }: the group is also the template


def _shape(text: str) -> _Shape:
    """The query form and where its outermost WHERE group opens (comments, strings and IRIs are skipped)."""
    bare = strip_lexical(text)
    form = None
    braces = parens = 0
    seen_where = template = False
    for match in _TOKEN.finditer(bare):
        token = match.group(0)
        if token == "{":
            if braces == 0 and parens == 0 and form is not None:
                if seen_where or form in ("SELECT", "ASK", "DESCRIBE"):
                    return _Shape(form, match.start(), short_construct=form == "CONSTRUCT" and not template)
                template = True  # CONSTRUCT { template } WHERE { ... }
            braces += 1
        elif token == "}":
            braces -= 1
        elif token == "(":
            parens += 1
        elif token == ")":
            parens -= 1
        elif braces == 0 and parens == 0:
            word = token.upper()
            if form is None and word != "WHERE":
                form = word
            elif form is not None and word == "WHERE":
                seen_where = True
    return _Shape(form, None)


def _matching_brace(bare: str, start: int) -> int:
    depth = 0
    for i in range(start, len(bare)):
        if bare[i] == "{":
            depth += 1
        elif bare[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise UsageError("malformed SPARQL: unbalanced braces", hint="check the query syntax")


_PREFIX_DECL = re.compile(r"(?<![\w:?$\-])PREFIX\s+([A-Za-z][\w.\-]*)?\s*:", re.IGNORECASE)


def with_prefixes(text: str) -> str:
    """``text`` with the project's prefixes (:data:`aiworkforce.rdf.prefixes.PREFIXES`) it does not declare itself
    declared on one line in front, as the local engines predeclare them."""
    declared = {m.group(1) or "" for m in _PREFIX_DECL.finditer(strip_lexical(text))}
    missing = [f"PREFIX {name}: <{iri}>" for name, iri in PREFIXES.items() if name not in declared]
    return " ".join(missing) + "\n" + text if missing else text


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the form of ``text`` (None when none is found)."""
    return _shape(text).form


def inject_values(text: str, bindings: Mapping[str, Term] | None) -> str:
    """``text`` with ``bindings`` as a ``VALUES`` block first in its outermost WHERE group.

    Every value is an escaped RDF term (:func:`sparql_term`), so no parameter can end the block or add syntax.
    """
    if not bindings:
        return text
    block = values_block(bindings)
    shape = _shape(text)
    if shape.group is None:
        raise UsageError("cannot bind parameters: the query has no WHERE group",
                         hint="write the pattern that uses the parameters in a WHERE { ... } group")
    if shape.short_construct:  # CONSTRUCT WHERE { T } == CONSTRUCT { T } WHERE { T }: give the block a group
        close = _matching_brace(strip_lexical(text), shape.group)
        body = text[shape.group + 1: close]
        where = max(m.start() for m in _TOKEN.finditer(strip_lexical(text)[: shape.group])
                    if m.group(0).upper() == "WHERE")
        return f"{text[:where]}{{{body}}} WHERE {{ {block}{body}}}{text[close + 1:]}"
    at = shape.group + 1
    return f"{text[:at]} {block}{text[at:]}"


# -- HTTP ----------------------------------------------------------------------------------------------------


def check_url(url: str, *, what: str = "endpoint") -> str:
    """Return ``url`` if it is an http(s) URL with a host."""
    parts = urllib.parse.urlsplit(url) if isinstance(url, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or IRI_FORBIDDEN.search(url):
        raise RemoteError(f"{what} {url!r} is not an http:// or https:// URL",
                          hint="for a local Oxigraph server: http://127.0.0.1:7878/query (queries), /store (pushes)")
    return url


def _shown(url: str) -> str:
    """``url`` without any user:password part, for messages."""
    parts = urllib.parse.urlsplit(url)
    if "@" in parts.netloc:
        parts = parts._replace(netloc=parts.netloc.rsplit("@", 1)[1])
    return urllib.parse.urlunsplit(parts)


def _with_credentials(url: str, headers: dict[str, str]) -> tuple[str, dict[str, str]]:
    """``url`` without ``user:password@``, and ``headers`` with the matching HTTP Basic authorisation (a server that
    answers with a Digest challenge instead, as Virtuoso's ``/sparql-graph-crud-auth`` does, gets them as Digest:
    see :func:`_open`)."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url, headers
    import base64

    userinfo, host = parts.netloc.rsplit("@", 1)
    user, _, password = userinfo.partition(":")
    token = f"{urllib.parse.unquote(user)}:{urllib.parse.unquote(password)}".encode()
    auth = {"Authorization": "Basic " + base64.b64encode(token).decode("ascii")}
    return urllib.parse.urlunsplit(parts._replace(netloc=host)), {**headers, **auth}


def _user_agent() -> str:
    try:
        from aiworkforce import __version__

        return f"aiworkforce/{__version__}"
    except Exception:  # noqa: BLE001 # pragma: no cover - a version look-up never stops a request
        return "aiworkforce"


def _request(request: urllib.request.Request, *, timeout: float, what: str, hint: str,
             status_hints: Mapping[int, str] | None = None) -> tuple[int, str, bytes]:
    """Send ``request``; return (status, content type, body) or raise :class:`RemoteError` (with ``status_hints``,
    the caller's hints for some HTTP error codes, before the general ones)."""
    where = _shown(request.full_url)
    try:
        with open_request(request, timeout, where=where) as response:
            body = response.read(MAX_RESPONSE_BYTES + 1)
            if len(body) > MAX_RESPONSE_BYTES:
                raise RemoteError(f"{what}: the answer of {where} is larger than {MAX_RESPONSE_BYTES:,} bytes",
                                  hint="add a LIMIT to the query")
            ctype = response.headers.get_content_type() if response.headers else ""
            return response.status, ctype, body
    except urllib.error.HTTPError as exc:
        detail = _error_text(exc)
        raise RemoteError(
            f"{what}: {where} answered HTTP {exc.code} {exc.reason}" + (f": {detail}" if detail else ""),
            hint=(status_hints or {}).get(exc.code)
            or (_REFUSED_CREDENTIALS if exc.code == 401 and request.has_header("Authorization") else None)
            or _STATUS_HINTS.get(exc.code) or ("the server failed: try again later" if exc.code >= 500 else hint),
        ) from None
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise _timeout(what, where, timeout) from None
        text = getattr(reason, "strerror", None) or str(reason)
        raise RemoteError(f"{what}: cannot reach {where}: {text}",
                          hint="check the URL, the network and that the server is running") from None
    except TimeoutError:
        raise _timeout(what, where, timeout) from None
    except (OSError, ValueError, http.client.HTTPException) as exc:  # reset mid-answer, not HTTP, bad URL parts
        raise RemoteError(f"{what}: the exchange with {where} failed: {type(exc).__name__}: {exc}",
                          hint="check that the URL names a running HTTP SPARQL service") from None


_STATUS_HINTS = {
    400: "the server refused the request as malformed: for a query, check its syntax; the server's log says more",
    401: "the server wants credentials: give them in the URL (https://user:password@host/...)",
    403: "the server refuses this request: check that it allows it (a read-only endpoint refuses pushes)",
    413: "the server refuses a request this large: raise its upload limit",
}


_REFUSED_CREDENTIALS = "the server refuses the user name and password given in the URL: check them"


def _timeout(what: str, where: str, timeout: float) -> RemoteError:
    return RemoteError(f"{what}: {where} did not answer within {timeout:g} s",
                       hint="try again later, or allow longer with --timeout" if what == "push"
                       else "try again later, or add a LIMIT to the query; the server may be busy")


_PREFORMATTED = re.compile(r"<(xmp|pre)\b[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)


def _error_text(exc: urllib.error.HTTPError) -> str:
    """The first line of an error answer, short and printable (of an HTML page, only the first line of its
    ``<xmp>`` or ``<pre>`` element, where Virtuoso writes the reason: other markup says nothing in one line)."""
    try:
        raw = exc.read(2000)
    except Exception:  # noqa: BLE001 - the error body is optional detail
        return ""
    finally:
        exc.close()
    text = raw.decode("utf-8", "replace").strip()
    if text.lstrip().startswith("<"):
        found = _PREFORMATTED.search(text)
        if found is None:
            return ""
        import html

        text = html.unescape(found.group(2)) if found.group(1).lower() == "pre" else found.group(2)
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    line = "".join(c if c.isprintable() else " " for c in line)
    return line[:300]


# -- the engine ----------------------------------------------------------------------------------------------


class RemoteEngine:
    """The query engine of a remote SPARQL 1.1 query endpoint that holds the reasoned graph."""

    name = "remote"

    def __init__(self, endpoint: str, *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.endpoint = check_url(endpoint)
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"RemoteEngine({_shown(self.endpoint)!r})"

    def query(self, text: str, bindings: Mapping[str, Term] | None = None) -> QueryResult:
        check_query(text)
        form = query_form(text)
        if form is None:
            raise UsageError("malformed SPARQL: no SELECT, ASK, CONSTRUCT or DESCRIBE", hint="check the query syntax")
        final = with_prefixes(inject_values(text, bindings))
        check_query(final)  # the block holds escaped terms only; check the text actually sent all the same
        accept = SPARQL_JSON if form in ("SELECT", "ASK") else N_TRIPLES
        data = urllib.parse.urlencode({"query": final}).encode("utf-8")
        url, headers = _with_credentials(self.endpoint, {
            "Content-Type": "application/x-www-form-urlencoded", "Accept": accept, "User-Agent": _user_agent()})
        request = urllib.request.Request(url, data=data, method="POST", headers=headers)
        _, ctype, body = _request(
            request, timeout=self.timeout, what="query",
            hint="check that the URL is a SPARQL 1.1 query endpoint (Oxigraph: http://HOST:PORT/query) "
                 "holding the reasoned graph (aiworkforce push)",
        )
        if form in ("SELECT", "ASK"):
            return _parse_json_results(body, ctype, self.endpoint, ask=form == "ASK")
        return _parse_triples(body, ctype, self.endpoint)


def _bad_answer(endpoint: str, why: str) -> RemoteError:
    return RemoteError(f"query: {_shown(endpoint)} {why}",
                       hint="check that the URL is a SPARQL 1.1 query endpoint (Oxigraph: http://HOST:PORT/query)")


#: Virtuoso 7 answers an ASK query with SELECT results of this one variable: a row holding 1 for true, no row (or 0)
#: for false.
_VIRTUOSO_ASK = "__ASK_RETVAL"


def _parse_json_results(body: bytes, ctype: str, endpoint: str, *, ask: bool = False) -> QueryResult:
    if ctype not in (SPARQL_JSON, "application/json"):
        raise _bad_answer(endpoint, f"answered {ctype or 'without a content type'}, not SPARQL JSON results")
    try:
        doc = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _bad_answer(endpoint, "answered malformed JSON") from None
    if not isinstance(doc, dict):
        raise _bad_answer(endpoint, "answered JSON that is not SPARQL results")
    if "boolean" in doc:
        return QueryResult("ask", boolean=bool(doc["boolean"]))
    try:
        variables = tuple(str(v) for v in doc["head"].get("vars", []))
        rows = tuple(
            tuple(_json_term(b.get(v), endpoint) for v in variables) for b in doc["results"]["bindings"]
        )
    except (KeyError, TypeError, AttributeError):
        raise _bad_answer(endpoint, "answered JSON that is not SPARQL results") from None
    if ask:
        if variables != (_VIRTUOSO_ASK,) or len(rows) > 1 or any(r[0] is None or r[0].number is None for r in rows):
            raise _bad_answer(endpoint, "answered an ASK query without a boolean")
        return QueryResult("ask", boolean=bool(rows) and rows[0][0].number != 0)
    return QueryResult("select", variables, rows)


def _json_term(node, endpoint: str) -> Term | None:
    """One RDF term of SPARQL 1.1 JSON results (``typed-literal`` is the SPARQL 1.0 spelling)."""
    if node is None:
        return None
    kind, value = node["type"], node["value"]
    if kind == "uri":
        return Term.iri(value)
    if kind == "bnode":
        return Term("bnode", value)
    if kind in ("literal", "typed-literal"):
        return Term.literal(value, node.get("datatype"), node.get("xml:lang"))
    raise _bad_answer(endpoint, f"answered a term of unsupported type {kind!r}")


def _parse_triples(body: bytes, ctype: str, endpoint: str) -> QueryResult:
    import pyoxigraph

    fmt = pyoxigraph.RdfFormat.from_media_type(ctype) if ctype else None
    if fmt is None:
        raise _bad_answer(endpoint, f"answered {ctype or 'without a content type'}, not RDF")
    try:
        quads = list(pyoxigraph.parse(body, fmt))
    except (SyntaxError, ValueError) as exc:
        raise _bad_answer(endpoint, f"answered RDF that does not parse: {exc}") from None
    triples = tuple((from_oxigraph(q.subject), from_oxigraph(q.predicate), from_oxigraph(q.object)) for q in quads)
    return QueryResult("graph", triples=triples)
