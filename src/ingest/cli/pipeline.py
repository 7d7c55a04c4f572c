"""`ingest` commands of the pipeline area: run, serve, status, backfill, reprocess, compact, demo.

Prefect is imported only inside the commands that run flows, after the environment is set:
telemetry off, and PREFECT_HOME (when unset) under the warehouse state directory, next to the
feed state file, so runs never touch the user's ~/.prefect; `make` leaves it to the commands,
so every entry point (make demo, ingest run, ingest serve, served runs) shares one home.
Without PREFECT_API_URL, one-off runs (`run`, `reprocess`, `compact`, `demo`) use Prefect's
temporary local server; `backfill` starts that server beside its run instead of before it and
records the run on it (ingest.flows.beside); `serve` starts a real one (schedules need it).
"""

from __future__ import annotations

import functools
import os
import signal
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import Any, TypeVar
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click
from rich.console import Console
from rich.markdown import Markdown
from rich.table import Table

from ingest.config import (
    DEMO_FEEDS_PATH,
    FEED_ID,
    Config,
    Settings,
    load_config,
    load_feeds,
    load_settings,
)
from ingest.errors import ConfigError
from ingest.summary import RunSummary

T = TypeVar("T")
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # a run that finds its API down should fail fast, not wait on retries
    "PREFECT_CLIENT_MAX_RETRIES": "2",
    # the temporary server's first start creates its database: 20 s (the default) is too tight
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}
LOADS_SHOWN = 5
BUNDLED_DEMO_FEEDS = "demo.toml"  # package data beside ingest/demo/{feeds,archive}
PARTIAL_EXIT_STATUS = 3  # `backfill`: the run completed, but something was refused
# the output of the temporary Prefect server `backfill` starts, in PREFECT_HOME
TEMPORARY_SERVER_LOG = "temporary-server.log"

settings_option = click.option(
    "--settings",
    "settings_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file (default: $INGEST_SETTINGS, else config/settings.toml if present).",
)
feeds_option = click.option(
    "--config",
    "feeds_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Feeds file, e.g. FEEDS.toml (default: the settings' feeds_path, config/feeds.toml).",
)
verbose_option = click.option(
    "-v", "--verbose", is_flag=True, help="Show Prefect's flow and task log lines."
)


def prefect_home_for(settings: Settings) -> Path:
    """Where Prefect keeps its database when PREFECT_HOME is unset: beside the feed state."""
    return Path(settings.state_path).parent / "prefect"


def prepare_prefect(settings: Settings, verbose: bool = False, reuse_server: bool = True) -> None:
    """Set Prefect's environment before it is first imported (its settings are read then).

    A configured PREFECT_API_URL must answer (no waiting on an unreachable host); without one,
    the server of a running `ingest serve` is used when there is one (its runs then show in
    its UI, and no temporary server is started).
    """
    from ingest.flows.server import is_healthy, running_server

    os.environ.setdefault("PREFECT_HOME", str(prefect_home_for(settings)))
    home = Path(os.environ["PREFECT_HOME"]).expanduser()
    home.mkdir(parents=True, exist_ok=True)
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
    api_url = os.environ.get("PREFECT_API_URL")
    if api_url:
        if not is_healthy(api_url):
            raise click.ClickException(f"no Prefect server answers at PREFECT_API_URL={api_url}")
    elif reuse_server and (found := running_server(home)):
        os.environ["PREFECT_API_URL"] = found


def _console() -> Console:
    return Console(stderr=False, highlight=False)


def _absolute(path: str | None) -> str | None:
    return None if path is None else str(Path(path).resolve())


def _settings_path(given: str | None) -> str | None:
    """The settings file flows should load: the given one, else the one load_settings found."""
    if given is not None:
        return _absolute(given)
    env = os.environ.get("INGEST_SETTINGS")
    if env:
        return _absolute(env)
    default = Path("config/settings.toml")
    return str(default.resolve()) if default.exists() else None


@contextmanager
def _working(console: Console, message: str) -> Iterator[None]:
    """A spinner while a flow runs (log lines are quiet unless --verbose)."""
    if console.is_terminal:
        with console.status(message):
            yield
    else:
        yield


def _show(console: Console, summary: RunSummary) -> None:
    console.print(Markdown(summary.to_markdown()))


def _run_flow(console: Console, message: str | None, call: Callable[[], T]) -> T:
    """Run a flow by hand in this process, with a spinner when a message is given."""
    from ingest.flows.common import one_off_runs

    with one_off_runs():
        if message is None:  # the flow shows a progress bar of its own
            return call()
        with _working(console, message):
            return call()


