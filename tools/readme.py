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
    """Run the CLI in-process with COLUMNS=80 and return what it printed on stdout (not a terminal: nothing is
    wrapped or cut, as in a pipe)."""
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
        # the example runs in English with every parameter but the optional filters (optional terms), listed after
        # it; the language parameter has its own section (Other languages)
        shown_params = [p for p in query.params if p.example is not None and p.kind != "language"
                        and (p.required or p.kind != "term")]
        filters = [p for p in query.params if p.example is not None and not p.required and p.kind == "term"]
        for param in shown_params:
            args += ["-p", f"{param.name}={param.example}"]
        examples = {p.name: p.example for p in shown_params}
        total = len(run_query(graph, query.name, examples).rows)
        if total > MAX_ROWS:
            args += ["--limit", str(MAX_ROWS)]
        args += ["--format", "md"]
        text = [f"### `{query.name}`: {query.summary}", "", query.description, "", "```console",
                f"$ {command_line(args)}", "```", "", run_cli(args).rstrip()]  # md ends with its row count
        if filters:
            text += ["", "Optional filters: " + ", ".join(
                f"`-p {shlex.quote(f'{p.name}={p.example}')}`" for p in filters) + "."]
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
