"""SHACL validation compiled to SPARQL: the project's shapes as set-based SELECT queries run on pyoxigraph.

pySHACL (:func:`aiworkforce.validation.validate.validate`) is the reference validator, but it walks the data graph
in Python, one focus node and one value at a time, and runs SPARQL-based constraints once per focus node with
rdflib. This package compiles every constraint of a shapes graph (SHACL, https://www.w3.org/TR/shacl/) into
**one** SPARQL SELECT query that returns all the violating rows of the whole data graph at once, and runs the
queries on a pyoxigraph store. The results are :class:`aiworkforce.validation.report.Problem` objects equal to the
ones :func:`~aiworkforce.validation.validate.validate` derives from pySHACL's report (focus node, path, source
shape, constraint component, value, severity and message), including pySHACL's quirks where they are observable
(see "Fidelity" below).

The entry points are :func:`compile_shapes`, :func:`validate_store` (a pyoxigraph store, e.g. loaded straight
from N-Triples at scale) and :func:`validate_fast` (the contract of :func:`aiworkforce.validation.validate.validate`).

Modules
-------

One per concern, each importing only those listed above it; each module's docstring tells how its part is compiled.

* :mod:`~aiworkforce.validation.shacl.constants`: the SHACL vocabulary the compiler knows (parameters, targets,
  the constraint component of each parameter) and the marks queries carry;
* :mod:`~aiworkforce.validation.shacl.sparqltext`: rdflib terms as SPARQL text, and the ``sh:select`` of a
  SPARQL-based constraint or target read apart (prefixes, projection, ``WHERE`` body);
* :mod:`~aiworkforce.validation.shacl.regex`: ``sh:pattern`` translated from Python's ``re`` to Rust's ``regex``;
* :mod:`~aiworkforce.validation.shacl.compiled`: what compiling produces, :class:`CompiledConstraint` and
  :class:`CompiledShapes`;
* :mod:`~aiworkforce.validation.shacl.shapesgraph`: the shapes graph read as pySHACL reads it (which nodes are
  shapes, their parameters);
* :mod:`~aiworkforce.validation.shacl.components`: the query of each constraint component, SPARQL-based
  constraints included;
* :mod:`~aiworkforce.validation.shacl.compiler`: focus nodes (targets), value nodes (paths) and the driver,
  :func:`compile_shapes`;
* :mod:`~aiworkforce.validation.shacl.runner`: the data loaded into pyoxigraph (:func:`graph_to_store`), the
  queries run (:func:`validate_store`), the problems and the report graph (:func:`validate_fast`).

Anything the compiler does not implement raises :class:`~aiworkforce.errors.UnsupportedShapeError` (a
:class:`~aiworkforce.errors.DataError`) at compile time, naming the shape and the feature, so nothing is silently
skipped: unknown ``sh:`` parameters on a shape, custom constraint components, SHACL rules,
``sh:qualifiedValueShapesDisjoint``, SPARQL constraints with ``?failure``, aggregates or solution modifiers,
``SELECT *``, MINUS/VALUES/SERVICE or nested SELECTs, and constraints that report without an ``sh:message``
(pySHACL's generic messages are not reproduced).

Fidelity
--------

Results are compared with pySHACL's on the shipped graph, on every fixture of tests/fixtures/shapes, on a
generated graph and on a graph exercising the components the shipped shapes do not use (tests/validation/test_shacl_compiler.py).
pySHACL's observable behaviour is reproduced on purpose: property shapes reached twice report twice; a helper
shape with sh:Warning severity always "conforms" (``allow_warnings=True``) except under sh:node, whose nested
results are reported too; ill-typed or incomparable values are ordered as rdflib orders them (by datatype IRI)
for sh:minInclusive & co.; SPARQL rows are de-duplicated and rows binding none of this/path/value are dropped.

Oxigraph stores some literals differently from rdflib: language tags in lower case, numbers, booleans and dates
in canonical form (``"11.0"^^xsd:decimal`` as ``"11"``), derived integer types (``xsd:int``...) as
``xsd:integer``, ``xsd:dateTimeStamp`` as ``xsd:dateTime``, and ``"a"`` and ``"a"^^xsd:string`` as one term.
When the data come from an rdflib graph (:func:`validate_fast` with a graph, :func:`graph_to_store`), results carry
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
"""

from __future__ import annotations

from aiworkforce.validation.shacl.compiled import CompiledConstraint, CompiledShapes
from aiworkforce.validation.shacl.compiler import compile_shapes
from aiworkforce.validation.shacl.runner import (
    default_query_threads,
    graph_to_store,
    validate_fast,
    validate_store,
)

__all__ = [
    "CompiledConstraint",
    "CompiledShapes",
    "compile_shapes",
    "default_query_threads",
    "graph_to_store",
    "validate_fast",
    "validate_store",
]
