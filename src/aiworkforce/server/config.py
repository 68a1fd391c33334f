"""The server's settings (what ``aiworkforce serve`` takes as options) and their defaults."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiworkforce.errors import UsageError
from aiworkforce.system import usable_cpus

__all__ = ["DEFAULT_HOST", "DEFAULT_MAX_REQUEST_BYTES", "DEFAULT_MAX_RESPONSE_BYTES", "DEFAULT_MEMORY_MIB", "DEFAULT_MAX_RESULTS", "DEFAULT_PORT", "DEFAULT_TIMEOUT",
           "ServerConfig", "default_worker_processes"]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_RESULTS = 10_000
DEFAULT_MAX_REQUEST_BYTES = 1 << 20
DEFAULT_MAX_RESPONSE_BYTES = 16 << 20
DEFAULT_MEMORY_MIB = 1024


def default_worker_processes() -> int:
    """Query worker processes by default: one per usable CPU, at most 4."""
    return min(4, usable_cpus())


@dataclass(frozen=True)
class ServerConfig:
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT
    max_results: int = DEFAULT_MAX_RESULTS
    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    cors: str | None = None
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES
    memory: int = DEFAULT_MEMORY_MIB
    workers: int = field(default_factory=default_worker_processes)

    def check(self) -> None:
        if self.timeout <= 0:
            raise UsageError("--timeout must be a positive number of seconds")
        if self.max_results < 1:
            raise UsageError("--max-results must be at least 1")
        if self.max_request_bytes < 1:
            raise UsageError("--max-request-bytes must be at least 1")
        if self.max_response_bytes < 1024:
            raise UsageError("--max-response-bytes must be at least 1024")
        if self.memory < 64:
            raise UsageError("--memory must be at least 64 (MiB)")
        if self.workers < 1:
            raise UsageError("--workers must be at least 1")
        if not 0 <= self.port <= 65535:
            raise UsageError(f"--port {self.port} is not a TCP port", hint="use 1-65535, or 0 for any free port")
        if self.cors is not None and (not self.cors.strip() or any(c in self.cors for c in "\r\n,")):
            raise UsageError(f"--cors {self.cors!r} is not one origin", hint="give '*' or one origin, e.g. https://example.org")
