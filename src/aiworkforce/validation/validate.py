"""SHACL validation of a data graph, returning a report object rather than text.

:func:`validate` runs the shapes (by default the project's packaged ``shapes/``) over a data graph with one of
the engines of :data:`~aiworkforce.validation.registry.SHACL_ENGINES` and returns a
:class:`~aiworkforce.validation.report.ValidationReport`. The engines share one interface,
``validate(data, shapes) -> ValidationReport``; the test suite proves they report the same results on the
shipped graph, every fixture and generated graphs. The caller's graph is never modified.
"""

from __future__ import annotations

from rdflib import Graph

from aiworkforce.errors import DataError
from aiworkforce.validation.registry import SHACL_ENGINES
from aiworkforce.validation.report import ValidationReport, problems_from_report


class CompiledShacl:
    """The default engine: every constraint compiled to one SPARQL query, run on pyoxigraph."""

    def validate(self, data: Graph, shapes: Graph | None) -> ValidationReport:
        # imported here: the compiler is large and only this engine needs it
        from aiworkforce.validation.shacl import validate_fast

        return validate_fast(data, shapes=shapes)


class PyShacl:
    """The reference engine: pySHACL."""

    def validate(self, data: Graph, shapes: Graph | None) -> ValidationReport:
        import pyshacl  # imported here: pySHACL takes a second to import, and only this engine needs it

        from aiworkforce.rdf.load import load_shapes

        _conforms, report_graph, _text = pyshacl.validate(
            data,
            shacl_graph=load_shapes() if shapes is None else shapes,
            inference="none",
            inplace=False,
            allow_warnings=True,
            allow_infos=True,
            advanced=True,
        )
        if not isinstance(report_graph, Graph):  # pyshacl returns a failure object when the shapes are unusable
            raise DataError(f"the SHACL shapes cannot be used: {report_graph}")
        return ValidationReport(problems=problems_from_report(report_graph), report_graph=report_graph,
                                triples=len(data))


def validate(data: Graph, *, shapes: Graph | None = None, engine: str = SHACL_ENGINES.default) -> ValidationReport:
    """Validate ``data`` against ``shapes`` (``None``: the project's packaged shapes) with the engine ``engine``.

    The data graph must contain the ontology too: shapes rely on ``rdfs:subClassOf`` to target subclasses.
    Nothing is inferred first and the caller's graph is left untouched.
    """
    return SHACL_ENGINES.load(engine)().validate(data, shapes)
