"""SPARQL text: rdflib terms written as SPARQL, and the SELECT queries of the shapes graph read apart.

A compiled query names IRIs and literals of the shapes graph (:func:`sparql_iri`, :func:`sparql_term`) and
embeds the ``sh:select`` text of SPARQL-based constraints (SHACL 5.1,
https://www.w3.org/TR/shacl/#sparql-constraints-syntax) and of SHACL-AF SPARQL targets
(https://www.w3.org/TR/shacl-af/#SPARQLTarget). :func:`parse_select` splits such a query into its prologue,
projection and ``WHERE`` body, scanning a copy with strings, IRIs and comments blanked out (:func:`mask`);
:func:`declared_prefixes` gives the prefixes its ``sh:prefixes`` declare (5.2.1,
https://www.w3.org/TR/shacl/#sparql-prefixes), as pySHACL reads them.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node, Variable

from aiworkforce.errors import UnsupportedShapeError


def sparql_iri(node: Node, where: str = "") -> str:
    if not isinstance(node, URIRef):
        raise UnsupportedShapeError(f"{where}expected an IRI, found {node!r}")
    text = str(node)
    if re.search(r'[\x00-\x20<>"{}|^`\\]', text):
        raise UnsupportedShapeError(f"{where}the IRI <{text}> cannot be written in SPARQL")
    return f"<{text}>"


def sparql_string(text: str) -> str:
    escaped = (
        text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    )
    return f'"{escaped}"'


def sparql_term(node: Node, where: str = "") -> str:
    """An rdflib term as SPARQL text (IRIs and literals; blank nodes cannot be named in a query)."""
    if isinstance(node, URIRef):
        return sparql_iri(node, where)
    if isinstance(node, Literal):
        if node.language:
            return f"{sparql_string(str(node))}@{node.language}"
        if node.datatype is not None:
            return f"{sparql_string(str(node))}^^{sparql_iri(node.datatype, where)}"
        return sparql_string(str(node))
    raise UnsupportedShapeError(f"{where}a blank node ({node!r}) cannot be used as a constant in SPARQL")


_IRIREF = re.compile(r"<[^<>\"{}|^`\\\x00-\x20]*>")
_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"|'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"", re.DOTALL)


def mask(text: str) -> str:
    """``text`` with strings, IRIs and comments blanked out (same length), for scanning the query structure."""
    out = list(text)
    i = 0
    while i < len(text):
        c = text[i]
        m = None
        if c in "'\"":
            m = _STRING.match(text, i)
        elif c == "<":
            m = _IRIREF.match(text, i)
        elif c == "#":
            end = text.find("\n", i)
            end = len(text) if end < 0 else end
            out[i:end] = " " * (end - i)
            i = end
            continue
        if m:
            out[i + 1:m.end() - 1] = "_" * (m.end() - i - 2)
            i = m.end()
        else:
            i += 1
    return "".join(out)


@dataclass
class Select:
    prefixes: dict[str, str]
    projection: str
    variables: tuple[str, ...]
    body: str  # the content of the WHERE group, without its braces
    tail: str  # what follows the WHERE group
    text: str  # the query without its prologue


_PROLOGUE = re.compile(r"\s*(?:PREFIX\s+([A-Za-z][\w.-]*)?\s*:\s*(<[^>]*>)|BASE\s*<[^>]*>)", re.IGNORECASE)


def parse_select(text: str, where: str) -> Select:
    masked = mask(text)
    prefixes: dict[str, str] = {}
    pos = 0
    while True:
        m = _PROLOGUE.match(masked, pos)
        if not m:
            break
        if not m.group(0).strip().upper().startswith("PREFIX"):
            raise UnsupportedShapeError(f"{where}BASE in a SPARQL query is not supported")
        prefixes[m[1] or ""] = _PROLOGUE.match(text, pos)[2][1:-1]
        pos = m.end()
    m = re.compile(r"\s*SELECT\b", re.IGNORECASE).match(masked, pos)
    if not m:
        raise UnsupportedShapeError(f"{where}only SELECT queries are supported in sh:select")
    start = m.start() + len(m.group(0)) - 6
    depth, i = 0, m.end()
    while i < len(masked):
        if masked[i] == "(":
            depth += 1
        elif masked[i] == ")":
            depth -= 1
        elif masked[i] == "{" and depth == 0:
            break
        i += 1
    else:
        raise UnsupportedShapeError(f"{where}the SPARQL query has no WHERE group")
    head = masked[m.end():i]
    head_text = text[m.end():i]
    if re.search(r"\bFROM\b", head, re.IGNORECASE):
        raise UnsupportedShapeError(f"{where}FROM / FROM NAMED in sh:select is not supported")
    projection = re.sub(r"\bWHERE\s*$", "", head_text.rstrip(), flags=re.IGNORECASE).strip()
    depth, j = 0, i
    while j < len(masked):
        if masked[j] == "{":
            depth += 1
        elif masked[j] == "}":
            depth -= 1
            if depth == 0:
                break
        j += 1
    else:
        raise UnsupportedShapeError(f"{where}unbalanced braces in the SPARQL query")
    proj_masked = re.sub(r"^\s*(DISTINCT|REDUCED)\b", "", mask(projection), flags=re.IGNORECASE)
    variables, depth = [], 0
    for tok in re.finditer(r"\(|\)|\bAS\s+[?$](\w+)|[?$](\w+)|\*", proj_masked, re.IGNORECASE):
        if tok[0] == "(":
            depth += 1
        elif tok[0] == ")":
            depth -= 1
        elif tok[1]:
            variables.append(tok[1])
        elif tok[0] == "*" and depth == 0:
            raise UnsupportedShapeError(f"{where}SELECT * in sh:select is not supported: name the variables")
        elif depth == 0 and tok[2]:
            variables.append(tok[2])
    return Select(prefixes, projection, tuple(variables), text[i + 1:j], text[j + 1:], text[start:])


def declared_prefixes(sg: Graph, node: Node) -> dict[str, str]:
    """The prefixes pySHACL declares for the sh:select of ``node`` (rdf, rdfs, owl and the sh:prefixes)."""
    prefixes = {"rdf": str(RDF), "rdfs": str(RDFS), "owl": str(OWL)}
    ontologies = set(sg.subjects(RDF.type, OWL.Ontology))
    global_declares = {d for o in ontologies for d in sg.objects(o, SH.declare)}
    for holder in sg.objects(node, SH.prefixes):
        own = set(sg.objects(holder, SH.declare))
        declares = own if (own and holder in ontologies) else global_declares | own
        for dec in declares:
            prefix, namespace = list(sg.objects(dec, SH.prefix)), list(sg.objects(dec, SH.namespace))
            if len(prefix) != 1 or len(namespace) != 1:
                raise UnsupportedShapeError(f"sh:declare {dec} needs exactly one sh:prefix and one sh:namespace")
            prefixes[str(prefix[0])] = str(namespace[0])
    return prefixes


def prologue(prefixes: dict[str, str]) -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items()))


def merge_prefixes(into: dict[str, str], more: dict[str, str], where: str) -> None:
    for p, ns in more.items():
        if into.get(p, ns) != ns:
            raise UnsupportedShapeError(
                f"{where}the prefix {p}: means <{into[p]}> in the target query and <{ns}> in the constraint query")
        into[p] = ns


#: Algebra operators through which the outer solution flows unchanged into the pattern below.
_PASS_THROUGH = {"Project", "Distinct", "Reduced", "Slice", "OrderBy", "ToMultiSet", "SelectQuery"}


@functools.lru_cache(maxsize=1024)
def prebinding_is_join(query: str, variables: tuple[str, ...] = ("this",)) -> bool:
    """:func:`decide_prebinding`, remembered across processes (:mod:`.decisions`): rdflib's SPARQL parser, which
    it needs, took a third of a whole ``aiworkforce validate``."""
    from aiworkforce.validation.shacl import decisions  # imports this module

    return decisions.remembered(query, variables, decide_prebinding)


def decide_prebinding(query: str, variables: tuple[str, ...] = ("this",)) -> bool:
    """True when pre-binding ``variables`` (SHACL 5.3.1) gives the same answers as joining the query with them.

    The compiled query binds ``?this`` by joining the constraint's ``WHERE`` with the focus nodes, which equals
    SHACL's pre-binding only where the variable is used at the top of the group: a ``FILTER`` or ``BIND`` inside a
    nested group, a ``UNION`` branch or an ``OPTIONAL`` runs before that join and sees the variable unbound. The
    decision is taken on the SPARQL algebra of ``query`` (the text the engine runs, with a pattern binding
    ``?this`` first), not on its text.
    """
    names = {Variable(v) for v in variables}

    def mentions(expr) -> bool:
        if isinstance(expr, Variable):
            return expr in names
        if isinstance(expr, CompValue):
            return any(mentions(v) for k, v in expr.items() if k != "_vars")
        if isinstance(expr, (list, tuple)):
            return any(mentions(x) for x in expr)
        return False

    def binds(node) -> set:
        """The variables every solution of ``node`` binds."""
        if not isinstance(node, CompValue):
            return set()
        if node.name == "BGP":
            return {t for triple in node["triples"] for t in triple if isinstance(t, Variable)}
        if node.name == "Join":
            return binds(node["p1"]) | binds(node["p2"])
        if node.name in ("Filter", "LeftJoin"):
            return binds(node.get("p") if node.name == "Filter" else node["p1"])
        if node.name == "Extend":
            return binds(node["p"]) | {node["var"]}
        if node.name == "Union":
            return binds(node["p1"]) & binds(node["p2"])
        return set()

    def safe_expr(expr, top: bool) -> bool:
        """An expression: fine at the top, or where its own group binds the variables; elsewhere only if it does
        not use them. EXISTS patterns are evaluated with the outer solution, so their own top is a top."""
        if isinstance(expr, CompValue):
            if expr.name.startswith("Builtin_") and "EXISTS" in expr.name and "graph" in expr:
                # rdflib keeps the translated pattern as an attribute (``expr.graph``); ``expr["graph"]`` is the
                # pattern as parsed, which ``walk`` cannot read
                return walk(expr.graph, top)
            return all(safe_expr(v, top) for k, v in expr.items() if k not in ("_vars",))
        if isinstance(expr, (list, tuple)):
            return all(safe_expr(x, top) for x in expr)
        return top or not (isinstance(expr, Variable) and expr in names)

    def walk(node, top: bool) -> bool:
        if not isinstance(node, CompValue):
            return True
        name = node.name
        if name in _PASS_THROUGH:
            return walk(node.get("p"), top)
        if name in ("Filter", "Extend"):
            local = top or names <= binds(node["p"])
            return safe_expr(node["expr"], local) and walk(node["p"], top)
        if name == "BGP":
            return True
        if name == "LeftJoin":
            expr = node.get("expr")
            local = top or names <= (binds(node["p1"]) | binds(node["p2"]))
            return (walk(node["p1"], top) and walk(node["p2"], False)
                    and (expr is None or safe_expr(expr, local)))
        if name == "Join":
            return walk(node["p1"], False) and walk(node["p2"], False)
        if name == "Union":
            return walk(node["p1"], False) and walk(node["p2"], False)
        return not mentions(node)  # anything else (sub-queries, GRAPH, MINUS...): only if it does not use them

    try:
        algebra = translateQuery(parseQuery(query)).algebra
    except Exception:  # noqa: BLE001 - rdflib's parser raises many kinds; Oxigraph has the last word anyway
        return False
    return walk(algebra, True)
