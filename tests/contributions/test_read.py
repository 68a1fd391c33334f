"""Reading contributions (aiworkforce.contributions.read): YAML and Turtle give the same graph, every statement keeps
the line it came from, and anything that cannot be read as a contribution is an InputError (exit 2) that names
the file and line and says how to fix it."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import graph_diff, isomorphic, to_isomorphic
from rdflib.namespace import DCTERMS, RDF, SKOS

from conftest import ROOT

from aiworkforce.contributions.read import (
    LineIndex,
    contribution_files,
    load_contribution,
    reference,
    turtle_lines,
    yaml_to_graph,
)
from aiworkforce.errors import InputError
from aiworkforce.rdf.namespaces import AIW

EXAMPLES = ROOT / "examples" / "contributions"
BASE = "https://w3id.org/aiworkforce/"



def ROLE(slug: str) -> URIRef:
    return URIRef(f"{BASE}role/{slug}")


def SKILL(slug: str) -> URIRef:
    return URIRef(f"{BASE}skill/{slug}")


def CONCERN(slug: str) -> URIRef:
    return URIRef(f"{BASE}concern/{slug}")


def LAYER(slug: str) -> URIRef:
    return URIRef(f"{BASE}layer/{slug}")


PREFIXES = """\
@prefix aiw:     <https://w3id.org/aiworkforce/ontology#> .
@prefix role:    <https://w3id.org/aiworkforce/role/> .
@prefix layer:   <https://w3id.org/aiworkforce/layer/> .
@prefix skill:   <https://w3id.org/aiworkforce/skill/> .
@prefix concern: <https://w3id.org/aiworkforce/concern/> .
@prefix sector:  <https://w3id.org/aiworkforce/sector/> .
@prefix scheme:  <https://w3id.org/aiworkforce/scheme/> .
@prefix src:     <https://w3id.org/aiworkforce/source/> .
@prefix isco:    <http://data.europa.eu/esco/isco/> .
@prefix esco:    <http://data.europa.eu/esco/occupation/> .
@prefix onet:    <https://www.onetonline.org/link/summary/> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""

#: What the YAML builder adds to every contributed term: it is an editorial addition, not a statement of the article.
EDITORIAL = (' ; aiw:basis aiw:Editorial ; dcterms:source src:editors ; '
             'skos:editorialNote "Contributed through the aiworkforce contribution workflow; not drawn from the article."@en')

# Pairs written for this test, beside the example pair in examples/contributions/. Each YAML document and its
# Turtle twin must give isomorphic graphs.
HYBRID_YAML = """\
role:
  slug: grid-aware-ml-engineer
  label: Grid-Aware ML Engineer
  alt_labels: Power-aware ML engineer
  definition: An ML engineer who schedules training around the power and cooling limits of the data center.
  hybrid: yes
  layers: [engineering, "layer:data-center"]
  combines: [ml-engineer]
  combines_expertise: [energy-optimisation]
  expected_to_understand: ["concern:electrical-capacity", "https://w3id.org/aiworkforce/skill/hvac-systems"]
  title_may_denote: ["role:ml-engineer"]
  source: src:hybrid-professional
"""
HYBRID_TTL = PREFIXES + """
role:grid-aware-ml-engineer a aiw:HybridRole ;
    skos:inScheme scheme:roles ;
    skos:prefLabel "Grid-Aware ML Engineer"@en ;
    skos:altLabel "Power-aware ML engineer"@en ;
    skos:definition "An ML engineer who schedules training around the power and cooling limits of the data center."@en ;
    aiw:inLayer layer:engineering , layer:data-center ;
    aiw:combinesRole role:ml-engineer ;
    aiw:combinesExpertise skill:energy-optimisation ;
    aiw:expectedToUnderstand concern:electrical-capacity , skill:hvac-systems ;
    aiw:titleMayDenote role:ml-engineer ;
    dcterms:source src:hybrid-professional""" + EDITORIAL + """ .
"""

