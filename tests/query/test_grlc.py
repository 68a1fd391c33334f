"""grlc (https://github.com/CLARIAH/grlc) reads the stored queries' headers the way we do: its own spec builder
sees every declared parameter, required or optional, with its kind (IRI, integer, plain literal).

grlc runs in its own virtual environment (:func:`_helpers.grlc_venv`). tests/publish/test_grlc.py calls the API grlc
builds from the copies ``release`` writes for it."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from _helpers import grlc_venv

from aiworkforce.query.catalogue import catalogue

# grlc's own functions: get_metadata parses the decorators and finds the parameters, build_parameter turns each
# into the Swagger parameter its API serves.
SPEC = r"""
import json, logging, sys
logging.disable(logging.CRITICAL)
from grlc import gquery, swagger
out = {}
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        meta = gquery.get_metadata(handle.read(), "http://localhost/sparql")
    out[path] = {name: {"param": {k: p[k] for k in ("required", "type", "format", "datatype") if k in p},
                        "swagger": swagger.build_parameter(p)}
                 for name, p in meta.get("parameters", {}).items()}
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def grlc_python() -> Path:
    return grlc_venv()


def test_grlcs_spec_builder_sees_every_declared_parameter(grlc_python, tmp_path):
    queries = catalogue()
    done = subprocess.run([str(grlc_python), "-c", SPEC, *(str(q.path) for q in queries.values())],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120, check=True)
    seen = json.loads(done.stdout.splitlines()[-1])  # grlc prints which config file it read first
    for query in queries.values():
        found = seen[str(query.path)]
        assert set(found) == {p.name for p in query.params}, query.name
        for param in query.params:
            grlc = found[param.name]["param"]
            assert grlc["required"] == param.required, (query.name, param.name)
            if param.kind == "term":
                assert grlc.get("format") == "iri", (query.name, param.name)
            elif param.kind == "integer":
                assert grlc.get("datatype") == "xsd:integer", (query.name, param.name)
            else:
                assert grlc["type"] == "string" and "format" not in grlc and "datatype" not in grlc
            assert found[param.name]["swagger"]["name"] == param.name
            assert found[param.name]["swagger"]["required"] == param.required
    assert sum(len(f) for f in seen.values()) == sum(len(q.params) for q in queries.values()) > 0
