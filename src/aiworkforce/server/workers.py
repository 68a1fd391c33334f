"""The query workers: long-lived processes, each holding its own store of the reasoned graph.

The HTTP process hands a job to an idle worker through a pipe and waits for the :class:`Reply` at most the time
limit; a job that runs longer gets its worker killed (the only way to stop a query for real) and replaced, and
the client gets ``504``. Workers are started with :mod:`multiprocessing`'s *spawn* method (never fork a threaded
server), so a script that creates a pool must do so under ``if __name__ == "__main__":``.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import queue
import signal
import threading
import time
import traceback

from aiworkforce.errors import AiworkforceError, ServerError
from aiworkforce.query.sandbox import deny_network, limit_memory
from aiworkforce.server.jobs import WorkerState
from aiworkforce.server.reply import Reply, text_reply

__all__ = ["WORKER_START_TIMEOUT", "WorkerPool"]

log = logging.getLogger("aiworkforce.server.app")  # the server's one logger: `aiworkforce serve` gives it a handler

#: Seconds a worker may take to start (load the cached closure) before the server gives up on it.
WORKER_START_TIMEOUT = 120.0


def _worker_main(conn, graph: tuple[str, str], memory: int | None = None) -> None:  # pragma: no cover - workers
    """A worker: drop the network, load the graph, cap its memory, say ready, then answer jobs until the pipe
    closes. A query that needs more than ``memory`` bytes, or overflows the stack, kills only this worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent decides
    deny_network()  # defence in depth behind check_query: no SERVICE call can leave this process (Linux)
    try:
        state = WorkerState(graph)
        state.job_ping()
        if memory:
            limit_memory(memory)
    except AiworkforceError as exc:
        conn.send(("failed", str(exc), exc.exit_code))
        return
    except Exception as exc:  # noqa: BLE001 - reported to the parent, which stops with a clear message
        conn.send(("failed", f"{type(exc).__name__}: {exc}", 3))
        return
    conn.send(("ready", os.getpid(), 0))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        if job is None:
            return
        try:
            reply = state.run(job)
        except Exception as exc:  # noqa: BLE001 - an internal error: 500, with the traceback logged by the parent
            reply = text_reply(500, f"internal error: {type(exc).__name__}: {exc}")
            reply.trace = traceback.format_exc()
        try:
            conn.send(reply)
        except (OSError, ValueError):
            return


class _Worker:
    def __init__(self, ctx, graph: tuple[str, str], memory: int | None = None) -> None:
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=_worker_main, args=(child, graph, memory), name="aiworkforce-worker", daemon=True)
        self.process.start()
        child.close()

    def wait_ready(self, timeout: float) -> None:
        if not self.conn.poll(timeout):
            self.kill()
            raise ServerError(f"a query worker did not start within {timeout:.0f} s")
        try:
            status, detail, code = self.conn.recv()
        except (EOFError, OSError):
            self.kill()
            raise ServerError("a query worker stopped while starting",
                              hint="run the server from a script guarded by `if __name__ == '__main__':`") from None
        if status != "ready":
            self.kill()
            err = ServerError(f"a query worker could not load the graph: {detail}")
            err.exit_code = code
            raise err

    def kill(self) -> None:
        try:
            if self.process.is_alive():
                self.process.kill()
            self.process.join(5)
        except (OSError, ValueError, AssertionError):
            pass
        self.conn.close()


class WorkerPool:
    """Long-lived worker processes; a job that outlives the timeout gets its worker killed and replaced."""

    def __init__(self, size: int, timeout: float, graph: tuple[str, str], memory: int | None = None) -> None:
        self.size, self.timeout, self.graph, self.memory = size, timeout, graph, memory
        self._ctx = multiprocessing.get_context("spawn")  # never fork a threaded server
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        workers = [_Worker(self._ctx, self.graph, self.memory) for _ in range(size)]
        self._all.update(workers)
        try:
            for w in workers:
                w.wait_ready(WORKER_START_TIMEOUT)
                self._idle.put(w)
        except BaseException:
            self.close()
            raise

    def run(self, job: tuple, *, timeout: float | None = None) -> Reply:
        """Answer ``job`` on an idle worker, blocking the calling thread."""
        timeout = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            return self._busy()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(timeout):
                return self._timed_out(worker, timeout)
            reply = worker.conn.recv()
        except (EOFError, OSError, ValueError) as exc:
            return self._died(worker, exc)
        return self._done(worker, reply)

    async def run_async(self, job: tuple, *, timeout: float | None = None) -> Reply:
        """:meth:`run` for an asyncio event loop: waits for the worker's answer on the loop, without a thread
        (a thread only waits for a worker when none is idle)."""
        timeout = self.timeout if timeout is None else timeout
        try:
            worker = self._idle.get_nowait()
        except queue.Empty:
            loop = asyncio.get_running_loop()
            try:
                worker = await loop.run_in_executor(None, lambda: self._idle.get(timeout=timeout))
            except queue.Empty:
                return self._busy()
        try:
            worker.conn.send(job)
            if not worker.conn.poll(0) and not await _readable(worker.conn, timeout):
                return self._timed_out(worker, timeout)
            reply = worker.conn.recv()
        except (EOFError, OSError, ValueError) as exc:
            return self._died(worker, exc)
        return self._done(worker, reply)

    def _busy(self) -> Reply:
        return text_reply(503, f"all {self.size} query workers are busy; try again shortly", {"Retry-After": "1"})

    def _timed_out(self, worker: _Worker, timeout: float) -> Reply:
        self._replace(worker)
        return text_reply(504, f"the query did not finish within the time limit of {timeout:g} s and "
                               "was stopped; add a LIMIT or make it more selective")

    def _died(self, worker: _Worker, exc: Exception) -> Reply:
        self._replace(worker)
        log.error("a query worker died answering a query: %s", exc)
        return text_reply(400, "the query was stopped: it exhausted the memory a query may use (--memory) "
                               "or the engine's stack; add a LIMIT, or simplify the query")

    def _done(self, worker: _Worker, reply: Reply) -> Reply:
        self._idle.put(worker)
        if reply.trace:
            log.error("internal error in a query worker:\n%s", reply.trace)
            reply.trace = None
        return reply

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        with self._lock:
            self._all.discard(worker)
        if not self._closed:
            threading.Thread(target=self._start_one, name="aiworkforce-respawn", daemon=True).start()

    def _start_one(self) -> None:
        with self._lock:
            if self._closed:
                return
            worker = _Worker(self._ctx, self.graph, self.memory)
            self._all.add(worker)
        try:
            worker.wait_ready(WORKER_START_TIMEOUT)
        except AiworkforceError as exc:
            log.error("could not replace a query worker: %s", exc)
            with self._lock:
                self._all.discard(worker)
            return
        if self._closed:
            worker.kill()
            return
        self._idle.put(worker)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            workers = list(self._all)
            self._all.clear()
        for w in workers:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        deadline = time.monotonic() + 2
        for w in workers:
            w.process.join(max(0.0, deadline - time.monotonic()))
            w.kill()


async def _readable(conn, timeout: float) -> bool:
    """Wait on the running loop until ``conn`` has data (or its worker closed it); False after ``timeout``."""
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    fd = conn.fileno()
    loop.add_reader(fd, lambda: ready.done() or ready.set_result(True))
    timer = loop.call_later(timeout, lambda: ready.done() or ready.set_result(False))  # no task, unlike wait_for
    try:
        return await ready
    finally:
        timer.cancel()
        loop.remove_reader(fd)
        os.set_blocking(fd, True)  # uvloop's add_reader made it non-blocking; Connection.recv/send expect blocking