SKILLS_CONCERNS_YAML = """\
skills:
  - slug: carbon-aware-scheduling
    label: Carbon-aware scheduling
    alt_labels: [Green scheduling, Carbon-aware computing]
    kind: domain
    definition: Moving flexible compute work to the hours and places where electricity is cleanest.
    mitigates: [environmental-impact, grid-strain]
    source: data-centers
  - slug: negotiation
    label: Negotiation
    kind: transferable
concerns:
  - slug: grid-strain
    label: Grid strain
    kind: facility-demand
    definition: Large AI campuses draw so much power that the local grid struggles at peak hours.
    sectors: [public-services, sector:finance]
    source: data-centers
  - slug: vague-risk
    label: Vague risk
"""
SKILLS_CONCERNS_TTL = PREFIXES + """
skill:carbon-aware-scheduling a aiw:Skill ; aiw:skillType aiw:Knowledge ; aiw:reuseLevel aiw:SectorSpecific ;
    skos:inScheme scheme:skills ;
    skos:prefLabel "Carbon-aware scheduling"@en ;
    skos:altLabel "Green scheduling"@en , "Carbon-aware computing"@en ;
    skos:definition "Moving flexible compute work to the hours and places where electricity is cleanest."@en ;
    aiw:mitigates concern:environmental-impact , concern:grid-strain ;
    dcterms:source src:data-centers""" + EDITORIAL + """ .
skill:negotiation a aiw:Skill ; aiw:skillType aiw:SkillCompetence ; aiw:reuseLevel aiw:Transversal ;
    skos:inScheme scheme:skills ; skos:prefLabel "Negotiation"@en""" + EDITORIAL + """ .
concern:grid-strain a aiw:FacilityDemand ;
    skos:inScheme scheme:concerns ;
    skos:prefLabel "Grid strain"@en ;
    skos:definition "Large AI campuses draw so much power that the local grid struggles at peak hours."@en ;
    aiw:relevantInSector sector:public-services , sector:finance ;
    dcterms:source src:data-centers""" + EDITORIAL + """ .
concern:vague-risk a aiw:Concern ; skos:inScheme scheme:concerns ; skos:prefLabel "Vague risk"@en""" + EDITORIAL + """ .
"""

ALIGNMENTS_YAML = """\
roles:
  - slug: web-ml-developer
    label: Web ML Developer
    alignments:
      - match: exact
        target: isco:C2513
        code: 2513
        title: Web and multimedia developers
      - match: close
        target: esco:11111111-2222-3333-4444-555555555555
        code: "2513.1"
        title: Web developer
      - match: narrow
        target: onet:15-1254.00
        code: 15-1254.00
      - match: related
        target: http://data.europa.eu/esco/isco/C2512
"""
ALIGNMENTS_TTL = PREFIXES + """
role:web-ml-developer a aiw:Role ;
    skos:inScheme scheme:roles ;
    skos:prefLabel "Web ML Developer"@en ;
    skos:exactMatch isco:C2513 ;
    skos:closeMatch esco:11111111-2222-3333-4444-555555555555 ;
    skos:narrowMatch onet:15-1254.00 ;
    skos:relatedMatch isco:C2512""" + EDITORIAL + """ .
isco:C2513 a aiw:ISCOUnitGroup ;
    skos:inScheme <http://data.europa.eu/esco/concept-scheme/isco> ;
    skos:notation "2513" ;
    skos:prefLabel "Web and multimedia developers"@en .
esco:11111111-2222-3333-4444-555555555555 a aiw:ESCOOccupation ;
    skos:inScheme <http://data.europa.eu/esco/concept-scheme/occupations> ;
    skos:notation "2513.1" ;
    skos:prefLabel "Web developer"@en .
onet:15-1254.00 a aiw:ONETOccupation ;
    skos:inScheme <https://www.onetcenter.org/taxonomy/2019/soc> ;
    skos:notation "15-1254.00" .
"""


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def explain(a: Graph, b: Graph) -> str:
    _, only_a, only_b = graph_diff(to_isomorphic(a), to_isomorphic(b))
    return ("only in the first:\n" + "\n".join(sorted(" ".join(t.n3() for t in x) for x in only_a)) +
            "\nonly in the second:\n" + "\n".join(sorted(" ".join(t.n3() for t in x) for x in only_b)))


# -- YAML and Turtle give the same graph --------------------------------------------------------------------------


