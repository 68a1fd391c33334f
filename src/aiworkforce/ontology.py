"""Facts about the ontology file itself: its version and header."""

from __future__ import annotations

import re

from .errors import DataError
from .resources import data_dir

_VERSION = re.compile(r'owl:versionInfo\s+"([^"]+)"')


def ontology_version() -> str:
    """The version string of the ontology header (``owl:versionInfo``); the package version is built from it."""
    text = (data_dir("ontology") / "aiworkforce.ttl").read_text(encoding="utf-8")
    match = _VERSION.search(text)
    if not match:
        raise DataError("ontology/aiworkforce.ttl has no owl:versionInfo")
    return match.group(1)
