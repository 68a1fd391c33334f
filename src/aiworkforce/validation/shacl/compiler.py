"""The compiler's driver: every shape of a shapes graph, with its focus nodes and value nodes, compiled to SPARQL.

SHACL 2.1.3 Targets (https://www.w3.org/TR/shacl/#targets; SHACL-AF SPARQL targets,
https://www.w3.org/TR/shacl-af/#SPARQLTarget), 2.3.1 SHACL Property Paths
(https://www.w3.org/TR/shacl/#property-paths) and 4 Value Nodes (https://www.w3.org/TR/shacl/#value-nodes).
:func:`compile_shapes` walks the shapes the way pySHACL does and hands each constraint to
:class:`~aiworkforce.validation.shacl.components.ComponentCompiler`:

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
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH
from rdflib.term import Node

from aiworkforce.errors import UnsupportedShapeError
from aiworkforce.validation.report import path_text
from aiworkforce.validation.shacl.compiled import CompiledConstraint, CompiledShapes
from aiworkforce.validation.shacl.components import ComponentCompiler
from aiworkforce.validation.shacl.constants import FOCUS_MARK, PROPERTY_ONLY, SUPPORTED
from aiworkforce.validation.shacl.sparqltext import (
    declared_prefixes,
    merge_prefixes,
    parse_select,
    sparql_iri,
    sparql_term,
)


def compile_shapes(shapes: Graph) -> CompiledShapes:
    """Compile every shape of ``shapes`` into SPARQL SELECT queries, one per constraint and focus-node set.

    Raises :class:`~aiworkforce.errors.UnsupportedShapeError` for any SHACL feature that is not implemented, so
    that no constraint is silently skipped, and for any query Oxigraph cannot parse.
    """
    compiled = _Compiler(shapes).compile()
    _check_syntax(compiled)
    return compiled


def _check_syntax(compiled: CompiledShapes) -> None:
    empty = pyoxigraph.Store()
    for c in compiled.constraints:
        try:
            empty.query(c.query)
        except SyntaxError as exc:
            raise UnsupportedShapeError(f"{c.describe()}: the compiled query does not parse: {exc}\n{c.query}")


class _Compiler(ComponentCompiler):
    """Compiles a whole shapes graph: each shape's focus nodes and path, then its constraints' queries."""

    def __init__(self, sg: Graph):
        super().__init__(sg)
        self.path_nodes: dict = {}
        self.namespaces = tuple((p, str(n)) for p, n in sg.namespace_manager.namespaces())

    # ------------------------------------------------------------------ paths

    def sparql_path(self, path: Node, where: str, depth: int = 0) -> str:
        sg = self.sg
        if depth > 50:
            raise UnsupportedShapeError(f"{where}the sh:path is too deeply nested (a cycle?)")
        if isinstance(path, URIRef):
            return sparql_iri(path, where)
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
        """Problem.path for a shape's sh:path: the IRI, or for a complex path (a blank node) the text
        :func:`aiworkforce.validation.report.path_text` renders from pySHACL's report."""
        if isinstance(path, URIRef):
            return path
        g = report_like_graph(self.namespaces)
        triples = list(_closure(self.sg, path))
        for t in triples:
            g.add(t)
        text = path_text(g, path)
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
            branches.append(f"?__tc <{RDFS.subClassOf}>* {sparql_iri(c, where)} . ?this <{RDF.type}> ?__tc .")
        for n in sorted(sg.objects(shape, SH.targetNode)):
            branches.append(f"BIND ({sparql_term(n, where)} AS ?this)")
        for p in sorted(sg.objects(shape, SH.targetSubjectsOf)):
            branches.append(f"?this {sparql_iri(p, where)} ?__to .")
        for p in sorted(sg.objects(shape, SH.targetObjectsOf)):
            branches.append(f"?__ts {sparql_iri(p, where)} ?this .")
        for target in sorted(sg.objects(shape, SH.target)):
            selects = list(sg.objects(target, SH.select))
            if not selects and SH.SPARQLTarget not in set(sg.objects(target, RDF.type)):
                raise UnsupportedShapeError(f"{where}only SPARQL targets (sh:SPARQLTarget with sh:select) are "
                                            "supported in sh:target")
            if len(selects) != 1:
                raise UnsupportedShapeError(f"{where}a SPARQL target needs exactly one sh:select")
            select = parse_select(str(selects[0]), where + "SPARQL target: ")
            if "this" not in select.variables:
                raise UnsupportedShapeError(f"{where}the SPARQL target does not select ?this")
            declared = declared_prefixes(sg, target)
            declared.update(select.prefixes)
            merge_prefixes(prefixes, declared, where)
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
        component_types = set(sg.transitive_subjects(RDFS.subClassOf, SH.ConstraintComponent))
        for cc in (n for t in component_types for n in sg.subjects(RDF.type, t)):
            raise UnsupportedShapeError(f"custom constraint component {self.name(cc)} is not supported")
        for validator in (SH.validator, SH.nodeValidator, SH.propertyValidator, SH.parameter):
            if (None, validator, None) in sg:  # a component however it is typed
                raise UnsupportedShapeError(f"custom constraint components ({self.name(validator)}) are not supported")
        for p in (SH.rule, SH.entailment, SH.shapesGraph):
            if (None, p, None) in sg:
                raise UnsupportedShapeError(f"{self.name(p)} is not supported")
        for shape in sorted(self.shapes, key=str):
            for pred in set(sg.predicates(shape, None)):
                if str(pred).startswith(str(SH)) and pred not in SUPPORTED:
                    raise UnsupportedShapeError(f"{self.name(shape)}: {self.name(pred)} is not supported by the "
                                                "SPARQL compiler",
                                                hint="validate with pySHACL (aiworkforce.validation.validate)")
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
        constants = frozenset(o for o in (*sg.objects(None, SH.hasValue), *sg.objects(None, RDF.first))
                              if isinstance(o, Literal))
        return CompiledShapes(tuple(constraints), self.namespaces, dict(self.path_nodes), constants)

    def shape_constraints(self, shape: Node, focus_from: Node, group: str,
                          prefixes: dict[str, str]) -> list[CompiledConstraint]:
        """The queries of ``shape`` on the focus nodes of ``focus_from`` (bound by ``group``), its path written."""
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
        # Rows that come from the value nodes (never from a focus node without values) need no target subquery
        # when the value pattern implies the targets: sh:targetSubjectsOf P with sh:path P.
        implied = is_prop and shape == focus_from and self.targets_implied(shape, path_node)
        return self.constraint_queries(shape, focus_from, group, prefixes, path, result_path, implied)


def report_like_graph(namespaces: Iterable[tuple[str, str]]) -> Graph:
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
