"""`ingest report`: write the warehouse's self-contained HTML report and print its path."""

from __future__ import annotations

from pathlib import Path

import click

from ingest.config import load_settings
from ingest.report import default_report_path, write_report


@click.command("report")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="HTML file to write (default: report.html beside the serving file, "
    "warehouse/report.html).",
)
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="Settings file (default: $INGEST_SETTINGS, else config/settings.toml if present).",
)
def report_command(output: str | None, settings_path: str | None) -> None:
    """Write one HTML page of the warehouse that opens offline, and print its path.

    Engagements per month by type, a world map of event locations, the country-pair network,
    the busiest people with their titles over time, and the data-check results. Plotly and the
    map's outlines are inlined: the page makes no network request.
    """
    settings = load_settings(settings_path)
    path = write_report(settings, Path(output) if output else default_report_path(settings))
    click.echo(f"report: {path.resolve()}")


COMMANDS: list[click.Command] = [report_command]
