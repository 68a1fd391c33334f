"""The catalogue of stored queries: every ``queries/*.rq`` file, its ``#+`` YAML header and its parameters."""

from __future__ import annotations

import re

import pytest
import yaml

from aiworkforce.query.catalogue import KINDS, catalogue, get_query, load_query, parse_header
from aiworkforce.errors import DataError, UsageError
from aiworkforce.query.run import run_query
from aiworkforce.rdf.resources import data_files

#: The stored queries the specification names (the catalogue may hold more).
SPEC_QUERIES = (
    "layers", "roles-by-layer", "role-profile", "skills-for-role", "roles-for-skill", "transferable-skills",
    "skill-gap", "nearest-roles", "overlaps", "hybrid-roles", "security-threats", "governance",
    "operational-challenges", "data-center-roles", "title-variants", "guiding-questions", "crosswalk",
)
KEBAB = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")
QUERY_FILES = data_files("queries")


def _ids(paths):
    return [p.stem for p in paths]


def test_catalogue_holds_every_query_file_by_name():
    queries = catalogue()
    assert list(queries) == sorted(p.stem for p in QUERY_FILES)
    assert len(queries) >= len(SPEC_QUERIES)


@pytest.mark.parametrize("name", SPEC_QUERIES)
def test_every_query_named_by_the_spec_exists(name):
    query = get_query(name)
    assert query.name == name
    assert query.path.name == f"{name}.rq"


@pytest.mark.parametrize("path", QUERY_FILES, ids=_ids(QUERY_FILES))
def test_each_query_file_loads_with_summary_description_and_tags(path):
    query = load_query(path)
    assert KEBAB.match(query.name), query.name
    assert query.name == path.stem
    assert query.summary and "\n" not in query.summary
    assert len(query.description) > len(query.summary) / 2, "a description says more than a few words"
    assert query.tags and all(isinstance(t, str) and t for t in query.tags)
    assert query.text == path.read_text(encoding="utf-8")
    assert re.search(r"^\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", query.text, re.MULTILINE | re.IGNORECASE)
    for param in query.params:
        assert param.kind in KINDS
        assert param.description, f"{query.name}: parameter {param.name} needs a description"
        if param.kind == "term":
            assert param.cls, f"{query.name}: term parameter {param.name} names the class it must belong to"
            assert re.search(rf"\?{param.name}\b", query.text), f"{query.name} never uses ?{param.name}"


@pytest.mark.parametrize("path", QUERY_FILES, ids=_ids(QUERY_FILES))
def test_header_parse_equals_yaml_of_the_joined_header_lines(path):
    text = path.read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        rest = line[2:]
        lines.append(rest.removeprefix(" "))
    expected = yaml.safe_load("\n".join(lines))
    assert isinstance(expected, dict) and "summary" in expected
    assert parse_header(text) == expected


@pytest.mark.parametrize(
    ("name", "declared"),
    [
        ("role-profile", [("role", "term", "aiw:Role", True), ("lang", "language", None, False)]),
        ("roles-by-layer", [("layer", "term", "aiw:Layer", False), ("role", "term", "aiw:Role", False), ("lang", "language", None, False)]),
        ("skills-for-role", [("role", "term", "aiw:Role", True), ("lang", "language", None, False)]),
        ("roles-for-skill", [("skill", "term", "aiw:Skill", True), ("layer", "term", "aiw:Layer", False), ("role", "term", "aiw:Role", False), ("lang", "language", None, False)]),
        ("skill-gap", [("from", "term", "aiw:Role", True), ("to", "term", "aiw:Role", True),
                       ("basis", "literal", None, False), ("lang", "language", None, False)]),
        ("nearest-roles", [("role", "term", "aiw:Role", True), ("limit", "integer", None, False),
                           ("basis", "literal", None, False), ("lang", "language", None, False)]),
        ("evidence", [("role", "term", "aiw:Role", True), ("lang", "language", None, False)]),
        ("provenance", []),
        ("trends", [("lang", "language", None, False)]),
        ("layers", [("layer", "term", "aiw:Layer", False), ("lang", "language", None, False)]),
        ("transferable-skills", [("lang", "language", None, False)]),
        ("overlaps", [("lang", "language", None, False)]),
        ("hybrid-roles", [("lang", "language", None, False)]),
        ("security-threats", [("kind", "term", "owl:Class", False), ("role", "term", "aiw:Role", False), ("lang", "language", None, False)]),
        ("governance", [("sector", "term", "aiw:Sector", False), ("role", "term", "aiw:Role", False), ("lang", "language", None, False)]),
        ("operational-challenges", [("role", "term", "aiw:Role", False), ("lang", "language", None, False)]),
        ("data-center-roles", [("role", "term", "aiw:Role", False), ("lang", "language", None, False)]),
        ("title-variants", [("role", "term", "aiw:Role", False), ("lang", "language", None, False)]),
        ("guiding-questions", [("layer", "term", "aiw:Layer", False), ("role", "term", "aiw:Role", False), ("lang", "language", None, False)]),
        ("crosswalk", [("lang", "language", None, False)]),
    ],
)
def test_declared_parameters_match_the_spec(name, declared):
    query = get_query(name)
    assert [(p.name, p.kind, p.cls, p.required) for p in query.params] == declared


