"""Load test of `aiworkforce serve`: concurrent clients issuing a mix of stored queries and SPARQL for a while.

Starts its own server on a free loopback port (`aiworkforce serve --port 0`, a separate process, so the
clients never compete with it for the interpreter lock), then runs --clients threads for --duration seconds.
Each client keeps one HTTP/1.1 connection open and cycles through a fixed, shuffled mix of requests: every
stored query through /api/query/NAME with its example parameters, and SELECT, ASK and CONSTRUCT queries
through /sparql (GET, form POST and direct POST). Every answer must be 200 with the expected content type.

Reports throughput (requests per second), latency percentiles (p50, p90, p99, max) and the error count.
Bounded: loopback only, stops by itself after --duration seconds, and stops the server it started.

With --compare REF (a git commit, e.g. c0b9431, the last standard-library server), the same run is made side by
side against the server of REF, checked out in a temporary git worktree and run from this interpreter with
PYTHONPATH pointing at it: first a single client's latency for one SELECT over /sparql (--select-requests
requests, the two servers taking turns in rounds, median and p95), then the load above on each server.

Usage: python benchmarks/serve_load.py [--clients 20] [--duration 30] [--workers N] [--compare REF]
Exit status 1 on any error.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

ROLES = """PREFIX aiw: <https://w3id.org/aiworkforce/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?role ?name ?layer WHERE { ?role aiw:inLayer ?layer ; skos:prefLabel ?name } ORDER BY ?name"""
ASK = "ASK { <https://w3id.org/aiworkforce/role/ml-engineer> a <https://w3id.org/aiworkforce/ontology#Role> }"
CONSTRUCT = ("CONSTRUCT { <https://w3id.org/aiworkforce/role/data-scientist> ?p ?o } "
             "WHERE { <https://w3id.org/aiworkforce/role/data-scientist> ?p ?o }")


def aiworkforce_cmd() -> list[str]:
    exe = shutil.which("aiworkforce", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "aiworkforce.cli"]


def request_mix() -> list[tuple[str, str, str, bytes | None, dict[str, str], str]]:
    """(label, method, path, body, headers, expected content type) for every request of the mix."""
    from aiworkforce.query.catalogue import catalogue

    mix = []
    for query in catalogue().values():
        params = {p.name: p.example for p in query.params if p.example is not None}
        path = f"/api/query/{query.name}" + ("?" + urllib.parse.urlencode(params) if params else "")
        mix.append((f"api {query.name}", "GET", path, None, {}, "application/json"))
    json_accept = {"Accept": "application/sparql-results+json"}
    mix += [
        ("sparql GET select", "GET", "/sparql?" + urllib.parse.urlencode({"query": ROLES}), None, json_accept,
         "application/sparql-results+json"),
        ("sparql form select", "POST", "/sparql", urllib.parse.urlencode({"query": ROLES}).encode(),
         {**json_accept, "Content-Type": "application/x-www-form-urlencoded"}, "application/sparql-results+json"),
        ("sparql direct ask", "POST", "/sparql", ASK.encode(),
         {**json_accept, "Content-Type": "application/sparql-query"}, "application/sparql-results+json"),
        ("sparql GET construct", "GET", "/sparql?" + urllib.parse.urlencode({"query": CONSTRUCT}), None,
         {"Accept": "text/turtle"}, "text/turtle"),
    ]
    return mix


class Stats:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.errors: list[str] = []

    def ok(self, seconds: float) -> None:
        with self.lock:
            self.latencies.append(seconds)

    def error(self, message: str) -> None:
        with self.lock:
            self.errors.append(message)


