"""Pre-binding decisions are remembered across processes, keyed by the query, and only from a trusted file."""

from __future__ import annotations

import json
import os

import pytest

from aiworkforce.validation.shacl import decisions
from aiworkforce.validation.shacl.sparqltext import decide_prebinding

JOINABLE = "SELECT $this WHERE { $this <http://x/p> ?o }"
NOT_JOINABLE = "SELECT $this WHERE { ?s <http://x/p> ?o { FILTER (?s = $this) } }"  # a nested FILTER


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    monkeypatch.setenv("AIWORKFORCE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(decisions, "_table", None)
    return tmp_path / "cache"


def _new_process(monkeypatch):
    monkeypatch.setattr(decisions, "_table", None)  # what a new process starts with


def test_a_decision_is_made_once_and_read_back_by_the_next_process(fresh, monkeypatch):
    calls = []

    def decide(query, variables):
        calls.append(query)
        return decide_prebinding(query, variables)

    assert decisions.remembered(JOINABLE, ("this",), decide) is True
    assert decisions.remembered(NOT_JOINABLE, ("this",), decide) is False
    assert len(calls) == 2
    _new_process(monkeypatch)
    assert decisions.remembered(JOINABLE, ("this",), decide) is True
    assert decisions.remembered(NOT_JOINABLE, ("this",), decide) is False
    assert len(calls) == 2, "the second process decided again"
    assert decisions.remembered(JOINABLE, ("this", "x"), decide) is True  # other variables: another decision
    assert len(calls) == 3


def test_the_same_decisions_as_without_the_table(fresh):
    for query in (JOINABLE, NOT_JOINABLE):
        assert decisions.remembered(query, ("this",), decide_prebinding) == decide_prebinding(query)


@pytest.mark.parametrize("damage", ["writable-by-others", "not-json", "wrong-types"])
def test_an_untrusted_or_damaged_table_is_ignored(fresh, monkeypatch, damage):
    decisions.remembered(JOINABLE, ("this",), decide_prebinding)
    path = decisions._path()
    table = json.loads(path.read_text(encoding="utf-8"))
    planted = {key: not value for key, value in table.items()}  # what a neighbour would like us to believe
    path.write_text("{" if damage == "not-json" else json.dumps(
        planted if damage == "writable-by-others" else {k: "yes" for k in table}), encoding="utf-8")
    if damage == "writable-by-others":
        os.chmod(path, 0o666)
    _new_process(monkeypatch)
    assert decisions.remembered(JOINABLE, ("this",), decide_prebinding) is True
