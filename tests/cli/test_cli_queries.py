"""The query commands of the CLI, run in-process: queries, query, sparql, describe, search and export."""

from __future__ import annotations

import csv
import io
import json
import re
import sys

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic, to_isomorphic

from aiworkforce.query.catalogue import catalogue
from aiworkforce.rdf.prefixes import BASE
from aiworkforce.query.run import run_query
from aiworkforce.present.tables import row_count

pytestmark = pytest.mark.filterwarnings("ignore:Dataset\\..* is deprecated:DeprecationWarning")

ALL_QUERIES = list(catalogue().values())
QUERY_IDS = [q.name for q in ALL_QUERIES]
P = "PREFIX aiw: <https://w3id.org/aiworkforce/ontology#>\nPREFIX role: <https://w3id.org/aiworkforce/role/>\n"



@pytest.fixture
def narrow(monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setenv("LINES", "24")


def example_args(query) -> list[str]:
    args = []
    for p in query.params:
        if p.example is not None:
            args += ["-p", f"{p.name}={p.example}"]
    return args


def widest(text: str) -> int:
    return max((len(line) for line in text.splitlines()), default=0)


# -- queries --------------------------------------------------------------------------------------------------


def test_queries_table_lists_every_query_one_line_each(run, narrow):
    code, out, err = run("queries")
    assert code == 0 and err == ""
    names = [line.split()[0] for line in out.splitlines()[2:] if line and not line.startswith(" ")]
    for name in catalogue():
        assert name in names
    assert "[layer]" in out, "optional parameters are bracketed"
    table = out.split("\n\n")[0].splitlines()
    assert len(table) == 2 + len(catalogue()), "off a terminal (COLUMNS=80 or not) nothing wraps"


def test_queries_json(run):
    code, out, _ = run("queries", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [q["name"] for q in data] == list(catalogue())
    profile = next(q for q in data if q["name"] == "role-profile")
    assert profile["summary"] and profile["description"] and profile["tags"] == ["roles"]
    assert profile["params"] == [{
        "name": "role", "kind": "term", "class": "aiw:Role", "required": True, "default": None,
        "example": "Machine Learning Engineer",
        "description": "the role, by title, alternative title, slug, CURIE or IRI"}, {
        "name": "lang", "kind": "language", "class": None, "required": False, "default": "en", "example": "de",
        "description": "the language of the labels, a BCP 47 tag such as de or es; a term without a label in it "
                       "is shown in English"}]
    limit = next(q for q in data if q["name"] == "nearest-roles")["params"][1]
    assert (limit["name"], limit["kind"], limit["required"], limit["default"]) == ("limit", "integer", False, "10")


# -- query ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ALL_QUERIES, ids=QUERY_IDS)
def test_query_table_has_one_line_per_row(kg, run, narrow, query):
    code, out, err = run("query", query.name, *example_args(query))
    assert code == 0, err
    lines = out.splitlines()
    expected = run_query(kg, query.name, {p.name: p.example for p in query.params if p.example})
    assert lines[0].split() == list(expected.variables)
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + len(expected.rows), "off a terminal (COLUMNS=80 or not) nothing wraps"
    assert err.strip() == f"({row_count(len(expected.rows), expected.total)})"


@pytest.mark.parametrize("query", ALL_QUERIES, ids=QUERY_IDS)
def test_query_json_is_a_list_of_objects_of_strings_or_null(kg, run, query):
    code, out, err = run("query", query.name, *example_args(query), "--format", "json")
    assert code == 0 and err == ""
    data = json.loads(out)
    expected = run_query(kg, query.name, {p.name: p.example for p in query.params if p.example})
    assert isinstance(data, list) and len(data) == len(expected.rows) >= 1
    for record in data:
        assert list(record) == list(expected.variables)
        assert all(v is None or isinstance(v, str) for v in record.values())


def test_query_json_values_are_full_iris_and_lexical_forms(run):
    code, out, _ = run("query", "layers", "-f", "json")
    data = json.loads(out)
    assert code == 0
    assert data[0] == {"order": "1", "name": "Data Centers", "roles": "11", "layer": BASE + "layer/data-center"}


def test_query_json_null_for_unbound_cells(run):
    code, out, _ = run("query", "role-profile", "-p", "role=Data Engineer", "-f", "json")
    data = json.loads(out)
    assert code == 0
    assert data[0]["aspect"] == "definition" and data[0]["detail"] is None
    assert any(r["detail"] == "broad match" for r in data)


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_query_csv_and_tsv_parse_with_a_header_row(run, fmt, delimiter):
    code, out, err = run("query", "roles-by-layer", "-p", "layer=Data Centers", "--format", fmt)
    assert code == 0 and err == ""
    rows = list(csv.reader(io.StringIO(out), delimiter=delimiter))
    assert rows[0] == ["layerName", "roleName", "role"]
    assert len(rows) == 1 + 11
    assert ["Data Centers", "HVAC Systems Engineer", BASE + "role/hvac-engineer"] in rows[1:]


def test_query_csv_quotes_cells_with_commas(run):
    code, out, _ = run("query", "role-profile", "-p", "role=ml-engineer", "-f", "csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0
    definition = rows[1]
    assert definition[0] == "definition" and "," in definition[1] and len(definition) == 3


def test_query_markdown_has_a_header_separator(run):
    code, out, _ = run("query", "layers", "--format", "md")
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "| order | name | roles | layer |"
    assert lines[1] == "|---|---|---|---|"
    assert lines[2] == "| 1 | Data Centers | 11 | layer:data-center |"
    assert lines[2 + 11:] == ["", "*(11 rows)*"]


def test_query_limit_option_caps_rows(run):
    code, out, err = run("query", "layers", "--limit", "3", "-f", "json")
    assert code == 0 and [r["name"] for r in json.loads(out)] == ["Data Centers", "Infrastructure", "Cloud and Platform Engineering"]
    code, out, err = run("query", "nearest-roles", "-p", "role=Data Scientist", "-n", "2")
    assert code == 0 and re.fullmatch(r"\(first 2 of \d\d rows\)", err.strip()), err


def test_query_parameters_accept_any_name_of_the_term(run):
    outs = set()
    for value in ("Machine Learning Engineer", "ml engineer", "ml-engineer", "role:ml-engineer",
                  BASE + "role/ml-engineer"):
        code, out, _ = run("query", "skills-for-role", "-p", f"role={value}", "-f", "json")
        assert code == 0
        outs.add(out)
    assert len(outs) == 1


def test_param_without_equals_is_a_usage_error(run):
    code, out, err = run("query", "role-profile", "-p", "Data Engineer")
    assert code == 2 and out == ""
    assert "is not key=value" in err and "hint:" in err


def test_unknown_query_exits_2_with_a_hint(run):
    code, out, err = run("query", "layer")
    assert code == 2 and out == ""
    assert "unknown query 'layer'" in err
    assert "did you mean" in err and "layers" in err


def test_missing_parameter_exits_2_with_an_example(run):
    code, out, err = run("query", "skill-gap", "-p", "from=Software Engineer")
    assert code == 2 and out == ""
    assert "'to'" in err and "aiworkforce query skill-gap -p to=" in err


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("query", "role-profile", "-p", "role=Sofware Engineer"), "did you mean: Software Engineer"),
        (("query", "role-profile", "-p", "role=Programming"), "unknown role 'Programming'"),
        (("query", "nearest-roles", "-p", "role=Data Scientist", "-p", "limit=many"), "whole number"),
        (("query", "trends", "-p", "layer=Data"), "has no parameter 'layer'"),
        (("query", "layers", "--format", "xml"), "Invalid value for '--format'"),
        (("query", "layers", "--engine", "jena"), "Invalid value for '--engine'"),
        (("query", "layers", "--limit", "-1"), "--limit"),
        (("query", "role-profile", "-p", 'role=x" } ; DROP ALL ; #'), "unknown role"),
    ],
)
def test_query_user_errors_exit_2(run, args, fragment):
    code, out, err = run(*args)
    assert code == 2 and out == ""
    assert fragment in err


