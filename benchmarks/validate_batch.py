"""Whole-process timings of `aiworkforce validate` on contributions: one file, a batch, and the naive way.

The script writes N contributions (default 1,000) to a temporary folder. Each is a YAML file proposing one new
role with three essential and one optional skill of the core knowledge base, a layer, a concern, an ISCO-08
alignment and an article section; every 10th file also defines a new skill, which the next file uses, so the
batch has references across files. It then times, as fresh processes (interpreter start-up and imports
included, like a user's command):

(a) ``aiworkforce validate ONE.yaml``: median of 5 warm runs (after one untimed run);
(b) ``aiworkforce validate DIR``: the whole batch of N files in one process;
(c) the naive approach: one process per file that parses every ontology/*.ttl module and the file with rdflib
    and runs pySHACL with every shapes/*.ttl module over the result. It is run on a sample of 20 files and
    extrapolated linearly to N (the sample's mean times N); the table says so. The YAML is turned into RDF with
    ``aiworkforce.contributions.read.load_contribution``, the only part of aiworkforce the naive runs use.

Targets: (a) <= 1 s, (b) <= 60 s. Exit status 1 when one is missed.

Usage: python benchmarks/validate_batch.py [-n N] [--sample 20] [--keep]
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET_ONE_S = 1.0
TARGET_BATCH_S = 60.0

NAIVE = """
import sys
from pathlib import Path
import pyshacl
from rdflib import Graph
from aiworkforce.contributions.read import load_contribution
root = Path(sys.argv[1])
data = Graph()
for path in sorted((root / "ontology").glob("*.ttl")):
    data.parse(path, format="turtle")
data += load_contribution(sys.argv[2]).graph
shapes = Graph()
for path in sorted((root / "shapes").glob("*.ttl")):
    shapes.parse(path, format="turtle")
conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none", advanced=True,
                                  allow_warnings=True)
print(conforms)
"""

WORDS = ["signal", "harbour", "lattice", "meridian", "cobalt", "quarry", "tundra", "willow", "ember", "falcon",
         "garnet", "juniper", "kestrel", "lumen", "marble", "nectar", "orchid", "pylon", "quartz", "saffron"]


def _core_terms() -> dict[str, list[str]]:
    """Slugs of the core knowledge base, read with rdflib (so the benchmark needs no private API)."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF

    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        if path.name != "contributions.ttl":
            graph.parse(path, format="turtle")
    base = "https://w3id.org/aiworkforce/"
    aiw = base + "ontology#"
    out: dict[str, list[str]] = {}
    for kind, classes in (("skill", ("TransferableSkill", "TechnicalSkill", "DomainKnowledge")),
                          ("layer", ("Layer",)),
                          ("concern", ("Concern", "AIAttackSurface", "AIEnabledAttack", "GovernancePrinciple",
                                       "OperationalChallenge", "FacilityDemand")),
                          ("source", ())):
        found = set()
        for cls in classes:
            found |= {str(s) for s in graph.subjects(RDF.type, URIRef(aiw + cls))}
        if kind == "source":
            found = {str(s) for s in graph.subjects(RDF.type, URIRef("https://schema.org/Article"))}
        out[kind] = sorted(s.rsplit("/", 1)[1] for s in found if s.startswith(f"{base}{kind}/"))
    isco = "http://data.europa.eu/esco/isco/"
    out["isco"] = sorted("isco:" + str(s)[len(isco):] for s in
                         graph.subjects(RDF.type, URIRef(aiw + "ISCOUnitGroup")) if str(s).startswith(isco))
    return out


def _name(i: int) -> str:
    return f"{WORDS[i % 20]} {WORDS[(i // 20) % 20]} {WORDS[(i // 400) % 20]}"


