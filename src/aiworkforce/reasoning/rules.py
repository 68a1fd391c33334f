"""OWL 2 RL reasoning compiled to SPARQL rules and run to a fixpoint in pyoxigraph.

owlrl re-scans the whole graph in Python on every round, which takes seconds on the shipped graph and minutes
at a few hundred thousand triples. This engine splits the work:

1. the **TBox** (class and property axioms, a few hundred triples) is closed once with owlrl itself, so the
   schema-level entailments (sub-class and sub-property closure, inherited domains and ranges, equivalences)
   are exactly owlrl's;
2. the instance-level OWL 2 RL rules the closed TBox needs (cax-sco, prp-spo1, prp-inv, prp-symp, prp-trp,
   prp-dom, prp-rng, cls-int1/2, cls-hv1/2, cls-svf1/2, cls-avf, prp-spo2 property chains) are **compiled**
   into SPARQL UPDATE statements whose ``VALUES`` tables hold the TBox facts, and run to a fixpoint in
   pyoxigraph by :class:`~aiworkforce.reasoning.fixpoint.RuleEngine`, semi-naively: after its first run, each
   rule only joins against the triples derived since, by rules whose conclusions its atoms can match;
3. the consistency rules the ontology can trigger (prp-irp, prp-asyp, cax-dw) are SPARQL ASK/SELECT checks.

The result is compared with owlrl's clean closure by the test suite, on the shipped graph and on generated
graphs. Not compiled, because the ontology does not use them: equality reasoning (owl:sameAs from functional
properties, keys or max-cardinality), owl:oneOf, owl:unionOf on the sub-class side. A TBox that uses them makes
:func:`compile_rules` raise, so nothing is silently dropped.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from aiworkforce.errors import UnsupportedAxiomError
from aiworkforce.rdf.terms import from_oxigraph, from_rdflib, to_oxigraph, to_rdflib
from aiworkforce.reasoning.fixpoint import SKOLEM, Check, CompiledRules, Rule, RuleEngine
from aiworkforce.reasoning.reference import is_noise, owlrl_closure

#: The graph that holds the schema's own entailments when a saturation keeps its inferred triples.
SCHEMA_INFERRED = "urn:aiworkforce:graph:schema-inferred"

__all__ = ["SKOLEM", "CompiledRules", "Rule", "RuleEngine", "check_supported", "check_supported_store",
           "compile_rules", "find_inconsistencies", "saturate", "saturation"]

SCHEMA_PREDICATES = {
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, OWL.equivalentClass, OWL.equivalentProperty,
    OWL.inverseOf, OWL.intersectionOf, OWL.unionOf, OWL.complementOf, OWL.oneOf, OWL.onProperty, OWL.hasValue,
    OWL.someValuesFrom, OWL.allValuesFrom, OWL.propertyChainAxiom, OWL.disjointWith, OWL.propertyDisjointWith,
    OWL.maxCardinality, OWL.maxQualifiedCardinality, OWL.minCardinality, OWL.cardinality, OWL.onClass,
    OWL.members, OWL.hasKey, OWL.hasSelf, RDF.first, RDF.rest,
}
SCHEMA_TYPES = {
    OWL.Class, RDFS.Class, OWL.Restriction, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    OWL.TransitiveProperty, OWL.SymmetricProperty, OWL.FunctionalProperty, OWL.InverseFunctionalProperty,
    OWL.IrreflexiveProperty, OWL.AsymmetricProperty, OWL.ReflexiveProperty, RDF.Property, RDFS.Datatype,
    OWL.AllDisjointClasses, OWL.AllDisjointProperties, RDF.List,
}
_UNSUPPORTED = {
    OWL.oneOf: "owl:oneOf", OWL.hasKey: "owl:hasKey", OWL.maxCardinality: "max cardinality",
    OWL.maxQualifiedCardinality: "max cardinality", OWL.hasSelf: "owl:hasSelf",
    OWL.FunctionalProperty: "functional object properties", OWL.InverseFunctionalProperty: "inverse-functional properties",
    OWL.sameAs: "owl:sameAs",
}


#: The RDF, RDFS and OWL vocabulary the compiled rules implement (or that carries no semantics for OWL 2 RL). An
#: input that uses any other term of these namespaces, anywhere, is refused (:func:`check_supported`).
SUPPORTED_VOCABULARY = {
    RDF.type, RDF.first, RDF.rest, RDF.nil, RDF.List, RDF.Property, RDF.langString, RDF.PlainLiteral,
    RDF.XMLLiteral, RDF.HTML,
    # reification and containers: OWL 2 RL gives them no semantics (owlrl's clean closure derives nothing from them)
    RDF.Statement, RDF.subject, RDF.predicate, RDF.object, RDF.value, RDF.Bag, RDF.Seq, RDF.Alt,
    RDFS.subClassOf, RDFS.subPropertyOf, RDFS.domain, RDFS.range, RDFS.Class, RDFS.Resource, RDFS.Literal,
    RDFS.label, RDFS.comment, RDFS.seeAlso, RDFS.isDefinedBy,
    OWL.Class, OWL.Thing, OWL.Restriction, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty,
    OWL.Ontology, OWL.NamedIndividual, OWL.equivalentClass, OWL.equivalentProperty, OWL.inverseOf,
    OWL.intersectionOf, OWL.onProperty, OWL.hasValue, OWL.someValuesFrom, OWL.allValuesFrom,
    OWL.propertyChainAxiom, OWL.disjointWith, OWL.TransitiveProperty, OWL.SymmetricProperty,
    OWL.AsymmetricProperty, OWL.IrreflexiveProperty, OWL.FunctionalProperty,
    OWL.versionInfo, OWL.versionIRI, OWL.priorVersion, OWL.backwardCompatibleWith, OWL.incompatibleWith,
    OWL.deprecated, OWL.imports,
}
_RESERVED = (str(RDF), str(RDFS), str(OWL))


def check_supported(graph: Iterable) -> None:
    """Refuse (:class:`UnsupportedAxiomError`) an input the compiled rules could answer wrongly.

    Every RDF, RDFS or OWL term the input uses must be in :data:`SUPPORTED_VOCABULARY`; functional properties
    must be datatype properties (owlrl derives nothing from them but literal noise). Everything else
    (equality, owl:sameAs and owl:differentFrom, cardinalities, keys, enumerations, unions, complements,
    owl:Nothing, disjoint properties, negative assertions...) is refused by name, so the default engine can hand
    the run to owlrl instead of answering wrongly.
    """
    functional = set()
    datatype_props = set()
    anonymous_axiom, bounds, expressive = False, set(), set()
    for s, p, o in graph:
        if p == OWL.disjointWith and (isinstance(s, BNode) or isinstance(o, BNode)):
            anonymous_axiom = True
        elif p in (RDFS.domain, RDFS.range) and isinstance(o, BNode):
            bounds.add(o)
        elif p in _WITH_CONSEQUENCES and isinstance(s, BNode):
            expressive.add(s)
        for term in (s, p, o):
            if isinstance(term, URIRef) and str(term).startswith(_RESERVED) and term not in SUPPORTED_VOCABULARY:
                if str(term).startswith(str(RDF)) and str(term)[len(str(RDF)):].startswith("_"):
                    continue  # rdf:_1, rdf:_2... container membership: no OWL 2 RL semantics
                raise UnsupportedAxiomError(f"the input uses {_curie(term)}, which the compiled rules do not implement",
                                            hint="reason with the default engine (it falls back to owlrl) "
                                                 "or with --engine owlrl")
        if p == RDF.type and isinstance(o, BNode):
            raise UnsupportedAxiomError("the input asserts membership in an anonymous class expression, which the "
                                        "compiled rules do not implement",
                                        hint="reason with the default engine (it falls back to owlrl) or --engine owlrl")
        if p == RDF.type and o == OWL.FunctionalProperty:
            functional.add(s)
        elif p == RDF.type and o == OWL.DatatypeProperty:
            datatype_props.add(s)
        if isinstance(o, Literal) and getattr(o, "ill_typed", False):
            raise UnsupportedAxiomError(f"the input holds the ill-typed literal {o.n3()}, which the compiled rules "
                                        "do not check", hint="reason with the default engine or --engine owlrl")
    if functional - datatype_props:
        raise UnsupportedAxiomError(f"the input declares {_curie(min(functional - datatype_props))} a functional "
                                    "object property, which the compiled rules do not implement",
                                    hint="reason with the default engine or --engine owlrl")
    if anonymous_axiom or bounds & expressive:
        raise UnsupportedAxiomError(_ANONYMOUS_AXIOM, hint="reason with the default engine or --engine owlrl")


#: What a member of an anonymous class expression is known to be, in OWL 2 RL (cls-int2, cls-hv1, cls-avf): such an
#: expression as a domain or range gives consequences the compiled rules (which derive memberships in named
#: classes only) do not draw.
_WITH_CONSEQUENCES = (OWL.intersectionOf, OWL.hasValue, OWL.allValuesFrom)
_ANONYMOUS_AXIOM = ("the input makes an anonymous class expression disjoint with a class, or an intersection or a "
                    "hasValue or allValuesFrom restriction the domain or range of a property (owl:disjointWith, "
                    "rdfs:domain, rdfs:range), which the compiled rules do not implement")


def check_supported_store(store) -> None:
    """:func:`check_supported` for data already in a pyoxigraph store (``--data``), without reading every triple.

    Each RDF, RDFS and OWL term the compiled rules do not implement is looked up in the store's indexes (as
    subject, predicate or object); memberships in anonymous classes and functional object properties too. A term
    outside those vocabularies carries no OWL 2 RL semantics. Raises :class:`UnsupportedAxiomError`: data files are
    reasoned by the compiled rules only, so the run is refused rather than answered wrongly.
    """
    hint = ("reason over your files alone with `aiworkforce reason --no-core FILE...` (the default engine falls "
            "back to owlrl), or leave the construct out of the data")
    for ns in (RDF, RDFS, OWL):
        for name in ns.__annotations__:
            term = URIRef(str(ns) + name)
            if term in SUPPORTED_VOCABULARY:
                continue
            node = ox.NamedNode(str(term))
            for pattern in ((node, None, None), (None, node, None), (None, None, node)):
                if next(iter(store.quads_for_pattern(*pattern, ox.DefaultGraph())), None) is not None:
                    raise UnsupportedAxiomError(f"the data uses {_curie(term)}, which the compiled rules do not "
                                                "implement (data files are reasoned by the compiled rules only)",
                                                hint=hint)
    with_consequences = "|".join(f"<{t}>" for t in _WITH_CONSEQUENCES)
    if store.query(f"ASK {{ {{ ?a <{OWL.disjointWith}> ?b FILTER(isBlank(?a) || isBlank(?b)) }} UNION "
                   f"{{ ?p <{RDFS.domain}>|<{RDFS.range}> ?c FILTER(isBlank(?c)) ?c {with_consequences} ?x }} }}"):
        raise UnsupportedAxiomError(_ANONYMOUS_AXIOM.replace("the input", "the data"), hint=hint)
    if store.query(f"ASK {{ ?s <{RDF.type}> ?c FILTER(isBlank(?c)) }}"):
        raise UnsupportedAxiomError("the data asserts membership in an anonymous class expression, which the "
                                    "compiled rules do not implement", hint=hint)
    functional = store.query(f"SELECT ?p WHERE {{ ?p <{RDF.type}> <{OWL.FunctionalProperty}> "
                             f"FILTER NOT EXISTS {{ ?p <{RDF.type}> <{OWL.DatatypeProperty}> }} }} LIMIT 1")
    for row in functional:
        raise UnsupportedAxiomError(f"the data declares {row[0]} a functional object property, which the compiled "
                                    "rules do not implement", hint=hint)


def _curie(term) -> str:
    for prefix, ns in (("rdf", RDF), ("rdfs", RDFS), ("owl", OWL)):
        if str(term).startswith(str(ns)):
            return f"{prefix}:{str(term)[len(str(ns)):]}"
    return f"<{term}>"


def is_schema_triple(s, p, o) -> bool:
    return p in SCHEMA_PREDICATES or (p == RDF.type and o in SCHEMA_TYPES)


def split_tbox(graph: Iterable) -> tuple[Graph, list]:
    """Separate schema triples (the TBox) from the rest."""
    tbox = Graph()
    rest = []
    for triple in graph:
        (tbox.add(triple) if is_schema_triple(*triple) else rest.append(triple))
    return tbox, rest


def skolem(node):
    return URIRef(SKOLEM + str(node)) if isinstance(node, BNode) else node


def unskolem(node):
    if isinstance(node, URIRef) and str(node).startswith(SKOLEM):
        return BNode(str(node)[len(SKOLEM):])
    return node


def _n3(node) -> str:
    node = skolem(node)
    if isinstance(node, URIRef):
        return f"<{node}>"
    if isinstance(node, Literal):

        return from_rdflib(node).ntriples()
    raise ValueError(f"cannot use {node!r} in a rule")


def _line(triple) -> str:
    """An rdflib triple as one N-Triples line, blank nodes skolemised."""
    return " ".join(map(_n3, triple)) + " .\n"


def _values(variables: str, rows: list[tuple]) -> str:
    body = " ".join("(" + " ".join(_n3(x) for x in row) + ")" for row in sorted(set(rows), key=str))
    return f"VALUES ({variables}) {{ {body} }}"


def _bind(variables: str, rows: list[tuple]) -> tuple[tuple[str, frozenset], ...]:
    """For each column of a VALUES table holding IRIs only, the variable and the IRIs (see :class:`Rule`)."""
    out = []
    for i, var in enumerate(variables.split()):
        column = {skolem(row[i]) for row in rows}
        if all(isinstance(x, URIRef) for x in column):
            out.append((var, frozenset(map(str, column))))
    return tuple(out)


def _transitive(pairs) -> bool:
    """Whether the relation ``pairs`` (without its reflexive pairs) is transitively closed."""
    pairs = set(pairs)
    after: dict = {}
    for a, b in pairs:
        after.setdefault(a, set()).add(b)
    return all(a == c or (a, c) in pairs for a, b in pairs for c in after.get(b, ()))


def _list(graph: Graph, node) -> list:
    return list(graph.items(node))


def _most_specific(g: Graph, pairs: list[tuple]) -> list[tuple]:
    """Keep, for each property, only the classes with no strict subclass among its other classes: the closed TBox
    lists every superclass of a domain too, and cax-sco derives those from the most specific one."""
    by_property: dict = {}
    for p, c in pairs:
        by_property.setdefault(p, set()).add(c)
    kept = []
    for p, classes in by_property.items():
        for c in classes:
            if not any(d != c and (d, RDFS.subClassOf, c) in g and (c, RDFS.subClassOf, d) not in g for d in classes):
                kept.append((p, c))
    return kept


def _pattern(g: Graph, expression, var: str, counter) -> list[str]:
    """The triple patterns a class expression stands for, about ``var`` (empty if it cannot be expressed)."""
    if isinstance(expression, URIRef):
        return [] if expression == OWL.Thing else [f"{var} a {_n3(expression)}"]
    members = g.value(expression, OWL.intersectionOf)
    if members is not None:
        out = []
        for member in _list(g, members):
            atoms = _pattern(g, member, var, counter)
            if member != OWL.Thing and not atoms:
                return []
            out += atoms
        return out
    prop = g.value(expression, OWL.onProperty)
    value = g.value(expression, OWL.hasValue)
    if prop is not None and value is not None:
        return [f"{var} {_n3(prop)} {_n3(value)}"]
    filler = g.value(expression, OWL.someValuesFrom)
    if prop is not None and filler is not None:
        other = f"?v{next(counter)}"
        inner = _pattern(g, filler, other, counter)
        if filler != OWL.Thing and not inner:
            return []
        return [f"{var} {_n3(prop)} {other}"] + inner
    return []


def compile_rules(tbox: Graph) -> CompiledRules:
    """Compile the instance-level OWL 2 RL rules that the *closed* TBox ``tbox`` needs."""
    g = tbox
    for prop, name in _UNSUPPORTED.items():
        used = prop in set(g.predicates()) or (None, RDF.type, prop) in g
        if used and prop in (OWL.FunctionalProperty, OWL.InverseFunctionalProperty):
            used = any((p, RDF.type, OWL.ObjectProperty) in g for p in g.subjects(RDF.type, prop))
        if used and prop == OWL.sameAs:  # owlrl's reflexive and literal sameAs triples are noise, not equality
            used = any(a != b and not isinstance(a, Literal) for a, b in g.subject_objects(OWL.sameAs))
        if used:
            raise UnsupportedAxiomError(f"the ontology uses {name}, which the compiled rules do not implement",
                                        hint="reason with the owlrl engine instead (the command line: --engine owlrl)")
    rules: list[Rule] = []

    # Memberships are only ever derived for named classes: an anonymous class expression (a restriction or an
    # intersection) is compiled into the triple pattern it stands for, so "x a _:restriction" bookkeeping
    # triples, which owlrl creates and then has to filter out, never exist.
    top = (OWL.Thing, RDFS.Resource)
    sub = [(a, b) for a, b in g.subject_objects(RDFS.subClassOf)
           if a != b and isinstance(a, URIRef) and isinstance(b, URIRef) and b not in top]
    if sub:
        rules.append(Rule("cax-sco", "?x a ?b", ("?x a ?a",), _values("?a ?b", sub), _bind("?a ?b", sub),
                          self_closed=_transitive(sub)))
    subp = [(p, q) for p, q in g.subject_objects(RDFS.subPropertyOf) if p != q]
    if subp:
        rules.append(Rule("prp-spo1", "?x ?q ?y", ("?x ?p ?y",), _values("?p ?q", subp), _bind("?p ?q", subp),
                          self_closed=_transitive(subp)))
    inv = set()
    for p, q in g.subject_objects(OWL.inverseOf):
        inv.update({(p, q), (q, p)})
    if inv:
        partners: dict = {}
        for p, q in inv:
            partners.setdefault(p, set()).add(q)
        rules.append(Rule("prp-inv", "?y ?q ?x", ("?x ?p ?y",), _values("?p ?q", list(inv)) + " FILTER(!isLiteral(?y))",
                          _bind("?p ?q", list(inv)), self_closed=all(len(qs) == 1 for qs in partners.values())))
    sym = [(p,) for p in g.subjects(RDF.type, OWL.SymmetricProperty)]
    if sym:
        rules.append(Rule("prp-symp", "?y ?p ?x", ("?x ?p ?y",), _values("?p", sym) + " FILTER(!isLiteral(?y))",
                          _bind("?p", sym), self_closed=True))
    for p in sorted(set(g.subjects(RDF.type, OWL.TransitiveProperty)), key=str):
        rules.append(Rule(f"prp-trp {p}", f"?x {_n3(p)} ?z", (f"?x {_n3(p)} ?y", f"?y {_n3(p)} ?z"),
                          self_closed=True, transitive=True))
    dom = _most_specific(g, [(p, c) for p, c in g.subject_objects(RDFS.domain) if c not in (OWL.Thing, RDFS.Resource)])
    if dom:
        rules.append(Rule("prp-dom", "?x a ?c", ("?x ?p ?y",), _values("?p ?c", dom), _bind("?p ?c", dom)))
    rng = _most_specific(g, [(p, c) for p, c in g.subject_objects(RDFS.range)
                             if c not in (OWL.Thing, RDFS.Resource, RDFS.Literal) and not str(c).startswith(str(XSD))])
    if rng:
        rules.append(Rule("prp-rng", "?y a ?c", ("?x ?p ?y",), _values("?p ?c", rng) + " FILTER(!isLiteral(?y))",
                          _bind("?p ?c", rng)))

    # cls-int1, cls-hv2, cls-svf1/2 (+ cax-sco): an anonymous class expression with named superclasses
    # classifies every node matching its pattern into those classes.
    counter = iter(range(10**6))
    # in an order that does not depend on blank-node labels (they change with every parse), so that runs, and
    # the derivations `explain` reports, are the same every time
    def structure(e) -> str:
        return " . ".join(_pattern(g, e, "?x", iter(range(10**6))))

    for expression in sorted({e for e in g.subjects(RDFS.subClassOf) if isinstance(e, BNode)},
                             key=lambda e: (structure(e), sorted(map(str, g.objects(e, RDFS.subClassOf))), str(e))):
        named = [(n,) for n in g.objects(expression, RDFS.subClassOf) if isinstance(n, URIRef) and n not in top]
        atoms = _pattern(g, expression, "?x", counter)
        if named and atoms:
            rules.append(Rule(f"classify {expression}", "?x a ?n", tuple(atoms), _values("?n", named),
                              _bind("?n", named)))
    # cls-hv1 and cls-avf, applied to the named subclasses of each restriction
    def named_subclasses(r) -> list:
        return [a for a in g.subjects(RDFS.subClassOf, r) if isinstance(a, URIRef)]

    hv1 = [(a, g.value(r, OWL.onProperty), v) for r, v in g.subject_objects(OWL.hasValue) for a in named_subclasses(r)]
    if hv1:
        rules.append(Rule("cls-hv1", "?x ?p ?v", ("?x a ?a",), _values("?a ?p ?v", hv1), _bind("?a ?p ?v", hv1)))
    avf = [(a, g.value(r, OWL.onProperty), d) for r, d in g.subject_objects(OWL.allValuesFrom)
           for a in named_subclasses(r) if isinstance(d, URIRef)]
    if avf:
        rules.append(Rule("cls-avf", "?y a ?d", ("?x a ?a", "?x ?p ?y"), _values("?a ?p ?d", avf)
                          + " FILTER(!isLiteral(?y))", _bind("?a ?p ?d", avf)))

    for p, head in sorted(g.subject_objects(OWL.propertyChainAxiom), key=lambda ph: (str(ph[0]), len(_list(g, ph[1])))):
        steps = _list(g, head)
        atoms = []
        for i, step in enumerate(steps):
            inverse = g.value(step, OWL.inverseOf) if isinstance(step, BNode) else None
            a, b = f"?v{i}", f"?v{i + 1}"
            atoms.append(f"{b} {_n3(inverse)} {a}" if inverse is not None else f"{a} {_n3(step)} {b}")
        rules.append(Rule(f"prp-spo2 {p}", f"?v0 {_n3(p)} ?v{len(steps)}", tuple(atoms)))

    checks = []
    for p in g.subjects(RDF.type, OWL.IrreflexiveProperty):
        checks.append(Check(f"prp-irp: irreflexive property {p} used reflexively",
                            f"SELECT ?x ?x2 WHERE {{ ?x {_n3(p)} ?x BIND(?x AS ?x2) }}", ((_iris(p), None),)))
    for p in g.subjects(RDF.type, OWL.AsymmetricProperty):
        checks.append(Check(f"prp-asyp: asymmetric property {p} used both ways",
                            f"SELECT ?x ?y WHERE {{ ?x {_n3(p)} ?y . ?y {_n3(p)} ?x }}", ((_iris(p), None),)))
    for a, b in g.subject_objects(OWL.disjointWith):
        checks.append(Check(f"cax-dw: disjoint classes {a} and {b} share a member",
                            f"SELECT ?x ?x2 WHERE {{ ?x a {_n3(a)} . ?x a {_n3(b)} BIND(?x AS ?x2) }}",
                            ((_iris(RDF.type), _iris(a)), (_iris(RDF.type), _iris(b)))))
    return CompiledRules(tuple(rules), tuple(checks))


def _iris(node) -> frozenset:
    """The IRI set of a signature (:func:`~aiworkforce.reasoning.fixpoint.signature`) naming ``node`` (as the
    rules' triple patterns write it: a blank node as its skolem IRI)."""
    return frozenset({str(skolem(node))})


def schema_quads(store, graph=None) -> list:
    """The schema triples (:func:`is_schema_triple`) of ``graph`` (default: the default graph) of a pyoxigraph
    ``store``, found by index lookups (one per schema predicate and type), not by scanning the store."""
    graph = ox.DefaultGraph() if graph is None else graph
    found = []
    for p in sorted(SCHEMA_PREDICATES, key=str):
        found += store.quads_for_pattern(None, ox.NamedNode(str(p)), None, graph)
    rdf_type = ox.NamedNode(str(RDF.type))
    for t in sorted(SCHEMA_TYPES, key=str):
        found += store.quads_for_pattern(None, rdf_type, ox.NamedNode(str(t)), graph)
    return found


@dataclass
class Saturation:
    """What one saturation did: the asserted and the owlrl-closed schema, the rule engine (with its steps when
    traced) and the inconsistencies found."""

    tbox: Graph
    closed: Graph  # owlrl's raw closure of the schema, noise included
    engine: RuleEngine
    errors: list[str]
    inferred: tuple[str, ...] = ()  # with keep_inferred: the named graphs holding the inferred triples
    #: the skolem IRIs of the schema's anonymous class expressions (and individuals) in the store, as pyoxigraph terms
    skolems: frozenset = frozenset()


def closed_schema(tbox: Graph) -> tuple[Graph, list[str]]:
    """owlrl's raw closure of the schema ``tbox`` and its inconsistencies (a new graph; ``tbox`` is not changed).

    A server, a test session or a batch of contributions reasons many times over one schema, and owlrl takes
    seconds where the rules take milliseconds: the last few schemas' closures are kept, and copies handed out."""
    closed, errors = _closed_schema(frozenset(tbox))
    copy = Graph()
    copy += closed
    return copy, list(errors)


@functools.lru_cache(maxsize=4)
def _closed_schema(triples: frozenset) -> tuple[Graph, tuple[str, ...]]:
    schema = Graph()
    for triple in triples:
        schema.add(triple)
    closed, errors = owlrl_closure(schema)
    return closed, tuple(errors)


def _closed_schema_into(store, *, keep_inferred: bool) -> tuple[Graph, Graph, list[str], list, list[str]]:
    """Take the schema triples of ``store``'s default graph out, close them with owlrl (:func:`closed_schema`) and
    put the closed schema back, skolemised. Returns the schema as asserted, its raw closure, owlrl's
    inconsistencies, the closed schema's triples kept in the store and (``keep_inferred``) the N-Triples lines of
    its entailments that the store did not hold."""
    quads = schema_quads(store)
    tbox = Graph()
    for q in quads:
        tbox.add(tuple(unskolem(to_rdflib(from_oxigraph(t))) for t in (q.subject, q.predicate, q.object)))
    for q in quads:  # blank nodes come back as skolem IRIs, the rest stays in place
        if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode):
            store.remove(q)
    closed, errors = closed_schema(tbox)
    kept = [t for t in closed if t in tbox or not is_noise(*t)]
    inferred = []  # the schema's own entailments
    if keep_inferred:
        for triple in kept:
            if triple not in tbox and not any(isinstance(x, BNode) for x in triple):
                if ox.Quad(*(to_oxigraph(from_rdflib(x)) for x in triple)) not in store:
                    inferred.append(_line(triple))
    store.bulk_load("".join(map(_line, kept)).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return tbox, closed, errors, kept, inferred


def find_inconsistencies(store) -> list[str]:
    """The inconsistencies :func:`saturate` would report for the default graph of ``store``, found by running only
    the rules whose conclusions the consistency checks can read (:meth:`CompiledRules.for_checks`): for an
    ontology whose one check is an irreflexive symmetric property, the symmetric-property rule alone (about a
    second on a million triples of data, where saturating them takes most of a minute). Changes ``store`` in
    place (it receives that part of the closure): give it a store to spend."""
    _, closed, errors, _, _ = _closed_schema_into(store, keep_inferred=False)
    engine = RuleEngine(compile_rules(closed).for_checks())
    engine.run(store)
    return sorted(set(errors) | set(engine.inconsistencies(store)))


def saturate(store) -> list[str]:
    """Compute the OWL 2 RL closure of the default graph of a pyoxigraph ``store`` in place.

    The schema triples are taken out, closed with owlrl, skolemised and put back; then the compiled rules run to
    a fixpoint. Returns the inconsistencies found. Restriction classes stay skolem IRIs in the store (see
    :func:`unskolem`, :func:`dump_ntriples`); the memberships of individuals in them are removed as noise.
    """
    return saturation(store).errors


def saturation(store, *, trace: bool = False, keep_inferred: bool = False, sink=None) -> Saturation:
    """:func:`saturate`, returning the whole :class:`Saturation` (``trace=True``: see :class:`RuleEngine`).

    ``keep_inferred=True`` leaves the inferred triples (those of the closure that were not asserted, except
    schema bookkeeping about anonymous class expressions, the triples with a skolem IRI) in named graphs of the
    store as well, listed in :attr:`Saturation.inferred`. With it, a ``sink`` (a
    :class:`~aiworkforce.reasoning.persist.StoreWriter`) is told when the default graph holds the asserted
    triples and the closed schema, before any rule runs, and of each of those graphs once its rule step has
    ended (the end of the saturation still takes triples with a skolem IRI out of them: see
    :meth:`~aiworkforce.reasoning.persist.StoreWriter.finish`)."""
    if sink is not None and not keep_inferred:
        raise ValueError("a sink is told of the inferred graphs, which only keep_inferred=True keeps")
    tbox, closed, errors, kept, inferred = _closed_schema_into(store, keep_inferred=keep_inferred)
    engine = RuleEngine(compile_rules(closed), trace=trace)
    if sink is not None:
        sink.asserted(store)
    engine.run(store, keep=keep_inferred, sink=sink)
    graphs = list(engine.graphs)
    if inferred:
        graphs.append(SCHEMA_INFERRED)
        store.bulk_load("".join(inferred).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES,
                        to_graph=ox.NamedNode(SCHEMA_INFERRED))
        if sink is not None:
            sink.inferred(store, SCHEMA_INFERRED, new=False)  # in the default graph since the schema was closed
    errors = list(errors) + engine.inconsistencies(store)
    # memberships in anonymous restriction classes are bookkeeping, not knowledge; nor is anything about them
    # an inferred fact (this changes graphs already told to a sink: it writes what has a skolem IRI at the end)
    skolems = {ox.NamedNode(SKOLEM + str(x)) for t in kept for x in (t[0], t[2]) if isinstance(x, BNode)}
    rdf_type = ox.NamedNode(str(RDF.type))
    for node in skolems:
        found = list(store.quads_for_pattern(None, rdf_type, node, ox.DefaultGraph()))
        for graph in map(ox.NamedNode, graphs):
            found += [*store.quads_for_pattern(node, None, None, graph), *store.quads_for_pattern(None, None, node, graph)]
        for q in found:
            store.remove(q)
    return Saturation(tbox, closed, engine, sorted(set(errors)), tuple(graphs), frozenset(skolems))
