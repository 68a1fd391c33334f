"""The result types every validation engine returns: severities, problems and the validation report."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node


class Severity(enum.Enum):
    """SHACL severities, most serious first."""

    VIOLATION = "Violation"
    WARNING = "Warning"
    INFO = "Info"

    @classmethod
    def from_iri(cls, iri: Node) -> Severity:
        return {SH.Violation: cls.VIOLATION, SH.Warning: cls.WARNING, SH.Info: cls.INFO}.get(iri, cls.VIOLATION)


@dataclass(frozen=True, order=True)
class Problem:
    """One SHACL result: which node broke which rule, and the message a contributor acts on."""

    severity: Severity = field(compare=False)
    focus: Node
    path: Node | None
    shape: Node
    message: str
    value: Node | None = None
    component: Node | None = None
    nested: bool = field(default=False, compare=False)  # a result of a shape under sh:node (an sh:detail)

    @property
    def sort_key(self) -> tuple:
        order = list(Severity).index(self.severity)
        return (order, str(self.focus), str(self.path or ""), self.message)


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of a validation run.

    ``conforms`` is true when there is no violation: warnings and infos report quality issues but do not fail
    validation unless the caller asks for strictness (see :meth:`passes`).
    """

    problems: tuple[Problem, ...]
    report_graph: Graph
    triples: int
    engine: str = ""  # the engine that produced the report ("compiled", "pyshacl")
    fallback: str | None = None  # why the default engine handed this run to the reference engine, if it did

    @property
    def conforms(self) -> bool:
        return not self.count(Severity.VIOLATION)

    def passes(self, *, strict: bool = False) -> bool:
        return not self.problems if strict else self.conforms

    def count(self, severity: Severity) -> int:
        return sum(1 for p in self.problems if p.severity is severity)

    @property
    def violations(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.VIOLATION)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity is Severity.WARNING)


def problems_from_report(report: Graph) -> tuple[Problem, ...]:
    problems = []
    nested = set(report.objects(None, SH.detail))
    for result in report.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        path = report.value(result, SH.resultPath)
        problems.append(
            Problem(
                severity=Severity.from_iri(report.value(result, SH.resultSeverity)),
                focus=report.value(result, SH.focusNode),
                path=path if not isinstance(path, BNode) else path_text(report, path),
                shape=report.value(result, SH.sourceShape),
                message=messages[0] if messages else "constraint not met",
                value=report.value(result, SH.value),
                component=report.value(result, SH.sourceConstraintComponent),
                nested=result in nested,
            )
        )
    return tuple(sorted(problems, key=lambda p: p.sort_key))


def path_text(graph: Graph, node: Node) -> Literal:
    """Render a complex SHACL path (a blank node) as readable SPARQL-like text instead of ``[ ]``."""

    def render(n: Node) -> str:
        if isinstance(n, URIRef):
            return graph.namespace_manager.normalizeUri(n)
        inverse = graph.value(n, SH.inversePath)
        if inverse is not None:
            return "^" + render(inverse)
        for prop, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
            inner = graph.value(n, prop)
            if inner is not None:
                return f"({render(inner)}){suffix}"
        alternatives = graph.value(n, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(render(x) for x in graph.items(alternatives)) + ")"
        items = list(graph.items(n))
        if items:
            return "/".join(render(x) for x in items)
        return str(n)

    return Literal(render(node))
