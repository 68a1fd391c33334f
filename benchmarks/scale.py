"""Scale: the shipped graph joined with generated workforce data, through every phase, fast stack vs naive stack.

Phases, each timed in a fresh child process (so peak memory is that of the pipeline alone):

* fast stack (what aiworkforce uses): pyoxigraph load -> compiled OWL 2 RL rules in pyoxigraph -> SHACL compiled
  to SPARQL on pyoxigraph -> one stored query (roles-by-layer) on pyoxigraph;
* naive stack (the required libraries used directly): rdflib parse -> owlrl -> pySHACL -> rdflib query, with a
  time budget; the table says how far it got.

Usage: python benchmarks/scale.py --triples 10000 100000 1000000 [--budget 300]
Prints a table per phase and size, the growth exponent between sizes, and as its last line one JSON object for
the largest size: {"triples", "total_s", "peak_rss_mib", "baseline_total_s", "identical_results"}.
Targets at 1M triples (2 cores): total <= 60 s, peak RSS <= 4 GiB; exit status 1 when missed.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_TOTAL_S = 60.0
TARGET_RSS_MIB = 4096.0
QUERY = "roles-by-layer"

FAST = r"""
import json, resource, sys, time
from pathlib import Path
out = {}
def mark(phase, start):
    out[phase] = round(time.perf_counter() - start, 3)
    print(json.dumps({"phase": phase, "s": out[phase]}), flush=True)
data = Path(sys.argv[1])
t = time.perf_counter()
from aiworkforce.reasoning.pipeline import load_data_store, reason_store
store = load_data_store([data])
mark("load", t)
t = time.perf_counter()
result = reason_store(store)
mark("reason", t)
t = time.perf_counter()
from aiworkforce.validation.shacl import validate_fast
report = validate_fast(store=store)
mark("validate", t)
t = time.perf_counter()
from aiworkforce.query.catalogue import get_query
rows = sorted(tuple("" if v is None else v.value for v in s) for s in store.query(get_query(sys.argv[2]).text))
mark("query", t)
import hashlib
print(json.dumps({"done": True, "closure": result.closure, "violations": sum(
    1 for p in report.problems if p.severity.value == "Violation"), "rows": len(rows),
    "digest": hashlib.sha256(repr(rows).encode()).hexdigest(),
    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)
"""

NAIVE = r"""
import json, resource, sys, time
from pathlib import Path
def mark(phase, start):
    print(json.dumps({"phase": phase, "s": round(time.perf_counter() - start, 3)}), flush=True)
data = Path(sys.argv[1])
t = time.perf_counter()
from rdflib import Graph
graph = Graph()
for path in sorted(Path(sys.argv[3]).glob("*.ttl")):
    graph.parse(path, format="turtle")
graph.parse(data, format="nt")
mark("load", t)
t = time.perf_counter()
import owlrl
from aiworkforce.reasoning.reference import owlrl_closure
closure, errors = owlrl_closure(graph)
mark("reason", t)
t = time.perf_counter()
import pyshacl
shapes = Graph()
for path in sorted(Path(sys.argv[4]).glob("*.ttl")):
    shapes.parse(path, format="turtle")
conforms, report, _ = pyshacl.validate(graph, shacl_graph=shapes, inference="none", advanced=True)
mark("validate", t)
t = time.perf_counter()
rows = sorted(tuple("" if v is None else str(v) for v in r)
              for r in closure.query((Path(sys.argv[5]) / (sys.argv[2] + ".rq")).read_text()))
mark("query", t)
import hashlib
print(json.dumps({"done": True, "rows": len(rows), "digest": hashlib.sha256(repr(rows).encode()).hexdigest(),
                  "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)
"""


def run(code: str, args: list[str], budget: float | None) -> tuple[dict, bool]:
    """Run a child; collect its phase lines until it finishes or the budget runs out."""
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE, text=True)
    phases: dict = {}
    start = time.perf_counter()
    finished = False
    try:
        stdout, _ = proc.communicate(timeout=budget)
        finished = proc.returncode == 0
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, _ = proc.communicate()
    for line in stdout.splitlines():
        record = json.loads(line)
        if "phase" in record:
            phases[record["phase"]] = record["s"]
        else:
            phases["result"] = record
    phases["wall"] = time.perf_counter() - start
    return phases, finished


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--budget", type=float, default=300.0, help="seconds allowed to the naive stack per size")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT / "benchmarks"))
    import generate

    rows = []
    with tempfile.TemporaryDirectory(prefix="aiw-scale-") as tmp:
        for n in sorted(args.triples):
            data = Path(tmp) / f"synthetic-{n}.nt"
            generate.write(data, n, args.seed, "nt")
            fast, fast_ok = run(FAST, [str(data), QUERY], None)
            naive, naive_ok = run(NAIVE, [str(data), QUERY, str(ROOT / "ontology"), str(ROOT / "shapes"),
                                          str(ROOT / "queries")], args.budget)
            total = sum(fast.get(p, 0.0) for p in ("load", "reason", "validate", "query"))
            naive_total = sum(naive.get(p, 0.0) for p in ("load", "reason", "validate", "query")) if naive_ok else None
            identical = bool(naive_ok and fast_ok and fast["result"]["digest"] == naive["result"]["digest"])
            rows.append({"triples": n, "fast": fast, "naive": naive, "total_s": round(total, 3),
                         "peak_rss_mib": round(fast.get("result", {}).get("peak_rss_mib", float("nan")), 1),
                         "baseline_total_s": None if naive_total is None else round(naive_total, 3),
                         "identical_results": identical if naive_ok else None, "fast_ok": fast_ok})

    print(f"{'triples':>10} {'stack':<6} {'load':>8} {'reason':>8} {'validate':>9} {'query':>8} {'total':>8} {'RSS MiB':>8}")
    for r in rows:
        for name in ("fast", "naive"):
            phases = r[name]
            cells = [f"{phases[p]:8.2f}" if p in phases else "       -" for p in ("load", "reason", "validate", "query")]
            done = r["fast_ok"] if name == "fast" else r["baseline_total_s"] is not None
            total = r["total_s"] if name == "fast" else r["baseline_total_s"]
            total_text = f"{total:8.2f}" if done and total is not None else " budget!"
            rss = phases.get("result", {}).get("peak_rss_mib")
            rss_text = "-" if rss is None else str(round(rss))
            print(f"{r['triples']:>10} {name:<6} {' '.join(cells)}  {total_text} {rss_text:>8}")
    for a, b in zip(rows, rows[1:]):
        exponent = math.log(b["total_s"] / a["total_s"]) / math.log(b["triples"] / a["triples"])
        print(f"growth exponent {a['triples']:,} -> {b['triples']:,}: {exponent:.2f} (1.0 = linear)")
    for r in rows:
        same = {True: "identical", False: "DIFFERENT", None: "not compared (naive stack over budget)"}
        print(f"{r['triples']:,} triples: stored-query results {same[r['identical_results']]}")
    last = rows[-1]
    ok = last["fast_ok"] and (last["triples"] < 1_000_000 or (
        last["total_s"] <= TARGET_TOTAL_S and last["peak_rss_mib"] <= TARGET_RSS_MIB))
    print(json.dumps({k: last[k] for k in ("triples", "total_s", "peak_rss_mib", "baseline_total_s",
                                            "identical_results")}))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
