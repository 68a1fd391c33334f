"""The wheel carries the data and works on its own: build it, install it into a fresh venv, run the CLI."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from aiworkforce.rdf.resources import ontology_version

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", str(out), str(ROOT)],
        check=True,
    )
    (built,) = out.glob("aiworkforce-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_data_and_version(wheel):
    assert wheel.name.startswith(f"aiworkforce-{ontology_version()}-")
    names = set(zipfile.ZipFile(wheel).namelist())
    for kind, folder in (("ontology", ROOT / "ontology"), ("shapes", ROOT / "shapes"), ("checks", ROOT / "checks"),
                         ("queries", ROOT / "queries")):
        for source in folder.iterdir():
            if source.is_file():
                assert f"aiworkforce/data/{kind}/{source.name}" in names, source
    # YASGUI, vendored by tools/vendor-yasgui.sh (make runs it before the tests): gitignored, packaged all the same
    for asset in ("app.js", "style.css", "favicon.svg", "vendor/yasgui.min.js", "vendor/yasgui.min.css"):
        assert f"aiworkforce/server/web/{asset}" in names, asset


@pytest.mark.slow
def test_installed_wheel_validates_from_anywhere(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    subprocess.run([bin_dir / "python", "-m", "pip", "install", "--quiet", str(wheel)], check=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    version = subprocess.run([bin_dir / "aiworkforce", "--version"], cwd=elsewhere, capture_output=True, text=True)
    assert version.stdout.strip() == f"aiworkforce {ontology_version()}"
    result = subprocess.run([bin_dir / "aiworkforce", "validate"], cwd=elsewhere, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "passes every check" in result.stdout
    where = subprocess.run(
        [bin_dir / "python", "-c", "from aiworkforce.rdf.resources import data_dir; print(data_dir('ontology'))"],
        cwd=elsewhere, capture_output=True, text=True, check=True,
    )
    assert str(env_dir) in where.stdout, "the installed package reads its own packaged data, not the checkout"
