"""The pipeline commands as users type them: demo twice, run, status, and errors in one line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SettingsFactory, feed_entry
from ingest import store
from ingest.cli import cli
from ingest.config import load_settings

INGEST = Path(sys.executable).with_name("ingest")
TABLES = ("documents", "events", "rejects")


@pytest.mark.usefixtures("prefect_harness")
def test_demo_twice_adds_no_rows_the_second_time(make_settings: SettingsFactory) -> None:
    path = make_settings()
    settings = load_settings(path)
    runner = CliRunner()
    first = runner.invoke(cli, ["demo", "--settings", str(path)], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    assert "ingest-feeds: ok" in first.output
    for heading in ("What is stored", "latest meetings", "busiest participants", "ingest sql"):
        assert heading in first.output
    counts = {name: store.read_table(settings, name).num_rows for name in TABLES}
    sources = store.read_table(settings, "documents", ["source_id"]).column("source_id")
    from_archive = sources.to_pylist().count("us-state-archive")
    assert counts["documents"] - from_archive == 30  # the three captured feeds
    assert from_archive == 1995  # the bundled archive: the corpus less the captured releases
    assert counts["events"] >= counts["documents"]  # every release yields its primary event

    second = runner.invoke(cli, ["demo", "--settings", str(path)], catch_exceptions=False)
    assert second.exit_code == 0, second.output
    assert {name: store.read_table(settings, name).num_rows for name in TABLES} == counts
    assert store.read_table(settings, "loads").num_rows == 4  # feeds + archive, twice
    # the demo keeps its own feed state: the configured feeds' state file is untouched
    assert not Path(settings.state_path).exists()
    assert Path(settings.state_path).with_name("demo-feeds.json").exists()


@pytest.mark.usefixtures("prefect_harness")
def test_run_then_status_shows_feed_health_and_runs(
    make_settings: SettingsFactory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # rich tables wrap at the terminal width
    feeds = tmp_path / "feeds.toml"
    good = sorted((Path(__file__).parents[2] / "config" / "demo" / "feeds").glob("*.xml"))[0]
    feeds.write_text(
        feed_entry("good", str(good)) + feed_entry("gone", str(tmp_path / "gone.xml")),
        encoding="utf-8",
    )
    path = make_settings(feeds)
    runner = CliRunner()
    ran = runner.invoke(cli, ["run", "--settings", str(path)], catch_exceptions=False)
    assert ran.exit_code == 0, ran.output
    assert "ingest-feeds: partial" in ran.output

    status = runner.invoke(cli, ["status", "--settings", str(path)], catch_exceptions=False)
    assert status.exit_code == 0, status.output
    lines = status.output.splitlines()
    good_row = next(line for line in lines if "│ good" in line)
    gone_row = next(line for line in lines if "│ gone" in line)
    assert "ok" in good_row and "│ 0 " in good_row
    assert "failed" in gone_row and "│ 1 " in gone_row and "cannot read" in gone_row
    assert "partial" in status.output and "10/0" in status.output  # a run; documents new/rev
    assert "│ documents │ 10" in status.output


def test_bad_config_is_one_line_and_status_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    done = subprocess.run(
        [str(INGEST), "run", "--config", str(missing)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert done.returncode == 2
    assert done.stderr.strip() == f"error: {missing}: feeds file not found"
