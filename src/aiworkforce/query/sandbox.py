"""Run one query in a child process that cannot reach the network and cannot take the caller down with it.

Defence in depth behind :mod:`.safety`: the child (forked, so the loaded store is shared, not reloaded)

* drops its network on Linux by moving into a new, empty network namespace (``unshare``; where the kernel
  refuses, the token check of :mod:`.safety` stands alone, and :func:`network_isolated` says so);
* gets an address-space ceiling (``RLIMIT_AS``) of what it already maps plus ``memory`` bytes;
* is killed when ``timeout`` passes, or when the caller gets Ctrl-C.

A child that dies of a signal (a stack overflow, an allocation the ceiling refused) becomes a
:class:`~aiworkforce.errors.QueryLimitError`, exit 2, never a crash of the caller.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import pickle
import select
import signal
import sys
import time
from collections.abc import Callable
from typing import Any

from aiworkforce.errors import AiworkforceError, QueryLimitError

__all__ = ["deny_network", "network_isolated", "run_isolated"]

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000


def deny_network() -> bool:
    """Move this process into a new, empty network namespace (Linux); True if that worked.

    Must be called while the process has one thread only (a fresh fork or a fresh worker)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        return libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) == 0
    except (OSError, AttributeError):
        return False


def network_isolated() -> bool:
    """Whether a query child on this machine runs without network (measured: forks a child that tries)."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os._exit(0 if deny_network() else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def _mapped_bytes() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmSize:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def limit_memory(memory: int) -> None:
    """Cap this process's address space at what it maps now plus ``memory`` bytes."""
    import resource

    ceiling = _mapped_bytes() + memory
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        ceiling = min(ceiling, hard)
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))


def _child(write_fd: int, fn: Callable[[], Any], memory: int | None) -> None:  # pragma: no cover - child
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the parent kills this child
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # an engine aborting prints a backtrace: the parent reports it in one line instead
    deny_network()
    try:
        if memory:
            limit_memory(memory)
        payload = ("ok", fn())
    except MemoryError:
        payload = ("memory", None)
    except AiworkforceError as exc:
        payload = ("error", (type(exc), exc.message, dict(exc.__dict__)))
    except BaseException as exc:  # noqa: BLE001 - re-raised in the parent as what it was
        payload = ("crash", f"{type(exc).__name__}: {exc}")
    try:
        data = pickle.dumps(payload, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        data = pickle.dumps(("memory", None))
    with os.fdopen(write_fd, "wb") as out:
        out.write(data)
    os._exit(0)


def run_isolated(fn: Callable[[], Any], *, timeout: float | None = None, memory: int | None = None,
                 what: str = "the query") -> Any:
    """Call ``fn()`` in a forked child with no network, at most ``memory`` more bytes and ``timeout`` seconds;
    return its result or raise what it raised. POSIX only: elsewhere ``fn()`` runs here, unbounded."""
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        return fn()
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        os.close(read_fd)
        try:
            _child(write_fd, fn, memory)
        finally:
            os._exit(70)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = None if timeout is None else time.monotonic() + timeout
    try:
        while True:
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                raise QueryLimitError(
                    f"{what} did not finish within {timeout:g} s and was stopped",
                    hint="add a LIMIT or make it more selective, or raise --timeout")
            ready, _, _ = select.select([read_fd], [], [], left)
            if ready:
                chunk = os.read(read_fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
    except BaseException:
        _kill(pid)
        os.close(read_fd)
        raise
    os.close(read_fd)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        code = os.waitstatus_to_exitcode(status)
        if code == -signal.SIGSEGV:
            raise QueryLimitError(f"{what} overflowed the engine's stack and was stopped",
                                  hint="simplify the query: fewer nested brackets or chained operators")
        limit = f" (the ceiling is {memory // 2**20} MiB, --memory)" if memory else ""
        raise QueryLimitError(f"{what} exhausted the memory it may use and was stopped{limit}",
                              hint="add a LIMIT, avoid huge strings, or raise --memory")
    kind, value = pickle.loads(b"".join(chunks))
    if kind == "ok":
        return value
    if kind == "memory":
        raise QueryLimitError(f"{what} exhausted the memory it may use and was stopped",
                              hint="add a LIMIT, avoid huge strings, or raise --memory")
    if kind == "error":
        cls, message, attrs = value
        exc = cls.__new__(cls)
        Exception.__init__(exc, message)
        exc.__dict__.update(attrs)
        raise exc
    raise RuntimeError(value)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
