"""The command line, run in-process through its entry point: output, exit codes, no tracebacks."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from aiworkforce.rdf.resources import ontology_version


def test_version_is_the_ontology_version(run):
    code, out, _ = run("--version")
    assert code == 0
    assert out.strip() == f"aiworkforce {ontology_version()}"


def test_help_lists_commands(run):
    code, out, _ = run("--help")
    assert code == 0
    for command in ("validate", "reason", "stats"):
        assert command in out


def test_validate_shipped_graph_conforms(run):
    code, out, err = run("validate")
    assert code == 0, out + err
    assert "SHACL shapes      conforms: 0 violations, 0 warnings" in out
    assert out.rstrip().endswith("OK: the knowledge graph passes every check.")


def test_validate_json_is_a_report(run):
    code, out, _ = run("validate", "--format", "json")
    report = json.loads(out)
    assert code == 0
    assert report["conforms"] is True and report["violations"] == 0
    assert report["checks"] and all(c["passed"] for c in report["checks"])


def test_stats_table(run):
    code, out, _ = run("stats", "--layers")
    assert code == 0
    assert re.search(r"^role\s+\d+", out, re.M)
    assert re.search(r"^1\s+Data Centers\s+1\d\s", out, re.M)
    assert "HVAC" in out, "--layers lists the role titles of each layer"
    line = next(line for line in out.splitlines() if re.match(r"1\s+Data Centers", line))
    assert "Critical Facilities Engineer, Data Center Capacity Planner" in line, "off a terminal nothing wraps"


def test_stats_json(run, core):
    code, out, _ = run("stats", "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["triples"] == len(core)
    assert len(data["layers"]) == 11


def test_reason_writes_the_closure(run, tmp_path, reasoned):
    target = tmp_path / "closure.ttl"
    code, out, err = run("reason", "-o", str(target))
    assert code == 0 and out == ""
    assert "inferred" in err
    assert isomorphic(Graph().parse(target), reasoned.closure)


def test_reason_only_inferred_ntriples_to_stdout(run, reasoned):
    code, out, _ = run("reason", "--only-inferred", "--format", "nt")
    assert code == 0
    assert isomorphic(Graph().parse(data=out, format="nt"), reasoned.inferred)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("reason", "-o", "/nonexistent-folder/x.ttl"), "folder to write into does not exist"),
        (("reason", "--format", "xml"), "Invalid value for '--format'"),
        (("no-such-command",), "No such command"),
        (("stats", "--bogus"), "No such option"),
    ],
)
def test_user_errors_exit_2_without_traceback(run, args, fragment):
    code, out, err = run(*args)
    assert code == 2
    assert fragment in err
    assert "Traceback" not in err and out == ""


@pytest.mark.parametrize("args", [["--help"], ["queries"], ["query", "layers"]])
def test_fast_commands_do_not_import_the_reasoner(args, tmp_path):
    """--help, queries and a warm query must not pay for rdflib, owlrl or pySHACL imports."""
    import os
    import subprocess
    import sys

    from aiworkforce.graph import KnowledgeGraph

    KnowledgeGraph().closure()  # warm the cache this process uses, so the child finds it
    code = (
        "import sys, io, contextlib\n"
        "from aiworkforce.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    rc = main({args!r})\n"
        "heavy = sorted(m for m in ('rdflib', 'owlrl', 'pyshacl') if m in sys.modules)\n"
        "print(rc, ','.join(heavy))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True)
    rc, _, heavy = out.stdout.strip().partition(" ")
    assert rc == "0" and heavy == "", out.stdout + out.stderr
