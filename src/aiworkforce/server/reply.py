"""An HTTP answer as the query workers hand it back to the HTTP process (it crosses the process boundary)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from aiworkforce.errors import AiworkforceError

__all__ = ["MAX_BYTES_HEADER", "MAX_ROWS_HEADER", "Reply", "error_doc", "json_reply", "text_reply"]

#: Marks a truncated answer; its value is the limit (the header Virtuoso uses).
MAX_ROWS_HEADER = "X-SPARQL-MaxRows"
#: Marks an answer cut to fit the response size limit; its value is the limit in bytes.
MAX_BYTES_HEADER = "X-Aiworkforce-MaxBytes"


@dataclass
class Reply:
    """An HTTP answer as the workers hand it back; ``trace`` (never sent) is logged by the HTTP process."""

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    trace: str | None = None


def text_reply(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, "text/plain; charset=utf-8", (message.rstrip("\n") + "\n").encode(), headers or {})


def json_reply(status: int, doc, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, "application/json", json.dumps(doc, ensure_ascii=False).encode(), headers or {})


def error_doc(exc: AiworkforceError) -> dict:
    return {"error": exc.message, "hint": exc.hint}
