"""Concurrent `aiworkforce add` runs into one knowledge-base folder (issue 11): each merges, or is refused with
a clear message; no contribution is ever lost."""

from __future__ import annotations

import shutil
import subprocess
import sys

from conftest import ROOT

RUNS = 8
ROLE = """roles:
  - slug: concurrent-role-{n}
    label: Concurrent Role {word}
    definition: A role written by the concurrency test, number {word}, to check that parallel merges are never lost.
    layers: [engineering]
    essential_skills: [automated-testing]
    source: engineering-layer
"""
WORDS = ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf", "Hotel"]


def test_eight_concurrent_adds_lose_nothing(tmp_path):
    kb = tmp_path / "kb"
    kb.mkdir()
    for module in (ROOT / "ontology").glob("*.ttl"):
        shutil.copy(module, kb / module.name)
    files = []
    for n in range(RUNS):
        path = tmp_path / f"role-{n}.yaml"
        path.write_text(ROLE.format(n=n, word=WORDS[n]), encoding="utf-8")
        files.append(path)
    procs = [subprocess.Popen([sys.executable, "-m", "aiworkforce", "add", str(f), "--into", str(kb)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for f in files]
    outcomes = [(p.wait(timeout=400), p.stdout.read().decode(), p.stderr.read().decode()) for p in procs]
    module = (kb / "contributions.ttl").read_text(encoding="utf-8")
    merged = [n for n in range(RUNS) if f"concurrent-role-{n}" in module]
    for n, (code, out, err) in enumerate(outcomes):
        assert "Traceback" not in err and code in (0, 2), (code, err)
        if code == 0:
            assert "merged" in out + err, (n, out, err)
            assert n in merged, f"run {n} said it merged, but its role is not in the module"
        else:
            assert "still writing" in err, err
    assert len(merged) == sum(code == 0 for code, _, _ in outcomes) >= 1