def example_pairs() -> list[tuple[Path, Path]]:
    pairs = []
    for path in sorted(EXAMPLES.glob("*.yaml")):
        if ".bad." in path.name:
            continue
        twin = path.with_suffix(".ttl")
        if twin.exists():
            pairs.append((path, twin))
    return pairs


def test_examples_include_a_yaml_turtle_pair():
    assert [(y.name, t.name) for y, t in example_pairs()] == [("prompt-engineer.yaml", "prompt-engineer.ttl")]


@pytest.mark.parametrize(("yaml_path", "ttl_path"), example_pairs(), ids=lambda p: p.name)
def test_example_yaml_and_turtle_are_isomorphic(yaml_path, ttl_path):
    from_yaml = load_contribution(yaml_path)
    from_ttl = load_contribution(ttl_path)
    assert (from_yaml.format, from_ttl.format) == ("yaml", "turtle")
    assert len(from_yaml.graph) == len(from_ttl.graph) == 32
    assert isomorphic(from_yaml.graph, from_ttl.graph), explain(from_yaml.graph, from_ttl.graph)
    assert from_yaml.defined == from_ttl.defined == {ROLE("prompt-engineer"), SKILL("prompt-design")}


@pytest.mark.parametrize(("yaml_text", "ttl_text"), [
    (HYBRID_YAML, HYBRID_TTL),
    (SKILLS_CONCERNS_YAML, SKILLS_CONCERNS_TTL),
    (ALIGNMENTS_YAML, ALIGNMENTS_TTL),
], ids=["hybrid", "skills-and-concerns", "alignments"])
def test_yaml_and_turtle_twins_are_isomorphic(tmp_path, yaml_text, ttl_text):
    from_yaml = load_contribution(write(tmp_path, "c.yaml", yaml_text)).graph
    from_ttl = load_contribution(write(tmp_path, "c.ttl", ttl_text)).graph
    assert isomorphic(from_yaml, from_ttl), explain(from_yaml, from_ttl)


def test_yaml_codes_stay_text_and_literals_are_english():
    graph, _ = yaml_to_graph(ALIGNMENTS_YAML)
    notations = sorted(graph.objects(None, SKOS.notation))
    assert notations == [Literal("15-1254.00"), Literal("2513"), Literal("2513.1")]
    assert all(n.datatype is None and n.language is None for n in notations)
    graph, _ = yaml_to_graph(SKILLS_CONCERNS_YAML)
    assert {label.language for label in graph.objects(None, SKOS.prefLabel)} == {"en"}


def test_single_role_mapping_equals_a_list_of_one():
    one, _ = yaml_to_graph("role:\n  slug: a-b\n  label: A B\n  layers: data\n")
    many, _ = yaml_to_graph("roles:\n  - slug: a-b\n    label: A B\n    layers: [data]\n")
    assert isomorphic(one, many)
    assert (ROLE("a-b"), AIW.inLayer, LAYER("data")) in one


def test_hybrid_false_is_a_plain_role():
    graph, _ = yaml_to_graph("roles:\n  - slug: a-b\n    hybrid: false\n")
    assert set(graph.objects(ROLE("a-b"), RDF.type)) == {AIW.Role}


@pytest.mark.parametrize(("written", "kind", "iri"), [
    ("data-engineer", "role", f"{BASE}role/data-engineer"),
    (" data-engineer ", "role", f"{BASE}role/data-engineer"),
    ("skill:sql", "role", f"{BASE}skill/sql"),
    ("src:cybersecurity", None, f"{BASE}source/cybersecurity"),
    ("isco:C2512", None, "http://data.europa.eu/esco/isco/C2512"),
    ("https://example.org/x", "skill", "https://example.org/x"),
    ("two words", "skill", f"{BASE}skill/two%20words"),
    ("mystery", None, f"{BASE}unknown/mystery"),
])
def test_reference_forms(written, kind, iri):
    assert reference(written, kind) == URIRef(iri)


# -- line numbers -------------------------------------------------------------------------------------------------