# --- run ---------------------------------------------------------------------------------------


@click.command("run")
@settings_option
@feeds_option
@click.option(
    "--force", is_flag=True, help="Fetch every feed now, ignoring next-check times and backoff."
)
@verbose_option
def run_command(
    settings_path: str | None, feeds_path: str | None, force: bool, verbose: bool
) -> None:
    """Run the pipeline once now: fetch the due feeds, extract events, store, refresh the views.

    A feed that fails is recorded (rejects table, feed state) and the others go on; the run then
    ends 'partial'. Exit status 0 for ok and partial.
    """
    config = load_config(settings_path, feeds_path)
    prepare_prefect(config.settings, verbose)
    _ingest_and_show(_console(), config, settings_path, _absolute(feeds_path), force=force)


def _ingest_and_show(
    console: Console,
    config: Config,
    settings_path: str | None,
    feeds_path: str | None,
    *,
    force: bool = False,
    state_path: str | None = None,
) -> None:
    """One `ingest-feeds` run by hand on these feeds, then its summary."""
    from ingest.flows.ingest_feeds import ingest_feeds

    call = functools.partial(
        ingest_feeds,
        settings_path=_settings_path(settings_path),
        feeds_path=feeds_path,
        force=force,
        state_path=state_path,
    )
    _show(console, _run_flow(console, f"ingesting {len(config.feeds)} feeds", call))


# --- demo --------------------------------------------------------------------------------------


def demo_feeds_path() -> Path:
    """config/demo.toml of the working directory, else the one shipped in the package.

    The package's copy (ingest/demo.toml with its feeds and archive in ingest/demo/) is the
    repository's config/demo through symlinks; resolved, since backfill refuses links.
    """
    if DEMO_FEEDS_PATH.exists():
        return DEMO_FEEDS_PATH.resolve()
    bundled = resources.files("ingest") / BUNDLED_DEMO_FEEDS
    # a package on disk (a zipped one has no folder of feed files to point the feeds at)
    if isinstance(bundled, Path) and bundled.exists():
        return bundled.resolve()
    raise ConfigError(f"{DEMO_FEEDS_PATH}: demo feeds file not found, nor in the package")


# the shared corpus as monthly feeds (scripts/build_demo_archive.py); the captures are left out
DEMO_ARCHIVE_SOURCE = "us-state-archive"
DEMO_ARCHIVE_TIMEZONE = "America/New_York"


def demo_archives(feeds_path: Path) -> list[Path]:
    """The archives bundled beside the demo feeds file (config/demo/archive/*.tar.gz)."""
    return sorted((feeds_path.parent / "demo" / "archive").glob("*.tar.gz"))


def demo_state_path(settings: Settings) -> str:
    """The demo keeps its own feed state, so it never drops the real feeds' validators."""
    return str(Path(settings.state_path).with_name("demo-feeds.json"))


@click.command("demo")
@settings_option
@verbose_option
def demo_command(settings_path: str | None, verbose: bool) -> None:
    """Run the real flow on the bundled captured feeds (config/demo.toml), then a short tour.

    Also backfills the bundled archive of ~2,000 earlier State Department releases
    (config/demo/archive/). Data goes to the warehouse of your settings (default: warehouse/).
    Ends by writing `ingest report`'s page (warehouse/report.html) and printing its path.
    Run it twice: the second run adds no documents or events.
    """
    feeds_path = demo_feeds_path()
    config = load_config(settings_path, str(feeds_path))
    prepare_prefect(config.settings, verbose)
    from ingest.tour import print_tour

    console = _console()
    state_path = demo_state_path(config.settings)
    _ingest_and_show(console, config, settings_path, str(feeds_path), state_path=state_path)
    from ingest.flows.backfill import backfill

    for archive in demo_archives(feeds_path):
        console.print(f"backfilling the bundled archive {archive.name}")
        call = functools.partial(
            backfill,
            path=str(archive),
            settings_path=_settings_path(settings_path),
            source_id=DEMO_ARCHIVE_SOURCE,
            timezone=DEMO_ARCHIVE_TIMEZONE,
            progress=True,
        )
        summary = _run_flow(console, None, call)
        _show(console, summary)
    print_tour(config.settings, console)
    from ingest.report import default_report_path, write_report

    report = write_report(config.settings, default_report_path(config.settings))
    console.print(f"\nReport (opens offline in a browser): {report.resolve()}", highlight=False)


