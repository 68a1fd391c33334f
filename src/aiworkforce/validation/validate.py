"""SHACL validation of a data graph, returning a report object rather than text.

:func:`validate` runs the shapes (by default the project's packaged ``shapes/``) over a data graph with one of
the engines of :data:`~aiworkforce.validation.registry.SHACL_ENGINES` and returns a
:class:`~aiworkforce.validation.report.ValidationReport`. The engines share one interface,
``validate(data, shapes) -> ValidationReport``:

* ``compiled`` (alias ``sparql``): every constraint compiled to one SPARQL query on pyoxigraph. It answers as
  pySHACL does or refuses: anything it does not implement raises
  :class:`~aiworkforce.errors.UnsupportedShapeError` naming the feature;
* ``pyshacl``: the reference;
* ``auto`` (the default): ``compiled``, and when it refuses, ``pyshacl`` for that run; the report says so in
  :attr:`~aiworkforce.validation.report.ValidationReport.fallback`.

The W3C SHACL test suite runs against every engine in the test suite (tests/conformance). The caller's graph is
never modified.
"""

from __future__ import annotations

import dataclasses

from rdflib import Graph, Literal
from rdflib.namespace import RDF, SH

from aiworkforce.errors import ShapesGraphError, UnsupportedShapeError, UsageError
from aiworkforce.rdf.load import parse_files
from aiworkforce.validation.registry import SHACL_ENGINES
from aiworkforce.validation.report import ValidationReport, problems_from_report


class CompiledShacl:
    """Every constraint compiled to one SPARQL query, run on pyoxigraph; refuses what it does not implement."""

    name = "compiled"

    def validate(self, data: Graph, shapes: Graph | None) -> ValidationReport:
        # imported here: the compiler is large and only this engine needs it
        from aiworkforce.validation.shacl import validate_fast

        return dataclasses.replace(validate_fast(data, shapes=shapes), engine=self.name)


class PyShacl:
    """The reference engine: pySHACL."""

    name = "pyshacl"

    def validate(self, data: Graph, shapes: Graph | None) -> ValidationReport:
        import pyshacl  # imported here: pySHACL takes a second to import, and only this engine needs it

        from aiworkforce.rdf.load import load_shapes

        try:
            _conforms, report_graph, _text = pyshacl.validate(
                data,
                shacl_graph=load_shapes() if shapes is None else shapes,
                inference="none",
                inplace=False,
                allow_warnings=True,
                allow_infos=True,
                advanced=True,
            )
        except (ValueError, TypeError, LookupError, NotImplementedError, RuntimeError) as exc:
            # pySHACL's ReportableRuntimeError and ConstraintLoadError derive from RuntimeError
            raise ShapesGraphError(f"the shapes are not valid SHACL: {_first_line(exc)}", path="--shapes",
                                   hint="fix the shape named in the message") from None
        if not isinstance(report_graph, Graph):  # pyshacl returns a failure object when the shapes are unusable
            raise ShapesGraphError(f"the shapes are not valid SHACL: {report_graph}", path="--shapes",
                                   hint="fix the shape named in the message")
        # SHACL: the data conform only when there is no result at all, whatever its severity (pySHACL's
        # allow_warnings, kept for the nesting semantics of the shipped shapes, would say true with warnings only)
        for report in report_graph.subjects(RDF.type, SH.ValidationReport):
            results = (report, SH.result, None) in report_graph
            report_graph.set((report, SH.conforms, Literal(not results)))
        return ValidationReport(problems=problems_from_report(report_graph), report_graph=report_graph,
                                triples=len(data), engine=self.name)


def _first_line(exc: BaseException) -> str:
    text = str(getattr(exc, "message", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class AutoShacl:
    """The default: the compiled engine, handing the run to pySHACL when it refuses (and saying why)."""

    name = "auto"

    def validate(self, data: Graph, shapes: Graph | None) -> ValidationReport:
        try:
            return CompiledShacl().validate(data, shapes)
        except UnsupportedShapeError as exc:
            report = PyShacl().validate(data, shapes)
            return dataclasses.replace(report, fallback=exc.message)


def validate(data: Graph, *, shapes: Graph | None = None, engine: str = SHACL_ENGINES.default) -> ValidationReport:
    """Validate ``data`` against ``shapes`` (``None``: the project's packaged shapes) with the engine ``engine``.

    With the project's shapes, the data graph must contain the ontology too: shapes rely on ``rdfs:subClassOf``
    to target subclasses. Nothing is inferred first and the caller's graph is left untouched. ``engine="compiled"``
    raises :class:`UnsupportedShapeError` where the default would fall back to pySHACL; a shapes graph that is
    not valid SHACL raises :class:`ShapesGraphError`.
    """
    return SHACL_ENGINES.load(engine)().validate(data, shapes)


def validate_files(data: list, shapes: list, *, engine: str = SHACL_ENGINES.default) -> ValidationReport:
    """Validate the RDF files ``data`` against the shapes files ``shapes`` alone (no shipped ontology or shapes).

    Unreadable files raise :class:`~aiworkforce.errors.InputError` naming the file and line."""
    if not data:
        raise UsageError("name the data files to validate", hint="aiworkforce validate --no-core --shapes S.ttl DATA.ttl")
    if not shapes:
        raise UsageError("--no-core needs --shapes: with the core left out, there are no shapes to validate against",
                         hint="aiworkforce validate --no-core --shapes SHAPES.ttl DATA.ttl")
    return validate(parse_files(data), shapes=parse_files(shapes), engine=engine)
