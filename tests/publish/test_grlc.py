"""The copies of the stored queries that ``release`` writes for grlc (``grlc/``): grlc's own code finds every
parameter in them, substitutes the values a caller gives into the query body as it does for an API call, and the
rewritten query answers what ``aiworkforce query`` answers, with every parameter and with the required ones only.

grlc runs in its own virtual environment (:func:`_helpers.grlc_venv`)."""

from __future__ import annotations

import json
import subprocess

import pytest

from _helpers import grlc_venv, list_columns, normalised

from aiworkforce.publish.grlc import FOLDER, grlc_text
from aiworkforce.query.catalogue import catalogue
from aiworkforce.query.run import bind_params, run_query

# What grlc does with an API call (grlc.utils.dispatchSPARQLQuery): read the query's metadata and parameters,
# then rewrite the query text with the call's arguments.
REWRITE = r"""
import json, logging, sys
logging.disable(logging.CRITICAL)
from grlc import gquery
out = []
for call in json.load(sys.stdin):
    with open(call["path"], encoding="utf-8") as handle:
        raw = handle.read()
    meta = gquery.get_metadata(raw, "http://localhost/sparql")
    out.append({"params": sorted(meta["parameters"]),
                "query": gquery.rewrite_query(meta["original_query"], meta["parameters"], call["args"])})
print(json.dumps(out))
"""

QUERIES = list(catalogue().values())


def _calls(kg, folder) -> list[dict]:
    """Two calls per query: every parameter at its example, and only the required ones."""
    calls = []
    for query in QUERIES:
        examples = {p.name: p.example for p in query.params if p.example is not None and not p.limit}
        bound, _ = bind_params(query, examples, kg.engine("oxigraph"))
        for given in (examples, {p.name: examples[p.name] for p in query.params if p.required}):
            calls.append({"name": query.name, "path": str(folder / query.path.name), "given": given,
                          "args": {name: bound[name].value for name in given}})
    return calls


@pytest.fixture(scope="module")
def rewritten(released, kg):
    calls = _calls(kg, released.folder / FOLDER)
    done = subprocess.run([str(grlc_venv()), "-c", REWRITE], input=json.dumps(calls), capture_output=True,
                          text=True, timeout=300, check=True)
    return list(zip(calls, json.loads(done.stdout.splitlines()[-1])))


def test_the_release_holds_a_grlc_copy_of_every_stored_query(released):
    assert sorted(p.name for p in (released.folder / FOLDER).iterdir()) == sorted(q.path.name for q in QUERIES)
    for query in QUERIES:
        assert (released.folder / FOLDER / query.path.name).read_text(encoding="utf-8") == grlc_text(query)


def test_grlc_finds_every_parameter_but_the_row_count_in_the_copies(rewritten):
    for call, out in rewritten:
        query = catalogue()[call["name"]]
        assert set(out["params"]) == {p.name for p in query.params}, call["name"]


@pytest.mark.parametrize("which", ["every parameter", "required only"])
def test_grlcs_rewritten_queries_answer_what_aiworkforce_query_answers(rewritten, kg, which):
    checked = 0
    for call, out in rewritten[(0 if which == "every parameter" else 1)::2]:
        query = catalogue()[call["name"]]
        body = out["query"].split("WHERE", 1)[1]
        assert not [n for n in call["given"] if f"?{query.param(n).variable}" in body], "grlc left a parameter"
        expected = run_query(kg, call["name"], call["given"], limit=10**6)
        got = kg.engine("oxigraph").query(out["query"], {})
        assert set(expected.variables) <= set(got.variables), call["name"]
        got = got.without(set(got.variables) - set(expected.variables))
        assert got.variables == expected.variables
        lists = list_columns(query)
        assert normalised(got, lists) == normalised(expected, lists), (call["name"], call["given"])
        checked += bool(expected.rows)
    assert checked >= len(QUERIES) - 2  # almost every call answers something, so the comparison means something
