"""Renderings of an :class:`~aiworkforce.reasoning.explain.Explanation`: a text tree and JSON data.

The text tree prints each triple once in full; a triple met again further down says ``(derived above)``
instead of repeating its subtree. JSON nests the whole tree.
"""

from __future__ import annotations

from aiworkforce.rdf.prefixes import PREFIXES
from aiworkforce.rdf.terms import Term


def show_term(term: Term, descriptions: dict | None = None) -> str:
    """A term as a reader wants it: a CURIE, a quoted literal, or a blank node as the class expression it is."""
    if term.kind == "bnode":
        return (descriptions or {}).get(term) or f"_:{term.value}"
    if term.kind == "literal":
        return term.ntriples() if not term.datatype else f'"{term.value}"^^{Term.iri(term.datatype).compact(PREFIXES)}'
    return term.compact(PREFIXES)


def show_triple(triple, descriptions: dict | None = None) -> str:
    return " ".join(show_term(t, descriptions) for t in triple)


def _why(node) -> str:
    if node.asserted:
        return "asserted"
    return node.rule + ("" if node.in_closure else ", an intermediate step")


def explanation_text(explanation) -> str:
    """The derivation as an indented tree: each line a triple and ``[rule]`` or ``[asserted]``."""
    d = explanation.descriptions
    lines: list[str] = []
    seen: set = set()

    def walk(node, prefix: str, last: bool, root: bool) -> None:
        text = f"{show_triple(node.triple, d)}  [{_why(node)}]"
        again = not node.asserted and node.triple in seen
        if again:
            text += " (derived above)"
        lines.append(text if root else f"{prefix}{'└── ' if last else '├── '}{text}")
        if again:
            return
        seen.add(node.triple)
        child = prefix if root else prefix + ("    " if last else "│   ")
        for i, premise in enumerate(node.premises):
            walk(premise, child, i == len(node.premises) - 1, False)

    walk(explanation.derivation, "", True, True)
    if explanation.asserted:
        lines.append("asserted: it is stated in the graph, not inferred")
    return "\n".join(lines) + "\n"


def _term_json(term: Term, labels: dict) -> dict:
    value = labels.setdefault(term, f"b{len(labels)}") if term.kind == "bnode" else term.value
    out = {"type": {"iri": "uri", "bnode": "bnode", "literal": "literal"}[term.kind], "value": value}
    if term.datatype:
        out["datatype"] = term.datatype
    if term.language:
        out["xml:lang"] = term.language
    return out


def derivation_json(node, descriptions: dict | None = None, labels: dict | None = None) -> dict:
    """One node as data: the triple (SPARQL JSON terms, plus ``text``), ``asserted`` or ``rule`` and ``premises``.

    Blank nodes are labelled ``b0``, ``b1``... in order of appearance (their labels in the store change with every
    parse), and described in ``text``."""
    labels = {} if labels is None else labels
    out: dict = {"triple": {k: _term_json(t, labels) for k, t in zip(("subject", "predicate", "object"), node.triple)},
                 "text": show_triple(node.triple, descriptions), "asserted": node.asserted}
    if not node.asserted:
        out["rule"] = node.rule
        out["in_closure"] = node.in_closure
        out["premises"] = [derivation_json(p, descriptions, labels) for p in node.premises]
    return out


def explanation_json(explanation) -> dict:
    return {"engine": explanation.engine, **derivation_json(explanation.derivation, explanation.descriptions)}
