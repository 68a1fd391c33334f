"""Differential fuzz of the SERVICE guard against a real loopback listener.

10,000+ generated queries (comments ended by CR, LF, CRLF or the end of input; SERVICE glued to every kind of
preceding token; unicode escapes; every group form; prefixes named like keywords) go through the library; a
sample covering every category goes through the CLI and the endpoint (GET, form POST, direct POST). The listener
must see 0 connections, and every generated query without SERVICE must run. A control shows the generated
attacks are real: sent to pyoxigraph without the guard, they do reach the listener.
"""

from __future__ import annotations

import random
import socket
import threading
import time
import urllib.parse
import urllib.request
import urllib.error

import pyoxigraph as ox
import pytest

from aiworkforce.errors import AiworkforceError, UnsafeQueryError
from aiworkforce.query.engines import OxigraphEngine
from aiworkforce.query.run import run_sparql

N_LIBRARY = 10_000


class Listener:
    """A loopback socket counting connections; it answers nothing and closes."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.sock.settimeout(0.05)
        self.hits = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2)
        self.sock.close()


@pytest.fixture(scope="module")
def listener():
    lis = Listener()
    yield lis
    lis.close()


# -- the generator ----------------------------------------------------------------------------------------------

BODY = "{ ?s ?p ?o }"
SPELLINGS = ["SERVICE", "service", "Service", "sErViCe", r"\u0053ERVICE", r"SER\u0056ICE", r"\u0073\u0065rvice",
             r"\U00000053ERVICE"]
# what may stand right before the keyword, glued: one of each kind of token
GLUED = ["1", "1.5", "1e3", "true", "false", '"x"', "'x'", '"x"@en', '"1"^^<http://www.w3.org/2001/XMLSchema#int>',
         "<http://x/a>", "?v", "$v", "ex:a", "_:b", ")", "}", ".", ";", ",", "a", "ex:", "]"]
COMMENT_ENDS = ["\r", "\n", "\r\n"]
GROUPS = ["{{ {x} }}", "OPTIONAL {{ {x} }}", "{{ ?s ?p ?o }} UNION {{ {x} }}", "MINUS {{ {x} }}",
          "{{ SELECT * WHERE {{ {x} }} }}", "FILTER EXISTS {{ {x} }}", "FILTER NOT EXISTS {{ {x} }}",
          "GRAPH ?g {{ {x} }}", "OPTIONAL {{ {{ ?s ?p ?o }} UNION {{ {x} }} }}", "{x}"]
KEYWORD_PREFIXES = ["add", "service", "select", "from", "insert", "load", "drop", "with", "graph", "filter",
                    "true", "a", "prefix", "copy", "delete", "optional"]


def _service(rng: random.Random, url: str) -> str:
    target = rng.choice([f"<{url}>", f"<{url}?q=1>", "SILENT <" + url + ">"])
    return f"{rng.choice(SPELLINGS)} {target} {BODY}"


def generate(rng: random.Random, url: str) -> tuple[str, str, bool]:
    """One query: (category, text, has_service). Queries without SERVICE are valid and must run."""
    category = rng.choice(["comment", "glued", "escape", "nesting", "prefix", "valid-prefix", "valid-nesting",
                           "valid-comment", "iri-ambiguity"])
    prologue = "PREFIX ex: <http://example.org/>\n"
    if category == "comment":
        end = rng.choice([*COMMENT_ENDS, ""])
        if end:
            where = f"?s ?p ?o # hidden? {end}{_service(rng, url)}"
        else:  # the comment runs to the end of input; SERVICE comes before it
            where = f"{_service(rng, url)} # trailing"
            return category, f"{prologue}SELECT * WHERE {{ {where}\n}}" if rng.random() < .5 else \
                f"{prologue}SELECT * WHERE {{ {where} }}", True
        return category, f"{prologue}SELECT * WHERE {{ {where} }}", True
    if category == "glued":
        before = rng.choice(GLUED)
        return category, f"{prologue}SELECT * WHERE {{ ?x ?y {before}{_service(rng, url)} }}", True
    if category == "escape":
        return category, f"SELECT * WHERE {{ ?s ?p ?o . {_service(rng, url)} }}", True
    if category == "nesting":
        group = rng.choice(GROUPS).format(x=_service(rng, url))
        return category, f"SELECT * WHERE {{ ?s ?p ?o . {group} }}", True
    if category == "prefix":
        name = rng.choice(KEYWORD_PREFIXES)
        return category, f"PREFIX {name}: <http://example.org/>\nSELECT * WHERE {{ {name}:{_service(rng, url)} }}", True
    if category == "iri-ambiguity":
        tail = rng.choice(["#>\n", "'>'", ")#>\n"])
        return category, (f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<?b{tail}) {_service(rng, url)} }}"
                          if tail.startswith(("#", "'")) else
                          f"SELECT * WHERE {{ ?s ?p ?o FILTER(?o<?b{tail} {_service(rng, url)} }}"), True
    # valid queries without SERVICE: they must run
    if category == "valid-prefix":
        name = rng.choice(KEYWORD_PREFIXES)
        return category, (f"PREFIX {name}: <http://example.org/>\nSELECT * WHERE {{ ?s {name}:p ?o "
                          f"OPTIONAL {{ ?s ?p {name}:o }} }} LIMIT 3"), name in ("service", "from")
    if category == "valid-nesting":
        group = rng.choice(GROUPS).format(x="?s ?p ?o")
        return category, f"SELECT * WHERE {{ ?s ?p ?o . {group} }} LIMIT 3", False
    end = rng.choice([*COMMENT_ENDS])
    return category, (f"SELECT * WHERE {{ ?s ?p ?o # a comment mentioning service <{url}> {end}"
                      f"FILTER(?o != \"SERVICE <{url}>\") }} LIMIT 3"), False


QUERIES_SEED = 11


def corpus(url: str, n: int) -> list[tuple[str, str, bool]]:
    rng = random.Random(QUERIES_SEED)
    return [generate(rng, url) for _ in range(n)]


class _Tiny:
    """A graph with the library's engine over a handful of triples, so 10,000 queries stay fast."""

    def __init__(self, folder) -> None:
        nt = folder / "tiny.nt"
        nt.write_text("".join(f"<http://example.org/s{i}> <http://example.org/p> <http://example.org/o{i}> .\n"
                              for i in range(5)), encoding="utf-8")
        (folder / "empty.nt").write_text("", encoding="utf-8")
        self._engine = OxigraphEngine(nt, folder / "empty.nt")

    def engine(self, name=None):
        return self._engine


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return _Tiny(tmp_path_factory.mktemp("tiny"))


