"""Running compiled shapes on pyoxigraph: the data loaded, every query run, the rows turned into problems.

SHACL 3 Validation and Graphs (https://www.w3.org/TR/shacl/#validation) and 3.6 Validation Report
(https://www.w3.org/TR/shacl/#validation-report).

* **Loading.** :func:`graph_to_store` copies an rdflib graph into a pyoxigraph store and returns the converter
  that gives the results back as the graph's own terms (Oxigraph canonicalises some literals; see "Fidelity" in
  :mod:`aiworkforce.validation.shacl`).
* **Running.** :func:`validate_store` runs the queries on a few threads (Oxigraph releases the GIL) and turns
  the rows into :class:`~aiworkforce.validation.report.Problem` objects, sorted as
  :func:`aiworkforce.validation.validate.validate` sorts them (with ties broken, so the output is deterministic).
  Messages of SPARQL-based constraints get their ``{?var}`` / ``{$var}`` substituted as pySHACL does.
* **Reporting.** :func:`validate_fast` (the contract of :func:`aiworkforce.validation.validate.validate`) adds a
  SHACL validation report graph equivalent to pySHACL's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from aiworkforce.errors import DataError, UnsupportedShapeError
from aiworkforce.rdf.load import load_shapes
from aiworkforce.system import usable_cpus
from aiworkforce.validation.report import Problem, Severity, ValidationReport
from aiworkforce.validation.shacl.compiled import CompiledConstraint, CompiledShapes
from aiworkforce.validation.shacl.compiler import compile_shapes, report_like_graph
from aiworkforce.validation.shacl.constants import FOCUS_MARK, MARKS, NO_MESSAGE
from aiworkforce.validation.shacl.sparqltext import sparql_term


class _Terms:
    """Converts pyoxigraph terms back to rdflib terms, restoring what the rdflib -> pyoxigraph copy changed."""

    def __init__(self, bnodes: dict | None = None, originals: dict | None = None, literals: dict | None = None):
        self.bnodes = bnodes or {}  # pyoxigraph blank node id -> rdflib BNode
        self.originals = originals or {}  # pyoxigraph literal as stored -> the rdflib literal it came from
        self.literals = literals or {}  # pyoxigraph literal as stored -> every rdflib literal stored as it
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


def graph_to_store(data: Graph) -> tuple[ox.Store, _Terms]:
    """Copy an rdflib graph into a new in-memory pyoxigraph store, keeping what pySHACL would see.

    Returns the store and the converter that maps result terms back to the graph's own terms. Oxigraph stores
    some literals differently from rdflib: it lower-cases language tags, writes numbers, booleans and dates in
    canonical form (``"11.0"^^xsd:decimal`` as ``"11"``), keeps ``xsd:int``, ``xsd:long``... as ``xsd:integer``
    and does not tell ``"a"`` from ``"a"^^xsd:string``. The converter gives back the rdflib literal, and the
    original datatypes, as well as the literals rdflib found ill-typed, are recorded in a private named graph that
    the ``sh:datatype`` queries consult. (Two rdflib literals stored as the same Oxigraph literal, such as
    ``"11.0"`` and ``"11.00"``, cannot be told apart.)
    """
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
    literals: dict = {}
    for term, out in cache.items():
        if isinstance(term, Literal):
            literals.setdefault(out, set()).add(term)
    if changed:
        for orig, _ in changed:
            literals.setdefault(canonical_literals([orig])[orig], set()).add(orig)
    return store, _Terms(back, originals, literals)


def canonical_literals(literals) -> dict:
    """How Oxigraph stores each rdflib literal (numbers, booleans and dates in canonical form...)."""
    literals = [lit for lit in literals if isinstance(lit, Literal)]
    scratch, pred = ox.Store(), ox.NamedNode(f"{MARKS}#literal")
    for i, lit in enumerate(literals):
        if lit.language:
            value = ox.Literal(str(lit), language=lit.language)
        elif lit.datatype is not None:
            value = ox.Literal(str(lit), datatype=ox.NamedNode(str(lit.datatype)))
        else:
            value = ox.Literal(str(lit))
        scratch.add(ox.Quad(ox.NamedNode(f"{MARKS}#{i}"), pred, value))
    stored = {q.subject.value: q.object for q in scratch.quads_for_pattern(None, pred, None)}
    return {lit: stored[f"{MARKS}#{i}"] for i, lit in enumerate(literals)}


def _term_key(lit: Literal) -> tuple:
    """A literal as an RDF 1.1 term: ``"a"`` and ``"a"^^xsd:string`` are one term; language tags ignore case."""
    if lit.language:
        return (str(lit), lit.language.lower(), None)
    return (str(lit), None, lit.datatype or XSD.string)


def _same_terms_only(terms: _Terms, constants: frozenset) -> None:
    """Refuse data the compiled engine cannot tell apart: SHACL compares RDF terms (``"1.0"`` and ``"1.00"`` are
    two values, and ``sh:hasValue 1.00`` does not accept ``1.0``), but Oxigraph stores them as one literal."""
    for stored, origs in terms.literals.items():
        distinct = {_term_key(o) for o in origs}
        if len(distinct) > 1:
            a, b = sorted(origs, key=str)[:2]
            raise UnsupportedShapeError(
                f"the data hold the literals {a.n3()} and {b.n3()}, two RDF terms the compiled engine stores as "
                "one (SHACL compares terms, not values)")
    for lit, stored in canonical_literals(constants).items():
        others = [o for o in terms.literals.get(stored, ()) if _term_key(o) != _term_key(lit)]
        if others:
            raise UnsupportedShapeError(
                f"the shapes compare with {lit.n3()} and the data hold {others[0].n3()}: two RDF terms the compiled "
                "engine stores as one (SHACL compares terms, not values)")


def _focus_values(focus_nodes: Iterable[Node]) -> str:
    terms = []
    for node in focus_nodes:
        if isinstance(node, str) and not isinstance(node, Node):
            node = URIRef(node)
        terms.append(sparql_term(node, "focus_nodes: "))
    return f"VALUES ?this {{ {' '.join(sorted(set(terms)))} }}\n"


def _format_message(msg: str, bound: dict) -> str:
    """pySHACL's substitution of ``{?var}`` / ``{$var}`` in the message of a SPARQL-based constraint."""
    for var, val in bound.items():
        msg = re.sub(f"{{[?$]{var}}}", str(val), msg)  # pySHACL: "{{[?$]{}}}".format(var)
    return msg


