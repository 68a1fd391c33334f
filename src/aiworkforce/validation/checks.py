"""Quality checks: stored SPARQL SELECT queries (``checks/*.rq``) that must return no rows.

Each file starts with ``#+ summary:`` and ``#+ description:`` comment lines, which say what a hit means and how
to fix it. :func:`run_checks` returns one :class:`CheckResult` per file, with the offending rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from aiworkforce.errors import DataError
from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.resources import data_files
from aiworkforce.rdf.terms import rows_from_oxigraph

_HEADER = re.compile(r"^#\+\s*(\w+)\s*:\s*(.*)$")


@dataclass(frozen=True)
class Check:
    name: str
    summary: str
    description: str
    text: str
    path: Path


@dataclass(frozen=True)
class CheckResult:
    check: Check
    variables: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    @property
    def passed(self) -> bool:
        return not self.rows


def header(text: str) -> dict[str, str]:
    """The ``#+ key: value`` lines at the top of a stored query."""
    meta: dict[str, str] = {}
    for line in text.splitlines():
        match = _HEADER.match(line.strip())
        if match:
            key, value = match.groups()
            meta[key] = f"{meta[key]} {value}".strip() if key in meta else value.strip()
        elif line.strip() and not line.lstrip().startswith("#"):
            break
    return meta


def load_checks() -> list[Check]:
    checks = []
    for path in data_files("checks"):
        text = path.read_text(encoding="utf-8")
        meta = header(text)
        if "summary" not in meta:
            raise DataError(f"{path.name}: quality check has no '#+ summary:' header")
        checks.append(Check(path.stem, meta["summary"], meta.get("description", ""), text, path))
    return checks


def _store(graph: Graph):
    """The graph copied into pyoxigraph, which runs the checks about a hundred times faster than rdflib."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def run_check(check: Check, graph: Graph | None, *, store=None) -> CheckResult:
    """Run one check over ``graph``; its rows are the offending terms (CURIEs) and explanations."""
    store = _store(graph) if store is None else store
    variables, terms = rows_from_oxigraph(store.query(check.text))
    rows = (tuple("" if term is None else term.compact(PREFIXES) for term in row) for row in terms)
    return CheckResult(check, variables, tuple(sorted(rows)))


def run_checks(graph: Graph) -> list[CheckResult]:
    """Run every quality check over ``graph``."""
    store = _store(graph)
    return [run_check(check, graph, store=store) for check in load_checks()]

