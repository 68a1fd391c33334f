"""The SPARQL query of each constraint component: one query per constraint, selecting only the violating rows.

SHACL 4 Core Constraint Components (https://www.w3.org/TR/shacl/#core-components) and 5 SPARQL-based Constraints
(https://www.w3.org/TR/shacl/#sparql-constraints). Given a shape, the pattern binding its focus nodes and its path
as SPARQL text (:mod:`aiworkforce.validation.shacl.compiler`), :class:`ComponentCompiler` writes:

* **Constraints.** One query per constraint (per parameter value where pySHACL reports per value, e.g. one per
  ``sh:class``, ``sh:pattern`` or ``sh:disjoint`` value), selecting only the violating rows:
  value-level components (``sh:class``, ``sh:datatype``, ``sh:nodeKind``, ``sh:pattern`` + ``sh:flags``,
  ``sh:minLength``, ``sh:maxLength``, ``sh:languageIn``, ``sh:in``, ``sh:minInclusive`` and the other ranges,
  ``sh:node``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``; https://www.w3.org/TR/shacl/#core-components-value-type,
  #core-components-string, #core-components-range, #core-components-logical, #core-components-shape) are a
  ``FILTER`` on the value rows (``sh:class`` a ``MINUS``: one hash anti-join); counts (``sh:minCount``,
  ``sh:maxCount``, ``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount`` / ``sh:qualifiedMaxCount``,
  ``sh:uniqueLang``; #core-components-count) are ``FILTER NOT EXISTS`` (at least one), a self-join (at most one,
  one language) or ``GROUP BY ?this HAVING``; property pairs (``sh:disjoint``, ``sh:equals``, ``sh:lessThan``,
  ``sh:lessThanOrEquals``; #core-components-property-pairs) join the other property; ``sh:hasValue`` is a
  ``FILTER NOT EXISTS``; ``sh:closed`` (node shapes) lists the other predicates (#core-components-others).
  Shapes used as values of ``sh:qualifiedValueShape``, ``sh:node``, ``sh:not``, ``sh:and``, ``sh:or`` and
  ``sh:xone`` are inlined as a boolean SPARQL expression on the value (they may hold value-level constraints and
  further logical constraints, not property shapes).
* **SPARQL-based constraints** (``sh:sparql [ sh:select ]``): the ``WHERE`` body of the query is inlined after the
  target subquery, so ``$this`` is bound by the join instead of pre-bound (the constraint query runs once, not
  once per focus node); ``$PATH`` and ``$currentShape`` are substituted as pySHACL does. Rows are de-duplicated
  like pySHACL (``SELECT DISTINCT`` over the projected variables) and ``{?var}`` / ``{$var}`` in the message are
  replaced exactly as pySHACL does (``re.sub`` with ``str()`` of the bound term, other variables first, then
  ``this``, ``path``, ``value``; see :mod:`aiworkforce.validation.shacl.runner`).
"""

from __future__ import annotations

import re

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.term import Node

from aiworkforce.errors import UnsupportedShapeError
from aiworkforce.validation.report import Severity
from aiworkforce.validation.shacl.compiled import CompiledConstraint
from aiworkforce.validation.shacl.constants import (
    CHECKED_DATATYPES,
    COMPONENTS,
    COUNT_PARAMS,
    FOCUS_MARK,
    ILL_TYPED,
    MARKS,
    NODE_KINDS,
    NUMERIC_OR_TIME,
    PAIR_PARAMS,
    PASSIVE,
    RETYPED,
    STRING_DATATYPES,
    TYPE_PATH,
    VALUE_PARAMS,
    default_message,
)
from aiworkforce.validation.shacl.regex import regex_expr
from aiworkforce.validation.shacl.shapesgraph import ShapesGraph
from aiworkforce.validation.shacl.sparqltext import (
    declared_prefixes,
    mask,
    merge_prefixes,
    parse_select,
    prebinding_is_join,
    prologue,
    sparql_iri,
    sparql_string,
    sparql_term,
)


def _ok(expr: str) -> str:
    """A boolean SPARQL expression that is false where ``expr`` raises an error."""
    return f"COALESCE(({expr}), false)"


