"""Finding terms by the words of their labels, alternative labels and definitions."""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest

from aiworkforce.errors import UsageError
from aiworkforce.rdf.namespaces import AIW
from aiworkforce.rdf.prefixes import BASE
from aiworkforce.query.search import search

pytestmark = pytest.mark.filterwarnings("ignore:Dataset\\..* is deprecated:DeprecationWarning")

ROLE = BASE + "role/"


def terms(matches) -> list[str]:
    return [m.term.value for m in matches]


def test_an_exact_label_ranks_first(kg):
    matches = search(kg, "Data Engineer")
    exact = [m for m in matches if m.text.casefold() == "data engineer" and m.field == "label"]
    assert ROLE + "data-engineer" in terms(exact)
    assert matches[: len(exact)] == exact, "exact label matches come before every other match"
    first = matches[0]
    assert first.label.casefold() == "data engineer" and first.score == 0
    role = next(m for m in matches if m.term.value == ROLE + "data-engineer")
    assert role.type is not None and role.type.value == str(AIW.Role)
    later = terms(matches[len(exact):])
    assert ROLE + "data-center-electrical-engineer" in later
    assert later.index(BASE + "source/data-engineering") < later.index(ROLE + "data-center-electrical-engineer"), \
        "a label starting with the text ranks before other label matches"


def test_scores_never_decrease_down_the_list(kg):
    matches = search(kg, "engineer", limit=None)
    assert len(matches) > 25
    assert [m.score for m in matches] == sorted(m.score for m in matches)
    assert len({m.term.value for m in matches}) == len(matches), "each term once"


def test_case_does_not_matter(kg):
    assert terms(search(kg, "DATA ENGINEER")) == terms(search(kg, "data engineer"))


def test_alternative_labels_match(kg):
    (match,) = search(kg, "decision scientist")
    assert match.term.value == ROLE + "data-scientist"
    assert (match.field, match.text, match.label) == ("alternative label", "Decision scientist", "Data Scientist")
    (match,) = search(kg, "HPC engineer")
    assert match.term.value == ROLE + "gpu-cluster-engineer" and match.field == "alternative label"


def test_definitions_match(kg):
    (match,) = search(kg, "experiments papers")
    assert match.term.value == ROLE + "ai-research-scientist"
    assert match.field == "definition"
    assert "papers" in match.text


def test_every_word_must_match(kg):
    found = terms(search(kg, "gpu cluster"))
    assert ROLE + "gpu-cluster-engineer" in found and BASE + "skill/gpu-cluster-management" in found
    assert BASE + "concern/gpu-utilisation" not in found
    assert BASE + "concern/gpu-utilisation" in terms(search(kg, "gpu"))
    assert search(kg, "gpu xylophone") == []


def test_a_label_match_beats_a_definition_match_of_the_same_term(kg):
    prompt = next(m for m in search(kg, "prompt injection") if m.term.value == BASE + "concern/prompt-injection")
    assert prompt.field == "label" and prompt.score == 0


def test_limit(kg):
    assert len(search(kg, "engineer", limit=3)) == 3
    assert search(kg, "engineer", limit=3) == search(kg, "engineer", limit=None)[:3]
    assert len(search(kg, "engineer")) == 25, "25 matches by default"


@pytest.mark.parametrize("text", ["", "   ", "\n\t"])
def test_nothing_to_search_for_is_a_usage_error(kg, text):
    with pytest.raises(UsageError, match="nothing to search for"):
        search(kg, text)


def test_both_engines_find_the_same(kg):
    for text in ("data engineer", "gpu", "decision scientist"):
        ox = sorted((m.score, m.term.value, m.field, m.text) for m in search(kg, text, limit=None))
        rd = sorted((m.score, m.term.value, m.field, m.text) for m in search(kg, text, limit=None, engine="rdflib"))
        assert ox == rd, text


# -- whole words and word beginnings, ranked, with the reason -------------------------------------------------------


def test_words_match_whole_words_or_their_beginnings_never_inside_a_word(kg):
    # "shared" holds "red" and "teams" holds "team": neither is a word starting with "red"
    found = terms(search(kg, "red team", limit=None))
    for inside in ("skill/collaboration", "skill/data-distribution", "skill/deployment-standardisation"):
        assert BASE + inside not in found
    teams = search(kg, "team", limit=None)
    assert BASE + "skill/collaboration" in terms(teams), "a word's beginning matches: team -> teams"
    assert all(re.search(r"(?<![^\W_])team", m.text, re.IGNORECASE) for m in teams)
    assert ROLE + "data-scientist" in terms(search(kg, "decision sci"))


def test_exact_labels_then_alternative_labels_then_definitions(kg):
    matches = search(kg, "security", limit=None)
    fields = [m.field for m in matches]
    assert fields == sorted(fields, key=["label", "alternative label", "definition"].index)
    assert matches[0].field == "label" and matches[0].text.casefold().startswith("security")
    assert {"label", "alternative label", "definition"} <= set(fields)


def test_each_match_says_why(kg):
    for match in search(kg, "gpu clust", limit=None):
        if match.field == "definition":
            assert match.matched != match.text and match.matched.strip(".") in match.text
        else:
            assert match.matched == match.text
        assert re.search(r"(?<![^\W_])gpu", match.matched, re.IGNORECASE)
        assert re.search(r"(?<![^\W_])clust", match.matched, re.IGNORECASE)


def test_search_on_a_warm_cache_never_imports_rdflib(kg):
    kg.closure()
    code = ("import sys, io, contextlib\nfrom aiworkforce.cli import main\n"
            "with contextlib.redirect_stdout(io.StringIO()):\n    rc = main(['search', 'red', 'team'])\n"
            "print(rc, 'rdflib' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=os.environ, check=True)
    assert done.stdout.split() == ["0", "False"], done.stdout + done.stderr
