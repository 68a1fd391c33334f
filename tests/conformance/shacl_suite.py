"""The W3C SHACL test suite (tests/data/conformance/w3c-shacl), read and compared as its README describes.

A test passes when ``sh:conforms`` matches and the *set* of results matches, compared on (focusNode,
resultPath, sourceShape, sourceConstraintComponent, resultSeverity). Blank nodes cannot be matched across the
expected report and the shapes graph, so a blank-node source shape is compared as "some blank node" and a
blank-node path by its structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, SH

from aiworkforce.errors import ShapesGraphError, UnsupportedShapeError

SUITE = Path(__file__).resolve().parents[1] / "data" / "conformance" / "w3c-shacl"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")


@dataclass(frozen=True)
class ShaclCase:
    id: str  # e.g. "core/node/equals-001"
    data: Path
    shapes: Path
    conforms: bool  # ignored when ``failure``
    results: frozenset
    failure: bool  # the shapes graph is invalid: a validator must stop with an error
    graph: Graph = field(compare=False, repr=False)  # the test file, which is often the data graph too


@dataclass(frozen=True)
class Outcome:
    refused: bool
    failed: bool = False  # the engine rejected the shapes graph as invalid
    conforms: bool | None = None
    results: frozenset = frozenset()
    message: str = ""

    def passes(self, case: ShaclCase) -> bool:
        if case.failure:  # any refusal to validate is the right answer
            return self.failed or self.refused
        return not self.refused and not self.failed and self.conforms == case.conforms and self.results == case.results


def _structure(g: Graph, node) -> str:
    if not isinstance(node, BNode):
        return node.n3()
    items = list(g.items(node))
    if items:
        return "(" + " ".join(_structure(g, i) for i in items) + ")"
    return "[" + " ".join(sorted(f"{p.n3()} {_structure(g, o)}" for p, o in g.predicate_objects(node))) + "]"


def result_keys(report: Graph) -> tuple[bool | None, frozenset]:
    """(sh:conforms, the set of result keys) of the ``sh:ValidationReport`` in ``report``."""
    node = report.value(None, RDF.type, SH.ValidationReport, any=True)
    if node is None:
        return None, frozenset()
    conforms = report.value(node, SH.conforms)
    keys = set()
    for r in report.objects(node, SH.result):
        path = report.value(r, SH.resultPath)
        shape = report.value(r, SH.sourceShape)
        keys.add((
            report.value(r, SH.focusNode),
            None if path is None else _structure(report, path),
            "_:" if isinstance(shape, BNode) else shape,
            report.value(r, SH.sourceConstraintComponent),
            report.value(r, SH.resultSeverity),
        ))
    return (None if conforms is None else bool(conforms.toPython())), frozenset(keys)


def _manifest_tests(manifest: Path) -> list[Path]:
    g = Graph().parse(manifest, format="turtle")
    out = []
    for inc in g.objects(None, MF.include):
        path = Path(str(inc).removeprefix("file://"))
        out.extend(_manifest_tests(path) if path.name == "manifest.ttl" else [path])
    return sorted(out)


def _local(uri: URIRef) -> Path:
    return Path(str(uri).removeprefix("file://"))


def cases(part: str) -> list[ShaclCase]:
    """Every ``sht:Validate`` test of ``part`` (``"core"`` or ``"sparql"``)."""
    out = []
    for file in _manifest_tests(SUITE / part / "manifest.ttl"):
        g = Graph().parse(file, format="turtle", publicID=file.as_uri())
        for test in g.subjects(RDF.type, SHT.Validate):
            action = g.value(test, MF.action)
            result = g.value(test, MF.result)
            expected = Graph()
            _copy_tree(g, result, expected)
            conforms, keys = result_keys(expected)
            out.append(ShaclCase(
                id=str(file.relative_to(SUITE).with_suffix("")),
                data=_local(g.value(action, SHT.dataGraph)),
                shapes=_local(g.value(action, SHT.shapesGraph)),
                conforms=bool(conforms), results=keys, failure=result == SHT.Failure, graph=g,
            ))
    return sorted(out, key=lambda c: c.id)


def _copy_tree(src: Graph, node, dst: Graph, seen=None) -> None:
    seen = seen if seen is not None else set()
    if node in seen:
        return
    seen.add(node)
    for p, o in src.predicate_objects(node):
        dst.add((node, p, o))
        if isinstance(o, BNode):
            _copy_tree(src, o, dst, seen)


def load(path: Path) -> Graph:
    return Graph().parse(path, format="turtle", publicID=path.as_uri())


def run(case: ShaclCase, engine: str) -> Outcome:
    """Validate ``case`` with ``engine`` as the library does (``aiworkforce.validation.validate.validate``)."""
    from aiworkforce.validation.validate import validate

    data = case.graph if case.data.name == case.id.rsplit("/", 1)[-1] + ".ttl" else load(case.data)
    shapes = data if case.shapes == case.data else load(case.shapes)
    try:
        report = validate(data, shapes=shapes, engine=engine)
    except UnsupportedShapeError as exc:
        return Outcome(refused=True, message=str(exc))
    except ShapesGraphError as exc:
        return Outcome(refused=False, failed=True, message=str(exc))
    conforms, keys = result_keys(report.report_graph)
    return Outcome(refused=False, conforms=conforms, results=keys)


__all__ = ["Literal", "Outcome", "ShaclCase", "cases", "result_keys", "run"]
