"""Property-based tests: whatever a contributor writes, `aiworkforce validate FILE` answers with exit 0, 1 or 2
and never crashes or prints a traceback.

Valid contributions are mutated at random: YAML by dropping keys, replacing values with random text, numbers,
lists, mappings, nulls or unicode, duplicating keys, and inventing slugs and references; Turtle by flipping,
deleting and inserting bytes and by truncating. The core graph and the shapes are loaded once and handed out as
copies, so the file stays fast.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Graph

from conftest import ROOT

import aiworkforce.rdf.load
from aiworkforce.cli import main

EXAMPLES = ROOT / "examples" / "contributions"
YAML_SOURCE = (EXAMPLES / "prompt-engineer.yaml").read_text(encoding="utf-8")
YAML_BASE = yaml.safe_load(YAML_SOURCE)
TTL_SOURCE = (EXAMPLES / "ai-red-teamer.ttl").read_bytes()

SETTINGS = settings(
    max_examples=25,  # the small version: benchmarks/fuzz.py runs thousands of inputs, in CLI processes
    deadline=None,
    database=None,  # nothing written into the checkout; a failure prints the example to reproduce it
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module", autouse=True)
def core_once():
    """Load the core graph and the shapes once; every validation gets its own copy."""
    core, shapes = aiworkforce.rdf.load.load_core(), aiworkforce.rdf.load.load_shapes()

    def copy_of(graph: Graph):
        return lambda: _copy(graph)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(aiworkforce.rdf.load, "load_core", copy_of(core))
        patch.setattr(aiworkforce.rdf.load, "load_shapes", copy_of(shapes))
        yield


def _copy(graph: Graph) -> Graph:
    out = Graph()
    out += graph
    for prefix, namespace in graph.namespaces():
        out.bind(prefix, namespace)
    return out


def run_validate(path: Path, capsys, caplog) -> int:
    caplog.clear()
    capsys.readouterr()
    code = main(["validate", str(path)])  # main itself must not raise
    captured = capsys.readouterr()
    shown = captured.out + captured.err + caplog.text
    assert code in (0, 1, 2), captured.err
    assert "Traceback" not in shown, shown
    assert "internal error" not in captured.err, captured.err
    if code == 2:
        assert captured.err.startswith("aiworkforce: error: "), captured.err
    else:
        assert captured.out.rstrip().endswith(("- conforms", "- does not conform")), captured.out
    return code


# -- YAML -------------------------------------------------------------------------------------------------------------


def paths_of(value, prefix=()):
    """Every path (tuple of keys and indexes) into a nested structure of dicts and lists."""
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from paths_of(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from paths_of(item, prefix + (index,))


def parent_and_key(doc, path):
    node = doc
    for step in path[:-1]:
        node = node[step]
    return node, path[-1]


SLUGS = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}\Z", fullmatch=True)
REFERENCES = st.one_of(
    SLUGS,
    st.sampled_from(["data-engineer", "layer:engineering", "skill:sql", "concern:privacy", "role:ml-engineer",
                     "isco:C2512", "onet:15-1252.00", "esco:x", "src:cybersecurity", "sector:finance",
                     "https://w3id.org/aiworkforce/skill/observability", "http://example.org/x", "urn:x:y",
                     "unknown:prefix", ":", "", " ", "scheme:roles", "aiw:Role", "role:", "skill:%20"]),
    st.builds(lambda p, s: f"{p}:{s}", st.sampled_from(["role", "skill", "layer", "concern", "src", "isco"]), SLUGS),
)
SCALARS = st.one_of(
    st.text(max_size=40), st.integers(), st.floats(allow_nan=True), st.none(), st.booleans(),
    st.text(alphabet=st.characters(min_codepoint=0x80, max_codepoint=0x2FFFF, blacklist_categories=("Cs",)),
            max_size=20),
    SLUGS, REFERENCES,
)
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.text(max_size=10), inner, max_size=3)),
                      max_leaves=8)
KEYS = st.sampled_from(sorted({"slug", "label", "alt_labels", "definition", "hybrid", "layers", "essential_skills",
                               "optional_skills", "specialises", "overlaps", "collaborates_with", "combines",
                               "combines_expertise", "expected_to_understand", "concerns", "alignments", "source",
                               "kind", "mitigates", "sectors", "match", "target", "code", "title", "roles", "role",
                               "skills", "layer", "lable", "Slug"}))


@st.composite
def mutated_yaml(draw) -> str:
    doc = copy.deepcopy(YAML_BASE)
    for _ in range(draw(st.integers(1, 4))):
        paths = [p for p in paths_of(doc) if p]
        action = draw(st.sampled_from(["drop", "replace", "slug", "reference", "add-key"]))
        if action == "drop" and paths:
            parent, key = parent_and_key(doc, draw(st.sampled_from(paths)))
            del parent[key]
        elif action == "replace" and paths:
            parent, key = parent_and_key(doc, draw(st.sampled_from(paths)))
            parent[key] = draw(VALUES)
        elif action == "slug":
            items = [p for p in paths if p and p[-1] == "slug"]
            if items:
                parent, key = parent_and_key(doc, draw(st.sampled_from(items)))
                parent[key] = draw(st.one_of(SLUGS, st.text(max_size=30)))
        elif action == "reference":
            lists = [p for p in paths if isinstance(p[-1], str) and p[-1] in (
                "layers", "essential_skills", "optional_skills", "specialises", "overlaps", "collaborates_with",
                "concerns", "mitigates", "combines", "source")]
            if lists:
                parent, key = parent_and_key(doc, draw(st.sampled_from(lists)))
                if isinstance(parent[key], list):
                    parent[key] = parent[key] + [draw(REFERENCES)]
                else:
                    parent[key] = draw(REFERENCES)
        else:
            mappings = [p for p in [()] + paths if isinstance(_get(doc, p), dict)]
            target = _get(doc, draw(st.sampled_from(mappings)))
            target[draw(KEYS)] = draw(VALUES)
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    lines = text.splitlines(keepends=True)
    if lines and draw(st.booleans()):  # a duplicated line: duplicate keys, or an extra list item
        index = draw(st.integers(0, len(lines) - 1))
        lines.insert(index, lines[index])
    return "".join(lines)


def _get(doc, path):
    for step in path:
        doc = doc[step]
    return doc


@SETTINGS
@given(text=mutated_yaml())
def test_mutated_yaml_never_crashes(text, tmp_path, capsys, caplog):
    path = tmp_path / "mutated.yaml"
    path.write_text(text, encoding="utf-8")
    run_validate(path, capsys, caplog)


@SETTINGS
@given(text=st.text(max_size=300))
def test_random_text_as_yaml_never_crashes(text, tmp_path, capsys, caplog):
    path = tmp_path / "random.yaml"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    run_validate(path, capsys, caplog)


def test_the_unmutated_sources_conform(tmp_path, capsys, caplog):
    (tmp_path / "a.yaml").write_text(YAML_SOURCE, encoding="utf-8")
    (tmp_path / "b.ttl").write_bytes(TTL_SOURCE)
    assert run_validate(tmp_path / "a.yaml", capsys, caplog) == 0
    assert run_validate(tmp_path / "b.ttl", capsys, caplog) == 0


# -- Turtle -----------------------------------------------------------------------------------------------------------


@st.composite
def mutated_turtle(draw) -> bytes:
    data = bytearray(TTL_SOURCE)
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["flip", "flip", "delete", "insert", "truncate"]))
        if not data:
            break
        position = draw(st.integers(0, len(data) - 1))
        if action == "flip":
            data[position] = draw(st.integers(0, 255))
        elif action == "delete":
            del data[position:position + draw(st.integers(1, 40))]
        elif action == "insert":
            data[position:position] = draw(st.one_of(
                st.binary(min_size=1, max_size=8),
                st.sampled_from([b".", b";", b",", b"[", b"]", b"(", b")", b'"', b"<", b">", b"@", b"#", b"\n",
                                 b"a ", b"_:b ", b"\\", b'"""', b"^^", b"@en", b"\xc3\xa9", b"\xff"])))
        else:
            del data[position:]
    return bytes(data)


@SETTINGS
@given(data=mutated_turtle())
def test_mutated_turtle_never_crashes(data, tmp_path, capsys, caplog):
    path = tmp_path / "mutated.ttl"
    path.write_bytes(data)
    run_validate(path, capsys, caplog)
