"""The SHACL vocabulary the compiler knows, and the marks its queries share with the runner.

Which ``sh:`` parameters constrain and which only annotate a shape (SHACL 2.1 Shapes,
https://www.w3.org/TR/shacl/#shapes, and 2.3.2 Non-Validating Property Shape Characteristics,
https://www.w3.org/TR/shacl/#nonValidation), the kinds of targets (2.1.3 Targets,
https://www.w3.org/TR/shacl/#targets), and the constraint component of each parameter (4 Core Constraint
Components, https://www.w3.org/TR/shacl/#core-components, and 5 SPARQL-based Constraints,
https://www.w3.org/TR/shacl/#sparql-constraints). Also the marks a compiled query carries (:data:`FOCUS_MARK`)
and the private named graph (:data:`MARKS`) where :func:`~aiworkforce.validation.shacl.runner.graph_to_store`
records what Oxigraph cannot represent.
"""

from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import RDF, RDFS, SH, XSD

TYPE_PATH = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
FOCUS_MARK = "#@focus-nodes\n"  # replaced by a VALUES clause when validating selected focus nodes only
#: Private named graph where graph_to_store records what Oxigraph cannot represent: the literals rdflib considers
#: ill-typed (<G> <G#ill-typed> literal) and the datatype a literal had before Oxigraph stored it as another one
#: (<datatype> <G#datatype> literal; Oxigraph keeps xsd:int, xsd:long... as xsd:integer).
MARKS = "urn:x-aiworkforce:shaclsparql:marks"
ILL_TYPED = f"<{MARKS}> <{MARKS}#ill-typed>"
RETYPED = f"<{MARKS}#datatype>"
#: What :func:`aiworkforce.validation.report.problems_from_report` reports for a result without message.
NO_MESSAGE = "constraint not met"

#: Datatypes whose lexical form is checked by a cast (pySHACL checks rdflib's ``ill_typed`` for these).
CHECKED_DATATYPES = {
    XSD[n]
    for n in ("integer", "decimal", "float", "double", "boolean", "date", "time", "dateTime", "duration",
              "dayTimeDuration", "yearMonthDuration")
}
#: Literal datatypes whose rdflib value is a Python ``str`` (pySHACL compares them as strings).
STRING_DATATYPES = (XSD.string, RDF.langString, XSD.normalizedString, XSD.token, XSD.language, XSD.anyURI)
NUMERIC_OR_TIME = {
    XSD[n]
    for n in ("integer", "decimal", "float", "double", "int", "long", "short", "byte", "nonNegativeInteger",
              "positiveInteger", "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong",
              "unsignedShort", "unsignedByte", "date", "dateTime", "time")
}

NODE_KINDS = {
    SH.IRI: "isIRI({x})",
    SH.BlankNode: "isBlank({x})",
    SH.Literal: "isLiteral({x})",
    SH.BlankNodeOrIRI: "!isLiteral({x})",
    SH.BlankNodeOrLiteral: "!isIRI({x})",
    SH.IRIOrLiteral: "!isBlank({x})",
}

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: Shape predicates that carry no constraint (annotations and the bits other parameters read).
PASSIVE = {
    SH.path, SH.severity, SH.message, SH.deactivated, SH.name, SH.description, SH.order, SH.group,
    SH.defaultValue, SH.flags, SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.qualifiedValueShapesDisjoint,
    SH.ignoredProperties, SH.prefixes, SH.declare,
}
VALUE_PARAMS = (
    SH["class"], SH.datatype, SH.nodeKind, SH.pattern, SH.minLength, SH.maxLength, SH.languageIn, SH["in"],
    SH.minInclusive, SH.minExclusive, SH.maxInclusive, SH.maxExclusive, SH.node, SH["not"], SH["and"], SH["or"],
    SH.xone,
)
COUNT_PARAMS = (SH.minCount, SH.maxCount, SH.uniqueLang, SH.qualifiedValueShape)
PAIR_PARAMS = (SH.equals, SH.disjoint, SH.lessThan, SH.lessThanOrEquals)
OTHER_PARAMS = (SH.hasValue, SH.closed, SH.sparql, SH.property)
SUPPORTED = set(VALUE_PARAMS + COUNT_PARAMS + PAIR_PARAMS + OTHER_PARAMS + TARGETS) | PASSIVE
#: pySHACL refuses these on a node shape (and ignores sh:qualifiedValueShape there): an error here.
PROPERTY_ONLY = {SH.minCount, SH.maxCount, SH.uniqueLang, SH.lessThan, SH.lessThanOrEquals, SH.qualifiedValueShape}

