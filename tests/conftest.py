"""Shared fixtures: the shipped graph, its closure and its query engines are computed once per test session.

``ROOT`` (the repository) and ``FIXTURES`` (tests/fixtures/) are imported by test modules at any depth:
``from conftest import ROOT``."""

from __future__ import annotations

import gc
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


#: Tests that run a reference engine (pySHACL, owlrl) on whole graphs, a browser, a wheel build, many whole
#: processes or thousands of generated inputs. ``make test`` runs them all; ``make test-fast`` (``-m "not slow"``)
#: leaves them out for everyday work. Node-id prefixes, relative to tests/.
SLOW = (
    "conformance/",
    "server/test_browser.py",
    "query/test_service_fuzz.py",
    "contributions/test_check_properties.py",
    "contributions/test_concurrency.py",
    "contributions/test_merge.py::test_an_interrupted_add_leaves_the_old_or_the_new_module",
    "reasoning/test_pipeline.py",
    "reasoning/test_cache.py::test_concurrent_builders_agree_on_one_entry",
    "reasoning/test_closure.py::test_rules_engine_gives_owlrls_closure_on_the_shipped_graph",
    "validation/test_shacl_compiler.py::test_same_results_as_pyshacl",
    "validation/test_shacl_compiler.py::test_synthetic_graph_same_results_as_pyshacl",
    "test_fuzz_corpus.py",
)


def pytest_configure(config):
    """A test process holds several whole graphs (hundreds of thousands of rdflib objects) for the session; at
    Python's default thresholds the cyclic collector walks them all every few thousand allocations (measured: the
    pySHACL parity tests 91 s -> 76 s with these). Garbage is still collected, in larger batches."""
    gc.set_threshold(50_000, 20, 100)


def pytest_collection_modifyitems(config, items):
    tests = Path(__file__).resolve().parent
    for item in items:
        try:
            module = Path(item.path).resolve().relative_to(tests).as_posix()
        except ValueError:
            continue
        _, _, name = item.nodeid.partition("::")
        if f"{module}::{name}".startswith(SLOW):
            item.add_marker(pytest.mark.slow)