def _datatype_ok(x: str, datatype: Node, where: str) -> str:
    """pySHACL's sh:datatype test: the literal has the datatype and, for the XSD types rdflib parses, a valid
    lexical form (a cast succeeds, and rdflib did not find it ill-typed when the data came from rdflib)."""
    if datatype == RDFS.Literal:
        return f"isLiteral({x})"
    if datatype == RDFS.Datatype:
        raise UnsupportedShapeError(f"{where}sh:datatype rdfs:Datatype is not supported")
    if datatype == RDF.langString:
        return _ok(f'isLiteral({x}) && LANG({x}) != ""')
    dt = sparql_iri(datatype, where)
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


class ComponentCompiler(ShapesGraph):
    """Writes the SPARQL query of each constraint of a shape (the focus nodes and the path given)."""

    def constraint_queries(self, shape: Node, focus_from: Node, group: str, prefixes: dict[str, str],
                           path: str | None, result_path: Node | None, implied: bool) -> list[CompiledConstraint]:
        """The queries of the constraints of ``shape`` on the focus nodes of ``focus_from``.

        ``group`` is the pattern binding ``?this`` to those focus nodes, ``prefixes`` the prefixes it needs,
        ``path`` the SPARQL property path of a property shape (None for a node shape) and ``result_path`` its
        :attr:`Problem.path <aiworkforce.validation.report.Problem.path>`; ``implied``: the value nodes imply the
        targets, so queries whose rows come from the values can leave the target pattern out.
        """
        sg = self.sg
        where = f"{self.name(shape)}: "
        is_prop = shape in self.property_shapes
        severity = self.severity(shape)
        messages = tuple(sorted(m for m in sg.objects(shape, SH.message) if isinstance(m, Literal)))
        out: list[CompiledConstraint] = []
        preds = set(sg.predicates(shape, None))

        def add(param: URIRef, body: str, *, value: str | None, select: str = "DISTINCT ?this ?value",
                tail: str = "", component: URIRef | None = None, from_values: bool = False):
            focus = FOCUS_MARK if (from_values and implied) else group + "\n"
            if not select.startswith("DISTINCT"):
                select = "DISTINCT " + select
            query = f"{prologue(prefixes)}SELECT {select} WHERE {{\n{focus}{body}\n}}{tail}"
            comp = component or COMPONENTS[param]
            out.append(CompiledConstraint(shape, comp, severity, result_path, messages or default_message(comp),
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
                    add(param, f"{values}\nMINUS {{ ?value {TYPE_PATH} {sparql_iri(cls, where)} }}", value=value_var,
                        select=select_v, from_values=True)
                continue
            for expr in self.value_checks(shape, param, "?value", where):
                add(param, f"{values}\nFILTER (!({expr}))", value=value_var, select=select_v, from_values=True)
            if param == SH.node:  # pySHACL also reports the helper's own results, with the value as focus node
                for helper in sorted(sg.objects(shape, SH.node), key=str):
                    for dshape, comp, expr, has_value, *prop in self.node_details(helper, "?value", where, (shape,)):
                        dmessages = tuple(sorted(m for m in sg.objects(dshape, SH.message) if isinstance(m, Literal)))
                        dmessages = dmessages or default_message(comp)
                        focus = FOCUS_MARK if implied else group + "\n"
                        dpath, value_expr, v, path_node = prop or (None, None, None, None)
                        if value_expr is not None:  # one result per value of the nested property that fails
                            ppath = self.sparql_path(path_node, where)
                            query = (f"{prologue(prefixes)}SELECT DISTINCT ?this ?value {v} WHERE {{\n{focus}"
                                     f"{values}\n?value {ppath} {v} .\nFILTER (!({value_expr}))\n}}")
                            value_var = v[1:]
                        else:
                            query = (f"{prologue(prefixes)}SELECT DISTINCT ?this ?value WHERE {{\n{focus}{values}\n"
                                     f"FILTER (!({expr}))\n}}")
                            value_var = "value" if has_value else None
                        out.append(CompiledConstraint(dshape, comp, self.severity(dshape), dpath, dmessages, query,
                                                      value_var, focus_from, focus_var="value"))

        for param in PAIR_PARAMS:
            for other in sorted(sg.objects(shape, param)):
                o = sparql_iri(other, where)
                if param == SH.disjoint:
                    add(param, f"{values}\n?this {o} ?value .", value=value_var, select=select_v, from_values=True)
                elif param == SH.equals:
                    if is_prop:
                        body = (f"{{ ?this {path} ?value . FILTER NOT EXISTS {{ ?this {o} ?value }} }} UNION "
                                f"{{ ?this {o} ?value . FILTER NOT EXISTS {{ ?this {path} ?value }} }}")
                    else:  # each branch binds ?this itself: a nested group does not see the outer bindings
                        body = (f"{{ {group}\nBIND (?this AS ?value) FILTER NOT EXISTS {{ ?this {o} ?this }} }} "
                                f"UNION {{ {group}\n?this {o} ?value . FILTER (!sameTerm(?value, ?this)) }}")
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
            if str(unique) == "true":  # only the literal true (the W3C suite: "1"^^xsd:boolean does not count)
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
                add(SH.hasValue, f"FILTER NOT EXISTS {{ ?this {path} {sparql_term(hv, where)} }}", value=None,
                    select="?this")
            else:
                add(SH.hasValue, f"FILTER (!sameTerm(?this, {sparql_term(hv, where)}))", value=None, select="?this")

        closed = self.one(shape, SH.closed)
        if closed is not None and bool(getattr(closed, "value", False)):
            if is_prop:
                raise UnsupportedShapeError(f"{where}sh:closed on a property shape is not supported")
            allowed = {p for prop in sg.objects(shape, SH.property) for p in sg.objects(prop, SH.path)
                       if isinstance(p, URIRef)}
            for lst in sg.objects(shape, SH.ignoredProperties):
                allowed |= set(self.items(lst, where))
            listed = ", ".join(sparql_iri(p, where) for p in sorted(allowed))
            test = f"FILTER (?__p NOT IN ({listed}))" if allowed else ""
            query_body = f"?this ?__p ?value .\n{test}"
            query = f"{prologue(prefixes)}SELECT DISTINCT ?this ?__p ?value WHERE {{\n{group}\n{query_body}\n}}"
            out.append(CompiledConstraint(shape, SH.ClosedConstraintComponent, severity, None,
                                          messages or default_message(SH.ClosedConstraintComponent), query,
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
            return [f"EXISTS {{ {x} {TYPE_PATH} {sparql_iri(c, where)} }}" for c in values]
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
                out.append(_ok(f"!isBlank({x}) && {regex_expr(x, str(pattern), flags, where)}"))
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
            listed = ", ".join(sparql_string(lang) for lang in langs)
            return [_ok(f'isLiteral({x}) && LANG({x}) != "" && (LCASE(LANG({x})) IN ({listed}) || '
                        f'LCASE(STRBEFORE(CONCAT(LANG({x}), "-"), "-")) IN ({listed}))')]
        if param == SH["in"]:
            if len(values) != 1:
                raise UnsupportedShapeError(f"{where}sh:in needs exactly one list")
            members = self.items(values[0], where)
            return ["(" + (" || ".join(f"sameTerm({x}, {sparql_term(m, where)})" for m in members) or "false") + ")"]
        if param in (SH.minInclusive, SH.minExclusive, SH.maxInclusive, SH.maxExclusive):
            op = {SH.minInclusive: ">=", SH.minExclusive: ">", SH.maxInclusive: "<=", SH.maxExclusive: "<"}[param]
            out = []
            for limit in values:
                if not isinstance(limit, Literal) or limit.datatype not in NUMERIC_OR_TIME or limit.value is None:
                    raise UnsupportedShapeError(
                        f"{where}{self.name(param)} is only supported with a numeric, date or time value")
                out.append(_range_ok(x, op, sparql_term(limit, where), sparql_string(str(limit.datatype))))
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

        As in pySHACL run by aiworkforce.validation.validate (``allow_warnings=True``), a helper whose sh:severity is
        sh:Warning or sh:Info always conforms for sh:qualifiedValueShape, sh:not, sh:and, sh:or and sh:xone;
        sh:node is ``strict``: it fails as soon as the helper reports anything. A deactivated helper conforms.
        """
        if self.deactivated(helper):
            return "true"
        if not strict and self.severity(helper) is not Severity.VIOLATION:
            return "true"
        parts = [expr for _, expr, _ in self.helper_checks(helper, x, where, stack)]
        return "(" + (" && ".join(parts) or "true") + ")"

    def helper_checks(self, helper: Node, x: str, where: str, stack: tuple,
                      with_properties: bool = True) -> list[tuple[URIRef, str, bool]]:
        """The constraints of a helper shape on value ``x``: (component, boolean expression, reports a value)."""
        sg = self.sg
        inner = f"{where}{self.name(helper)}: "
        if helper in stack:
            raise UnsupportedShapeError(f"{inner}recursive shapes are not supported")
        if helper not in self.shapes:
            raise UnsupportedShapeError(f"{inner}is not a shape")
        preds = set(sg.predicates(helper, None))
        not_value_level = {SH.sparql, SH.closed, *COUNT_PARAMS, *PAIR_PARAMS}
        if helper in self.property_shapes or preds & not_value_level:
            raise UnsupportedShapeError(
                f"{inner}only value-level constraints (sh:class, sh:in, sh:datatype, sh:pattern, ...), logical "
                "constraints and simple property shapes are supported in a shape used by sh:node / "
                "sh:qualifiedValueShape / sh:and ...")
        checks = []
        for prop in sorted(sg.objects(helper, SH.property), key=str) if with_properties else ():
            if not self.deactivated(prop):
                checks += [(comp, expr, False) for comp, expr, _, _ in
                           self.property_checks(prop, x, inner, stack + (helper,))]
        for param in VALUE_PARAMS:
            if param in preds:
                for expr in self.value_checks(helper, param, x, inner, stack + (helper,)):
                    checks.append((COMPONENTS[param], expr, True))
        for hv in sorted(sg.objects(helper, SH.hasValue)):
            checks.append((SH.HasValueConstraintComponent, f"sameTerm({x}, {sparql_term(hv, inner)})", False))
        return checks

    def fresh(self) -> str:
        self._fresh = getattr(self, "_fresh", 0) + 1
        return f"?__n{self._fresh}"

    def property_checks(self, prop: Node, x: str, where: str, stack: tuple) -> list[tuple]:
        """The constraints of a property shape nested in a helper shape, on focus ``x``: (component, boolean
        expression that ``x`` passes, the check on one value ``?v`` or None, ``?v``). Counts up to 4 are written
        with distinct variables; anything else is refused."""
        sg = self.sg
        inner = f"{where}{self.name(prop)}: "
        if prop not in self.property_shapes:
            raise UnsupportedShapeError(f"{inner}sh:property needs a property shape")
        if prop in stack:
            raise UnsupportedShapeError(f"{inner}recursive shapes are not supported")
        if self.severity(prop) is not Severity.VIOLATION:
            raise UnsupportedShapeError(f"{inner}a nested property shape with a severity is not supported")
        allowed = set(VALUE_PARAMS) | {SH.minCount, SH.maxCount, SH.hasValue}
        for pred in sg.predicates(prop, None):
            if str(pred).startswith(str(SH)) and pred not in allowed and pred not in PASSIVE:
                raise UnsupportedShapeError(f"{inner}{self.name(pred)} in a nested property shape is not supported")
        path = self.sparql_path(self.one(prop, SH.path), inner)
        preds = set(sg.predicates(prop, None))
        out = []
        for param in VALUE_PARAMS:
            if param in preds:
                v = self.fresh()
                for expr in self.value_checks(prop, param, v, inner, stack + (prop,)):
                    out.append((COMPONENTS[param], f"NOT EXISTS {{ {x} {path} {v} FILTER (!({expr})) }}", expr, v))

        def distinct(n: int) -> str:
            vs = [self.fresh() for _ in range(n)]
            pairs = [f"!sameTerm({a}, {b})" for i, a in enumerate(vs) for b in vs[i + 1:]]
            body = " ".join(f"{x} {path} {v} ." for v in vs)
            return f"EXISTS {{ {body} {'FILTER (' + ' && '.join(pairs) + ')' if pairs else ''} }}"

        for param, op in ((SH.minCount, ""), (SH.maxCount, "!")):
            n = self.integer(prop, param)
            if n is None or (param == SH.minCount and n == 0):
                continue
            k = n if param == SH.minCount else n + 1
            if k > 4:
                raise UnsupportedShapeError(f"{inner}{self.name(param)} {n} in a nested property shape is not supported")
            out.append((COMPONENTS[param], f"{op}{distinct(k)}", None, None))
        for hv in sorted(sg.objects(prop, SH.hasValue)):
            out.append((SH.HasValueConstraintComponent, f"EXISTS {{ {x} {path} {sparql_term(hv, inner)} }}", None,
                        None))
        return out

    def node_details(self, helper: Node, x: str, where: str, stack: tuple) -> list[tuple]:
        """The results pySHACL nests under an sh:node result (and adds to the report): those of validating the
        value against the helper, recursively through its own sh:node. (shape, component, expression, value)."""
        if self.deactivated(helper):
            return []
        sg = self.sg
        out = [(helper, comp, expr, has_value) for comp, expr, has_value in self.helper_checks(helper, x, where, stack)]
        if sg.value(helper, SH.property) is not None:
            # the value-level results of the helper itself, then those of its property shapes (with their path)
            out = [(helper, comp, expr, has_value) for comp, expr, has_value in
                   self.helper_checks(helper, x, where, stack, with_properties=False)]
            for prop in sorted(sg.objects(helper, SH.property), key=str):
                if self.deactivated(prop):
                    continue
                path = self.result_path(self.one(prop, SH.path))
                for comp, expr, value_expr, v in self.property_checks(prop, x, where, stack + (helper,)):
                    out.append((prop, comp, expr, False, path, value_expr, v, self.one(prop, SH.path)))
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
        select = parse_select(text, where)
        masked_body = mask(select.body)
        for keyword in ("MINUS", "VALUES", "SERVICE", "SELECT"):
            if re.search(rf"(?<![\w:?$]){keyword}\b", masked_body, re.IGNORECASE):
                raise UnsupportedShapeError(f"{where}{keyword} inside a SPARQL constraint is not supported")
        if select.tail.strip() or re.search(r"\b(COUNT|SUM|MIN|MAX|AVG|SAMPLE|GROUP_CONCAT)\s*\(",
                                            mask(select.projection), re.IGNORECASE):
            raise UnsupportedShapeError(f"{where}aggregates and solution modifiers (GROUP BY, ORDER BY, LIMIT...) "
                                        "are not supported in a SPARQL constraint")
        if "failure" in select.variables:
            raise UnsupportedShapeError(f"{where}?failure is not supported")
        if re.search(r"\bAS\s+[?$](this|currentShape|shapesGraph)\b", mask(text), re.IGNORECASE):
            raise UnsupportedShapeError(f"{where}pre-bound variables cannot be re-bound with AS")
        body = select.body
        if re.search(r"[$?]__", mask(body)):
            raise UnsupportedShapeError(f"{where}variables starting with __ are reserved by the SPARQL compiler")
        if re.search(r"[$?]shapesGraph\b", mask(body)):
            raise UnsupportedShapeError(f"{where}$shapesGraph is not supported")
        body = re.sub(r"([\s{}()])[$?]currentShape\b", lambda m: m[1] + sparql_term(shape, where), body)
        if re.search(r"[$?]PATH\b", mask(body)):
            if not is_prop:
                raise UnsupportedShapeError(f"{where}$PATH in the constraint of a node shape")
            body = re.sub(r"([\s{}()])[$?]PATH\b", lambda m: m[1] + path, body)
        declared = declared_prefixes(sg, constraint)
        declared.update(select.prefixes)
        merge_prefixes(prefixes, declared, where)
        projection = re.sub(r"^\s*(DISTINCT|REDUCED)\b", "", select.projection, flags=re.IGNORECASE).strip()
        if "this" not in select.variables:
            projection = "?this " + projection
        messages = tuple(sorted(set(shape_messages) | {m for m in sg.objects(constraint, SH.message)
                                                       if isinstance(m, Literal)}))
        query = f"{prologue(prefixes)}SELECT DISTINCT {projection} WHERE {{\n{group}\n{body}\n}}"
        stand_in = f"{prologue(prefixes)}SELECT * WHERE {{\n?this <{MARKS}#focus> ?__focus .\n{body}\n}}"
        if not prebinding_is_join(stand_in):
            raise UnsupportedShapeError(f"{where}$this is used inside a nested group, UNION or OPTIONAL, where "
                                        "the compiled query cannot pre-bind it")
        return CompiledConstraint(shape, SH.SPARQLConstraintComponent, severity, result_path, messages, query,
                                  "value", focus_from, sparql=True, projected=select.variables,
                                  node_shape=not is_prop)
