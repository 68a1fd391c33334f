"""Every finding of a multi-file batch points at a line of the file it names, and that line holds the offending
term: the value at fault (a misspelt reference, a label), else the term or the property it is about.

Batches where terms are defined in more than one file are the hard case: the examples of examples/contributions/
(a dozen of them define role:llm-evaluation-engineer) and generated batches where several files describe the same
role and skill, each with its own mistakes.
"""

from __future__ import annotations

import random
import shutil

import pytest

from conftest import ROOT

from aiworkforce.contributions.check import check_contributions
from aiworkforce.contributions.yamlformat import yaml_format
from aiworkforce.rdf.prefixes import PREFIXES

EXAMPLES = ROOT / "examples" / "contributions"


def _texts(curie: str | None) -> set[str]:
    """The ways a term can be written on a line: its CURIE, its local name, the YAML key of a property."""
    if not curie:
        return set()
    local = curie.rsplit(":", 1)[-1].rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    out = {curie, local}
    prefix, _, name = curie.partition(":")
    key = yaml_format().key(PREFIXES[prefix] + name) if prefix in PREFIXES else None
    return out | {f"{key}:"} if key else out


def assert_findings_point_at_their_terms(report) -> int:
    checked = 0
    for finding in report.findings:
        assert finding.file in report.files, finding
        if finding.line is None:
            continue
        lines = open(finding.file, encoding="utf-8").read().splitlines()
        assert 1 <= finding.line <= len(lines), finding
        line = lines[finding.line - 1]
        value = set() if finding.value is None else (
            _texts(finding.value) if ":" in finding.value else {finding.value[:30]})
        if finding.rule == "reference":  # an unknown reference: the reference as written stands on the line
            wanted = value
        else:  # the value at fault, the term, or the property the finding is about stands there
            wanted = value | _texts(finding.term) | _texts(finding.property)
        assert any(text in line for text in wanted), (
            f"{finding.file}:{finding.line} is {line!r}, which names none of {sorted(wanted)}: {finding}")
        checked += 1
    return checked


@pytest.fixture(scope="module")
def check(core):
    return lambda paths: check_contributions(paths, core=core)


def test_the_examples_folder_as_one_batch(check):
    report = check([EXAMPLES])
    assert assert_findings_point_at_their_terms(report) >= 30
    # the regression of the issue: the misspelt layer of unknown-layer.bad.yaml is reported there, not elsewhere
    (layer,) = [f for f in report.findings if f.value == "layer:engineerin"]
    assert layer.file.endswith("unknown-layer.bad.yaml") and layer.line == 8
    # each file that repeats a term still gets its own mistakes reported on itself
    by_file = report.by_file()
    for name, rule in (("unknown-skill.bad.yaml", "reference"), ("self-overlap.bad.yaml", "aiws:RoleSelfOverlapShape"),
                       ("unknown-concern.bad.ttl", "reference")):
        (path,) = [p for p in by_file if p.endswith(name)]
        assert rule in {f.rule for f in by_file[path]}, (name, by_file[path])


ROLE = """\
roles:
  - slug: {slug}
    label: {label}
    definition: A generated role, written by several files of one batch to check where findings are reported.
    layers: [{layer}]
    essential_skills: [{skills}]
    concerns: [{concern}]
    alignments: [{{match: broad, target: "isco:C2512"}}]
    source: {source}
skills:
  - slug: {skill}
    label: {skill_label}
    kind: technical
    definition: A generated skill, also defined by several files of the batch.
    source: engineering-layer
"""
GOOD = {"layer": ["engineering", "security", "data"], "skills": ["sql", "observability", "output-evaluation"],
        "concern": ["prompt-injection", "model-drift"], "source": ["engineering-layer", "cybersecurity"]}
BAD = {"layer": ["engineerin", "secruity"], "skills": ["sqll", "observabilty"], "concern": ["prompt-injektion"],
       "source": ["engineering"]}


def generated_batch(folder, seed: int, files: int = 6) -> None:
    rng = random.Random(seed)
    for n in range(files):
        values = {key: rng.choice(BAD[key] if rng.random() < 0.4 else GOOD[key]) for key in GOOD}
        values["skills"] = ", ".join(rng.sample(GOOD["skills"], 2) + [values["skills"]])
        text = ROLE.format(slug=f"generated-role-{rng.randint(1, 2)}", label=f"Generated Role {n}",
                           skill=f"generated-skill-{rng.randint(1, 2)}", skill_label=f"Generated skill {n}",
                           **values)
        (folder / f"part-{n}.yaml").write_text(text, encoding="utf-8")
    shutil.copy(EXAMPLES / "unknown-concern.bad.ttl", folder / "part-x.ttl")


@pytest.mark.parametrize("seed", [3])
def test_generated_batches_with_terms_defined_in_several_files(tmp_path, check, seed):
    generated_batch(tmp_path, seed)
    report = check([tmp_path])
    assert any(f.rule == "duplicate-iri" for f in report.findings)
    assert any(f.rule == "reference" for f in report.findings)
    assert assert_findings_point_at_their_terms(report) >= 5
