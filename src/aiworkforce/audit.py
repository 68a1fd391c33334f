"""Everything the project checks about a knowledge graph, in one report.

:func:`audit` runs the SHACL shapes, the SPARQL quality checks, the OWL 2 RL profile check and an OWL-RL
consistency check. The ``validate`` command renders its result.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph

from .checks import CheckResult, run_checks
from .profile import ProfileIssue, check_rl_profile
from .validate import Severity, ValidationReport, validate


@dataclass(frozen=True)
class AuditReport:
    shacl: ValidationReport
    checks: tuple[CheckResult, ...]
    profile: tuple[ProfileIssue, ...]
    inconsistencies: tuple[str, ...]
    graph: Graph = field(repr=False, compare=False, default_factory=Graph)  # the graph that was checked

    @property
    def failed_checks(self) -> tuple[CheckResult, ...]:
        return tuple(c for c in self.checks if not c.passed)

    def passes(self, *, strict: bool = False) -> bool:
        """True when nothing is wrong; warnings fail only with ``strict``."""
        return (
            self.shacl.passes(strict=strict)
            and not self.failed_checks
            and not self.profile
            and not self.inconsistencies
        )

    @property
    def violations(self) -> int:
        return (self.shacl.count(Severity.VIOLATION) + len(self.failed_checks) + len(self.profile)
                + len(self.inconsistencies))

    @property
    def warnings(self) -> int:
        return self.shacl.count(Severity.WARNING)


def audit(graph: Graph | None = None, *, engine: str = "sparql") -> AuditReport:
    """Check ``graph`` (default: the shipped knowledge graph) in every way the project knows.

    For the shipped graph the consistency check reuses the cached closure (see :mod:`aiworkforce.cache`).
    """
    from .load import load_core

    shipped = graph is None
    graph = load_core() if graph is None else graph
    return AuditReport(
        shacl=validate(graph, engine=engine),
        checks=tuple(run_checks(graph)),
        profile=tuple(check_rl_profile(graph)),
        inconsistencies=_shipped_inconsistencies() if shipped else _inconsistencies(graph),
        graph=graph,
    )


def _inconsistencies(graph: Graph) -> tuple[str, ...]:
    from .reason import reason

    return reason(graph).inconsistencies


def _shipped_inconsistencies() -> tuple[str, ...]:
    """The shipped graph's closure is cached, and only built when consistent: reuse it instead of reasoning."""
    from .cache import cached_closure
    from .reason import InconsistencyError

    try:
        cached_closure()
    except InconsistencyError as exc:
        return (exc.message,)
    return ()


def audit_data(data, *, progress=None) -> AuditReport:
    """Audit the shipped graph joined with RDF files, entirely in pyoxigraph (scales to millions of triples).

    SHACL runs as compiled SPARQL on the asserted triples, the quality checks on the same store, the OWL 2 RL
    profile on the ontology, and the consistency check is the compiled rules' (they run last, in place).
    """
    from .checks import load_checks, run_check
    from .load import load_core
    from .pipeline import load_store, reason_store
    from .shaclsparql import validate_fast

    kwargs = {"progress": progress} if progress else {}
    store = load_store(data, **kwargs)
    if progress:
        progress("validate", 0, 2)
    shacl = validate_fast(store=store)
    checks = tuple(run_check(check, None, store=store) for check in load_checks())
    if progress:
        progress("validate", 2, 2)
    profile = tuple(check_rl_profile(load_core()))
    inconsistencies = reason_store(store, **kwargs).inconsistencies
    return AuditReport(shacl=shacl, checks=checks, profile=profile, inconsistencies=inconsistencies)
