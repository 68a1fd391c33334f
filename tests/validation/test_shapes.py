"""SHACL shapes: each shape fires on a fixture that breaks it, the shipped graph passes every shape, and the
shapes themselves follow the house rules (named, with a message and an explicit severity).

Fixtures live in tests/fixtures/shapes/. A bad fixture ``<name>.bad.ttl`` starts with

    # expect: <shape CURIE> <path CURIE, complex path as text, or - for a node-level result>
    # also: <shape CURIE>        (optional, repeatable: other shapes the snippet cannot help breaking)

and is validated merged with the shipped graph, with every shape. The test requires a *new* result (one the
shipped graph alone does not produce) from the expected shape on the expected path, and no new result from any
shape not named in the header. A good fixture ``<name>.good.ttl`` starts with ``# expect-none: <shape CURIE>``
and must add no result at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF, SH

import conftest

from aiworkforce.rdf.load import load_shapes, parse_file
from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.validation.report import Severity
from aiworkforce.validation.validate import validate

FIXTURES = conftest.FIXTURES / "shapes"
BAD = sorted(FIXTURES.glob("*.bad.ttl"))
GOOD = sorted(FIXTURES.glob("*.good.ttl"))

#: Parameters of the SHACL core constraint components (plus sh:sparql): a shape with one of them reports results.
CONSTRAINT_PARAMETERS = {
    SH[name]
    for name in (
        "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
        "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "equals", "disjoint",
        "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node", "qualifiedValueShape", "closed",
        "hasValue", "in", "sparql",
    )
}
SHAPE_REFERENCES = (SH.property, SH.node, SH.qualifiedValueShape, SH["not"])
SHAPE_LISTS = (SH["and"], SH["or"], SH.xone)


# ---------------------------------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class Spec:
    """What a fixture's header promises."""

    shape: URIRef
    path: str | None  # a CURIE, a complex path as text, "-" for none; None for a good fixture
    also: frozenset[URIRef]


def expand(curie: str) -> URIRef:
    prefix, _, local = curie.partition(":")
    if prefix not in PREFIXES:
        raise ValueError(f"unknown prefix in {curie!r}")
    return URIRef(PREFIXES[prefix] + local)


def read_spec(path: Path) -> Spec:
    lines = path.read_text(encoding="utf-8").splitlines()
    first = lines[0] if lines else ""
    if path.name.endswith(".bad.ttl"):
        match = re.fullmatch(r"# expect: (\S+) (\S+)", first)
        assert match, f"{path.name}: the first line must be '# expect: <shape> <path or ->', not {first!r}"
        shape, shape_path = expand(match[1]), match[2]
    else:
        match = re.fullmatch(r"# expect-none: (\S+)", first)
        assert match, f"{path.name}: the first line must be '# expect-none: <shape>', not {first!r}"
        shape, shape_path = expand(match[1]), None
    also = frozenset(expand(m[1]) for line in lines[1:] if (m := re.fullmatch(r"# also: (\S+)", line)))
    return Spec(shape, shape_path, also)


def path_matches(expected: str, actual) -> bool:
    if expected == "-":
        return actual is None
    if expected.startswith("("):  # a complex path, rendered as text by aiworkforce.validation.validate
        return isinstance(actual, Literal) and str(actual) == expected
    return actual == expand(expected)


def key(problem) -> tuple:
    return (problem.shape, problem.focus, problem.path, problem.value)


def short(graph: Graph, node) -> str:
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # noqa: BLE001 - rendering only
            return f"<{node}>"
    return repr(node) if node is not None else "-"


def render(problems, graph: Graph) -> str:
    if not problems:
        return "  (none)"
    return "\n".join(
        f"  {p.severity.value:<9} {short(graph, p.shape)}  focus={short(graph, p.focus)}  "
        f"path={short(graph, p.path)}  value={short(graph, p.value)}\n            {p.message}"
        for p in problems
    )


def merged(core: Graph, fixture: Path) -> Graph:
    graph = Graph()
    graph += core
    parse_file(fixture, graph=graph)
    return graph


def merged_view(core: Graph, fixture: Path) -> ReadOnlyGraphAggregate:
    """The shipped graph and a fixture as one read-only graph, without copying the shipped graph (a copy costs more
    than the validation itself); the engines only read their data."""
    return ReadOnlyGraphAggregate([core, parse_file(fixture)])