# --- backfill, reprocess, compact ----------------------------------------------------------------


@click.command("backfill")
@click.argument("path", type=click.Path(exists=True))
@settings_option
@click.option(
    "--feed",
    "feed_id",
    default=None,
    help="A configured feed the files belong to: its id, time zone and language are used, so "
    "its archive and its live ingestion share document ids.",
)
@click.option(
    "--source",
    "source_id",
    default="backfill",
    show_default=True,
    help="Source id for the documents when --feed is not given.",
)
@click.option(
    "--timezone",
    default="UTC",
    show_default=True,
    help="IANA time zone of zone-less dates in the files (without --feed).",
)
@click.option(
    "--chunks",
    type=click.IntRange(min=1),
    default=None,
    help="Split PATH's documents in this many runs (by a hash of each document's id) taken side "
    "by side by the workers of the server at PREFECT_API_URL (ingest deploy, ingest worker).",
)
@verbose_option
def backfill_command(
    path: str,
    settings_path: str | None,
    feed_id: str | None,
    source_id: str,
    timezone: str,
    chunks: int | None,
    verbose: bool,
) -> None:
    """Load PATH, a directory or archive (.zip, .tar.gz) of feed files, JSONL or HTML pages.

    Feed files (.xml, .rss, .atom) are parsed like live feeds; JSONL lines are documents
    {id, url, title, published, text}; saved pages (.html) go through the article extractor.
    Documents already stored are skipped. Feed files and pages are read whole up to the
    max_file_bytes setting, JSONL line by line up to max_line_bytes per line; larger files
    and lines, binary files, links, entries of a feed cut short and the unreadable rest of a
    broken archive become rejects, and the run is partial. Exit status: 0 when everything
    was read, 3 when the run was partial (see `ingest sql "select * from stg_rejects"`), 2
    when it could not run.
    """
    settings = load_settings(settings_path)
    from ingest.sources import list_items

    _check_backfill_source(settings, feed_id, source_id, timezone)
    if not list_items(path):  # raises InputError, one line, for what is no backfill source
        raise click.ClickException(f"{path}: no feed, JSONL or HTML files in it")
    if chunks is not None:
        from ingest.cli.workers import backfill_on_workers

        backfill_on_workers(path, chunks, settings_path, feed_id, source_id, timezone, verbose)
        return
    prepare_prefect(settings, verbose)
    console = _console()
    source = str(Path(path).resolve())
    flow_settings = _settings_path(settings_path)
    if _prefect_api_url():  # a server answers: each step a task run on it
        from ingest.flows.backfill import backfill

        summary = _run_flow(
            console,
            None,
            lambda: backfill(
                path=source,
                settings_path=flow_settings,
                feed_id=feed_id,
                source_id=source_id,
                timezone=timezone,
                progress=True,
            ),
        )
    else:
        summary = _backfill_beside_server(
            console, source, flow_settings, feed_id, source_id, timezone
        )
    _show(console, summary)
    if summary.status == "partial":
        click.get_current_context().exit(PARTIAL_EXIT_STATUS)


def _prefect_api_url() -> str | None:
    """The API Prefect's settings name: once Prefect is loaded (a test harness's temporary
    settings), its own; before, the environment's, which Prefect will read (importing it here
    would put its 1.5-2.5 s of imports back before the run's first step)."""
    if "prefect.settings" in sys.modules:
        from prefect.settings import PREFECT_API_URL

        return PREFECT_API_URL.value() or None
    return os.environ.get("PREFECT_API_URL") or None


def _backfill_beside_server(
    console: Console,
    source: str,
    settings_path: str | None,
    feed_id: str | None,
    source_id: str,
    timezone: str,
) -> RunSummary:
    """The backfill starts now and Prefect's temporary server beside it (it took 8-25 s before
    the first step when Prefect started it); the run is recorded on it once it ends."""
    from ingest.flows.server import TemporaryServer

    home = Path(os.environ["PREFECT_HOME"])
    server = TemporaryServer(home / TEMPORARY_SERVER_LOG)
    try:
        from ingest.flows.beside import backfill_beside_server

        recorded: tuple[RunSummary, UUID] = backfill_beside_server(
            server, source, settings_path, feed_id, source_id, timezone, progress=True
        )
        ready = server.wait_until_ready()
    finally:
        server.stop()
    summary, flow_run_id = recorded
    console.print(
        f"Prefect: flow run {flow_run_id} recorded (the temporary Prefect server was ready "
        f"after {ready:.2f} s, beside the run)",
        highlight=False,
    )
    return summary


