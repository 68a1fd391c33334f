"""Regenerate article-shingles.txt: hashes of every 7-word run of the source article.

The test suite uses the hashes to prove that no text of the knowledge graph copies the article's sentences,
without committing the article itself. Usage: python tests/data/make_article_shingles.py ARTICLE.txt
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

N = 7


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def shingles(text: str) -> set[str]:
    w = words(text)
    return {hashlib.sha1(" ".join(w[i : i + N]).encode()).hexdigest()[:16] for i in range(len(w) - N + 1)}


if __name__ == "__main__":
    article = Path(sys.argv[1]).read_text(encoding="utf-8")
    out = Path(__file__).with_name("article-shingles.txt")
    out.write_text("\n".join(sorted(shingles(article))) + "\n", encoding="utf-8")
    print(f"wrote {out}")
