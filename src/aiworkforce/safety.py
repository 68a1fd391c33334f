"""Refuse SPARQL that could reach the network or the file system, or change data.

rdflib would read a local file or URL named in ``FROM`` and call out for ``SERVICE``; updates would change the
graph. The check is lexical: comments, strings and IRIs are blanked out first, so a keyword inside a label or
an IRI (``"service"``, ``<http://x/load>``) never triggers it, and prefixed names or variables
(``ex:from``, ``?service``) are not keywords.
"""

from __future__ import annotations

import re

from .errors import UsageError

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
# A keyword is a whole word that is not part of a variable (?from) or the local part of a prefixed name
# (ex:from). A keyword followed by ':' (FROM:file.ttl) is still refused: engines read it as FROM <...>.
_KEYWORD = re.compile(r"(?<![\w:?$\-])(" + "|".join([*_FORBIDDEN, *_UPDATES]) + r")(?![\w\-])", re.I)
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class UnsafeQueryError(UsageError):
    """A query asked for something the read-only, offline query service refuses."""


def decode_escapes(text: str) -> str:
    """Apply SPARQL's \\uXXXX / \\UXXXXXXXX escapes, as engines do before parsing (so \\u0046ROM is FROM)."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def strip_lexical(text: str) -> str:
    """The query with comments, string literals and IRIs blanked out (positions and line breaks kept)."""
    return _TOKENS.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)


def check_query(text: str, *, source: str = "query") -> None:
    """Raise :class:`UnsafeQueryError` if ``text`` uses SERVICE, FROM, LOAD or any update operation."""
    bare = strip_lexical(decode_escapes(text))
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
