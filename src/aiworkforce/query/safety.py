"""Refuse SPARQL that could reach the network or the file system, change data, or exhaust the engine.

The decision is made on the tokens an engine can read, not on a pattern over the text. SPARQL's lexical
grammar (terminals of the SPARQL 1.1 grammar, section 19.8) is run as a *non-deterministic* tokenizer: wherever
the engines may read the same characters two ways, both readings are followed, and the query is refused if any
reading yields a forbidden keyword token. The places where engines (or a careless reader) disagree:

* a comment ends at a line feed **or a carriage return** (the grammar); some parsers end it at a line feed only;
* ``<`` starts an IRI or is the less-than operator; the operator reading matters only when what would be the
  IRI contains ``)``, ``#`` or ``'`` (without them, both readings meet again at the ``>``, still inside
  parentheses, where no graph pattern can start);
* ``\\uXXXX`` escapes are applied to the whole query by oxigraph before parsing, by rdflib only inside strings:
  the query is checked as written and decoded;
* keywords need no separator: ``1SERVICE`` and ``trueSERVICE`` are read as two tokens by a PEG parser, and
  ``FROM:x`` as ``FROM`` then ``:x``. So SERVICE and FROM are refused wherever they stand inside a run of name
  characters, unless that run is a variable or the local part of a prefixed name made of plain ASCII name
  characters (which every engine reads whole).

The update keywords (INSERT, DELETE, LOAD, ...) cannot be run at all (engines are called with the query grammar
only); they are refused here as whole words for a clear message. A prefix named like one (``add:p``) is fine.

:func:`check_query` also bounds the work the parser does: more than :data:`MAX_DEPTH` nested brackets or
:data:`MAX_CHAIN` chained operators crash oxigraph's recursive parser (a stack overflow kills the process),
so such queries get a clear refusal instead.
"""

from __future__ import annotations

import re

from aiworkforce.errors import QueryLimitError, UnsafeQueryError

#: Brackets ``( { [`` nested deeper than this are refused (oxigraph's parser overflows its stack near 5,000).
MAX_DEPTH = 64
#: More operators of one chain (``||``, ``&&``, ``UNION``, ``|``, ``/``) than this are refused (crash near 10,000).
MAX_CHAIN = 2000

_FORBIDDEN = {
    "SERVICE": "SERVICE would send a query to another endpoint over the network",
    "FROM": "FROM / FROM NAMED would load a file or URL into the query's dataset",
}
_WORDS = {
    "LOAD": ("LOAD is refused: LOAD would read a file or URL",
             "queries run offline over the aiworkforce graph only; remove the clause"),
    **{w: (f"{w} is refused: the graph is read-only", "use SELECT, ASK, CONSTRUCT or DESCRIBE")
       for w in ("INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")},
}
_DANGER = re.compile("|".join(_FORBIDDEN), re.I)

_WS = re.compile(r"[ \t\r\n]*")
_IRI = re.compile(r'<([^<>"{}|^`\\\x00-\x20]*)>')
_LONG = {'"""': re.compile(r'"""(?:[^"\\]|\\.|"(?!""))*"""', re.S),
         "'''": re.compile(r"'''(?:[^'\\]|\\.|'(?!''))*'''", re.S)}
_SHORT = {'"': re.compile(r'"(?:[^"\\\n\r]|\\.)*"'), "'": re.compile(r"'(?:[^'\\\n\r]|\\.)*'")}
_VAR = re.compile(r"[?$]([\w\u00B7\u0300-\u036F\u203F\u2040]+)")
_NUMBER = re.compile(r"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_LANGTAG = re.compile(r"@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*")
# a run of name characters: keywords, function names, prefixed names (with PN_LOCAL escapes), blank node labels
_NAME = re.compile(r"(?:[\w\-.:%\u00B7\u0300-\u036F\u203F\u2040]|\\[_~.\-!$&'()*+,;=/?#@%])+")
_PLAIN_LOCAL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-]*")
_PLAIN_VAR = re.compile(r"[A-Za-z0-9_]+")
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_CHAIN = re.compile(r"\|\||&&|\bUNION\b|[|/]", re.I)


