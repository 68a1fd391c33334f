"""Read RDF files into rdflib graphs, safely and with errors that name the file and line.

Parsing never reaches the network or other files: RDF/XML with a DOCTYPE (where entity expansion and
external entities live) is refused, and JSON-LD is only accepted with inline contexts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from aiworkforce.errors import DataError, InputError, RDFSyntaxError
from aiworkforce.rdf.files import open_input
from aiworkforce.rdf.formats import SYNTAXES, by_suffix
from aiworkforce.rdf.namespaces import bind_all
from aiworkforce.rdf.resources import data_files

#: Refuse inputs larger than this many bytes (a contribution is a few kilobytes).
MAX_BYTES = 50 * 1024 * 1024

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
#: characters no literal may hold: C0 controls but tab, line feed and carriage return; DEL; lone surrogates
_BAD_LITERAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
#: characters no IRI may hold (RFC 3987 and the Turtle IRIREF production)
_BAD_IRI = re.compile('[\x00-\x20<>"{}|^`\\\x7f\ud800-\udfff]')


def refuse_xml_entities(raw: bytes, path) -> None:
    """Refuse RDF/XML that declares a DOCTYPE or an entity anywhere in ``raw``, or that is not UTF-8 bytes (an
    XML parser would read UTF-16 and find declarations a byte scan cannot)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw:
        raise InputError("RDF/XML that is not UTF-8 is refused", path=path, hint="save the file as UTF-8")
    match = _DOCTYPE.search(raw)
    if match:
        line = raw.count(b"\n", 0, match.start()) + 1
        raise InputError(
            "RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion can exhaust memory or read files)",
            path=path, line=line, hint="remove the <!DOCTYPE ...> block and write entities out in full")


def refuse_remote_contexts(text: str, path) -> None:
    """Refuse JSON-LD that names a context to fetch or read (``"@context": "url"``, in a list too, or ``@import``),
    decided on the parsed JSON (so ``"\\u0040context"`` is a context too)."""
    try:
        doc = json.loads(text)
    except RecursionError:
        raise InputError("JSON nested too deeply", path=path) from None
    except ValueError as exc:
        line = getattr(exc, "lineno", None)
        raise RDFSyntaxError(f"JSON-LD syntax error: {getattr(exc, 'msg', exc)}", path=path, line=line) from None
    todo = [doc]
    while todo:
        node = todo.pop()
        if isinstance(node, list):
            todo.extend(node)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@import" or (key == "@context" and (
                        isinstance(value, str) or (isinstance(value, list) and any(isinstance(v, str) for v in value)))):
                    raise InputError(
                        "JSON-LD with a remote @context is refused (a context named by IRI"
                        f"{' through @import' if key == '@import' else ''} would be fetched or read)",
                        path=path, hint="inline the context as a JSON object")
                todo.append(value)


def _problem(term) -> tuple[str, str | None] | None:
    """Why ``term`` cannot be stored (the character at fault, or None), or None if it can. IRIs are judged by the
    store that will hold them (pyoxigraph parses them by RFC 3987), after a check of the characters."""
    if isinstance(term, Literal):
        found = _BAD_LITERAL.search(str(term))
        if found:
            return "holds a character RDF data may not hold here", found.group(0)
        if term.datatype is not None:
            return _problem(URIRef(str(term.datatype)))
        if term.language:
            try:
                ox.Literal("x", language=term.language)
            except ValueError as exc:
                return f"has an invalid language tag ({exc})", None
        return None
    found = _BAD_IRI.search(str(term))
    if found:
        return "holds a character IRIs may not hold", found.group(0)
    try:
        ox.NamedNode(str(term))
    except ValueError as exc:
        return f"is not a valid absolute IRI ({exc})", None
    return None


def refuse_bad_terms(graph: Graph | Iterable[tuple], text: str | None, path, locate=None) -> None:
    """Refuse a literal with a control character or a lone surrogate, and an IRI the store cannot hold (a space,
    a control character, no scheme, a misplaced character), naming the line (``locate(triple)``, or where the
    term, or the character or its escape, stands in ``text``)."""
    seen: set = set()
    for triple in graph:
        for term in triple:
            if isinstance(term, BNode) or term in seen:
                continue
            seen.add(term)
            problem = _problem(term)
            if problem is None:
                continue
            why, char = problem
            what = "a literal" if isinstance(term, Literal) else "an IRI"
            line = locate(triple) if locate else None
            if line is None and text is not None:
                forms = [str(term)]
                if char is not None and char != " ":
                    forms += [char, f"\\u{ord(char):04x}", f"\\u{ord(char):04X}", f"\\U{ord(char):08x}",
                              f"\\U{ord(char):08X}"]
                for form in forms:
                    at = text.find(form)
                    if at >= 0:
                        line = text.count("\n", 0, at) + 1
                        break
            shown = str(term)[:60].encode("unicode_escape", "backslashreplace").decode()
            code = f" (U+{ord(char):04X})" if char is not None else ""
            raise InputError(f"{what} {why}{code}: '{shown}'", path=path, line=line,
                             hint="remove control characters; write IRIs in full with a scheme, spaces as %20")


