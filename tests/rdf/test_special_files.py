"""Inputs that are not regular files (issue 11, probes): reading `/dev/zero` or `/dev/urandom` never ended and
grew without bound (3 GB in 30 s for `reason --no-core`); a device is now refused at once, and a pipe is read
only up to the size limit."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from aiworkforce.cli import main
from aiworkforce.errors import InputError
from aiworkforce.rdf.load import read_text

DEVICE = Path("/dev/zero")
pytestmark = pytest.mark.skipif(not DEVICE.exists() or not hasattr(os, "mkfifo"), reason="POSIX devices needed")


@pytest.mark.parametrize("command", [
    ["validate", "{dev}.ttl"],
    ["validate", "{dev}.yaml"],
    ["validate", "--no-core", "--shapes", "{dev}.ttl", "{data}"],
    ["reason", "--no-core", "{dev}.ttl", "-f", "nt"],
    ["sparql", "{query}", "--data", "{dev}.ttl"],
])
def test_a_device_is_refused_at_once(command, tmp_path, capsys):
    dev = tmp_path / "zero"
    for suffix in (".ttl", ".yaml"):
        (tmp_path / f"zero{suffix}").symlink_to(DEVICE)
    data, query = tmp_path / "data.ttl", tmp_path / "q.rq"
    data.write_text("<http://x/a> <http://x/b> 1 .\n", encoding="utf-8")
    query.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    code = main([a.format(dev=dev, data=data, query=query) for a in command])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "not a regular file" in err and "zero." in err, err


def test_a_pipe_is_read_only_up_to_the_limit(tmp_path):
    fifo = tmp_path / "endless.ttl"
    os.mkfifo(fifo)

    def write_forever():
        try:
            with open(fifo, "wb") as out:
                while True:
                    out.write(b"#" * 65536)
        except OSError:  # the reader closed the pipe
            pass

    writer = threading.Thread(target=write_forever, daemon=True)
    writer.start()
    with pytest.raises(InputError, match="too large"):
        read_text(fifo, max_bytes=1 << 20)
    writer.join(5)
    assert not writer.is_alive()


def test_a_pipe_that_ends_is_read(tmp_path):
    fifo = tmp_path / "once.ttl"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_bytes(b"<http://x/a> <http://x/b> 1 .\n"), daemon=True)
    writer.start()
    assert read_text(fifo) == "<http://x/a> <http://x/b> 1 .\n"
    writer.join(5)
