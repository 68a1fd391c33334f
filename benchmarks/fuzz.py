"""Fuzz `validate`, `sparql` and the endpoint with mutated inputs; report crashes, hangs and tracebacks.

    python benchmarks/fuzz.py [--inputs 5000] [--seed 11] [--cli 200] [--keep DIR]

Inputs are mutations of the example contributions (Turtle and YAML, through `validate`) and of the stored
queries plus SERVICE attacks (through `sparql` and the endpoint): bytes flipped, deleted and duplicated, and
tokens spliced in (control characters, escapes, comments ended by CR, deep brackets, keywords, bad IRIs).

* `validate` inputs run through the CLI entry point (`aiworkforce.cli.main`) in forked workers, each input under
  a 10 s alarm; a worker killed by a signal is a crash, an input that outlives the alarm a hang.
* `sparql` inputs: `--cli` of them through the CLI entry point itself (each query in the command's bounded,
  network-less child), the rest through what the command calls (`run_sparql`: the safety check, then the engine)
  in forked workers with the CLI's memory ceiling, a 10 s alarm, and network, so that a SERVICE the check missed
  would reach the listener.
* every `sparql` input is also sent to a local endpoint (`Server`, 2 workers, loopback only).

A crash is exit 3 (or an HTTP 500), a signal, or a traceback on stderr; a hang is more than 10 s. A loopback
listener counts connections: any is a failure. Crashing inputs are written to --keep for tests/fixtures/fuzz/.
Prints one summary line per target and exits 1 if anything failed.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import signal
import socket
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HANG = 10.0
TOKENS = [b"\x00", b"\x01", b"\x7f", b"\\u0000", b"\\uD800", b"\\U0010FFFF", b"\r", b"#", b"# c\r", b"\"", b"'",
          b"<", b">", b"<a b>", b"<http://127.0.0.1:9/>", b"[" * 300, b"(" * 300, b"{" * 300, b";", b",", b".",
          b"@prefix", b"PREFIX", b"SERVICE", b"trueSERVICE", b"\\u0053ERVICE", b"FROM", b"LOAD", b"GRAPH", b"a",
          b"\xff", b"\xc3", b"\xed\xa0\x80", b"\"\"\"", b"^^", b"@en", b"_:", b"?x", b"1e999999", b"-" * 50,
          b"OPTIONAL {", b"UNION", b"}", b")", b"REPLACE(", b"\t", b"\n" * 3, b"label: \"\\0\"", b"- ", b": ",
          b"&", b"<!DOCTYPE x [<!ENTITY a \"b\">]>", b"{\"@context\": \"http://127.0.0.1:9/c\"}"]


def mutate(rng: random.Random, data: bytes) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.random()
        at = rng.randrange(len(data) + 1)
        if op < 0.35:
            data[at:at] = rng.choice(TOKENS)
        elif op < 0.55 and data:
            data[min(at, len(data) - 1)] = rng.randrange(256)
        elif op < 0.75:
            del data[at:at + rng.randint(1, 20)]
        else:
            end = min(len(data), at + rng.randint(1, 60))
            data[at:at] = data[at:end] * rng.randint(1, 3)
    return bytes(data)


def seeds() -> tuple[list[tuple[str, bytes]], list[bytes]]:
    contributions = [(p.suffix, p.read_bytes()) for p in sorted((ROOT / "examples" / "contributions").iterdir())
                     if p.suffix in (".ttl", ".yaml")]
    queries = [p.read_bytes() for p in sorted((ROOT / "queries").glob("*.rq"))]
    queries += [b"SELECT ?s WHERE { # x\rSERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
                b"SELECT * WHERE { ?s ?p ?o FILTER(?o < 3) } LIMIT 5",
                b"PREFIX add: <http://ex/> SELECT * { ?s add:p ?o } LIMIT 3"]
    return contributions, queries


class Listener:
    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 9 if os.geteuid() == 0 and _free(9) else 0))
        self.sock.listen(64)
        self.sock.settimeout(0.1)
        self.hits = 0
        self.stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.hits += 1
            conn.close()


def _free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _run_validate(path: Path) -> tuple[int, str]:
    from aiworkforce.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(["validate", str(path)])
    return code, err.getvalue()


class _Hang(BaseException):
    """Raised by the alarm: a BaseException, so that the CLI's own `except Exception` (which turns anything
    unexpected into exit 3) cannot report a hang as a crash."""


def _alarm(*_) -> None:
    raise _Hang()


def _validate_one(path: Path) -> str:
    code, err = _run_validate(path)
    return "crash" if code == 3 or "Traceback" in err or "internal error" in err else "ok"


def _sparql_one(graph, text: str) -> str:
    """What `sparql` runs, less its per-query child (the CLI sample covers that): the safety check and the engine."""
    from aiworkforce.errors import AiworkforceError
    from aiworkforce.query.run import run_sparql

    try:
        run_sparql(graph, text)
    except AiworkforceError as exc:
        return "crash" if exc.exit_code == 3 else "ok"
    return "ok"


def _worker(items: list, report: Path, run_one, overrun: str = "hang") -> None:  # a forked child
    signal.signal(signal.SIGALRM, _alarm)
    with report.open("a", encoding="utf-8") as log:
        for index, item in items:
            log.write(f"start {index}\n")
            log.flush()
            signal.alarm(int(HANG))
            try:
                verdict = run_one(item)
            except _Hang:
                verdict = overrun
            except BaseException:  # noqa: BLE001 - an escaped exception is a traceback
                verdict = "crash"
            signal.alarm(0)
            log.write(f"done {index} {verdict}\n")
            log.flush()
    os._exit(0)


def _warm() -> None:
    """Parse the shipped graph once in the parent: forked workers then start warm (as a long session would)."""
    from rdflib import Graph

    import aiworkforce.graph
    import aiworkforce.rdf.load

    core = aiworkforce.rdf.load.load_core()

    def load_core():
        graph = Graph()
        graph += core
        for prefix, namespace in core.namespaces():
            graph.bind(prefix, namespace)
        return graph

    aiworkforce.rdf.load.load_core = load_core
    aiworkforce.graph.load_core = load_core


def fuzz_validate(inputs: list[tuple[str, bytes]], folder: Path, workers: int) -> dict[str, list[int]]:
    _warm()
    paths = []
    for i, (suffix, data) in enumerate(inputs):
        path = folder / f"v{i}{suffix}"
        path.write_bytes(data)
        paths.append((i, path))
    return _in_workers(paths, folder, workers, _validate_one)


def _in_workers(todo: list, folder: Path, workers: int, run_one, overrun: str = "hang") -> dict[str, list[int]]:
    """Run ``run_one(item)`` for every ``(index, item)`` in forked workers; a worker killed by a signal marks the
    input it was on, and the rest of its share runs in a new worker. An input still running ``HANG`` + 5 s after it
    started (an engine busy in native code never sees the alarm) gets its worker killed and the verdict
    ``overrun``: a hang, or for queries "stopped", what `sparql --timeout` does to it (exit 2)."""
    results: dict[str, list[int]] = {"ok": [], "crash": [], "hang": [], "signal": [], "stopped": []}
    while todo:
        chunks = [todo[k::workers] for k in range(workers)]
        todo = []
        pids = {}
        for k, chunk in enumerate(chunks):
            if not chunk:
                continue
            report = folder / f"report-{k}-{time.monotonic_ns()}.log"
            pid = os.fork()
            if pid == 0:
                _worker(chunk, report, run_one, overrun)
            pids[pid] = (chunk, report)
        for pid, (chunk, report) in pids.items():
            killed, current = False, (None, time.monotonic())
            while True:
                got, status = os.waitpid(pid, os.WNOHANG)
                if got:
                    break
                time.sleep(0.2)
                lines = report.read_text(encoding="utf-8").split("\n") if report.exists() else []
                last = next((l for l in reversed(lines) if l), "")
                if last.startswith("start ") and last != current[0]:
                    current = (last, time.monotonic())
                elif last.startswith("start ") and time.monotonic() - current[1] > HANG + 5:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                    killed, status = True, 0
                    break
            lines = report.read_text(encoding="utf-8").split("\n") if report.exists() else []
            done = {int(l.split()[1]): l.split()[2] for l in lines if l.startswith("done ")}
            started = [int(l.split()[1]) for l in lines if l.startswith("start ")]
            for index, verdict in done.items():
                results[verdict].append(index)
            if killed or os.WIFSIGNALED(status) or os.waitstatus_to_exitcode(status) != 0:
                dead = next((s for s in reversed(started) if s not in done), None)
                if dead is not None:
                    results[overrun if killed else "signal"].append(dead)
                    todo += [(i, p) for i, p in chunk if i not in done and i != dead]
    return results


def fuzz_sparql(queries: list[bytes], cli: int, folder: Path, workers: int) -> dict[str, list[int]]:
    """The first ``cli`` inputs through the CLI entry point (each in the command's own bounded, network-less child);
    the rest through the library (the safety check and the engine) in forked workers under the CLI's memory
    ceiling and the 10 s alarm, with network, so that a query the check missed would reach the listener."""
    from aiworkforce.cli import main
    from aiworkforce.graph import KnowledgeGraph
    from aiworkforce.query.run import DEFAULT_MEMORY_MIB
    from aiworkforce.query.sandbox import limit_memory

    results: dict[str, list[int]] = {"ok": [], "crash": [], "hang": [], "signal": [], "stopped": []}
    for i, data in enumerate(queries[:cli]):  # over HANG + 5 s despite --timeout: a hang
        start = time.monotonic()
        out, err = io.StringIO(), io.StringIO()
        path = folder / f"q{i}.rq"
        path.write_bytes(data)
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = main(["sparql", str(path), "--timeout", str(HANG)])
            bad = code == 3 or "Traceback" in err.getvalue() or "internal error" in err.getvalue()
        except BaseException:  # noqa: BLE001 - a traceback
            bad = True
        took = time.monotonic() - start
        results["crash" if bad else "hang" if took > HANG + 5 else "ok"].append(i)
    graph = KnowledgeGraph()
    graph.engine()  # loaded once here; the forked workers share it

    def run_one(text: str) -> str:
        if not getattr(run_one, "limited", False):
            limit_memory(DEFAULT_MEMORY_MIB * 2**20)
            run_one.limited = True
        return _sparql_one(graph, text)

    library = [(i, data.decode("utf-8", "replace")) for i, data in enumerate(queries) if i >= cli]
    for kind, indices in _in_workers(library, folder, workers, run_one, overrun="stopped").items():
        results[kind] += indices
    return results


def fuzz_endpoint(queries: list[bytes]) -> dict[str, list[int]]:
    from aiworkforce.graph import KnowledgeGraph
    from aiworkforce.server import Server, ServerConfig

    results: dict[str, list[int]] = {"ok": [], "crash": [], "hang": []}
    with Server(KnowledgeGraph(), ServerConfig(port=0, workers=2, timeout=HANG)) as srv:
        srv.start()
        for i, data in enumerate(queries):
            req = urllib.request.Request(f"{srv.url}sparql", data=data,
                                         headers={"Content-Type": "application/sparql-query"})
            start = time.monotonic()
            try:
                with urllib.request.urlopen(req, timeout=HANG + 20) as resp:
                    status = resp.status
            except urllib.error.HTTPError as err:
                status = err.code
            except (urllib.error.URLError, TimeoutError, OSError):
                status = 0
            took = time.monotonic() - start
            results["crash" if status in (0, 500) else "hang" if took > HANG + 5 else "ok"].append(i)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=5000, help="validate + sparql inputs (half each)")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--cli", type=int, default=200, help="sparql inputs run through the CLI entry point")
    parser.add_argument("--workers", type=int, default=1, help="forked worker processes (validate, sparql)")
    parser.add_argument("--keep", type=Path, default=None, help="write failing inputs here")
    parser.add_argument("--targets", default="sparql,endpoint,validate", help="which targets, in this order")
    args = parser.parse_args()
    import tempfile

    rng = random.Random(args.seed)
    contributions, queries = seeds()
    n_validate = args.inputs // 2
    v_inputs = [(suffix, mutate(rng, data)) for suffix, data in (rng.choice(contributions) for _ in range(n_validate))]
    q_inputs = [mutate(rng, rng.choice(queries)) for _ in range(args.inputs - n_validate)]
    listener = Listener()
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        started = time.monotonic()
        targets = {"sparql": lambda: fuzz_sparql(q_inputs, args.cli, Path(tmp), args.workers),
                   "endpoint": lambda: fuzz_endpoint(q_inputs),
                   "validate": lambda: fuzz_validate(v_inputs, Path(tmp), args.workers)}
        for target in args.targets.split(","):
            began = time.monotonic()
            res = targets[target]()
            n = sum(len(v) for v in res.values())
            bad = {k: v for k, v in res.items() if k not in ("ok", "stopped") and v}
            failed = failed or bool(bad)
            stopped = f", {len(res['stopped'])} stopped at the {HANG:g} s query timeout" if res.get("stopped") else ""
            print(f"{target:9} {n:5} inputs: {len(res.get('crash', []))} crashes (exit 3 / 500 / traceback), "
                  f"{len(res.get('signal', []))} signals, {len(res.get('hang', []))} hangs over {HANG:g} s{stopped} "
                  f"({time.monotonic() - began:.0f} s)", flush=True)
            if args.keep and bad:
                args.keep.mkdir(parents=True, exist_ok=True)
                for kind, indices in bad.items():
                    for i in indices:
                        suffix, data = v_inputs[i] if target == "validate" else (".rq", q_inputs[i])
                        (args.keep / f"{target}-{kind}-{i}{suffix}").write_bytes(data)
        took = time.monotonic() - started
    print(f"connections to the loopback listener: {listener.hits}")
    print(f"total: {args.inputs} inputs in {took:.0f} s (seed {args.seed})")
    return 1 if failed or listener.hits else 0


if __name__ == "__main__":
    sys.exit(main())
