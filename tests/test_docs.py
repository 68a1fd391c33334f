"""The README runs: every command and stored query it names exists, and its outputs are real and current."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from aiworkforce.query.catalogue import catalogue
from aiworkforce.cli import app

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> set[str]:
    import typer.main

    return set(typer.main.get_command(app).commands)


def _readme_tool():
    spec = importlib.util.spec_from_file_location("readme_tool", ROOT / "tools" / "readme.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_two_setup_commands():
    setup = README.split("## Set up", 1)[1].split("##", 1)[0]
    assert re.findall(r"^\$ (make \w+)", setup, re.M) == ["make demo", "make test"]
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M) and re.search(r"^test:", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_command_named_in_the_readme_exists():
    # commands as shown to be typed: at a "$ " prompt or in inline code, not prose ("aiworkforce models ...")
    named = set(re.findall(r"(?:^\$ |`)aiworkforce ([a-z][a-z-]+)", README, re.M))
    assert named, "the README shows commands"
    missing = named - _commands()
    assert not missing, f"README names commands the CLI does not have: {sorted(missing)}"
    assert _commands() <= named, f"commands missing from the README: {sorted(_commands() - named)}"


def test_the_command_table_lists_every_command_and_every_option():
    """Each command has a row of the README's command table, and its row names each of its options (the long
    or the short form), so an option added to the CLI cannot be missing from the table."""
    import typer.main

    rows = [line.split("` |", 1)[0] for line in README.splitlines() if line.startswith("| `aiworkforce ")]
    missing = []
    for name, command in typer.main.get_command(app).commands.items():
        mine = [r for r in rows if re.match(rf"\| `aiworkforce {re.escape(name)}(?![\w-])", r)]
        if not mine:
            missing.append(name)
        for param in command.params:
            if param.param_type_name != "option" or "--help" in param.opts:
                continue
            if not any(re.search(rf"(?<![\w-]){re.escape(o)}(?![\w-])", r) for o in param.opts for r in mine):
                missing.append(f"{name} {param.opts[0]}")
    assert not missing, f"the README's command table does not list: {missing}"


def test_every_query_named_in_the_readme_exists_and_every_query_is_shown():
    named = set(re.findall(r"aiworkforce query ([a-z][a-z0-9-]*)", README))
    names = set(catalogue())
    assert named - {"NAME"} <= names, f"unknown queries in README: {sorted(named - names)}"
    assert names <= named, f"stored queries without an example in README: {sorted(names - named)}"


@pytest.mark.slow
def test_generated_blocks_are_current():
    tool = _readme_tool()
    for name, body in tool.blocks().items():
        match = re.search(rf"<!-- {name}:start -->\n(.*?)<!-- {name}:end -->", README, re.S)
        assert match, f"README has no {name} block"
        assert match.group(1).rstrip() == body.rstrip(), (
            f"the README's {name} block is out of date: run `python tools/readme.py`"
        )


def test_benchmark_figures_are_in_the_readme():
    block = re.search(r"<!-- bench:start -->\n(.*?)<!-- bench:end -->", README, re.S).group(1)
    assert "aiworkforce, warm" in block and "speed-up" in block
