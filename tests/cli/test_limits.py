"""Bounded work on the CLI (issue 11): `sparql` has a timeout, a memory ceiling and a Ctrl-C that works; a query
that would crash the engine is a clear exit 2."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
GREEDY = ('SELECT ?b WHERE { BIND(REPLACE("' + "K" * 60 + '", "", "' + "K" * 40 + '") AS ?a) '
          'BIND(REPLACE(?a, "", "' + "K" * 40 + '") AS ?b) BIND(REPLACE(?b, "", "' + "K" * 40 + '") AS ?c) '
          'BIND(REPLACE(?c, "", "' + "K" * 40 + '") AS ?d) BIND(STRLEN(?d) AS ?n) }')


def test_timeout_stops_the_query(run, tmp_path):
    path = tmp_path / "slow.rq"
    path.write_text(SLOW, encoding="utf-8")
    started = time.monotonic()
    code, _, err = run("sparql", str(path), "--timeout", "1")
    assert code == 2
    assert "did not finish within 1 s" in err and "--timeout" in err
    assert time.monotonic() - started < 20


def test_memory_ceiling_stops_the_query(run, tmp_path):
    path = tmp_path / "greedy.rq"
    path.write_text(GREEDY, encoding="utf-8")
    code, _, err = run("sparql", str(path), "--memory", "64")
    assert code == 2, err
    assert "memory" in err and "--memory" in err


def test_empty_select_on_stdin_is_one_solution(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "aiworkforce", "sparql", "-"], input=b"SELECT * WHERE { }",
                          capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert b"1 solution" in proc.stdout


def _wait_for_query_child(proc: subprocess.Popen, within: float = 120.0) -> None:
    """Wait until the CLI has forked the child that runs the query (Linux: /proc lists a process's children)."""
    children = f"/proc/{proc.pid}/task/{proc.pid}/children"
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the CLI exited ({proc.returncode}) before it ran the query")
        with open(children, encoding="ascii") as f:
            if f.read().split():
                return
        time.sleep(0.05)
    raise AssertionError(f"no query child within {within:g} s")


def test_ctrl_c_stops_a_running_query(tmp_path):
    path = tmp_path / "slow.rq"
    path.write_text(SLOW, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, "-m", "aiworkforce", "sparql", str(path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    try:
        _wait_for_query_child(proc)  # the graph is loaded (on a cold cache: reasoned) and the query runs
        time.sleep(0.5)
        assert proc.poll() is None
        os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends to the foreground group
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == 130
    err = proc.stderr.read()
    assert b"Traceback" not in err
    assert err.strip() == b"aiworkforce: interrupted"
