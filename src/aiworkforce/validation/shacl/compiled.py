"""What compiling a shapes graph produces: one SPARQL SELECT query per constraint and focus-node set.

Every row a query returns is one validation result (SHACL 3.6.2 Validation Results,
https://www.w3.org/TR/shacl/#results-validation-result): :class:`CompiledConstraint` carries what the row does not
(source shape, constraint component, severity, path, messages), :class:`CompiledShapes` the queries of a whole
shapes graph and what the report graph needs (prefixes, the triples of complex paths).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from aiworkforce.validation.report import Severity
from aiworkforce.validation.shacl.constants import NO_MESSAGE


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
    constants: frozenset = frozenset()  # the literals the shapes compare values with as terms

    def __len__(self) -> int:
        return len(self.constraints)

    def __iter__(self) -> Iterator[CompiledConstraint]:
        return iter(self.constraints)
