"""Merging contributions (aiworkforce.contributions.merge) and the contribution commands of the CLI (add, new-role).

Every test works on a copy of the ontology folder (AIWORKFORCE_ONTOLOGY_DIR) with its own cache folder, so the
checkout is never written to.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from conftest import ROOT

import aiworkforce.reasoning.cache
from aiworkforce.cli import main
from aiworkforce.errors import AiworkforceError, InputError
from aiworkforce.contributions.merge import MODULE, add_contributions, render_module
from aiworkforce.contributions.read import contribution_files, load_contribution
from aiworkforce.errors import ContributionRejected
from aiworkforce.rdf.resources import data_dir
from aiworkforce.contributions.scaffold import role_template

ONTOLOGY = ROOT / "ontology"
EXAMPLES = ROOT / "examples" / "contributions"
PROMPT = EXAMPLES / "prompt-engineer.yaml"
MLOPS = EXAMPLES / "mlops-engineer.yaml"
RED = EXAMPLES / "ai-red-teamer.ttl"


class KnowledgeBase:
    """A copy of the ontology folder that the library reads and `add` writes while it is active."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.folder = root / "ontology"
        self.cache = root / "cache"
        shutil.copytree(ONTOLOGY, self.folder)
        self.cache.mkdir()

    @property
    def module(self) -> Path:
        return self.folder / MODULE

    def env(self) -> dict[str, str]:
        env = {**os.environ, "AIWORKFORCE_ONTOLOGY_DIR": str(self.folder), "AIWORKFORCE_CACHE_DIR": str(self.cache)}
        src = str(ROOT / "src")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, os.environ.get("PYTHONPATH")]))
        return env


@pytest.fixture
def activate():
    """activate(kb): point the library at kb until the test ends (and at the checkout again afterwards)."""
    patch = pytest.MonkeyPatch()

    def _activate(kb: KnowledgeBase) -> KnowledgeBase:
        patch.setenv("AIWORKFORCE_ONTOLOGY_DIR", str(kb.folder))
        patch.setenv("AIWORKFORCE_CACHE_DIR", str(kb.cache))
        data_dir.cache_clear()
        return kb

    yield _activate
    patch.undo()
    data_dir.cache_clear()


@pytest.fixture
def kb(tmp_path, activate) -> KnowledgeBase:
    return activate(KnowledgeBase(tmp_path / "kb"))


@pytest.fixture
def no_closure(monkeypatch):
    """Skip rebuilding the reasoned cache after a merge (tests of the written module only)."""
    monkeypatch.setattr(aiworkforce.reasoning.cache, "cached_closure", lambda *args, **kwargs: None)


def contribution_graph(paths: list[Path]) -> Graph:
    """The union of the graphs of the given contribution files: exactly what `add` should merge."""
    graph = Graph()
    for path in contribution_files(paths):
        graph += load_contribution(path).graph
    return graph


def merged_into(tmp_path: Path, activate, name: str, *batches: list[Path]) -> bytes:
    """Add each batch in turn into a fresh copy named name and return the module's bytes."""
    kb = activate(KnowledgeBase(tmp_path / name))
    for batch in batches:
        add_contributions(batch)
    return kb.module.read_bytes()


# -- the merged terms are part of the knowledge base ----------------------------------------------------------------


def test_added_role_shows_up_in_queries_and_describe(kb):
    from aiworkforce.graph import KnowledgeGraph
    from aiworkforce.query.describe import describe
    from aiworkforce.query.run import run_query

    assert not kb.module.exists()
    result = add_contributions([PROMPT])
    assert result.module == kb.module
    assert result.terms == ("role:prompt-engineer", "skill:prompt-design")
    assert result.triples_added == 32
    assert result.report.conforms

    graph = KnowledgeGraph()  # what the next command sees: the knowledge base with the merged module
    rows = [tuple(None if x is None else x.value for x in row)
            for row in run_query(graph, "role-profile", {"role": "Prompt Engineer"}).rows]
    assert ("layer", "Engineering", None) in rows
    assert [r[1] for r in rows if r[0] == "essential skill"] == [
        "Foundation model selection", "Model output evaluation", "Prompt design"]
    assert [r[1] for r in rows if r[0] == "also called"] == ["LLM interaction designer", "Prompt designer"]
    assert ("specialises", "Software Engineer", None) in rows  # inferred: ai-engineer specialises it
    assert ("alignment", "2512 Software developers", "broad match") in rows

    description = describe(graph, "Prompt Engineer")
    assert description.term.value == "https://w3id.org/aiworkforce/role/prompt-engineer"
    facts = {(f.direction, f.predicate.value, f.other.value) for f in description.facts}
    assert ("out", "https://w3id.org/aiworkforce/ontology#inLayer",
            "https://w3id.org/aiworkforce/layer/engineering") in facts
    assert ("out", "https://w3id.org/aiworkforce/ontology#requiresEssentialSkill",
            "https://w3id.org/aiworkforce/skill/prompt-design") in facts
    # reasoning ran over the merged module: the inverse link is inferred
    assert any(f.inferred for f in description.facts)