def test_yaml_lines_of_the_prompt_engineer_example():
    lines = load_contribution(EXAMPLES / "prompt-engineer.yaml").lines
    role, skill = ROLE("prompt-engineer"), SKILL("prompt-design")
    assert lines.subjects == {role: 3, skill: 21}
    expected = {
        (role, RDF.type, AIW.Role): 3,
        (role, SKOS.prefLabel, Literal("Prompt Engineer", lang="en")): 4,
        (role, SKOS.altLabel, Literal("LLM interaction designer", lang="en")): 5,
        (role, SKOS.definition, None): 6,
        (role, AIW.inLayer, LAYER("engineering")): 9,
        (role, AIW.requiresEssentialSkill, SKILL("foundation-model-selection")): 10,
        (role, AIW.requiresOptionalSkill, SKILL("documentation")): 11,
        (role, AIW.specialises, ROLE("ai-engineer")): 12,
        (role, AIW.collaboratesWith, ROLE("product-manager")): 14,
        (role, AIW.addressesConcern, CONCERN("unsafe-hallucinated-output")): 15,
        (role, SKOS.broadMatch, URIRef("http://data.europa.eu/esco/isco/C2512")): 18,
        (role, DCTERMS.source, URIRef(f"{BASE}source/engineering-layer")): 19,
        (skill, SKOS.prefLabel, None): 22,
        (skill, RDF.type, AIW.Skill): 23,  # the line of `kind:`
        (skill, AIW.skillType, AIW.SkillCompetence): 23,
        (role, AIW.basis, AIW.Editorial): 3,  # contributed terms are editorial: the line of the slug
        (skill, SKOS.definition, None): 24,
        (skill, AIW.mitigates, CONCERN("prompt-injection")): 27,
        (skill, DCTERMS.source, None): 28,
    }
    for (s, p, o), line in expected.items():
        assert lines.locate(s, p, o) == line, (p, o)


def test_yaml_lines_of_block_list_items():
    lines = load_contribution(EXAMPLES / "mlops-engineer.yaml").lines
    role = ROLE("mlops-engineer")
    assert lines.subjects == {role: 4}
    assert lines.locate(role, SKOS.altLabel, Literal("Machine learning operations engineer", lang="en")) == 7
    assert lines.locate(role, SKOS.altLabel, Literal("ML platform operations engineer", lang="en")) == 8
    for line, slug in enumerate(["model-deployment", "model-monitoring", "deployment-pipelines", "containerisation"],
                                start=14):
        assert lines.locate(role, AIW.requiresEssentialSkill, SKILL(slug)) == line
    assert lines.locate(role, AIW.requiresEssentialSkill) == 14  # the property: its first item
    onet = URIRef("https://www.onetonline.org/link/summary/15-1299.08")
    assert lines.locate(role, SKOS.relatedMatch, onet) == 26
    assert lines.locate(role, AIW.inLayer, LAYER("operations")) == 12
    # a property the file does not state falls back to the line of the subject
    assert lines.locate(role, AIW.specialises) == 4


def test_yaml_lines_of_described_alignment_targets():
    _, lines = yaml_to_graph(ALIGNMENTS_YAML)
    isco = URIRef("http://data.europa.eu/esco/isco/C2513")
    assert lines.locate(ROLE("web-ml-developer"), SKOS.exactMatch, isco) == 6
    assert lines.locate(isco, RDF.type) == 6
    assert lines.locate(isco, SKOS.notation) == 7
    assert lines.locate(isco, SKOS.prefLabel) == 8


def test_turtle_lines_of_the_prompt_engineer_example():
    lines = load_contribution(EXAMPLES / "prompt-engineer.ttl").lines
    role, skill = ROLE("prompt-engineer"), SKILL("prompt-design")
    assert lines.subjects == {role: 14, skill: 30}
    assert lines.locate(role, RDF.type) == 15
    assert lines.locate(role, SKOS.prefLabel) == 17
    assert lines.locate(role, SKOS.altLabel, Literal("LLM interaction designer", lang="en")) == 18
    assert lines.locate(role, AIW.requiresEssentialSkill, SKILL("foundation-model-selection")) == 21
    assert lines.locate(role, AIW.addressesConcern, CONCERN("unsafe-hallucinated-output")) == 26
    assert lines.locate(role, SKOS.broadMatch) == 27
    assert lines.locate(role, DCTERMS.source) == 28
    assert lines.locate(skill, AIW.mitigates) == 35
    assert lines.locate(skill, DCTERMS.source) == 36
    assert lines.locate(role, AIW.titleMayDenote) == 14  # not stated: the subject's line


