#!/usr/bin/env python3
"""Golden outputs of the ``aiworkforce`` command line: record them, and compare a run with them.

The cases live in ``tests/data/golden/cases.json``; ``tests/cli/test_golden.py`` runs each one as a whole
process and compares it with what is recorded here. Each case runs the installed ``aiworkforce`` (the script
next to the running interpreter) from the repository root, with ``COLUMNS=80``, an isolated cache folder
shared by all cases of one run, and a private temporary folder written ``{tmp}`` in the case.

A case (keys marked * are written by ``--write``, the others are written by hand)::

    id        "NNN-slug": names the golden files NNN-slug.out, NNN-slug.err, NNN-slug.files/...
    argv      arguments after ``aiworkforce``; ``{tmp}`` is replaced by the case's temporary folder
    stdin     text fed to standard input (default: none, standard input is /dev/null)
    env       extra environment variables ({tmp} replaced), e.g. AIWORKFORCE_ONTOLOGY_DIR
    setup     steps run first, in order: {"argv": [...]} (must exit 0), {"copy": ["ontology", "{tmp}/kb"]} (a
              folder of the repository) or {"write": ["{tmp}/out/keep.txt", "text"]} (a small file)
    stdout    how standard output is compared: "text" (byte for byte) or "rdf:FORMAT" (as a graph; FORMAT is
              turtle, nt, xml or json-ld)
    files     [[glob, kind], ...]: files the command writes under {tmp}, compared by the first matching rule;
              kind is "text", "sha256", "rdf:FORMAT" or "sha256sums" (a SHA256SUMS file: the same names, and
              each sum true of the file beside it)
    source    where the command comes from (README.md line, the brief's fixed set, ...)
    exit    * the expected exit code
    expect  * for RDF outputs, the graph digest and declared prefixes; for written files, what each holds

Standard error is always compared as text. In text, the case's temporary folder, the cache folder and the
repository root are replaced by ``{tmp}``, ``{cache}`` and ``{root}``. RDF is compared as a graph: blank-node
labels and triple order do not matter, nor does the serialiser's layout; the prefixes it declares do. Each
distinct graph is stored once, as sorted canonical N-Triples, gzipped, in ``rdf/<digest>.nt.gz``.

Usage (with the project's virtual environment)::

    .venv/bin/python tools/golden.py --write    # record the goldens from the current code
    .venv/bin/python tools/golden.py --check    # compare the current code with the goldens
    .venv/bin/python tools/golden.py --check --fresh-cache --repeat 2   # hunt for nondeterminism

``AIWORKFORCE_GOLDEN_ROOT`` runs the commands from another checkout (its ``aiworkforce`` must be the one on
this interpreter's ``bin``); the goldens are always those beside this file.
"""

from __future__ import annotations

import argparse
import difflib
import fnmatch
import gzip
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
GOLDEN_DIR = REPO / "tests" / "data" / "golden"
MANIFEST = GOLDEN_DIR / "cases.json"
RDF_DIR = GOLDEN_DIR / "rdf"

#: Environment variables that would change what the command prints, removed before every run.
SCRUBBED = ("FORCE_COLOR", "NO_COLOR", "CLICOLOR", "CLICOLOR_FORCE", "TTY_COMPATIBLE", "TTY_INTERACTIVE",
            "COLUMNS", "LINES", "PYTHONWARNINGS", "PYTHONDEVMODE", "PYTHONHASHSEED", "XDG_CACHE_HOME",
            "_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION")
#: Rough relative cost of a command, so the slowest cases start first and the workers finish together.
WEIGHTS = {"release": 8, "reason": 5, "validate": 3, "export": 2, "stats": 1.5, "add": 3}
TIMEOUT = 300


def command_root() -> Path:
    """The checkout the commands run from: ``$AIWORKFORCE_GOLDEN_ROOT``, else this repository."""
    return Path(os.environ.get("AIWORKFORCE_GOLDEN_ROOT") or REPO).resolve()


