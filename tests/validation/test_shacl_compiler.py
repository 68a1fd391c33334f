"""The SPARQL-compiled SHACL validator (aiworkforce.validation.shacl) reports exactly what pySHACL reports.

pySHACL (aiworkforce.validation.validate.validate) is the reference. For the shipped graph, for the shipped graph
merged with every fixture of tests/fixtures/shapes (as tests/validation/test_shapes.py validates them) and for a
generated graph with injected violations, the results of validate_fast must equal pySHACL's: the same multiset of
(severity, focus, path, shape, component, value, message). SHACL features the shipped shapes do not use, but the
compiler implements, are checked against pySHACL on a small purpose-built shapes graph.

pySHACL is slow, so its results are computed once per case, in worker processes that run while the tests do.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from collections import Counter
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH, SKOS

from _helpers import reused_sparql_translations

from aiworkforce.errors import DataError, UnsupportedShapeError
from aiworkforce.rdf.load import load_core, load_shapes, parse_file
from aiworkforce.validation.report import problems_from_report as _problems
from aiworkforce.validation.shacl import compile_shapes, validate_fast, validate_store
from aiworkforce.validation.shacl.constants import (
    COMPONENTS,
    FOCUS_MARK,
    NO_MESSAGE,
    TARGETS,
)
from aiworkforce.validation.shacl.regex import regex_expr
from aiworkforce.validation.shacl.sparqltext import sparql_string
from aiworkforce.validation.validate import validate

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "shapes"
CASES = ["core"] + sorted(f.name for f in FIXTURES.glob("*.ttl"))
GENERATE = ROOT / "benchmarks" / "generate.py"
AIW = Namespace("https://w3id.org/aiworkforce/ontology#")
DCT = Namespace("http://purl.org/dc/terms/")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")  # not rdflib's: pytest's introspection makes it warn


# ---------------------------------------------------------------------------------------------------- graphs


def case_graph(case: str, core: Graph | None = None) -> Graph:
    """The data graph of a case: the shipped graph, merged with a fixture or replaced by the synthetic graph."""
    if case == "synthetic":
        return synthetic_graph()
    graph = Graph()
    graph += core if core is not None else load_core()
    if case != "core":
        parse_file(FIXTURES / case, graph=graph)
    return graph


def parity_graph(case: str, core: Graph) -> Graph:
    """The data of a pySHACL parity case. The shipped graph and the synthetic graph are compared whole; a fixture is
    compared with the ontology's schema, layers and sources plus the neighbourhood it patches: every statement the
    shipped graph makes about a term the fixture names (with its blank nodes) and the types of what those point to.
    Parity needs both engines on the same data, not the whole graph: pySHACL takes about 7 s on the whole shipped
    graph and under 1 s on this, and the fixtures' findings in the whole graph are checked in test_shapes.py."""
    if case in ("core", "synthetic"):
        return case_graph(case, core)
    fixture = parse_file(FIXTURES / case, graph=Graph())
    graph = Graph()
    for name in ("aiworkforce.ttl", "layers.ttl", "sources.ttl"):
        parse_file(ROOT / "ontology" / name, graph=graph)
    todo = [n for n in {x for t in fixture for x in t} if isinstance(n, URIRef)]
    seen = set(todo)
    while todo:  # the concise bounded description of each term in the shipped graph
        for triple in core.triples((todo.pop(), None, None)):
            graph.add(triple)
            if isinstance(triple[2], BNode) and triple[2] not in seen:
                seen.add(triple[2])
                todo.append(triple[2])
    for _, _, o in list(graph):
        if isinstance(o, URIRef):
            graph += core.triples((o, RDF.type, None))
    graph += fixture
    return graph


