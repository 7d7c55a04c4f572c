"""The package as a user installs it: a wheel built from the repository, installed into a fresh
venv, run from another directory: its SQL models, checks and demo feeds come with it.

Nothing is downloaded: the wheel is built with no build isolation (setuptools from .venv) and
installed with --no-deps --no-index into a venv whose .pth file lends it .venv's
site-packages for the dependencies only (.pth files there, such as the editable install's
finder, are not run: the `ingest` imported is the wheel's).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# what a build reads; flows/ may move under ingest (then it is simply absent here)
SOURCE_ENTRIES = ("pyproject.toml", "README.md", "src", "flows", "config", "warehouse")
NOT_SOURCE = shutil.ignore_patterns("__pycache__", "*.egg-info")
# run-time files of a used checkout never ship (nor are they copied to build from)
WAREHOUSE_RUN_TIME = shutil.ignore_patterns("data", "state", "*.duckdb*", "report.html")
SMALLEST_DEMO_FEED = "state.gov_press-releases_rss_2022-02-24.xml"  # 27 kB, 10 releases
SUBPROCESS_SECONDS = 240


def _pip(*arguments: str) -> None:
    command = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=SUBPROCESS_SECONDS)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of the sources (a build writes build/ beside its sources)."""
    source = tmp_path_factory.mktemp("source")
    for name in SOURCE_ENTRIES:
        path = ROOT / name
        if path.is_dir():
            ignore = WAREHOUSE_RUN_TIME if name == "warehouse" else NOT_SOURCE
            shutil.copytree(path, source / name, symlinks=True, ignore=ignore)
        elif path.exists():
            shutil.copy(path, source / name)
    out = tmp_path_factory.mktemp("wheel")
    _pip("wheel", "--no-deps", "--no-build-isolation", "--no-index", "-w", str(out), str(source))
    (built,) = out.glob("ingest-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel; its bin/ directory."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    Path(purelib, "dependencies-from-dev-venv.pth").write_text(
        sysconfig.get_path("purelib") + "\n", encoding="utf-8"
    )
    _pip("--python", str(python), "install", "--no-deps", "--no-index", str(wheel))
    return venv / "bin"


def _user_environment(home: Path) -> dict[str, str]:
    """The caller's environment without this project's or Prefect's settings."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("INGEST_", "PREFECT_", "VIRTUAL_ENV"))
    }
    return {**kept, "HOME": str(home), "DO_NOT_TRACK": "1"}


def _run(bin_dir: Path, arguments: Sequence[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(bin_dir / arguments[0]), *arguments[1:]],
        cwd=cwd,
        env=_user_environment(cwd),
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_SECONDS,
    )


def test_the_wheel_ships_the_sql_and_the_demo_but_no_run_time_files(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    sql = {name for name in names if name.startswith("ingest/sql/")}
    expected = {
        f"ingest/sql/{path.relative_to(ROOT / 'warehouse').as_posix()}"
        for path in [
            *(ROOT / "warehouse").glob("models/**/*.*"),
            *(ROOT / "warehouse").glob("checks/**/*.*"),
        ]
    }
    assert sql == expected
    assert "ingest/demo.toml" in names
    assert f"ingest/demo/feeds/{SMALLEST_DEMO_FEED}" in names
    assert any(name.startswith("ingest/demo/archive/") for name in names)
    assert not [name for name in names if ".duckdb" in name or "/state/" in name]


def test_the_installed_command_finds_its_bundled_demo_outside_the_repository(
    installed: Path, tmp_path: Path
) -> None:
    probe = (
        "import ingest, json; from ingest.cli.pipeline import demo_archives, demo_feeds_path\n"
        "from ingest.config import load_feeds\n"
        "path = demo_feeds_path()\n"
        "print(json.dumps([ingest.__file__, str(path), [str(a) for a in demo_archives(path)],"
        " [feed.id for feed in load_feeds(path)]]))"
    )
    done = _run(installed, ["python", "-c", probe], tmp_path)
    assert done.returncode == 0, done.stderr
    module, feeds_path, archives, feed_ids = json.loads(done.stdout)
    venv = installed.parent
    assert Path(module).is_relative_to(venv), "imported ingest from outside the wheel's venv"
    assert Path(feeds_path).is_relative_to(venv)
    assert len(archives) == 1 and Path(archives[0]).is_file()
    assert len(feed_ids) == 3


@pytest.mark.server  # `ingest demo` starts Prefect's temporary server: most of its ~15-50 s
def test_the_installed_demo_check_and_sql_run_from_another_directory(
    installed: Path, tmp_path: Path
) -> None:
    """`ingest demo` there (given one small captured feed: the bundled ~2,000-release archive
    takes a minute), then `ingest check` and `ingest sql` on the warehouse it made."""
    feeds = tmp_path / "config" / "demo" / "feeds"
    feeds.mkdir(parents=True)
    shutil.copy(ROOT / "config" / "demo" / "feeds" / SMALLEST_DEMO_FEED, feeds)
    (tmp_path / "config" / "demo.toml").write_text(
        '[[feeds]]\nid = "us-state-2022-02-24"\n'
        f'url = "demo/feeds/{SMALLEST_DEMO_FEED}"\npublisher = "U.S. Department of State"\n'
        'country = "US"\ntimezone = "America/New_York"\nschedule = "*/30 * * * *"\n'
        'full_text = "never"\n',
        encoding="utf-8",
    )
    demo = _run(installed, ["ingest", "demo"], tmp_path)
    assert demo.returncode == 0, demo.stderr[-2000:]
    assert (tmp_path / "warehouse" / "ingest.duckdb").is_file()

    check = _run(installed, ["ingest", "check"], tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "checks passed" in check.stdout

    sql = _run(
        installed,
        [
            "ingest",
            "sql",
            "--json",
            "select (select count(*) from fct_events) as events,"
            " (select count(*) from dim_people) as people",
        ],
        tmp_path,
    )
    assert sql.returncode == 0, sql.stderr
    counts = json.loads(sql.stdout)
    assert counts["events"] >= 10 and counts["people"] > 0
