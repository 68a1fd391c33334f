"""The standing fuzz corpus (tests/fixtures/fuzz/): inputs that once crashed, hung, called out or were wrongly
refused. Each ends with its expected exit code, one clear message, and no traceback."""

from __future__ import annotations

import pytest

from conftest import FIXTURES

from aiworkforce.cli import main

CORPUS = FIXTURES / "fuzz"
RUNS = {"prefix-named-add.rq": 0, "empty-select.rq": 0}  # valid queries; every other input is refused (exit 2)


@pytest.mark.parametrize("path", sorted((CORPUS / "sparql").iterdir()), ids=lambda p: p.name)
def test_sparql_corpus(path, capsys):
    code = main(["sparql", str(path), "--timeout", "30"])
    err = capsys.readouterr().err
    assert code == RUNS.get(path.name, 2), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 2:
        assert err.startswith("aiworkforce: error: ") and "hint:" in err


@pytest.mark.parametrize("path", sorted((CORPUS / "validate").iterdir()), ids=lambda p: p.name)
def test_validate_corpus(path, capsys):
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith(f"aiworkforce: error: {path}"), err
    assert "Traceback" not in err and "internal error" not in err