def synthetic_graph() -> Graph:
    """About 8,000 generated triples (benchmarks/generate.py) plus the ontology, with known violations injected.

    Without benchmarks/generate.py, the shipped graph's roles and skills are copied under new IRIs instead.
    """
    graph = Graph()
    for name in ("aiworkforce.ttl", "layers.ttl", "sources.ttl"):
        parse_file(ROOT / "ontology" / name, graph=graph)
    if GENERATE.exists():
        spec = importlib.util.spec_from_file_location("generate", GENERATE)
        generate = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(generate)
        graph.parse(data="".join(generate.generate(8_000, 7)), format="nt")
    else:  # pragma: no cover - only while the generator does not exist
        graph += _copied_core(copies=4)
    inject_violations(graph)
    return graph


def _copied_core(copies: int) -> Graph:  # pragma: no cover - fallback
    core, out = load_core(), Graph()
    prefixes = ("https://w3id.org/aiworkforce/role/", "https://w3id.org/aiworkforce/skill/")
    for n in range(copies):
        def rename(term, n=n):
            if isinstance(term, URIRef) and str(term).startswith(prefixes):
                return URIRef(f"{term}-copy{n}")
            return term
        for s, p, o in core:
            if isinstance(s, URIRef) and str(s).startswith(prefixes):
                if p in (SKOS.prefLabel, SKOS.altLabel) and isinstance(o, Literal):
                    o = Literal(f"{o} copy {n}", lang=o.language)
                out.add((rename(s), p, rename(o)))
    return out


#: The shapes the injected violations must trigger (besides matching pySHACL).
INJECTED = {
    "Concept-prefLabel", "Concept-definition", "Concept-definition-length", "Concept-altLabel", "Concept-notes",
    "Concept-source-class", "Skill-skillType", "ReferenceOccupation-kind", "Role-essentialSkill", "RoleSelfOverlapShape",
    "RoleSpecialisationCycleShape", "UniquePrefLabelShape", "Role-iri", "Layer-stackOrder",
    "LayerStackOrderUniqueShape", "Ontology-created-order", "Role-essentialSkill-disjoint",
}


def inject_violations(graph: Graph) -> None:
    roles = sorted(s for s in graph.subjects(RDF.type, AIW.Role) if "/role/" in str(s))
    skills = sorted(graph.subjects(RDF.type, AIW.Skill))
    occupations = sorted(graph.subjects(RDF.type, AIW.ISCOUnitGroup))
    layers = sorted(graph.subjects(RDF.type, AIW.Layer))
    r = roles[:12]
    graph.remove((r[0], SKOS.prefLabel, None))  # Concept-prefLabel (minCount)
    graph.add((r[1], SKOS.definition, Literal("A second definition, which is one too many here.", lang="en")))
    graph.set((r[2], SKOS.definition, Literal("Too short.", lang="en")))  # Concept-definition-length
    graph.add((r[3], SKOS.altLabel, graph.value(r[3], SKOS.prefLabel)))  # Concept-altLabel (disjoint)
    graph.add((r[3], SKOS.altLabel, Literal("No Language Tag")))  # Concept-altLabel (datatype, languageIn)
    graph.add((r[3], SKOS.altLabel, Literal("Upper Case Tag", lang="EN")))  # fine: language tags ignore case
    graph.add((r[4], SKOS.scopeNote, Literal("Not tagged.")))  # Concept-notes (a complex path)
    graph.add((r[4], DCT.source, Literal("an article")))  # Concept-source-class (nodeKind, class)
    graph.add((skills[0], AIW.skillType, AIW.Attitude))  # Skill-skillType (maxCount)
    graph.add((occupations[0], RDF.type, AIW.ESCOOccupation))  # ReferenceOccupation-kind (qualifiedMaxCount)
    graph.add((r[5], AIW.requiresEssentialSkill, Literal("python")))  # Role-essentialSkill (class)
    graph.add((r[5], AIW.requiresOptionalSkill, graph.value(r[6], AIW.requiresEssentialSkill)))
    graph.add((r[5], AIW.requiresEssentialSkill, graph.value(r[6], AIW.requiresEssentialSkill)))  # disjoint
    graph.add((r[6], AIW.overlapsWith, r[6]))  # RoleSelfOverlapShape
    graph.add((r[7], AIW.specialises, r[8]))
    graph.add((r[8], AIW.specialises, r[7]))  # RoleSpecialisationCycleShape
    graph.set((r[9], SKOS.prefLabel, Literal(str(graph.value(r[10], SKOS.prefLabel)).upper(), lang="en")))
    bad = URIRef("https://w3id.org/aiworkforce/role/Bad_Slug")  # Role-iri, and the warnings of a bare role
    graph.add((bad, RDF.type, AIW.Role))
    graph.add((bad, SKOS.prefLabel, Literal("Bad Slug Role", lang="en")))
    graph.add((layers[0], AIW.stackOrder, Literal("3.0", datatype=XSD.decimal)))  # Layer-stackOrder
    graph.set((layers[1], AIW.stackOrder, graph.value(layers[2], AIW.stackOrder)))  # LayerStackOrderUniqueShape
    header = URIRef("https://w3id.org/aiworkforce/ontology")
    graph.set((header, DCT.modified, Literal("2000-01-01", datatype=XSD.date)))  # Ontology-created-order