def decode_escapes(text: str) -> str:
    """Apply SPARQL's \\uXXXX / \\UXXXXXXXX escapes, as oxigraph does before parsing (so \\u0046ROM is FROM).
    An escape naming no character (a surrogate, or beyond U+10FFFF) is left as written."""
    def char(m: re.Match) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else m.group(0)
    return _ESCAPE.sub(char, text)


class _Finding(Exception):
    def __init__(self, pos: int, word: str) -> None:
        self.pos, self.word = pos, word


def _tokens_from(text: str, pos: int, in_expression: bool = True) -> list[tuple[str, int, int]]:
    """The tokens that may start at ``pos`` (after white space): ``(kind, start, end)`` for every reading.
    ``in_expression``: this reading is inside parentheses right after an operand, where ``<`` may compare."""
    pos = _WS.match(text, pos).end()
    if pos >= len(text):
        return []
    c = text[pos]
    if c == "#":
        lf, cr = text.find("\n", pos), text.find("\r", pos)
        ends = {len(text) if e < 0 else e for e in (lf, cr)}  # the grammar ends it at CR or LF; some parsers at LF
        return [("comment", pos, e) for e in ends]
    if c in "\"'":
        for quote, pattern in (*_LONG.items(), *_SHORT.items()):
            if text.startswith(quote, pos):
                m = pattern.match(text, pos)
                if m:
                    return [("string", pos, m.end())]
                break
        return [("junk", pos, pos + 1)]  # an unterminated string: read on, as a lenient parser might
    if c == "<":
        m = _IRI.match(text, pos)
        readings = [("operator", pos, pos + 1)]
        if m:
            if not in_expression or not any(ch in m.group(1) for ch in ")#'"):
                return [("iri", pos, m.end())]
            readings.append(("iri", pos, m.end()))
        return readings
    if c in "?$":
        m = _VAR.match(text, pos)
        if m:
            return [("var", pos, m.end())]
        return [("operator", pos, pos + 1)]
    if c == "@":
        m = _LANGTAG.match(text, pos)
        return [("langtag", pos, m.end()) if m else ("junk", pos, pos + 1)]
    m = _NUMBER.match(text, pos)
    if m and m.end() > pos and (c != "." or m.end() > pos + 1):
        return [("number", pos, m.end())]
    m = _NAME.match(text, pos)
    if m:
        end = m.end()
        while end > pos + 1 and text[end - 1] == "." and text[end - 2] != "\\":  # a name never ends in a dot
            end -= 1
        return [("name", pos, end)]
    return [("operator", pos, pos + 1)]


def _check_name(token: str, pos: int) -> None:
    if ":" in token:
        prefix, local = token.split(":", 1)
        if _DANGER.search(prefix) or (_DANGER.search(local) and not _PLAIN_LOCAL.fullmatch(local)):
            raise _Finding(pos, _DANGER.search(prefix + ":" + local).group(0).upper())
        return
    found = _DANGER.search(token)
    if found:
        raise _Finding(pos + found.start(), found.group(0).upper())
    if token.upper() in _WORDS:
        raise _Finding(pos, token.upper())


_OPERANDS = {"var", "iri", "string", "number", "name", "langtag"}
#: Readings followed at most; a query with more ambiguity than this is refused rather than half checked.
MAX_READINGS = 200_000


def _scan(text: str) -> None:
    """Follow every reading of ``text``; raise :class:`_Finding` at the first forbidden token of any.

    A reading's state is its position, its innermost open bracket and whether its last token was an operand:
    ``<`` can only be the less-than operator after an operand inside parentheses."""
    start_state = (0, "", False)
    todo, seen = [start_state], {start_state}
    while todo:
        pos, inner, operand = todo.pop()
        for kind, start, end in _tokens_from(text, pos, inner[-1:] == "(" and operand):
            token = text[start:end]
            if kind == "name":
                _check_name(token, start)
            elif kind == "var" and _DANGER.search(token) and not _PLAIN_VAR.fullmatch(token[1:]):
                raise _Finding(start, _DANGER.search(token).group(0).upper())
            new_inner, new_operand = inner, operand
            if kind == "operator":
                ch = text[start]
                if ch in "({[":
                    new_inner = (inner + ch)[-MAX_DEPTH - 2:]
                elif ch in ")}]":
                    new_inner = inner[:-1]
                new_operand = ch in ")]"
            elif kind != "comment":
                new_operand = kind in _OPERANDS
            state = (end, new_inner, new_operand)
            if state not in seen:
                if len(seen) > MAX_READINGS:
                    raise _Finding(start, "AMBIGUOUS")
                seen.add(state)
                todo.append(state)


