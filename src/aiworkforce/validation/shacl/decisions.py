"""Pre-binding decisions (:func:`.sparqltext.decide_prebinding`) remembered across processes.

Whether a SPARQL constraint's ``$this`` may be joined instead of pre-bound is decided on its algebra, which takes
rdflib's SPARQL parser about 60 ms per query: a second for the shipped shapes, in every ``validate`` process. The
answer depends only on the query text, the variables and the code that decides, so it is kept in the cache folder
(``prebinding-<hash of the deciding code>.json``), keyed by a hash of the query and variables. The file is read
only if it belongs to the current user and nobody else may write to it; an unreadable or untrusted file is
ignored (the decisions are made again), and it is replaced atomically.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

from aiworkforce.errors import AiworkforceError
from aiworkforce.rdf.files import write_atomic
from aiworkforce.reasoning.cache import cache_root

_CODE = Path(__file__).with_name("sparqltext.py")
_table: dict[str, bool] | None = None


@functools.cache
def _code() -> str:
    return hashlib.sha256(_CODE.read_bytes()).hexdigest()[:16]


def _path() -> Path:
    return cache_root() / f"prebinding-{_code()}.json"


def _load(path: Path) -> dict[str, bool]:
    try:
        st = path.lstat()
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022 or path.is_symlink()):
            return {}
        table = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(table, dict):
        return {}
    return {k: v for k, v in table.items() if isinstance(k, str) and isinstance(v, bool)}


def remembered(query: str, variables: tuple[str, ...], decide: Callable[[str, tuple[str, ...]], bool]) -> bool:
    """``decide(query, variables)``, read from the table when it was decided before, else decided and stored."""
    global _table
    path = _path()
    if _table is None:
        _table = _load(path)
    key = hashlib.sha256("\0".join((query, *variables)).encode("utf-8", "surrogatepass")).hexdigest()
    if key not in _table:
        _table[key] = decide(query, variables)
        try:
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            write_atomic(path, json.dumps(_load(path) | _table, sort_keys=True))  # another process may have added
        except (OSError, ValueError, AiworkforceError):
            pass  # a cache that cannot be written only costs time
    return _table[key]