# ---------------------------------------------------------------------------------------------------- pySHACL


@functools.lru_cache(maxsize=1)
def _reference_inputs() -> tuple[Graph, Graph]:
    return load_core(), load_shapes()


@functools.lru_cache(maxsize=None)
def _reference(case: str) -> tuple:
    """pySHACL's problems for a case, computed when a test first asks for it. Only that case: under
    ``pytest -n``, each worker computes the references of the tests it runs, and no case is computed twice."""
    core, shapes = _reference_inputs()
    with reused_sparql_translations():
        return validate(parity_graph(case, core), shapes=shapes, engine="pyshacl").problems


@pytest.fixture(scope="session")
def pyshacl_results():
    class _References:
        def __getitem__(self, case: str) -> tuple:
            return _reference(case)

    return _References()


# ---------------------------------------------------------------------------------------------------- helpers


@pytest.fixture(scope="session")
def shapes_graph() -> Graph:
    return load_shapes()


@pytest.fixture(scope="session")
def compiled(shapes_graph):
    return compile_shapes(shapes_graph)


def key(problem) -> tuple:
    """Everything pySHACL reports, with blank-node labels (which differ between processes) blanked out."""
    def norm(node):
        return "_:b" if isinstance(node, BNode) else node

    return (problem.severity, norm(problem.focus), norm(problem.path), problem.shape, problem.component,
            norm(problem.value), problem.message)


def show(problems) -> str:
    return "\n".join(
        f"  {p.severity.value:<9} {p.shape}  focus={p.focus}  path={p.path!r}  value={p.value!r}\n"
        f"      {str(p.component).rsplit('#', 1)[-1]}: {p.message}"
        for p in sorted(problems, key=lambda p: p.sort_key)
    ) or "  (none)"


def assert_same(expected, actual, what: str) -> None:
    want, got = Counter(map(key, expected)), Counter(map(key, actual))
    if want == got:
        return
    only_ref = [p for p in expected if key(p) in want - got]
    only_fast = [p for p in actual if key(p) in got - want]
    pytest.fail(
        f"{what}: validate_fast differs from pySHACL.\n"
        f"pySHACL ({len(expected)} results):\n{show(expected)}\n"
        f"validate_fast ({len(actual)} results):\n{show(actual)}\n"
        f"only pySHACL:\n{show(only_ref)}\nonly validate_fast:\n{show(only_fast)}"
    )


# ---------------------------------------------------------------------------------------------------- compiling


def test_every_shipped_shape_compiles(shapes_graph, compiled):
    """Every shape that can report is compiled, into queries Oxigraph parses (compile_shapes checks that)."""
    params = set(COMPONENTS) | {SH.qualifiedValueShape}
    targets = {s for p in TARGETS for s in shapes_graph.subjects(p, None)}
    reachable = targets | {o for s in targets for o in shapes_graph.objects(s, SH.property)}
    reporting = {s for s in reachable if params & set(shapes_graph.predicates(s, None)) - {SH.property}}
    assert reporting, "the shapes graph has no reporting shape?"
    missing = reporting - {c.shape for c in compiled}
    assert not missing, f"shapes with constraints but no compiled query: {sorted(map(str, missing))}"
    assert len(compiled) >= len(reporting)
    for c in compiled:
        assert c.query.count("SELECT") >= 1 and "?this" in c.query
        assert c.message != NO_MESSAGE or c.sparql


