"""Readable SPARQL syntax errors: line:column, the offending line with a caret, and what was expected there.

The position is the parser's own: pyoxigraph reports ``error at LINE:COLUMN: expected ...`` (its PEG parser's
farthest failure), rdflib's pyparsing exception carries ``lineno`` and ``col``. From that position and the
query's tokens (:func:`aiworkforce.query.safety.tokens`, the lexer that also checks safety) the message says
what went wrong in words a person reads: an unknown prefix (and the ones that exist), a missing query form
(``SELEC`` is not ``SELECT``), a bracket never closed or closing nothing, or the tokens that could come next.
The CLI, the library (:class:`~aiworkforce.errors.QuerySyntaxError`) and the endpoint's 400 body all carry
this one message.
"""

from __future__ import annotations

import difflib
import re
import unicodedata

from aiworkforce.errors import QuerySyntaxError
from aiworkforce.query.safety import tokens
from aiworkforce.rdf.prefixes import PREFIXES

__all__ = ["oxigraph_syntax_error", "syntax_error"]

_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.S)
#: the items of pyoxigraph's expectation list: quoted tokens, character classes, keywords and names
_EXPECTED_ITEM = re.compile(r'"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[A-Za-z_][\w ]*?(?=,|$)')
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
_PAIRS = {"{": "}", "(": ")", "[": "]"}
_MAX_EXPECTED = 8


def _offset(text: str, line: int, column: int) -> int:
    """The index in ``text`` of 1-based ``line`` and ``column`` (characters)."""
    start = 0
    for _ in range(line - 1):
        nl = text.find("\n", start)
        if nl < 0:
            return len(text)
        start = nl + 1
    return min(start + max(column - 1, 0), len(text))


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _excerpt(text: str, offset: int) -> str:
    """The line holding ``offset`` and a caret under it."""
    start = text.rfind("\n", 0, offset) + 1
    end = text.find("\n", offset)
    line = text[start:len(text) if end < 0 else end].replace("\t", " ").rstrip("\r")
    before = line[:offset - start]
    pad = sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
              for c in before)
    return f"    {line}\n    {' ' * pad}^"


def _declared(toks: list[tuple[str, int, int]], text: str) -> list[str]:
    """The prefixes the query declares itself (``PREFIX x: <...>``)."""
    out = []
    for (kind, s, e), (kind2, s2, e2) in zip(toks, toks[1:]):
        if kind == "name" and text[s:e].upper() == "PREFIX" and kind2 == "name" and text[e2 - 1] == ":":
            out.append(text[s2:e2 - 1])
    return out


def _unknown_prefix(text, toks, offset):
    names = [(s, e) for kind, s, e in toks if kind == "name" and ":" in text[s:e] and s < offset]
    if not names:
        return None
    s, e = names[-1]
    prefix = text[s:e].split(":", 1)[0]
    known = sorted(set(PREFIXES) | set(_declared(toks, text)))
    close = difflib.get_close_matches(prefix, known, n=1)
    hint = (f"{'did you mean ' + close[0] + ':? ' if close else ''}declare it with PREFIX {prefix}: <...> "
            f"or use one of: {', '.join(p + ':' for p in known)}")
    return f"unknown prefix {prefix}:", s, hint


def _query_form(text, toks, offset):
    """The first token after the prologue (PREFIX/BASE declarations) must be a query form."""
    i = 0
    while i < len(toks):
        word = text[toks[i][1]:toks[i][2]].upper()
        if word == "PREFIX":
            i += 3
        elif word == "BASE":
            i += 2
        else:
            break
    if i >= len(toks):
        return "the query has no SELECT, ASK, CONSTRUCT or DESCRIBE", len(text), None
    kind, s, e = toks[i]
    word = text[s:e]
    if word.upper() in FORMS or s > offset:
        return None
    close = difflib.get_close_matches(word.upper(), FORMS, n=1, cutoff=0.6)
    hint = f"did you mean {close[0]}?" if close else None
    return f"expected SELECT, ASK, CONSTRUCT or DESCRIBE, not {word!r}", s, hint


