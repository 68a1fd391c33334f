"""Writing files is atomic and N-Triples output is sorted."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef

from aiworkforce.errors import InputError
from aiworkforce.rdf.serialize import serialize
from aiworkforce.rdf.files import write_atomic


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


def test_new_files_get_the_usual_permissions(tmp_path):
    import os

    target = tmp_path / "new.ttl"
    write_atomic(target, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask


def test_existing_files_keep_their_permissions(tmp_path):
    target = tmp_path / "kept.ttl"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, "new")
    assert target.stat().st_mode & 0o777 == 0o640 and target.read_text() == "new"


def test_a_symlink_is_followed_not_replaced(tmp_path):
    real = tmp_path / "real.ttl"
    real.write_text("old")
    link = tmp_path / "link.ttl"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_fifo_is_written_to_not_replaced(tmp_path):
    import os
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text()))
    reader.start()
    write_atomic(fifo, "through the pipe")
    reader.join(timeout=5)
    assert received == ["through the pipe"] and not fifo.is_file()


def test_an_unwritable_place_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot write"):
        write_atomic("/proc/aiworkforce-cannot-write-here.ttl", "x")