def test_turtle_lines_with_full_iris_comments_and_objects_on_later_lines():
    text = (
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"             # 1
        "# <https://w3id.org/aiworkforce/role/decoy> in a comment\n"            # 2
        "\n"                                                                    # 3
        "<https://w3id.org/aiworkforce/role/x-y>\n"                             # 4
        "    a <https://w3id.org/aiworkforce/ontology#Role> ;  # a role\n"      # 5
        "    skos:altLabel\n"                                                   # 6
        "        \"First\"@en ,\n"                                              # 7
        "        \"Second\"@en .\n"                                             # 8
    )
    graph = Graph().parse(data=text, format="turtle")
    index = turtle_lines(text, graph)
    node = ROLE("x-y")
    assert index.subjects == {node: 4}
    assert index.locate(node, RDF.type) == 5
    assert index.locate(node, SKOS.altLabel) == 6
    assert index.locate(node, SKOS.altLabel, Literal("First", lang="en")) == 7
    assert index.locate(node, SKOS.altLabel, Literal("Second", lang="en")) == 8


def test_line_index_keeps_the_first_line_and_ignores_unknown_lines():
    index = LineIndex()
    triple = (ROLE("a"), SKOS.prefLabel, Literal("A"))
    index.add(triple, 3)
    index.add(triple, 9)
    index.add((ROLE("a"), SKOS.altLabel, Literal("B")), None)
    assert index.locate(*triple) == 3
    assert index.locate(ROLE("a"), SKOS.altLabel) is None
    assert index.locate(ROLE("zzz")) is None


def test_other_rdf_formats_load_without_line_numbers(tmp_path):
    path = write(tmp_path, "c.nt", f"<{BASE}role/a-b> <{RDF.type}> <{AIW.Role}> .\n")
    contribution = load_contribution(path)
    assert contribution.format == "nt"
    assert contribution.defined == {ROLE("a-b")}
    assert contribution.lines.locate(ROLE("a-b")) is None


# -- schema errors: InputError, exit 2, with the line and a hint ----------------------------------------------------


SCHEMA_ERRORS = [
    # (name, YAML text, line, message after "file:line: ", hint or None)
    ("unknown-key", "roles:\n  - slug: a-b\n    layer: [data]\n", 3,
     "unknown key 'layer' in a role", "did you mean 'layers'?"),
    ("unknown-skill-key", "skills:\n  - slug: a-b\n    kind: technical\n    mitigate: [privacy]\n", 4,
     "unknown key 'mitigate' in a skill", "did you mean 'mitigates'?"),
    ("unknown-top-key", "role:\n  slug: a-b\nrols: []\n", 3,
     "unknown key 'rols' in the contribution", "did you mean 'roles'?"),
    ("label-list", "roles:\n  - slug: a-b\n    label: [A, B]\n", 3,
     "the role label must be text, not a list", 'write it as the role label: "..."'),
    ("layers-mapping", "roles:\n  - slug: a-b\n    layers: {data: yes}\n", 3,
     "layers must be a list", "write it as layers: [a, b]"),
    ("hybrid-text", "roles:\n  - slug: a-b\n    hybrid: \"yes please\"\n", 3,
     "hybrid must be true or false", None),
    ("match-unknown", "roles:\n  - slug: a-b\n    alignments:\n      - match: exactish\n        target: isco:C2512\n",
     4, "alignment match must be one of exact, close, broad, narrow, related", None),
    ("alignment-without-target", "roles:\n  - slug: a-b\n    alignments:\n      - match: close\n", 4,
     "an alignment needs a target IRI or CURIE (isco:C2512, esco:..., onet:15-1252.00)", None),
    ("alignments-mapping", "roles:\n  - slug: a-b\n    alignments: {match: close, target: isco:C2512}\n", 3,
     "alignments must be a list of {match, target} mappings", None),
    ("item-not-text", "roles:\n  - slug: a-b\n    essential_skills:\n      - sql\n      - [python]\n", 5,
     "every item of essential_skills must be text", None),
    ("roles-not-list", "roles: data-engineer\n", 1,
     "roles must be a list of mappings, one per item (each starting with '- slug: ...')", None),
    ("role-not-mapping", "roles:\n  - slug: a-b\n  - just text\n", 3,
     "a role must be a mapping of keys to values", None),
    ("no-slug", "roles:\n  - label: Nameless\n", 2,
     "the role has no slug", "add slug: lowercase-words-with-hyphens"),
    ("skill-kind", "skills:\n  - slug: a-b\n    kind: soft\n", 3,
     "skill kind must be one of domain, technical, transferable", None),
    ("skill-without-kind", "skills:\n  - slug: a-b\n    label: A b\n", 2,
     "skill kind must be one of domain, technical, transferable", None),
    ("concern-kind", "concerns:\n  - slug: a-b\n    kind: threat\n", 3,
     ("concern kind must be one of ai-enabled-attack, attack-surface, concern, facility-demand, "
      "governance-principle, model-risk, operational-challenge"), None),
    ("duplicate-key", "roles:\n  - slug: a-b\n    label: A\n    label: B\n", 4,
     "the key 'label' appears twice", None),
    ("non-text-key", "roles:\n  - slug: a-b\n    [x]: y\n", 3, "mapping keys must be text", None),
    ("top-level-list", "- slug: a-b\n", 1, "the contribution must be a mapping of keys to values", None),
    ("top-level-scalar", "data engineer\n", 1, "the contribution must be a mapping of keys to values", None),
    ("empty-mapping", "{}\n", 1, "the contribution is empty", "add a `roles:` list (see CONTRIBUTING.md)"),
    ("syntax", "roles:\n  - slug: a-b\n   label: bad indent\n", 3, "YAML syntax error: ", None),
]


