"""SHACL validation at scale: the SPARQL-compiled validator (aiworkforce.validation.shacl) against pySHACL.

For each size (default about 10k, 100k and 1M triples) the script writes a synthetic knowledge base with
benchmarks/generate.py (N-Triples), adds a handful of known violations (unless --clean) and validates it, with
every shape of shapes/, merged with the ontology (ontology/aiworkforce.ttl, layers.ttl and sources.ttl) two ways:

* ``fast``: the data are bulk-loaded into a pyoxigraph store (they never become an rdflib graph) and validated
  with ``validate_fast(store=...)``: every constraint is one SPARQL query over the store;
* ``pyshacl``: the data are parsed into an rdflib graph and validated with ``aiworkforce.validation.validate.validate``
  (pySHACL, inference none, SHACL-AF on), the reference. At the largest size pySHACL gets a time budget
  (--budget, default 120 s for parsing and validating); past it, it is stopped.

Each run is a fresh child process, so the peak RSS column is that process's high-water mark
(``resource.getrusage(RUSAGE_SELF).ru_maxrss`` read by the child when it finishes: the interpreter, the loaded
data and the validation). "load" is reading the files, "validate" the validation proper (including compiling the
shapes for ``fast``). Where both finished, the results (severity, focus, path, shape, component, value, message
of every result, as a multiset) are compared.

Usage: python benchmarks/validate_scale.py [--sizes 10000,100000,1000000] [--budget 120] [--seed 1] [--clean]
       [--workers N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = [ROOT / "ontology" / name for name in ("aiworkforce.ttl", "layers.ttl", "sources.ttl")]
UNLIMITED = 3600.0

# Known violations appended to the generated data (they name generated roles, which every size has).
ROLE = "https://w3id.org/aiworkforce/role/"
AIW = "https://w3id.org/aiworkforce/ontology#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
VIOLATIONS = f"""\
<{ROLE}synthetic-role-000001> <{SKOS}altLabel> "No language tag" .
<{ROLE}synthetic-role-000002> <{AIW}overlapsWith> <{ROLE}synthetic-role-000002> .
<{ROLE}synthetic-role-000003> <{AIW}requiresEssentialSkill> "python" .
<{ROLE}synthetic-role-000004> <{SKOS}prefLabel> "SYNTHETIC ROLE 000005"@en .
<{ROLE}synthetic-role-000006> <{AIW}specialises> <{ROLE}synthetic-role-000007> .
<{ROLE}synthetic-role-000007> <{AIW}specialises> <{ROLE}synthetic-role-000006> .
<{ROLE}Bad_Slug> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{AIW}Role> .
<{ROLE}Bad_Slug> <{SKOS}prefLabel> "Bad Slug Role"@en .
"""


# ---------------------------------------------------------------------------------------------------- child


def _key(problem) -> str:
    def text(node):
        if node is None:
            return "-"
        if type(node).__name__ == "BNode":
            return "_:b"
        return node.n3()

    return "\t".join((problem.severity.value, text(problem.focus), text(problem.path), text(problem.shape),
                      text(problem.component), text(problem.value), problem.message))


def child(engine: str, data: str, workers: int | None) -> None:
    """Load and validate in this process; print one JSON line with the timings, peak RSS and results."""
    import resource

    start = time.perf_counter()
    if engine == "fast":
        import pyoxigraph

        from aiworkforce.validation.shacl import validate_fast

        store = pyoxigraph.Store()
        store.bulk_load(path=data, format=pyoxigraph.RdfFormat.N_TRIPLES)
        for path in ONTOLOGY:
            store.bulk_load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
        loaded = time.perf_counter()
        report = validate_fast(store=store, workers=workers)
    else:
        from rdflib import Graph

        from aiworkforce.rdf.load import parse_file
        from aiworkforce.validation.validate import validate

        graph = Graph()
        graph.parse(data, format="nt")
        for path in ONTOLOGY:
            parse_file(path, graph=graph)
        loaded = time.perf_counter()
        report = validate(graph)
    done = time.perf_counter()
    print(json.dumps({
        "triples": report.triples,
        "load": loaded - start,
        "validate": done - loaded,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "problems": [_key(p) for p in report.problems],
    }))


# ---------------------------------------------------------------------------------------------------- parent


def run(engine: str, data: Path, budget: float, workers: int | None) -> dict:
    command = [sys.executable, __file__, "--child", engine, str(data)]
    if workers:
        command += ["--workers", str(workers)]
    start = time.perf_counter()
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=budget, check=False)
    except subprocess.TimeoutExpired:
        return {"timeout": budget, "wall": time.perf_counter() - start}
    if out.returncode != 0:
        raise SystemExit(f"{engine} failed on {data}:\n{out.stderr[-3000:]}")
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["wall"] = time.perf_counter() - start
    return result


def generate(size: int, seed: int, folder: Path, clean: bool) -> Path:
    spec = importlib.util.spec_from_file_location("generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    path = folder / f"synthetic-{size}-{seed}{'' if clean else '-bad'}.nt"
    if not path.exists():
        module.write(path, size, seed=seed, fmt="nt")
        if not clean:
            with path.open("a", encoding="utf-8") as out:
                out.write(VIOLATIONS)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="comma-separated numbers of triples")
    parser.add_argument("--budget", type=float, default=120.0, help="pySHACL time budget at the largest size (s)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clean", action="store_true", help="do not add the known violations")
    parser.add_argument("--workers", type=int, default=None, help="query threads for fast (default: automatic)")
    parser.add_argument("--keep", type=Path, default=None, help="write (and reuse) the data files in this folder")
    parser.add_argument("--child", nargs=2, metavar=("ENGINE", "DATA"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.workers)
        return 0

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    folder = args.keep or Path(tempfile.mkdtemp(prefix="aiw-validate-scale-"))
    folder.mkdir(parents=True, exist_ok=True)
    from aiworkforce.validation.shacl import default_query_threads

    print(f"SHACL validation of generated data + ontology; {os.cpu_count()} CPUs, fast uses "
          f"{args.workers or default_query_threads()} query thread(s); peak RSS = getrusage(RUSAGE_SELF).ru_maxrss of "
          f"each run's own child process.")
    print(f"{'size':>9} {'triples':>9} {'engine':<8} {'load s':>8} {'validate s':>10} {'total s':>8} "
          f"{'peak RSS MB':>11} {'results':>7}  identical")
    rows = []
    for size in sizes:
        data = generate(size, args.seed, folder, args.clean)
        budget = args.budget if size == max(sizes) else UNLIMITED
        fast = run("fast", data, UNLIMITED, args.workers)
        ref = run("pyshacl", data, budget, None)
        if "timeout" in ref:
            same = "pySHACL stopped"
        else:
            want, got = Counter(ref["problems"]), Counter(fast["problems"])
            same = "yes" if want == got else f"NO ({sum((want - got).values())} only pySHACL, " \
                                             f"{sum((got - want).values())} only fast)"
        for name, r in (("fast", fast), ("pyshacl", ref)):
            if "timeout" in r:
                print(f"{size:>9} {'?':>9} {name:<8} {'':>8} {'':>10} {'>' + format(r['timeout'], '.0f'):>8} "
                      f"{'-':>11} {'-':>7}  (stopped at the budget)")
            else:
                total = r["load"] + r["validate"]
                print(f"{size:>9} {r['triples']:>9,} {name:<8} {r['load']:>8.2f} {r['validate']:>10.2f} "
                      f"{total:>8.2f} {r['rss_mb']:>11.0f} {len(r['problems']):>7}  "
                      f"{same if name == 'pyshacl' else ''}")
        sys.stdout.flush()
        rows.append((size, fast, ref, same))
    for size, fast, ref, same in rows:
        if "timeout" not in ref:
            print(f"{size:>9}: validation {ref['validate'] / fast['validate']:.0f}x faster, "
                  f"load + validation {(ref['load'] + ref['validate']) / (fast['load'] + fast['validate']):.0f}x faster")
    if not args.keep:
        for path in folder.glob("*.nt"):
            path.unlink()
        folder.rmdir()
    return 0 if all(same in ("yes", "pySHACL stopped") for *_, same in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