COMPONENTS = {
    SH["class"]: SH.ClassConstraintComponent,
    SH.datatype: SH.DatatypeConstraintComponent,
    SH.nodeKind: SH.NodeKindConstraintComponent,
    SH.pattern: SH.PatternConstraintComponent,
    SH.minLength: SH.MinLengthConstraintComponent,
    SH.maxLength: SH.MaxLengthConstraintComponent,
    SH.languageIn: SH.LanguageInConstraintComponent,
    SH["in"]: SH.InConstraintComponent,
    SH.minInclusive: SH.MinInclusiveConstraintComponent,
    SH.minExclusive: SH.MinExclusiveConstraintComponent,
    SH.maxInclusive: SH.MaxInclusiveConstraintComponent,
    SH.maxExclusive: SH.MaxExclusiveConstraintComponent,
    SH.node: SH.NodeConstraintComponent,
    SH["not"]: SH.NotConstraintComponent,
    SH["and"]: SH.AndConstraintComponent,
    SH["or"]: SH.OrConstraintComponent,
    SH.xone: SH.XoneConstraintComponent,
    SH.minCount: SH.MinCountConstraintComponent,
    SH.maxCount: SH.MaxCountConstraintComponent,
    SH.uniqueLang: SH.UniqueLangConstraintComponent,
    SH.equals: SH.EqualsConstraintComponent,
    SH.disjoint: SH.DisjointConstraintComponent,
    SH.lessThan: SH.LessThanConstraintComponent,
    SH.lessThanOrEquals: SH.LessThanOrEqualsConstraintComponent,
    SH.hasValue: SH.HasValueConstraintComponent,
    SH.closed: SH.ClosedConstraintComponent,
    SH.sparql: SH.SPARQLConstraintComponent,
}

#: The message of a result whose shape has no sh:message: the wording of each component's definition in the
#: SHACL specification (4 Core Constraint Components), as a validator without shape messages reports it.
_DEFAULT_MESSAGES = {
    SH.ClassConstraintComponent: "Value is not an instance of the required class",
    SH.DatatypeConstraintComponent: "Value is not a well-formed literal of the required datatype",
    SH.NodeKindConstraintComponent: "Value does not have the required node kind",
    SH.PatternConstraintComponent: "Value does not match the required pattern",
    SH.MinLengthConstraintComponent: "Value is shorter than the minimum length",
    SH.MaxLengthConstraintComponent: "Value is longer than the maximum length",
    SH.LanguageInConstraintComponent: "Value does not have one of the allowed language tags",
    SH.InConstraintComponent: "Value is not one of the allowed values",
    SH.MinInclusiveConstraintComponent: "Value is less than the minimum (inclusive)",
    SH.MinExclusiveConstraintComponent: "Value is not greater than the minimum (exclusive)",
    SH.MaxInclusiveConstraintComponent: "Value is greater than the maximum (inclusive)",
    SH.MaxExclusiveConstraintComponent: "Value is not less than the maximum (exclusive)",
    SH.NodeConstraintComponent: "Value does not conform to the required node shape",
    SH.NotConstraintComponent: "Value conforms to a shape it must not conform to",
    SH.AndConstraintComponent: "Value does not conform to every shape of sh:and",
    SH.OrConstraintComponent: "Value does not conform to any shape of sh:or",
    SH.XoneConstraintComponent: "Value does not conform to exactly one shape of sh:xone",
    SH.MinCountConstraintComponent: "Fewer values than the minimum count",
    SH.MaxCountConstraintComponent: "More values than the maximum count",
    SH.UniqueLangConstraintComponent: "Several values share a language tag",
    SH.EqualsConstraintComponent: "The values differ from those of the property that must be equal",
    SH.DisjointConstraintComponent: "Value is also a value of the property that must be disjoint",
    SH.LessThanConstraintComponent: "Value is not less than a value of the compared property",
    SH.LessThanOrEqualsConstraintComponent: "Value is greater than a value of the compared property",
    SH.HasValueConstraintComponent: "The required value is missing",
    SH.ClosedConstraintComponent: "The node has a property the closed shape does not allow",
    SH.QualifiedMinCountConstraintComponent: "Fewer values conform to the qualified shape than the minimum",
    SH.QualifiedMaxCountConstraintComponent: "More values conform to the qualified shape than the maximum",
}


def default_message(component) -> tuple:
    """The messages of a result whose shape has none: the component's default message, as a 1-tuple."""
    return (Literal(_DEFAULT_MESSAGES.get(component, NO_MESSAGE)),)
