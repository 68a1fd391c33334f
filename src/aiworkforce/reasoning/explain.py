"""Explain an inference: the OWL 2 RL rule that derived a triple and its premises, down to asserted triples.

Built on what the compiled rules already know, not on a second reasoner. :func:`trace` reasons once more in a
separate, traced mode (:class:`~aiworkforce.reasoning.rules.RuleEngine` with ``trace=True``): every rule update
writes what it adds to a graph of its own, so each derived triple carries the *step* that first derived it. A
step only saw triples of earlier steps (semi-naive evaluation derives each triple after its premises), so the
premises of a triple are found by running its rule's body with the head bound to it and keeping a solution whose
triples all come from earlier steps: a proof tree without cycles. The normal ``reason``/``query`` path never
traces.

The schema (class and property axioms) is closed by owlrl, which records nothing; its entailments are traced by
the OWL 2 RL schema rules (``scm-*``) applied to the asserted schema, in rounds, within owlrl's closure. A schema
triple those rules do not reach is reported as unexplainable, never guessed. An input the compiled rules refuse
(the default engine reasons over it with owlrl) cannot be explained either: :class:`ExplanationUnavailableError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from aiworkforce.errors import ExplanationUnavailableError, NotEntailedError, UnsupportedAxiomError
from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import Term, from_oxigraph, from_rdflib, to_oxigraph, to_rdflib
from aiworkforce.reasoning.closure import rules_store
from aiworkforce.reasoning.reference import is_noise
from aiworkforce.reasoning.rules import SKOLEM, Rule, saturation, skolem, unskolem

Triple = tuple[Term, Term, Term]
_TYPE = ox.NamedNode(str(RDF.type))
SCO, SPO, EQC, EQP = RDFS.subClassOf, RDFS.subPropertyOf, OWL.equivalentClass, OWL.equivalentProperty
ONP, HV, SVF, AVF = OWL.onProperty, OWL.hasValue, OWL.someValuesFrom, OWL.allValuesFrom


@dataclass(frozen=True)
class Derivation:
    """One node of a proof tree: a triple, the OWL 2 RL rule that derived it from its premises, or asserted.

    ``in_closure`` is False for an intermediate step the clean closure does not keep: a membership in an
    anonymous class expression (``x a [owl:hasValue ...]``) or a schema tautology (``C rdfs:subClassOf C``)."""

    triple: Triple
    rule: str | None = None  # the OWL 2 RL rule name (``prp-spo2``, ``cax-sco``...); None when asserted
    premises: tuple[Derivation, ...] = ()
    in_closure: bool = True

    @property
    def asserted(self) -> bool:
        return self.rule is None


@dataclass(frozen=True)
class Explanation:
    """Why a triple holds: its derivation, and a readable description of each blank node in it."""

    derivation: Derivation
    engine: str = "compiled"
    descriptions: dict[Term, str] = field(default_factory=dict)  # blank node -> e.g. "(aiw:inLayer value layer:data)"

    @property
    def triple(self) -> Triple:
        return self.derivation.triple

    @property
    def asserted(self) -> bool:
        return self.derivation.asserted


def _term(node) -> Term:
    """An oxigraph or rdflib node as a :class:`Term`, skolem IRIs back as blank nodes."""
    if isinstance(node, (URIRef, BNode, Literal)):
        return from_rdflib(node)
    term = from_oxigraph(node)
    if term.kind == "iri" and term.value.startswith(SKOLEM):
        return Term("bnode", term.value[len(SKOLEM):])
    return term


def _rdf(node):
    """An oxigraph node as the rdflib node the schema graphs use."""
    return unskolem(URIRef(node.value)) if isinstance(node, ox.NamedNode) else to_rdflib(from_oxigraph(node))


def _ox(node):
    """An rdflib node as the (skolemised) oxigraph node of the store."""
    return to_oxigraph(from_rdflib(skolem(node)))


def _items(graph: Graph, head) -> list:
    return list(graph.items(head))


def schema_derivations(tbox: Graph, closed: Graph) -> dict[tuple, tuple[str, tuple]]:
    """The first derivation (rule, premises) of each schema triple of owlrl's ``closed`` schema that the OWL 2 RL
    schema rules (scm-*) derive from the asserted ``tbox``, applied in rounds (premises from earlier rounds only)."""
    known = Graph()
    known += tbox
    why: dict[tuple, tuple[str, tuple]] = {}
    while True:
        new: dict[tuple, tuple[str, tuple]] = {}

        def add(t, rule, *premises):
            if t not in known and t in closed:
                key = (rule, [_canonical(x) for p in premises for x in p])
                if t not in new or key < (new[t][0], [_canonical(x) for p in new[t][1] for x in p]):
                    new[t] = (rule, premises)

        for c in known.subjects(RDF.type, OWL.Class):
            premise = (c, RDF.type, OWL.Class)
            for t in ((c, SCO, c), (c, EQC, c), (c, SCO, OWL.Thing), (OWL.Nothing, SCO, c)):
                add(t, "scm-cls", premise)
        for kind, rule in ((OWL.ObjectProperty, "scm-op"), (OWL.DatatypeProperty, "scm-dp")):
            for p in known.subjects(RDF.type, kind):
                add((p, SPO, p), rule, (p, RDF.type, kind))
                add((p, EQP, p), rule, (p, RDF.type, kind))
        for c1, c2 in list(known.subject_objects(SCO)):
            for c3 in known.objects(c2, SCO):
                add((c1, SCO, c3), "scm-sco", (c1, SCO, c2), (c2, SCO, c3))
            if (c2, SCO, c1) in known:
                add((c1, EQC, c2), "scm-eqc2", (c1, SCO, c2), (c2, SCO, c1))
        for c1, c2 in list(known.subject_objects(EQC)):
            add((c1, SCO, c2), "scm-eqc1", (c1, EQC, c2))
            add((c2, SCO, c1), "scm-eqc1", (c1, EQC, c2))
        for p1, p2 in list(known.subject_objects(SPO)):
            for p3 in known.objects(p2, SPO):
                add((p1, SPO, p3), "scm-spo", (p1, SPO, p2), (p2, SPO, p3))
            if (p2, SPO, p1) in known:
                add((p1, EQP, p2), "scm-eqp2", (p1, SPO, p2), (p2, SPO, p1))
        for p1, p2 in list(known.subject_objects(EQP)):
            add((p1, SPO, p2), "scm-eqp1", (p1, EQP, p2))
            add((p2, SPO, p1), "scm-eqp1", (p1, EQP, p2))
        for axis, n in ((RDFS.domain, "dom"), (RDFS.range, "rng")):
            for p, c1 in list(known.subject_objects(axis)):
                for c2 in known.objects(c1, SCO):
                    add((p, axis, c2), f"scm-{n}1", (p, axis, c1), (c1, SCO, c2))
                for p1 in known.subjects(SPO, p):
                    add((p1, axis, c1), f"scm-{n}2", (p, axis, c1), (p1, SPO, p))
        for c1, v in list(known.subject_objects(HV)):
            for p1 in known.objects(c1, ONP):
                for c2 in known.subjects(HV, v):
                    for p2 in known.objects(c2, ONP):
                        if (p1, SPO, p2) in known:
                            add((c1, SCO, c2), "scm-hv", (c1, HV, v), (c1, ONP, p1), (c2, HV, v), (c2, ONP, p2),
                                (p1, SPO, p2))
        for restriction, rule1, rule2 in ((SVF, "scm-svf1", "scm-svf2"), (AVF, "scm-avf1", "scm-avf2")):
            for c1, y1 in list(known.subject_objects(restriction)):
                for p1 in known.objects(c1, ONP):
                    for c2, y2 in known.subject_objects(restriction):
                        for p2 in known.objects(c2, ONP):
                            premises = ((c1, restriction, y1), (c1, ONP, p1), (c2, restriction, y2), (c2, ONP, p2))
                            if p1 == p2 and (y1, SCO, y2) in known:
                                add((c1, SCO, c2), rule1, *premises, (y1, SCO, y2))
                            if y1 == y2 and (p1, SPO, p2) in known:
                                sub = (c1, SCO, c2) if restriction == SVF else (c2, SCO, c1)
                                add(sub, rule2, *premises, (p1, SPO, p2))
        for c, head in list(known.subject_objects(OWL.intersectionOf)):
            for member in _items(known, head):
                add((c, SCO, member), "scm-int", (c, OWL.intersectionOf, head))
        for c, head in list(known.subject_objects(OWL.unionOf)):
            for member in _items(known, head):
                add((member, SCO, c), "scm-uni", (c, OWL.unionOf, head))
        if not new:
            return why
        for t, reason in new.items():
            known.add(t)
            why[t] = reason


class Provenance:
    """A traced saturation of one asserted graph: answers :meth:`explain` for any triple of its closure."""

    def __init__(self, graph: Graph) -> None:
        try:
            store = rules_store(graph)
        except UnsupportedAxiomError as exc:
            raise ExplanationUnavailableError(
                f"cannot explain: the compiled rules do not support this input ({exc.message}), so its closure "
                "comes from owlrl, which records no derivations",
                hint="explain works on inputs the compiled rules cover (aiworkforce reason --engine compiled says "
                     "whether they do)") from None
        self.store = store
        self.asserted = {(q.subject, q.predicate, q.object) for q in store}
        run = saturation(store, trace=True)
        self.tbox, self.closed = run.tbox, run.closed
        self.schema = schema_derivations(run.tbox, run.closed)
        self.stamps: dict[tuple, tuple[int, Rule]] = {}
        for i, (name, rule) in enumerate(run.engine.steps, start=1):
            for q in store.quads_for_pattern(None, None, None, ox.NamedNode(name)):
                self.stamps[(q.subject, q.predicate, q.object)] = (i, rule)
        self._memo: dict[tuple, Derivation] = {}

    # -- what holds --------------------------------------------------------------------------------------------

    def _in_store(self, t: tuple) -> bool:
        return ox.Quad(t[0], t[1], t[2], ox.DefaultGraph()) in self.store

    def in_closure(self, t: tuple) -> bool:
        """True when ``t`` (oxigraph nodes, skolemised) is in the clean closure."""
        return self._in_store(t) and (t in self.asserted or not is_noise(*(_rdf(x) for x in t)))

    def _stamp(self, t: tuple) -> int:
        return self.stamps[t][0] if t in self.stamps else 0

    # -- explaining ---------------------------------------------------------------------------------------------

    def explain(self, s: Term, p: Term, o: Term) -> Explanation:
        """The derivation of the triple ``s p o``; :class:`NotEntailedError` when it is not in the closure."""
        t = tuple(_ox(to_rdflib(x)) for x in (s, p, o))
        if not self.in_closure(t):
            raise NotEntailedError(
                f"{' '.join(x.compact(PREFIXES) if x.is_iri else x.ntriples() for x in (s, p, o))} is not in the "
                "closure: it is neither asserted nor inferred",
                hint="aiworkforce describe TERM lists what the graph says about a term")
        try:
            derivation = self._node(t)
        except RecursionError:
            raise ExplanationUnavailableError(
                "cannot explain: the derivation is deeper than explain can follow",
                hint="explain a triple closer to the asserted facts") from None
        return Explanation(derivation, descriptions=self._describe_bnodes(derivation))

    def _node(self, t: tuple) -> Derivation:
        if t in self._memo:
            return self._memo[t]
        if t in self.asserted:
            node = Derivation(tuple(_term(x) for x in t))
        elif t in self.stamps:
            node = self._derive(t, *self.stamps[t])
        else:
            node = self._schema(tuple(_rdf(x) for x in t))
        self._memo[t] = node
        return node

    def _schema(self, t: tuple) -> Derivation:
        """The derivation of a schema triple (rdflib nodes) of owlrl's closed schema."""
        key = ("schema", t)
        if key in self._memo:
            return self._memo[key]
        terms = tuple(_term(x) for x in t)
        if t in self.tbox:
            node = Derivation(terms)
        elif t in self.schema:
            rule, premises = self.schema[t]
            node = Derivation(terms, rule, tuple(self._schema(p) for p in premises), in_closure=not is_noise(*t))
        else:
            raise ExplanationUnavailableError(
                f"cannot explain {' '.join(x.ntriples() for x in terms)}: owlrl derived it when closing the schema "
                "by a rule explain does not trace")
        self._memo[key] = node
        return node

    def _derive(self, t: tuple, step: int, rule: Rule) -> Derivation:
        kind = rule.name.split(" ", 1)[0]
        terms = tuple(_term(x) for x in t)
        if kind == "classify":  # an anonymous class expression with a named superclass: x a E, E sub N => x a N
            expression = unskolem(URIRef(SKOLEM + rule.name.split(" ", 1)[1]))
            member = self._member(t[0], expression, step)
            if member is None:
                raise self._lost(terms, kind)
            return Derivation(terms, "cax-sco", (member, self._schema((expression, SCO, _rdf(t[2])))))
        solution = self._solution(t, step, rule)
        if solution is None:
            raise self._lost(terms, kind)
        body = [self._node(a) for a in _atoms(rule, solution)]
        v = {k: _rdf(x) for k, x in solution.items()}
        if kind == "cax-sco":
            return Derivation(terms, kind, (body[0], self._schema((v["a"], SCO, v["b"]))))
        if kind == "prp-spo1":
            return Derivation(terms, kind, (self._schema((v["p"], SPO, v["q"])), body[0]))
        if kind == "prp-inv":
            if (v["p"], OWL.inverseOf, v["q"]) in self.closed:
                return Derivation(terms, "prp-inv1", (self._schema((v["p"], OWL.inverseOf, v["q"])), body[0]))
            return Derivation(terms, "prp-inv2", (self._schema((v["q"], OWL.inverseOf, v["p"])), body[0]))
        if kind == "prp-symp":
            return Derivation(terms, kind, (self._schema((v["p"], RDF.type, OWL.SymmetricProperty)), body[0]))
        if kind == "prp-trp":
            return Derivation(terms, kind, (self._schema((_rdf(t[1]), RDF.type, OWL.TransitiveProperty)), *body))
        if kind in ("prp-dom", "prp-rng"):
            axis = RDFS.domain if kind == "prp-dom" else RDFS.range
            return Derivation(terms, kind, (self._schema((v["p"], axis, v["c"])), body[0]))
        if kind == "prp-spo2":
            p = _rdf(t[1])
            chains = sorted((h for h in self.closed.objects(p, OWL.propertyChainAxiom)
                             if len(_items(self.closed, h)) == len(rule.atoms)), key=self.describe)
            steps = _items(self.closed, chains[0])
            links = []
            for step, atom, premise in zip(steps, _atoms(rule, solution), body):
                inverse = self.closed.value(step, OWL.inverseOf) if isinstance(step, BNode) else None
                if inverse is None:
                    links.append(premise)
                else:  # an inverse step [owl:inverseOf q]: "b q a" gives "a [inverse q] b" (prp-inv2)
                    links.append(Derivation((_term(atom[2]), _term(step), _term(atom[0])), "prp-inv2",
                                            (self._schema((step, OWL.inverseOf, inverse)), premise), in_closure=False))
            return Derivation(terms, kind, (self._schema((p, OWL.propertyChainAxiom, chains[0])), *links))
        if kind in ("cls-hv1", "cls-avf"):
            restriction = self._restriction(v, HV if kind == "cls-hv1" else AVF)
            x = solution["x"]
            via = Derivation(tuple(_term(n) for n in (x, _TYPE, _ox(restriction))), "cax-sco",
                             (body[0], self._schema((v["a"], SCO, restriction))), in_closure=False)
            filler = v["v"] if kind == "cls-hv1" else v["d"]
            return Derivation(terms, kind, (self._schema((restriction, HV if kind == "cls-hv1" else AVF, filler)),
                                            self._schema((restriction, ONP, v["p"])), via, *body[1:]))
        raise self._lost(terms, kind)

    def _restriction(self, v: dict, predicate) -> object:
        filler = v["v"] if predicate == HV else v["d"]
        for r in sorted(self.closed.subjects(predicate, filler), key=self.describe):
            if (r, ONP, v["p"]) in self.closed and (v["a"], SCO, r) in self.closed:
                return r
        raise ExplanationUnavailableError("cannot explain: no restriction matches a compiled rule's table")

    def _solution(self, t: tuple, step: int, rule: Rule) -> dict | None:
        """A solution of ``rule``'s body that derives ``t`` from triples of steps before ``step``."""
        head = rule.head.split()
        bound = {}
        for token, node in zip(head, t):
            if token.startswith("?"):
                if bound.get(token[1:], node) != node:
                    return None
                bound[token[1:]] = node
        names = sorted(bound)
        values = f"VALUES ({' '.join('?' + n for n in names)}) {{ ({' '.join(str(bound[n]) for n in names)}) }}"
        query = f"SELECT * WHERE {{ {values} {rule.extra} {' . '.join(rule.atoms)} }}"
        found = []
        for row in self.store.query(query):
            solution = dict(bound)
            solution.update({name: row[name] for name in _variables(rule) if row[name] is not None})
            if all(self._stamp(a) < step and self._in_store(a) for a in _atoms(rule, solution)):
                found.append(solution)
        # the same choice on every run: blank-node labels and the store's order change from run to run
        return min(found, key=lambda sol: [_canonical(x) for a in _atoms(rule, sol) for x in a], default=None)

    def _member(self, x, expression, bound: int) -> Derivation | None:
        """A derivation of ``x a expression`` (an anonymous class expression, following the compiled pattern) from
        triples of steps before ``bound``; None if there is none."""
        def fact(t):
            return self._node(t) if self._in_store(t) and self._stamp(t) < bound else None

        if isinstance(expression, URIRef):
            return fact((x, _TYPE, _ox(expression)))
        membership = tuple(_term(n) for n in (x, _TYPE, _ox(expression)))
        members = self.closed.value(expression, OWL.intersectionOf)
        if members is not None:
            parts = []
            for member in _items(self.closed, members):
                if member == OWL.Thing:
                    continue
                part = self._member(x, member, bound)
                if part is None:
                    return None
                parts.append(part)
            return Derivation(membership, "cls-int1",
                              (self._schema((expression, OWL.intersectionOf, members)), *parts), in_closure=False)
        prop = self.closed.value(expression, ONP)
        value = self.closed.value(expression, HV)
        if prop is not None and value is not None:
            premise = fact((x, _ox(prop), _ox(value)))
            return None if premise is None else Derivation(
                membership, "cls-hv2", (self._schema((expression, HV, value)), self._schema((expression, ONP, prop)),
                                        premise), in_closure=False)
        filler = self.closed.value(expression, SVF)
        if prop is not None and filler is not None:
            for q in sorted(self.store.quads_for_pattern(x, _ox(prop), None, ox.DefaultGraph()),
                            key=lambda q: _canonical(q.object)):
                premise = fact((q.subject, q.predicate, q.object))
                if premise is None:
                    continue
                axioms = (self._schema((expression, SVF, filler)), self._schema((expression, ONP, prop)))
                if filler == OWL.Thing:
                    return Derivation(membership, "cls-svf2", (*axioms, premise), in_closure=False)
                inner = self._member(q.object, filler, bound)
                if inner is not None:
                    return Derivation(membership, "cls-svf1", (*axioms, premise, inner), in_closure=False)
        return None

    @staticmethod
    def _lost(terms: Triple, kind: str) -> ExplanationUnavailableError:
        return ExplanationUnavailableError(
            f"cannot explain {' '.join(x.ntriples() for x in terms)}: no premises of rule {kind} precede it "
            "(please report this)")

    # -- blank nodes in words ------------------------------------------------------------------------------------

    def _describe_bnodes(self, derivation: Derivation) -> dict[Term, str]:
        out: dict[Term, str] = {}
        stack = [derivation]
        while stack:
            node = stack.pop()
            for term in node.triple:
                if term.kind == "bnode" and term not in out:
                    out[term] = self.describe(BNode(term.value))
            stack.extend(node.premises)
        return out

    def describe(self, node, depth: int = 0) -> str:
        """A class expression or list in a Manchester-like syntax: ``(aiw:Role and (aiw:inLayer value layer:data))``."""
        def show(n) -> str:
            return self.describe(n, depth + 1) if isinstance(n, BNode) else from_rdflib(n).compact(PREFIXES)

        g = self.closed
        if depth > 8:
            return "(...)"
        if (node, RDF.first, None) in g:
            return "(" + " ".join(show(m) for m in _items(g, node)) + ")"
        for predicate, word in ((OWL.intersectionOf, "and"), (OWL.unionOf, "or")):
            members = g.value(node, predicate)
            if members is not None:
                return "(" + f" {word} ".join(show(m) for m in _items(g, members)) + ")"
        prop = g.value(node, ONP)
        for predicate, word in ((HV, "value"), (SVF, "some"), (AVF, "only")):
            filler = g.value(node, predicate)
            if prop is not None and filler is not None:
                return f"({show(prop)} {word} {show(filler)})"
        inverse = g.value(node, OWL.inverseOf)
        if inverse is not None:
            return f"(inverse {show(inverse)})"
        return "[]"


def _canonical(node) -> str:
    """A sort key of a node that does not depend on blank-node labels."""
    if isinstance(node, BNode) or (isinstance(node, ox.NamedNode) and node.value.startswith(SKOLEM)):
        return "_:"
    return str(node)


def _variables(rule: Rule) -> list[str]:
    return sorted(set(re.findall(r"\?(\w+)", " ".join(rule.atoms) + " " + rule.extra + " " + rule.head)))


def _atoms(rule: Rule, solution: dict) -> list[tuple]:
    """The body atoms of ``rule`` with ``solution`` substituted (``a`` is rdf:type)."""
    out = []
    for atom in rule.atoms:
        nodes = []
        for token in atom.split():
            if token.startswith("?"):
                nodes.append(solution[token[1:]])
            elif token == "a":
                nodes.append(_TYPE)
            else:
                nodes.append(ox.NamedNode(token[1:-1]))
        out.append(tuple(nodes))
    return out


def trace(graph: Graph) -> Provenance:
    """Reason over ``graph`` (rdflib, asserted) in traced mode, ready to explain any triple of its closure."""
    return Provenance(graph)

