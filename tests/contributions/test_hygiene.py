"""Input hygiene (issue 11): what RDF data may not hold is refused by `validate` with file:line and exit 2, and
never written by `add`; parsing never fetches a JSON-LD context or expands an XML entity."""

from __future__ import annotations

import shutil
import socket
import threading
import time

import pytest

from conftest import ROOT

from aiworkforce.cli import main

PREFIXES = ("@prefix role: <https://w3id.org/aiworkforce/role/> .\n"
            "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n")
YAML_ROLE = """roles:
  - slug: {slug}
    label: {label}
    definition: A role used by the hygiene tests, long enough to pass the definition length check of the shapes.
    layers: [engineering]
    essential_skills: [automated-testing]
    source: engineering-layer
"""

BAD = {
    "nul-in-yaml.yaml": (YAML_ROLE.format(slug="nul-engineer", label='"Nul\\0 Engineer"'), 3),
    "bell-in-yaml.yaml": (YAML_ROLE.format(slug="bell-engineer", label='"Bell\\a Engineer"'), 3),
    "surrogate-in-yaml.yaml": (YAML_ROLE.format(slug="sur-engineer", label='"Sur\\uD800 Engineer"'), 3),
    "nul-in-turtle.ttl": (PREFIXES + 'role:a skos:prefLabel "a\\u0000b"@en .\n', 3),
    "surrogate-in-turtle.ttl": (PREFIXES + 'role:a skos:prefLabel "\\uD800"@en .\n', 3),
    "space-in-iri.ttl": (PREFIXES + '<https://w3id.org/aiworkforce/role/a b> skos:prefLabel "x"@en .\n', 3),
    "control-in-iri.ttl": (PREFIXES + '<https://w3id.org/aiworkforce/role/a\\u0001b> skos:prefLabel "x"@en .\n', 3),
    "space-in-yaml-iri.yaml": (YAML_ROLE.format(slug="iri-engineer", label="IRI Engineer")
                               + "    alignments:\n      - match: broad\n        target: http://example.org/a b\n", 10),
}


@pytest.mark.parametrize("name", BAD)
def test_validate_refuses_with_file_and_line(name, tmp_path, capsys):
    text, line = BAD[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code = main(["validate", str(path)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert f"{path}:{line}:" in err, err
    assert "Traceback" not in err and "internal error" not in err


@pytest.mark.parametrize("name", ["nul-in-yaml.yaml", "nul-in-turtle.ttl", "space-in-iri.ttl"])
def test_add_never_writes_them_and_the_kb_stays_usable(name, tmp_path, capsys):
    kb = tmp_path / "kb"
    kb.mkdir()
    for module in (ROOT / "ontology").glob("*.ttl"):
        shutil.copy(module, kb / module.name)
    before = {p.name: p.read_bytes() for p in kb.iterdir()}
    text, _ = BAD[name]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    code = main(["add", str(path), "--into", str(kb)])
    err = capsys.readouterr().err
    assert code == 2, err
    after = {p.name: p.read_bytes() for p in kb.iterdir() if p.name != ".aiworkforce.lock"}
    assert after == before


@pytest.fixture
def listener():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.05)
    hits, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            hits.append(1)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/c", hits
    stop.set()
    thread.join(2)
    sock.close()


@pytest.mark.parametrize("doc", [
    '{{"@context": [{{}}, "{url}"], "@id": "http://x/a", "http://x/p": "v"}}',
    '{{"\\u0040context": "{url}", "@id": "http://x/a", "http://x/p": "v"}}',
    '{{"@context": {{"@import": "{url}"}}, "@id": "http://x/a", "http://x/p": "v"}}',
    '{{"@graph": [{{"@context": "{url}", "@id": "http://x/a", "http://x/p": "v"}}]}}',
    '{{"@context": "file:///etc/passwd", "@id": "http://x/a"}}',
])
@pytest.mark.parametrize("command", ["validate", "sparql"])
def test_json_ld_contexts_are_never_fetched(doc, command, listener, tmp_path, capsys):
    url, hits = listener
    path = tmp_path / "data.jsonld"
    path.write_text(doc.format(url=url), encoding="utf-8")
    query = tmp_path / "q.rq"
    query.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    args = ["validate", str(path)] if command == "validate" else ["sparql", str(query), "--data", str(path)]
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2, err  # `sparql --data` takes no JSON-LD at all; `validate` refuses the context
    assert command == "sparql" or "remote @context" in err, err
    time.sleep(0.1)
    assert hits == []


BOMB = ('<?xml version="1.0"?>\n<!--' + " " * 70_000 + '-->\n<!DOCTYPE rdf:RDF [ <!ENTITY a "aaaaaaaaaa">'
        ' <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"> ]>\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:x="http://x/">'
        '<rdf:Description rdf:about="http://x/a"><x:p>&b;</x:p></rdf:Description></rdf:RDF>\n')


@pytest.mark.parametrize("command", ["validate", "sparql"])
def test_xml_entities_are_refused_wherever_they_stand(command, tmp_path, capsys):
    path = tmp_path / "bomb.rdf"
    path.write_text(BOMB, encoding="utf-8")
    query = tmp_path / "q.rq"
    query.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    args = ["validate", str(path)] if command == "validate" else ["sparql", str(query), "--data", str(path)]
    code = main(args)
    err = capsys.readouterr().err
    assert code == 2 and "DOCTYPE" in err and f"{path}:3:" in err, err


def test_validate_is_linear_in_the_size_of_a_turtle_file(tmp_path, capsys):
    """2,000 terms took 31 s (a quadratic line-number scan); the index is now built once per file."""
    def timed(n: int) -> float:
        path = tmp_path / f"big{n}.ttl"
        path.write_text("@prefix role: <https://w3id.org/aiworkforce/role/> .\n"
                        + "".join(f"role:r{i} a role:x .\n" for i in range(n)), encoding="utf-8")
        from aiworkforce.contributions.read import load_contribution

        start = time.perf_counter()
        load_contribution(path)
        return time.perf_counter() - start

    assert timed(4000) < 15.0  # quadratic, 4,000 lines took about 120 s; linear, well under a second alone
