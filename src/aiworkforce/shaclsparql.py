"""SHACL validation compiled to SPARQL: the project's shapes as set-based SELECT queries run on pyoxigraph.

pySHACL (:func:`aiworkforce.validate.validate`) is the reference validator, but it walks the data graph in Python,
one focus node and one value at a time, and runs SPARQL-based constraints once per focus node with rdflib. This
module compiles every constraint of a shapes graph into **one** SPARQL SELECT query that returns all the
violating rows of the whole data graph at once, and runs the queries on a pyoxigraph store. The results are
:class:`aiworkforce.validate.Problem` objects equal to the ones :func:`~aiworkforce.validate.validate` derives
from pySHACL's report (focus node, path, source shape, constraint component, value, severity and message),
including pySHACL's quirks where they are observable (see "Fidelity" below).

How shapes are compiled
-----------------------

* **Focus nodes.** Each shape with targets gets one target pattern binding ``?this``, written once into each of
  its queries (never a list of nodes): its ``sh:targetClass`` (SHACL instances, ``?c rdfs:subClassOf* C .
  ?this rdf:type ?c`` in the data graph, plus implicit class targets), ``sh:targetNode``, ``sh:targetSubjectsOf``,
  ``sh:targetObjectsOf`` and SHACL-AF ``sh:target [ a sh:SPARQLTarget ; sh:select ]`` (embedded as a sub-select,
  with its ``sh:prefixes``). A single target is inlined so Oxigraph can order it with the constraint's patterns;
  several are unioned in a ``{ SELECT DISTINCT ?this WHERE { {..} UNION {..} } }`` sub-select (an inlined UNION
  plans badly). When the targets are ``sh:targetSubjectsOf P`` and the path is ``P`` (or an alternative of such
  predicates), queries whose rows come from the values skip the target pattern: the values imply it. A property
  shape is evaluated once for each node shape that lists it under ``sh:property`` (with that node shape's
  targets) and once more for its own targets, as pySHACL does (so the same result can be reported twice, and is).
* **Value nodes.** ``?this PATH ?value`` with the SHACL path written as a SPARQL property path (IRI,
  ``sh:inversePath`` ``^``, sequence ``/``, ``sh:alternativePath`` ``|``, ``sh:zeroOrMorePath`` ``*``,
  ``sh:oneOrMorePath`` ``+``, ``sh:zeroOrOnePath`` ``?``), ``SELECT DISTINCT`` so each value counts once; for a
  node shape the value is the focus node itself.
* **Constraints.** One query per constraint (per parameter value where pySHACL reports per value, e.g. one per
  ``sh:class``, ``sh:pattern`` or ``sh:disjoint`` value), selecting only the violating rows:
  value-level components (``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:pattern`` + ``sh:flags``,
  ``sh:minLength``, ``sh:maxLength``, ``sh:languageIn``, ``sh:in``, ``sh:minInclusive`` and the other ranges,
  ``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``) are a ``FILTER`` on the value rows (``sh:class``
  a ``MINUS``: one hash anti-join); counts (``sh:minCount``, ``sh:maxCount``, ``sh:qualifiedValueShape`` with
  ``sh:qualifiedMinCount`` / ``sh:qualifiedMaxCount``, ``sh:uniqueLang``) are ``FILTER NOT EXISTS`` (at least
  one), a self-join (at most one, one language) or ``GROUP BY ?this HAVING``;
  property pairs (``sh:disjoint``, ``sh:equals``, ``sh:lessThan``, ``sh:lessThanOrEquals``) join the other
  property; ``sh:hasValue`` is a ``FILTER NOT EXISTS``; ``sh:closed`` (node shapes) lists the other predicates.
  Shapes used as values of ``sh:qualifiedValueShape``, ``sh:node``, ``sh:not``, ``sh:and``, ``sh:or`` and
  ``sh:xone`` are inlined as a boolean SPARQL expression on the value (they may hold value-level constraints and
  further logical constraints, not property shapes).
* **SPARQL-based constraints** (``sh:sparql [ sh:select ]``): the ``WHERE`` body of the query is inlined after the
  target subquery, so ``$this`` is bound by the join instead of pre-bound (the constraint query runs once, not
  once per focus node); ``$PATH`` and ``$currentShape`` are substituted as pySHACL does. Rows are de-duplicated
  like pySHACL (``SELECT DISTINCT`` over the projected variables) and ``{?var}`` / ``{$var}`` in the message are
  replaced exactly as pySHACL does (``re.sub`` with ``str()`` of the bound term, other variables first, then
  ``this``, ``path``, ``value``).
* **Running.** :func:`validate_store` runs the queries on a few threads (Oxigraph releases the GIL) and turns
  the rows into :class:`~aiworkforce.validate.Problem` objects, sorted as :func:`aiworkforce.validate.validate`
  sorts them (with ties broken, so the output is deterministic).
* **Regular expressions.** ``sh:pattern`` follows Python's ``re`` in pySHACL and the Rust ``regex`` crate in
  Oxigraph. Patterns are translated so both agree: ``\\s``/``\\S`` gain U+001C-U+001F (Python's whitespace),
  ``\\w``/``\\W`` become ``[\\p{L}\\p{N}_]``, ``\\Z`` becomes ``\\z``, ``[`` inside a class is escaped, and a ``$``
  also matches before a final newline as in Python (the match is retried on the string without it). Constructs
  Rust cannot run (look-around, back-references, atomic groups, possessive quantifiers, ``\\b``) raise.

Anything the compiler does not implement raises :class:`UnsupportedShapeError` (a :class:`DataError`) at compile
time, naming the shape and the feature, so nothing is silently skipped: unknown ``sh:`` parameters on a shape,
custom constraint components, SHACL rules, ``sh:qualifiedValueShapesDisjoint``, SPARQL constraints with
``?failure``, aggregates or solution modifiers, ``SELECT *``, MINUS/VALUES/SERVICE or nested SELECTs, and
constraints that report without an ``sh:message`` (pySHACL's generic messages are not reproduced).

Fidelity
--------

Results are compared with pySHACL's on the shipped graph, on every fixture of tests/fixtures/shapes, on a
generated graph and on a graph exercising the components the shipped shapes do not use (tests/test_shaclsparql.py).
pySHACL's observable behaviour is reproduced on purpose: property shapes reached twice report twice; a helper
shape with sh:Warning severity always "conforms" (``allow_warnings=True``) except under sh:node, whose nested
results are reported too; ill-typed or incomparable values are ordered as rdflib orders them (by datatype IRI)
for sh:minInclusive & co.; SPARQL rows are de-duplicated and rows binding none of this/path/value are dropped.

Oxigraph stores some literals differently from rdflib: language tags in lower case, numbers, booleans and dates
in canonical form (``"11.0"^^xsd:decimal`` as ``"11"``), derived integer types (``xsd:int``...) as
``xsd:integer``, ``xsd:dateTimeStamp`` as ``xsd:dateTime``, and ``"a"`` and ``"a"^^xsd:string`` as one term.
When the data come from an rdflib graph (:func:`validate_fast` with a graph, :func:`load_store`), results carry
the graph's own literals and sh:datatype sees the original datatype and rdflib's ill-typed verdict, so they are
exact. Remaining differences, none of which occurs with the shipped shapes:

* with a store loaded straight from files, literals are seen as Oxigraph stores them (an ``xsd:int`` value fails
  ``sh:datatype xsd:int``; values are reported in canonical form), and ill-typed literals are detected with
  Oxigraph's casts for the XSD numeric, boolean, date/time and duration types;
* two rdflib literals Oxigraph stores as one (``"1.0"`` and ``"1.00"``, ``"a"`` and ``"a"^^xsd:string``) count
  as one value, and SPARQL expressions inside sh:select (``STR(?value)``...) see the canonical form;
* NaN, and blank nodes compared by sh:lessThan (where pySHACL stops with an error), are simply violations;
* ``REGEX``/``REPLACE`` inside sh:select text run with Rust's regex syntax (only sh:pattern is translated);
* a complex path in a namespace without a prefix is rendered with generated prefixes (``ns1:``) that may be
  numbered differently;
* ``validate_store(focus_nodes=[])`` validates nothing (pySHACL treats an empty list as "all").

The entry points are :func:`compile_shapes`, :func:`validate_store` (a pyoxigraph store, e.g. loaded straight
from N-Triples at scale) and :func:`validate_fast` (the contract of :func:`aiworkforce.validate.validate`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import unicodedata
import warnings
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from .errors import DataError
from .validate import Problem, Severity, ValidationReport, _path_text

if TYPE_CHECKING:
    import pyoxigraph

__all__ = [
    "CompiledConstraint",
    "CompiledShapes",
    "UnsupportedShapeError",
    "compile_shapes",
    "default_workers",
    "load_store",
    "validate_fast",
    "validate_store",
]


class UnsupportedShapeError(DataError):
    """The shapes graph uses a SHACL feature this compiler does not implement (or uses one wrongly)."""


# ---------------------------------------------------------------------------------------------------- constants

TYPE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
FOCUS_MARK = "#@focus-nodes\n"  # replaced by a VALUES clause when validating selected focus nodes only
#: Private named graph where load_store records what Oxigraph cannot represent: the literals rdflib considers
#: ill-typed (<G> <G#ill-typed> literal) and the datatype a literal had before Oxigraph stored it as another one
#: (<datatype> <G#datatype> literal; Oxigraph keeps xsd:int, xsd:long... as xsd:integer).
MARKS = "urn:x-aiworkforce:shaclsparql:marks"
ILL_TYPED = f"<{MARKS}> <{MARKS}#ill-typed>"
RETYPED = f"<{MARKS}#datatype>"
NO_MESSAGE = "constraint not met"  # what aiworkforce.validate._problems reports for a result without message

#: Datatypes whose lexical form is checked by a cast (pySHACL checks rdflib's ``ill_typed`` for these).
CHECKED_DATATYPES = {
    XSD[n]
    for n in ("integer", "decimal", "float", "double", "boolean", "date", "time", "dateTime", "duration",
              "dayTimeDuration", "yearMonthDuration")
}
#: Literal datatypes whose rdflib value is a Python ``str`` (pySHACL compares them as strings).
STRING_DATATYPES = (XSD.string, RDF.langString, XSD.normalizedString, XSD.token, XSD.language, XSD.anyURI)
NUMERIC_OR_TIME = {
    XSD[n]
    for n in ("integer", "decimal", "float", "double", "int", "long", "short", "byte", "nonNegativeInteger",
              "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
              "unsignedShort", "unsignedByte", "date", "dateTime", "time")
}

NODE_KINDS = {
    SH.IRI: "isIRI({x})",
    SH.BlankNode: "isBlank({x})",
    SH.Literal: "isLiteral({x})",
    SH.BlankNodeOrIRI: "!isLiteral({x})",
    SH.BlankNodeOrLiteral: "!isIRI({x})",
    SH.IRIOrLiteral: "!isBlank({x})",
}

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: Shape predicates that carry no constraint (annotations and the bits other parameters read).
PASSIVE = {
    SH.path, SH.severity, SH.message, SH.deactivated, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
    SH.ignoredProperties, SH.prefixes, SH.declare,
}
VALUE_PARAMS = (
    SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.minLength, SH.maxLength, SH.languageIn, SH["in"],
    SH.minInclusive, SH.minExclusive, SH.maxInclusive, SH.maxExclusive, SH.node, SH["not"], SH["and"], SH["or"],
    SH.xone,
)
COUNT_PARAMS = (SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape)
PAIR_PARAMS = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
OTHER_PARAMS = (SH.hasValue, SH.closed, SH.sparql, SH.property)
SUPPORTED = set(VALUE_PARAMS + COUNT_PARAMS + PAIR_PARAMS + OTHER_PARAMS + TARGETS) | PASSIVE
#: pySHACL refuses these on a node shape (and ignores sh:qualifiedValueShape there): an error here.
PROPERTY_ONLY = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.lessThan, SH.lessThanOrEquals, SH.qualifiedValueShape}

COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
}


# ---------------------------------------------------------------------------------------------------- results


@dataclass(frozen=True)
class CompiledConstraint:
    """One constraint of one shape, evaluated on one set of focus nodes, as a SPARQL SELECT query.

    Every row of ``query`` is one validation result: ``?this`` is the focus node, ``?value`` (when
    ``value_var`` says so) the value node. SPARQL-based constraints also carry the variables their message uses.
    """

    shape: Node  # sh:sourceShape
    component: URIRef  # sh:sourceConstraintComponent
    severity: Severity
    path: Node | None  # Problem.path: the sh:path IRI, the text of a complex path, or None for a node shape
    messages: tuple[Literal, ...]
    query: str
    value_var: str | None = None  # "value": the row's ?value; "this": the focus node; None: no value
    focus_from: Node | None = None  # the shape whose targets give the focus nodes
    focus_var: str = "this"  # "value" for the results pySHACL nests under sh:node (the value is their focus)
    # SPARQL-based constraints only:
    sparql: bool = False
    projected: tuple[str, ...] = ()  # the variables the sh:select projects, in order
    node_shape: bool = False  # a node shape: ?value defaults to the focus node

    @property
    def message(self) -> str:
        return min((str(m) for m in self.messages), default=NO_MESSAGE)

    def describe(self, graph: Graph | None = None) -> str:
        """Which shape, constraint and focus-node set the query checks, for messages."""
        def short(n):
            if graph is not None and isinstance(n, URIRef):
                with contextlib.suppress(Exception):  # display only
                    return graph.namespace_manager.normalizeUri(n)
            return str(n)

        via = f" on the targets of {short(self.focus_from)}" if self.focus_from not in (None, self.shape) else ""
        return f"{short(self.shape)} {short(self.component).replace('ConstraintComponent', '')}{via}"


@dataclass(frozen=True)
class CompiledShapes:
    """A shapes graph compiled to SPARQL: one :class:`CompiledConstraint` per constraint and focus-node set."""

    constraints: tuple[CompiledConstraint, ...]
    namespaces: tuple[tuple[str, str], ...] = ()
    path_nodes: dict = field(default_factory=dict)  # complex path text -> the path's triples (report graph)

    def __len__(self) -> int:
        return len(self.constraints)

    def __iter__(self) -> Iterator[CompiledConstraint]:
        return iter(self.constraints)


# ---------------------------------------------------------------------------------------------------- SPARQL text


def _iri(node: Node, where: str = "") -> str:
    if not isinstance(node, URIRef):
        raise UnsupportedShapeError(f"{where}expected an IRI, found {node!r}")
    text = str(node)
    if re.search(r'[\x00-\x20<>"{}|^`\\]', text):
        raise UnsupportedShapeError(f"{where}the IRI <{text}> cannot be written in SPARQL")
    return f"<{text}>"


def _string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def _term(node: Node, where: str = "") -> str:
    """An rdflib term as SPARQL text (IRIs and literals; blank nodes cannot be named in a query)."""
    if isinstance(node, URIRef):
        return _iri(node, where)
    if isinstance(node, Literal):
        if node.language:
            return f"{_string(str(node))}@{node.language}"
        if node.datatype is not None:
            return f"{_string(str(node))}^^{_iri(node.datatype, where)}"
        return _string(str(node))
    raise UnsupportedShapeError(f"{where}a blank node ({node!r}) cannot be used as a constant in SPARQL")


def _ok(expr: str) -> str:
    """A boolean SPARQL expression that is false where ``expr`` raises an error."""
    return f"COALESCE(({expr}), false)"


# ---------------------------------------------------------------------------------------------------- regexes


def _regex(pattern: str, where: str) -> tuple[str, bool]:
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


def _regex_expr(x: str, pattern: str, flags: str, where: str) -> str:
    """A SPARQL boolean: Python's ``re.search(pattern, str(x), flags)`` is truthy."""
    translated, dollar = _regex(pattern, where)
    args = f", {_string(flags)}" if flags else ""
    test = f"REGEX(STR({x}), {_string(translated)}{args})"
    if dollar:  # Python's $ also matches before a newline at the end of the string
        test = (
            f"({test} || (STRENDS(STR({x}), \"\\n\") && "
            f"REGEX(SUBSTR(STR({x}), 1, STRLEN(STR({x})) - 1), {_string(translated)}{args})))"
        )
    return test


