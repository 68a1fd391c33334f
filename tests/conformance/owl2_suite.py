"""The W3C OWL 2 test cases in RDF/XML (tests/data/conformance/w3c-owl2), compared as its README describes.

A positive-entailment case passes when every conclusion triple is in the closure (blank nodes in the conclusion
match anything; declarations dropped); a negative-entailment case when not all of them are; an inconsistency case
when an inconsistency is reported; a consistency case when none is.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.namespace import OWL, RDF

from aiworkforce.errors import UnsupportedAxiomError
from aiworkforce.reasoning.reference import is_noise

SUITE = Path(__file__).resolve().parents[1] / "data" / "conformance" / "w3c-owl2"
_DECLARATIONS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty, OWL.NamedIndividual,
                 OWL.Ontology, RDF.Property, OWL.Thing}


@dataclass(frozen=True)
class OwlCase:
    id: str
    kind: str
    premise: Graph = field(compare=False, repr=False)
    conclusion: Graph | None = field(compare=False, repr=False)


@dataclass(frozen=True)
class OwlOutcome:
    refused: bool
    closure: frozenset = frozenset()
    inconsistent: bool = False
    message: str = ""

    def passes(self, case: OwlCase) -> bool:
        if self.refused:
            return False
        if case.kind == "INCONSISTENCY":
            return self.inconsistent
        if case.kind == "CONSISTENCY":
            return not self.inconsistent
        entailed = self.inconsistent or entails(self.closure, case.conclusion)
        return entailed if case.kind == "POSITIVE_IMPL" else not entailed


def entails(closure: frozenset, conclusion: Graph) -> bool:
    for s, p, o in conclusion:
        if p == RDF.type and o in _DECLARATIONS:
            continue
        if (p == RDF.type and o == OWL.Ontology) or p == OWL.imports:
            continue
        if is_noise(s, p, o):
            continue  # entailed for every resource (x a owl:Thing, x owl:sameAs x...): the clean closure drops it
        if isinstance(s, BNode) or isinstance(o, BNode):
            if not any((isinstance(s, BNode) or s == cs) and p == cp and (isinstance(o, BNode) or o == co)
                       for cs, cp, co in closure):
                return False
        elif (s, p, o) not in closure:
            return False
    return True


def _parse(path: Path) -> Graph | None:
    logging.getLogger("rdflib").setLevel(logging.ERROR)
    try:
        return Graph().parse(path, format="xml")
    except Exception:  # noqa: BLE001 - a case that does not parse is not counted, as the README says
        return None


def cases() -> list[OwlCase]:
    out = []
    for entry in json.loads((SUITE / "manifest.json").read_text()):
        premise = _parse(SUITE / entry["premise"])
        conclusion = _parse(SUITE / entry["conclusion"]) if entry.get("conclusion") else None
        if premise is None or (entry.get("conclusion") and conclusion is None):
            continue
        out.append(OwlCase(entry["id"], entry["kind"], premise, conclusion))
    return sorted(out, key=lambda c: c.id)


def run(case: OwlCase, reasoner: str) -> OwlOutcome:
    """Reason over the premise with ``reasoner`` as the library does (``aiworkforce.reasoning.closure.reason``)."""
    from aiworkforce.reasoning.closure import reason

    try:
        result = reason(case.premise, reasoner=reasoner)
    except UnsupportedAxiomError as exc:
        return OwlOutcome(refused=True, message=str(exc))
    return OwlOutcome(refused=False, closure=frozenset(result.closure), inconsistent=bool(result.inconsistencies))