def client(host: str, port: int, mix, seed: int, stop_at: float, stats: Stats) -> None:
    order = list(mix)
    random.Random(seed).shuffle(order)
    conn = http.client.HTTPConnection(host, port, timeout=30)
    i = 0
    while time.monotonic() < stop_at:
        label, method, path, body, headers, ctype = order[i % len(order)]
        i += 1
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            stats.error(f"{label}: {type(exc).__name__}: {exc}")
            conn.close()
            conn = http.client.HTTPConnection(host, port, timeout=30)
            continue
        elapsed = time.perf_counter() - start
        got = (response.getheader("Content-Type") or "").split(";")[0]
        if response.status != 200 or got != ctype or not data:
            stats.error(f"{label}: HTTP {response.status} {got}: {data[:200]!r}")
        else:
            stats.ok(elapsed)
    conn.close()


def start_server(workers: int | None, log_path: Path, src: Path | None = None) -> tuple[subprocess.Popen, str, int]:
    """Start `aiworkforce serve` (from ``src``, another checkout's src/ folder, when given)."""
    cmd = ([sys.executable, "-m", "aiworkforce"] if src else aiworkforce_cmd()) + [
        "serve", "--host", "127.0.0.1", "--port", "0"]
    if workers:
        cmd += ["--workers", str(workers)]
    env = {**os.environ, "PYTHONPATH": str(src)} if src else None
    log = log_path.open("w")
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        match = re.search(r"serving http://(127\.0\.0\.1):(\d+)/", log_path.read_text())
        if match:
            return proc, match.group(1), int(match.group(2))
        if proc.poll() is not None:
            raise SystemExit(f"the server exited:\n{log_path.read_text()}")
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("the server did not start within 120 s")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process ``pid`` has used so far (Linux /proc), without its children."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_server(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        proc.kill()


