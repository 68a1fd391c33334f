"""Locate the packaged data: ontology modules, SHACL shapes, stored queries and quality checks.

In an installed wheel the data lives in ``aiworkforce/data/<kind>/`` and is found with
:mod:`importlib.resources`. ``$AIWORKFORCE_ONTOLOGY_DIR`` points the tools at another copy of the knowledge
base (a working copy that ``aiworkforce add`` merges into, for example). In a source checkout (editable install or ``PYTHONPATH=src``) the same files are
read from the top-level ``ontology/``, ``shapes/``, ``queries/`` and ``checks/`` folders, which are the source
of truth; the wheel build copies them into the package.
"""

from __future__ import annotations

import os
import re
from functools import cache
from importlib import resources
from pathlib import Path

from aiworkforce.errors import DataError, UsageError

KINDS = ("ontology", "shapes", "queries", "checks")
_SUFFIX = {"ontology": ".ttl", "shapes": ".ttl", "queries": ".rq", "checks": ".rq"}


@cache
def data_dir(kind: str) -> Path:
    """Return the folder holding the packaged files of ``kind`` (one of :data:`KINDS`)."""
    if kind not in KINDS:
        raise ValueError(f"unknown data kind {kind!r}; expected one of {', '.join(KINDS)}")
    override = os.environ.get("AIWORKFORCE_ONTOLOGY_DIR") if kind == "ontology" else None
    if override:
        if not Path(override).is_dir():
            raise UsageError(f"AIWORKFORCE_ONTOLOGY_DIR={override} is not a folder")
        return Path(override)
    packaged = resources.files("aiworkforce").joinpath("data").joinpath(kind)
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[3] / kind
    if checkout.is_dir():
        return checkout
    raise DataError(
        f"the packaged {kind} files are missing",
        hint="reinstall aiworkforce; in a checkout, run from the repository with `make demo`",
    )


def data_files(kind: str) -> list[Path]:
    """All files of ``kind``, sorted by name so every run loads them in the same order."""
    files = sorted(p for p in data_dir(kind).iterdir() if p.suffix == _SUFFIX[kind] and p.is_file())
    if not files:
        raise DataError(f"no {kind} files found in {data_dir(kind)}")
    return files


_VERSION = re.compile(r'owl:versionInfo\s+"([^"]+)"')


def ontology_version() -> str:
    """The version string of the ontology header (``owl:versionInfo``); the package version is built from it."""
    text = (data_dir("ontology") / "aiworkforce.ttl").read_text(encoding="utf-8")
    match = _VERSION.search(text)
    if not match:
        raise DataError("ontology/aiworkforce.ttl has no owl:versionInfo")
    return match.group(1)
