"""Checks of ontology/alignments.ttl against the official ISCO-08, ESCO v1.2.0 and O*NET 29.2 files.

Every check is a plain function that returns a list of problems (empty when all is well). The tests run each one on the
real alignments (expecting no problem) and on small broken graphs (expecting the problem to be reported), so a check
that could never fail would be noticed.

Codes and titles are compared with the trimmed extract in tests/data/reference/, which is committed. Where the full
release files are available (../shared/reference beside the repository), one test also proves the extract genuine.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import SKOS

from conftest import ROOT

REPO_ROOT = ROOT
ONTOLOGY_DIR = REPO_ROOT / "ontology"
ALIGNMENTS = ONTOLOGY_DIR / "alignments.ttl"
EXTRACT_DIR = REPO_ROOT / "tests" / "data" / "reference"
FULL_REFERENCE_DIR = REPO_ROOT.parent / "shared" / "reference"

AIW = Namespace("https://w3id.org/aiworkforce/ontology#")
ROLE_NS = "https://w3id.org/aiworkforce/role/"
ISCO_NS = "http://data.europa.eu/esco/isco/C"
ESCO_OCC_NS = "http://data.europa.eu/esco/occupation/"
ONET_NS = "https://www.onetonline.org/link/summary/"

ISCO_SCHEME = URIRef("http://data.europa.eu/esco/concept-scheme/isco")
ESCO_SCHEME = URIRef("http://data.europa.eu/esco/concept-scheme/occupations")
ONET_SCHEME = URIRef("https://www.onetcenter.org/taxonomy/2019/soc")

MATCH_PROPERTIES = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)

ISCO_CODE = re.compile(r"^\d{4}$")
ONET_CODE = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
ESCO_CODE = re.compile(r"^\d{4}(\.\d+)*$")
# ISCO groups of animal-husbandry and veterinary work: where ESCO's "AI engineer" / "AI specialist" labels live.
TRAP_ISCO_PREFIXES = ("2250", "3240")


# --------------------------------------------------------------------------------------------------------------------
# Loading


@dataclass
class Reference:
    isco: dict[str, dict[str, str]]  # conceptUri -> row
    esco: dict[str, dict[str, str]]  # conceptUri -> row
    onet: dict[str, dict[str, str]]  # O*NET-SOC code -> row


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_reference(folder: Path) -> Reference:
    return Reference(
        isco={r["conceptUri"]: r for r in _read_csv(folder / "esco-1.2.0-ISCOGroups_en.csv")},
        esco={r["conceptUri"]: r for r in _read_csv(folder / "esco-1.2.0-occupations_en.csv")},
        onet={r["O*NET-SOC Code"]: r for r in _read_csv(folder / "onet-29.2-occupation-data.csv")},
    )


def parse_turtle(text: str) -> Graph:
    return Graph().parse(data=text, format="turtle")


@pytest.fixture(scope="module")
def alignments() -> Graph:
    return Graph().parse(ALIGNMENTS, format="turtle")


@pytest.fixture(scope="module")
def reference() -> Reference:
    return load_reference(EXTRACT_DIR)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


# --------------------------------------------------------------------------------------------------------------------
# Checks: each returns a list of human-readable problems


def scheme_of(iri: URIRef) -> str | None:
    text = str(iri)
    if text.startswith(ISCO_NS):
        return "isco"
    if text.startswith(ESCO_OCC_NS):
        return "esco"
    if text.startswith(ONET_NS):
        return "onet"
    return None


def looks_like_reference(iri: URIRef) -> bool:
    """True for IRIs in the ESCO / O*NET domains, whether or not in the accepted form."""
    text = str(iri)
    return "data.europa.eu/esco/" in text or "onetonline.org" in text or "onetcenter.org" in text


def match_triples(graph: Graph):
    for prop in MATCH_PROPERTIES:
        for subject, target in graph.subject_objects(prop):
            yield subject, prop, target


def _single(graph: Graph, subject: URIRef, prop: URIRef, where: str, problems: list[str]):
    values = list(graph.objects(subject, prop))
    if len(values) != 1:
        problems.append(f"{where}: expected exactly one {graph.qname(prop)}, found {len(values)}")
        return None
    return values[0]


def _check_label(graph: Graph, subject: URIRef, official: str, where: str, problems: list[str]) -> None:
    label = _single(graph, subject, SKOS.prefLabel, where, problems)
    if label is None:
        return
    if not isinstance(label, Literal) or label.language != "en":
        problems.append(f"{where}: skos:prefLabel must be an @en literal, got {label!r}")
    if str(label) != official.strip():
        problems.append(f"{where}: label {str(label)!r} differs from the official title {official.strip()!r}")


def _check_description(graph: Graph, target: URIRef, cls: URIRef, scheme: URIRef, where: str, problems: list[str]):
    if (target, RDF.type, cls) not in graph:
        problems.append(f"{where}: not described as {graph.qname(cls)} in alignments.ttl")
    in_scheme = _single(graph, target, SKOS.inScheme, where, problems)
    if in_scheme is not None and in_scheme != scheme:
        problems.append(f"{where}: skos:inScheme is {in_scheme}, expected {scheme}")
    return _single(graph, target, SKOS.notation, where, problems)


def check_isco_group(graph: Graph, target: URIRef, ref: Reference) -> list[str]:
    problems: list[str] = []
    where = f"ISCO {target}"
    notation = _check_description(graph, target, AIW.ISCOUnitGroup, ISCO_SCHEME, where, problems)
    iri_code = str(target)[len(ISCO_NS):]
    if not ISCO_CODE.match(iri_code):
        problems.append(f"{where}: {iri_code!r} is not a 4-digit ISCO-08 unit group")
    if notation is not None:
        if not ISCO_CODE.match(str(notation)):
            problems.append(f"{where}: notation {str(notation)!r} is not a 4-digit unit group code")
        if str(notation) != iri_code:
            problems.append(f"{where}: notation {str(notation)!r} does not match the IRI code {iri_code!r}")
    row = ref.isco.get(str(target))
    if row is None:
        problems.append(f"{where}: not in the ISCO reference file")
        return problems
    if notation is not None and str(notation) != row["code"]:
        problems.append(f"{where}: notation {str(notation)!r} differs from the official code {row['code']!r}")
    _check_label(graph, target, row["preferredLabel"], where, problems)
    return problems


def check_esco_occupation(graph: Graph, target: URIRef, ref: Reference) -> list[str]:
    problems: list[str] = []
    where = f"ESCO {target}"
    notation = _check_description(graph, target, AIW.ESCOOccupation, ESCO_SCHEME, where, problems)
    if notation is not None and not ESCO_CODE.match(str(notation)):
        problems.append(f"{where}: notation {str(notation)!r} is not an ESCO occupation code")
    broader = _single(graph, target, SKOS.broader, where, problems)
    row = ref.esco.get(str(target))
    if row is None:
        problems.append(f"{where}: not in the ESCO occupations reference file")
        return problems
    if notation is not None and str(notation) != row["code"]:
        problems.append(f"{where}: notation {str(notation)!r} differs from the official code {row['code']!r}")
    _check_label(graph, target, row["preferredLabel"], where, problems)
    expected_broader = URIRef(ISCO_NS + row["iscoGroup"])
    if broader is not None and broader != expected_broader:
        problems.append(f"{where}: skos:broader is {broader}, but its official ISCO group is {expected_broader}")
    if broader is not None:
        problems.extend(check_isco_group(graph, broader, ref))
    return problems


def check_onet_occupation(graph: Graph, target: URIRef, ref: Reference) -> list[str]:
    problems: list[str] = []
    where = f"O*NET {target}"
    notation = _check_description(graph, target, AIW.ONETOccupation, ONET_SCHEME, where, problems)
    iri_code = str(target)[len(ONET_NS):]
    if not ONET_CODE.match(iri_code):
        problems.append(f"{where}: {iri_code!r} is not an O*NET-SOC code like 15-2051.00")
    if notation is not None and str(notation) != iri_code:
        problems.append(f"{where}: notation {str(notation)!r} does not match the IRI code {iri_code!r}")
    row = ref.onet.get(iri_code)
    if row is None:
        problems.append(f"{where}: not in the O*NET occupation reference file")
        return problems
    _check_label(graph, target, row["Title"], where, problems)
    return problems


CHECKERS = {"isco": check_isco_group, "esco": check_esco_occupation, "onet": check_onet_occupation}
CLASSES = {AIW.ISCOUnitGroup: "isco", AIW.ESCOOccupation: "esco", AIW.ONETOccupation: "onet"}


def check_alignments(graph: Graph, ref: Reference) -> list[str]:
    """Every target of a skos:*Match triple, and every described reference occupation, is correct and official."""
    problems: list[str] = []
    cited: set[URIRef] = set()
    relation: dict[tuple[URIRef, URIRef], list[URIRef]] = {}
    exact_subjects: dict[URIRef, set[URIRef]] = {}
    for subject, prop, target in match_triples(graph):
        if not str(subject).startswith(ROLE_NS):
            problems.append(f"{subject}: mapping subject is not a role IRI")
        if not isinstance(target, URIRef):
            problems.append(f"{subject}: {graph.qname(prop)} target {target!r} is not an IRI")
            continue
        scheme = scheme_of(target)
        if scheme is None:
            if looks_like_reference(target):
                problems.append(f"{subject}: target {target} is not an ISCO unit group, ESCO occupation or O*NET IRI")
            continue
        cited.add(target)
        relation.setdefault((subject, target), []).append(prop)
        if prop == SKOS.exactMatch:
            exact_subjects.setdefault(target, set()).add(subject)
    for (subject, target), props in sorted(relation.items()):
        if len(props) > 1:
            names = ", ".join(sorted(graph.qname(p) for p in props))
            problems.append(f"{subject}: several match types to {target}: {names}")
    for target, subjects in sorted(exact_subjects.items()):
        if len(subjects) > 1:
            problems.append(f"{target}: exactMatch of several roles {sorted(map(str, subjects))}; they would be equated")
    described = {s for cls in CLASSES for s in graph.subjects(RDF.type, cls)}
    broader_targets = {o for s in graph.subjects(RDF.type, AIW.ESCOOccupation) for o in graph.objects(s, SKOS.broader)}
    for target in sorted(described - cited - broader_targets):
        problems.append(f"{target}: described but never cited by a mapping")
    for target in sorted(cited | described):
        scheme = scheme_of(target)
        if scheme is None:
            problems.append(f"{target}: described as a reference occupation but not in an accepted IRI form")
            continue
        problems.extend(CHECKERS[scheme](graph, target, ref))
    # a target reached twice (cited and as broader) reports the same problem twice: keep one of each
    return list(dict.fromkeys(problems))


def check_role_subjects(graph: Graph, ontology: Graph) -> list[str]:
    """Every mapped subject is declared aiw:Role or aiw:HybridRole in the ontology modules."""
    roles = set(ontology.subjects(RDF.type, AIW.Role)) | set(ontology.subjects(RDF.type, AIW.HybridRole))
    return [
        f"{subject}: mapped, but not declared as aiw:Role or aiw:HybridRole in ontology/*.ttl"
        for subject in sorted({s for s, _, _ in match_triples(graph)})
        if subject not in roles
    ]


def check_isco_coverage(graph: Graph, ontology: Graph) -> list[str]:
    """Every role that is not a hybrid has at least one ISCO-08 mapping."""
    hybrids = set(ontology.subjects(RDF.type, AIW.HybridRole))
    with_isco = {s for s, _, t in match_triples(graph) if scheme_of(t) == "isco"}
    return [
        f"{role}: no ISCO-08 mapping in alignments.ttl"
        for role in sorted(set(ontology.subjects(RDF.type, AIW.Role)) - hybrids)
        if role not in with_isco
    ]


def check_insemination_trap(graph: Graph, ref: Reference) -> list[str]:
    """No role maps to an ESCO animal artificial-insemination / veterinary occupation (ESCO's "AI engineer" trap)."""
    problems: list[str] = []
    for subject, prop, target in match_triples(graph):
        if scheme_of(target) != "esco":
            continue
        groups = {str(b)[len(ISCO_NS):] for b in graph.objects(target, SKOS.broader) if str(b).startswith(ISCO_NS)}
        labels = {str(label) for label in graph.objects(target, SKOS.prefLabel)}
        row = ref.esco.get(str(target))
        if row is not None:
            groups.add(row["iscoGroup"])
            labels.add(row["preferredLabel"])
        bad_groups = sorted(g for g in groups if g.startswith(TRAP_ISCO_PREFIXES))
        if bad_groups:
            problems.append(f"{subject} {graph.qname(prop)} {target}: ESCO occupation in veterinary ISCO group {bad_groups}")
        if any("insemination" in label.lower() for label in labels):
            problems.append(f"{subject} {graph.qname(prop)} {target}: ESCO occupation about artificial insemination")
    return problems


def check_extract_minimal(graph: Graph, ref: Reference) -> list[str]:
    """The committed extract holds no row that the alignments do not mention."""
    named = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    problems = [f"ISCO extract row {k} is not cited" for k in ref.isco if k not in named]
    problems += [f"ESCO extract row {k} is not cited" for k in ref.esco if k not in named]
    problems += [f"O*NET extract row {k} is not cited" for k in ref.onet if ONET_NS + k not in named]
    return problems


EXTRACT_KEYS = {
    "esco-1.2.0-ISCOGroups_en.csv": "conceptUri",
    "esco-1.2.0-occupations_en.csv": "conceptUri",
    "onet-29.2-occupation-data.csv": "O*NET-SOC Code",
}


def compare_extract_with_full(extract_dir: Path, full_dir: Path) -> list[str]:
    """Every extract row (header included) is identical to the row with the same key in the full release file."""
    problems: list[str] = []
    for name, key in EXTRACT_KEYS.items():
        with open(extract_dir / name, newline="", encoding="utf-8") as fh:
            extract_header, *extract_rows = list(csv.reader(fh))
        with open(full_dir / name, newline="", encoding="utf-8") as fh:
            full_header, *full_rows = list(csv.reader(fh))
        if extract_header != full_header:
            problems.append(f"{name}: header differs from the release file")
            continue
        index = full_header.index(key)
        full_by_key = {row[index]: row for row in full_rows}
        for row in extract_rows:
            official = full_by_key.get(row[index]) if len(row) > index else None
            if official is None:
                problems.append(f"{name}: row {row[:index + 1]} has no counterpart in the release file")
            elif row != official:
                problems.append(f"{name}: row {row[index]} differs from the release file")
    return problems


def load_make_extract():
    path = EXTRACT_DIR / "make_extract.py"
    spec = importlib.util.spec_from_file_location("aiw_make_extract", path)
    module = importlib.util.module_from_spec(spec)
    previous, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = previous
    return module


# --------------------------------------------------------------------------------------------------------------------
# Tests on the real files


def test_alignments_cite_all_three_schemes(alignments):
    schemes = {scheme_of(t) for _, _, t in match_triples(alignments)}
    assert {"isco", "esco", "onet"} <= schemes


def test_every_cited_code_and_label_is_official(alignments, reference):
    assert check_alignments(alignments, reference) == []


def test_no_module_cites_an_undescribed_reference(ontology, reference):
    # a mapping added in another module must still be described in alignments.ttl and be official
    assert check_alignments(ontology, reference) == []


def test_mapped_subjects_are_declared_roles(alignments, ontology):
    declared = set(ontology.subjects(RDF.type, AIW.Role)) | set(ontology.subjects(RDF.type, AIW.HybridRole))
    assert declared, "no aiw:Role or aiw:HybridRole found in ontology/*.ttl"
    assert check_role_subjects(alignments, ontology) == []


def test_every_non_hybrid_role_has_an_isco_mapping(alignments, ontology):
    assert check_isco_coverage(alignments, ontology) == []


def test_no_role_falls_into_the_ai_engineer_trap(alignments, reference):
    assert check_insemination_trap(alignments, reference) == []


def test_extract_holds_only_cited_rows(alignments, reference):
    assert check_extract_minimal(alignments, reference) == []


def test_extract_is_identical_to_the_release_files():
    if not FULL_REFERENCE_DIR.is_dir():
        pytest.skip(f"full reference files not available at {FULL_REFERENCE_DIR}")
    assert compare_extract_with_full(EXTRACT_DIR, FULL_REFERENCE_DIR) == []
    # and the committed extract is exactly what make_extract.py produces from the release files
    make_extract = load_make_extract()
    for name, rows in make_extract.build_extract(FULL_REFERENCE_DIR, ALIGNMENTS).items():
        with open(EXTRACT_DIR / name, newline="", encoding="utf-8") as fh:
            assert list(csv.reader(fh)) == rows, f"{name}: rerun tests/data/reference/make_extract.py"


# --------------------------------------------------------------------------------------------------------------------
# Negative tests: the checks must report broken alignments

PREFIXES = """
@prefix aiw:     <https://w3id.org/aiworkforce/ontology#> .
@prefix role:    <https://w3id.org/aiworkforce/role/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix isco:    <http://data.europa.eu/esco/isco/> .
@prefix escoocc: <http://data.europa.eu/esco/occupation/> .
@prefix onet:    <https://www.onetonline.org/link/summary/> .
"""

GOOD_ISCO_2511 = """
isco:C2511 a aiw:ISCOUnitGroup ; skos:notation "2511" ; skos:prefLabel "Systems analysts"@en ;
    skos:inScheme <http://data.europa.eu/esco/concept-scheme/isco> .
"""

GOOD_DATA_SCIENTIST = """
role:data-scientist skos:exactMatch escoocc:258e46f9-0075-4a2e-adae-1ff0477e0f30 , onet:15-2051.00 ;
    skos:broadMatch isco:C2511 .
escoocc:258e46f9-0075-4a2e-adae-1ff0477e0f30 a aiw:ESCOOccupation ; skos:notation "2511.4" ;
    skos:prefLabel "data scientist"@en ; skos:inScheme <http://data.europa.eu/esco/concept-scheme/occupations> ;
    skos:broader isco:C2511 .
onet:15-2051.00 a aiw:ONETOccupation ; skos:notation "15-2051.00" ; skos:prefLabel "Data Scientists"@en ;
    skos:inScheme <https://www.onetcenter.org/taxonomy/2019/soc> .
""" + GOOD_ISCO_2511


def _problems(text: str, reference: Reference) -> list[str]:
    return check_alignments(parse_turtle(PREFIXES + text), reference)


def test_good_small_graph_passes(reference):
    # the baseline the negative tests below break one thing at a time
    assert _problems(GOOD_DATA_SCIENTIST, reference) == []


def test_reports_wrong_isco_code(reference):
    text = GOOD_DATA_SCIENTIST.replace('skos:notation "2511"', 'skos:notation "2512"')
    problems = _problems(text, reference)
    assert any("notation '2512'" in p for p in problems), problems


def test_reports_wrong_esco_code(reference):
    text = GOOD_DATA_SCIENTIST.replace('"2511.4"', '"2511.3"')
    problems = _problems(text, reference)
    assert any("differs from the official code '2511.4'" in p for p in problems), problems


def test_reports_wrong_onet_code(reference):
    text = GOOD_DATA_SCIENTIST.replace('skos:notation "15-2051.00"', 'skos:notation "15-2051.01"')
    problems = _problems(text, reference)
    assert any("does not match the IRI code" in p for p in problems), problems


def test_reports_wrong_label(reference):
    text = GOOD_DATA_SCIENTIST.replace('"Data Scientists"@en', '"Data Scientist"@en')
    problems = _problems(text, reference)
    assert any("differs from the official title 'Data Scientists'" in p for p in problems), problems


def test_reports_untrimmed_or_untagged_label(reference):
    text = GOOD_DATA_SCIENTIST.replace('"data scientist"@en', '" data scientist"')
    problems = _problems(text, reference)
    assert any("@en literal" in p for p in problems), problems
    assert any("differs from the official title" in p for p in problems), problems


def test_reports_nonexistent_esco_uri(reference):
    fake = "00000000-0000-0000-0000-000000000000"
    text = GOOD_DATA_SCIENTIST.replace("258e46f9-0075-4a2e-adae-1ff0477e0f30", fake)
    problems = _problems(text, reference)
    assert any(fake in p and "not in the ESCO occupations reference file" in p for p in problems), problems


def test_reports_nonexistent_onet_code(reference):
    text = GOOD_DATA_SCIENTIST.replace("15-2051.00", "15-2051.99")
    problems = _problems(text, reference)
    assert any("not in the O*NET occupation reference file" in p for p in problems), problems


def test_reports_malformed_onet_code(reference):
    text = GOOD_DATA_SCIENTIST.replace("15-2051.00", "15-2051")
    problems = _problems(text, reference)
    assert any("is not an O*NET-SOC code" in p for p in problems), problems


def test_reports_wrong_esco_broader(reference):
    text = GOOD_DATA_SCIENTIST.replace("skos:broader isco:C2511", "skos:broader isco:C2512")
    problems = _problems(text, reference)
    assert any("its official ISCO group is http://data.europa.eu/esco/isco/C2511" in p for p in problems), problems


def test_reports_isco_group_that_is_not_a_unit_group(reference):
    text = """
role:data-scientist skos:broadMatch isco:C251 .
isco:C251 a aiw:ISCOUnitGroup ; skos:notation "251" ;
    skos:prefLabel "Software and applications developers and analysts"@en ;
    skos:inScheme <http://data.europa.eu/esco/concept-scheme/isco> .
"""
    problems = _problems(text, reference)
    assert any("is not a 4-digit" in p for p in problems), problems


def test_reports_undescribed_target(reference):
    text = "role:data-scientist skos:closeMatch onet:15-2041.00 ."
    problems = _problems(text, reference)
    assert any("not described as aiw:ONETOccupation" in p for p in problems), problems
    assert any("not in the O*NET occupation reference file" in p for p in problems), problems


def test_reports_target_in_wrong_iri_form(reference):
    text = "role:data-scientist skos:exactMatch <https://www.onetcenter.org/taxonomy/2019/soc/15-2051.00> ."
    problems = _problems(text, reference)
    assert any("not an ISCO unit group, ESCO occupation or O*NET IRI" in p for p in problems), problems


def test_reports_two_match_types_to_one_target(reference):
    text = GOOD_DATA_SCIENTIST + "role:data-scientist skos:relatedMatch onet:15-2051.00 ."
    problems = _problems(text, reference)
    assert any("several match types" in p for p in problems), problems


def test_reports_orphan_description(reference):
    text = GOOD_DATA_SCIENTIST + """
onet:15-1252.00 a aiw:ONETOccupation ; skos:notation "15-1252.00" ; skos:prefLabel "Software Developers"@en ;
    skos:inScheme <https://www.onetcenter.org/taxonomy/2019/soc> .
"""
    problems = _problems(text, reference)
    assert any("described but never cited" in p for p in problems), problems


def test_reports_unknown_role_subject(reference):
    graph = parse_turtle(PREFIXES + GOOD_DATA_SCIENTIST + "role:prompt-wizard skos:broadMatch isco:C2511 .")
    roles = parse_turtle(PREFIXES + "role:data-scientist a aiw:Role .")
    problems = check_role_subjects(graph, roles)
    assert problems == ["https://w3id.org/aiworkforce/role/prompt-wizard: mapped, but not declared as aiw:Role "
                        "or aiw:HybridRole in ontology/*.ttl"]


def test_reports_role_without_isco(reference):
    graph = parse_turtle(PREFIXES + GOOD_DATA_SCIENTIST)
    roles = parse_turtle(PREFIXES + "role:data-scientist a aiw:Role . role:data-engineer a aiw:Role .")
    assert check_isco_coverage(graph, roles) == ["https://w3id.org/aiworkforce/role/data-engineer: no ISCO-08 "
                                                 "mapping in alignments.ttl"]


def test_trap_guard_catches_the_insemination_occupation(reference):
    # ESCO's "animal artificial insemination technician", whose alternative labels include "AI engineer"
    text = """
role:ai-engineer skos:closeMatch escoocc:15cc27b1-7358-48ed-9fb8-69ffe9f1fc98 .
escoocc:15cc27b1-7358-48ed-9fb8-69ffe9f1fc98 a aiw:ESCOOccupation ; skos:notation "3240.2.1" ;
    skos:prefLabel "animal artificial insemination technician"@en ;
    skos:inScheme <http://data.europa.eu/esco/concept-scheme/occupations> ; skos:broader isco:C3240 .
"""
    graph = parse_turtle(PREFIXES + text)
    problems = check_insemination_trap(graph, reference)
    assert any("veterinary ISCO group ['3240']" in p for p in problems), problems
    assert any("artificial insemination" in p for p in problems), problems
    # the general check rejects it too: it is not among the official rows the ontology may cite
    assert any("not in the ESCO occupations reference file" in p for p in check_alignments(graph, reference))


def test_trap_guard_uses_the_reference_group_when_the_graph_hides_it():
    uri = "http://data.europa.eu/esco/occupation/11111111-2222-3333-4444-555555555555"
    reference = Reference(isco={}, onet={}, esco={uri: {"iscoGroup": "2250", "preferredLabel": "veterinary nurse"}})
    graph = parse_turtle(PREFIXES + f"role:ai-engineer skos:relatedMatch <{uri}> .")
    assert any("veterinary ISCO group ['2250']" in p for p in check_insemination_trap(graph, reference))


def test_reports_extract_row_not_cited(reference):
    graph = parse_turtle(PREFIXES + GOOD_DATA_SCIENTIST)
    problems = check_extract_minimal(graph, reference)
    assert "O*NET extract row 15-1252.00 is not cited" in problems


def test_reports_extract_row_differing_from_release(tmp_path, reference):
    full = tmp_path / "full"
    extract = tmp_path / "extract"
    full.mkdir()
    extract.mkdir()
    for name in EXTRACT_KEYS:
        (full / name).write_bytes((EXTRACT_DIR / name).read_bytes())
        (extract / name).write_bytes((EXTRACT_DIR / name).read_bytes())
    assert compare_extract_with_full(extract, full) == []
    name = "onet-29.2-occupation-data.csv"
    tampered = (extract / name).read_text(encoding="utf-8").replace(",Data Scientists,", ",Data Science People,")
    (extract / name).write_text(tampered, encoding="utf-8", newline="")
    assert compare_extract_with_full(extract, full) == [f"{name}: row 15-2051.00 differs from the release file"]
