"""Regenerate article-quotes.txt: hashes of every exact passage of 1 to 12 words of the source article, per section.

tests/ontology/test_fidelity.py uses them to prove that every evidence quote (aiw:quote) occurs, as written, in a
section of the article that its node cites (dcterms:source), without committing the article. Only whitespace and
typographic quotes are normalised (see ``normalise``); case, spelling and punctuation must match. A passage starts at
the first letter or digit of a word and ends at the last letter or digit of a word. Sections are cut at the section
titles recorded in ontology/sources.ttl (the introduction runs from the top of the article to the first of them).

Usage: python tests/data/make_article_quotes.py ARTICLE.txt
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

MAX_WORDS = 12
POSITION = URIRef("https://schema.org/position")
SOURCES = Path(__file__).resolve().parents[2] / "ontology" / "sources.ttl"
TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def normalise(text: str) -> str:
    """Typographic quotes become straight ones; every run of whitespace becomes one space."""
    return re.sub(r"\s+", " ", text.translate(TYPOGRAPHIC)).strip()


def digest(section: str, passage: str) -> str:
    """The hash of one passage of one section (the section's slug, as in src:SLUG)."""
    return hashlib.sha1(f"{section}\n{normalise(passage)}".encode()).hexdigest()[:12]


def sections(article: str) -> dict[str, str]:
    """Section slug -> its normalised text."""
    graph = Graph().parse(SOURCES, format="turtle")
    ordered = sorted((int(p), str(s).rsplit("/", 1)[1], str(graph.value(s, DCTERMS.title)))
                     for s, p in graph.subject_objects(POSITION))
    lines = article.splitlines()
    starts = [(0 if position == 1 else lines.index(title), slug) for position, slug, title in ordered]
    return {slug: normalise("\n".join(lines[start: starts[k + 1][0] if k + 1 < len(starts) else len(lines)]))
            for k, (start, slug) in enumerate(starts)}


def passages(text: str):
    """Every passage of 1 to MAX_WORDS words: from a word's first letter or digit to another's last."""
    begins = [m.start() for m in re.finditer(r"(?<![A-Za-z0-9])[A-Za-z0-9]", text)]
    ends = [m.end() for m in re.finditer(r"[A-Za-z0-9](?![A-Za-z0-9])", text)]
    for b in begins:
        for e in ends:
            if e <= b:
                continue
            passage = text[b:e]
            if passage.count(" ") >= MAX_WORDS:
                break
            yield passage


def hashes(article: str) -> set[str]:
    return {digest(slug, p) for slug, text in sections(article).items() for p in passages(text)}


if __name__ == "__main__":
    article = Path(sys.argv[1]).read_text(encoding="utf-8")
    out = Path(__file__).with_name("article-quotes.txt")
    out.write_text("\n".join(sorted(hashes(article))) + "\n", encoding="utf-8")
    print(f"wrote {out}")