# ---------------------------------------------------------------------------------------------------- SPARQL text


_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.DOTALL)


def _mask(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out (same length), for scanning the query structure."""
    out = list(text)
    i = 0
    while i < len(text):
        c = text[i]
        m = None
        if c in "'\"":
            m = _STRING.match(text, i)
        elif c == "<":
            m = _IRIREF.match(text, i)
        elif c == "#":
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
            continue
        if m:
            out[i + 1:m.end() - 1] = "_" * (m.end() - i - 2)
            i = m.end()
        else:
            i += 1
    return "".join(out)


@dataclass
class _Select:
    prefixes: dict[str, str]
    projection: str
    variables: tuple[str, ...]
    body: str  # the content of the WHERE group, without its braces
    tail: str  # what follows the WHERE group
    text: str  # the query without its prologue


_PROLOGUE = re.compile(r"\s*(?:PREFIX\s+([A-Za-z][\w.-]*)?\s*:\s*(<[^>]*>)|BASE\s*<[^>]*>)", re.IGNORECASE)


def _parse_select(text: str, where: str) -> _Select:
    masked = _mask(text)
    prefixes: dict[str, str] = {}
    pos = 0
    while True:
        m = _PROLOGUE.match(masked, pos)
        if not m:
            break
        if not m.group(0).strip().upper().startswith("PREFIX"):
            raise UnsupportedShapeError(f"{where}BASE in a SPARQL query is not supported")
        prefixes[m[1] or ""] = _PROLOGUE.match(text, pos)[2][1:-1]
        pos = m.end()
    m = re.compile(r"\s*SELECT\b", re.IGNORECASE).match(masked, pos)
    if not m:
        raise UnsupportedShapeError(f"{where}only SELECT queries are supported in sh:select")
    start = m.start() + len(m.group(0)) - 6
    depth, i = 0, m.end()
    while i < len(masked):
        if masked[i] == "(":
            depth += 1
        elif masked[i] == ")":
            depth -= 1
        elif masked[i] == "{" and depth == 0:
            break
        i += 1
    else:
        raise UnsupportedShapeError(f"{where}the SPARQL query has no WHERE group")
    head = masked[m.end():i]
    head_text = text[m.end():i]
    if re.search(r"\bFROM\b", head, re.IGNORECASE):
        raise UnsupportedShapeError(f"{where}FROM / FROM NAMED in sh:select is not supported")
    projection = re.sub(r"\bWHERE\s*$", "", head_text.rstrip(), flags=re.IGNORECASE).strip()
    depth, j = 0, i
    while j < len(masked):
        if masked[j] == "{":
            depth += 1
        elif masked[j] == "}":
            depth -= 1
            if depth == 0:
                break
        j += 1
    else:
        raise UnsupportedShapeError(f"{where}unbalanced braces in the SPARQL query")
    proj_masked = re.sub(r"^\s*(DISTINCT|REDUCED)\b", "", _mask(projection), flags=re.IGNORECASE)
    variables, depth = [], 0
    for tok in re.finditer(r"\(|\)|\bAS\s+[?$](\w+)|[?$](\w+)|\*", proj_masked, re.IGNORECASE):
        if tok[0] == "(":
            depth += 1
        elif tok[0] == ")":
            depth -= 1
        elif tok[1]:
            variables.append(tok[1])
        elif tok[0] == "*" and depth == 0:
            raise UnsupportedShapeError(f"{where}SELECT * in sh:select is not supported: name the variables")
        elif depth == 0 and tok[2]:
            variables.append(tok[2])
    return _Select(prefixes, projection, tuple(variables), text[i + 1:j], text[j + 1:], text[start:])


def _declared_prefixes(sg: Graph, node: Node) -> dict[str, str]:
    """The prefixes pySHACL declares for the sh:select of ``node`` (rdf, rdfs, owl and the sh:prefixes)."""
    prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
    ontologies = set(sg.subjects(RDF.type, OWL.Ontology))
    global_declares = {d for o in ontologies for d in sg.objects(o, SH.declare)}
    for holder in sg.objects(node, SH.prefixes):
        own = set(sg.objects(holder, SH.declare))
        declares = own if (own and holder in ontologies) else global_declares | own
        for dec in declares:
            prefix, namespace = list(sg.objects(dec, SH.prefix)), list(sg.objects(dec, SH.namespace))
            if len(prefix) != 1 or len(namespace) != 1:
                raise UnsupportedShapeError(f"sh:declare {dec} needs exactly one sh:prefix and one sh:namespace")
            prefixes[str(prefix[0])] = str(namespace[0])
    return prefixes


def _prologue(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))


def _merge_prefixes(into: dict[str, str], more: dict[str, str], where: str) -> None:
    for p, ns in more.items():
        if into.get(p, ns) != ns:
            raise UnsupportedShapeError(
                f"{where}the prefix {p}: means <{into[p]}> in the target query and <{ns}> in the constraint query")
        into[p] = ns


# ---------------------------------------------------------------------------------------------------- compiler


class _Compiler:
    def __init__(self, sg: Graph):
        self.sg = sg
        self.shapes, self.property_shapes = self._find_shapes()
        self.short_cache: dict = {}
        self.path_nodes: dict = {}
        self.namespaces = tuple((p, str(n)) for p, n in sg.namespace_manager.namespaces())

    # ------------------------------------------------------------------ shapes graph

    def _find_shapes(self) -> tuple[set, set]:
        """The shapes of the graph, found as pySHACL finds them (typed, or implied by their predicates)."""
        sg = self.sg
        node_shapes = set(sg.subjects(RDF.type, SH.NodeShape))
        prop_shapes = set(sg.subjects(RDF.type, SH.PropertyShape))
        for s in node_shapes:
            if (s, SH.path, None) in sg:
                raise UnsupportedShapeError(f"{self.name(s)}: a sh:NodeShape cannot have sh:path")
        for s in prop_shapes:
            if len(list(sg.objects(s, SH.path))) != 1:
                raise UnsupportedShapeError(f"{self.name(s)}: a sh:PropertyShape needs exactly one sh:path")
        implied = {s for p in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.targetSubjectsOf, SH.property,
                               SH.node) for s in sg.subjects(p, None)}
        implied |= {o for p in (SH.property, SH.node, SH["not"], SH.qualifiedValueShape) for o in sg.objects(None, p)}
        for p in (SH["and"], SH["or"], SH.xone):
            for lst in sg.objects(None, p):
                implied |= set(sg.items(lst))
        for s in implied - node_shapes - prop_shapes:
            paths = list(sg.objects(s, SH.path))
            if len(paths) > 1:
                raise UnsupportedShapeError(f"{self.name(s)}: a shape has more than one sh:path")
            (prop_shapes if paths else node_shapes).add(s)
        if node_shapes & prop_shapes:
            raise UnsupportedShapeError(f"{self.name(next(iter(node_shapes & prop_shapes)))}: both node and "
                                        "property shape")
        return node_shapes | prop_shapes, prop_shapes

    def name(self, node: Node) -> str:
        if isinstance(node, URIRef):
            try:
                return self.sg.namespace_manager.normalizeUri(node)
            except Exception:  # noqa: BLE001 - display only
                return f"<{node}>"
        return str(node)

    def one(self, shape: Node, pred: URIRef) -> Node | None:
        values = list(self.sg.objects(shape, pred))
        if len(values) > 1:
            raise UnsupportedShapeError(f"{self.name(shape)}: more than one {self.name(pred)}")
        return values[0] if values else None

    def deactivated(self, shape: Node) -> bool:
        value = self.one(shape, SH.deactivated)
        return bool(value.value) if isinstance(value, Literal) else False

    def severity(self, shape: Node) -> Severity:
        value = self.one(shape, SH.severity)
        return Severity.from_iri(value if value is not None else SH.Violation)

    def integer(self, shape: Node, pred: URIRef) -> int | None:
        value = self.one(shape, pred)
        if value is None:
            return None
        if not (isinstance(value, Literal) and isinstance(value.value, int) and not isinstance(value.value, bool)):
            raise UnsupportedShapeError(f"{self.name(shape)}: {self.name(pred)} must be an integer, not {value!r}")
        if value.value < 0:
            raise UnsupportedShapeError(f"{self.name(shape)}: {self.name(pred)} must not be negative")
        return int(value.value)

    def items(self, lst: Node, where: str) -> list[Node]:
        if lst == RDF.nil:
            return []
        if not isinstance(lst, BNode) or (lst, RDF.first, None) not in self.sg:
            raise UnsupportedShapeError(f"{where}expected an RDF list, found {lst!r}")
        return list(Collection(self.sg, lst))

    # ------------------------------------------------------------------ paths

    def sparql_path(self, path: Node, where: str, depth: int = 0) -> str:
        sg = self.sg
        if depth > 50:
            raise UnsupportedShapeError(f"{where}the sh:path is too deeply nested (a cycle?)")
        if isinstance(path, URIRef):
            return _iri(path, where)
        if not isinstance(path, BNode):
            raise UnsupportedShapeError(f"{where}sh:path must be an IRI or a blank node, not {path!r}")
        kinds = {p: o for p, o in sg.predicate_objects(path) if p in (
            SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath, SH.zeroOrOnePath)}
        if (path, RDF.first, None) in sg:
            items = self.items(path, where)
            if len(items) < 2:
                raise UnsupportedShapeError(f"{where}a sequence path needs at least two members")
            return "(" + " / ".join(self.sparql_path(x, where, depth + 1) for x in items) + ")"
        if len(kinds) != 1:
            raise UnsupportedShapeError(f"{where}unsupported or ill-formed sh:path {path!r}")
        (kind, inner), = kinds.items()
        if kind == SH.alternativePath:
            items = self.items(inner, where)
            if len(items) < 2:
                raise UnsupportedShapeError(f"{where}sh:alternativePath needs at least two members")
            return "(" + " | ".join(self.sparql_path(x, where, depth + 1) for x in items) + ")"
        text = self.sparql_path(inner, where, depth + 1)
        if kind == SH.inversePath:
            return f"^({text})"
        return f"({text}){ {SH.zeroOrMorePath: '*', SH.oneOrMorePath: '+', SH.zeroOrOnePath: '?'}[kind] }"

    def result_path(self, path: Node) -> Node:
        """Problem.path for a shape's sh:path: the IRI, or the text aiworkforce.validate renders for a blank node."""
        if isinstance(path, URIRef):
            return path
        g = _report_like_graph(self.namespaces)
        triples = list(_closure(self.sg, path))
        for t in triples:
            g.add(t)
        text = _path_text(g, path)
        self.path_nodes[str(text)] = (path, tuple(triples))
        return text

    # ------------------------------------------------------------------ targets

    def target_group(self, shape: Node, prefixes: dict[str, str]) -> str | None:
        """The pattern binding ?this to the focus nodes of ``shape``, or None without targets.

        A single target (one class, one predicate, one node) is inlined, so that Oxigraph's optimizer can order
        it with the constraint's patterns (the outer SELECT is always DISTINCT, as a focus node may match twice);
        several targets are unioned in a ``SELECT DISTINCT ?this`` sub-select, which is much faster than an
        inlined UNION, and so is a SPARQL target.
        """
        sg = self.sg
        where = f"{self.name(shape)}: "
        branches = []
        classes = set(sg.objects(shape, SH.targetClass))
        types = set(sg.objects(shape, RDF.type))
        class_types = set(sg.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}
        if types & class_types:  # implicit class target
            classes.add(shape)
        for c in sorted(classes):
            branches.append(f"?__tc <{RDFS.subClassOf}>* {_iri(c, where)} . ?this <{RDF.type}> ?__tc .")
        for n in sorted(sg.objects(shape, SH.targetNode)):
            branches.append(f"BIND ({_term(n, where)} AS ?this)")
        for p in sorted(sg.objects(shape, SH.targetSubjectsOf)):
            branches.append(f"?this {_iri(p, where)} ?__to .")
        for p in sorted(sg.objects(shape, SH.targetObjectsOf)):
            branches.append(f"?__ts {_iri(p, where)} ?this .")
        for target in sorted(sg.objects(shape, SH.target)):
            selects = list(sg.objects(target, SH.select))
            if not selects and SH.SPARQLTarget not in set(sg.objects(target, RDF.type)):
                raise UnsupportedShapeError(f"{where}only SPARQL targets (sh:SPARQLTarget with sh:select) are "
                                            "supported in sh:target")
            if len(selects) != 1:
                raise UnsupportedShapeError(f"{where}a SPARQL target needs exactly one sh:select")
            select = _parse_select(str(selects[0]), where + "SPARQL target: ")
            if "this" not in select.variables:
                raise UnsupportedShapeError(f"{where}the SPARQL target does not select ?this")
            declared = _declared_prefixes(sg, target)
            declared.update(select.prefixes)
            _merge_prefixes(prefixes, declared, where)
            branches.append(f"{{ SELECT ?this WHERE {{ {{ {select.text} }} }} }}")
        if not branches:
            return None
        if len(branches) == 1 and not branches[0].startswith("{"):
            return f"{FOCUS_MARK}{branches[0]}"
        union = branches[0] if len(branches) == 1 else " UNION ".join(f"{{ {b} }}" for b in branches)
        return f"{{ SELECT DISTINCT ?this WHERE {{\n{FOCUS_MARK}{union}\n}} }}"

    def targets_implied(self, shape: Node, path: Node) -> bool:
        """True when every focus node with a value is a target: the only targets are sh:targetSubjectsOf and the
        path is one of those predicates (or an alternative of them)."""
        sg = self.sg
        if any((shape, p, None) in sg for p in (SH.targetClass, SH.targetNode, SH.targetObjectsOf, SH.target)):
            return False
        if set(sg.objects(shape, RDF.type)) & (set(sg.subjects(RDFS.subClassOf, RDFS.Class)) | {RDFS.Class}):
            return False
        subjects_of = set(sg.objects(shape, SH.targetSubjectsOf))
        if isinstance(path, URIRef):
            return path in subjects_of
        alternatives = sg.value(path, SH.alternativePath)
        if alternatives is None or len(list(sg.predicate_objects(path))) != 1:
            return False
        members = self.items(alternatives, "")
        return bool(members) and all(isinstance(m, URIRef) and m in subjects_of for m in members)

    # ------------------------------------------------------------------ compile

    def compile(self) -> CompiledShapes:
        sg = self.sg
        for cc in sg.subjects(RDF.type, SH.ConstraintComponent):
            raise UnsupportedShapeError(f"custom constraint component {self.name(cc)} is not supported")
        for p in (SH.rule, SH.entailment, SH.shapesGraph):
            if (None, p, None) in sg:
                raise UnsupportedShapeError(f"{self.name(p)} is not supported")
        for shape in sorted(self.shapes, key=str):
            for pred in set(sg.predicates(shape, None)):
                if str(pred).startswith(str(SH)) and pred not in SUPPORTED:
                    raise UnsupportedShapeError(f"{self.name(shape)}: {self.name(pred)} is not supported by the "
                                                "SPARQL compiler", hint="validate with pySHACL (aiworkforce.validate)")
            if shape not in self.property_shapes:
                bad = PROPERTY_ONLY & set(sg.predicates(shape, None))
                if bad:
                    raise UnsupportedShapeError(f"{self.name(shape)}: {self.name(bad.pop())} needs a property shape")

        constraints: list[CompiledConstraint] = []
        for shape in sorted(self.shapes, key=str):
            if self.deactivated(shape):
                continue
            prefixes: dict[str, str] = {}
            group = self.target_group(shape, prefixes)
            if group is None:
                continue
            constraints += self.shape_constraints(shape, shape, group, prefixes)
            for prop in sorted(sg.objects(shape, SH.property), key=str):
                if prop not in self.property_shapes:
                    raise UnsupportedShapeError(f"{self.name(shape)}: sh:property {self.name(prop)} has no sh:path")
                if self.deactivated(prop):
                    continue
                constraints += self.shape_constraints(prop, shape, group, dict(prefixes))
        return CompiledShapes(tuple(constraints), self.namespaces, dict(self.path_nodes))

    def shape_constraints(self, shape: Node, focus_from: Node, group: str,
                          prefixes: dict[str, str]) -> list[CompiledConstraint]:
        sg = self.sg
        where = f"{self.name(shape)}: "
        is_prop = shape in self.property_shapes
        if is_prop and (shape, SH.property, None) in sg:
            raise UnsupportedShapeError(f"{where}sh:property inside a property shape is not supported")
        if not is_prop and shape != focus_from:
            raise UnsupportedShapeError(f"{where}is used as a property shape but has no sh:path")
        path_node = self.one(shape, SH.path)
        path = self.sparql_path(path_node, where) if is_prop else None
        result_path = self.result_path(path_node) if is_prop else None
        severity = self.severity(shape)
        messages = tuple(sorted(m for m in sg.objects(shape, SH.message) if isinstance(m, Literal)))
        out: list[CompiledConstraint] = []
        preds = set(sg.predicates(shape, None))

        def need_message(param: URIRef) -> None:
            if not messages:
                raise UnsupportedShapeError(
                    f"{where}{self.name(param)} would report without sh:message (pySHACL's generic messages are "
                    "not reproduced)", hint="give the shape an sh:message")

        # Rows that come from the value nodes (never from a focus node without values) need no target subquery
        # when the value pattern implies the targets: sh:targetSubjectsOf P with sh:path P.
        implied = is_prop and shape == focus_from and self.targets_implied(shape, path_node)

        def add(param: URIRef, body: str, *, value: str | None, select: str = "DISTINCT ?this ?value",
                tail: str = "", component: URIRef | None = None, from_values: bool = False):
            need_message(param)
            focus = FOCUS_MARK if (from_values and implied) else group + "\n"
            if not select.startswith("DISTINCT"):
                select = "DISTINCT " + select
            query = f"{_prologue(prefixes)}SELECT {select} WHERE {{\n{focus}{body}\n}}{tail}"
            out.append(CompiledConstraint(shape, component or COMPONENTS[param], severity, result_path, messages,
                                          query, value, focus_from))

        # value nodes: ?value (distinct pairs already when the path is one IRI)
        values = f"?this {path} ?value ." if is_prop else "BIND (?this AS ?value)"
        value_var = "value" if is_prop else "this"
        select_v = "DISTINCT ?this ?value" if is_prop else "DISTINCT ?this"

        for param in VALUE_PARAMS:
            if param not in preds:
                continue
            if param == SH["class"]:  # MINUS: one hash anti-join instead of a probe per value
                for cls in sorted(sg.objects(shape, param), key=str):
                    add(param, f"{values}\nMINUS {{ ?value {TYPE_PATH} {_iri(cls, where)} }}", value=value_var,
                        select=select_v, from_values=True)
                continue
            for expr in self.value_checks(shape, param, "?value", where):
                add(param, f"{values}\nFILTER (!({expr}))", value=value_var, select=select_v, from_values=True)
            if param == SH.node:  # pySHACL also reports the helper's own results, with the value as focus node
                for helper in sorted(sg.objects(shape, SH.node), key=str):
                    for dshape, comp, expr, has_value in self.node_details(helper, "?value", where, (shape,)):
                        dmessages = tuple(sorted(m for m in sg.objects(dshape, SH.message) if isinstance(m, Literal)))
                        if not dmessages:
                            raise UnsupportedShapeError(
                                f"{self.name(dshape)}: reports under sh:node without sh:message (pySHACL's generic "
                                "messages are not reproduced)", hint="give the shape an sh:message")
                        focus = FOCUS_MARK if implied else group + "\n"
                        query = (f"{_prologue(prefixes)}SELECT DISTINCT ?this ?value WHERE {{\n{focus}{values}\n"
                                 f"FILTER (!({expr}))\n}}")
                        out.append(CompiledConstraint(dshape, comp, self.severity(dshape), None, dmessages, query,
                                                      "value" if has_value else None, focus_from, focus_var="value"))

        for param in PAIR_PARAMS:
            for other in sorted(sg.objects(shape, param)):
                o = _iri(other, where)
                if param == SH.disjoint:
                    add(param, f"{values}\n?this {o} ?value .", value=value_var, select=select_v, from_values=True)
                elif param == SH.equals:
                    if is_prop:
                        body = (f"{{ ?this {path} ?value . FILTER NOT EXISTS {{ ?this {o} ?value }} }} UNION "
                                f"{{ ?this {o} ?value . FILTER NOT EXISTS {{ ?this {path} ?value }} }}")
                    else:
                        body = (f"{{ BIND (?this AS ?value) FILTER NOT EXISTS {{ ?this {o} ?this }} }} UNION "
                                f"{{ ?this {o} ?value . FILTER (!sameTerm(?value, ?this)) }}")
                    add(param, body, value="value")
                else:  # lessThan / lessThanOrEquals: one result per failing pair
                    op = "<" if param == SH.lessThan else "<="
                    add(param, f"{values}\n?this {o} ?__o .\nFILTER ({_fails_compare('?value', '?__o', op)})",
                        value="value", select="DISTINCT ?this ?value ?__o", from_values=True)

        min_count = self.integer(shape, SH.minCount)
        if min_count:  # sh:minCount 0 always passes
            if min_count == 1:
                add(SH.minCount, f"FILTER NOT EXISTS {{ ?this {path} ?__v }}", value=None, select="?this")
            else:
                add(SH.minCount, f"OPTIONAL {{ ?this {path} ?__v }}", value=None, select="?this",
                    tail=f"\nGROUP BY ?this HAVING (COUNT(DISTINCT ?__v) < {min_count})")
        max_count = self.integer(shape, SH.maxCount)
        if max_count == 0:
            add(SH.maxCount, f"?this {path} ?__v .", value=None, select="DISTINCT ?this", from_values=True)
        elif max_count == 1:  # a self-join is cheaper than grouping every focus node
            add(SH.maxCount, f"?this {path} ?__a .\n?this {path} ?__b .\nFILTER (!sameTerm(?__a, ?__b))",
                value=None, select="DISTINCT ?this", from_values=True)
        elif max_count is not None:
            add(SH.maxCount, f"?this {path} ?__v .", value=None, select="?this",
                tail=f"\nGROUP BY ?this HAVING (COUNT(DISTINCT ?__v) > {max_count})", from_values=True)
        unique = self.one(shape, SH.uniqueLang)
        if unique is not None:
            if not (isinstance(unique, Literal) and isinstance(unique.value, bool)):
                raise UnsupportedShapeError(f"{where}sh:uniqueLang must be a boolean")
            if unique.value:  # one result per focus node and language used by two values or more
                add(SH.uniqueLang, f"?this {path} ?__a .\n?this {path} ?__b .\n"
                                   "FILTER (!sameTerm(?__a, ?__b) && isLiteral(?__a) && isLiteral(?__b) && "
                                   "LANG(?__a) != \"\" && LCASE(LANG(?__a)) = LCASE(LANG(?__b)))\n"
                                   "BIND (LCASE(LANG(?__a)) AS ?__lang)", value=None,
                    select="DISTINCT ?this ?__lang", from_values=True)

        for qvs in sorted(sg.objects(shape, SH.qualifiedValueShape), key=str):
            disjoint = self.one(shape, SH.qualifiedValueShapesDisjoint)
            if disjoint is not None and bool(getattr(disjoint, "value", False)):
                raise UnsupportedShapeError(f"{where}sh:qualifiedValueShapesDisjoint true is not supported")
            q_min = self.integer(shape, SH.qualifiedMinCount)
            q_max = self.integer(shape, SH.qualifiedMaxCount)
            if q_min is None and q_max is None:
                raise UnsupportedShapeError(f"{where}sh:qualifiedValueShape without a qualified count")
            conforms = self.conforms(qvs, "?__q", where, ())
            q_values = f"?this {path} ?__q ."  # a property shape (see PROPERTY_ONLY)
            if q_max is not None:
                add(SH.qualifiedValueShape, f"{q_values}\nFILTER ({conforms})", value=None, select="?this",
                    tail=f"\nGROUP BY ?this HAVING (COUNT(DISTINCT ?__q) > {q_max})",
                    component=SH.QualifiedMaxCountConstraintComponent, from_values=True)
            if q_min:
                if q_min == 1:
                    body = f"FILTER NOT EXISTS {{ {q_values}\nFILTER ({conforms}) }}"
                    add(SH.qualifiedValueShape, body, value=None, select="?this",
                        component=SH.QualifiedMinCountConstraintComponent)
                else:
                    add(SH.qualifiedValueShape, f"OPTIONAL {{ {q_values}\nFILTER ({conforms}) }}", value=None,
                        select="?this", tail=f"\nGROUP BY ?this HAVING (COUNT(DISTINCT ?__q) < {q_min})",
                        component=SH.QualifiedMinCountConstraintComponent)

        for hv in sorted(sg.objects(shape, SH.hasValue)):
            if is_prop:
                add(SH.hasValue, f"FILTER NOT EXISTS {{ ?this {path} {_term(hv, where)} }}", value=None,
                    select="?this")
            else:
                add(SH.hasValue, f"FILTER (!sameTerm(?this, {_term(hv, where)}))", value=None, select="?this")

        closed = self.one(shape, SH.closed)
        if closed is not None and bool(getattr(closed, "value", False)):
            if is_prop:
                raise UnsupportedShapeError(f"{where}sh:closed on a property shape is not supported")
            allowed = {p for prop in sg.objects(shape, SH.property) for p in sg.objects(prop, SH.path)
                       if isinstance(p, URIRef)}
            for lst in sg.objects(shape, SH.ignoredProperties):
                allowed |= set(self.items(lst, where))
            test = f"FILTER (?__p NOT IN ({', '.join(_iri(p, where) for p in sorted(allowed))}))" if allowed else ""
            query_body = f"?this ?__p ?value .\n{test}"
            need_message(SH.closed)
            query = f"{_prologue(prefixes)}SELECT DISTINCT ?this ?__p ?value WHERE {{\n{group}\n{query_body}\n}}"
            out.append(CompiledConstraint(shape, SH.ClosedConstraintComponent, severity, None, messages, query,
                                          "value", focus_from, projected=("__p",)))

        for constraint in sorted(sg.objects(shape, SH.sparql), key=str):
            compiled = self.sparql_constraint(shape, constraint, focus_from, group, dict(prefixes), is_prop,
                                              path, result_path, severity, messages)
            if compiled is not None:
                out.append(compiled)
        return out

    # ------------------------------------------------------------------ value checks

    def value_checks(self, shape: Node, param: URIRef, x: str, where: str, stack: tuple = ()) -> list[str]:
        """Boolean SPARQL expressions (never raising) that hold when value ``x`` satisfies ``param``: one per
        result pySHACL would report for a failing value."""
        sg = self.sg
        values = sorted(sg.objects(shape, param), key=str)
        if param == SH["class"]:
            return [f"EXISTS {{ {x} {TYPE_PATH} {_iri(c, where)} }}" for c in values]
        if param == SH.datatype:
            if len(values) != 1:
                raise UnsupportedShapeError(f"{where}sh:datatype needs exactly one value")
            return [_datatype_ok(x, values[0], where)]
        if param == SH.nodeKind:
            if len(values) != 1 or values[0] not in NODE_KINDS:
                raise UnsupportedShapeError(f"{where}sh:nodeKind needs one of the six node kinds")
            return [NODE_KINDS[values[0]].format(x=x)]
        if param == SH.pattern:
            flags_node = self.one(shape, SH.flags)
            flags = "".join(f for f in "im" if f in str(flags_node).lower()) if flags_node is not None else ""
            out = []
            for pattern in values:
                if not isinstance(pattern, Literal):
                    raise UnsupportedShapeError(f"{where}sh:pattern must be a literal")
                out.append(_ok(f"!isBlank({x}) && {_regex_expr(x, str(pattern), flags, where)}"))
            return out
        if param in (SH.minLength, SH.maxLength):
            limit = self.integer(shape, param)
            if param == SH.minLength and limit == 0:
                return ["true"]
            op = ">=" if param == SH.minLength else "<="
            return [_ok(f"!isBlank({x}) && STRLEN(STR({x})) {op} {limit}")]
        if param == SH.languageIn:
            if len(values) != 1:
                raise UnsupportedShapeError(f"{where}sh:languageIn needs exactly one list")
            langs = []
            for item in self.items(values[0], where):
                if not isinstance(item, Literal) or not isinstance(item.value, str):
                    raise UnsupportedShapeError(f"{where}sh:languageIn members must be strings")
                langs.append(str(item.value).lower())
            if "*" in langs:
                return [_ok(f'isLiteral({x}) && LANG({x}) != ""')]
            if not langs:
                return ["false"]
            listed = ", ".join(_string(lang) for lang in langs)
            return [_ok(f'isLiteral({x}) && LANG({x}) != "" && (LCASE(LANG({x})) IN ({listed}) || '
                        f'LCASE(STRBEFORE(CONCAT(LANG({x}), "-"), "-")) IN ({listed}))')]
        if param == SH["in"]:
            if len(values) != 1:
                raise UnsupportedShapeError(f"{where}sh:in needs exactly one list")
            members = self.items(values[0], where)
            return ["(" + (" || ".join(f"sameTerm({x}, {_term(m, where)})" for m in members) or "false") + ")"]
        if param in (SH.minInclusive, SH.minExclusive, SH.maxInclusive, SH.maxExclusive):
            op = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=", SH.maxExclusive: "<"}[param]
            out = []
            for limit in values:
                if not isinstance(limit, Literal) or limit.datatype not in NUMERIC_OR_TIME or limit.value is None:
                    raise UnsupportedShapeError(
                        f"{where}{self.name(param)} is only supported with a numeric, date or time value")
                out.append(_range_ok(x, op, _term(limit, where), _string(str(limit.datatype))))
            return out
        if param == SH.node:
            return [self.conforms(v, x, where, stack, strict=True) for v in values]
        if param == SH["not"]:
            return [f"!({self.conforms(v, x, where, stack)})" for v in values]
        if param in (SH["and"], SH["or"], SH.xone):
            out = []
            for lst in values:
                parts = [self.conforms(m, x, where, stack) for m in self.items(lst, where)]
                if param == SH["and"]:
                    out.append("(" + (" && ".join(parts) or "true") + ")")
                elif param == SH["or"]:
                    out.append("(" + (" || ".join(parts) or "false") + ")")
                else:
                    out.append("((" + (" + ".join(f"IF({p}, 1, 0)" for p in parts) or "0") + ") = 1)")
            return out
        raise AssertionError(param)  # pragma: no cover

    def conforms(self, helper: Node, x: str, where: str, stack: tuple, strict: bool = False) -> str:
        """A SPARQL boolean: value ``x`` conforms to ``helper`` (a shape used by sh:node, sh:qualifiedValueShape...).

        As in pySHACL run by aiworkforce.validate (``allow_warnings=True``), a helper whose sh:severity is
        sh:Warning or sh:Info always conforms for sh:qualifiedValueShape, sh:not, sh:and, sh:or and sh:xone;
        sh:node is ``strict``: it fails as soon as the helper reports anything. A deactivated helper conforms.
        """
        if self.deactivated(helper):
            return "true"
        if not strict and self.severity(helper) is not Severity.VIOLATION:
            return "true"
        parts = [expr for _, expr, _ in self.helper_checks(helper, x, where, stack)]
        return "(" + (" && ".join(parts) or "true") + ")"

    def helper_checks(self, helper: Node, x: str, where: str, stack: tuple) -> list[tuple[URIRef, str, bool]]:
        """The constraints of a helper shape on value ``x``: (component, boolean expression, reports a value)."""
        sg = self.sg
        inner = f"{where}{self.name(helper)}: "
        if helper in stack:
            raise UnsupportedShapeError(f"{inner}recursive shapes are not supported")
        if helper not in self.shapes:
            raise UnsupportedShapeError(f"{inner}is not a shape")
        preds = set(sg.predicates(helper, None))
        not_value_level = {SH.property, SH.sparql, SH.closed, *COUNT_PARAMS, *PAIR_PARAMS}
        if helper in self.property_shapes or preds & not_value_level:
            raise UnsupportedShapeError(
                f"{inner}only value-level constraints (sh:class, sh:in, sh:datatype, sh:pattern, ...) and logical "
                "constraints are supported in a shape used by sh:node / sh:qualifiedValueShape / sh:and ...")
        checks = []
        for param in VALUE_PARAMS:
            if param in preds:
                for expr in self.value_checks(helper, param, x, inner, stack + (helper,)):
                    checks.append((COMPONENTS[param], expr, True))
        for hv in sorted(sg.objects(helper, SH.hasValue)):
            checks.append((SH.HasValueConstraintComponent, f"sameTerm({x}, {_term(hv, inner)})", False))
        return checks

    def node_details(self, helper: Node, x: str, where: str, stack: tuple) -> list[tuple]:
        """The results pySHACL nests under an sh:node result (and adds to the report): those of validating the
        value against the helper, recursively through its own sh:node. (shape, component, expression, value)."""
        if self.deactivated(helper):
            return []
        out = [(helper, comp, expr, has_value) for comp, expr, has_value in self.helper_checks(helper, x, where, stack)]
        for nested in sorted(self.sg.objects(helper, SH.node), key=str):
            out += self.node_details(nested, x, where, stack + (helper,))
        return out

    # ------------------------------------------------------------------ SPARQL-based constraints

    def sparql_constraint(self, shape, constraint, focus_from, group, prefixes, is_prop, path, result_path,
                          severity, shape_messages) -> CompiledConstraint | None:
        sg = self.sg
        where = f"{self.name(shape)}: sh:sparql: "
        deact = self.one(constraint, SH.deactivated)
        if deact is not None and bool(getattr(deact, "value", False)):
            return None
        if (constraint, SH.ask, None) in sg:
            raise UnsupportedShapeError(f"{where}sh:ask constraints are not supported")
        selects = list(sg.objects(constraint, SH.select))
        if len(selects) != 1 or not isinstance(selects[0], Literal):
            raise UnsupportedShapeError(f"{where}needs exactly one sh:select string")
        text = str(selects[0])
        select = _parse_select(text, where)
        masked_body = _mask(select.body)
        for keyword in ("MINUS", "VALUES", "SERVICE", "SELECT"):
            if re.search(rf"(?<![\w:?$]){keyword}\b", masked_body, re.IGNORECASE):
                raise UnsupportedShapeError(f"{where}{keyword} inside a SPARQL constraint is not supported")
        if select.tail.strip() or re.search(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(",
                                            _mask(select.projection), re.IGNORECASE):
            raise UnsupportedShapeError(f"{where}aggregates and solution modifiers (GROUP BY, ORDER BY, LIMIT...) "
                                        "are not supported in a SPARQL constraint")
        if "failure" in select.variables:
            raise UnsupportedShapeError(f"{where}?failure is not supported")
        if re.search(r"\bAS\s+[?$](this|currentShape|shapesGraph)\b", _mask(text), re.IGNORECASE):
            raise UnsupportedShapeError(f"{where}pre-bound variables cannot be re-bound with AS")
        body = select.body
        if re.search(r"[$?]__", _mask(body)):
            raise UnsupportedShapeError(f"{where}variables starting with __ are reserved by the SPARQL compiler")
        if re.search(r"[$?]shapesGraph\b", _mask(body)):
            raise UnsupportedShapeError(f"{where}$shapesGraph is not supported")
        body = re.sub(r"([\s{}()])[$?]currentShape\b", lambda m: m[1] + _term(shape, where), body)
        if re.search(r"[$?]PATH\b", _mask(body)):
            if not is_prop:
                raise UnsupportedShapeError(f"{where}$PATH in the constraint of a node shape")
            body = re.sub(r"([\s{}()])[$?]PATH\b", lambda m: m[1] + path, body)
        declared = _declared_prefixes(sg, constraint)
        declared.update(select.prefixes)
        _merge_prefixes(prefixes, declared, where)
        projection = re.sub(r"^\s*(DISTINCT|REDUCED)\b", "", select.projection, flags=re.IGNORECASE).strip()
        if "this" not in select.variables:
            projection = "?this " + projection
        messages = tuple(sorted(set(shape_messages) | {m for m in sg.objects(constraint, SH.message)
                                                       if isinstance(m, Literal)}))
        query = f"{_prologue(prefixes)}SELECT DISTINCT {projection} WHERE {{\n{group}\n{body}\n}}"
        return CompiledConstraint(shape, SH.SPARQLConstraintComponent, severity, result_path, messages, query,
                                  "value", focus_from, sparql=True, projected=select.variables,
                                  node_shape=not is_prop)


def _report_like_graph(namespaces: Iterable[tuple[str, str]]) -> Graph:
    """An empty graph with the prefixes of pySHACL's report graph: rdflib's core ones, then the shapes graph's."""
    g = Graph(bind_namespaces="core")
    for prefix, namespace in namespaces:
        g.namespace_manager.bind(prefix, URIRef(namespace))
    return g


def _closure(graph: Graph, node: Node, seen: set | None = None) -> Iterator[tuple]:
    """The triples describing blank node ``node`` (a path), recursively."""
    seen = set() if seen is None else seen
    if not isinstance(node, BNode) or node in seen:
        return
    seen.add(node)
    for p, o in graph.predicate_objects(node):
        yield (node, p, o)
        yield from _closure(graph, o, seen)


def _datatype_ok(x: str, datatype: Node, where: str) -> str:
    """pySHACL's sh:datatype test: the literal has the datatype and, for the XSD types rdflib parses, a valid
    lexical form (a cast succeeds, and rdflib did not find it ill-typed when the data came from rdflib)."""
    if datatype == RDFS.Literal:
        return f"isLiteral({x})"
    if datatype == RDFS.Datatype:
        raise UnsupportedShapeError(f"{where}sh:datatype rdfs:Datatype is not supported")
    if datatype == RDF.langString:
        return _ok(f'isLiteral({x}) && LANG({x}) != ""')
    dt = _iri(datatype, where)
    if datatype == XSD.string:
        return _ok(f"isLiteral({x}) && DATATYPE({x}) = {dt}")
    test = (f"isLiteral({x}) && ((DATATYPE({x}) = {dt} && NOT EXISTS {{ GRAPH <{MARKS}> {{ ?__dt {RETYPED} {x} }} }})"
            f" || EXISTS {{ GRAPH <{MARKS}> {{ {dt} {RETYPED} {x} }} }})")
    if datatype in CHECKED_DATATYPES:
        test += f" && isLiteral({dt}(STR({x})))"
    test += f" && NOT EXISTS {{ GRAPH <{MARKS}> {{ {ILL_TYPED} {x} }} }}"
    return _ok(test)


def _is_string(t: str) -> str:
    """The term is compared as a string by pySHACL (an IRI, or a literal whose rdflib value is a str)."""
    types = ", ".join(f"<{dt}>" for dt in STRING_DATATYPES)
    return f"(isIRI({t}) || (isLiteral({t}) && DATATYPE({t}) IN ({types})))"


def _rdflib_order(v: str, op: str, o: str, o_datatype: str) -> str:
    """``v op o`` for two non-string literals as rdflib orders them (pySHACL compares rdflib Literals).

    Where SPARQL can compare the values (numbers, dates...), so can Python. Where it cannot, rdflib orders the
    literals by the text of their datatype IRIs, except that two literals of the same datatype (one ill-typed)
    and xsd:dateTime / xsd:time values cannot be ordered at all (a TypeError, which pySHACL reports).
    """
    stop = "(1/0)"  # an error: COALESCE and _ok turn it into a failed comparison
    order = (f"IF(DATATYPE({v}) IN (<{XSD.dateTime}>, <{XSD.time}>) || STR(DATATYPE({v})) = {o_datatype}, {stop}, "
             f"IF(STR(DATATYPE({v})) > {o_datatype}, 1, -1))")
    return f"COALESCE({v} {op} {o}, {order} {op} 0)"


def _range_ok(x: str, op: str, limit: str, limit_datatype: str) -> str:
    """sh:minInclusive & co. as pySHACL evaluates them: blank nodes, IRIs and strings fail a numeric limit."""
    return _ok(f"isLiteral({x}) && !{_is_string(x)} && {_rdflib_order(x, op, limit, limit_datatype)}")


def _fails_compare(v: str, o: str, op: str) -> str:
    """pySHACL's sh:lessThan(OrEquals) test fails for the pair: strings (IRIs and string literals) compare as
    strings, other values as rdflib orders them, and a string never compares with a non-string."""
    sv, so = _is_string(v), _is_string(o)
    return (f"({sv} != {so}) || ({sv} && !(STR({v}) {op} STR({o}))) || "
            f"(!{sv} && !{_ok(_rdflib_order(v, op, o, f'STR(DATATYPE({o}))'))})")


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile every shape of ``shapes`` into SPARQL SELECT queries, one per constraint and focus-node set.

    Raises :class:`UnsupportedShapeError` for any SHACL feature that is not implemented, so that no constraint is
    silently skipped, and for any query Oxigraph cannot parse.
    """
    compiled = _Compiler(shapes).compile()
    _check_syntax(compiled)
    return compiled


def _check_syntax(compiled: CompiledShapes) -> None:
    import pyoxigraph

    empty = pyoxigraph.Store()
    for c in compiled.constraints:
        try:
            empty.query(c.query)
        except SyntaxError as exc:
            raise UnsupportedShapeError(f"{c.describe()}: the compiled query does not parse: {exc}\n{c.query}")


@functools.lru_cache(maxsize=1)
def _default_compiled() -> CompiledShapes:
    from .load import load_shapes

    return compile_shapes(load_shapes())


# ---------------------------------------------------------------------------------------------------- data


class _Terms:
    """Converts pyoxigraph terms back to rdflib terms, restoring what the rdflib -> pyoxigraph copy changed."""

    def __init__(self, bnodes: dict | None = None, originals: dict | None = None):
        self.bnodes = bnodes or {}  # pyoxigraph blank node id -> rdflib BNode
        self.originals = originals or {}  # pyoxigraph literal as stored -> the rdflib literal it came from
        self.cache: dict = {}

    def __call__(self, term: Any) -> Node | None:
        if term is None:
            return None
        try:
            return self.cache[term]
        except KeyError:
            node = self.originals.get(term)
            if node is None:
                node = _from_ox(term, self.bnodes)
            self.cache[term] = node
            return node


def _from_ox(term: Any, bnodes: dict | None = None) -> Node:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return (bnodes or {}).get(term.value) or BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value) if datatype == str(XSD.string) else Literal(term.value, datatype=URIRef(datatype))
    raise DataError(f"unexpected term in a query result: {term!r}")


def _exact(a: Node, b: Node) -> bool:
    """The same literal, to the letter (rdflib's == ignores the case of language tags)."""
    return str(a) == str(b) and a.language == b.language and a.datatype == b.datatype


def load_store(data: Graph) -> tuple[pyoxigraph.Store, _Terms]:
    """Copy an rdflib graph into a new in-memory pyoxigraph store, keeping what pySHACL would see.

    Returns the store and the converter that maps result terms back to the graph's own terms. Oxigraph stores
    some literals differently from rdflib: it lower-cases language tags, writes numbers, booleans and dates in
    canonical form (``"11.0"^^xsd:decimal`` as ``"11"``), keeps ``xsd:int``, ``xsd:long``... as ``xsd:integer``
    and does not tell ``"a"`` from ``"a"^^xsd:string``. The converter gives back the rdflib literal, and the
    original datatypes, as well as the literals rdflib found ill-typed, are recorded in a private named graph that
    the ``sh:datatype`` queries consult. (Two rdflib literals stored as the same Oxigraph literal, such as
    ``"11.0"`` and ``"11.00"``, cannot be told apart.)
    """
    import pyoxigraph as ox

    store = ox.Store()
    back: dict = {}
    cache: dict = {}
    changed: list = []  # literals Oxigraph may store differently: (rdflib literal, pyoxigraph literal)
    unchanged: set = set()  # literals stored as written (plain, or with a lower-case language tag)

    def conv(term: Node):
        try:
            return cache[term]
        except KeyError:
            pass
        if isinstance(term, URIRef):
            out = ox.NamedNode(str(term))
        elif isinstance(term, BNode):
            try:
                out = ox.BlankNode(str(term))
            except ValueError:
                out = ox.BlankNode()
            back[out.value] = term
        elif isinstance(term, Literal):
            if term.language:
                out = ox.Literal(str(term), language=term.language)
                if term.language != term.language.lower():
                    changed.append((term, out))
                else:
                    unchanged.add(out)
            elif term.datatype is not None:
                out = ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
                changed.append((term, out))
            else:
                out = ox.Literal(str(term))
                unchanged.add(out)
        else:
            raise DataError(f"cannot copy {term!r} into pyoxigraph")
        cache[term] = out
        return out

    store.extend(ox.Quad(conv(s), conv(p), conv(o)) for s, p, o in data.triples((None, None, None)))
    originals: dict = {}
    if changed:
        # How Oxigraph stores each literal: round-trip them through a scratch store.
        scratch, pred = ox.Store(), ox.NamedNode(f"{MARKS}#literal")
        scratch.extend(ox.Quad(ox.NamedNode(f"{MARKS}#{i}"), pred, lit) for i, (_, lit) in enumerate(changed))
        stored = {q.subject.value: q.object for q in scratch.quads_for_pattern(None, pred, None)}
        by_stored: dict = {}
        marks = []
        mark, ill_pred = ox.NamedNode(MARKS), ox.NamedNode(f"{MARKS}#ill-typed")
        retyped_pred = ox.NamedNode(f"{MARKS}#datatype")
        for i, (orig, _) in enumerate(changed):
            lit = stored[f"{MARKS}#{i}"]
            if getattr(orig, "ill_typed", False):
                marks.append(ox.Quad(mark, ill_pred, lit, mark))
            elif orig.datatype is not None and lit.datatype.value != str(orig.datatype):
                marks.append(ox.Quad(ox.NamedNode(str(orig.datatype)), retyped_pred, lit, mark))
            if _exact(_from_ox(lit), orig):
                unchanged.add(lit)
            else:
                by_stored.setdefault(lit, set()).add(orig)
        for lit, origs in by_stored.items():
            if lit in unchanged:
                continue  # the graph also has the literal as Oxigraph writes it: report that one
            originals[lit] = min(origs, key=lambda o: (str(o), o.language or "", str(o.datatype or "")))
        if marks:
            store.extend(marks)
    return store, _Terms(back, originals)


# ---------------------------------------------------------------------------------------------------- running


def _focus_values(focus_nodes: Iterable[Node]) -> str:
    terms = []
    for node in focus_nodes:
        if isinstance(node, str) and not isinstance(node, Node):
            node = URIRef(node)
        terms.append(_term(node, "focus_nodes: "))
    return f"VALUES ?this {{ {' '.join(sorted(set(terms)))} }}\n"


def _format_message(msg: str, bound: dict) -> str:
    """pySHACL's substitution of ``{?var}`` / ``{$var}`` in the message of a SPARQL-based constraint."""
    for var, val in bound.items():
        msg = re.sub(f"{{[?$]{var}}}", str(val), msg)  # pySHACL: "{{[?$]{}}}".format(var)
    return msg


def default_workers() -> int:
    """Threads used to run the queries: the CPUs this process may use, at most 4 (Oxigraph releases the GIL)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return max(1, min(4, cpus))


def validate_store(store: pyoxigraph.Store, compiled: CompiledShapes | Graph, *,
                   focus_nodes: Iterable[Node] | None = None, terms: Any = None,
                   union_default_graph: bool = False, workers: int | None = None) -> tuple[Problem, ...]:
    """Run the compiled shapes on a pyoxigraph store: every constraint is one query over the whole store.

    ``focus_nodes``: validate only these focus nodes (IRIs; an empty collection validates nothing).
    ``terms``: the converter returned by :func:`load_store` (default: a plain pyoxigraph -> rdflib conversion).
    ``union_default_graph``: query the union of the store's graphs instead of its default graph.
    ``workers``: how many queries run at once on threads (default :func:`default_workers`; 1 runs them in turn).
    Returns the problems sorted like :func:`aiworkforce.validate.validate`'s.
    """
    if isinstance(compiled, Graph):
        compiled = compile_shapes(compiled)
    to_rdf = terms if terms is not None else _Terms()
    focus = None
    if focus_nodes is not None:
        focus_nodes = list(focus_nodes)
        if not focus_nodes:
            return ()
        focus = _focus_values(focus_nodes)

    def run(c: CompiledConstraint) -> list:
        query = c.query if focus is None else c.query.replace(FOCUS_MARK, focus)
        try:
            return list(store.query(query, use_default_graph_as_union=union_default_graph))
        except (SyntaxError, OSError, ValueError, RuntimeError) as exc:
            raise DataError(f"{c.describe()}: the query failed: {exc}") from None

    workers = default_workers() if workers is None else max(1, int(workers))
    if workers == 1 or len(compiled.constraints) < 2:
        results = map(run, compiled.constraints)
        pool = None
    else:
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="shaclsparql")
        results = pool.map(run, compiled.constraints)
    problems: list[Problem] = []
    try:
        for c, rows in zip(compiled.constraints, results):
            problems.extend(_rows_to_problems(c, rows, to_rdf))
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    return tuple(sorted(problems, key=_order))


def _order(p: Problem) -> tuple:
    """aiworkforce.validate's order (Problem.sort_key), made total so that the output is deterministic."""
    return (p.sort_key, str(p.shape), str(p.component), str(p.value or ""), repr(p.value))


def _rows_to_problems(c: CompiledConstraint, rows, to_rdf) -> Iterator[Problem]:
    if not c.sparql:
        message = c.message
        for row in rows:
            focus = to_rdf(row[c.focus_var])
            if c.component == SH.ClosedConstraintComponent:
                yield Problem(c.severity, focus, to_rdf(row["__p"]), c.shape, message, to_rdf(row["value"]),
                              c.component)
                continue
            value = focus if c.value_var == "this" else to_rdf(row[c.value_var]) if c.value_var else None
            yield Problem(c.severity, focus, c.path, c.shape, message, value, c.component)
        return
    projected = c.projected
    others = [v for v in projected if v not in ("this", "path", "value")]
    for row in rows:
        f = to_rdf(row["this"])
        t = f if "this" in projected else None
        p = to_rdf(row["path"]) if "path" in projected else None
        v = to_rdf(row["value"]) if "value" in projected else None
        if t is None and p is None and v is None:
            continue  # pySHACL ignores such rows
        if v is None and c.node_shape:
            v = f
        bound = {name: to_rdf(row[name]) for name in others}
        bound = {name: val for name, val in bound.items() if val is not None}
        if t is not None:
            bound["this"] = t
        if p is not None:
            bound["path"] = p
        if v is not None:
            bound["value"] = v
        messages = [_format_message(str(m), bound) for m in c.messages]
        path = p if p is not None else c.path
        if isinstance(path, BNode):
            path = Literal(str(path))
        yield Problem(c.severity, t or f, path, c.shape, min(messages, default=NO_MESSAGE), v, c.component)


def _report_graph(problems: tuple[Problem, ...], compiled: CompiledShapes) -> Graph:
    """A SHACL validation report equivalent to pySHACL's (one sh:resultMessage per result)."""
    g = _report_like_graph(compiled.namespaces)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not any(p.severity is Severity.VIOLATION for p in problems))))
    severities = {Severity.VIOLATION: SH.Violation, Severity.WARNING: SH.Warning, Severity.INFO: SH.Info}
    for p in problems:
        r = BNode()
        g.add((report, SH.result, r))
        g.add((r, RDF.type, SH.ValidationResult))
        g.add((r, SH.resultSeverity, severities[p.severity]))
        g.add((r, SH.focusNode, p.focus))
        g.add((r, SH.sourceShape, p.shape))
        g.add((r, SH.resultMessage, Literal(p.message)))
        if p.component is not None:
            g.add((r, SH.sourceConstraintComponent, p.component))
        if p.value is not None:
            g.add((r, SH.value, p.value))
        if p.path is not None:
            structure = compiled.path_nodes.get(str(p.path)) if isinstance(p.path, Literal) else None
            if structure:
                node, triples = structure
                g.add((r, SH.resultPath, node))
                for t in triples:
                    g.add(t)
            else:
                g.add((r, SH.resultPath, p.path))
    return g


