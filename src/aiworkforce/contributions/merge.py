"""Merge validated contributions into the knowledge base, atomically and deterministically.

Contributed terms go to one module, ``ontology/contributions.ttl``, written by the deterministic writer: the
same content always gives the same text, so a diff shows only the new terms. The module is replaced by an
atomic rename, so an interrupted merge leaves the knowledge base either fully old or fully new. Afterwards
the cached reasoned graph is rebuilt, so ``query`` and ``describe`` see the new terms at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from collections.abc import Callable, Sequence
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from aiworkforce.contributions.check import ContributionReport, check_contributions
from aiworkforce.errors import ContributionRejected, UsageError
from aiworkforce.graph import KnowledgeGraph
from aiworkforce.rdf.files import folder_lock, write_atomic, write_atomic_bytes
from aiworkforce.rdf.load import load_core, parse_file, parse_files
from aiworkforce.rdf.prefixes import BASE
from aiworkforce.rdf.resources import data_dir
from aiworkforce.rdf.ttlwriter import write_module

MODULE = "contributions.ttl"
HEADER = """Contributed terms (ABox): roles, skills and concerns added with `aiworkforce add`.
This module is written by the deterministic writer (sorted, stable formatting): edit the contribution and
re-run `aiworkforce add` rather than editing it by hand."""


@dataclass(frozen=True)
class MergeResult:
    module: Path
    terms: tuple[str, ...]
    triples_added: int
    report: ContributionReport


def _sections(graph: Graph) -> list[tuple[str, list[URIRef]]]:
    out: list[tuple[str, list[URIRef]]] = []
    for title, kind in (("Roles", "role"), ("Skills", "skill"), ("Concerns", "concern")):
        out.append((title, [s for s in set(graph.subjects()) if str(s).startswith(f"{BASE}{kind}/")]))
    refs = [s for s in set(graph.subjects(RDF.type, None)) if not str(s).startswith(BASE)]
    out.append(("Reference occupations", refs))
    return out


def render_module(graph: Graph) -> str:
    return write_module(graph, header=HEADER, sections=_sections(graph))


def replace_module(module: Path, text: str | None, *, then: Callable[[], None]) -> None:
    """Write the contributions ``module`` (``text``; None removes it), then ``then()`` (the cached graph's update).
    If that fails (a ``--data`` file that cannot be read, or no longer reasons), the module is put back as it was,
    so a command that fails leaves the knowledge base unchanged."""
    original = module.read_bytes() if module.exists() else None
    if text is None:
        module.unlink(missing_ok=True)
    else:
        write_atomic(module, text)
    try:
        then()
    except BaseException:
        if original is None:
            module.unlink(missing_ok=True)
        else:
            write_atomic_bytes(module, original)
        raise


def add_contributions(paths: list[str | Path], *, into: Path | None = None,
                      data: Sequence[str | Path] = ()) -> MergeResult:
    """Validate ``paths`` against the knowledge base in ``into`` (default: the packaged ontology folder) and, if
    they conform, merge the checked graphs into its contributions module, atomically.

    When the packaged knowledge base changed, its closure is rebuilt at once, so the next query is fast and
    sees the new terms. With ``data`` (files the knowledge base is joined with, as ``--data``), the cached
    reasoned store of that join is updated instead, incrementally from the previous one when it is cached; the
    closure of the knowledge base alone is then rebuilt by the first command that needs it.
    """
    shipped = data_dir("ontology")
    folder = Path(into) if into is not None else shipped
    modules = sorted(folder.glob("*.ttl"))
    if not modules:
        raise UsageError(f"{folder} holds no knowledge-base modules (*.ttl)", hint="point --into at an ontology folder")
    if data and folder.resolve() != shipped.resolve():
        raise UsageError("--data updates the cached graph of the knowledge base the commands read, not of --into",
                         hint="drop --data, or point AIWORKFORCE_ONTOLOGY_DIR at the folder instead of --into")
    # One `add` at a time per folder: the next one waits, then checks against what the first merged, so two
    # concurrent runs both merge (or the second is refused with its findings), and neither is lost.
    with folder_lock(folder):
        core = load_core() if folder.resolve() == shipped.resolve() else parse_files(sorted(folder.glob("*.ttl")))
        report = check_contributions(paths, core)
        if not report.conforms:
            raise ContributionRejected(report)
        module = folder / MODULE
        merged = parse_file(module) if module.exists() else Graph()
        before = len(merged)
        joined = KnowledgeGraph(data) if data and folder.resolve() == shipped.resolve() else None
        previous = joined.cached() if joined else None  # keyed by the knowledge base before the merge
        new = [t for t in report.contributed if t not in merged]
        merged += report.contributed

        def refresh() -> None:
            if joined:  # the graph this user queries: its store is updated now; the shipped graph's on first use
                KnowledgeGraph(data).update(previous, added=new)
            elif folder.resolve() == shipped.resolve():
                KnowledgeGraph().closure()

        replace_module(module, render_module(merged), then=refresh)
    return MergeResult(module, report.terms, len(merged) - before, report)
