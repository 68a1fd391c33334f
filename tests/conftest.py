"""Shared fixtures: the shipped graph, its closure and its query engines are computed once per test session.

``ROOT`` (the repository) and ``FIXTURES`` (tests/fixtures/) are imported by test modules at any depth:
``from conftest import ROOT``."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def core() -> Graph:
    from aiworkforce.rdf.load import load_core

    return load_core()


@pytest.fixture(scope="session")
def reasoned(core):
    from aiworkforce.reasoning.closure import reason

    return reason(core)


@pytest.fixture(scope="session")
def kg():
    """The shipped knowledge graph as the library sees it: its closure is found in (or built into) the cache and
    each query engine is opened once per session, then shared by every test that queries it."""
    from aiworkforce.graph import KnowledgeGraph

    return KnowledgeGraph()


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
    import aiworkforce.rdf.load

    def load_core():
        graph = Graph()
        graph += core
        for prefix, namespace in core.namespaces():
            graph.bind(prefix, namespace)
        return graph

    monkeypatch.setattr(aiworkforce.rdf.load, "load_core", load_core)
