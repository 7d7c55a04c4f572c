"""Tests that keep the repository honest: documented commands, docstrings, a two-command README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import click
import pytest

from ingest.cli import cli

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(cli.commands)


def test_readme_starts_with_the_two_commands() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    commands = [line.split("#")[0].strip() for line in first_block.group(1).splitlines()]
    assert [c for c in commands if c] == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command() -> None:
    assert "make test" in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_text(name: str) -> None:
    command = cli.commands[name]
    assert command.help and len(command.help.strip()) > 20, name
    for parameter in command.params:
        if isinstance(parameter, click.Option):
            assert parameter.help, f"ingest {name} {parameter.opts[0]} has no help"


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_in_the_readme(name: str) -> None:
    assert f"ingest {name}" in README, f"README never mentions `ingest {name}`"


MODULES = sorted(
    p for p in [*(ROOT / "src").rglob("*.py"), *(ROOT / "flows").rglob("*.py")] if p.stat().st_size
)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_module_says_what_it_is(path: Path) -> None:
    assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), path


def test_the_shipped_packages_are_ingest_alone_with_its_flows() -> None:
    """pyproject lists the packages (setuptools' find cannot map flows/ into ingest): a new
    subpackage missing from the list would be left out of the wheel."""
    import tomllib

    setuptools = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
        "setuptools"
    ]
    found = {
        ".".join(p.parent.relative_to(ROOT / "src").parts)
        for p in (ROOT / "src" / "ingest").rglob("__init__.py")
    }
    assert sorted(setuptools["packages"]) == sorted({*found, "ingest.flows"})
    assert setuptools["package-dir"] == {"": "src", "ingest.flows": "flows"}
    import ingest.flows.backfill

    assert Path(ingest.flows.backfill.__file__).parent == ROOT / "flows"