# ---------------------------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="session")
def shapes() -> Graph:
    return load_shapes()


@pytest.fixture(scope="session")
def core_report(core):
    return validate(core)  # the shipped shapes (the ``shapes`` fixture), compiled once per process


@pytest.fixture(scope="session")
def core_keys(core_report) -> set:
    return {key(p) for p in core_report.problems}


@pytest.fixture(scope="session")
def shape_index(shapes):
    """Named shapes, split into reporting shapes, containers (sh:property only) and helpers (used in lists)."""
    named = {s for t in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, t)}
    helpers = {o for p in (SH.node, SH.qualifiedValueShape, SH["not"]) for o in shapes.objects(None, p)}
    helpers |= {m for p in SHAPE_LISTS for lst in shapes.objects(None, p) for m in shapes.items(lst)}
    reporting = {
        s for s in named if s not in helpers and any(p in CONSTRAINT_PARAMETERS for p in shapes.predicates(s))
    }
    return named, reporting, helpers


# ---------------------------------------------------------------------------------------------------- the shipped graph


def test_shipped_graph_has_no_violation_and_no_warning(core_report, core):
    assert not core_report.problems, (
        f"the shipped graph breaks {len(core_report.problems)} rule(s) "
        f"({core_report.count(Severity.VIOLATION)} violations, {core_report.count(Severity.WARNING)} warnings):\n"
        + render(core_report.problems, core)
    )


def test_validate_does_not_mutate_its_input(core, shapes):
    data = merged(core, FIXTURES / "Role-inLayer.bad.ttl")  # a graph that yields results
    data_before, shapes_before = Graph(), Graph()
    data_before += data
    shapes_before += shapes
    report = validate(data, shapes=shapes)
    assert report.problems, "the check needs a graph that yields results"
    assert len(data) == len(data_before)
    assert isomorphic(data, data_before)
    assert len(shapes) == len(shapes_before)
    assert isomorphic(shapes, shapes_before)


# ---------------------------------------------------------------------------------------------------- fixtures fire


@pytest.mark.parametrize("fixture", BAD, ids=lambda p: p.name.removesuffix(".bad.ttl"))
def test_bad_fixture_breaks_its_shape(fixture, core, shapes, core_keys):
    spec = read_spec(fixture)
    report = validate(merged_view(core, fixture))  # the shipped shapes, compiled once per process
    new = [p for p in report.problems if key(p) not in core_keys]
    hits = [p for p in new if p.shape == spec.shape and path_matches(spec.path, p.path)]
    assert hits, (
        f"{fixture.name}: no new result from {short(shapes, spec.shape)} on path {spec.path}.\n"
        f"New results:\n{render(new, shapes)}"
    )
    allowed = {spec.shape, *spec.also}
    stray = [p for p in new if p.shape not in allowed]
    assert not stray, (
        f"{fixture.name}: the fixture breaks more than {short(shapes, spec.shape)}; fix the fixture or list the "
        f"other shape with '# also:'.\nUnexpected results:\n{render(stray, shapes)}"
    )


@pytest.mark.parametrize("fixture", GOOD, ids=lambda p: p.name.removesuffix(".good.ttl"))
def test_good_fixture_passes(fixture, core, shapes, core_keys, shape_index):
    spec = read_spec(fixture)
    assert spec.shape in shape_index[0], f"{fixture.name}: {spec.shape} is not a shape of shapes/"
    report = validate(merged_view(core, fixture))
    new = [p for p in report.problems if key(p) not in core_keys]
    assert not new, f"{fixture.name}: a good fixture must add no result.\nNew results:\n{render(new, shapes)}"


# ---------------------------------------------------------------------------------------------------- coverage