def test_rdflib_engine_gives_the_same_json(run):
    code_ox, out_ox, _ = run("query", "layers", "--format", "json")
    code_rd, out_rd, _ = run("query", "layers", "--format", "json", "--engine", "rdflib")
    assert code_ox == code_rd == 0
    assert json.loads(out_rd) == json.loads(out_ox)
    assert len(json.loads(out_ox)) == 11


# -- sparql -------------------------------------------------------------------------------------------------


@pytest.fixture
def stdin(monkeypatch):
    def _set(text: str) -> None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(text))

    return _set


def test_sparql_reads_standard_input(run, stdin):
    stdin(P + "SELECT ?r WHERE { ?r a aiw:HybridRole } ORDER BY ?r")
    code, out, err = run("sparql", "-", "--format", "json")
    assert code == 0, err
    data = json.loads(out)
    assert len(data) == 5 and data[0] == {"r": BASE + "role/infrastructure-savvy-software-engineer"}


def test_sparql_reads_a_file_and_renders_a_table(run, tmp_path, narrow):
    path = tmp_path / "q.rq"
    path.write_text(P + "SELECT ?r WHERE { ?r a aiw:DataCenterRole } ORDER BY ?r", encoding="utf-8")
    code, out, err = run("sparql", str(path))
    assert code == 0, err
    assert out.splitlines()[0] == "r"
    assert "role:hvac-engineer" in out.split()
    assert len(out.splitlines()) == 2 + 11