def guess_format(path: Path) -> str:
    """rdflib's parser name for ``path``, by its suffix."""
    return by_suffix(path).rdflib


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read a UTF-8 text file, turning every operating-system or encoding problem into :class:`InputError`."""
    with open_input(path) as handle:
        try:
            data = handle.read(max_bytes + 1)  # bounded: a file may grow, a pipe may not end
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror or exc}", path=path) from None
    if len(data) > max_bytes:
        size = max(len(data), _size(path))
        raise InputError(f"file is too large ({size:,} bytes; the limit is {max_bytes:,})", path=path)
    if b"\x00" in data[:8192]:
        raise InputError("binary data, not an RDF text file", path=path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(
            f"not valid UTF-8 (byte 0x{data[exc.start]:02x})",
            path=path,
            line=line,
            hint="save the file as UTF-8",
        ) from None


#: rdflib's parser names that pyoxigraph's parser reads too.
_OX_SYNTAX = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}
#: What pyoxigraph reads differently from rdflib: it lower-cases language tags (``@en-GB``) and does not tell an
#: explicit ``^^xsd:string`` from a plain literal. A text that may hold either is read by rdflib.
#: Nor does it stop at deep nesting (``[ [ [ ...``), which rdflib refuses and later steps, recursive, could not take.
_RDFLIB_ONLY = re.compile(r"@[A-Za-z0-9-]*[A-Z]|\^\^\s*\S*string|[\[(](?:[^\[\]()]*[\[(]){63}")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _read_fast(text: str, fmt: str) -> tuple[list[tuple], dict[str, str]] | None:
    """The triples and prefixes of ``text`` read by pyoxigraph's parser (several times faster than rdflib's on
    Turtle), as the terms rdflib's parser would give; None when it cannot, and rdflib's parser reads it instead:
    another syntax, a text pyoxigraph reads differently, or a syntax error (whose message then comes from rdflib,
    with its line)."""
    syntax = _OX_SYNTAX.get(fmt)
    if syntax is None or _RDFLIB_ONLY.search(text):
        return None
    blanks: dict[str, BNode] = {}  # a blank node label stands for a new node in each document, as in rdflib

    def term(node):
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.Literal):
            if node.language:
                return Literal(node.value, lang=node.language)
            datatype = node.datatype.value
            return Literal(node.value, datatype=None if datatype == _XSD_STRING else URIRef(datatype))
        if isinstance(node, ox.BlankNode):
            return blanks.setdefault(node.value, BNode())
        raise ValueError(f"not an RDF 1.1 term: {node}")  # an RDF 1.2 triple term

    try:
        parser = ox.parse(text.encode("utf-8", "surrogatepass"), format=syntax)
        triples = [(term(t.subject), term(t.predicate), term(t.object)) for t in parser]
    except (SyntaxError, ValueError, UnicodeError):
        return None
    return triples, dict(parser.prefixes)


def parse_text(text: str, fmt: str, *, path: Path | str = "<input>", graph: Graph | None = None) -> Graph:
    """Parse ``text`` in rdflib format ``fmt`` into ``graph`` (a new graph by default)."""
    raw = text.encode("utf-8", "surrogatepass")
    if fmt == "xml":
        refuse_xml_entities(raw, path)
    if fmt == "json-ld":
        refuse_remote_contexts(text, path)
    fast = _read_fast(text, fmt)
    if fast is not None:  # only this text's terms are checked, then added once
        triples, prefixes = fast
        refuse_bad_terms(triples, text, path)
        target = Graph() if graph is None else graph
        for prefix, namespace in prefixes.items():
            target.bind(prefix, namespace)
        target.addN((s, p, o, target) for s, p, o in triples)
        return target
    # Into a graph of its own first, so that only this text's terms are checked below: checking the whole target
    # after each file made reading N files quadratic (load_core reads twenty).
    target = Graph() if graph is None else Graph(bind_namespaces="none")
    try:
        target.parse(data=text, format=fmt)
    except SyntaxError as exc:  # rdflib's Turtle/N3 BadSyntax and the XML parser's errors
        line = getattr(exc, "lines", None)
        line = line + 1 if isinstance(line, int) else getattr(exc, "lineno", None)
        why = getattr(exc, "_why", None) or exc.msg if hasattr(exc, "msg") else str(exc)
        raise RDFSyntaxError(f"{_fmt_name(fmt)} syntax error: {why}", path=path, line=line,
                             hint="fix the statement at this line; every statement ends with ' .'") from None
    except Exception as exc:  # noqa: BLE001 - rdflib raises many unrelated types for malformed input
        line = getattr(exc, "lineno", None) or getattr(exc, "lines", None)
        raise RDFSyntaxError(f"{_fmt_name(fmt)} cannot be parsed: {exc}", path=path,
                             line=line if isinstance(line, int) else None) from None
    refuse_bad_terms(target, text, path)
    if graph is None:
        return target
    for prefix, namespace in target.namespaces():  # what parsing into ``graph`` would have bound
        graph.bind(prefix, namespace)
    graph += target
    return graph


def _fmt_name(fmt: str) -> str:
    return next((s.label for s in SYNTAXES if s.rdflib == fmt), fmt)


def parse_file(path: str | Path, *, fmt: str | None = None, graph: Graph | None = None) -> Graph:
    """Parse one RDF file; raise :class:`InputError` naming the file (and line) on any problem."""
    path = Path(path)
    fmt = fmt or guess_format(path)
    return parse_text(read_text(path), fmt, path=path, graph=graph)


def parse_files(paths: Iterable[str | Path], *, graph: Graph | None = None) -> Graph:
    """Parse several RDF files into one graph."""
    target = graph if graph is not None else Graph()
    for path in paths:
        parse_file(path, graph=target)
    return target


def _bind_prefixes(graph: Graph) -> Graph:
    bind_all(graph)
    return graph


def load_core() -> Graph:
    """The asserted knowledge graph: the ontology (TBox) and every knowledge-base module, as one graph."""
    try:
        return _bind_prefixes(parse_files(data_files("ontology")))
    except InputError as exc:
        raise DataError(f"the packaged knowledge graph is broken: {exc.message}") from None


def load_shapes() -> Graph:
    """All SHACL shapes as one graph."""
    try:
        return _bind_prefixes(parse_files(data_files("shapes")))
    except InputError as exc:
        raise DataError(f"the packaged shapes are broken: {exc.message}") from None