def _brackets(text, toks, offset):
    opened: list[tuple[str, int]] = []
    for kind, s, _e in toks:
        ch = text[s]
        if kind != "operator" or ch not in "{}()[]":
            continue
        if ch in _PAIRS:
            opened.append((ch, s))
        elif not opened or _PAIRS[opened[-1][0]] != ch:
            what = f"'{ch}' closes nothing" if not opened else \
                f"'{ch}' does not match the '{opened[-1][0]}' opened at line {_line_col(text, opened[-1][1])[0]}"
            return f"unbalanced brackets: {what}", s, "remove it, or add the bracket it should close"
        else:
            opened.pop()
    last_end = toks[-1][2] if toks else 0
    if opened and offset >= last_end:
        ch, s = opened[-1]
        return (f"unbalanced brackets: the '{ch}' opened here is never closed", s,
                f"add '{_PAIRS[ch]}' where the group ends")
    return None


def _expected(text, toks, offset, expected: str):
    items = []
    for item in _EXPECTED_ITEM.findall(expected.removeprefix("expected").removeprefix(" one of")):
        item = item.strip()
        if not item or item.startswith("[") or item == "Prefix not found":
            continue
        items.append(item[1:-1].replace('\\"', '"').replace("\\\\", "\\") if item.startswith('"') else item)
    here = next(((s, e) for kind, s, e in toks if s <= offset < e or s >= offset), None)
    found = "end of the query" if here is None else repr(text[here[0]:here[1]])
    at = offset if here is None else max(here[0], min(offset, here[0]))
    if not items:
        return f"unexpected {found}", at, None
    shown = ", ".join(items[:_MAX_EXPECTED]) + (", ..." if len(items) > _MAX_EXPECTED else "")
    return f"unexpected {found}; expected {'one of ' if len(items) > 1 else ''}{shown}", at, None


def syntax_error(text: str, *, line: int, column: int, expected: str = "",
                 source: str | None = None) -> QuerySyntaxError:
    """The error for a parser failure at ``line``:``column`` of ``text`` (``expected``: the parser's own list)."""
    offset = _offset(text, line, column)
    toks = [t for t in tokens(text) if t[0] != "comment"]
    found = None
    if "Prefix not found" in expected:
        found = _unknown_prefix(text, toks, offset)
    found = found or _query_form(text, toks, offset) or _brackets(text, toks, offset)
    problem, at, hint = found or _expected(text, toks, offset, expected)
    line, column = _line_col(text, at)
    return QuerySyntaxError(f"malformed SPARQL: {problem}\n{_excerpt(text, at)}", path=source, line=line,
                            column=column, hint=hint or "see https://www.w3.org/TR/sparql11-query/#grammar")


def oxigraph_syntax_error(text: str, exc: SyntaxError, *, source: str | None = None) -> QuerySyntaxError:
    """The error for pyoxigraph's :class:`SyntaxError` on ``text``."""
    m = _AT.match(str(exc))
    if not m:
        return QuerySyntaxError(f"malformed SPARQL: {exc}", path=source, hint="check the query syntax")
    return syntax_error(text, line=int(m.group(1)), column=int(m.group(2)), expected=m.group(3), source=source)


def parse_error(text: str, *, source: str | None = None) -> QuerySyntaxError | None:
    """pyoxigraph's reading of ``text`` when it cannot parse it (how rdflib's syntax errors get the same
    message); None when pyoxigraph parses it."""
    import pyoxigraph as ox

    try:
        ox.Store().query(text, prefixes=PREFIXES)
    except SyntaxError as exc:
        return oxigraph_syntax_error(text, exc, source=source)
    except (RuntimeError, ValueError, OSError):
        return None
    return None


def projection_order(text: str, variables) -> tuple[str, ...]:
    """The columns of ``SELECT *`` in the order their variables first appear in the query (as Jena and the
    SPARQL 1.1 test suite's results list them); an explicit projection keeps the order it was written in.
    Engines return ``SELECT *`` columns in an order of their own (pyoxigraph: ``o, p, s``)."""
    variables = tuple(variables)
    toks = [t for t in tokens(text) if t[0] != "comment"]
    words = [text[s:e].upper() for _k, s, e in toks]
    if "SELECT" not in words:
        return variables
    i = words.index("SELECT") + 1
    while i < len(words) and words[i] in ("DISTINCT", "REDUCED"):
        i += 1
    if i >= len(words) or words[i] != "*":
        return variables
    first: dict[str, int] = {}
    for kind, s, e in toks:
        if kind == "var":
            first.setdefault(text[s + 1:e], s)
    return tuple(sorted(variables, key=lambda v: (first.get(v, len(text)), variables.index(v))))