def validate_fast(data: Graph | None = None, *, shapes: Graph | CompiledShapes | None = None,
                  store: pyoxigraph.Store | None = None, focus_nodes: Iterable[Node] | None = None,
                  workers: int | None = None) -> ValidationReport:
    """:func:`aiworkforce.validate.validate` computed with compiled SPARQL on pyoxigraph.

    Validate ``data`` (an rdflib graph, default the shipped knowledge graph; it must contain the ontology) or an
    existing pyoxigraph ``store`` (the data never become an rdflib graph) against ``shapes`` (a shapes graph or
    :class:`CompiledShapes`; default all shipped shapes, compiled once per process). ``conforms`` is true when
    there is no violation. Neither the graph nor the store is modified.
    """
    if data is not None and store is not None:
        raise ValueError("pass either an rdflib graph or a pyoxigraph store, not both")
    if shapes is None:
        compiled = _default_compiled()
    elif isinstance(shapes, CompiledShapes):
        compiled = shapes
    else:
        compiled = compile_shapes(shapes)
    if store is None:
        if data is None:
            from .load import load_core

            data = load_core()
        store, terms = load_store(data)
        triples = len(data)
    else:
        terms = None
        triples = len(store)
    problems = validate_store(store, compiled, focus_nodes=focus_nodes, terms=terms, workers=workers)
    return ValidationReport(problems=problems, report_graph=_report_graph(problems, compiled), triples=triples)
