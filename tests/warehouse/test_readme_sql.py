"""README's SQL answers on the demo's data: every ```sql block, every `ingest sql "..."` of
README, of `ingest sql --help` and of the demo's tour, and every `ingest sql/check/status` line
of README's shell blocks runs as written and returns rows."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from ingest import warehouse
from ingest.cli import cli
from ingest.cli.warehouse import sql_command
from ingest.config import Settings
from ingest.tour import FURTHER, STOPS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.S)
SQL_COMMAND = re.compile(r'ingest sql (?:--csv |--json )?\s*"([^"]+)"')
SH_BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
# the commands of README's shell blocks that read the warehouse (the others run flows)
READING_COMMANDS = {"sql", "check", "status"}


def readme_blocks() -> list[str]:
    return [block.strip().rstrip(";") for block in SQL_BLOCK.findall(README)]


def commands_shown() -> list[str]:
    """The queries of every `ingest sql "..."` README, `ingest sql --help` and the tour show."""
    help_text = sql_command.help or ""
    shown = [*SQL_COMMAND.findall(README), *SQL_COMMAND.findall(help_text)]
    # "SELECT ..." in the command table is a placeholder, not an example
    shown = [sql for sql in shown if "..." not in sql]
    return [*dict.fromkeys(shown), *FURTHER, *(stop.sql for stop in STOPS)]


def test_readme_and_help_show_queries() -> None:
    assert len(readme_blocks()) >= 3
    assert len(SQL_COMMAND.findall(README)) >= 4 and SQL_COMMAND.findall(sql_command.help or "")


@pytest.mark.parametrize("sql", readme_blocks())
def test_every_readme_sql_block_returns_rows_on_the_demo(demo_settings: Settings, sql: str) -> None:
    assert warehouse.query(demo_settings, sql).rows, f"no rows on the demo's data:\n{sql}"


@pytest.fixture(scope="module")
def demo_settings_file(demo_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("settings") / "settings.toml"
    path.write_text(
        f"data_root = {json.dumps(demo_settings.data_root)}\n"
        f"serving_path = {json.dumps(demo_settings.serving_path)}\n"
        f"state_path = {json.dumps(str(path.parent / 'state' / 'feeds.json'))}\n",
        encoding="utf-8",
    )
    return str(path)


@pytest.mark.parametrize("sql", commands_shown())
def test_every_ingest_sql_shown_runs_and_returns_rows(demo_settings_file: str, sql: str) -> None:
    result = CliRunner().invoke(cli, ["sql", "--json", sql, "--settings", demo_settings_file])
    assert result.exit_code == 0, result.output
    assert result.output.strip(), f"no rows on the demo's data: {sql}"


def readme_shell_commands() -> list[list[str]]:
    """README's `ingest <reading command>` lines, split as the shell would (redirects cut)."""
    commands = []
    for block in SH_BLOCK.findall(README):
        for line in block.splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ["ingest"] and words[1:2] and words[1] in READING_COMMANDS:
                commands.append(words[1 : words.index(">")] if ">" in words else words[1:])
    return commands


def test_readme_shows_each_reading_command() -> None:
    assert {words[0] for words in readme_shell_commands()} == READING_COMMANDS


@pytest.mark.parametrize("words", readme_shell_commands(), ids=lambda words: " ".join(words)[:40])
def test_every_readme_shell_command_runs_on_the_demo(
    demo_settings_file: str, words: list[str]
) -> None:
    result = CliRunner().invoke(cli, [*words, "--settings", demo_settings_file])
    assert result.exit_code == 0, result.output
    assert result.output.strip()