def test_sparql_missing_file_exits_2(run, tmp_path):
    code, out, err = run("sparql", str(tmp_path / "nope.rq"))
    assert code == 2 and out == ""
    assert "no such file" in err


def test_sparql_empty_input_exits_2(run, stdin):
    stdin("   \n")
    code, out, err = run("sparql", "-")
    assert code == 2 and out == "" and "empty" in err


def test_sparql_construct_prints_turtle(run, stdin):
    stdin(P + "CONSTRUCT { ?r a aiw:DataCenterRole } WHERE { ?r a aiw:DataCenterRole }")
    code, out, err = run("sparql", "-")
    assert code == 0, err
    graph = Graph().parse(data=out, format="turtle")
    assert len(graph) == 11
    assert "@prefix role:" in out


def test_sparql_describe_prints_ntriples_on_request(run, stdin):
    stdin(P + "DESCRIBE role:ml-engineer")
    code, out, err = run("sparql", "-", "--rdf-format", "nt")
    assert code == 0, err
    graph = Graph().parse(data=out, format="nt")
    assert len(graph) > 30
    assert {str(s) for s in graph.subjects()} == {BASE + "role/ml-engineer"}


@pytest.mark.parametrize(("query", "answer"), [
    ("ASK { role:hvac-engineer a aiw:DataCenterRole }", "true"),
    ("ASK { role:ml-engineer a aiw:DataCenterRole }", "false"),
])
def test_sparql_ask_prints_true_or_false(run, stdin, query, answer):
    stdin(P + query)
    code, out, _ = run("sparql", "-")
    assert code == 0 and out == answer + "\n"
    stdin(P + query)
    code, out, _ = run("sparql", "-", "--format", "json")
    assert json.loads(out) == {"boolean": answer == "true"}


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_sparql_service_is_refused(run, stdin, engine):
    stdin("SELECT * WHERE {\n  SERVICE <http://dbpedia.org/sparql> { ?s ?p ?o }\n}")
    code, out, err = run("sparql", "-", "--engine", engine)
    assert code == 2 and out == ""
    assert "<stdin>:2: SERVICE is refused" in err


def test_sparql_from_file_is_refused_and_names_the_file(run, tmp_path):
    path = tmp_path / "evil.rq"
    path.write_text("SELECT *\nFROM <file:///etc/passwd>\nWHERE { ?s ?p ?o }", encoding="utf-8")
    code, out, err = run("sparql", str(path), "--engine", "rdflib")
    assert code == 2 and out == ""
    assert f"{path}:2: FROM is refused" in err


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
def test_sparql_malformed_query_exits_2(run, stdin, engine):
    stdin("SELEC * WHERE { ?s ?p ?o }")
    code, out, err = run("sparql", "-", "--engine", engine)
    assert code == 2 and out == ""
    assert "malformed SPARQL" in err


@pytest.mark.parametrize("engine", ["oxigraph", "rdflib"])
@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s undeclared:p ?o }",
    "SELECT * WHERE { ?s ?p ?o FILTER(<http://example.org/no-such-function>(?o)) } LIMIT 1",
])
def test_sparql_mistakes_in_a_query_are_never_internal_errors(run, stdin, engine, query):
    stdin(query)
    code, _, err = run("sparql", "-", "--engine", engine)
    assert "internal error" not in err
    assert code in (0, 2)


# -- describe and search ----------------------------------------------------------------------------------------


def test_describe_text(run, narrow):
    code, out, err = run("describe", "role:ai-security-specialist")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0] == "role:ai-security-specialist"
    assert "Facts about it:" in lines and "Facts pointing to it:" in lines
    inferred_type = [line for line in lines if line.startswith("rdf:type") and "security role" in line]
    assert inferred_type and inferred_type[0].split()[-1] == "inferred"
    in_layer = [line for line in lines if line.startswith("aiw:inLayer")]
    assert in_layer and "Cybersecurity" in in_layer[0] and in_layer[0].split()[-1] == "asserted"
    assert not any(line.startswith(" ") for line in lines), "one line per fact: nothing wraps off a terminal"