def test_the_module_is_valid_turtle_of_exactly_the_contribution(kb, no_closure):
    add_contributions([PROMPT, RED])
    written = Graph().parse(kb.module, format="turtle")
    assert isomorphic(written, contribution_graph([PROMPT, RED]))
    text = kb.module.read_text(encoding="utf-8")
    assert text.startswith("# Contributed terms (ABox)")
    assert re.findall(r"(?m)^## .*$", text) == ["## Roles", "## Skills", "## Concerns", "## Reference occupations"]


# -- deterministic output -------------------------------------------------------------------------------------------


REORDERED_PROMPT = """\
skills:
  - slug: prompt-design
    source: engineering-layer
    mitigates: [prompt-injection]
    definition: Writing and iterating on the instructions, examples and context given to a language model so that it answers reliably and in the form a product needs.
    kind: technical
    label: Prompt design
roles:
  - source: engineering-layer
    alignments: [{target: "isco:C2512", match: broad}]
    concerns: [unsafe-hallucinated-output, prompt-injection]
    collaborates_with: [product-manager]
    specialises: [ai-engineer]
    optional_skills: [documentation, vector-databases]
    essential_skills: [foundation-model-selection, prompt-design, output-evaluation]
    layers: [engineering]
    definition: Designs, tests and maintains the instructions and context that steer large language models in a product, measuring output quality and guarding against manipulation of the model through its inputs.
    alt_labels: [LLM interaction designer, Prompt designer]
    label: Prompt Engineer
    slug: prompt-engineer
"""


def test_the_module_does_not_depend_on_the_order_of_adding(tmp_path, activate, no_closure):
    reordered = tmp_path / "reordered.yaml"
    reordered.write_text(REORDERED_PROMPT, encoding="utf-8")
    one_go = merged_into(tmp_path, activate, "a", [PROMPT, MLOPS, RED])
    assert merged_into(tmp_path, activate, "b", [RED], [MLOPS], [PROMPT]) == one_go
    assert merged_into(tmp_path, activate, "c", [MLOPS, RED], [reordered]) == one_go
    assert merged_into(tmp_path, activate, "d", [EXAMPLES / "prompt-engineer.ttl"], [RED, MLOPS]) == one_go
    assert merged_into(tmp_path, activate, "e", [PROMPT, MLOPS, RED]) == one_go  # a fresh copy, again


def test_the_diff_shows_only_the_new_terms(tmp_path, activate, no_closure):
    kb = activate(KnowledgeBase(tmp_path / "kb"))
    add_contributions([PROMPT, MLOPS])
    before = kb.module.read_text(encoding="utf-8").splitlines()
    add_contributions([RED])
    after = kb.module.read_text(encoding="utf-8").splitlines()
    diff = [line for line in difflib.ndiff(before, after) if line[:2] in ("- ", "+ ")]
    assert [line for line in diff if line.startswith("- ")] == []
    added = [line[2:] for line in diff]
    new_alone = set(render_module(contribution_graph([RED])).splitlines())
    assert set(added) <= new_alone, sorted(set(added) - new_alone)
    subjects = [line for line in added if line and not line.startswith((" ", "#", "@"))]
    assert subjects == ["role:ai-red-teamer", "skill:adversarial-prompting", "concern:model-jailbreaking",
                        "onet:15-1299.04"]


# -- refused contributions write nothing ----------------------------------------------------------------------------


@pytest.mark.parametrize(("bad", "existing"), [
    ("missing-layer.bad.yaml", False), ("existing-role.bad.yaml", True), ("unknown-skill.bad.yaml", True)],
    ids=["no-module-yet", "module-exists", "module-exists-2"])
