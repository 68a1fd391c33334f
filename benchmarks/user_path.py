"""Scale on the path a user takes: separate ``aiworkforce`` commands with ``--data``, on independently generated
data (``benchmarks/esco_like.py``, shaped like ESCO, not like the shipped graph), this version side by side with a
baseline (by default the previous release, commit c0b9431, unpacked with ``git archive``) in the same run.

Phases, each a whole process exactly as a user types it, timed with its own peak RSS (``os.wait4``):

1. ``aiworkforce validate --data F``                     (fresh cache)
2. ``aiworkforce reason --data F -o closure.ttl``         (fresh cache: the command a user runs first)
3. ``aiworkforce query roles-by-layer --data F -f json``  (fresh cache: load + reason + store)
4. the same query again                                   (warm: the cache built by 3)
5. ``aiworkforce add CONTRIBUTION [--data F]``            (one contribution merged into a copy of the knowledge
   base, ``AIWORKFORCE_ONTOLOGY_DIR``; this version updates the joined store incrementally; the baseline has no
   ``--data`` on ``add``), then the query again: the time until the user sees the new role in their data.
6. ``aiworkforce remove ROLE --data F``                  (the contribution's role taken back out, its new skill and
   concern left: a knowledge base no command has seen, so no cache entry serves it; delete-and-rederive on the
   joined store. The baseline has no ``remove``: the role's statements are deleted from the module as by hand
   (with this version's ``remove --into``, not timed), and its next query recomputes), then the query again,
   whose rows must be those of phase 3 (the query lists roles).

With ``--every-query``, after phase 4 every stored query runs once more on the warm store (``aiworkforce query
NAME -p ... --data F -f json``, the required parameters set to their examples), in both versions, with its rows
compared: the warm figure of the queries users run, not only of the one above.

Every command runs with ``XDG_CACHE_HOME`` in a temporary folder. The answers of both versions are compared (the
violations found, the query rows). Prints one table per size, the growth exponent of each phase between sizes, the
load average before each size, and as its last line one JSON object with every figure.

Usage: python benchmarks/user_path.py --triples 100000 1000000 [--baseline PATH | --no-baseline] [--every-query]
``--baseline PATH`` names a source checkout (it has ``src/aiworkforce``) to compare with.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASELINE_COMMIT = "c0b9431"
QUERY = "roles-by-layer"
CONTRIBUTION = ROOT / "examples" / "contributions" / "ai-red-teamer.ttl"
#: the role CONTRIBUTION merges (with a skill and a concern), taken back out by phase 6
REMOVED = ("role:ai-red-teamer",)
PHASES = ("validate", "reason", "first query", "warm query", "add + query", "remove + query")
#: issue 15's targets at 1M triples (seconds; MiB)
TARGETS = {"validate": 20.0, "first query": 45.0, "warm query": 0.5, "add": 2.0, "rss": 2048.0, "growth": 1.05}


def _generator():
    spec = importlib.util.spec_from_file_location("esco_like", Path(__file__).with_name("esco_like.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(tree: Path, args: list[str], env: dict[str, str], stdout=subprocess.DEVNULL) -> tuple[float, float, float]:
    """Run ``aiworkforce ARGS`` from the checkout ``tree`` in a fresh process: (wall seconds, peak RSS MiB, CPU
    seconds: user + system, less sensitive than wall time to other jobs on a shared machine)."""
    env = {**env, "PYTHONPATH": str(tree / "src")}
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "aiworkforce", *args], env=env, stdout=stdout,
                            stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1):  # 1: validate found the planted violations
        raise RuntimeError(f"aiworkforce {' '.join(args)} exited {proc.returncode}:\n{err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def user_path(tree: Path, data: Path, work: Path, every_query: bool = False) -> dict:
    """The six phases for the checkout ``tree`` on ``data``; answers are kept for comparison."""
    work.mkdir(parents=True)
    kb = work / "ontology"
    shutil.copytree(tree / "ontology", kb)
    base = {k: v for k, v in os.environ.items() if not k.startswith(("AIWORKFORCE_", "XDG_CACHE"))}
    env = {**base, "AIWORKFORCE_ONTOLOGY_DIR": str(kb), "NO_COLOR": "1"}
    out: dict = {}

    def fresh() -> dict[str, str]:
        cache = Path(tempfile.mkdtemp(dir=work, prefix="cache-"))
        return {**env, "XDG_CACHE_HOME": str(cache)}

    report = work / "validate.json"
    with report.open("wb") as handle:
        out["validate"] = run(tree, ["validate", "--data", str(data), "-f", "json"], fresh(), stdout=handle)
    out["reason"] = run(tree, ["reason", "--data", str(data), "-o", str(work / "closure.ttl")], fresh())
    warm = fresh()
    query = ["query", QUERY, "--data", str(data), "-f", "json"]
    with (work / "rows.json").open("wb") as handle:
        out["first query"] = run(tree, query, warm, stdout=handle)
    out["warm query"] = run(tree, query, warm)
    if every_query:
        out["every query"] = every_stored_query(tree, data, warm, work / "every-query")
    def takes_data(command: str) -> bool:
        helped = subprocess.run([sys.executable, "-m", "aiworkforce", command, "--help"], capture_output=True,
                                text=True, env={**env, "PYTHONPATH": str(tree / "src")})
        return helped.returncode == 0 and "--data" in helped.stdout

    added = run(tree, ["add", str(CONTRIBUTION), *(["--data", str(data)] if takes_data("add") else [])], warm)
    with (work / "rows-after-add.json").open("wb") as handle:
        after = run(tree, query, warm, stdout=handle)
    out["add"] = added
    out["add + query"] = (added[0] + after[0], max(added[1], after[1]), added[2] + after[2])
    if takes_data("remove"):
        removed = run(tree, ["remove", *REMOVED, "--data", str(data)], warm)
    else:  # no `remove --data`: the statements are deleted as by hand (not timed), and the next query recomputes
        edit = {**base, "PYTHONPATH": str(ROOT / "src"), "XDG_CACHE_HOME": str(work / "edit-cache")}
        subprocess.run([sys.executable, "-m", "aiworkforce", "remove", *REMOVED, "--into", str(kb)], env=edit,
                       check=True, capture_output=True)
        removed = (0.0, 0.0, 0.0)
    with (work / "rows-after-remove.json").open("wb") as handle:
        again = run(tree, query, warm, stdout=handle)
    out["remove"] = removed
    out["remove + query"] = (removed[0] + again[0], max(removed[1], again[1]), removed[2] + again[2])
    try:
        found = json.loads(report.read_text())
        out["violations"] = sum(1 for r in found.get("shacl", ()) if r.get("severity") == "Violation")
    except ValueError:
        out["violations"] = None
    out["rows"] = _rows(work / "rows.json")
    after_rows = (work / "rows-after-add.json").read_text()
    out["sees contribution"] = "ai-red-teamer" in after_rows
    out["back to the first rows"] = _rows(work / "rows-after-remove.json") == _rows(work / "rows.json")
    return out


def stored_queries() -> list[tuple[str, list[str]]]:
    """This version's stored queries, each with its required parameters set to their examples (``-p`` arguments);
    the baseline runs the same command lines."""
    sys.path.insert(0, str(ROOT / "src"))
    try:
        from aiworkforce.query.catalogue import catalogue
    finally:
        sys.path.pop(0)
    return [(name, [a for p in query.params if p.required for a in ("-p", f"{p.name}={p.example}")])
            for name, query in sorted(catalogue().items())]


def every_stored_query(tree: Path, data: Path, env: dict[str, str], work: Path) -> dict:
    """Each stored query once on the warm store of ``env``: name -> (wall s, peak RSS MiB, CPU s, rows), or None
    where the version has no such query or refuses the command line."""
    work.mkdir(parents=True)
    out = {}
    for name, params in stored_queries():
        target = work / f"{name}.json"
        try:
            with target.open("wb") as handle:
                figures = run(tree, ["query", name, *params, "--data", str(data), "-f", "json"], env, stdout=handle)
        except RuntimeError:
            out[name] = None
            continue
        out[name] = (*figures, _rows(target))
    return out


def _rows(path: Path) -> list[str]:
    rows = json.loads(path.read_text() or "[]")
    if isinstance(rows, dict):
        rows = rows.get("results", {}).get("bindings", rows)

    def cell(value):  # a list a GROUP_CONCAT joined has no order: its items are compared as a set
        return "; ".join(sorted(value.split("; "))) if isinstance(value, str) else value

    return sorted(json.dumps({k: cell(v) for k, v in r.items()}, sort_keys=True) for r in rows)


def baseline_tree(spec: str | None, work: Path) -> Path | None:
    if spec == "none":
        return None
    if spec:
        return Path(spec).resolve()
    target = work / f"baseline-{BASELINE_COMMIT}"
    target.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", BASELINE_COMMIT], capture_output=True, check=True)
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    return target


def print_every_query(this: dict, prev: dict | None) -> None:
    """The table of every stored query on the warm store: rows, wall time, and the baseline's, rows compared."""
    print(f"every stored query on the warm store (one run each){'':>4}rows{'this s':>9}"
          + (f"{'baseline s':>12}  same rows" if prev else ""))
    for name, figures in this["every query"].items():
        line = f"  {name:<50}" + (f"{len(figures[3]):>6}{figures[0]:>9.2f}" if figures else f"{'-':>6}{'-':>9}")
        if prev:
            old = prev["every query"].get(name)
            line += (f"{old[0]:>12.2f}  {figures is not None and figures[3] == old[3]}" if old
                     else f"{'-':>12}  (no such query or command line in the baseline)")
        print(line)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--baseline", help="a source checkout to compare with (default: the previous release)")
    parser.add_argument("--no-baseline", dest="baseline", action="store_const", const="none")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--every-query", action="store_true", help="also time every stored query on the warm store")
    args = parser.parse_args(argv)
    gen = _generator()
    results: dict = {"sizes": {}}
    with tempfile.TemporaryDirectory(prefix="aiw-user-path-") as tmp:
        work = Path(tmp)
        baseline = baseline_tree(args.baseline, work)
        for n in args.triples:
            data = work / f"esco-like-{n}.ttl"
            planted = gen.write(data, n, args.seed)
            before = load()
            this = user_path(ROOT, data, work / f"this-{n}", args.every_query)
            prev = user_path(baseline, data, work / f"base-{n}", args.every_query) if baseline else None
            results["sizes"][n] = {"this": this, "baseline": prev, "planted": planted, "load": before,
                                   "load_after": load()}
            print(f"\n{n:,} triples of ESCO-like data ({planted} planted violations), load average {before}"
                  f" before, {load()} after")
            print(f"{'phase':<14}{'this s':>9}{'CPU s':>8}{'RSS MiB':>9}"
                  + (f"{'baseline s':>12}{'CPU s':>8}{'RSS MiB':>9}" if prev else ""))
            for phase in (*PHASES, "add", "remove"):
                line = f"{phase:<14}{this[phase][0]:>9.2f}{this[phase][2]:>8.2f}{this[phase][1]:>9.0f}"
                if prev:
                    line += f"{prev[phase][0]:>12.2f}{prev[phase][2]:>8.2f}{prev[phase][1]:>9.0f}"
                print(line)
            print(f"SHACL violations found: {this['violations']} (planted {planted})"
                  + (f", baseline {prev['violations']}" if prev else ""))
            print(f"query rows: {len(this['rows'])}" + (f", identical to baseline: {this['rows'] == prev['rows']}"
                                                        if prev else ""))
            if args.every_query:
                print_every_query(this, prev)
            print(f"the query sees the added contribution: {this['sees contribution']}"
                  + (f" (baseline {prev['sees contribution']})" if prev else ""))
            print(f"after remove, the query's rows are those before add: {this['back to the first rows']}"
                  + (f" (baseline {prev['back to the first rows']})" if prev else ""))
        sizes = sorted(results["sizes"])
        if len(sizes) > 1:
            lo, hi = sizes[0], sizes[-1]
            print(f"\ngrowth exponent {lo:,} -> {hi:,} (time ~ n^k), of wall time and of CPU time")
            growth = results["growth"] = {}
            for phase in PHASES:
                for who in ("this", "baseline"):
                    a, b = results["sizes"][lo][who], results["sizes"][hi][who]
                    if a and b:
                        growth.setdefault(who, {})[phase] = tuple(
                            round(math.log(b[phase][i] / a[phase][i]) / math.log(hi / lo), 3) for i in (0, 2))
                print(f"  {phase:<14} this {growth['this'][phase][0]:.2f} / {growth['this'][phase][1]:.2f}"
                      + (f"  baseline {growth['baseline'][phase][0]:.2f} / {growth['baseline'][phase][1]:.2f}"
                         if "baseline" in growth else ""))
    for size in results["sizes"].values():
        for who in ("this", "baseline"):
            if size[who]:
                size[who].pop("rows")
                for name, figures in size[who].get("every query", {}).items():
                    size[who]["every query"][name] = figures and figures[:3]
    print(json.dumps(results, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