def generate(folder: Path, n: int, seed: int = 2024) -> list[Path]:
    """Write n contributions into folder and return their paths (sorted as `validate DIR` reads them)."""
    terms = _core_terms()
    rng = random.Random(seed)
    paths = []
    for i in range(n):
        skills = rng.sample(terms["skill"], 4)
        essential, optional = skills[:3], skills[3]
        name = _name(i)
        lines = [
            "roles:",
            f"  - slug: bench-role-{i:05d}",
            f"    label: {name.title()} Specialist {i}",
            f"    alt_labels: [{name.capitalize()} practitioner {i}]",
            f"    definition: Looks after the {name} part of an AI product, number {i} of a generated benchmark batch.",
            f"    layers: [{rng.choice(terms['layer'])}]",
            f"    essential_skills: [{', '.join(essential)}]",
            f"    optional_skills: [{optional}]",
            f"    concerns: [{rng.choice(terms['concern'])}]",
            "    alignments:",
            "      - match: broad",
            f"        target: \"{rng.choice(terms['isco'])}\"",
            f"    source: {rng.choice(terms['source'])}",
        ]
        if i % 10 == 9 and i + 1 < n:  # this file defines a skill that the next file uses
            lines += [
                "skills:",
                f"  - slug: bench-skill-{i:05d}",
                f"    label: {name.capitalize()} craft {i}",
                "    kind: technical",
                f"    definition: The generated skill number {i}, defined in one file and used by the next one.",
                f"    source: {rng.choice(terms['source'])}",
            ]
        if i % 10 == 0 and i > 0:  # ... and this one uses the skill defined by the previous file
            lines[7] = f"    optional_skills: [bench-skill-{i - 1:05d}]"
        path = folder / f"role-{i:05d}.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def aiworkforce_cmd() -> list[str]:
    exe = shutil.which("aiworkforce", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-c", "import sys; from aiworkforce.cli import main; sys.exit(main())"]


def timed(cmd: list[str], env: dict[str, str], *, expect: int = 0) -> float:
    start = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != expect:
        raise SystemExit(f"{' '.join(cmd[-2:])} exited {done.returncode} (expected {expect}):\n"
                         f"{done.stdout[-3000:]}{done.stderr[-3000:]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--count", type=int, default=1000, help="Number of contributions (default 1000).")
    parser.add_argument("--runs", type=int, default=5, help="Warm runs of the one-file case (median).")
    parser.add_argument("--sample", type=int, default=20, help="Files validated the naive way (extrapolated).")
    parser.add_argument("--keep", action="store_true", help="Keep the generated folder and print its path.")
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="aiw-bench-contrib-"))
    cache = Path(tempfile.mkdtemp(prefix="aiw-bench-cache-"))
    env = {**os.environ, "AIWORKFORCE_CACHE_DIR": str(cache)}
    env.pop("AIWORKFORCE_ONTOLOGY_DIR", None)
    try:
        paths = generate(folder, args.count)
        cmd = aiworkforce_cmd() + ["validate"]
        one = next(p for p in paths if "bench-skill-" not in p.read_text())  # one that stands on its own
        timed(cmd + [str(one)], env)  # warm-up: imports compiled, page cache filled
        singles = [timed(cmd + [str(one)], env) for _ in range(args.runs)]
        batch = timed(cmd + [str(folder)], env)
        sample = paths[:: max(1, len(paths) // args.sample)][: args.sample]
        naive_cmd = [sys.executable, "-c", NAIVE, str(ROOT)]
        naive_env = {**env, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")]))}
        naive = [timed(naive_cmd + [str(p)], naive_env) for p in sample]
    finally:
        shutil.rmtree(cache, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)

    one_s = statistics.median(singles)
    naive_each = statistics.mean(naive)
    naive_total = naive_each * args.count
    ok_one, ok_batch = one_s <= TARGET_ONE_S, batch <= TARGET_BATCH_S
    rows = [
        ("(a) one contribution, warm", f"median of {args.runs} runs", f"{one_s:8.2f} s", f"<= {TARGET_ONE_S:g} s",
         "ok" if ok_one else "MISSED"),
        (f"(b) batch of {args.count:,} (validate DIR)", "1 run", f"{batch:8.2f} s", f"<= {TARGET_BATCH_S:g} s",
         "ok" if ok_batch else "MISSED"),
        ("(c) naive, 1 pySHACL process per file", f"mean of {len(naive)} files", f"{naive_each:8.2f} s", "-", ""),
        (f"    ... extrapolated to {args.count:,} files", f"{len(naive)} x measured, scaled",
         f"{naive_total:8.1f} s", "-", f"{naive_total / batch:.0f}x slower than (b)"),
    ]
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    print("  ".join(h.ljust(w) for h, w in zip(("case", "measured", "time", "target", "result"), widths)).rstrip())
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print(f"\nper file in the batch: {batch / args.count * 1000:.1f} ms; the naive figure for {args.count:,} files "
          f"is extrapolated from {len(naive)} measured runs, not measured.")
    if args.keep:
        print(f"contributions kept in {folder}")
    return 0 if ok_one and ok_batch else 1


if __name__ == "__main__":
    sys.exit(main())