def executable() -> Path:
    """The ``aiworkforce`` console script of the running interpreter's environment."""
    exe = Path(sys.executable).parent / ("aiworkforce.exe" if os.name == "nt" else "aiworkforce")
    if exe.is_file():
        return exe
    found = shutil.which("aiworkforce")
    if found is None:
        raise FileNotFoundError(f"no aiworkforce script beside {sys.executable}: use the project's .venv/bin/python")
    return Path(found)


def load_manifest() -> dict:
    return json.loads(MANIFEST.read_text(encoding="utf-8"))


def save_manifest(manifest: dict) -> None:
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def weight(case: dict) -> float:
    return WEIGHTS.get(case["argv"][0] if case["argv"] else "", 1.0) + len(case.get("setup", ()))


# --- running -----------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    """What one case did, with the temporary folder, cache and root already replaced in stdout and stderr."""

    case_id: str
    exit: int
    stdout: bytes
    stderr: bytes
    files: dict[str, bytes] = field(default_factory=dict)  # path under {tmp} -> content, for the case's rules
    seconds: float = 0.0
    setup_error: str | None = None
    leaks: list[str] = field(default_factory=list)  # temporary paths the normalisation missed


def environment(cache_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIWORKFORCE_") and k not in SCRUBBED}
    env.update(COLUMNS="80", AIWORKFORCE_CACHE_DIR=str(cache_dir), PYTHONIOENCODING="utf-8")
    return env


def _replacements(tmp: Path, cache_dir: Path, root: Path) -> list[tuple[bytes, bytes]]:
    pairs = {}
    for path, name in ((tmp, b"{tmp}"), (cache_dir, b"{cache}"), (root, b"{root}")):
        for variant in {str(path), os.path.realpath(path)}:
            pairs[os.fsencode(variant)] = name
    return sorted(pairs.items(), key=lambda kv: -len(kv[0]))  # longest first: tmp may lie under root


def normalise(data: bytes, replacements: list[tuple[bytes, bytes]]) -> bytes:
    for old, new in replacements:
        data = data.replace(old, new)
    return data


def run_case(case: dict, *, exe: Path, root: Path, cache_dir: Path, work_dir: Path) -> Outcome:
    tmp = work_dir / case["id"]
    tmp.mkdir(parents=True)

    def subst(text: str) -> str:
        return text.replace("{tmp}", str(tmp))

    env = environment(cache_dir)
    env.update({k: subst(v) for k, v in case.get("env", {}).items()})
    started = time.perf_counter()
    for step in case.get("setup", ()):
        if "copy" in step:
            source, target = step["copy"]
            shutil.copytree(root / source, subst(target))
            continue
        if "write" in step:
            target, text = step["write"]
            Path(subst(target)).parent.mkdir(parents=True, exist_ok=True)
            Path(subst(target)).write_text(text, encoding="utf-8")
            continue
        done = subprocess.run([str(exe), *map(subst, step["argv"])], cwd=root, env=env, capture_output=True,
                              stdin=subprocess.DEVNULL, timeout=TIMEOUT, check=False)
        if done.returncode != 0:
            return Outcome(case["id"], done.returncode, done.stdout, done.stderr,
                           setup_error=f"setup step {step['argv']} exited {done.returncode}: {done.stderr!r}")
    stdin = case.get("stdin")
    done = subprocess.run([str(exe), *map(subst, case["argv"])], cwd=root, env=env, capture_output=True,
                          input=None if stdin is None else stdin.encode("utf-8"),
                          stdin=subprocess.DEVNULL if stdin is None else None, timeout=TIMEOUT, check=False)
    seconds = time.perf_counter() - started
    repl = _replacements(tmp, cache_dir, root)
    stdout = done.stdout if case.get("stdout", "text").startswith("rdf:") else normalise(done.stdout, repl)
    files = {}
    rules = case.get("files", [])
    if rules:
        for path in sorted(p for p in tmp.rglob("*") if p.is_file()):
            rel = path.relative_to(tmp).as_posix()
            if file_kind(rules, rel) is not None:
                files[rel] = path.read_bytes()
    return Outcome(case["id"], done.returncode, stdout, normalise(done.stderr, repl), files, seconds)


def file_kind(rules: list, rel: str) -> str | None:
    for pattern, kind in rules:
        if fnmatch.fnmatchcase(rel, pattern):
            return kind
    return None


def run_all(cases: list[dict], *, base: Path | None = None, workers: int = 2, fresh_cache: bool = False,
            progress=None) -> dict[str, Outcome]:
    """Run every case (the slowest first) on ``workers`` threads, in folders under ``base`` (by default a new
    temporary folder, removed afterwards): one shared cache, or a cold one for every case with ``fresh_cache``.
    ``progress(outcome)`` is called on the worker thread as each case finishes."""
    owned = base is None
    base = Path(tempfile.mkdtemp(prefix="aiwg-")) if owned else Path(base)
    try:
        def one(case):
            outcome = run_one(case, base, fresh_cache=fresh_cache)
            if progress:
                progress(outcome)
            return outcome

        ordered = sorted(cases, key=weight, reverse=True)
        with ThreadPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(one, ordered))
        return {o.case_id: o for o in results}
    finally:
        if owned:
            shutil.rmtree(base, ignore_errors=True)


