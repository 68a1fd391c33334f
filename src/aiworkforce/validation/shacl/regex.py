"""``sh:pattern`` translated from Python's ``re`` (pySHACL) to the Rust ``regex`` crate (Oxigraph).

SHACL 4.4.3 sh:pattern (https://www.w3.org/TR/shacl/#PatternConstraintComponent) follows XPath's ``fn:matches``;
pySHACL runs it with Python's ``re`` and Oxigraph's ``REGEX`` with Rust's ``regex``. Patterns are translated so
both agree: ``\\s``/``\\S`` gain U+001C-U+001F (Python's whitespace), ``\\w``/``\\W`` become ``[\\p{L}\\p{N}_]``,
``\\Z`` becomes ``\\z``, ``[`` inside a class is escaped, and a ``$`` also matches before a final newline as in
Python (the match is retried on the string without it). Constructs Rust cannot run (look-around,
back-references, atomic groups, possessive quantifiers, ``\\b``) raise.
"""

from __future__ import annotations

import re
import unicodedata
import warnings

from aiworkforce.errors import UnsupportedShapeError
from aiworkforce.validation.shacl.sparqltext import sparql_string


def translate_pattern(pattern: str, where: str) -> tuple[str, bool]:
    """Translate a Python ``re`` pattern (pySHACL) into the Rust ``regex`` dialect (Oxigraph).

    Returns the translated pattern and whether it uses ``$`` (which Python also matches before a final newline).
    """
    out: list[str] = []
    dollar = False
    in_class = False
    class_start = False
    i, n = 0, len(pattern)

    def fail(what: str):
        raise UnsupportedShapeError(
            f"{where}sh:pattern {pattern!r} uses {what}, which the SPARQL engine (Rust regex) cannot run like "
            "Python's re", hint="rewrite the pattern without it")

    def literal(ch: str) -> str:
        if ch in "\\.+*?()|[]{}^$#&-~ " or not ch.isprintable():
            return f"\\x{{{ord(ch):X}}}" if not ch.isprintable() or ch == " " else "\\" + ch
        return ch

    def quantifier_follows(j: int) -> None:
        if j < n and pattern[j] == "+":
            fail("a possessive quantifier")

    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise UnsupportedShapeError(f"{where}sh:pattern {pattern!r} ends with a lone backslash")
            e = pattern[i + 1]
            i += 2
            class_start = False
            if e == "s":
                out.append(r"\s\x1C-\x1F" if in_class else r"[\s\x1C-\x1F]")
            elif e == "S":
                out.append(r"[^\s\x1C-\x1F]")
            elif e == "w":
                out.append(r"\p{L}\p{N}_" if in_class else r"[\p{L}\p{N}_]")
            elif e == "W":
                out.append(r"[^\p{L}\p{N}_]")
            elif e in "dDtnrfv":
                out.append("\\" + e)
            elif e == "a":
                out.append(r"\x07")
            elif e == "b" and in_class:
                out.append(r"\x08")
            elif e in "bB":
                fail("a word boundary (\\b, \\B)")
            elif e == "A" and not in_class:
                out.append(r"\A")
            elif e == "Z" and not in_class:
                out.append(r"\z")
            elif e in "xuU":
                size = {"x": 2, "u": 4, "U": 8}[e]
                digits = pattern[i:i + size]
                if len(digits) != size or not re.fullmatch(r"[0-9A-Fa-f]+", digits):
                    raise UnsupportedShapeError(f"{where}sh:pattern {pattern!r}: bad escape \\{e}{digits}")
                out.append(literal(chr(int(digits, 16))))
                i += size
            elif e == "N":
                m = re.match(r"\{([^}]+)\}", pattern[i:])
                if not m:
                    raise UnsupportedShapeError(f"{where}sh:pattern {pattern!r}: bad escape \\N")
                try:
                    out.append(literal(unicodedata.lookup(m[1])))
                except KeyError:
                    raise UnsupportedShapeError(f"{where}sh:pattern {pattern!r}: unknown character name {m[1]}")
                i += m.end()
            elif e.isdigit():
                m = re.match(r"[0-7]{2}", pattern[i:])
                if e == "0" or (e in "01234567" and m):
                    digits = re.match(r"[0-7]{0,2}", pattern[i:])[0] if e == "0" else m[0]
                    out.append(literal(chr(int(e + digits, 8))))
                    i += len(digits)
                else:
                    fail("a back-reference")
            elif e.isascii() and e.isalpha():
                raise UnsupportedShapeError(f"{where}sh:pattern {pattern!r}: bad escape \\{e}")
            else:
                out.append(literal(e))
            continue
        if in_class:
            if c == "]" and not class_start:
                in_class = False
                out.append("]")
            elif c == "^" and class_start and out[-1] == "[":
                out.append("^")
                i += 1
                continue  # a "]" right after "[^" is still a literal
            elif c == "-" and not class_start and i + 1 < n and pattern[i + 1] != "]" and pattern[i - 1] != "-":
                out.append("-")  # a range
            else:
                out.append(literal(c))
            class_start = False
            i += 1
            continue
        if c == "[":
            in_class, class_start = True, True
            out.append("[")
        elif c == "$":
            dollar = True
            out.append("$")
        elif c == "(":
            if pattern.startswith("(?", i):
                rest = pattern[i + 2:]
                if rest.startswith(":"):
                    out.append("(?:")
                    i += 3
                    continue
                if rest.startswith("P<"):
                    m = re.match(r"P<(\w+)>", rest)
                    if not m:
                        raise UnsupportedShapeError(f"{where}sh:pattern {pattern!r}: bad group name")
                    out.append(f"(?P<{m[1]}>")
                    i += 2 + m.end()
                    continue
                if rest[:1] in ("=", "!", "<"):
                    fail("a look-around assertion")
                if rest[:1] == ">":
                    fail("an atomic group")
                if rest[:1] in ("(", "P"):
                    fail("a conditional group or named back-reference")
                if rest[:1] == "#":
                    end = pattern.find(")", i)
                    if end < 0:
                        raise UnsupportedShapeError(f"{where}sh:pattern {pattern!r}: unterminated comment")
                    i = end + 1
                    continue
                m = re.match(r"([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])", rest)
                if not m:
                    raise UnsupportedShapeError(f"{where}sh:pattern {pattern!r}: bad inline flags")
                flags = (m[1] or "") + (m[2] or "")
                if set(flags) - set("imsu"):
                    fail(f"the inline flag(s) {flags!r}")
                on, off = (m[1] or "").replace("u", ""), (m[2] or "").replace("u", "")
                text = on + (f"-{off}" if off else "")
                out.append(f"(?{text}{m[3]}" if text else ("(?:" if m[3] == ":" else ""))
                i += 2 + m.end()
                continue
            out.append("(")
        elif c == "{":
            m = re.match(r"\{(\d*)(,(\d*))?\}", pattern[i:])
            if m and (m[1] or m[2] is not None and m[3]):
                low = m[1] or "0"
                out.append(f"{{{low}}}" if m[2] is None else f"{{{low},{m[3]}}}")
                i += m.end()
                if i < n and pattern[i] == "?":
                    out.append("?")
                    i += 1
                quantifier_follows(i)
                continue
            out.append(r"\{")
        elif c == "}":
            out.append(r"\}")
        elif c in "*+?":
            out.append(c)
            i += 1
            if i < n and pattern[i] == "?":
                out.append("?")
                i += 1
            quantifier_follows(i)
            continue
        else:
            out.append(c)
        i += 1
    if in_class:
        raise UnsupportedShapeError(f"{where}sh:pattern {pattern!r}: unterminated character class")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. Python's FutureWarning about "[[": still a valid pattern
            re.compile(pattern)
    except re.error as exc:
        raise UnsupportedShapeError(f"{where}sh:pattern {pattern!r} is not a valid regular expression: {exc}")
    return "".join(out), dollar


def regex_expr(x: str, pattern: str, flags: str, where: str) -> str:
    """A SPARQL boolean: Python's ``re.search(pattern, str(x), flags)`` is truthy."""
    translated, dollar = translate_pattern(pattern, where)
    args = f", {sparql_string(flags)}" if flags else ""
    test = f"REGEX(STR({x}), {sparql_string(translated)}{args})"
    if dollar:  # Python's $ also matches before a newline at the end of the string
        test = (
            f"({test} || (STRENDS(STR({x}), \"\\n\") && "
            f"REGEX(SUBSTR(STR({x}), 1, STRLEN(STR({x})) - 1), {sparql_string(translated)}{args})))"
        )
    return test
