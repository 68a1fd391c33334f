"""Whole-process latency of a stored query: aiworkforce (cached closure + pyoxigraph) vs the naive pipeline.

The naive pipeline is what a user would write with the required stack alone: rdflib parses the ontology
sources, owlrl computes the OWL-RL closure, rdflib answers the query. Both run as fresh processes, so the
figures include interpreter start-up and imports, like a user's command does.

Targets (issue "Query tooling"): warm `aiworkforce query roles-by-layer` <= 0.15 s median, and >= 10x faster
than the naive pipeline. The cold first run (cache build) is reported too.

Usage: python benchmarks/query_latency.py [--runs N] [--query NAME]
Exit status 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_WARM_S = 0.15
TARGET_RATIO = 10.0

NAIVE = """
import sys
from pathlib import Path
import owlrl
from rdflib import Graph
g = Graph()
for path in sorted(Path(sys.argv[1]).glob("*.ttl")):
    g.parse(path, format="turtle")
owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(g)
rows = list(g.query(Path(sys.argv[2]).read_text()))
print(len(rows))
"""


def timed(cmd: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def aiworkforce_cmd() -> list[str]:
    exe = shutil.which("aiworkforce", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "aiworkforce.cli"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--naive-runs", type=int, default=5)
    parser.add_argument("--query", default="roles-by-layer")
    parser.add_argument("--write-readme", action="store_true", help="Also put the figures in README.md.")
    args = parser.parse_args()

    cache = Path(tempfile.mkdtemp(prefix="aiw-bench-cache-"))
    env = {**os.environ, "AIWORKFORCE_CACHE_DIR": str(cache)}
    cmd = aiworkforce_cmd() + ["query", args.query, "--format", "tsv"]
    try:
        cold = timed(cmd, env)
        warm = [timed(cmd, env) for _ in range(args.runs)]
        query_file = ROOT / "queries" / f"{args.query}.rq"
        naive_cmd = [sys.executable, "-c", NAIVE, str(ROOT / "ontology"), str(query_file)]
        naive = [timed(naive_cmd, env) for _ in range(args.naive_runs)]
    finally:
        shutil.rmtree(cache, ignore_errors=True)

    warm_median = statistics.median(warm)
    naive_median = statistics.median(naive)
    ratio = naive_median / warm_median
    ok = warm_median <= TARGET_WARM_S and ratio >= TARGET_RATIO
    lines = [
        f"query: {args.query}  (whole process, {args.runs} warm runs, {args.naive_runs} naive runs)",
        f"{'pipeline':<44} {'median':>9}",
        f"{'aiworkforce, cold (builds the cache)':<44} {cold:>8.3f}s",
        f"{'aiworkforce, warm (cached closure, oxigraph)':<44} {warm_median:>8.3f}s",
        f"{'naive: rdflib parse + owlrl + rdflib query':<44} {naive_median:>8.3f}s",
        f"speed-up, warm vs naive: {ratio:.1f}x",
        f"targets: warm <= {TARGET_WARM_S}s ({'met' if warm_median <= TARGET_WARM_S else 'MISSED'}), "
        f">= {TARGET_RATIO:.0f}x ({'met' if ratio >= TARGET_RATIO else 'MISSED'})",
    ]
    print("\n".join(lines))
    if args.write_readme:
        write_readme(lines)
    return 0 if ok else 1


def write_readme(lines: list[str]) -> None:
    import platform
    import re

    readme = ROOT / "README.md"
    body = (
        "Measured with `make bench` (`benchmarks/query_latency.py`) on a "
        f"{os.cpu_count()}-core {platform.machine()} machine, Python {platform.python_version()}:\n\n"
        "```console\n$ python benchmarks/query_latency.py\n" + "\n".join(lines) + "\n```"
    )
    text = readme.read_text(encoding="utf-8")
    text = re.sub(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)", lambda m: m.group(1) + body + "\n" + m.group(2),
                  text, flags=re.S)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