def run_one(case: dict, base: Path, *, fresh_cache: bool = False) -> Outcome:
    """Run one case in ``base/w/<id>``, with the cache ``base/cache`` (shared by every case run under ``base``,
    also from other processes: the cache is built atomically). The name of ``base`` must not occur in any
    output: it is how a temporary path the normalisation missed is caught."""
    base = Path(base)
    work = base / "w"
    work.mkdir(parents=True, exist_ok=True)
    cache = base / "caches" / case["id"] if fresh_cache else base / "cache"
    outcome = run_case(case, exe=executable(), root=command_root(), cache_dir=cache, work_dir=work)
    outcome.leaks = _leaks(outcome, base.name)
    return outcome


# --- RDF as graphs -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CanonicalGraph:
    """A graph as sorted N-Triples lines, blank nodes relabelled canonically; ``digest`` names it."""

    lines: tuple[str, ...]
    prefixes: tuple[str, ...]  # "prefix: namespace" pairs the document declares, sorted

    @property
    def text(self) -> str:
        return "".join(line + "\n" for line in self.lines)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


_OX_FORMATS = {"turtle": "TURTLE", "nt": "N_TRIPLES", "xml": "RDF_XML", "json-ld": "JSON_LD"}


def parse_triples(data: bytes, fmt: str) -> list:
    """The triples of an RDF document, as pyoxigraph triples (strict: literals keep their lexical form)."""
    import pyoxigraph as ox

    return [q.triple for q in ox.parse(input=data, format=getattr(ox.RdfFormat, _OX_FORMATS[fmt]))]


def _to_rdflib(term):
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def _to_ox(term):
    import pyoxigraph as ox
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is None:
        return ox.Literal(str(term))
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))


def to_rdflib_graph(triples):
    from rdflib import Graph

    graph = Graph()
    for t in triples:
        graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    return graph


def canonical(data: bytes, fmt: str) -> CanonicalGraph:
    """Ground triples are kept as they are; the triples with blank nodes are relabelled by rdflib's canonical
    labelling. Two graphs are isomorphic iff their ground triples are equal and their blank-node parts are
    isomorphic, so equal texts mean isomorphic graphs (and :func:`same_graph` double-checks a difference)."""
    import pyoxigraph as ox
    from rdflib.compare import to_canonical_graph

    triples = parse_triples(data, fmt)
    ground, blank = set(), []
    for t in triples:
        if isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode):
            blank.append(t)
        else:
            ground.add(f"{t} .")
    if blank:
        for s, p, o in to_canonical_graph(to_rdflib_graph(blank)):
            ground.add(f"{ox.Triple(_to_ox(s), _to_ox(p), _to_ox(o))} .")
    return CanonicalGraph(tuple(sorted(ground)), declared_prefixes(data, fmt))