def select_latency(servers: dict[str, tuple[str, int]], requests: int, turn: int = 10) -> dict[str, list[float]]:
    """One client, one kept-alive connection per server, the ROLES SELECT over GET /sparql; the servers take turns
    of ``turn`` requests so that both see the same background noise. Seconds per request, by server label."""
    rounds = max(1, requests // turn)
    path = "/sparql?" + urllib.parse.urlencode({"query": ROLES})
    headers = {"Accept": "application/sparql-results+json"}
    conns = {label: http.client.HTTPConnection(host, port, timeout=30) for label, (host, port) in servers.items()}
    times: dict[str, list[float]] = {label: [] for label in servers}
    try:
        for conn in conns.values():  # warm up
            for _ in range(20):
                conn.request("GET", path, headers=headers)
                conn.getresponse().read()
        for _ in range(rounds):
            for label, conn in conns.items():
                for _ in range(turn):
                    start = time.perf_counter()
                    conn.request("GET", path, headers=headers)
                    response = conn.getresponse()
                    body = response.read()
                    times[label].append(time.perf_counter() - start)
                    if response.status != 200 or not body:
                        raise SystemExit(f"{label}: HTTP {response.status}: {body[:200]!r}")
    finally:
        for conn in conns.values():
            conn.close()
    return times


def load(host: str, port: int, mix, clients: int, duration: float) -> tuple[Stats, float]:
    stats = Stats()
    # warm up: every request once, so the figures measure the steady state
    client(host, port, mix, 0, time.monotonic() + 0.5, Stats())
    started = time.monotonic()
    stop_at = started + duration
    threads = [threading.Thread(target=client, args=(host, port, mix, seed, stop_at, stats))
               for seed in range(1, clients + 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return stats, time.monotonic() - started


def compare(ref: str, args, mix) -> int:
    """The side-by-side run against the server of commit ``ref``."""
    repo = Path(__file__).resolve().parents[1]
    folder = Path(tempfile.mkdtemp(prefix="aiw-serve-compare-"))
    tree = folder / "baseline"
    subprocess.run(["git", "-C", str(repo), "worktree", "add", "--detach", str(tree), ref], check=True,
                   capture_output=True)
    procs = {}
    try:
        servers = {}
        for label, src in ((f"{ref} (before)", tree / "src"), ("this tree", None)):
            proc, host, port = start_server(args.workers, folder / f"{len(procs)}.log", src)
            procs[label] = proc
            servers[label] = (host, port)
        print(f"aiworkforce serve, {ref} vs this tree, {os.cpu_count()} CPUs, loopback, "
              f"{args.workers or 'default'} query workers")
        cpu = {label: cpu_seconds(proc.pid) for label, proc in procs.items()}
        times = select_latency(servers, args.select_requests)
        cpu = {label: cpu_seconds(proc.pid) - cpu[label] for label, proc in procs.items()}
        print(f"  one client, SELECT over GET /sparql ({args.select_requests} requests each, taking turns; CPU: the "
              "HTTP process's own, per request, which other load on the machine does not inflate):")
        for label, values in times.items():
            print(f"    {label:<22} median {statistics.median(values) * 1000:.2f} ms   "
                  f"p95 {percentile(values, 95) * 1000:.2f} ms   CPU {cpu[label] / len(values) * 1000:.2f} ms")
        failed = 0
        print(f"  {args.clients} clients, the request mix, {args.duration:g} s each:")
        for label, (host, port) in servers.items():
            stats, wall = load(host, port, mix, args.clients, args.duration)
            done = len(stats.latencies)
            failed += len(stats.errors)
            if done:
                print(f"    {label:<22} {done / wall:.0f} req/s   p50 {percentile(stats.latencies, 50) * 1000:.1f} ms"
                      f"   p95 {percentile(stats.latencies, 95) * 1000:.1f} ms   errors {len(stats.errors)}")
            for message in stats.errors[:5]:
                print(f"  error ({label}): {message}", file=sys.stderr)
        return 1 if failed else 0
    finally:
        for proc in procs.values():
            stop_server(proc)
        subprocess.run(["git", "-C", str(repo), "worktree", "remove", "--force", str(tree)], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients (1-200)")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load (1-600)")
    parser.add_argument("--workers", type=int, default=None, help="query worker processes of the server")
    parser.add_argument("--compare", metavar="REF", help="also run the server of git commit REF, side by side")
    parser.add_argument("--select-requests", type=int, default=500, help="SELECT requests per server (--compare)")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.duration <= 600:
        parser.error("--clients must be 1-200 and --duration 1-600 seconds")

    mix = request_mix()
    if args.compare:
        return compare(args.compare, args, mix)
    folder = Path(tempfile.mkdtemp(prefix="aiw-serve-load-"))
    proc, host, port = start_server(args.workers, folder / "server.log")
    try:
        stats, wall = load(host, port, mix, args.clients, args.duration)
    finally:
        stop_server(proc)
        server_log = (folder / "server.log").read_text()
        shutil.rmtree(folder, ignore_errors=True)

    done = len(stats.latencies)
    cpus = os.cpu_count()
    workers = re.search(r"with (\d+) query workers", server_log)
    print(f"aiworkforce serve under load: {args.clients} clients for {args.duration:g} s, "
          f"{workers.group(1) if workers else '?'} query workers, {cpus} CPUs, loopback")
    print(f"  request mix: {len(mix)} kinds ({sum(1 for m in mix if m[0].startswith('api'))} stored queries via "
          f"/api/query, {sum(1 for m in mix if m[0].startswith('sparql'))} via /sparql)")
    print(f"  requests:   {done + len(stats.errors)}  ({done} ok, {len(stats.errors)} errors)")
    if done:
        print(f"  throughput: {done / wall:.0f} req/s")
        print(f"  latency:    p50 {percentile(stats.latencies, 50) * 1000:.1f} ms   "
              f"p90 {percentile(stats.latencies, 90) * 1000:.1f} ms   "
              f"p99 {percentile(stats.latencies, 99) * 1000:.1f} ms   "
              f"max {max(stats.latencies) * 1000:.1f} ms   mean {statistics.mean(stats.latencies) * 1000:.1f} ms")
    for message in stats.errors[:10]:
        print(f"  error: {message}", file=sys.stderr)
    if "stopped" not in server_log:
        print("  the server did not stop cleanly", file=sys.stderr)
        return 1
    return 1 if stats.errors or not done else 0


if __name__ == "__main__":
    sys.exit(main())
