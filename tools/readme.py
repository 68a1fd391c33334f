"""Regenerate the generated blocks of README.md from real command output.

Blocks are delimited by ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``:

* ``demo``: what ``make demo`` prints (``aiworkforce validate`` and ``aiworkforce stats --layers``);
* ``queries``: every stored query, with an example command and its real output.

``tests/test_docs.py`` fails when the README is out of date; run ``python tools/readme.py`` to refresh it.
The ``bench`` block is written by ``benchmarks/query_latency.py --write-readme``.
"""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
MAX_ROWS = 8


def run_cli(args: list[str]) -> str:
    """Run the CLI in-process with an 80-column terminal and return what it printed on stdout."""
    import os

    from aiworkforce.cli import main

    out, err = io.StringIO(), io.StringIO()
    old = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args)
    finally:
        if old is None:
            os.environ.pop("COLUMNS", None)
        else:
            os.environ["COLUMNS"] = old
    if code not in (0,):
        raise RuntimeError(f"`aiworkforce {shlex.join(args)}` exited {code}: {err.getvalue()}")
    return out.getvalue()


def command_line(args: list[str]) -> str:
    return "aiworkforce " + " ".join(a if re.fullmatch(r"[\w=.:/-]+", a) else shlex.quote(a) for a in args)


def demo_block() -> str:
    parts = []
    for args in (["validate"], ["stats", "--layers"]):
        parts.append(f"$ {command_line(args)}\n{run_cli(args).rstrip()}")
    return "```console\n" + "\n\n".join(parts) + "\n```"


def queries_block() -> str:
    from aiworkforce.graph import KnowledgeGraph
    from aiworkforce.query.catalogue import catalogue
    from aiworkforce.query.run import run_query

    graph = KnowledgeGraph()
    sections = []
    for query in catalogue().values():
        args = ["query", query.name]
        # the examples in English: the language parameter has its own section (Other languages)
        examples = {p.name: p.example for p in query.params if p.example is not None and p.kind != "language"}
        for name, example in examples.items():
            args += ["-p", f"{name}={example}"]
        total = len(run_query(graph, query.name, examples).rows)
        if total > MAX_ROWS:
            args += ["--limit", str(MAX_ROWS)]
        args += ["--format", "md"]
        shown = f"first {MAX_ROWS} of {total} rows" if total > MAX_ROWS else f"{total} row{'s' * (total != 1)}"
        text = [f"### `{query.name}`: {query.summary}", "", query.description, "", "```console",
                f"$ {command_line(args)}", "```", "", run_cli(args).rstrip(), "", f"*({shown})*"]
        sections.append("\n".join(text))
    return "\n\n".join(sections)


def blocks() -> dict[str, str]:
    return {"demo": demo_block(), "queries": queries_block()}


def replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"README.md has no {name} block")
    return pattern.sub(lambda m: m.group(1) + body.rstrip() + "\n" + m.group(2), text)


def main() -> int:
    text = README.read_text(encoding="utf-8")
    for name, body in blocks().items():
        text = replace_block(text, name, body)
    README.write_text(text, encoding="utf-8")
    print("README.md updated", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
