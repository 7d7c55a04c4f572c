"""`ingest` commands of the warehouse area: `sql` (read-only queries), `check` (data checks) and
`refresh` (marts and serving file).

`ingest compact` lives with the pipeline commands (it runs as a Prefect flow around
`ingest.store.compact`).
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from ingest import warehouse
from ingest.config import Settings, load_settings
from ingest.errors import CheckFailed

settings_option = click.option(
    "--settings",
    "settings_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file (default: $INGEST_SETTINGS, else config/settings.toml if present).",
)


def _settings(path: str | None) -> Settings:
    return load_settings(path)


@click.command("sql")
@click.argument("query")
@click.option("--csv", "as_csv", is_flag=True, help="Print CSV (with a header row) instead.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per row instead.")
@click.option(
    "--max-rows",
    type=int,
    default=200,
    show_default=True,
    help="Rows shown in the table view (CSV and JSON print all).",
)
@settings_option
def sql_command(
    query: str, as_csv: bool, as_json: bool, max_rows: int, settings_path: str | None
) -> None:
    """Run one read-only SELECT on the warehouse views and print the result.

    The views (fct_events and its event_* bridges, dim_people, fct_country_pairs,
    fct_country_counterparts, agg_events_monthly, fct_quotes, fct_event_locations, stg_*) and
    their columns are described in the serving file: try

    \b
    ingest sql "select view_name, comment from duckdb_views() where not internal"
    ingest sql "select column_name, comment from duckdb_columns() where table_name = 'fct_events'"
    """
    if as_csv and as_json:
        raise click.UsageError("choose one of --csv and --json")
    settings = _settings(settings_path)
    warehouse.refresh_serving_file(settings)
    result = warehouse.query(settings, query)
    if as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_plain(v) for v in row] for row in result.rows)
    elif as_json:
        for row in result.rows:
            click.echo(json.dumps(dict(zip(result.columns, row, strict=True)), default=_json))
    else:
        _print_table(result, max_rows)


def _print_table(result: warehouse.QueryResult, max_rows: int) -> None:
    table = Table(show_lines=False, header_style="bold")
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for row in result.rows[:max_rows]:
        table.add_row(*("" if v is None else str(_plain(v)) for v in row))
    console = Console()
    console.print(table)
    shown = min(len(result.rows), max_rows)
    more = f" (showing {shown}; use --csv or --json for all)" if shown < len(result.rows) else ""
    console.print(f"{len(result.rows)} row(s){more}", style="dim")


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, list | dict):
        return json.dumps(value, default=_json)
    return value


def _json(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return str(value)


WARNING_ROWS_SHOWN = 20


@click.command("check")
@click.option(
    "--warnings",
    "show_warnings",
    is_flag=True,
    help="Also list the rows of each warning (names that are not names, unresolved surnames, ...).",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=WARNING_ROWS_SHOWN,
    show_default=True,
    help="Rows listed per warning with --warnings.",
)
@settings_option
def check_command(show_warnings: bool, limit: int, settings_path: str | None) -> None:
    """Run the warehouse data checks (SQL under warehouse/checks returning offending rows).

    Prints one line per failing check and exits with status 2 when any check fails. Warnings
    (warehouse/checks/warnings) print their counts and never change the exit status;
    `--warnings` lists their rows, e.g. `ingest check --warnings --limit 5`.
    """
    settings = _settings(settings_path)
    sample = limit if show_warnings else 1
    results = warehouse.run_checks(settings, sample_rows=max(sample, 1))
    errors = [r for r in results if r.level == warehouse.ERROR]
    failed = [r for r in errors if not r.passed]
    for result in failed:
        example = ", ".join(
            f"{c}={v!r}" for c, v in zip(result.columns, result.sample[0], strict=False)
        )
        click.echo(f"FAIL {result.name}: {result.failing_rows} row(s), e.g. {example}")
    for result in (r for r in results if r.level == warehouse.WARNING and r.failing_rows):
        click.echo(f"WARN {result.name}: {result.failing_rows} row(s): {result.description}")
        if show_warnings:
            _print_table(warehouse.QueryResult(result.columns, list(result.sample)), limit)
    if failed:
        raise CheckFailed(f"{len(failed)} of {len(errors)} checks failed")
    click.echo(f"ok: {len(errors)} checks passed")


@click.command("refresh")
@click.option(
    "--full",
    is_flag=True,
    help="Recompute every mart from all published rows and rebuild the serving file.",
)
@settings_option
def refresh_command(full: bool, settings_path: str | None) -> None:
    """Bring the materialized marts and the serving file up to date with the published rows.

    Without --full only what changed since the last publication is recomputed (nothing when
    nothing changed); `ingest refresh --full` recomputes everything, with the same result.
    """
    settings = _settings(settings_path)
    published = warehouse.publish(settings, force=full)
    computed = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in published.mart_seconds)
    click.echo(
        f"marts: {'recomputed' if published.marts_recomputed else 'up to date'}"
        f" in {published.marts_seconds:.2f} s{f' ({computed})' if computed else ''}; "
        f"serving file: {'rebuilt' if published.serving_rebuilt else 'unchanged'}"
        f" in {published.serving_seconds:.2f} s"
    )


COMMANDS: list[click.Command] = [sql_command, check_command, refresh_command]
