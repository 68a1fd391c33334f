"""Writing files is atomic and N-Triples output is sorted."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from aiworkforce.errors import InputError
from aiworkforce.export import serialize, write_atomic


def test_write_atomic_replaces_whole_file(tmp_path):
    target = tmp_path / "out.ttl"
    target.write_text("old")
    write_atomic(target, "new content\n")
    assert target.read_text() == "new content\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.ttl"], "no temporary file left behind"


def test_write_atomic_into_missing_folder_fails_cleanly(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        write_atomic(tmp_path / "nope" / "out.ttl", "x")


def test_ntriples_are_sorted():
    g = Graph()
    for name in "cba":
        g.add((URIRef(f"https://example.org/{name}"), URIRef("https://example.org/p"), URIRef("https://example.org/o")))
    lines = serialize(g, "nt").splitlines()
    assert lines == sorted(lines) and len(lines) == 3