def test_describe_json(run):
    code, out, _ = run("describe", "AI Security Specialist", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["term"] == BASE + "role/ai-security-specialist"
    facts = {(f["direction"], f["predicate"].rsplit("#", 1)[-1], f["value"], f["inferred"]) for f in data["facts"]}
    assert ("out", "inLayer", BASE + "layer/security", False) in facts
    assert ("in", "isAddressedBy", BASE + "concern/prompt-injection", True) in facts


def test_describe_both_engines_agree(run):
    _, ox, _ = run("describe", "role:ml-engineer", "-f", "json")
    _, rd, _ = run("describe", "role:ml-engineer", "-f", "json", "--engine", "rdflib")

    def facts(out):
        return sorted(json.dumps(f, sort_keys=True) for f in json.loads(out)["facts"])

    assert facts(ox) == facts(rd)


def test_describe_unknown_exits_2(run):
    code, out, err = run("describe", "role:nobody")
    assert code == 2 and out == "" and "not a known term" in err


def test_search_text(run, narrow):
    code, out, err = run("search", "decision", "scientist")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[0].split() == ["label", "type", "matched", "in", "matched", "text", "term"]
    # one match; the table may wrap its cells at 80 columns, so read the row's words across its lines
    words = " ".join(lines[2:]).split()
    assert lines[2].startswith("Data Scientist ") and "aiw:Role" in lines[2]
    assert {"alternative", "label", "Decision", "scientist"} <= set(words)  # why it matched
    assert "role:data-" in lines[2] and sum(line.startswith("Data Scientist") for line in lines) == 1


def test_search_json_and_limit(run):
    code, out, _ = run("search", "engineer", "--limit", "4", "--format", "json")
    data = json.loads(out)
    assert code == 0 and len(data) == 4
    assert set(data[0]) == {"term", "label", "type", "field", "text", "matched"}


def test_search_nothing_found(run):
    code, out, err = run("search", "xylophone")
    assert code == 0 and out == ""
    assert "no matches for 'xylophone'" in err


def test_search_blank_exits_2(run):
    code, out, err = run("search", "  ")
    assert code == 2 and out == "" and "nothing to search for" in err


# -- export -----------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def core_canonical(core):
    return to_isomorphic(core)


@pytest.mark.parametrize(("fmt", "parser"), [("nt", "nt"), ("ttl", "turtle"), ("xml", "xml"), ("jsonld", "json-ld")])
def test_export_parses_back_to_the_asserted_graph(run, core, core_canonical, fmt, parser):
    code, out, err = run("export", "--format", fmt)
    assert code == 0 and err == ""
    graph = Graph().parse(data=out, format=parser)
    assert len(graph) == len(core)
    assert to_isomorphic(graph) == core_canonical


def test_export_inferred_has_the_closure(run, core, reasoned):
    code, out, _ = run("export", "--inferred", "--format", "nt")
    graph = Graph().parse(data=out, format="nt")
    assert code == 0
    assert len(graph) > len(core)
    assert isomorphic(graph, reasoned.closure)


def test_export_to_a_file(run, tmp_path, core):
    target = tmp_path / "kb.ttl"
    code, out, err = run("export", "-o", str(target))
    assert code == 0 and out == ""
    assert err.strip() == f"wrote {target}"
    assert isomorphic(Graph().parse(target, format="turtle"), core)
    assert [p.name for p in tmp_path.iterdir()] == ["kb.ttl"], "no temporary file is left behind"


def test_export_into_a_missing_folder_exits_2(run, tmp_path):
    code, out, err = run("export", "-o", str(tmp_path / "missing" / "kb.ttl"))
    assert code == 2 and out == ""
    assert "folder to write into does not exist" in err


def test_sparql_on_stdin_in_a_wrong_encoding_is_an_input_error(monkeypatch, run):
    import io
    import sys

    class Bytes(io.StringIO):
        buffer = io.BytesIO(b"SELECT \xff WHERE {}")

    monkeypatch.setattr(sys, "stdin", Bytes())
    code, out, err = run("sparql", "-")
    assert code == 2 and "not valid UTF-8" in err and out == ""


def test_sparql_errors_name_the_query_file(tmp_path, run):
    query = tmp_path / "broken.rq"
    query.write_text("SELECT ?s WHERE { ?s ?p ")
    code, _, err = run("sparql", str(query))
    assert code == 2 and "broken.rq" in err and "<input>" not in err


@pytest.mark.parametrize("value", ["\u0663", "1_0", "-1", "99999999999"])
def test_integer_parameters_take_plain_ascii_digits(value, run):
    code, _, err = run("query", "nearest-roles", "-p", "role=Data Scientist", "-p", f"limit={value}")
    assert code == 2 and "whole number" in err
