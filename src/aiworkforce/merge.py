"""Merge validated contributions into the knowledge base, atomically and deterministically.

Contributed terms go to one module, ``ontology/contributions.ttl``, written by the deterministic writer: the
same content always gives the same text, so a diff shows only the new terms. The module is replaced by an
atomic rename, so an interrupted merge leaves the knowledge base either fully old or fully new. Afterwards
the cached reasoned graph is rebuilt, so ``query`` and ``describe`` see the new terms at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from .contribute import ContributionReport, check_contributions, contribution_graph
from .errors import AiworkforceError
from .prefixes import BASE

MODULE = "contributions.ttl"
HEADER = """Contributed terms (ABox): roles, skills and concerns added with `aiworkforce add`.
This module is written by the deterministic writer (sorted, stable formatting): edit the contribution and
re-run `aiworkforce add` rather than editing it by hand."""


class ContributionRejected(AiworkforceError):
    """The contributions have violations, so nothing was merged."""

    exit_code = 1

    def __init__(self, report: ContributionReport) -> None:
        super().__init__("the contributions have violations; nothing was merged",
                         hint="fix the problems listed above, then run `aiworkforce add` again")
        self.report = report


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
    from .ttlwriter import write_module

    return write_module(graph, header=HEADER, sections=_sections(graph))


def add_contributions(paths: list[str | Path], *, into: Path | None = None) -> MergeResult:
    """Validate ``paths`` against the core graph and, if they conform, merge them into the knowledge base."""
    from .cache import cached_closure
    from .engines import reset_engines
    from .export import write_atomic
    from .load import parse_file
    from .resources import data_dir

    folder = Path(into) if into is not None else data_dir("ontology")
    core = None
    if into is not None:  # validate against the knowledge base being merged into
        from .load import parse_files

        modules = sorted(folder.glob("*.ttl"))
        if not modules:
            from .errors import UsageError

            raise UsageError(f"{folder} holds no knowledge-base modules (*.ttl)", hint="point --into at an ontology folder")
        core = parse_files(modules)
    report = check_contributions(paths, core=core)
    if not report.conforms:
        raise ContributionRejected(report)
    module = folder / MODULE
    merged = parse_file(module) if module.exists() else Graph()
    before = len(merged)
    merged += contribution_graph(paths)
    write_atomic(module, render_module(merged))
    reset_engines()
    if into is None or folder.resolve() == data_dir("ontology").resolve():
        cached_closure()  # rebuild now, so the next query is fast and sees the new terms
    return MergeResult(module, report.terms, len(merged) - before, report)