def test_compiled_queries_are_set_based(compiled):
    """One query per constraint: focus nodes come from the target pattern, never from a list of nodes."""
    for c in compiled:
        assert "VALUES ?this" not in c.query
        assert FOCUS_MARK in c.query  # where validate_store(focus_nodes=...) restricts the targets


# ---------------------------------------------------------------------------------------------------- fidelity


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.removesuffix(".ttl"))
def test_same_results_as_pyshacl(case, core, compiled, pyshacl_results):
    expected = pyshacl_results[case]
    actual = validate_fast(parity_graph(case, core), shapes=compiled).problems
    assert_same(expected, actual, case)
    if case.endswith(".bad.ttl"):
        assert actual, f"{case} must yield results"


def test_synthetic_graph_same_results_as_pyshacl(compiled, pyshacl_results):
    graph = synthetic_graph()
    assert len(graph) > 6_000
    report = validate_fast(graph, shapes=compiled)
    assert_same(pyshacl_results["synthetic"], report.problems, "synthetic graph")
    fired = {str(p.shape).rsplit("#", 1)[-1] for p in report.problems}
    assert INJECTED <= fired, f"injected violations not found: {sorted(INJECTED - fired)}"
    assert not report.conforms


def test_extra_features_same_results_as_pyshacl():
    """Components, targets and paths the shipped shapes do not use, against pySHACL on a small graph."""
    shapes = Graph().parse(data=EXTRA_SHAPES, format="turtle")
    data = Graph().parse(data=EXTRA_DATA, format="turtle")
    expected = validate(data, shapes=shapes, engine="pyshacl").problems
    actual = validate_fast(data, shapes=shapes).problems
    assert_same(expected, actual, "extra features")
    components = {str(p.component).rsplit("#", 1)[-1].removesuffix("ConstraintComponent") for p in actual}
    assert components >= {
        "Equals", "LessThan", "MaxCount", "MinCount", "MaxInclusive", "MaxExclusive", "MinExclusive", "Datatype",
        "Pattern", "MinLength", "MaxLength", "Not", "Node", "Or", "Xone", "And", "UniqueLang", "QualifiedMinCount",
        "QualifiedMaxCount", "Closed", "HasValue", "In", "Disjoint", "SPARQL", "Class",
    }, components
    paths = {str(p.path) for p in actual if isinstance(p.path, Literal)}
    assert {"ex:hasPart/ex:name", "(ex:parent)+", "^ex:owns", "(ex:tag)?", "(ex:alias)*"} <= paths, paths


def test_the_shipped_graph_conforms_with_the_default_shapes(core):
    report = validate_fast(core)
    assert report.conforms and not report.problems
    assert report.triples == len(core)


@pytest.mark.parametrize("given", ["nothing", "both"])
def test_the_data_are_given_exactly_once(core, given):
    """No data is never "the shipped graph, loaded quietly": the caller says what is validated."""
    kwargs = {} if given == "nothing" else {"data": core, "store": pyoxigraph.Store()}
    with pytest.raises(ValueError, match="pass the data to validate"):
        validate_fast(**kwargs)


# ---------------------------------------------------------------------------------------------------- behaviour


def test_report_graph_gives_back_the_problems(core, compiled):
    """The report graph is a SHACL report from which aiworkforce.validation.validate reads the same problems."""
    report = validate_fast(case_graph("Concept-notes.bad.ttl", core), shapes=compiled)
    assert report.problems and any(isinstance(p.path, Literal) for p in report.problems)
    assert _problems(report.report_graph) == report.problems
    assert (None, SH.conforms, Literal(report.conforms)) in report.report_graph


