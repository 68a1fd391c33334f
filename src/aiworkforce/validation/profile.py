"""A structural check of the ontology against the OWL 2 RL profile.

No OWL 2 RL profile checker exists for Python, so this module implements the profile's grammar
(OWL 2 Profiles, section 4.2) over the RDF mapping: every class expression must be of the kind the profile allows
in its position (sub-class, super-class or equivalent-class side), only RL property characteristics are used,
properties that must be *simple* are (global restriction of OWL 2 DL), and every class and property used is
declared, which OWL tools such as Protégé and the OWL API need to type terms without guessing.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD
from rdflib.term import Node


@dataclass(frozen=True)
class ProfileIssue:
    subject: Node
    message: str

    def __str__(self) -> str:
        return f"{self.subject}: {self.message}"


_RESTRICTION_KINDS = (
    OWL.someValuesFrom, OWL.allValuesFrom, OWL.hasValue, OWL.maxCardinality, OWL.maxQualifiedCardinality,
    OWL.minCardinality, OWL.minQualifiedCardinality, OWL.cardinality, OWL.qualifiedCardinality, OWL.hasSelf,
)
_NOT_RL_PROPERTY_TYPES = (OWL.ReflexiveProperty,)
_NEEDS_SIMPLE = (OWL.FunctionalProperty, OWL.InverseFunctionalProperty, OWL.IrreflexiveProperty,
                 OWL.AsymmetricProperty)
_BUILTIN_PREFIXES = (str(RDF), str(RDFS), str(OWL), str(XSD))
_PROPERTY_TYPES = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)


class _Checker:
    def __init__(self, graph: Graph) -> None:
        self.g = graph
        self.issues: list[ProfileIssue] = []

    def fail(self, subject: Node, message: str) -> None:
        self.issues.append(ProfileIssue(subject, message))

    # -- class expressions -------------------------------------------------------------------------------
    def _kind(self, node: Node) -> URIRef | None:
        if isinstance(node, URIRef):
            return None
        for prop in (OWL.intersectionOf, OWL.unionOf, OWL.complementOf, OWL.oneOf):
            if self.g.value(node, prop) is not None:
                return prop
        for prop in _RESTRICTION_KINDS:
            if self.g.value(node, prop) is not None:
                return prop
        return RDF.nil

    def _filler(self, node: Node, prop: URIRef) -> Node | None:
        filler = self.g.value(node, prop)
        return filler if filler is not None else self.g.value(node, OWL.onClass)

    def sub(self, node: Node, where: Node) -> None:
        """OWL 2 RL subClassExpression."""
        kind = self._kind(node)
        if kind is None:
            if node == OWL.Thing:
                self.fail(where, "owl:Thing is not allowed as a sub-class expression in OWL 2 RL")
            return
        if kind in (OWL.intersectionOf, OWL.unionOf):
            for item in self.g.items(self.g.value(node, kind)):
                self.sub(item, where)
        elif kind == OWL.oneOf or kind == OWL.hasValue:
            return
        elif kind == OWL.someValuesFrom:
            filler = self.g.value(node, OWL.someValuesFrom)
            if filler != OWL.Thing:
                self.sub(filler, where)
        else:
            self.fail(where, f"{self._name(kind)} is not allowed on the sub-class side in OWL 2 RL")

    def sup(self, node: Node, where: Node) -> None:
        """OWL 2 RL superClassExpression."""
        kind = self._kind(node)
        if kind is None:
            if node == OWL.Thing:
                self.fail(where, "owl:Thing is not allowed as a super-class expression in OWL 2 RL")
            return
        if kind == OWL.intersectionOf:
            for item in self.g.items(self.g.value(node, kind)):
                self.sup(item, where)
        elif kind == OWL.complementOf:
            self.sub(self.g.value(node, kind), where)
        elif kind == OWL.allValuesFrom:
            self.sup(self.g.value(node, kind), where)
        elif kind == OWL.hasValue:
            return
        elif kind in (OWL.maxCardinality, OWL.maxQualifiedCardinality):
            if int(self.g.value(node, kind)) not in (0, 1):
                self.fail(where, "max cardinality above 1 is not allowed in OWL 2 RL")
            on_class = self.g.value(node, OWL.onClass)
            if on_class is not None and on_class != OWL.Thing:
                self.sub(on_class, where)
            self.simple(self.g.value(node, OWL.onProperty), where, "used in a cardinality restriction")
        else:
            self.fail(where, f"{self._name(kind)} is not allowed on the super-class side in OWL 2 RL")

    def equiv(self, node: Node, where: Node) -> None:
        """OWL 2 RL equivClassExpression."""
        kind = self._kind(node)
        if kind is None:
            if node == OWL.Thing:
                self.fail(where, "owl:Thing is not allowed in an equivalence in OWL 2 RL")
            return
        if kind == OWL.intersectionOf:
            for item in self.g.items(self.g.value(node, kind)):
                self.equiv(item, where)
        elif kind != OWL.hasValue:
            self.fail(where, f"{self._name(kind)} is not allowed in an equivalent-class axiom in OWL 2 RL")

    # -- properties ----------------------------------------------------------------------------------------
    def non_simple(self) -> set[Node]:
        g = self.g
        base = set(g.subjects(RDF.type, OWL.TransitiveProperty)) | set(g.subjects(OWL.propertyChainAxiom, None))
        result = set(base)
        changed = True
        while changed:  # a property with a non-simple sub-property (or inverse) is non-simple
            changed = False
            for sub, sup in list(g.subject_objects(RDFS.subPropertyOf)):
                if sub in result and sup not in result:
                    result.add(sup)
                    changed = True
            for a, b in list(g.subject_objects(OWL.inverseOf)):
                for x, y in ((a, b), (b, a)):
                    if x in result and y not in result:
                        result.add(y)
                        changed = True
        return result

    def simple(self, prop: Node, where: Node, why: str) -> None:
        if prop in self._non_simple:
            self.fail(where, f"{self._name(prop)} is transitive or defined by a chain, so it cannot be {why}")

    def _name(self, node: Node) -> str:
        return self.g.namespace_manager.normalizeUri(node) if isinstance(node, URIRef) else str(node)

    # -- the whole graph -------------------------------------------------------------------------------------
    def run(self) -> list[ProfileIssue]:
        g = self.g
        self._non_simple = self.non_simple()
        for sub, sup in g.subject_objects(RDFS.subClassOf):
            self.sub(sub, sub)
            self.sup(sup, sub)
        for a, b in g.subject_objects(OWL.equivalentClass):
            self.equiv(a, a)
            self.equiv(b, a)
        for a, b in g.subject_objects(OWL.disjointWith):
            self.sub(a, a)
            self.sub(b, a)
        for prop, cls in list(g.subject_objects(RDFS.domain)) + list(g.subject_objects(RDFS.range)):
            if self._kind(cls) is not None or not str(cls).startswith(str(XSD)):
                self.sup(cls, prop)
        for individual, cls in g.subject_objects(RDF.type):
            if isinstance(cls, BNode) and g.value(cls, RDF.type) != OWL.AllDisjointClasses:
                self.sup(cls, individual)
        for kind in _NOT_RL_PROPERTY_TYPES:
            for prop in g.subjects(RDF.type, kind):
                self.fail(prop, f"{self._name(kind)} is not allowed in OWL 2 RL")
        for kind in _NEEDS_SIMPLE:
            for prop in g.subjects(RDF.type, kind):
                self.simple(prop, prop, f"declared {self._name(kind)}")
        self.declarations()
        return sorted(set(self.issues), key=lambda i: (str(i.subject), i.message))

    def declarations(self) -> None:
        """Every property and class used must be declared (typed), as OWL 2 DL requires."""
        g = self.g
        declared_props = {p for t in _PROPERTY_TYPES for p in g.subjects(RDF.type, t)}
        for prop in set(g.predicates()):
            if not str(prop).startswith(_BUILTIN_PREFIXES) and prop not in declared_props:
                self.fail(prop, "property is used but not declared as an owl:ObjectProperty, "
                                "owl:DatatypeProperty or owl:AnnotationProperty")
        declared_classes = set(g.subjects(RDF.type, OWL.Class))
        for cls in set(g.objects(None, RDF.type)):
            if isinstance(cls, URIRef) and not str(cls).startswith(_BUILTIN_PREFIXES) and cls not in declared_classes:
                self.fail(cls, "class is used but not declared as an owl:Class")
        object_props = set(g.subjects(RDF.type, OWL.ObjectProperty))
        data_props = set(g.subjects(RDF.type, OWL.DatatypeProperty))
        for prop in object_props & data_props:
            self.fail(prop, "declared both an object property and a datatype property")


def check_rl_profile(graph: Graph) -> list[ProfileIssue]:
    """Return every place where ``graph`` leaves the OWL 2 RL profile (an empty list means it is in it)."""
    return _Checker(graph).run()