def declared_prefixes(data: bytes, fmt: str) -> tuple[str, ...]:
    text = data.decode("utf-8", errors="replace")
    found: set[tuple[str, str]] = set()
    if fmt == "turtle":
        found.update(re.findall(r"(?im)^\s*@?prefix\s+([\w.-]*):\s*<([^>]*)>", text))
    elif fmt == "xml":
        found.update(re.findall(r'\bxmlns(?::([\w.-]+))?="([^"]*)"', text))
    elif fmt == "json-ld":
        try:
            doc = json.loads(text)
        except ValueError:
            doc = None
        contexts = doc.get("@context") if isinstance(doc, dict) else None
        for ctx in contexts if isinstance(contexts, list) else [contexts]:
            if isinstance(ctx, dict):
                found.update((k, v) for k, v in ctx.items() if isinstance(v, str))
    return tuple(sorted(f"{p}: {ns}" for p, ns in found))


def rdf_path(digest: str) -> Path:
    return RDF_DIR / f"{digest[:16]}.nt.gz"


def store_graph(graph: CanonicalGraph) -> None:
    path = rdf_path(graph.digest)
    if path.exists():
        return
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as handle:
        handle.write(graph.text.encode("utf-8"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def stored_graph_bytes(digest: str) -> bytes:
    return gzip.decompress(rdf_path(digest).read_bytes())


def same_graph(expected_digest: str, actual: CanonicalGraph) -> tuple[bool, str]:
    """Compare a graph with a stored one: by digest, then (if the digests differ) by rdflib ``isomorphic``."""
    from rdflib.compare import isomorphic

    if actual.digest == expected_digest:
        return True, ""
    if not rdf_path(expected_digest).exists():
        return False, f"stored graph {rdf_path(expected_digest).name} is missing"
    expected_bytes = stored_graph_bytes(expected_digest)
    expected_triples = parse_triples(expected_bytes, "nt")
    actual_triples = parse_triples(actual.text.encode("utf-8"), "nt")
    if isomorphic(to_rdflib_graph(expected_triples), to_rdflib_graph(actual_triples)):
        return True, ""
    want = set(expected_bytes.decode("utf-8").splitlines())
    got = set(actual.lines)
    missing, extra = sorted(want - got), sorted(got - want)
    lines = [f"graphs differ: expected {len(want)} triples, got {len(got)}",
             f"missing ({len(missing)}):", *[f"  - {x}" for x in missing[:15]],
             f"unexpected ({len(extra)}):", *[f"  + {x}" for x in extra[:15]]]
    return False, "\n".join(lines)


# --- checking and recording --------------------------------------------------------------------------------


def _text_diff(expected: bytes, actual: bytes, label: str, limit: int = 60) -> str:
    diff = list(difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(keepends=True),
                                     actual.decode("utf-8", "replace").splitlines(keepends=True),
                                     f"expected {label}", f"actual {label}"))
    if not diff:
        return f"{label}: differs only in line endings or a final newline: {expected[-40:]!r} vs {actual[-40:]!r}"
    more = f"\n... {len(diff) - limit} more diff lines" if len(diff) > limit else ""
    return "".join(diff[:limit]) + more


def check_sha256sums(data: bytes, files: dict[str, bytes], folder: str, expected_names: list[str]) -> list[str]:
    problems, names = [], []
    for line in data.decode("utf-8").splitlines():
        match = re.fullmatch(r"([0-9a-f]{64})  (\S.*)", line)
        if not match:
            problems.append(f"{folder}/SHA256SUMS: malformed line {line!r}")
            continue
        digest, name = match.groups()
        names.append(name)
        content = files.get(f"{folder}/{name}" if folder else name)
        if content is None:
            problems.append(f"{folder}/SHA256SUMS lists {name}, which is not there")
        elif hashlib.sha256(content).hexdigest() != digest:
            problems.append(f"{folder}/SHA256SUMS: wrong sum for {name}")
    if names != expected_names:
        problems.append(f"{folder}/SHA256SUMS lists {names}, expected {expected_names}")
    return problems


def compare(case: dict, outcome: Outcome) -> list[str]:
    """Every difference between a run and the goldens, as readable messages (empty: identical)."""
    if outcome.setup_error:
        return [outcome.setup_error]
    cid, problems = case["id"], list(outcome.leaks)
    if outcome.exit != case["exit"]:
        problems.append(f"exit code {outcome.exit}, expected {case['exit']}")
    kind = case.get("stdout", "text")
    if kind == "text":
        expected = (GOLDEN_DIR / f"{cid}.out").read_bytes()
        if outcome.stdout != expected:
            problems.append(_text_diff(expected, outcome.stdout, "stdout"))
    else:
        problems.extend(_compare_graph(case["expect"]["stdout"], outcome.stdout, kind, "stdout"))
    expected_err = (GOLDEN_DIR / f"{cid}.err").read_bytes()
    if outcome.stderr != expected_err:
        problems.append(_text_diff(expected_err, outcome.stderr, "stderr"))
    if case.get("files"):
        problems.extend(_compare_files(case, outcome))
    return problems


def _compare_graph(expect: dict, data: bytes, kind: str, label: str) -> list[str]:
    try:
        graph = canonical(data, kind.split(":", 1)[1])
    except (SyntaxError, ValueError, OSError) as exc:
        return [f"{label} is not {kind}: {exc}\n{data[:500]!r}"]
    problems = []
    ok, why = same_graph(expect["graph"], graph)
    if not ok:
        problems.append(f"{label}: {why}")
    if list(graph.prefixes) != expect["prefixes"]:
        problems.append(f"{label}: declared prefixes {list(graph.prefixes)}, expected {expect['prefixes']}")
    return problems


def _compare_files(case: dict, outcome: Outcome) -> list[str]:
    expected = case["expect"]["files"]
    problems = []
    if sorted(outcome.files) != sorted(expected):
        gone, new = sorted(set(expected) - set(outcome.files)), sorted(set(outcome.files) - set(expected))
        problems.append(f"written files differ: missing {gone}, unexpected {new}")
    for rel, want in expected.items():
        if rel not in outcome.files:
            continue
        data, kind = outcome.files[rel], want["kind"]
        if kind == "text":
            golden = (GOLDEN_DIR / f"{case['id']}.files" / rel).read_bytes()
            if data != golden:
                problems.append(_text_diff(golden, data, rel))
        elif kind == "sha256":
            digest = hashlib.sha256(data).hexdigest()
            if digest != want["sha256"]:
                problems.append(f"{rel}: content changed (sha256 {digest}, expected {want['sha256']})")
        elif kind == "sha256sums":
            folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
            problems.extend(check_sha256sums(data, outcome.files, folder, want["names"]))
        else:
            problems.extend(_compare_graph(want, data, kind, rel))
    return problems


def record(case: dict, outcome: Outcome, written: set[Path]) -> None:
    """Write the goldens of one case (its manifest entry is updated in place)."""
    if outcome.setup_error:
        raise SystemExit(f"{case['id']}: {outcome.setup_error}")
    cid = case["id"]
    case["exit"] = outcome.exit
    expect: dict = {}
    kind = case.get("stdout", "text")
    if kind == "text":
        _write(GOLDEN_DIR / f"{cid}.out", outcome.stdout, written)
    else:
        expect["stdout"] = _record_graph(outcome.stdout, kind, written)
    _write(GOLDEN_DIR / f"{cid}.err", outcome.stderr, written)
    if case.get("files"):
        files = {}
        for rel, data in outcome.files.items():
            fkind = file_kind(case["files"], rel)
            if fkind == "text":
                _write(GOLDEN_DIR / f"{cid}.files" / rel, data, written)
                files[rel] = {"kind": "text"}
            elif fkind == "sha256":
                files[rel] = {"kind": "sha256", "sha256": hashlib.sha256(data).hexdigest()}
            elif fkind == "sha256sums":
                names = [line.split("  ", 1)[1] for line in data.decode("utf-8").splitlines()]
                files[rel] = {"kind": "sha256sums", "names": names}
            else:
                files[rel] = {"kind": fkind, **_record_graph(data, fkind, written)}
        expect["files"] = files
    if expect:
        case["expect"] = expect
    else:
        case.pop("expect", None)


def _record_graph(data: bytes, kind: str, written: set[Path]) -> dict:
    graph = canonical(data, kind.split(":", 1)[1])
    store_graph(graph)
    written.add(rdf_path(graph.digest))
    return {"graph": graph.digest, "triples": len(graph.lines), "prefixes": list(graph.prefixes)}


def _write(path: Path, data: bytes, written: set[Path]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists() or path.read_bytes() != data:
        path.write_bytes(data)
    written.add(path)


def _leaks(outcome: Outcome, marker: str) -> list[str]:
    """Normalisation must leave no trace of the run's temporary folder (e.g. a path broken across lines)."""
    return [f"{label} still holds part of a temporary path ({marker})"
            for label, data in (("stdout", outcome.stdout), ("stderr", outcome.stderr))
            if marker.encode() in data]


def _leak_check(outcomes: dict[str, Outcome]) -> list[str]:
    return [f"{o.case_id}: {msg}" for o in outcomes.values() for msg in o.leaks]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="record the goldens from the current code")
    mode.add_argument("--check", action="store_true", help="compare the current code with the goldens")
    parser.add_argument("-k", dest="only", help="only the cases whose id contains this text")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--fresh-cache", action="store_true", help="a cold cache for every case")
    parser.add_argument("--repeat", type=int, default=1, help="with --check: run everything N times")
    args = parser.parse_args(argv)
    try:
        executable()
    except FileNotFoundError as exc:
        raise SystemExit(str(exc)) from None

    manifest = load_manifest()
    cases = [c for c in manifest["cases"] if not args.only or args.only in c["id"]]
    ids = [c["id"] for c in manifest["cases"]]
    if len(set(ids)) != len(ids):
        raise SystemExit("duplicate case ids in cases.json")

    def show(o: Outcome) -> None:
        print(f"  {o.seconds:6.2f}s  exit {o.exit}  {o.case_id}", file=sys.stderr)

    if args.write:
        started = time.perf_counter()
        outcomes = run_all(cases, workers=args.workers, fresh_cache=args.fresh_cache, progress=show)
        leaks = _leak_check(outcomes)
        if leaks:
            raise SystemExit("\n".join(leaks))
        written: set[Path] = set()
        for case in cases:
            record(case, outcomes[case["id"]], written)
        save_manifest(manifest)
        if not args.only:  # remove goldens no case refers to any more
            for path in sorted(GOLDEN_DIR.rglob("*")):
                if path.is_file() and path != MANIFEST and path not in written:
                    path.unlink()
            for path in sorted(GOLDEN_DIR.rglob("*"), reverse=True):
                if path.is_dir() and not any(path.iterdir()):
                    path.rmdir()
        print(f"recorded {len(cases)} cases in {time.perf_counter() - started:.1f}s", file=sys.stderr)
        return 0

    failed = 0
    for round_ in range(args.repeat):
        started = time.perf_counter()
        outcomes = run_all(cases, workers=args.workers, fresh_cache=args.fresh_cache)
        for case in cases:
            problems = compare(case, outcomes[case["id"]])
            if problems:
                failed += 1
                print(f"FAIL {case['id']}: aiworkforce {' '.join(case['argv'])}")
                for p in problems:
                    print("    " + p.replace("\n", "\n    "))
        print(f"round {round_ + 1}: {len(cases)} cases in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    print(f"{failed} failure(s)" if failed else "all cases identical")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
