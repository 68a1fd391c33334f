"""benchmarks/generate.py: the synthetic knowledge base has the requested size, parses, conforms to every shipped
SHACL shape (with the ontology, the layers and the article sections beside it), is deterministic for a seed and
keeps the proportions and the structure of the shipped knowledge graph.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter

import pyoxigraph
import pytest
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS

from conftest import ROOT

from aiworkforce.rdf.load import load_shapes, parse_files
from aiworkforce.validation.validate import validate

ONTOLOGY = ROOT / "ontology"
AIW = Namespace("https://w3id.org/aiworkforce/ontology#")
SCHEME = Namespace("https://w3id.org/aiworkforce/scheme/")
TRIPLES = 10_000
SEED = 7


def _load_generator():
    spec = importlib.util.spec_from_file_location("aiw_benchmark_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


gen = _load_generator()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("generated")
    nt, ttl = folder / "kb.nt", folder / "kb.ttl"
    stats = gen.write(nt, TRIPLES, SEED, "nt")
    gen.write(ttl, TRIPLES, SEED, "ttl")
    return {"nt": nt, "ttl": ttl, "stats": stats, "folder": folder}


@pytest.fixture(scope="module")
def data(files) -> Graph:
    return Graph().parse(files["nt"], format="nt")


@pytest.fixture(scope="module")
def shipped() -> Graph:
    graph = Graph()
    for name in ("roles", "hybrids", "skills", "concerns", "alignments"):
        graph.parse(ONTOLOGY / f"{name}.ttl")
    return graph


def _roles(graph: Graph) -> set:
    return set(graph.subjects(RDF.type, AIW.Role)) | set(graph.subjects(RDF.type, AIW.HybridRole))


def _in_scheme(graph: Graph, scheme: URIRef) -> set:
    return set(graph.subjects(SKOS.inScheme, scheme))


# 1. Size


@pytest.mark.parametrize("triples", [1_000, 2_500, TRIPLES, 40_000])
def test_triple_count_within_five_percent(triples):
    lines = sum(1 for _ in gen.generate(triples, seed=3))
    assert abs(lines - triples) <= 0.05 * triples, (lines, triples)


def test_written_count_matches_file(files, data):
    lines = files["nt"].read_text(encoding="utf-8").count("\n")
    assert files["stats"]["triples"] == lines == len(data)  # no duplicate triple
    assert abs(len(data) - TRIPLES) <= 0.05 * TRIPLES


# 2. Parsing


def test_turtle_and_ntriples_hold_the_same_triples(files, data):
    turtle = Graph().parse(files["ttl"], format="turtle")
    assert set(turtle) == set(data)


@pytest.mark.parametrize("fmt", ["nt", "ttl"])
def test_parses_with_pyoxigraph(files, data, fmt):
    store = pyoxigraph.Store()
    rdf_format = pyoxigraph.RdfFormat.N_TRIPLES if fmt == "nt" else pyoxigraph.RdfFormat.TURTLE
    store.bulk_load(path=str(files[fmt]), format=rdf_format)
    assert len(store) == len(data)


def test_generate_yields_the_written_lines(files):
    lines = list(gen.generate(TRIPLES, SEED))
    assert all(line.endswith(" .\n") for line in lines)
    assert "".join(lines) == files["nt"].read_text(encoding="utf-8")


# 3. Conformance: every shipped shape, no violation and no warning


def test_conforms_to_every_shape_with_the_ontology(files):
    graph = parse_files([ONTOLOGY / "aiworkforce.ttl", ONTOLOGY / "layers.ttl", ONTOLOGY / "sources.ttl", files["nt"]])
    report = validate(graph, shapes=load_shapes())
    for problem in report.problems[:50]:
        print(problem.severity.value, problem.focus, problem.path, problem.value, problem.message)
    assert not report.violations, f"{len(report.violations)} violations (first ones printed above)"
    assert not report.warnings, f"{len(report.warnings)} warnings (first ones printed above)"


def test_is_abox_only(data):
    subjects = {str(s) for s in data.subjects()}
    assert not set(data.subjects(RDF.type, OWL.Class)) and not set(data.subjects(RDF.type, OWL.ObjectProperty))
    assert not any(s.startswith(("https://w3id.org/aiworkforce/layer/", "https://w3id.org/aiworkforce/source/",
                                 "https://w3id.org/aiworkforce/ontology")) for s in subjects)
    shipped = Graph()
    for name in ("roles", "hybrids", "skills", "concerns", "sectors", "questions"):
        shipped.parse(ONTOLOGY / f"{name}.ttl")
    # only the concept schemes are shared (copied verbatim, so the two graphs merge cleanly)
    shared = {str(s) for s in shipped.subjects()} & subjects
    assert shared == {str(SCHEME[n]) for n in ("roles", "skills", "concerns", "sectors", "questions")}
    for scheme in shared:
        assert set(shipped.predicate_objects(URIRef(scheme))) == set(data.predicate_objects(URIRef(scheme)))


# 4. Determinism


def test_same_seed_same_bytes_other_seed_other_bytes(files):
    folder = files["folder"]
    again, other = folder / "again.nt", folder / "other.nt"
    gen.write(again, TRIPLES, SEED, "nt")
    gen.write(other, TRIPLES, SEED + 1, "nt")
    assert again.read_bytes() == files["nt"].read_bytes()
    assert other.read_bytes() != files["nt"].read_bytes()
    again_ttl = folder / "again.ttl"
    gen.write(again_ttl, TRIPLES, SEED, "ttl")
    assert again_ttl.read_bytes() == files["ttl"].read_bytes()


# 5. Proportions


def test_proportions_of_roles_skills_concerns_and_hybrids(data):
    roles = _roles(data)
    hybrids = set(data.subjects(RDF.type, AIW.HybridRole))
    skills = _in_scheme(data, SCHEME.skills)
    concerns = _in_scheme(data, SCHEME.concerns)
    assert len(roles) >= 100
    assert 3.3 <= len(skills) / len(roles) <= 3.7
    assert 0.6 <= len(concerns) / len(roles) <= 0.8
    assert 0.07 <= len(hybrids) / len(roles) <= 0.13
    assert _in_scheme(data, SCHEME.sectors) and _in_scheme(data, SCHEME.questions)


def test_every_kind_of_skill_and_concern_in_the_shipped_mix(data, shipped):
    for prop, kinds in (
        (AIW.skillType, ("SkillCompetence", "Knowledge")),
        (AIW.reuseLevel, ("Transversal",)),
        (RDF.type, ("Concern", "GovernancePrinciple", "OperationalChallenge", "FacilityDemand", "AIAttackSurface",
                    "AIEnabledAttack", "ModelRisk")),
    ):
        ours = Counter({k: len(set(data.subjects(prop, AIW[k]))) for k in kinds})
        theirs = Counter({k: len(set(shipped.subjects(prop, AIW[k]))) for k in kinds})
        if len(kinds) == 1:  # a share of all skills
            ours["other"] = len(set(data.subjects(AIW.reuseLevel, None))) - ours[kinds[0]]
            theirs["other"] = len(set(shipped.subjects(AIW.reuseLevel, None))) - theirs[kinds[0]]
        for k in kinds:
            assert ours[k] > 0, k
            share, expected = ours[k] / sum(ours.values()), theirs[k] / sum(theirs.values())
            assert abs(share - expected) <= 0.08, (k, share, expected)


@pytest.mark.parametrize("prop", [
    AIW.requiresEssentialSkill, AIW.requiresOptionalSkill, AIW.addressesConcern, SKOS.altLabel,
    AIW.collaboratesWith, AIW.overlapsWith, AIW.inLayer,
])
def test_links_per_role_as_in_the_shipped_graph(data, shipped, prop):
    ours = sum(1 for r in _roles(data) for _ in data.objects(r, prop)) / len(_roles(data))
    theirs = sum(1 for r in _roles(shipped) for _ in shipped.objects(r, prop)) / len(_roles(shipped))
    assert abs(ours - theirs) <= 0.15 * theirs + 0.05, (prop, ours, theirs)


def test_triples_per_role_close_to_the_shipped_average(data, shipped):
    mapping = (SKOS.exactMatch, SKOS.closeMatch, SKOS.broadMatch, SKOS.narrowMatch, SKOS.relatedMatch)

    # Provenance and documentation (basis, quotes, notes, hidden spelling variants, trends) are left out: the
    # synthetic roles carry the same editorial provenance whatever the shipped roles say about the article.
    documentation = (AIW.basis, AIW.titleBasis, AIW.quote, AIW.hasTrend, SKOS.editorialNote, SKOS.note,
                     SKOS.scopeNote, SKOS.hiddenLabel, DCTERMS.source)

    def average(graph: Graph) -> float:  # ISCO mappings only: the synthetic roles have no ESCO or O*NET ones
        roles = _roles(graph)
        return sum(
            1 for r in roles for p, o in graph.predicate_objects(r)
            if p not in documentation and (p not in mapping or str(o).startswith("http://data.europa.eu/esco/isco/"))
        ) / len(roles)

    assert abs(average(data) - average(shipped)) <= 0.1 * average(shipped)


# Structure


def test_hybrids_are_a_base_role_plus_expertise(data):
    for hybrid in data.subjects(RDF.type, AIW.HybridRole):
        base = list(data.objects(hybrid, AIW.combinesRole))
        assert len(base) == 1, hybrid
        assert list(data.objects(hybrid, AIW.combinesExpertise)), hybrid
        assert (hybrid, AIW.overlapsWith, base[0]) not in data


def test_specialisation_is_acyclic_and_at_most_four_deep(data):
    parents = {}
    for child, parent in data.subject_objects(AIW.specialises):
        assert child not in parents, "a synthetic role specialises one role"
        parents[child] = parent
    assert parents
    deepest = 0
    for role in parents:
        depth, node = 0, role
        while node in parents:
            node = parents[node]
            depth += 1
            assert depth <= 4, role
        deepest = max(deepest, depth)
    assert deepest >= 2


def test_isco_alignments_point_to_described_unit_groups(data):
    alignments = Graph().parse(ONTOLOGY / "alignments.ttl")
    targets = set(data.objects(None, SKOS.broadMatch)) | set(data.objects(None, SKOS.relatedMatch))
    for role in _roles(data):
        assert any(str(t).startswith("http://data.europa.eu/esco/isco/C") for t in data.objects(role, SKOS.broadMatch))
    for target in targets:
        assert (target, RDF.type, AIW.ISCOUnitGroup) in data
        notation = str(data.value(target, SKOS.notation))
        assert len(notation) == 4 and notation.isdigit() and str(target).endswith("C" + notation)
        # the official code and title, as described in the shipped alignments
        assert data.value(target, SKOS.prefLabel) == alignments.value(target, SKOS.prefLabel)


def test_uses_the_real_layers_and_sources(data):
    layers = set(Graph().parse(ONTOLOGY / "layers.ttl").subjects(RDF.type, AIW.Layer))
    sources = set(Graph().parse(ONTOLOGY / "sources.ttl").subjects())
    assert set(data.objects(None, AIW.inLayer)) == layers  # all 11 layers used, no other
    assert set(data.objects(None, URIRef("http://purl.org/dc/terms/source"))) <= sources


def test_every_skill_used_and_every_concern_addressed(data):
    used = set(data.objects(None, AIW.requiresEssentialSkill)) | set(data.objects(None, AIW.requiresOptionalSkill))
    assert _in_scheme(data, SCHEME.skills) <= used
    assert _in_scheme(data, SCHEME.concerns) <= set(data.objects(None, AIW.addressesConcern))


def test_labels_and_definitions(data):
    labels = [str(o) for o in data.objects(None, SKOS.prefLabel)]
    keys = ["".join(label.lower().split()) for label in labels]
    assert len(set(keys)) == len(keys)
    for subject, definition in data.subject_objects(SKOS.definition):
        if "/scheme/" not in str(subject):
            assert 60 <= len(definition) <= 200, (subject, definition)