def default_query_threads() -> int:
    """Threads used to run the queries: the CPUs this process may use, at most 4 (Oxigraph releases the GIL)."""
    return min(4, usable_cpus())


def validate_store(store: ox.Store, compiled: CompiledShapes | Graph, *,
                   focus_nodes: Iterable[Node] | None = None, terms: Any = None,
                   union_default_graph: bool = False, workers: int | None = None) -> tuple[Problem, ...]:
    """Run the compiled shapes on a pyoxigraph store: every constraint is one query over the whole store.

    ``focus_nodes``: validate only these focus nodes (IRIs; an empty collection validates nothing).
    ``terms``: the converter returned by :func:`graph_to_store` (default: a plain pyoxigraph -> rdflib conversion).
    ``union_default_graph``: query the union of the store's graphs instead of its default graph.
    ``workers``: how many queries run at once on threads (default :func:`default_query_threads`; 1 runs them in turn).
    Returns the problems sorted like :func:`aiworkforce.validation.validate.validate`'s.
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

    workers = default_query_threads() if workers is None else max(1, int(workers))
    if workers == 1 or len(compiled.constraints) < 2:
        results = map(run, compiled.constraints)
        pool = None
    else:
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
    """aiworkforce.validation.validate's order (Problem.sort_key), made total so that the output is deterministic."""
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
            yield Problem(c.severity, focus, c.path, c.shape, message, value, c.component,
                          nested=c.focus_var == "value")
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
    g = report_like_graph(compiled.namespaces)
    report = BNode()
    g.add((report, RDF.type, SH.ValidationReport))
    g.add((report, SH.conforms, Literal(not problems)))  # SHACL: any result, whatever its severity
    severities = {Severity.VIOLATION: SH.Violation, Severity.WARNING: SH.Warning, Severity.INFO: SH.Info}
    parents: dict = {}  # value node -> the sh:node results about it, which nest the value's own results
    for p in problems:
        if p.component == SH.NodeConstraintComponent and not p.nested and p.value is not None:
            parents.setdefault(p.value, []).append(p)
    nodes = {id(p): BNode() for p in problems}
    for p in problems:
        r = nodes[id(p)]
        if p.nested and parents.get(p.focus):
            for parent in parents[p.focus]:
                g.add((nodes[id(parent)], SH.detail, r))
        else:
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


@functools.lru_cache(maxsize=1)
def _default_compiled() -> CompiledShapes:
    """The shipped shapes, compiled once per process."""
    return compile_shapes(load_shapes())


def validate_fast(data: Graph | None = None, *, shapes: Graph | CompiledShapes | None = None,
                  store: ox.Store | None = None, focus_nodes: Iterable[Node] | None = None,
                  workers: int | None = None) -> ValidationReport:
    """:func:`aiworkforce.validation.validate.validate` computed with compiled SPARQL on pyoxigraph.

    Validate ``data`` (an rdflib graph; it must contain the ontology, e.g. :func:`~aiworkforce.rdf.load.load_core`)
    or an existing pyoxigraph ``store`` (the data never become an rdflib graph) against ``shapes`` (a shapes graph or
    :class:`CompiledShapes`; default all shipped shapes, compiled once per process). ``conforms`` is true when
    there is no violation. Neither the graph nor the store is modified.
    """
    if (data is None) == (store is None):
        raise ValueError("pass the data to validate: an rdflib graph or a pyoxigraph store (one of them)")
    if shapes is None:
        compiled = _default_compiled()
    elif isinstance(shapes, CompiledShapes):
        compiled = shapes
    else:
        compiled = compile_shapes(shapes)
    if store is None:
        store, terms = graph_to_store(data)
        _same_terms_only(terms, compiled.constants)
        triples = len(data)
    else:
        terms = None
        triples = len(store)
    problems = validate_store(store, compiled, focus_nodes=focus_nodes, terms=terms, workers=workers)
    return ValidationReport(problems=problems, report_graph=_report_graph(problems, compiled), triples=triples)
