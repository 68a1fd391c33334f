"""Hostile and malformed inputs to `aiworkforce validate FILE`: every one exits 2 with one clear message on stderr
that names the file, quickly, with no traceback, and without exhausting memory.

The committed corpus is tests/fixtures/hostile/; huge and deeply nested inputs are generated at test time.
Most cases run in-process through aiworkforce.cli.main; a few run as real processes with a timeout, to prove
there is no hang and to measure peak memory.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import FIXTURES, ROOT

from aiworkforce.cli import main

HOSTILE = FIXTURES / "hostile"
CORPUS = sorted(p for p in HOSTILE.iterdir() if p.name != "README.md")
MAX_SECONDS = 5.0
MAX_RSS_MB = 500


def assert_one_clear_error(err: str, path: Path | str) -> None:
    """One `aiworkforce: error:` line naming the file, at most one hint line, nothing else."""
    assert "Traceback" not in err, err
    lines = err.splitlines()
    assert lines, "nothing on stderr"
    assert lines[0].startswith(f"aiworkforce: error: {path}"), err
    assert len(lines) <= 2 and all(line.startswith("  hint: ") for line in lines[1:]), err


def validate_in_process(capsys, *args: str) -> tuple[int, str, str, float]:
    """Exit code, output, errors and the CPU seconds the run took (CPU time, not wall time: the bound is
    about work blowing up, and it must not fail because other processes share the machine)."""
    start = time.process_time()
    code = main(["validate", *args])
    elapsed = time.process_time() - start
    captured = capsys.readouterr()
    return code, captured.out, captured.err, elapsed


def aiworkforce_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "aiworkforce"
    script = "import sys; from aiworkforce.cli import main; sys.exit(main())"
    return [str(exe)] if exe.exists() else [sys.executable, "-c", script]


def run_process(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    env.pop("AIWORKFORCE_DEBUG", None)
    return subprocess.run(aiworkforce_cmd() + list(args), capture_output=True, text=True, timeout=20, env=env,
                          check=False)


# -- generated inputs -------------------------------------------------------------------------------------------------


def huge_yaml(folder: Path) -> Path:
    path = folder / "huge.yaml"
    line = "    - a-skill-slug-that-is-repeated-many-times\n"
    path.write_text("roles:\n  - slug: huge\n    essential_skills:\n" + line * 50_000, encoding="utf-8")
    assert path.stat().st_size > 2 * 1024 * 1024
    return path


def huge_turtle(folder: Path) -> Path:
    path = folder / "huge.ttl"
    with path.open("w", encoding="utf-8") as handle:
        handle.write("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n")
        for i in range(40_000):
            handle.write(f'<https://w3id.org/aiworkforce/role/r{i}> skos:altLabel "title number {i}"@en .\n')
    assert path.stat().st_size > 2 * 1024 * 1024
    return path


def deep_yaml_lists(folder: Path, depth: int = 10_000) -> Path:
    path = folder / "deep-lists.yaml"
    path.write_text("roles: " + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    return path


def deep_yaml_mappings(folder: Path, depth: int = 10_000) -> Path:
    path = folder / "deep-mappings.yaml"
    path.write_text("roles: [" + "{a: " * depth + "b" + "}" * depth + "]\n", encoding="utf-8")
    return path


def deep_turtle(folder: Path, depth: int = 10_000) -> Path:
    path = folder / "deep.ttl"
    path.write_text("@prefix a: <https://example.org/> .\na:s a:p " + "[ a:p " * depth + "a:o" + " ]" * depth + " .\n",
                    encoding="utf-8")
    return path


GENERATED = {
    "huge-yaml": huge_yaml,
    "huge-turtle": huge_turtle,
    "deep-yaml-lists": deep_yaml_lists,
    "deep-yaml-mappings": deep_yaml_mappings,
    "deep-turtle": deep_turtle,
}


# -- the committed corpus, in-process -------------------------------------------------------------------------------


def test_the_corpus_covers_the_required_kinds():
    names = {p.name for p in CORPUS}
    for required in ("anchor-bomb.yaml", "billion-laughs.rdf", "garbage.yaml", "empty.yaml", "whitespace.yaml",
                     "utf16.yaml", "latin1.yaml", "top-level-list.yaml", "scalar.yaml", "label-mapping.yaml"):
        assert required in names
    assert len([n for n in names if n.endswith(".ttl")]) >= 6


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_malformed_file_exits_2_with_one_clear_message(path, capsys):
    code, out, err, elapsed = validate_in_process(capsys, str(path))
    assert code == 2, err
    assert out == ""
    assert_one_clear_error(err, path)
    assert elapsed < MAX_SECONDS


def test_messages_say_what_is_wrong(capsys):
    expected = {
        "anchor-bomb.yaml": "YAML anchors and aliases (&name, *name) are not allowed in contributions",
        "billion-laughs.rdf": "RDF/XML with a DOCTYPE or ENTITY declaration is refused",
        "external-entity.rdf": "RDF/XML with a DOCTYPE or ENTITY declaration is refused",
        "garbage.yaml": "binary data, not an RDF text file",
        "utf16.yaml": "binary data, not an RDF text file",
        "latin1.yaml": "not valid UTF-8 (byte 0xe9)",
        "empty.yaml": "the file is empty",
        "whitespace.yaml": "the file is empty",
        "top-level-list.yaml": "the contribution must be a mapping of keys to values",
        "scalar.yaml": "the contribution must be a mapping of keys to values",
        "label-mapping.yaml": "the role label must be text, not a mapping",
        "remote-context.jsonld": "JSON-LD with a remote @context is refused",
        "missing-dot.ttl": "Turtle syntax error",
        "unbound-prefix.ttl": 'Prefix "role:" not bound',
    }
    for name, fragment in expected.items():
        code, _, err, _ = validate_in_process(capsys, str(HOSTILE / name))
        assert code == 2 and fragment in err.splitlines()[0], (name, err)


def test_a_file_that_is_not_there(tmp_path, capsys):
    missing = tmp_path / "nowhere" / "role.yaml"
    code, out, err, _ = validate_in_process(capsys, str(missing))
    assert (code, out) == (2, "")
    assert err == f"aiworkforce: error: {missing}: no such file\n  hint: check the path and the current directory\n"


def test_a_folder_without_contributions(tmp_path, capsys):
    (tmp_path / "notes.md").write_text("# notes\n", encoding="utf-8")
    (tmp_path / "data.csv").write_text("a,b\n", encoding="utf-8")
    code, out, err, _ = validate_in_process(capsys, str(tmp_path))
    assert (code, out) == (2, "")
    assert err == f"aiworkforce: error: {tmp_path}: the folder holds no .yaml, .yml or RDF files\n"


def test_one_bad_file_in_a_batch_stops_the_batch_with_its_name(capsys):
    good = ROOT / "examples" / "contributions" / "mlops-engineer.yaml"
    bad = HOSTILE / "missing-dot.ttl"
    code, out, err, _ = validate_in_process(capsys, str(good), str(bad))
    assert (code, out) == (2, "")
    assert_one_clear_error(err, bad)


# -- generated inputs, in-process -----------------------------------------------------------------------------------


@pytest.mark.parametrize("make", GENERATED.values(), ids=GENERATED.keys())
def test_generated_malformed_input_exits_2(make, tmp_path, capsys):
    path = make(tmp_path)
    code, out, err, elapsed = validate_in_process(capsys, str(path))
    assert code == 2, err
    assert out == ""
    assert_one_clear_error(err, path)
    assert "RecursionError" not in err and "internal error" not in err
    assert elapsed < MAX_SECONDS


def test_huge_files_are_refused_by_size(tmp_path, capsys):
    for make in (huge_yaml, huge_turtle):
        path = make(tmp_path)
        _, _, err, _ = validate_in_process(capsys, str(path))
        assert f"file is too large ({path.stat().st_size:,} bytes; the limit is 2,097,152)" in err


# -- as real processes: no hang, no traceback, bounded memory --------------------------------------------------------


@pytest.mark.parametrize("name", ["anchor-bomb.yaml", "billion-laughs.rdf", "external-entity.rdf", "garbage.ttl",
                                  "utf16-be.ttl", "formula.ttl"])
def test_subprocess_exits_2_without_hanging(name):
    path = HOSTILE / name
    done = run_process("validate", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert_one_clear_error(done.stderr, path)


@pytest.mark.parametrize("make", [huge_yaml, deep_yaml_lists, deep_turtle], ids=["huge", "deep-yaml", "deep-turtle"])
def test_subprocess_generated_input_exits_2(make, tmp_path):
    path = make(tmp_path)
    done = run_process("validate", str(path))
    assert done.returncode == 2, done.stderr
    assert_one_clear_error(done.stderr, path)


def test_an_ill_typed_literal_prints_no_traceback(tmp_path):
    # Well-formed Turtle whose literal does not fit its datatype: whatever the verdict, the user sees a report or
    # one error message, never a Python traceback.
    path = tmp_path / "ill-typed.ttl"
    source = (ROOT / "examples" / "contributions" / "ai-red-teamer.ttl").read_text(encoding="utf-8")
    path.write_text(source.replace('skos:notation "15-1299.04" ;',
                                   'skos:notation "15-1299.04" , "soon"^^<http://www.w3.org/2001/XMLSchema#integer> ;'),
                    encoding="utf-8")
    assert "XMLSchema#integer" in path.read_text(encoding="utf-8")
    done = run_process("validate", str(path))
    assert done.returncode in (0, 1, 2)
    assert "Traceback" not in done.stderr, done.stderr


PEAK = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=20)
print(json.dumps({"code": done.returncode, "err": done.stderr,
                  "maxrss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


@pytest.mark.parametrize("name", ["anchor-bomb.yaml", "billion-laughs.rdf"])
def test_bombs_stay_within_memory(name):
    path = HOSTILE / name
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), os.environ.get("PYTHONPATH")]))}
    probe = subprocess.run([sys.executable, "-c", PEAK, *aiworkforce_cmd(), "validate", str(path)],
                           capture_output=True, text=True, timeout=30, env=env, check=False)
    result = json.loads(probe.stdout)
    assert result["code"] == 2, result["err"]
    assert_one_clear_error(result["err"], path)
    peak_mb = result["maxrss_kb"] / 1024  # Linux reports kilobytes
    assert 0 < peak_mb < MAX_RSS_MB, f"peak memory {peak_mb:.0f} MB"