def _check_backfill_source(
    settings: Settings, feed_id: str | None, source_id: str, timezone: str
) -> None:
    """Bad options fail here in one line, before any Prefect start-up."""
    if feed_id is not None:
        if feed_id not in {feed.id for feed in load_feeds(settings.feeds_path)}:
            raise click.BadParameter(
                f"no feed '{feed_id}' in {settings.feeds_path}", param_hint="--feed"
            )
        return
    if not FEED_ID.match(source_id):
        raise click.BadParameter(
            "use lowercase letters, digits, '.', '_' or '-' (at most 64)", param_hint="--source"
        )
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise click.BadParameter(
            f"'{timezone}' is not an IANA time zone like 'Europe/Paris'", param_hint="--timezone"
        ) from None


@click.command("reprocess")
@settings_option
@click.option(
    "--all",
    "everything",
    is_flag=True,
    help="Re-extract every stored document, not only those an older extractor handled.",
)
@verbose_option
def reprocess_command(settings_path: str | None, everything: bool, verbose: bool) -> None:
    """Re-extract stored documents whose events another extractor version made.

    Run it after upgrading: it appends events of the current version; a second run finds
    nothing to do.
    """
    settings = load_settings(settings_path)
    prepare_prefect(settings, verbose)
    from ingest.flows.maintenance import reprocess

    console = _console()
    summary = _run_flow(
        console,
        "re-extracting",
        lambda: reprocess(settings_path=_settings_path(settings_path), everything=everything),
    )
    _show(console, summary)


@click.command("compact")
@settings_option
@verbose_option
def compact_command(settings_path: str | None, verbose: bool) -> None:
    """Merge each table partition's small Parquet files into one (safe while others read)."""
    settings = load_settings(settings_path)
    prepare_prefect(settings, verbose)
    from ingest.flows.maintenance import compact

    console = _console()
    summary = _run_flow(
        console, "compacting", lambda: compact(settings_path=_settings_path(settings_path))
    )
    _show(console, summary)


# --- serve -------------------------------------------------------------------------------------


def _raise_interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


@click.command("serve")
@settings_option
@feeds_option
@click.option(
    "--port",
    type=int,
    default=None,
    help="Port of the local Prefect server started when PREFECT_API_URL is unset (default: "
    "a free one).",
)
def serve_command(settings_path: str | None, feeds_path: str | None, port: int | None) -> None:
    """Run the feeds on their cron schedules (from the feeds file) until Ctrl-C.

    Serves the deployments ingest-feeds/scheduled (one schedule per distinct cron
    expression, one run at a time), compact/nightly and reprocess/on-demand. With
    PREFECT_API_URL set it uses that server; otherwise it starts a local Prefect server on
    127.0.0.1 (data in PREFECT_HOME) and stops it on exit; while it runs, `ingest run` and
    the other one-off commands use that server too. Flow and task logs are shown.
    """
    config = load_config(settings_path, feeds_path)
    prepare_prefect(config.settings, verbose=True, reuse_server=False)
    console = _console()
    # until Prefect's runner installs its own handler, SIGTERM must unwind like Ctrl-C
    signal.signal(signal.SIGTERM, _raise_interrupt)
    from ingest.flows.server import LocalServer, start_local_server

    server: LocalServer | None = None
    try:
        if not os.environ.get("PREFECT_API_URL"):
            home = Path(os.environ["PREFECT_HOME"])
            with _working(console, "starting a local Prefect server"):
                server = start_local_server(home, port=port)
            os.environ["PREFECT_API_URL"] = server.api_url
            for line in server_hint(server.ui_url, server.api_url, server.log_path):
                console.print(line, highlight=False, soft_wrap=True)
        _serve(config, settings_path, feeds_path)
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            console.print("stopping the local Prefect server")
            server.stop()


def server_hint(ui_url: str, api_url: str, log_path: Path) -> list[str]:
    """What `ingest serve` prints about the server it started: the UI, and how to reach the API
    from another shell (`ingest run` and the other commands find it by themselves)."""
    return [
        f"Prefect UI: {ui_url}/deployments  (server log: {log_path})",
        f"Prefect CLI in another shell: export PREFECT_API_URL={api_url}"
        "  then e.g. `prefect deployment ls`",
    ]


def _serve(config: Config, settings_path: str | None, feeds_path: str | None) -> None:
    from prefect import serve

    from ingest.flows.deployments import build_deployments

    deployments = build_deployments(
        config.feeds, _settings_path(settings_path), _absolute(feeds_path)
    )
    serve(*deployments)


