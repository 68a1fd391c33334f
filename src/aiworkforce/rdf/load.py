"""Read RDF files into rdflib graphs, safely and with errors that name the file and line.

Parsing never reaches the network or other files: RDF/XML with a DOCTYPE (where entity expansion and
external entities live) is refused, and JSON-LD is only accepted with inline contexts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph

from aiworkforce.errors import DataError, InputError, RDFSyntaxError
from aiworkforce.rdf.formats import SYNTAXES, by_suffix
from aiworkforce.rdf.namespaces import bind_all
from aiworkforce.rdf.resources import data_files

#: Refuse inputs larger than this many bytes (a contribution is a few kilobytes).
MAX_BYTES = 50 * 1024 * 1024

_DOCTYPE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_REMOTE_CONTEXT = re.compile(rb'"@context"\s*:\s*(\[\s*)?"')


def guess_format(path: Path) -> str:
    """rdflib's parser name for ``path``, by its suffix."""
    return by_suffix(path).rdflib


def read_text(path: Path, *, max_bytes: int = MAX_BYTES) -> str:
    """Read a UTF-8 text file, turning every operating-system or encoding problem into :class:`InputError`."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputError(f"file is too large ({size:,} bytes; the limit is {max_bytes:,})", path=path)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", path=path, hint="check the path and the current directory") from None
    except IsADirectoryError:
        raise InputError("is a directory, not a file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=path) from None
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


def parse_text(text: str, fmt: str, *, path: Path | str = "<input>", graph: Graph | None = None) -> Graph:
    """Parse ``text`` in rdflib format ``fmt`` into ``graph`` (a new graph by default)."""
    raw = text.encode("utf-8", "surrogatepass")
    if fmt == "xml" and _DOCTYPE.search(raw):
        raise InputError(
            "RDF/XML with a DOCTYPE or ENTITY declaration is refused (entity expansion can exhaust memory or read files)",
            path=path,
            hint="remove the <!DOCTYPE ...> block and write entities out in full",
        )
    if fmt == "json-ld" and _REMOTE_CONTEXT.search(raw):
        raise InputError(
            "JSON-LD with a remote @context is refused (it would be fetched over the network)",
            path=path,
            hint="inline the context as a JSON object",
        )
    target = graph if graph is not None else Graph()
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
    return target


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
