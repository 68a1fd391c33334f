"""Regenerate the trimmed reference extract that tests/ontology/test_alignments.py checks the alignments against.

The extract holds, from each official release file, the header and only the rows that ontology/alignments.ttl cites:
the ISCO-08 groups, the ESCO occupations and the O*NET-SOC occupations it mentions. Rows are copied unchanged, in
the order of the release file, in the same CSV dialect (comma, minimal double-quote quoting, CRLF record ends).

Usage (from anywhere):
    python tests/data/reference/make_extract.py [FOLDER_WITH_FULL_RELEASE_FILES]

The default folder is ../shared/reference next to the repository, that is Path(repo_root).parent / "shared" / "reference".
"""

from __future__ import annotations

import csv
import io
import sys
from pathlib import Path

from rdflib import Graph, URIRef

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[2]
ALIGNMENTS = REPO_ROOT / "ontology" / "alignments.ttl"
DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "reference"

ISCO_NS = "http://data.europa.eu/esco/isco/"
ESCO_OCC_NS = "http://data.europa.eu/esco/occupation/"
ONET_NS = "https://www.onetonline.org/link/summary/"

# file name -> (column holding the key, how to turn a cited IRI into that key)
FILES = {
    "esco-1.2.0-ISCOGroups_en.csv": ("conceptUri", ISCO_NS),
    "esco-1.2.0-occupations_en.csv": ("conceptUri", ESCO_OCC_NS),
    "onet-29.2-occupation-data.csv": ("O*NET-SOC Code", ONET_NS),
}


def cited_keys(alignments: Path = ALIGNMENTS) -> dict[str, set[str]]:
    """Keys of every ISCO / ESCO / O*NET entry named anywhere in the alignments file, per release file."""
    graph = Graph().parse(alignments, format="turtle")
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    keys: dict[str, set[str]] = {}
    for name, (_column, namespace) in FILES.items():
        found = {iri for iri in iris if iri.startswith(namespace)}
        if namespace == ONET_NS:
            found = {iri[len(ONET_NS):] for iri in found}
        keys[name] = found
    return keys


def read_rows(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.reader(fh))


def to_csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


def build_extract(source: Path, alignments: Path = ALIGNMENTS) -> dict[str, list[list[str]]]:
    """Return, for each release file, its header row followed by the cited rows (release order, unchanged)."""
    keys = cited_keys(alignments)
    extract: dict[str, list[list[str]]] = {}
    for name, (column, _namespace) in FILES.items():
        header, *rows = read_rows(source / name)
        index = header.index(column)
        kept = [row for row in rows if row[index] in keys[name]]
        missing = keys[name] - {row[index] for row in kept}
        if missing:
            raise SystemExit(f"{name}: cited but not in the release file: {sorted(missing)}")
        extract[name] = [header, *kept]
    return extract


def main(argv: list[str]) -> int:
    source = Path(argv[1]) if len(argv) > 1 else DEFAULT_SOURCE
    if not source.is_dir():
        print(f"reference folder not found: {source}", file=sys.stderr)
        return 2
    for name, rows in build_extract(source).items():
        with open(HERE / name, "w", newline="", encoding="utf-8") as fh:
            fh.write(to_csv(rows))
        print(f"{name}: {len(rows) - 1} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
