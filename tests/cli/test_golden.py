"""The command line's behaviour, pinned by golden outputs recorded from the code before the package restructure.

Every case of ``tests/data/golden/cases.json`` (the README's examples, the CONTRIBUTING walk-through and a
fixed set of validate, queries, query, describe, search, sparql, export, reason, stats, release and new-role
runs) is run as a whole process: the ``aiworkforce`` script of this environment, from the repository root,
with ``COLUMNS=80`` and one isolated cache folder for the session. Its exit code, standard output and standard
error must be what was recorded: text byte for byte (temporary paths written ``{tmp}``), RDF as the same graph
(isomorphic, with the same declared prefixes), files a command writes likewise.

After a deliberate change of behaviour, refresh the goldens with ``python tools/golden.py --write`` and review
the diff. ``AIWORKFORCE_GOLDEN_ROOT`` runs the commands from another checkout (used to check the goldens
against the code they were recorded from).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def _load_tool():
    """tools/golden.py holds the runner and the comparisons, shared with the script that records the goldens."""
    name = "aiworkforce_golden_tool"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / "golden.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


golden = _load_tool()
CASES = golden.load_manifest()["cases"]


class GoldenRunner:
    """Runs the cases and compares them with the goldens.

    In a plain pytest session, the first test runs every selected case on two threads (each thread one
    subprocess at a time, the slowest cases first) and compares each as it finishes; the other tests read
    their result. Under pytest-xdist, whose workers already run tests in parallel, each test runs its own case.
    Either way every case of the session shares one cache folder, so the reasoned graph is built once.
    """

    def __init__(self, base: Path, cases: list[dict], *, run_ahead: bool):
        self.base, self.cases, self.run_ahead = base, cases, run_ahead
        self.results: dict[str, list[str]] | None = None

    def problems(self, case: dict) -> list[str]:
        if not self.run_ahead:
            return golden.compare(case, golden.run_one(case, self.base))
        if self.results is None:
            self.results = {}
            by_id = {c["id"]: c for c in self.cases}

            def compare(outcome) -> None:
                try:
                    self.results[outcome.case_id] = golden.compare(by_id[outcome.case_id], outcome)
                except Exception as exc:  # noqa: BLE001 - reported by the case's own test
                    self.results[outcome.case_id] = [f"comparison failed: {type(exc).__name__}: {exc}"]

            golden.run_all(self.cases, base=self.base, workers=2, progress=compare)
        return self.results[case["id"]]


@pytest.fixture(scope="session")
def golden_runner(request, tmp_path_factory) -> GoldenRunner:
    try:
        golden.executable()
    except FileNotFoundError as exc:
        pytest.fail(str(exc))
    if hasattr(request.config, "workerinput"):  # a pytest-xdist worker: share the cache with the other workers
        base = tmp_path_factory.getbasetemp().parent / "aiwg-golden"
        return GoldenRunner(base, CASES, run_ahead=False)
    selected = {item.callspec.params["case"]["id"] for item in request.session.items
                if getattr(item, "originalname", None) == "test_golden" and hasattr(item, "callspec")}
    cases = [c for c in CASES if c["id"] in selected] or CASES
    return GoldenRunner(tmp_path_factory.mktemp("aiwg-golden"), cases, run_ahead=True)


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_golden(case, golden_runner):
    problems = golden_runner.problems(case)
    shown = " ".join(case["argv"]) + (" < stdin" if case.get("stdin") is not None else "")
    assert not problems, f"`aiworkforce {shown}` ({case.get('source', '')}) changed:\n" + "\n".join(problems)
