"""Helpers shared by the tests that compare query results across engines, stores and processes."""

from __future__ import annotations

import contextlib
import fcntl
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

_GROUP_CONCAT = re.compile(r"GROUP_CONCAT\s*\([^)]*\)\s+AS\s+\?(\w+)", re.IGNORECASE)


def list_columns(query) -> set[str]:
    """Columns a stored query fills with GROUP_CONCAT: "; "-joined lists whose order no engine guarantees."""
    return set(_GROUP_CONCAT.findall(query.text))


def split(cell) -> list[str]:
    return [] if cell is None or cell.value == "" else cell.value.split("; ")


def normalised(result, lists: set[str]) -> Counter:
    """The rows as a multiset; cells compared by Term.key(), list cells as sorted lists of their items."""
    rows = []
    for row in result.rows:
        cells = []
        for var, cell in zip(result.variables, row):
            if var in lists:
                cells.append(("list", tuple(sorted(split(cell)))))
            else:
                cells.append(None if cell is None else cell.key())
        rows.append(tuple(cells))
    return Counter(rows)


_TRANSLATED: dict = {}  # SPARQL text, base and namespaces -> rdflib's translated query, for this process


@contextlib.contextmanager
def reused_sparql_translations():
    """rdflib translates each SPARQL text once inside this block, as ``prepareQuery`` users do.

    pySHACL hands rdflib the same constraint queries as text on every run, and rdflib parses each anew: half of a
    reference run on a small graph goes to pyparsing. A translated query is reusable (``evalQuery`` only reads it),
    so the reference answers are unchanged; the namespaces and base are part of the key."""
    from rdflib.plugins.sparql import processor
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    original = processor.SPARQLProcessor.query
    translated = _TRANSLATED

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803 - rdflib's
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((k, str(v)) for k, v in (initNs or {}).items())))
            if key not in translated:
                translated[key] = translateQuery(parseQuery(strOrQuery), base, initNs)
            strOrQuery = translated[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    try:
        yield
    finally:
        processor.SPARQLProcessor.query = original


GRLC_VENV = Path(__file__).resolve().parents[1] / ".venv" / "grlc"


def grlc_venv() -> Path:
    """The Python of a virtual environment holding grlc (https://github.com/CLARIAH/grlc), made on first use under
    .venv/grlc (not committed; a fresh machine only needs PyPI): grlc pins old versions of Flask, rdflib and more,
    so it cannot share the project's environment and runs in a subprocess."""
    python = GRLC_VENV / "bin" / "python"
    GRLC_VENV.parent.mkdir(exist_ok=True)
    with open(GRLC_VENV.parent / ".grlc.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # one test worker builds it; the others wait
        done = GRLC_VENV / ".installed"  # written last: a half-made venv is made again
        if not (python.exists() and done.exists()):
            subprocess.run([sys.executable, "-m", "venv", "--clear", str(GRLC_VENV)], check=True)
            subprocess.run([str(python), "-m", "pip", "install", "--quiet", "grlc"], check=True, timeout=900)
            done.touch()
    return python


# -- servers the tests start (tests/query/test_remote.py: Oxigraph, tests/query/test_virtuoso.py: Virtuoso) ---------


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now (another process may take it before it is used)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answers(url: str, process: subprocess.Popen, seconds: float = 15.0) -> bool:
    """Whether ``url`` answers HTTP 200 within ``seconds``, while ``process`` (the server) runs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    return False


def stop(process: subprocess.Popen) -> None:
    """Stop a server the tests started: SIGTERM, then SIGKILL after 5 s."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)
