"""The stored queries as an OpenAPI 3.1 document: it validates with openapi-spec-validator, has one operation per
stored query with every parameter the query's header declares (typed: required, enum, default, term class), and
`aiworkforce openapi` prints or writes it."""

from __future__ import annotations

import json

import pytest
from openapi_spec_validator import validate

from aiworkforce.publish.openapi import API_RESULT_TYPES, openapi_document
from aiworkforce.query.catalogue import catalogue


@pytest.fixture(scope="module")
def doc():
    return openapi_document()


def test_the_document_is_valid_openapi_3_1(doc):
    validate(doc)
    assert doc["openapi"].startswith("3.1")


def test_one_operation_per_stored_query_with_every_declared_parameter(doc):
    queries = catalogue()
    operations = {path.rsplit("/", 1)[1]: item["get"] for path, item in doc["paths"].items()
                  if path.startswith("/api/query/")}
    assert set(operations) == set(queries)
    for name, query in queries.items():
        op = operations[name]
        assert op["operationId"] == name and op["summary"] == query.summary
        declared = {p.name: p for p in query.params}
        assert [p["name"] for p in op["parameters"]] == list(declared)
        for param in op["parameters"]:
            spec = declared[param["name"]]
            assert param["in"] == "query" and param["required"] == spec.required
            assert param["description"].startswith(spec.description)
            assert param["schema"]["type"] == ("integer" if spec.kind == "integer" else "string")
            assert param["schema"].get("enum", []) == list(spec.values)
            if spec.default is not None:
                assert str(param["schema"]["default"]) == spec.default
            if spec.kind == "term":
                assert param["x-aiworkforce-class"] == spec.cls
        assert set(op["responses"]["200"]["content"]) == set(API_RESULT_TYPES)


def test_typed_parameters_of_skill_gap(doc):
    params = {p["name"]: p for p in doc["paths"]["/api/query/skill-gap"]["get"]["parameters"]}
    assert params["from"]["required"] and params["from"]["x-aiworkforce-class"] == "aiw:Role"
    assert params["basis"] == {**params["basis"], "required": False,
                               "schema": {"type": "string", "enum": ["all", "article"], "default": "all"}}


def test_the_command_prints_and_writes_it(run, tmp_path, doc):
    code, out, _ = run("openapi")
    assert code == 0 and json.loads(out) == doc
    target = tmp_path / "api.json"
    code, _, err = run("openapi", "-o", str(target), "--server", "https://example.org/aiw/")
    assert code == 0 and "wrote" in err
    written = json.loads(target.read_text(encoding="utf-8"))
    assert written["servers"] == [{"url": "https://example.org/aiw/"}] and written["paths"] == doc["paths"]
    code, _, err = run("openapi", "-o", str(tmp_path / "missing" / "api.json"))
    assert code == 2 and "cannot write" in err and "Traceback" not in err