def test_validate_fast_does_not_mutate_its_input(core, shapes_graph):
    data = case_graph("Role-inLayer.bad.ttl", core)
    before_data, before_shapes = Graph(), Graph()
    before_data += data
    before_shapes += shapes_graph
    assert validate_fast(data, shapes=shapes_graph).problems
    assert len(data) == len(before_data) and isomorphic(data, before_data)
    assert len(shapes_graph) == len(before_shapes) and isomorphic(shapes_graph, before_shapes)


def test_focus_nodes_restrict_the_results(core, compiled):
    graph = case_graph("UniquePrefLabelShape.bad.ttl", core)
    everything = validate_fast(graph, shapes=compiled).problems
    focus = everything[0].focus
    selected = validate_fast(graph, shapes=compiled, focus_nodes=[focus]).problems
    assert selected and set(selected) == {p for p in everything if p.focus == focus}
    assert validate_fast(graph, shapes=compiled, focus_nodes=[]).problems == ()


def test_a_store_is_validated_without_rdflib(core, compiled):
    """A pyoxigraph store (the scale pipeline) gives the results of the same data as an rdflib graph."""
    graph = case_graph("Role-essentialSkill.bad.ttl", core)
    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    from_store = validate_fast(store=store, shapes=compiled)
    from_graph = validate_fast(graph, shapes=compiled)
    assert from_store.problems == from_graph.problems and from_store.problems
    assert from_store.triples == len(store) == len(graph)
    assert validate_store(store, compiled, workers=1) == from_store.problems
    with pytest.raises(ValueError):
        validate_fast(graph, store=store)


def test_this_inside_exists_in_a_disjunction_is_compiled_and_agrees():
    """``FILTER (NOT EXISTS {$this ...} || NOT EXISTS {...})``: EXISTS sees the outer solution, so the compiled
    join equals pre-binding; the engine must compile it (not refuse) and give pySHACL's results."""
    shapes = Graph().parse(data="""
        @prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .
        ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; sh:sparql [ sh:message "m" ; sh:select \"""
            PREFIX ex: <http://example.org/>
            SELECT $this WHERE {
              $this ex:basis ex:Editorial .
              FILTER (NOT EXISTS { $this ex:note ?n } || NOT EXISTS { $this ex:source ?s . ?s a ex:Editors })
            }\""" ] .""", format="turtle")
    data = Graph().parse(data="""
        @prefix ex: <http://example.org/> .
        ex:good a ex:Thing ; ex:basis ex:Editorial ; ex:note "n" ; ex:source ex:ed . ex:ed a ex:Editors .
        ex:no-note a ex:Thing ; ex:basis ex:Editorial ; ex:source ex:ed .
        ex:no-source a ex:Thing ; ex:basis ex:Editorial ; ex:note "n" ; ex:source ex:other .
        ex:stated a ex:Thing ; ex:basis ex:Stated .""", format="turtle")
    compile_shapes(shapes)  # no UnsupportedShapeError
    expected = validate(data, shapes=shapes, engine="pyshacl").problems
    actual = validate_fast(data, shapes=shapes).problems
    assert {str(p.focus) for p in actual} == {"http://example.org/no-note", "http://example.org/no-source"}
    assert_same(expected, actual, "$this inside EXISTS in a disjunction")


def test_literals_come_back_as_rdflib_wrote_them():
    """Oxigraph canonicalises literals; results still carry the rdflib graph's own terms."""
    shapes = Graph().parse(data=EXTRA_SHAPES, format="turtle")
    data = Graph().parse(data="""
        @prefix ex: <http://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
        ex:t a ex:Thing ; ex:size "11.0"^^xsd:decimal, "12"^^xsd:int, "abc"^^xsd:decimal ;
           ex:alias "x"@EN-gb, "y"^^xsd:string .""", format="turtle")
    expected = validate(data, shapes=shapes, engine="pyshacl").problems
    actual = validate_fast(data, shapes=shapes).problems
    assert_same(expected, actual, "canonicalised literals")
    values = {p.value for p in actual if p.value is not None}
    assert Literal("11.0", datatype=XSD.decimal) in values  # not "11"
    assert any(isinstance(v, Literal) and v.datatype == XSD.int for v in values)  # not xsd:integer
    assert {repr(p.value) for p in actual} == {repr(p.value) for p in expected}  # language tags keep their case