def test_nearest_roles_limit_caps_rows_with_a_default_of_ten():
    limit = get_query("nearest-roles").param("limit")
    assert limit is not None and limit.limit is True
    assert limit.default == "10"
    assert get_query("nearest-roles").param("nope") is None


QUERIES_WITH_PARAMS = [q for q in catalogue().values() if q.params]


@pytest.mark.parametrize("query", QUERIES_WITH_PARAMS, ids=[q.name for q in QUERIES_WITH_PARAMS])
def test_every_parameter_has_an_example_that_resolves(kg, query):
    for param in query.params:
        assert param.example, f"{query.name}: parameter {param.name} has no example"
    examples = {p.name: p.example for p in query.params}
    result = run_query(kg, query.name, examples)
    assert result.kind == "select"
    assert len(result.rows) >= 1, f"{query.name} with its examples {examples} answers nothing"


@pytest.mark.parametrize("query", QUERIES_WITH_PARAMS, ids=[q.name for q in QUERIES_WITH_PARAMS])
def test_each_optional_parameter_alone_can_be_left_out(kg, query):
    required = {p.name: p.example for p in query.params if p.required}
    assert len(run_query(kg, query.name, required).rows) >= 1


# -- unknown names ---------------------------------------------------------------------------------------------


def test_unknown_query_near_miss_suggests_the_closest_name():
    with pytest.raises(UsageError) as info:
        get_query("layer")
    assert "unknown query 'layer'" in info.value.message
    assert info.value.hint is not None
    assert info.value.hint.startswith("did you mean")
    assert "layers" in info.value.hint
    assert info.value.exit_code == 2


def test_unknown_query_far_miss_points_to_the_listing():
    with pytest.raises(UsageError) as info:
        get_query("zzzzzzzzzzzzz")
    assert "did you mean" not in (info.value.hint or "")
    assert "aiworkforce queries" in info.value.hint


def test_a_near_miss_of_a_hyphenated_name_is_suggested():
    with pytest.raises(UsageError) as info:
        get_query("skills-gap")
    assert "skill-gap" in info.value.hint


# -- broken query files ------------------------------------------------------------------------------------------

GOOD_BODY = "SELECT ?s WHERE { ?s ?p ?o }\n"


def _write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_valid_tmp_query_loads(tmp_path):
    path = _write(tmp_path, "my-query.rq", (
        "#+ summary: A test query\n"
        "#+ description: Only for tests.\n"
        "#+ tags: [test]\n"
        "#+ params:\n"
        "#+   - name: n\n"
        "#+     kind: integer\n"
        "#+     default: 3\n"
        "#+     example: 2\n"
        + GOOD_BODY
    ))
    query = load_query(path)
    assert query.name == "my-query" and query.summary == "A test query" and query.tags == ("test",)
    (param,) = query.params
    assert (param.name, param.kind, param.required, param.default, param.example) == ("n", "integer", False, "3", "2")


