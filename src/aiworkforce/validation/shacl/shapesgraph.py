"""The shapes graph read as pySHACL reads it: which nodes are shapes, and their parameters, checked.

Shapes are found as pySHACL finds them: typed ``sh:NodeShape`` / ``sh:PropertyShape`` (SHACL 2.2 Node Shapes,
https://www.w3.org/TR/shacl/#node-shapes; 2.3 Property Shapes, https://www.w3.org/TR/shacl/#property-shapes), or
implied by a target or by being the value of a shape-valued parameter (2.1 Shapes,
https://www.w3.org/TR/shacl/#shapes). Parameters are read with their arity and type checked: one value at most
(``sh:severity``, https://www.w3.org/TR/shacl/#severity; ``sh:deactivated``,
https://www.w3.org/TR/shacl/#deactivated), non-negative integers for the counts, well-formed RDF lists
(https://www.w3.org/TR/shacl/#syntax-rule-SHACL-list).
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from aiworkforce.errors import UnsupportedShapeError
from aiworkforce.validation.report import Severity


class ShapesGraph:
    """A shapes graph, its shapes (``shapes``; ``property_shapes`` those with a ``sh:path``) and their parameters."""

    def __init__(self, sg: Graph):
        self.sg = sg
        self.shapes, self.property_shapes = self._find_shapes()

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
        if value is not None and value not in (SH.Violation, SH.Warning, SH.Info):
            raise UnsupportedShapeError(f"{self.name(shape)}: the custom severity {self.name(value)} is not supported")
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
