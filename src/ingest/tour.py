"""The short printed tour after `ingest demo`: counts, latest meetings, busiest people, next SQL."""

from __future__ import annotations

import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.table import Table

from ingest.config import Settings
from ingest.warehouse import QueryResult, query

MAX_CELL_CHARS = 70


@dataclass(frozen=True, slots=True)
class Stop:
    """One stop of the tour: a heading and the query that answers it."""

    title: str
    sql: str


STOPS: tuple[Stop, ...] = (
    Stop(
        "What is stored",
        "select (select count(*) from stg_documents) as documents,"
        " (select count(*) from fct_events) as events,"
        " (select count(*) from dim_people) as people,"
        " (select count(*) from stg_rejects) as rejects,"
        " (select count(*) from stg_loads) as runs",
    ),
    Stop(
        "The latest meetings, calls and visits",
        "select event_date, event_type, coalesce(city, country_code) as place,"
        " participant_list as participants, title"
        " from fct_events where event_type in ('meeting', 'call', 'visit')"
        " order by event_date desc nulls last, event_id limit 5",
    ),
    Stop(
        "The busiest participants",
        "select person_name, latest_title, affiliation, event_count"
        " from dim_people where person_kind = 'person'"
        " order by event_count desc, person_name limit 5",
    ),
)
FURTHER: tuple[str, ...] = (
    "select event_type, count(*) as events from fct_events group by all order by events desc",
    "select * from fct_country_pairs order by event_count desc limit 10",
    "select speaker_name, quote_text from fct_quotes limit 5",
)


def tour(settings: Settings) -> list[tuple[Stop, QueryResult]]:
    """Run every stop's query on the serving file."""
    return [(stop, query(settings, stop.sql)) for stop in STOPS]


def print_tour(settings: Settings, console: Console) -> None:
    """Print the tour, then the commands to go further."""
    for stop, result in tour(settings):
        console.print(_table(stop.title, result))
    console.print("\n[bold]Go further[/bold] (DuckDB SQL over the views):")
    if shutil.which("ingest") is None:
        # `make demo` runs .venv/bin/ingest without activating .venv: say how to get `ingest`
        console.print(
            "  first: source .venv/bin/activate   (puts `ingest` on PATH)", highlight=False
        )
    for sql in FURTHER:
        console.print(f'  ingest sql "{sql}"', soft_wrap=True, highlight=False)
    console.print(
        f"\nBI tools: open {settings.serving_path} read-only (DuckDB); "
        "`ingest status` shows feed health and recent runs.",
        highlight=False,
    )


def _table(title: str, result: QueryResult) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for column in result.columns:
        table.add_column(column, overflow="fold")
    for row in result.rows:
        table.add_row(*(_cell(value) for value in row))
    if not result.rows:
        table.add_row(*(["-"] * len(result.columns)))
    return table


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, Sequence) and not isinstance(value, str):
        value = ", ".join(str(v) for v in value)
    text = str(value)
    return text if len(text) <= MAX_CELL_CHARS else text[: MAX_CELL_CHARS - 1] + "…"
