"""One release with its docs site, built once per session and shared by the release and site tests."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from aiworkforce.publish.release import release


@pytest.fixture(scope="session")
def released(kg):
    # Outside pytest's private (0700) temporary folders: the Apache test's workers run as another user when the
    # tests run as root, and must read the folder.
    folder = Path(tempfile.mkdtemp(prefix="aiw-release-"))
    os.chmod(folder, 0o755)
    try:
        yield release(kg, folder / "out")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