@pytest.mark.parametrize(("text", "line", "message", "hint"), [case[1:] for case in SCHEMA_ERRORS],
                         ids=[case[0] for case in SCHEMA_ERRORS])
def test_schema_errors_name_the_line_and_say_how_to_fix(tmp_path, text, line, message, hint):
    path = write(tmp_path, "c.yaml", text)
    with pytest.raises(InputError) as err:
        load_contribution(path)
    exc = err.value
    assert exc.exit_code == 2
    assert exc.path == str(path)
    assert exc.line == line
    if message.endswith(": "):  # the parser's own wording follows
        assert exc.message.startswith(f"{path}:{line}: {message}")
    else:
        assert exc.message == f"{path}:{line}: {message}"
    assert exc.hint == hint or (hint is None and message.startswith("YAML syntax"))


def test_a_boolean_where_text_is_expected_is_not_called_a_mapping(tmp_path):
    # `label: yes` is a YAML boolean; the error must not claim it is a mapping.
    path = write(tmp_path, "c.yaml", "roles:\n  - slug: a-b\n    label: yes\n")
    with pytest.raises(InputError) as err:
        load_contribution(path)
    assert err.value.line == 3
    assert "must be text" in err.value.message
    assert "mapping" not in err.value.message, err.value.message


def test_numbers_where_text_is_expected_are_kept_as_written():
    graph, _ = yaml_to_graph("roles:\n  - slug: 2024-role\n    label: 42\n    alt_labels: [3.10]\n")
    node = ROLE("2024-role")
    assert graph.value(node, SKOS.prefLabel) == Literal("42", lang="en")
    assert graph.value(node, SKOS.altLabel) == Literal("3.10", lang="en")


@pytest.mark.parametrize(("text", "line"), [
    ("roles:\n  - &r\n    slug: a-b\n  - *r\n", 2),
    ("roles:\n  - slug: a-b\n    label: &t Title\n    alt_labels: [*t]\n", 3),
    ("base: &b {slug: a-b}\nroles: [*b]\n", 1),
])
def test_yaml_anchors_and_aliases_are_refused(tmp_path, text, line):
    path = write(tmp_path, "c.yaml", text)
    with pytest.raises(InputError) as err:
        load_contribution(path)
    assert err.value.line == line
    assert err.value.message == f"{path}:{line}: YAML anchors and aliases (&name, *name) are not allowed in contributions"
    assert err.value.hint == "write each value out in full"


def test_yaml_with_two_documents_is_refused(tmp_path):
    path = write(tmp_path, "c.yaml", "roles: []\n---\nroles: []\n")
    with pytest.raises(InputError, match="a contribution is one YAML document"):
        load_contribution(path)