def test_a_headerless_query_file_is_a_data_error(tmp_path):
    path = _write(tmp_path, "no-header.rq", GOOD_BODY)
    with pytest.raises(DataError) as info:
        load_query(path)
    assert "no-header.rq" in info.value.message and "summary" in info.value.message
    assert info.value.exit_code == 3


def test_a_parameter_of_unknown_kind_is_a_data_error(tmp_path):
    path = _write(tmp_path, "bad-kind.rq", (
        "#+ summary: Bad kind\n#+ params:\n#+   - name: role\n#+     kind: person\n" + GOOD_BODY
    ))
    with pytest.raises(DataError) as info:
        load_query(path)
    assert "person" in info.value.message and "role" in info.value.message


def test_a_parameter_without_a_name_is_a_data_error(tmp_path):
    path = _write(tmp_path, "no-name.rq", "#+ summary: No name\n#+ params:\n#+   - kind: term\n" + GOOD_BODY)
    with pytest.raises(DataError, match="needs a name"):
        load_query(path)


def test_unreadable_yaml_header_is_a_data_error(tmp_path):
    path = _write(tmp_path, "bad-yaml.rq", "#+ summary: [unclosed\n" + GOOD_BODY)
    with pytest.raises(DataError) as info:
        load_query(path)
    assert "bad-yaml.rq" in info.value.message


def test_a_header_that_is_not_a_mapping_is_a_data_error(tmp_path):
    path = _write(tmp_path, "a-list.rq", "#+ - summary\n#+ - tags\n" + GOOD_BODY)
    with pytest.raises(DataError, match="mapping"):
        load_query(path)


def test_a_query_name_that_is_not_kebab_case_is_a_data_error(tmp_path):
    path = _write(tmp_path, "Bad_Name.rq", "#+ summary: Badly named\n" + GOOD_BODY)
    with pytest.raises(DataError, match="hyphens"):
        load_query(path)


# -- parameters with a fixed set of values -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["skill-gap", "nearest-roles"])
def test_basis_takes_only_all_or_article(kg, name):
    query = get_query(name)
    assert query.param("basis").values == ("all", "article")
    params = {p.name: p.example for p in query.params if p.required}
    with pytest.raises(UsageError) as info:
        run_query(kg, name, {**params, "basis": "Article"})
    assert "cannot be 'Article'" in info.value.message and info.value.hint == "use one of: all, article"


def test_values_are_declared_for_literal_parameters_only(tmp_path):
    path = tmp_path / "bad.rq"
    path.write_text("#+ summary: x\n#+ params:\n#+   - name: n\n#+     kind: integer\n#+     values: [1, 2]\n"
                    "SELECT * WHERE { }\n")
    with pytest.raises(DataError, match="for literal parameters only"):
        load_query(path)
    path.write_text("#+ summary: x\n#+ params:\n#+   - name: b\n#+     kind: literal\n#+     default: some\n"
                    "#+     values: [all, article]\nSELECT * WHERE { }\n")
    with pytest.raises(DataError, match="not one of its values"):
        load_query(path)


def test_grlc_spelling_gives_the_name_kind_and_need(tmp_path):
    path = _write(tmp_path, "grlc.rq", "#+ summary: grlc names\n#+ params:\n#+   - name: ?_role_iri\n"
                  "#+   - name: ?__basis\n#+     values: [a, b]\n#+   - name: ?__top_integer\n" + GOOD_BODY)
    role, basis, top = load_query(path).params
    assert (role.name, role.kind, role.required) == ("role", "term", True)
    assert (basis.name, basis.kind, basis.required, basis.values) == ("basis", "literal", False, ("a", "b"))
    assert (top.name, top.kind, top.required) == ("top", "integer", False)


@pytest.mark.parametrize("decl", ["?_role_iri\n#+     kind: literal", "?__role_iri\n#+     required: true", "?role"])
def test_grlc_spelling_must_agree_with_the_declaration(tmp_path, decl):
    path = _write(tmp_path, "bad.rq", f"#+ summary: x\n#+ params:\n#+   - name: {decl}\n" + GOOD_BODY)
    with pytest.raises(DataError, match="grlc|disagrees"):
        load_query(path)
