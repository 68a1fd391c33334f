"""Everything the project checks about a knowledge graph, in one report.

:func:`audit` runs the SHACL shapes, the SPARQL quality checks, the OWL 2 RL profile check and an OWL-RL
consistency check. The ``validate`` command renders its result.
"""

from __future__ import annotations

from dataclasses import dataclass

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


def audit(graph: Graph | None = None) -> AuditReport:
    """Check ``graph`` (default: the shipped knowledge graph) in every way the project knows."""
    from .load import load_core
    from .reason import reason

    graph = load_core() if graph is None else graph
    return AuditReport(
        shacl=validate(graph),
        checks=tuple(run_checks(graph)),
        profile=tuple(check_rl_profile(graph)),
        inconsistencies=reason(graph).inconsistencies,
    )