# -- files that are not contributions -------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "content", "message"), [
    ("empty.yaml", b"", "the file is empty"),
    ("blank.yaml", b"  \n\t\n   \n", "the file is empty"),
    ("blank.ttl", b"\n\n", "the file is empty"),
    ("comments.ttl", b"# nothing but a comment\n", "the file holds no statements"),
    ("role.txt", b"roles: []\n", "unknown contribution file type '.txt'"),
    ("noext", b"roles: []\n", "unknown contribution file type '(no suffix)'"),
    ("binary.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary data, not an RDF text file"),
    ("latin1.yaml", "roles:\n  - slug: caf\xe9\n".encode("latin-1"), "not valid UTF-8 (byte 0xe9)"),
    ("utf16.yaml", "roles:\n  - slug: a-b\n".encode("utf-16"), "binary data, not an RDF text file"),
    ("utf16.ttl", "<http://x/a> <http://x/b> <http://x/c> .\n".encode("utf-16"), "binary data, not an RDF text file"),
])
def test_unreadable_files_are_input_errors(tmp_path, name, content, message):
    path = write(tmp_path, name, content)
    with pytest.raises(InputError) as err:
        load_contribution(path)
    assert err.value.exit_code == 2
    assert err.value.path == str(path)
    assert message in err.value.message


def test_latin1_error_names_the_line(tmp_path):
    path = write(tmp_path, "c.yaml", "roles:\n  - slug: a-b\n    label: Caf\xe9 owner\n".encode("latin-1"))
    with pytest.raises(InputError) as err:
        load_contribution(path)
    assert err.value.line == 3
    assert err.value.hint == "save the file as UTF-8"


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as err:
        load_contribution(tmp_path / "absent.yaml")
    assert err.value.message == f"{tmp_path / 'absent.yaml'}: no such file"
    assert err.value.hint == "check the path and the current directory"


def test_oversized_file_is_refused_before_parsing(tmp_path):
    path = write(tmp_path, "big.yaml", "roles:\n" + "# padding line\n" * 160_000)
    assert path.stat().st_size > 2 * 1024 * 1024
    with pytest.raises(InputError, match=r"file is too large \(2,400,007 bytes; the limit is 2,097,152\)"):
        load_contribution(path)


def test_a_directory_given_as_a_file_is_an_input_error(tmp_path):
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(InputError, match="is a directory, not a file"):
        load_contribution(folder)


def test_turtle_syntax_error_names_the_line(tmp_path):
    path = write(tmp_path, "c.ttl", PREFIXES + "\nrole:a-b a aiw:Role ;\n    skos:prefLabel \"A B\"@en\nrole:c-d a aiw:Role .\n")
    with pytest.raises(InputError) as err:
        load_contribution(path)
    assert err.value.exit_code == 2
    assert err.value.line == 17
    assert "Turtle syntax error" in err.value.message


# -- folders --------------------------------------------------------------------------------------------------------


def test_directories_expand_to_their_contribution_files(tmp_path):
    (tmp_path / "sub").mkdir()
    for name in ("b.yaml", "a.ttl", "sub/c.yml", "sub/d.nt", "README.md", "notes.txt", "sub/.keep"):
        write(tmp_path, name, "x")
    single = write(tmp_path, "z.yaml", "x")
    files = contribution_files([tmp_path / "sub", single, tmp_path])
    assert files == [tmp_path / "sub" / "c.yml", tmp_path / "sub" / "d.nt", single,
                     tmp_path / "a.ttl", tmp_path / "b.yaml", tmp_path / "sub" / "c.yml",
                     tmp_path / "sub" / "d.nt", single]


def test_a_folder_without_contributions_is_an_input_error(tmp_path):
    write(tmp_path, "README.md", "# nothing here\n")
    with pytest.raises(InputError) as err:
        contribution_files([tmp_path])
    assert err.value.exit_code == 2
    assert err.value.message == f"{tmp_path}: the folder holds no .yaml, .yml or RDF files"


def test_files_are_kept_as_given_even_if_missing(tmp_path):
    assert contribution_files([tmp_path / "later.yaml"]) == [tmp_path / "later.yaml"]
