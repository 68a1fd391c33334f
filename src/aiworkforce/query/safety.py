"""Refuse SPARQL that could reach the network or the file system, or change data.

rdflib would read a local file or URL named in ``FROM`` and call out for ``SERVICE``; updates would change the
graph. pyoxigraph, too, sends SERVICE requests over HTTP. The check is lexical: comments, strings and IRIs
are blanked out first, so a keyword inside a label or an IRI (``"service"``, ``<http://x/load>``) never triggers
it; then variables (``?service``) and the local parts of prefixed names (``ex:from``) are blanked. What is left
is refused wherever a keyword stands as a word: after a digit (``1SERVICE``, which oxigraph reads as ``1``
then ``SERVICE``) or as the prefix of a prefixed name (``FROM:x.ttl``, which engines read as ``FROM <x.ttl>``).
The query is checked both as written and with its ``\\u`` escapes decoded, because engines disagree on where
those escapes apply; it is refused if either reading is unsafe.
"""

from __future__ import annotations

import re

from aiworkforce.errors import UnsafeQueryError

_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|\\."  # an escaped character in a prefixed name, e.g. ex:a\#b, is not the start of a comment
    r"|#[^\n]*",
    re.S,
)
_FORBIDDEN = {
    "SERVICE": "SERVICE would send a query to another endpoint over the network",
    "FROM": "FROM / FROM NAMED would load a file or URL into the query's dataset",
    "LOAD": "LOAD would read a file or URL",
}
_UPDATES = ("INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
_VARIABLE = re.compile(r"[?$][\w\u00B7\u0300-\u036F\u203F\u2040]+")
# the colon and local part of a prefixed name; the prefix itself is kept, so FROM:x.ttl still reads FROM
_LOCAL_PART = re.compile(r":(?:[\w\-.:%\u00B7]|\\\S)+")
_KEYWORD = re.compile(r"(?<![A-Za-z_])(" + "|".join([*_FORBIDDEN, *_UPDATES]) + r")(?![A-Za-z0-9_])", re.I)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def decode_escapes(text: str) -> str:
    """Apply SPARQL's \\uXXXX / \\UXXXXXXXX escapes, as engines do before parsing (so \\u0046ROM is FROM)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def strip_lexical(text: str) -> str:
    """The query with comments, string literals and IRIs, variables and the local parts of prefixed names
    blanked out (positions and line breaks kept)."""
    text = _TOKENS.sub(_blank, text)
    text = _VARIABLE.sub(_blank, text)
    return _LOCAL_PART.sub(_blank, text)


def check_query(text: str, *, source: str = "query") -> None:
    """Raise :class:`UnsafeQueryError` if ``text`` uses SERVICE, FROM, LOAD or any update operation."""
    for reading in (text, decode_escapes(text)):
        _check(strip_lexical(reading), source)


def _check(bare: str, source: str) -> None:
    for match in _KEYWORD.finditer(bare):
        word = match.group(1).upper()
        line = bare.count("\n", 0, match.start()) + 1
        if word in _FORBIDDEN:
            raise UnsafeQueryError(
                f"{source}:{line}: {word} is refused: {_FORBIDDEN[word]}",
                hint="queries run offline over the aiworkforce graph only; remove the clause",
            )
        raise UnsafeQueryError(
            f"{source}:{line}: {word} is refused: the graph is read-only",
            hint="use SELECT, ASK, CONSTRUCT or DESCRIBE",
        )