# ---------------------------------------------------------------------------------------------------- unsupported

M = 'sh:message "m"'
#: name -> (shapes in Turtle, with the ex: and sh: prefixes; what the error says)
UNSUPPORTED = {
    "unknown parameter": (f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:fooBar 1 ; {M} .",
                          "sh:fooBar is not supported"),
    "custom component": ("ex:C a sh:ConstraintComponent ; sh:parameter [ sh:path ex:p ] .",
                         "custom constraint component"),
    "SHACL rules": ("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:rule [ a sh:TripleRule ] .", "sh:rule"),
    "disjoint qualified shapes": (
        (f"ex:S a sh:PropertyShape ; sh:targetNode ex:a ; sh:path ex:p ; sh:qualifiedValueShape ex:H ; {M} ; "
         "sh:qualifiedMinCount 1 ; sh:qualifiedValueShapesDisjoint true . ex:H a sh:NodeShape ; sh:class ex:C ."),
        "qualifiedValueShapesDisjoint"),
    "qualified shape on a node shape": (
        (f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:qualifiedValueShape ex:H ; sh:qualifiedMinCount 1 ; {M} . "
         "ex:H a sh:NodeShape ; sh:class ex:C ."),
        "needs a property shape"),
    "custom severity": ("ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:class ex:C ; sh:severity ex:Mine .",
                        "custom severity"),
    "component typed through a subclass": (
        "ex:CC rdfs:subClassOf sh:ConstraintComponent . ex:C a ex:CC .", "custom constraint component"),
    "$this in a nested group": (
        (f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ {M} ; sh:select "
         '"SELECT $this WHERE { { FILTER (false) } UNION { FILTER ($this = ex:a) } }" ] .'),
        "nested group"),
    "$this in a UNION inside NOT EXISTS": (
        (f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ {M} ; sh:select "
         '"SELECT $this WHERE { FILTER (NOT EXISTS { { ?x ex:p ?y FILTER (?x = $this) } UNION { ?x ex:q ?y } }) }" ] .'),
        "nested group"),
    "aggregate in a SPARQL constraint": (
        (f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ {M} ; sh:select "
         '"SELECT $this (COUNT(?x) AS ?n) WHERE { $this ex:p ?x } GROUP BY $this" ] .'),
        "aggregates"),
    "look-ahead in a pattern": (f'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:pattern "a(?=b)" ; {M} .',
                                "look-around"),
    "word boundary in a pattern": (f'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:pattern "\\\\bx" ; {M} .',
                                   "word boundary"),
    "large count in a helper": (
        (f"ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:node ex:H ; {M} . "
         "ex:H a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 9 ] ."),
        "sh:minCount 9 in a nested property shape"),
    "ASK constraint": (f'ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:sparql [ {M} ; sh:ask "ASK {{ }}" ] .',
                       "sh:ask"),
    "non-SPARQL custom target": (f"ex:S a sh:NodeShape ; sh:target [ a ex:MyTarget ] ; sh:class ex:C ; {M} .",
                                 "only SPARQL targets"),
}


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_feature_raises(name):
    snippet, error = UNSUPPORTED[name]
    shapes = Graph().parse(data="@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
                                "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n" + snippet, format="turtle")
    with pytest.raises(UnsupportedShapeError, match=re.escape(error)) as info:
        compile_shapes(shapes)
    assert info.value.exit_code == 2 and not isinstance(info.value, DataError)  # a refusal, not a broken install


# ---------------------------------------------------------------------------------------------------- regexes

PROBES = ["", "a", "ab", "Data Engineer", " x", "x ", "x\n", "a\nb", "a b\n", "x\x1cy", "x\u00a0y", "ABC", "abc",
          "a[b]", "a-b", "a{2}", "aa", "caf\u00e9", "\u0661\u0662", "x_y", "#tag", "2512", "25.12", "$", "a.b"]