def test_refused_contributions_write_nothing(kb, no_closure, existing, bad):
    if existing:
        add_contributions([MLOPS])
    before = kb.module.read_bytes() if existing else None
    listing = sorted(p.name for p in kb.folder.iterdir())
    with pytest.raises(ContributionRejected) as err:
        add_contributions([PROMPT, EXAMPLES / bad])
    assert err.value.exit_code == 1
    assert not err.value.report.conforms
    assert str(err.value) == ("the contributions have violations; nothing was merged\n"
                              "  hint: fix the problems listed above, then run `aiworkforce add` again")
    assert (kb.module.read_bytes() if kb.module.exists() else None) == before
    assert sorted(p.name for p in kb.folder.iterdir()) == listing


def test_adding_the_same_terms_twice_is_refused(kb, no_closure):
    add_contributions([PROMPT])
    before = kb.module.read_bytes()
    with pytest.raises(ContributionRejected) as err:
        add_contributions([PROMPT])
    assert {f.rule for f in err.value.report.findings} == {"duplicate-iri"}
    assert kb.module.read_bytes() == before


def test_unreadable_contributions_write_nothing(kb, tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("roles:\n  - slug: a-b\n    layer: [data]\n", encoding="utf-8")
    with pytest.raises(InputError):
        add_contributions([PROMPT, broken])
    assert not kb.module.exists()


def test_add_into_a_folder_validates_against_that_folder(tmp_path, no_closure):
    # `add --into FOLDER` merges into FOLDER's knowledge base, so it must validate against FOLDER too: otherwise a
    # second definition of a term FOLDER already holds is merged and FOLDER's graph gets two preferred labels.
    folder = tmp_path / "other-kb"
    shutil.copytree(ONTOLOGY, folder)
    add_contributions([PROMPT], into=folder)
    before = (folder / MODULE).read_bytes()
    renamed = tmp_path / "renamed.yaml"
    renamed.write_text(PROMPT.read_text(encoding="utf-8").replace("label: Prompt Engineer", "label: Prompt Wrangler"),
                       encoding="utf-8")
    with pytest.raises(ContributionRejected):
        add_contributions([renamed], into=folder)
    assert (folder / MODULE).read_bytes() == before


def test_a_conforming_contribution_never_makes_add_fail_internally(kb, tmp_path, capsys):
    # rdfs:seeAlso with a blank node passes validation; `add` must then merge it or refuse it, not crash (exit 3).
    path = tmp_path / "see-also.ttl"
    path.write_text(RED.read_text(encoding="utf-8").replace(
        "    dcterms:source src:cybersecurity .\n\nskill:",
        "    <http://www.w3.org/2000/01/rdf-schema#seeAlso> [ <http://www.w3.org/2000/01/rdf-schema#label> "
        "\"a job advert\"@en ] ;\n    dcterms:source src:cybersecurity .\n\nskill:", 1), encoding="utf-8")
    assert "seeAlso" in path.read_text(encoding="utf-8")
    code = main(["add", str(path)])
    err = capsys.readouterr().err
    assert code in (0, 1), err
    assert "internal error" not in err


# -- atomicity --------------------------------------------------------------------------------------------------------


def aiworkforce_cmd() -> list[str]:
    exe = Path(sys.executable).parent / "aiworkforce"
    script = "import sys; from aiworkforce.cli import main; sys.exit(main())"
    return [str(exe)] if exe.exists() else [sys.executable, "-c", script]


def test_an_interrupted_add_leaves_the_old_or_the_new_module(tmp_path, activate, no_closure):
    # The complete result, computed once in-process on copies with and without a module already present.
    expected = {}
    for seeded in (False, True):
        kb = activate(KnowledgeBase(tmp_path / f"expected-{seeded}"))
        if seeded:
            add_contributions([MLOPS])
        before = kb.module.read_bytes() if kb.module.exists() else None
        add_contributions([PROMPT])
        expected[seeded] = (before, kb.module.read_bytes())

    # the longest delay is how long an `add` takes here and now (a busy machine is several times slower) to write
    # the module; what it does after that (rebuilding the reasoned cache) cannot touch the module any more
    started = time.perf_counter()
    whole = KnowledgeBase(tmp_path / "timed")
    timed = subprocess.Popen(aiworkforce_cmd() + ["add", str(PROMPT)], env=whole.env(),
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while not whole.module.exists() and timed.poll() is None:
        time.sleep(0.01)
    longest = max(1.0, 1.2 * (time.perf_counter() - started))
    timed.kill()
    timed.wait(timeout=20)
    assert whole.module.read_bytes() == expected[False][1]
    iterations, outcomes = 8, []
    for i in range(iterations):
        delay = 0.05 * ((longest / 0.05) ** (i / (iterations - 1)))  # 0.05 s ... the time of a whole add
        seeded = i % 2 == 1
        kb = KnowledgeBase(tmp_path / f"run-{i}")
        before, complete = expected[seeded]
        if seeded:
            kb.module.write_bytes(before)
        process = subprocess.Popen(aiworkforce_cmd() + ["add", str(PROMPT)], env=kb.env(),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        finished = process.poll() is not None
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=20)
        state = kb.module.read_bytes() if kb.module.exists() else None
        assert state in (before, complete), f"iteration {i} ({delay:.2f} s): the module is partial"
        outcomes.append("new" if state == complete and state != before else "old")
        for leftover in kb.folder.iterdir():
            if leftover.name.startswith(f".{MODULE}."):
                assert leftover.name.endswith(".tmp")
            else:  # every other file is an untouched original (or the module, checked above)
                assert leftover.name == MODULE or leftover.read_bytes() == (ONTOLOGY / leftover.name).read_bytes()
        if finished:
            assert state == complete
    assert outcomes[0] == "old", "a kill after 0.05 s cannot have merged anything"
    assert "new" in outcomes, "no run got as far as writing the module: raise the longest delay"


# -- the command line -------------------------------------------------------------------------------------------------


def test_cli_add_reports_what_it_merged(kb, no_closure, capsys):
    assert main(["add", str(PROMPT)]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (f"merged 2 terms (role:prompt-engineer, skill:prompt-design) into {kb.module} "
                            "(+32 triples)\n")


def test_cli_add_refused_prints_the_report_and_exits_1(kb, capsys):
    assert main(["add", str(EXAMPLES / "missing-layer.bad.yaml")]) == 1
    captured = capsys.readouterr()
    assert "missing-layer.bad.yaml:4: violation: role:llm-evaluation-engineer layers:" in captured.out
    assert captured.err.startswith("aiworkforce: error: the contributions have violations; nothing was merged")
    assert not kb.module.exists()


def test_cli_add_as_a_subprocess(kb):
    done = subprocess.run(aiworkforce_cmd() + ["add", str(MLOPS)], env=kb.env(), capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("merged 1 term (role:mlops-engineer) into ")
    assert kb.module.exists()


def test_new_role_prints_a_template(capsys):
    assert main(["new-role", "prompt-engineer"]) == 0
    out = capsys.readouterr().out
    assert out == role_template("prompt-engineer")
    assert "  - slug: prompt-engineer\n    label: Prompt Engineer " in out
    assert main(["new-role", "prompt-engineer", "--format", "ttl"]) == 0
    assert capsys.readouterr().out == role_template("prompt-engineer", "ttl")


def test_new_role_never_overwrites(tmp_path, capsys):
    target = tmp_path / "prompt-engineer.yaml"
    assert main(["new-role", "prompt-engineer", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == role_template("prompt-engineer")
    assert capsys.readouterr().err == f"wrote {target}; fill it in, then run: aiworkforce validate {target}\n"
    target.write_text("my work\n", encoding="utf-8")
    assert main(["new-role", "other-role", "-o", str(target)]) == 2
    assert target.read_text(encoding="utf-8") == "my work\n"
    assert capsys.readouterr().err == (f"aiworkforce: error: {target} already exists\n"
                                       "  hint: choose another file name or remove it first\n")


@pytest.mark.parametrize("name", ["!!", "?-?", "→"])
def test_new_role_refuses_what_makes_no_slug(name, capsys):
    assert main(["new-role", name]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(f"aiworkforce: error: {name.strip()!r} is neither a slug nor a title")


@pytest.mark.parametrize("title, slug", [("AI Red Teamer", "ai-red-teamer"), ("Bad Slug", "bad-slug"),
                                         ("bad_slug", "bad-slug"), ("MLOps / GPU Engineer", "mlops-gpu-engineer")])
def test_new_role_takes_a_title_and_says_which_slug_it_made(title, slug, capsys):
    assert main(["new-role", title]) == 0
    captured = capsys.readouterr()
    assert f"  - slug: {slug}\n" in captured.out
    assert captured.err == f"slug: {slug} (made from the title {title!r})\n"
    assert f"    label: {title} " in captured.out


def test_a_slug_gets_the_title_spelt_as_the_graph_spells_its_words(kg, capsys):
    from aiworkforce.contributions.scaffold import known_casing, title_of

    casing = known_casing(kg)
    assert {casing["ai"], casing["ml"], casing["gpu"], casing["llm"]} == {"AI", "ML", "GPU", "LLM"}
    assert main(["new-role", "ai-red-teamer"]) == 0
    assert "    label: AI Red Teamer " in capsys.readouterr().out

    class Labels:  # the casing is read from the graph's labels, not from a list in the code
        def engine(self):
            return self

        def query(self, _text):
            from aiworkforce.query.results import QueryResult
            from aiworkforce.rdf.terms import Term
            return QueryResult("select", ("label",), ((Term.literal("XYZzy and iOS"),), (Term.literal("Ai"),)))

    assert title_of("xyzzy-ios-ai-lead", known_casing(Labels())) == "XYZzy iOS Ai Lead"


def fill_yaml(text: str) -> str:
    values = {
        "alt_labels": "[Prompt designer]",
        "definition": "Designs and tests the instructions that steer language models in a product.",
        "layers": "[engineering]",
        "essential_skills": "[output-evaluation, foundation-model-selection, prompt-optimisation]",
        "optional_skills": "[vector-databases]",
        "concerns": "[prompt-injection]",
        "alignments": '[{match: broad, target: "isco:C2512"}]',
        "source": "engineering-layer",
    }
    for key, value in values.items():
        text, count = re.subn(rf"(?m)^(    {key}:)( \[\])?", rf"\1 {value}", text, count=1)
        assert count == 1, key
    return text


def fill_ttl(text: str) -> str:
    values = {
        "skos:altLabel": 'skos:altLabel "Prompt designer"@en ;',
        "skos:definition": 'skos:definition "Designs and tests the instructions that steer language models in a '
                           'product."@en ;',
        "aiw:inLayer": "aiw:inLayer layer:engineering ;",
        "aiw:requiresEssentialSkill": "aiw:requiresEssentialSkill skill:output-evaluation , "
                                      "skill:foundation-model-selection , skill:prompt-optimisation ;",
        "aiw:requiresOptionalSkill": "aiw:requiresOptionalSkill skill:vector-databases ;",
        "aiw:addressesConcern": "aiw:addressesConcern concern:prompt-injection ;",
        "skos:broadMatch": "skos:broadMatch isco:C2512 ;",
        "dcterms:source": "dcterms:source src:engineering-layer ;",
    }
    for key, value in values.items():
        text, count = re.subn(rf"(?m)^    # {re.escape(key)} .*$", f"    {value}", text, count=1)
        assert count == 1, key
    return text


@pytest.mark.parametrize(("fmt", "fill"), [("yaml", fill_yaml), ("ttl", fill_ttl)])
def test_the_template_fails_until_it_is_filled_in(tmp_path, capsys, fmt, fill):
    path = tmp_path / f"prompt-engineer.{fmt}"
    assert main(["new-role", "prompt-engineer", "--format", fmt, "-o", str(path)]) == 0
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    # YAML reports name the keys the author fills in; Turtle reports the predicates
    assert f"violation: role:prompt-engineer {'layers:' if fmt == 'yaml' else 'aiw:inLayer'}" in out
    assert f"violation: role:prompt-engineer {'definition:' if fmt == 'yaml' else 'skos:definition'}" in out
    path.write_text(fill(path.read_text(encoding="utf-8")), encoding="utf-8")
    assert main(["validate", "--strict", str(path)]) == 0
    out = capsys.readouterr().out
    assert out == f"{path}  (ok)\n1 file, 1 term: 0 violations, 0 warnings - conforms\n"


def test_library_errors_carry_exit_codes():
    assert ContributionRejected.exit_code == 1
    assert InputError("x").exit_code == 2
    assert issubclass(ContributionRejected, AiworkforceError)


# -- remove: the inverse of add ----------------------------------------------------------------------------------------


def test_add_then_remove_gives_back_the_knowledge_base_and_refuses_what_it_cannot_take(kb, no_closure, capsys):
    from aiworkforce.contributions.remove import remove_contributions

    before = {p.name: p.read_bytes() for p in kb.folder.iterdir()}
    add_contributions([PROMPT])
    with_prompt = kb.module.read_bytes()
    # refused (exit 2) or dry: nothing is written
    assert main(["remove", "role:data-engineer"]) == 2
    assert capsys.readouterr().err == (
        "aiworkforce: error: role:data-engineer is part of the core knowledge base, not a contribution\n"
        "  hint: `remove` only takes back terms merged with `aiworkforce add`; edit ontology/ by hand to change "
        "the core\n")
    assert main(["remove", "no-such-thing"]) == 2
    assert "unknown contributed term 'no-such-thing'" in capsys.readouterr().err
    assert main(["remove", "Prompt design"]) == 2  # role:prompt-engineer still needs it
    assert capsys.readouterr().err == (
        "aiworkforce: error: other terms still point at what you asked to remove: role:prompt-engineer "
        "aiw:requiresEssentialSkill skill:prompt-design\n"
        "  hint: remove those statements (or terms) first, or add --force to delete them too\n")
    assert main(["remove", "--force", "--dry-run", "Prompt design"]) == 0
    assert capsys.readouterr().err == (
        "would also delete: role:prompt-engineer aiw:requiresEssentialSkill skill:prompt-design\n"
        f"would remove 1 term (skill:prompt-design) from {kb.module} (-12 triples)\n")
    assert kb.module.read_bytes() == with_prompt
    # add, then remove: the module is the graph it was
    add_contributions([MLOPS])
    result = remove_contributions(["MLOps Engineer"])  # a title, as `query -p` takes it
    assert (result.terms, result.detached, result.dry_run) == (("role:mlops-engineer",), (), False)
    assert isomorphic(Graph().parse(kb.module, format="turtle"), Graph().parse(data=with_prompt, format="turtle"))
    # --force also deletes the contributed statements that point at the term
    result = remove_contributions(["skill:prompt-design"], force=True)
    assert result.detached == ("role:prompt-engineer aiw:requiresEssentialSkill skill:prompt-design",)
    remaining = Graph().parse(kb.module, format="turtle")
    assert not any(str(o).endswith("/skill/prompt-design") for o in remaining.objects())
    # the last contributed term out: the knowledge base is the one before the first `add`, file for file
    assert remove_contributions(["prompt-engineer"]).terms == ("role:prompt-engineer",)
    assert not kb.module.exists()
    assert {p.name: p.read_bytes() for p in kb.folder.iterdir()} == before


@pytest.mark.parametrize(("name", "fmt"), [("prompt-engineer.ttl", "ttl"), ("Prompt-Engineer.YML", "yaml"),
                                           ("prompt-engineer.yaml", "yaml")])
def test_new_role_writes_the_format_the_file_name_means(tmp_path, capsys, name, fmt):
    target = tmp_path / name
    assert main(["new-role", "prompt-engineer", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == role_template("prompt-engineer", fmt)
    assert main(["validate", str(target)]) == 1  # read as what it is: the unfilled fields are violations, not syntax
    assert "syntax" not in capsys.readouterr().err


def test_new_role_refuses_a_format_the_file_name_contradicts(tmp_path, capsys):
    target = tmp_path / "prompt-engineer.ttl"
    assert main(["new-role", "prompt-engineer", "--format", "yaml", "-o", str(target)]) == 2
    assert not target.exists()
    assert capsys.readouterr().err == ("aiworkforce: error: --format yaml does not match the file name "
                                       "prompt-engineer.ttl\n  hint: name the file prompt-engineer.yaml, or leave "
                                       "out --format\n")
    assert main(["new-role", "prompt-engineer", "--format", "ttl", "-o", str(target)]) == 0
    assert target.read_text(encoding="utf-8") == role_template("prompt-engineer", "ttl")


@pytest.mark.parametrize(("name", "args", "hint"), [("notes.txt", [], "extension .yaml"), ("role", ["-f", "ttl"], "extension .ttl"),
                                                   (".yaml", [], "extension .yaml")])
def test_new_role_refuses_a_file_validate_would_not_read(tmp_path, capsys, name, args, hint):
    target = tmp_path / name
    assert main(["new-role", "prompt-engineer", *args, "-o", str(target)]) == 2
    assert not target.exists()
    err = capsys.readouterr().err
    assert err.startswith(f"aiworkforce: error: {target}: a contribution is a .yaml or .ttl file") and hint in err