def test_the_generated_attacks_are_real(listener):
    """Control: without the guard, pyoxigraph sends the generated SERVICE queries to the listener."""
    store = ox.Store()
    attacks = [q for c, q, bad in corpus(listener.url, 300) if bad and c in ("comment", "glued", "escape", "nesting")]
    before = listener.hits
    for text in attacks[:40]:
        try:
            list(store.query(text))
        except (SyntaxError, OSError, RuntimeError, ValueError):
            pass
    deadline = time.monotonic() + 5
    while listener.hits == before and time.monotonic() < deadline:
        time.sleep(0.05)
    assert listener.hits > before, "the generator produced no query that would really call out"


def test_library_sends_nothing_and_runs_every_valid_query(listener, tiny):
    queries = corpus(listener.url, N_LIBRARY)
    assert len({c for c, _, _ in queries}) == 9
    before = listener.hits
    refused = ran = 0
    for category, text, has_service in queries:
        try:
            run_sparql(tiny, text)
            ran += 1
        except UnsafeQueryError:
            refused += 1
            continue
        except AiworkforceError as exc:  # a syntax error the engine found: it ran nothing
            assert has_service, (category, text, str(exc))
            continue
        assert not has_service or category == "glued", (category, text)
    time.sleep(0.2)
    assert listener.hits == before, f"{listener.hits - before} connection(s) reached the listener"
    assert refused > N_LIBRARY // 2 and ran > N_LIBRARY // 4


def _sample(url: str) -> list[tuple[str, str, bool]]:
    """One SERVICE query and one valid query per category and variant."""
    seen, out = set(), []
    for category, text, has_service in corpus(url, 3000):
        key = (category, has_service, text[:60] if category == "glued" else "")
        if key not in seen and len(out) < 40:
            seen.add(key)
            out.append((category, text, has_service))
    return out


def test_cli_sends_nothing(listener, tmp_path, capsysbinary, monkeypatch):
    from aiworkforce.cli import main

    sample = _sample(listener.url)
    assert {c for c, _, _ in sample} >= {"comment", "glued", "escape", "nesting", "prefix", "valid-nesting"}
    before = listener.hits
    for i, (category, text, has_service) in enumerate(sample):
        path = tmp_path / f"q{i}.rq"
        path.write_text(text, encoding="utf-8")
        code = main(["sparql", str(path), "--timeout", "20"])
        err = capsysbinary.readouterr().err.decode()
        assert "Traceback" not in err and code in (0, 2), (text, code, err)
        if not has_service:
            assert code == 0, (text, err)
    time.sleep(0.2)
    assert listener.hits == before


def test_endpoint_sends_nothing(listener):
    from aiworkforce.graph import KnowledgeGraph
    from aiworkforce.server import Server, ServerConfig

    sample = _sample(listener.url)
    before = listener.hits
    with Server(KnowledgeGraph(), ServerConfig(port=0, workers=1)) as srv:
        srv.start()
        for i, (category, text, has_service) in enumerate(sample):
            how = i % 3
            if how == 0:
                req = urllib.request.Request(f"{srv.url}sparql?" + urllib.parse.urlencode({"query": text}))
            elif how == 1:
                req = urllib.request.Request(f"{srv.url}sparql", data=urllib.parse.urlencode({"query": text}).encode(),
                                             headers={"Content-Type": "application/x-www-form-urlencoded"})
            else:
                req = urllib.request.Request(f"{srv.url}sparql", data=text.encode(),
                                             headers={"Content-Type": "application/sparql-query"})
            try:
                with urllib.request.urlopen(req, timeout=30) as resp:
                    status = resp.status
            except urllib.error.HTTPError as err:
                status = err.code
            assert status in (200, 400), (text, status)
            if not has_service:
                assert status == 200, text
    time.sleep(0.2)
    assert listener.hits == before