PATTERNS = [r"^\S+( \S+)*$", r"\s", r"^[a-z0-9]+(-[a-z0-9]+)*$", r"\?$", r"^[0-9]{4}$", r"^[^\s]+$", r"a{,1}b",
            r"[[]", r"\w+$", r"\W", r"\d", r"^a$", r"b\Z", r"\x41", r"\N{LATIN SMALL LETTER E WITH ACUTE}",
            r"[\s-]", r"a|b$", r"(?i)abc", r"^(?:x|y)\n?$", r"a{2}", r"\{", r"[$]", r"\$"]


@pytest.mark.filterwarnings("ignore::FutureWarning")  # Python warns about "[[" (still a valid pattern)
@pytest.mark.parametrize("flags", ["", "i", "m"])
def test_patterns_match_like_python(flags):
    """sh:pattern translated for Oxigraph matches exactly the strings Python's re.search (pySHACL) matches."""
    store = pyoxigraph.Store()
    py_flags = (re.IGNORECASE if "i" in flags else 0) | (re.MULTILINE if "m" in flags else 0)
    for pattern in PATTERNS:
        expr = regex_expr("?s", pattern, flags, "")
        values = " ".join(sparql_string(p) for p in PROBES)
        rows = store.query(f"SELECT ?s ({expr} AS ?m) WHERE {{ VALUES ?s {{ {values} }} }}")
        got = {row["s"].value: row["m"].value == "true" for row in rows}
        want = {p: bool(re.search(pattern, p, py_flags)) for p in PROBES}
        assert got == want, f"{pattern!r} flags={flags!r}: " + ", ".join(
            f"{s!r}: python={want[s]} sparql={got[s]}" for s in PROBES if want[s] != got[s])


# ---------------------------------------------------------------------------------------------------- extra shapes

EXTRA_SHAPES = r"""
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .

ex: a owl:Ontology ; sh:declare [ sh:prefix "ex" ; sh:namespace "http://example.org/"^^xsd:anyURI ] .

ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:severity sh:Warning ;
  sh:property ex:Thing-start, ex:Thing-size, ex:Thing-code, ex:Thing-part, ex:Thing-ancestor, ex:Thing-owner,
    ex:Thing-tag, ex:Thing-label, ex:Thing-kind, ex:Thing-off, ex:Thing-sparql ;
  sh:message "thing"@en .
ex:Thing-start a sh:PropertyShape ; sh:path ex:start ; sh:lessThan ex:end ; sh:equals ex:begin ;
  sh:maxCount 2 ; sh:minCount 2 ; sh:message "start {?value}"@en .
ex:Thing-size a sh:PropertyShape ; sh:path ex:size ; sh:maxInclusive 10 ; sh:minExclusive 0 ; sh:maxExclusive 9.5 ;
  sh:datatype xsd:decimal ; sh:message "size"@en .
ex:Thing-code a sh:PropertyShape ; sh:path ex:code ; sh:pattern "^ab+c$" ; sh:pattern "^A" ; sh:flags "i" ;
  sh:message "code"@en , "kode"@de ; sh:severity sh:Info .
ex:Thing-part a sh:PropertyShape ; sh:path ( ex:hasPart ex:name ) ; sh:minLength 3 ; sh:maxLength 5 ;
  sh:message "part"@en .
ex:Thing-ancestor a sh:PropertyShape ; sh:path [ sh:oneOrMorePath ex:parent ] ; sh:not ex:IsThing ;
  sh:message "ancestor"@en .
ex:Thing-owner a sh:PropertyShape ; sh:path [ sh:inversePath ex:owns ] ; sh:node ex:IsPerson ; sh:maxCount 1 ;
  sh:message "owner"@en .
ex:Thing-tag a sh:PropertyShape ; sh:path [ sh:zeroOrOnePath ex:tag ] ; sh:nodeKind sh:IRIOrLiteral ;
  sh:or ( ex:IsThing ex:IsPerson ex:IsTagText ) ; sh:message "tag"@en .
ex:Thing-label a sh:PropertyShape ; sh:path [ sh:zeroOrMorePath ex:alias ] ; sh:uniqueLang true ;
  sh:xone ( ex:IsThing ex:IsEnglish ex:IsShort ) ; sh:message "label"@en .
ex:Thing-kind a sh:PropertyShape ; sh:path ex:kind ; sh:qualifiedValueShape ex:IsPerson ; sh:qualifiedMinCount 2 ;
  sh:qualifiedMaxCount 3 ; sh:and ( ex:IsIRI ex:IsPerson ) ; sh:message "kind"@en .
ex:Thing-off a sh:PropertyShape ; sh:path ex:start ; sh:deactivated true ; sh:minCount 5 ; sh:message "off"@en .
ex:Thing-sparql a sh:PropertyShape ; sh:path ex:size ;
  sh:sparql [ sh:prefixes ex: ; sh:message "size {?value} of {$this} at {?path} is odd ({?n})"@en ;
              sh:select '''SELECT $this ?value ?n WHERE {
                $this $PATH ?value . BIND (STR(?value) AS ?n) FILTER (?value > 5 && ?value < 10) }''' ] .

ex:IsThing a sh:NodeShape ; sh:class ex:Thing ; sh:message "is thing"@en .
ex:IsPerson a sh:NodeShape ; sh:class ex:Person ; sh:message "is person"@en .
ex:IsIRI a sh:NodeShape ; sh:nodeKind sh:IRI .
ex:IsTagText a sh:NodeShape ; sh:datatype xsd:string ; sh:pattern "^#" .
ex:IsEnglish a sh:NodeShape ; sh:languageIn ( "en" "fr-CA" ) .
ex:IsShort a sh:NodeShape ; sh:maxLength 4 .

ex:ObjShape a sh:NodeShape ; sh:targetObjectsOf ex:owns ; sh:targetNode ex:ghost, "lit" ;
  sh:closed true ; sh:ignoredProperties ( rdfs:label ) ; sh:property ex:Obj-type ;
  sh:hasValue ex:special ; sh:in ( ex:a ex:b "lit" ) ; sh:message "obj"@en .
ex:Obj-type a sh:PropertyShape ; sh:path <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ; sh:message "objtype"@en ;
  sh:disjoint ex:kind .

ex:Named a rdfs:Class , sh:NodeShape ; sh:pattern "^http://example.org/n[0-9]+$" ; sh:message "named"@en .
"""

