"""Shared fixtures: the shipped graph and its closure are computed once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def core() -> Graph:
    from aiworkforce.load import load_core

    return load_core()


@pytest.fixture(scope="session")
def reasoned(core):
    from aiworkforce.reason import reason

    return reason(core)


@pytest.fixture
def run(capsys):
    """Run the CLI in-process through its entry point: (exit code, stdout, stderr); never a traceback."""
    from aiworkforce.cli import main

    def _run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        captured = capsys.readouterr()
        assert "Traceback" not in captured.err, captured.err
        return code, captured.out, captured.err

    return _run


@pytest.fixture
def shared_core(core, monkeypatch):
    """Commands run in-process get a copy of the session's core graph instead of parsing ontology/ again."""
    import aiworkforce.load

    def load_core():
        graph = Graph()
        graph += core
        for prefix, namespace in core.namespaces():
            graph.bind(prefix, namespace)
        return graph

    monkeypatch.setattr(aiworkforce.load, "load_core", load_core)
