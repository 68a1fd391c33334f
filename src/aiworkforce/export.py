"""Serialising graphs and writing files atomically, so an interrupted run never leaves half a file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from rdflib import Graph

from .errors import InputError


def serialize(graph: Graph, fmt: str) -> str:
    """Serialise ``graph`` with the project's prefixes; N-Triples output is sorted so it diffs cleanly."""
    from .namespaces import bind_all

    bind_all(graph)
    text = graph.serialize(format=fmt)
    if fmt in ("nt", "ntriples"):
        lines = sorted(line for line in text.splitlines() if line.strip())
        text = "\n".join(lines) + ("\n" if lines else "")
    return text


def write_atomic(path: str | Path, data: str) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    write_atomic_bytes(path, data.encode("utf-8"))


def write_atomic_bytes(path: str | Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder and an atomic rename."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError("the folder to write into does not exist", path=path)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write file: {exc.strerror or exc}", path=path) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


#: Export formats: CLI name -> (rdflib serializer, file suffix).
EXPORT_FORMATS = {"ttl": ("turtle", ".ttl"), "nt": ("nt", ".nt"), "xml": ("xml", ".rdf"), "jsonld": ("json-ld", ".jsonld")}


def export_graph(fmt: str = "ttl", *, inferred: bool = False) -> str:
    """The knowledge graph as text in ``fmt`` (ttl, nt, xml, jsonld): asserted only, or with the clean closure."""
    from .errors import UsageError
    from .load import load_core

    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", hint=f"choose one of: {', '.join(EXPORT_FORMATS)}")
    if inferred:
        from rdflib import Graph

        from .cache import cached_closure

        graph = Graph().parse(cached_closure().closure, format="nt")
    else:
        graph = load_core()
    return serialize(graph, EXPORT_FORMATS[fmt][0])
