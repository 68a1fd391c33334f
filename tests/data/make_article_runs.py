"""Regenerate article-runs.txt: hashes of every run of 1 to 12 words of the source article.

tests/ontology/test_fidelity.py uses them to prove that every evidence quote (aiw:quote, at most 12 words) really
occurs in the article, without committing the article. Words are lowercased letters and digits, so whitespace,
punctuation and typographic quotes do not matter. Usage: python tests/data/make_article_runs.py ARTICLE.txt
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

MAX_WORDS = 12


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def digest(run: list[str]) -> str:
    return hashlib.sha1(" ".join(run).encode()).hexdigest()[:16]


def runs(text: str) -> set[str]:
    w = words(text)
    return {digest(w[i : i + n]) for n in range(1, MAX_WORDS + 1) for i in range(len(w) - n + 1)}


if __name__ == "__main__":
    article = Path(sys.argv[1]).read_text(encoding="utf-8")
    out = Path(__file__).with_name("article-runs.txt")
    out.write_text("\n".join(sorted(runs(article))) + "\n", encoding="utf-8")
    print(f"wrote {out}")