EXTRA_DATA = r"""
@prefix ex: <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:Widget rdfs:subClassOf ex:Thing .
ex:t1 a ex:Thing ; ex:start 5, 7, 9 ; ex:begin 5, 8 ; ex:end 6, "x" ; ex:size 11.0, 0, 9.5, "7"^^xsd:decimal, 3 ;
  ex:code "abbc", "ABC", "xbc", "abc\n" ; ex:hasPart [ ex:name "ab", "abcdef", "abcd" ] , ex:p2 ;
  ex:parent ex:t2 ; ex:tag ex:t2, "#tag", "notag", 5 ; ex:alias "A"@en, "B"@EN, "C"@fr-ca ;
  ex:kind ex:pe1, ex:pe2, ex:pe3, ex:pe4, ex:t2 .
ex:p2 ex:name "xyz" .
ex:t2 a ex:Widget ; ex:start 1 ; ex:begin 1 ; ex:end 2 ; ex:parent ex:t3 ; ex:kind ex:pe1 ; ex:alias "toolong"@de .
ex:t3 a ex:Thing ; ex:parent ex:t1 ; ex:start "a", <http://example.org/z> ; ex:begin "a", <http://example.org/z> ;
  ex:end "b", <http://example.org/y> .
ex:pe1 a ex:Person . ex:pe2 a ex:Person . ex:pe3 a ex:Person . ex:pe4 a ex:Person .
ex:pe1 ex:owns ex:t1 . ex:pe2 ex:owns ex:t1 . ex:t2 ex:owns ex:t2 .
ex:x ex:owns ex:a . ex:a a ex:Thing ; rdfs:label "A" ; ex:kind ex:Thing ; ex:color "red" .
ex:n12 a ex:Named . ex:m1 a ex:Named . _:b a ex:Named .
"""