def _depth(text: str) -> tuple[int, int, int]:
    """The deepest bracket nesting and where it is, and the longest operator chain, on the usual reading."""
    depth = deepest = where = 0
    for kind, start, _end in tokens(text):
        if kind == "operator":
            ch = text[start]
            if ch in "({[":
                depth += 1
                if depth > deepest:
                    deepest, where = depth, start
            elif ch in ")}]":
                depth = max(0, depth - 1)
    stripped = _blank_literals(text)
    return deepest, where, len(_CHAIN.findall(stripped))


def tokens(text: str):
    """The tokens of ``text`` on the usual reading, as ``(kind, start, end)``: kind is comment, string, iri,
    var, langtag, number, name, operator (one character) or junk."""
    pos = 0
    while True:
        readings = _tokens_from(text, pos)
        if not readings:
            return
        if readings[0][0] == "comment":  # a comment ends at the first line break, CR or LF
            reading = min(readings, key=lambda r: r[2])
        else:
            reading = readings[-1] if readings[0][0] == "operator" and len(readings) > 1 else readings[0]
        yield reading
        pos = reading[2]


def _blank_literals(text: str) -> str:
    out = []
    for kind, start, end in tokens(text):
        out.append(" " if kind in ("string", "iri", "comment", "var") else text[start:end])
        out.append(" ")
    return "".join(out)


def check_query(text: str, *, source: str = "query") -> None:
    """Raise :class:`UnsafeQueryError` if any reading of ``text`` uses SERVICE, FROM, LOAD or an update
    operation, and :class:`QueryLimitError` if it nests deeper than the parser can take."""
    for reading in dict.fromkeys((text, decode_escapes(text))):
        try:
            _scan(reading)
        except _Finding as found:
            line = reading.count("\n", 0, found.pos) + 1
            if found.word in _FORBIDDEN:
                raise UnsafeQueryError(
                    f"{source}:{line}: {found.word} is refused: {_FORBIDDEN[found.word]}",
                    hint="queries run offline over the aiworkforce graph only; remove the clause (a prefix or a "
                         "name glued to other words that contains it counts too: separate or rename it)",
                ) from None
            if found.word == "AMBIGUOUS":
                raise QueryLimitError(f"{source}: the query can be read in too many ways to be checked",
                                      hint="put spaces around < and > comparisons") from None
            message, hint = _WORDS[found.word]
            raise UnsafeQueryError(f"{source}:{line}: {message}", hint=hint) from None
    deepest, where, chain = _depth(text)
    if deepest > MAX_DEPTH:
        line = text.count("\n", 0, where) + 1
        raise QueryLimitError(
            f"{source}:{line}: the query nests brackets {deepest} deep; the limit is {MAX_DEPTH}",
            hint="flatten the query: nesting that deep cannot be parsed safely")
    if chain > MAX_CHAIN:
        raise QueryLimitError(
            f"{source}: the query chains {chain} operators (||, &&, UNION, |, /); the limit is {MAX_CHAIN}",
            hint="use VALUES or IN (...) for long lists of alternatives")


# -- lexical blanking, used by the remote engine to find clauses (not for safety) ---------------------------------

_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|\\."  # an escaped character in a prefixed name, e.g. ex:a\#b, is not the start of a comment
    r"|#[^\n\r]*",
    re.S,
)
_VARIABLE = re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+")
_LOCAL_PART = re.compile(r":(?:[\w\-.:%\u00B7]|\\\S)+")


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def strip_lexical(text: str) -> str:
    """The query with comments, string literals and IRIs, variables and the local parts of prefixed names
    blanked out (positions and line breaks kept)."""
    text = _TOKENS.sub(_blank, text)
    text = _VARIABLE.sub(_blank, text)
    return _LOCAL_PART.sub(_blank, text)
