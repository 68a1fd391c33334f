"""Validate contributed role definitions against the core knowledge graph, and merge the valid ones.

:func:`check_contributions` validates a batch of files *together with the core graph*: every reference must
resolve to a core term or to a term defined in the same batch, every SHACL shape must pass, and a contribution
must not duplicate an existing term. It returns a :class:`ContributionReport` whose problems name the file,
line, term and property, say what is wrong and how to fix it. Nothing is written and the core graph is never
modified.

:func:`add_contributions` merges valid contributions into ``ontology/contributions.ttl`` atomically.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS

from aiworkforce.contributions.read import (
    Contribution,
    contribution_files,
    load_contribution,
    node_path,
)
from aiworkforce.errors import UsageError
from aiworkforce.graph import KnowledgeGraph
from aiworkforce.query.resolve import normalise, similarity
from aiworkforce.rdf.prefixes import BASE, PREFIXES
from aiworkforce.rdf.terms import Term
from aiworkforce.validation.registry import SHACL_ENGINES
from aiworkforce.validation.report import Severity
from aiworkforce.validation.validate import validate
from aiworkforce.rdf.labels import label_of

#: Kinds of individual and the class a reference of that kind must have.
_KIND_CLASS = {
    "role": "Role", "layer": "Layer", "skill": "Skill", "concern": "Concern", "sector": "Sector",
    "question": "GuidingQuestion",
}


@dataclass(frozen=True)
class Finding:
    """One problem in a contribution, ready to show to its author."""

    severity: Severity
    file: str
    line: int | None
    term: str
    property: str | None
    message: str
    fix: str | None = None
    rule: str = ""
    value: str | None = None
    nodes: tuple = field(default=(), compare=False, repr=False)  # (focus, path, value, shape) rdflib nodes

    def as_dict(self) -> dict:
        return {
            "severity": self.severity.value.lower(), "file": self.file, "line": self.line, "term": self.term,
            "property": self.property, "message": self.message, "fix": self.fix, "rule": self.rule,
            "value": self.value,
        }


@dataclass(frozen=True)
class ContributionReport:
    files: tuple[str, ...]
    findings: tuple[Finding, ...]
    terms: tuple[str, ...]  # CURIEs of the terms the batch defines
    shacl_graph: Graph = field(repr=False, compare=False, default_factory=Graph)
    #: the contributions exactly as they were parsed and checked: what `add` merges
    contributed: Graph = field(repr=False, compare=False, default_factory=Graph)

    @property
    def conforms(self) -> bool:
        return not any(f.severity is Severity.VIOLATION for f in self.findings)

    def passes(self, *, strict: bool = False) -> bool:
        return not self.findings if strict else self.conforms

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def by_file(self) -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = {name: [] for name in self.files}
        for finding in self.findings:
            grouped.setdefault(finding.file, []).append(finding)
        return grouped


def _curie(node) -> str:
    return Term.iri(str(node)).compact(PREFIXES) if isinstance(node, URIRef) else str(node)


class _Batch:
    def __init__(self, contributions: list[Contribution], core: Graph) -> None:
        self.contributions = contributions
        self.core = core
        self.owner: dict = {}
        for c in contributions:
            for term in c.defined:
                self.owner.setdefault(term, c)
        self.merged = Graph()
        self.merged += core
        for c in contributions:
            self.merged += c.graph
        self.findings: list[Finding] = []

    def where(self, term, predicate=None, obj=None, contribution=None) -> tuple[str, int | None]:
        if contribution is not None:
            return contribution.path.as_posix(), contribution.lines.locate(term, predicate, obj)
        node = term
        while isinstance(node, BNode):  # a blank node is reported on the named subject that holds it
            parents = list(self.merged.subject_predicates(node))
            if not parents:
                break
            node, predicate = parents[0]
            obj = None
        c = self.owner.get(node)
        if c is None:
            return (self.contributions[0].path.as_posix() if self.contributions else "<batch>"), None
        return c.path.as_posix(), c.lines.locate(node, predicate, obj)

    def report(self, severity, term, predicate, message, fix=None, rule="", value=None, obj=None,
               contribution=None, shape=None) -> None:
        file, line = self.where(term, predicate, obj, contribution)
        self.findings.append(Finding(
            severity=severity, file=file, line=line, term=node_path(self.merged, term),
            property=_curie(predicate) if predicate is not None else None, message=message, fix=fix, rule=rule,
            value=None if value is None else (node_path(self.merged, value) if not isinstance(value, Literal)
                                              else str(value)),
            nodes=(term, predicate, value, shape),
        ))


# -- the checks -------------------------------------------------------------------------------------------------


def _labels_of_kind(graph: Graph, kind: str) -> dict[str, URIRef]:
    out = {}
    prefix = f"{BASE}{kind}/"
    for s, label in graph.subject_objects(SKOS.prefLabel):
        if str(s).startswith(prefix):
            out[str(label)] = s
    return out


def _reference_fix(batch: _Batch, ref: URIRef, kind: str) -> str:
    wanted = normalise(str(ref).rsplit("/", 1)[-1].replace("-", " "))
    best: dict[URIRef, float] = {}  # each term once, scored by the closest of its labels (in any language)
    for label, term in _labels_of_kind(batch.merged, kind).items():
        slug = str(term).rsplit("/", 1)[-1].replace("-", " ")
        best[term] = max(best.get(term, 0.0), similarity(wanted, normalise(label)), similarity(wanted, slug))
    shown = {term: label_of(batch.merged, term) or _curie(term) for term in best}  # named in English
    ranked = sorted(best.items(), key=lambda kv: (-kv[1], shown[kv[0]]))
    picks = [(shown[term], term) for term, score in ranked if score >= 0.6][:3]
    if not picks:
        return f"use a {kind} of the knowledge base (`aiworkforce search ...`), or define it in the same batch"
    return "did you mean " + "; ".join(f"{_curie(term)} ({label})" for label, term in picks) + "?"


def _check_blank_nodes(batch: _Batch) -> None:
    """Terms need IRIs: a blank node can be neither referenced nor merged deterministically."""
    for c in batch.contributions:
        blanks = {x for t in c.graph for x in (t[0], t[2]) if isinstance(x, BNode)}
        for node in sorted(blanks, key=str):
            parents = list(c.graph.subject_predicates(node))
            typed = (node, RDF.type, None) in c.graph
            if parents:
                subject, predicate = parents[0]
                batch.report(Severity.VIOLATION, subject, predicate,
                             "a blank node ([ ... ]) is used as a value: contributions use IRIs only",
                             fix="give the value an IRI (e.g. skill:new-skill) and define it as its own term",
                             rule="blank-node", contribution=c)
            elif typed or (node, None, None) in c.graph:
                label = c.graph.value(node, SKOS.prefLabel)
                batch.report(Severity.VIOLATION, node, None,
                             f"a term without an IRI{f' ({label})' if label else ''}: contributions use IRIs only",
                             fix="name it with a slug IRI, e.g. role:my-new-role", rule="blank-node", contribution=c)


def _suggest_any_kind(batch: _Batch, ref: URIRef) -> str:
    """For a bare slug whose kind cannot be known (e.g. in expected_to_understand): the terms of any kind."""
    slug = str(ref).rsplit("/", 1)[-1]
    found = [f"{kind}:{slug}" for kind in ("layer", "skill", "concern", "role", "sector")
             if (URIRef(f"{BASE}{kind}/{slug}"), RDF.type, None) in batch.merged]
    hint = "write references here as CURIEs, e.g. layer:infrastructure or skill:automation"
    return f"did you mean {' or '.join(found)}? ({hint})" if found else hint


def _check_references(batch: _Batch) -> None:
    """Every IRI in our namespace that a contribution points to must be a term of the core or of the batch."""
    typed = set(batch.merged.subjects(RDF.type, None))
    for c in batch.contributions:
        for s, p, o in c.graph:
            if not isinstance(o, URIRef) or not str(o).startswith(BASE) or p == RDF.type:
                continue
            if o in typed:
                continue
            kind = str(o)[len(BASE):].split("/", 1)[0]
            if kind in ("scheme", "source") and (o, None, None) in batch.core:
                continue
            what = kind if kind in _KIND_CLASS or kind == "source" else "term"
            if kind in _KIND_CLASS:
                fix = _reference_fix(batch, o, kind)
            elif kind == "source":
                fix = "use a section of ontology/sources.ttl, e.g. src:engineering-layer"
            else:
                fix = _suggest_any_kind(batch, o)
            batch.report(
                Severity.VIOLATION, s, p,
                f"unknown {what if what != 'source' else 'article section'} {_curie(o)}: "
                f"it is neither in the knowledge base nor defined in this batch",
                fix=fix, rule="reference", value=o, obj=o,
            )


def _check_subjects(batch: _Batch) -> None:
    """Terms must be new, in the project namespace, and say what they are."""
    for c in batch.contributions:
        for term in sorted(c.defined, key=str):
            if (term, RDF.type, None) in batch.core and str(term).startswith(BASE):
                batch.report(Severity.VIOLATION, term, None,
                             f"{_curie(term)} already exists in the knowledge base",
                             fix="choose a new slug, or edit the existing definition in ontology/ instead",
                             rule="duplicate-iri")
            elif batch.owner.get(term) is not c and str(term).startswith(BASE):
                batch.report(Severity.VIOLATION, term, None,
                             f"{_curie(term)} is already defined in {batch.owner[term].path.as_posix()}",
                             fix="define each term in one file only", rule="duplicate-iri", contribution=c)
            if not str(term).startswith(BASE):
                reference = any(str(term).startswith(ns) for ns in (PREFIXES["isco"], PREFIXES["esco"], PREFIXES["onet"]))
                if not reference:
                    batch.report(Severity.VIOLATION, term, None,
                                 f"{term} is outside the project namespace {BASE}: a contribution may only define "
                                 "project terms and describe the ISCO, ESCO or O*NET occupations it aligns to",
                                 fix=f"name it {BASE}role/<slug> (or skill/, concern/)", rule="namespace",
                                 contribution=c)
                continue
            if (term, RDF.type, None) not in batch.merged:
                batch.report(Severity.VIOLATION, term, RDF.type,
                             f"{_curie(term)} does not say what it is",
                             fix="add `a aiw:Role` (or aiw:Skill, aiw:Concern, ...)", rule="untyped")


def _check_duplicate_labels(batch: _Batch) -> None:
    """A new term must not repeat, or nearly repeat, the title of an existing one."""
    existing: dict[str, URIRef] = {}
    for prop in (SKOS.prefLabel, SKOS.altLabel):
        for s, label in batch.core.subject_objects(prop):
            if str(s).startswith(BASE):
                existing.setdefault(normalise(str(label)), s)
    seen: dict[str, URIRef] = {}
    for c in batch.contributions:
        for s, label in c.graph.subject_objects(SKOS.prefLabel):
            if not str(s).startswith(BASE) or (s, RDF.type, None) in batch.core:
                continue
            norm = normalise(str(label))
            twin = existing.get(norm)
            if twin is not None and twin != s:
                batch.report(Severity.VIOLATION, s, SKOS.prefLabel,
                             f"the title \"{label}\" is already used by {_curie(twin)} "
                             f"({label_of(batch.core, twin)})",
                             fix="if it is the same role, extend the existing one; otherwise choose a distinct title",
                             rule="duplicate-label", value=label, obj=label)
                continue
            close = difflib.get_close_matches(norm, list(existing), n=1, cutoff=0.92)
            if close and existing[close[0]] != s:
                twin = existing[close[0]]
                batch.report(Severity.WARNING, s, SKOS.prefLabel,
                             f"the title \"{label}\" is nearly the same as that of {_curie(twin)} "
                             f"({label_of(batch.core, twin)})",
                             fix="make sure this is a different role; if not, extend the existing one",
                             rule="near-duplicate-label", value=label, obj=label)
            other = seen.get(norm)
            if other is not None and other != s:
                batch.report(Severity.VIOLATION, s, SKOS.prefLabel,
                             f"the title \"{label}\" is also given to {_curie(other)} in this batch",
                             fix="give each term its own title", rule="duplicate-label", value=label, obj=label)
            seen.setdefault(norm, s)


def _check_shapes(batch: _Batch, shapes: Graph | None, engine: str = "sparql") -> Graph:
    """Run every shape over the core joined with the batch, and keep the results about the batch's terms.

    The whole graph is validated: pySHACL's focus-node mode counts value nodes outside the focus as conforming,
    which silences qualified-count shapes (e.g. "exactly one skill kind"). The default engine is the SHACL
    compiled to SPARQL (:mod:`aiworkforce.validation.shacl`), which reports what pySHACL reports, much faster.
    """
    ours = {t for c in batch.contributions for t in c.defined if _plain_iri(t)}
    if not ours:
        return Graph()
    data = batch.merged
    odd = {t for c in batch.contributions for t in c.defined if not _plain_iri(t)}
    if odd:  # reported by the namespace check; the SHACL engines expect http(s) IRIs
        data = Graph()
        for triple in batch.merged:
            if triple[0] not in odd and triple[2] not in odd:
                data.add(triple)
    report = validate(data, shapes=shapes, engine=engine)
    report_graph = report.report_graph
    for problem in report.problems:
        if problem.focus not in ours:
            continue
        predicate = problem.path if isinstance(problem.path, URIRef) else _pick_path(batch, problem)
        batch.report(problem.severity, problem.focus, predicate, problem.message, rule=_curie(problem.shape),
                     value=problem.value, obj=problem.value, shape=problem.shape)
    return report_graph


def _plain_iri(term) -> bool:
    """An IRI pySHACL can handle (it fails on schemes such as mailto: or tag:, which the namespace check reports)."""
    return isinstance(term, URIRef) and str(term).startswith(("http://", "https://"))


def _pick_path(batch: _Batch, problem):
    """For a complex path such as (skos:scopeNote|skos:example), the alternative holding the offending value.

    Count constraints (a value missing, too few or too many) have no value: they point at the term itself."""
    if problem.value is None:
        return None
    text = str(problem.path or "")
    for curie in re.findall(r"[A-Za-z][\w-]*:[A-Za-z][\w-]*", text):
        prefix, local = curie.split(":", 1)
        if prefix not in PREFIXES:
            continue
        predicate = URIRef(PREFIXES[prefix] + local)
        if (problem.focus, predicate, problem.value) in batch.merged:
            return predicate
    return None


def check_contributions(paths: list[str | Path], core: Graph | KnowledgeGraph, *, shapes: Graph | None = None,
                        engine: str = SHACL_ENGINES.default) -> ContributionReport:
    """Validate contribution files (or folders of them) together with ``core``, the knowledge graph they join
    (an rdflib graph, or a :class:`~aiworkforce.graph.KnowledgeGraph` whose asserted graph is parsed only once
    every file has been read, so a malformed file fails fast).

    ``shapes`` (``None``: the packaged shapes) are run by the SHACL engine ``engine``. Unreadable files raise
    :class:`aiworkforce.errors.InputError`; everything else is a finding. The report carries the parsed
    contributions (``contributed``), so that merging uses the very graph that was checked.
    """
    files = contribution_files(paths)
    if not files:
        raise UsageError("no contribution files given", hint="aiworkforce validate FILE|DIR...")
    contributions = [load_contribution(p) for p in files]
    batch = _Batch(contributions, core.asserted if isinstance(core, KnowledgeGraph) else core)
    _check_subjects(batch)
    _check_blank_nodes(batch)
    _check_references(batch)
    _check_duplicate_labels(batch)
    report_graph = _check_shapes(batch, shapes, engine)
    findings = _dedupe(batch.findings)
    order = list(Severity)
    findings.sort(key=lambda f: (f.file, f.line or 0, order.index(f.severity), f.term, f.property or "", f.message))
    terms = sorted({_curie(t) for c in contributions for t in c.defined if str(t).startswith(BASE)})
    contributed = Graph()
    for c in contributions:
        contributed += c.graph
    return ContributionReport(tuple(p.as_posix() for p in files), tuple(findings), tuple(terms), report_graph,
                              contributed)


def _dedupe(findings: list[Finding]) -> list[Finding]:
    """Drop repeats, and a shape's complaint about a reference the reference check already explains."""
    explained = {(f.term, f.property, f.value) for f in findings if f.rule == "reference"}
    titled = {f.term for f in findings if f.rule == "duplicate-label"}
    seen, out = set(), []
    for f in findings:
        key = (f.file, f.line, f.term, f.property, f.message)
        if key in seen or (f.rule != "reference" and (f.term, f.property, f.value) in explained):
            continue
        if f.rule == "aiws:UniquePrefLabelShape" and f.term in titled:  # said already, in plainer words
            continue
        seen.add(key)
        out.append(f)
    return out
