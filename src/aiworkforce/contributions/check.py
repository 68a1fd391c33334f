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
from urllib.parse import quote, unquote

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF, SH, SKOS

from aiworkforce.contributions.read import (
    Contribution,
    contribution_files,
    load_contribution,
    node_path,
)
from aiworkforce.contributions.yamlformat import yaml_format
from aiworkforce.errors import AmbiguousTermError, UsageError
from aiworkforce.graph import KnowledgeGraph
from aiworkforce.query.engines import RdflibEngine
from aiworkforce.query.resolve import did_you_mean, normalise, resolve
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
    #: in a YAML file, the key the property is written under (``layers`` for aiw:inLayer)
    key: str | None = None

    def as_dict(self) -> dict:
        return {
            "severity": self.severity.value.lower(), "file": self.file, "line": self.line, "term": self.term,
            "property": self.property, "key": self.key, "message": self.message, "fix": self.fix,
            "rule": self.rule, "value": self.value,
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
        # The core joined with the batch, as a view: copying the core's triples cost more than all the checks.
        self.batch = Graph()
        for c in contributions:
            self.batch += c.graph
        self.merged = ReadOnlyGraphAggregate([core, self.batch])
        self.findings: list[Finding] = []
        self.explained: set = set()  # reference triples already reported (ambiguous ones)
        self._engine = None

    def engine(self):
        """A query engine over the core joined with the batch, for the reference resolver (made on first use)."""
        if self._engine is None:
            self._engine = RdflibEngine.over(self.merged)
        return self._engine

    def places(self, term, predicate=None, obj=None, contribution=None) -> list[tuple[Contribution | None, int | None]]:
        """Where a finding belongs: the file (and line) stating the offending triple.

        When several files of a batch describe the same term, a finding about one statement goes to every file
        that makes it (else to the file stating the property, else to the term's first definition), never to a
        file that merely shares the subject."""
        if contribution is not None:
            return [(contribution, contribution.lines.locate(term, predicate, obj))]
        node = term
        while isinstance(node, BNode):  # a blank node is reported on the named subject that holds it
            parents = list(self.merged.subject_predicates(node))
            if not parents:
                break
            node, predicate = parents[0]
            obj = None
        stating = self.stating(node, predicate, obj)
        if not stating:
            return [(self.contributions[0] if self.contributions else None, None)]
        return [(c, c.lines.locate(node, predicate, obj)) for c in stating]

    def stating(self, node, predicate=None, obj=None) -> list[Contribution]:
        """The contributions stating ``(node, predicate, obj)``, else ``(node, predicate, *)``, else defining
        ``node`` first."""
        if predicate is not None:
            patterns = ((node, predicate, obj), (node, predicate, None)) if obj is not None else ((node, predicate, None),)
            for pattern in patterns:
                found = [c for c in self.contributions if pattern in c.graph]
                if found:
                    return found
        owner = self.owner.get(node)
        return [owner] if owner is not None else []

    def report(self, severity, term, predicate, message, fix=None, rule="", value=None, obj=None,
               contribution=None, shape=None, component=None) -> None:
        prop = _curie(predicate) if predicate is not None else None
        fix = fix or _language_fix(value, component) or _english_fix_of(self.merged, term, predicate, value, component)
        for c, line in self.places(term, predicate, obj, contribution):
            key = yaml_format().key(predicate) if c is not None and c.format == "yaml" else None
            said, advice = message, fix
            if key is not None:  # a YAML author wrote `layers:`, not aiw:inLayer
                said = message.replace(prop, f"`{key}:`") if prop else message
                advice = fix or _key_fix(key, node_path(self.merged, term), value, component)
            self.findings.append(Finding(
                severity=severity, file=c.path.as_posix() if c is not None else "<batch>", line=line,
                term=node_path(self.merged, term), property=prop, message=said, fix=advice,
                rule=rule, value=None if value is None else (node_path(self.merged, value)
                                                             if not isinstance(value, Literal) else str(value)),
                nodes=(term, predicate, value, shape), key=key,
            ))


def _english_fix_of(graph, term, predicate, value, component) -> str | None:
    """For a text the shapes require in English (a qualified minimum of @en values) that has only other
    languages: what was found, and the English form to write."""
    if value is not None or predicate is None or component != SH.QualifiedMinCountConstraintComponent:
        return None
    texts = sorted((o for o in graph.objects(term, predicate) if isinstance(o, Literal)), key=str)
    if not texts or any(t.language == "en" for t in texts):
        return None
    return _language_fix(texts[0], SH.LanguageInConstraintComponent)


def _key_fix(key: str, term: str, value, component) -> str:
    """What a YAML author does about a finding on ``key``: add it, drop extra values, or change the value."""
    if component in (SH.MaxCountConstraintComponent, SH.QualifiedMaxCountConstraintComponent):
        return f"keep fewer values under `{key}:` of the entry {term}"
    if value is None and component in (SH.MinCountConstraintComponent, SH.QualifiedMinCountConstraintComponent):
        return f"add `{key}:` to the entry {term}"
    return f"change the value under `{key}:`" if value is not None else f"check `{key}:` of the entry {term}"


def _language_fix(value, component) -> str | None:
    """For a literal refused for its language tag or datatype: what was found, and the English form to write."""
    if not isinstance(value, Literal) or value.language == "en" or component not in _LANGUAGE_COMPONENTS:
        return None
    text = str(value)
    shown = text if len(text) <= 40 else text[:37] + "..."
    if value.language:
        found = f'"{shown}"@{value.language} (language tag @{value.language})'
    elif value.datatype is not None:
        found = f'"{shown}"^^{_curie(value.datatype)} (a typed value, no language tag)'
    else:
        found = f'"{shown}" with no language tag'
    return f'found {found}: write the text in English and tag it @en, e.g. "{shown}"@en'


_LANGUAGE_COMPONENTS = {SH.LanguageInConstraintComponent, SH.DatatypeConstraintComponent}


# -- the checks -------------------------------------------------------------------------------------------------


def _reference_fix(batch: _Batch, ref: URIRef, kind: str | None, written: str | None = None) -> str:
    """The query parameters' "did you mean" (:func:`aiworkforce.query.resolve.resolve`) for a reference that
    names no term: the closest labels and slugs among the terms of ``kind`` (any project term when None)."""
    text = written or unquote(str(ref).rsplit("/", 1)[-1])
    try:  # the text may name a term by another of its names (concern:hallucination, an alternative label)
        term = resolve(text, engine=batch.engine(), within=f"{BASE}{kind}/" if kind else BASE, what=kind or "term")
        return did_you_mean(term, engine=batch.engine())
    except UsageError as exc:
        if exc.hint and exc.hint.startswith("did you mean"):
            return exc.hint
    return (f"use a {kind or 'term'} of the knowledge base (`aiworkforce search ...`), or define it in the same "
            "batch")


def _is_iri_like(text: str) -> bool:
    return bool(re.match(r"^(https?|urn):", text)) or text.partition(":")[0] in PREFIXES


def _resolve_written(batch: _Batch) -> None:
    """Read YAML references the way ``query -p`` reads parameters: a title, alternative title, slug (any case),
    CURIE or IRI. A reference whose slug IRI names no term is resolved among the terms of its kind (the core and
    the batch); one that fits several terms is an error naming them; one that fits none is left to
    :func:`_check_references`, which suggests the closest."""
    typed = set(batch.merged.subjects(RDF.type, None))
    for c in batch.contributions:
        for triple, (text, namespace) in list(c.lines.written.items()):
            s, p, o = triple
            if o in typed or triple not in c.graph:
                continue
            kind = namespace.rstrip("/").rsplit("/", 1)[-1] if namespace else None
            try:
                term = resolve(text, engine=batch.engine(), within=namespace or BASE, what=kind or "term")
            except AmbiguousTermError as exc:
                batch.report(Severity.VIOLATION, s, p, exc.message, fix=exc.hint, rule="reference", value=o, obj=o,
                             contribution=c)
                batch.explained.add(triple)
                continue
            except UsageError:
                continue
            line = c.lines.locate(s, p, o)
            resolved = (s, p, URIRef(term.value))
            c.graph.remove(triple)
            c.graph.add(resolved)
            if not any(triple in other.graph for other in batch.contributions):
                batch.batch.remove(triple)
            batch.batch.add(resolved)
            c.lines.add(resolved, line)
            c.lines.written[resolved] = (text, namespace)


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


def _check_references(batch: _Batch) -> None:
    """Every IRI in our namespace that a contribution points to must be a term of the core or of the batch."""
    typed = set(batch.merged.subjects(RDF.type, None))
    for c in batch.contributions:
        for s, p, o in c.graph:
            if not isinstance(o, URIRef) or not str(o).startswith(BASE) or p == RDF.type:
                continue
            if o in typed or (s, p, o) in batch.explained:
                continue
            kind = str(o)[len(BASE):].split("/", 1)[0]
            if kind in ("scheme", "source") and (o, None, None) in batch.core:
                continue
            what = kind if kind in _KIND_CLASS or kind == "source" else "term"
            written = c.lines.written.get((s, p, o), (None, None))[0]
            if kind == "source":
                fix = "use a section of ontology/sources.ttl, e.g. src:engineering-layer"
            else:
                fix = _reference_fix(batch, o, kind if kind in _KIND_CLASS else None, written)
            shown = repr(written) if written and not _is_iri_like(written) and quote(written, safe="") != written \
                else _curie(o)  # a title as written; a slug as the CURIE it was read as
            batch.report(
                Severity.VIOLATION, s, p,
                f"unknown {what if what != 'source' else 'article section'} {shown}: "
                f"it is neither in the knowledge base nor defined in this batch",
                fix=fix, rule="reference", value=o, obj=o, contribution=c,
            )


def _check_subjects(batch: _Batch) -> None:
    """Terms must be new, in the project namespace, and say what they are."""
    for c in batch.contributions:
        for term in sorted(c.defined, key=str):
            if (term, RDF.type, None) in batch.core and str(term).startswith(BASE):
                batch.report(Severity.VIOLATION, term, None,
                             f"{_curie(term)} already exists in the knowledge base",
                             fix="choose a new slug, or edit the existing definition in ontology/ instead",
                             rule="duplicate-iri", contribution=c)
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
                             fix="add `a aiw:Role` (or aiw:Skill, aiw:Concern, ...)", rule="untyped", contribution=c)


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
                             rule="duplicate-label", value=label, obj=label, contribution=c)
                continue
            close = difflib.get_close_matches(norm, list(existing), n=1, cutoff=0.92)
            if close and existing[close[0]] != s:
                twin = existing[close[0]]
                batch.report(Severity.WARNING, s, SKOS.prefLabel,
                             f"the title \"{label}\" is nearly the same as that of {_curie(twin)} "
                             f"({label_of(batch.core, twin)})",
                             fix="make sure this is a different role; if not, extend the existing one",
                             rule="near-duplicate-label", value=label, obj=label, contribution=c)
            other = seen.get(norm)
            if other is not None and other != s:
                batch.report(Severity.VIOLATION, s, SKOS.prefLabel,
                             f"the title \"{label}\" is also given to {_curie(other)} in this batch",
                             fix="give each term its own title", rule="duplicate-label", value=label, obj=label,
                             contribution=c)
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
                     value=problem.value, obj=problem.value, shape=problem.shape, component=problem.component)
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
    _resolve_written(batch)
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
