"""Messages a contributor reads: what was found for a wrong language tag, and YAML keys in reports on YAML files.

One batch holds every case (each check of a batch validates the whole knowledge graph, so one is cheaper)."""

from __future__ import annotations

import pytest

from conftest import ROOT

from aiworkforce.contributions.check import check_contributions

EXAMPLES = ROOT / "examples" / "contributions"
LABEL = '"LLM Evaluation Engineer"@de'
SLUG = "role:llm-evaluation-engineer"
CASES = {  # file stem: (the label as written, what the fix must say was found)
    "de": ('"Model Grader"@de', 'found "Model Grader"@de (language tag @de)'),
    "eng": ('"Release Judge"@eng', 'found "Release Judge"@eng (language tag @eng)'),
    "none": ('"Benchmark Keeper"', 'found "Benchmark Keeper" with no language tag'),
}


@pytest.fixture(scope="module")
def report(core, tmp_path_factory):
    folder = tmp_path_factory.mktemp("messages")
    text = (EXAMPLES / "label-wrong-language.bad.ttl").read_text(encoding="utf-8")
    assert LABEL in text and SLUG in text
    for stem, (written, _) in CASES.items():
        (folder / f"{stem}.ttl").write_text(text.replace(LABEL, written).replace(SLUG, f"{SLUG}-{stem}")
                                            .replace('"Model evaluation engineer"', f'"Evaluator {stem}"'),
                                            encoding="utf-8")
    return check_contributions([folder, EXAMPLES / "missing-layer.bad.yaml"], core=core)


@pytest.mark.parametrize("stem", CASES)
def test_a_wrong_language_tag_says_what_was_found(report, stem):
    written, found = CASES[stem]
    (finding,) = [f for f in report.findings if f.file.endswith(f"/{stem}.ttl")]
    assert finding.property == "skos:prefLabel" and finding.line == 12 and finding.key is None
    assert finding.fix == f'{found}: write the text in English and tag it @en, e.g. {written.split("@")[0]}@en'


def test_a_yaml_report_names_the_yaml_key_and_says_how_to_fix_it(report):
    by_file = report.by_file()
    (finding,) = [f for name, found in by_file.items() if name.endswith("missing-layer.bad.yaml") for f in found
                  if f.rule == "aiws:Role-inLayer"]
    assert (finding.property, finding.key) == ("aiw:inLayer", "layers")  # the key comes from aiw:yamlKey
    assert "aiw:inLayer" not in finding.message and "`layers:`" in finding.message
    assert finding.fix == "add `layers:` to the entry role:llm-evaluation-engineer"
    turtle = [f for name, found in by_file.items() if name.endswith(".ttl") for f in found]
    assert turtle and all(f.key is None for f in turtle)  # Turtle authors see the predicate