def test_every_shape_is_exercised_by_a_bad_fixture(shapes, shape_index):
    named, reporting, helpers = shape_index
    expected = {read_spec(f).shape for f in BAD}
    unknown = expected - reporting
    assert not unknown, f"fixtures expect shapes that do not exist or cannot report: {sorted(unknown)}"

    def exercised(shape, seen=frozenset()) -> bool:
        if shape in expected:
            return True
        if shape in seen:
            return False
        seen = seen | {shape}
        if shape in helpers:  # a member of sh:xone / sh:qualifiedValueShape ...: exercised through its users
            users = {s for p in (SH.node, SH.qualifiedValueShape, SH["not"]) for s in shapes.subjects(p, shape)}
            users |= {s for p in SHAPE_LISTS for s, lst in shapes.subject_objects(p) if shape in set(shapes.items(lst))}
            return any(exercised(u, seen) for u in users)
        if shape not in reporting:  # a container of property shapes
            return any(exercised(p, seen) for p in shapes.objects(shape, SH.property))
        return False

    missing = sorted(short(shapes, s) for s in named if not exercised(s))
    assert not missing, f"shapes without a bad fixture in {FIXTURES}: {missing}"


def test_every_fixture_header_is_well_formed():
    for fixture in BAD + GOOD:
        read_spec(fixture)
    assert {f.name for f in FIXTURES.glob("*.ttl")} == {f.name for f in BAD + GOOD}, (
        "fixture files must end in .bad.ttl or .good.ttl"
    )


# ---------------------------------------------------------------------------------------------------- house rules


def test_every_shape_is_a_named_iri(shapes):
    typed = {s for t in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, t)}
    used = {o for p in SHAPE_REFERENCES for o in shapes.objects(None, p)}
    used |= {m for p in SHAPE_LISTS for lst in shapes.objects(None, p) for m in shapes.items(lst)}
    used |= {s for s in shapes.subjects(SH.path, None)}
    blank = sorted(str(s) for s in typed | used if not isinstance(s, URIRef))
    assert not blank, f"blank-node shapes (give them an aiws: IRI): {blank}"
    untyped = sorted(short(shapes, s) for s in used - typed)
    assert not untyped, f"shapes used but not typed sh:NodeShape / sh:PropertyShape: {untyped}"
    outside = sorted(str(s) for s in typed if not str(s).startswith(PREFIXES["aiws"]))
    assert not outside, f"shapes outside the aiws: namespace: {outside}"


def test_every_constraint_has_a_message_and_a_severity(shapes):
    problems = []
    for shape in sorted({s for t in (SH.NodeShape, SH.PropertyShape) for s in shapes.subjects(RDF.type, t)}):
        name = short(shapes, shape)
        if not any(p in CONSTRAINT_PARAMETERS for p in shapes.predicates(shape)):
            continue
        severities = set(shapes.objects(shape, SH.severity))
        if len(severities) != 1 or not severities <= {SH.Violation, SH.Warning}:
            problems.append(f"{name}: needs exactly one sh:severity, sh:Violation or sh:Warning (has {severities})")
        constraints = list(shapes.objects(shape, SH.sparql))
        holders = constraints if constraints else [shape]
        if constraints and set(shapes.objects(shape, SH.message)):
            problems.append(f"{name}: put sh:message on the sh:sparql constraint, not on the shape")
        for holder in holders:
            messages = [m for m in shapes.objects(holder, SH.message) if isinstance(m, Literal)]
            if not messages or any(m.language != "en" or len(str(m)) < 30 for m in messages):
                problems.append(f"{name}: needs an English sh:message of at least 30 characters")
    assert not problems, "\n".join(problems)


def test_sparql_uses_declared_prefixes(shapes):
    """Every sh:select (constraint or target) names sh:prefixes pointing to an owl:Ontology with sh:declare."""
    problems = []
    for node in set(shapes.subjects(SH.select, None)):
        for declaring in shapes.objects(node, SH.prefixes) or ():
            if (declaring, RDF.type, URIRef(PREFIXES["owl"] + "Ontology")) not in shapes or not set(
                shapes.objects(declaring, SH.declare)
            ):
                problems.append(f"{node}: sh:prefixes {declaring} is not an owl:Ontology with sh:declare")
        if not set(shapes.objects(node, SH.prefixes)):
            problems.append(f"{node}: no sh:prefixes")
        query = str(shapes.value(node, SH.select))
        if re.search(r"\bVALUES\b", query) and (None, SH.sparql, node) in shapes:
            problems.append(f"{node}: SPARQL constraints must not use VALUES (SHACL forbids it)")
    assert not problems, "\n".join(problems)