# --- status ------------------------------------------------------------------------------------


@click.command("status")
@settings_option
@feeds_option
@click.option(
    "--loads",
    "loads_shown",
    type=int,
    default=LOADS_SHOWN,
    show_default=True,
    help="How many recent runs to list.",
)
def status_command(settings_path: str | None, feeds_path: str | None, loads_shown: int) -> None:
    """Show feed health (last success, failures, next check), recent runs, table sizes and the
    counts of the data warnings."""
    config = load_config(settings_path, feeds_path)
    console = _console()
    console.print(_table("Feeds", *feed_health(config, datetime.now(UTC))))
    console.print(_table("Recent runs", *recent_loads(config.settings, loads_shown)))
    console.print(_table("Tables", *table_counts(config.settings)))
    console.print(
        _table("Data warnings (ingest check --warnings)", *warning_counts(config.settings))
    )


Rows = tuple[tuple[str, ...], list[tuple[Any, ...]]]
FEED_COLUMNS = ("feed", "status", "last success", "fails", "next check", "failing", "last error")
LOAD_COLUMNS = (
    "started",
    "flow",
    "status",
    "secs",
    "feeds ok/304/failed",
    "docs new/revised",
    "events",
    "rejects",
    "message",
)
MAX_ERROR_SHOWN = 80


def feed_health(config: Config, now: datetime) -> Rows:
    """One row per configured feed from the state file (a feed never fetched shows 'new')."""
    from ingest.state import load_states

    states = load_states(config.settings.state_path)
    rows: list[tuple[Any, ...]] = []
    for feed in config.feeds:
        state = states.get(feed.id)
        if state is None:
            rows.append((feed.id, "new", None, 0, "now", "no", None))
            continue
        due = "now" if state.is_due(now) else _when(state.next_check_at)
        error = (state.last_error or "")[:MAX_ERROR_SHOWN] or None
        failing = "YES" if state.is_failing else "no"
        rows.append(
            (
                feed.id,
                state.last_status,
                _when(state.last_success_at),
                state.consecutive_failures,
                due,
                failing,
                error,
            )
        )
    return FEED_COLUMNS, rows


def recent_loads(settings: Settings, limit: int) -> Rows:
    """The latest runs from the loads table, newest first."""
    from ingest.store import read_table

    loads = read_table(settings, "loads").to_pylist()
    loads.sort(key=lambda row: row["started_at"], reverse=True)
    rows: list[tuple[Any, ...]] = []
    for row in loads[: max(0, limit)]:
        ended, started = row["ended_at"], row["started_at"]
        seconds = f"{(ended - started).total_seconds():.1f}" if ended else None
        feeds = f"{row['feeds_ok']}/{row['feeds_not_modified']}/{row['feeds_failed']}"
        documents = f"{row['documents_new']}/{row['documents_revised']}"
        message = (row["message"] or "")[:MAX_ERROR_SHOWN] or None
        rows.append(
            (
                _when(started),
                row["flow"],
                row["status"],
                seconds,
                feeds,
                documents,
                row["events_written"],
                row["rejects_written"],
                message,
            )
        )
    return LOAD_COLUMNS, rows


def table_counts(settings: Settings) -> Rows:
    """Stored rows (every version) and data files per table."""
    from ingest.store import data_files, read_table

    rows = [
        (name, read_table(settings, name, [key]).num_rows, len(data_files(settings, name)))
        for name, key in TABLE_KEY_COLUMNS.items()
    ]
    return ("table", "rows stored", "files"), rows


def warning_counts(settings: Settings) -> Rows:
    """Rows each warning check returns (warehouse/checks/warnings); none before any data."""
    from ingest.store import data_files
    from ingest.warehouse import WARNING, run_checks

    if not data_files(settings, "events"):
        return ("warning", "rows", "what it finds"), []
    results = run_checks(settings, levels=(WARNING,), sample_rows=0)
    rows = [(r.name, r.failing_rows, r.description) for r in results]
    return ("warning", "rows", "what it finds"), rows


TABLE_KEY_COLUMNS = {
    "documents": "doc_id",
    "events": "event_id",
    "rejects": "reject_id",
    "loads": "load_id",
}


def _when(moment: datetime | None) -> str | None:
    return None if moment is None else f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _table(title: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    return table


COMMANDS: list[click.Command] = [
    run_command,
    serve_command,
    status_command,
    backfill_command,
    reprocess_command,
    compact_command,
    demo_command,
]
