"""`ingest report`: the page opens offline in headless Chromium, draws every chart, and the
numbers it shows equal SQL on the serving views.

The warehouse is the real pipeline's output for the three captured State Department feeds the
demo bundles (parsed, extracted and stored with the library, no Prefect): real releases, real
Parquet files, a real DuckDB serving file.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from ingest import store, warehouse
from ingest.backfill import backfill_feed
from ingest.config import Settings
from ingest.extract import extract
from ingest.parse import parse_bytes
from ingest.report import (
    PAIRS_SHOWN,
    PEOPLE_SHOWN,
    ReportData,
    month_range,
    read_report_data,
    render_page,
)
from ingest.world_outline import load_world_outline
from support.artifacts import artifact_path
from support.browser import chromium_page, save_screenshot

REPO = Path(__file__).resolve().parents[2]
DEMO_FEEDS = REPO / "config" / "demo" / "feeds"
INGEST = Path(sys.executable).with_name("ingest")
LOAD_ID = "load-report-test"
CHARTS = ("chart-monthly", "chart-map", "chart-network", "chart-titles")


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A warehouse holding the demo's captured feeds, as the pipeline stores them."""
    root = tmp_path_factory.mktemp("report")
    settings = Settings(data_root=str(root / "data"), serving_path=str(root / "ingest.duckdb"))
    feed = backfill_feed("us-state-press", timezone="America/New_York")
    documents = []
    for path in sorted(DEMO_FEEDS.glob("*.xml")):
        documents += parse_bytes(feed, path.read_bytes(), base_url=feed.url).documents
    events = [event for document in documents for event in extract(document)]
    moment = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    store.write_documents(settings, documents, moment, LOAD_ID)
    store.write_events(settings, events, LOAD_ID, moment)
    warehouse.refresh_serving_file(settings)
    return settings


def sql(settings: Settings, query: str) -> list[tuple[Any, ...]]:
    return warehouse.query(settings, query).rows


def expected_monthly(settings: Settings) -> dict[tuple[str, str], int]:
    """Events per month and type counted on fct_events itself, not on the aggregate."""
    rows = sql(
        settings,
        "select strftime(event_month, '%Y-%m'), event_type, count(*) from fct_events"
        " where event_month is not null group by all",
    )
    return {(month, kind): count for month, kind, count in rows}


def expected_people(settings: Settings) -> list[tuple[str, int]]:
    rows = sql(
        settings,
        "select person_id, count(distinct event_id) as n from stg_participants"
        " group by person_id order by n desc, min(person_name)",
    )
    return [(person_id, count) for person_id, count in rows]


def expected_pairs(settings: Settings) -> Counter[tuple[str, str]]:
    """Pairs counted from the participants directly: events where both sides took part."""
    rows = sql(
        settings,
        "select a.affiliation, b.affiliation, count(distinct a.event_id)"
        " from stg_participants a join stg_participants b"
        " on a.event_id = b.event_id and a.affiliation < b.affiliation"
        " where a.event_type in ('meeting', 'call', 'visit', 'conference', 'signing')"
        " group by all",
    )
    return Counter({(a, b): n for a, b, n in rows})


def assert_data_matches_sql(data: dict[str, Any], settings: Settings) -> None:
    """The page's embedded numbers against independent queries on the views."""
    monthly = {(row["month"], row["event_type"]): row["events"] for row in data["monthly"]}
    assert monthly == expected_monthly(settings)
    (located,) = sql(settings, "select count(*) from fct_event_locations")[0]
    assert data["events_located"] == located > 0
    assert sum(place["events"] for place in data["places"]) == located
    (points,) = sql(
        settings, "select count(distinct (latitude, longitude)) from fct_event_locations"
    )[0]
    assert len(data["places"]) == points
    pairs = expected_pairs(settings)
    shown = {(p["affiliation_a"], p["affiliation_b"]): p["events"] for p in data["pairs"]}
    assert shown and len(shown) == min(PAIRS_SHOWN, len(pairs))
    assert all(pairs[pair] == events for pair, events in shown.items())
    assert min(shown.values()) >= max(
        (n for pair, n in pairs.items() if pair not in shown), default=0
    )
    people = expected_people(settings)
    assert [(p["person_id"], p["events"]) for p in data["people"]] == people[:PEOPLE_SHOWN]
    checks = {result.name: result.failing_rows for result in warehouse.run_checks(settings)}
    assert {check["name"]: check["failing_rows"] for check in data["checks"]} == checks


def test_report_data_equals_sql_on_the_views(settings: Settings) -> None:
    data = read_report_data(settings)
    assert_data_matches_sql(json.loads(json.dumps(_plain(data))), settings)
    # titles over time: each span is the first and last event date under that title
    for span in data.titles:
        ((first, last, events),) = warehouse.query(
            settings,
            "select strftime(min(event_date), '%Y-%m-%d'), strftime(max(event_date), '%Y-%m-%d'),"
            " count(distinct event_id) from stg_participants"
            " where person_id = ? and person_title = ?",
            [span.person_id, span.title],
        ).rows
        assert (span.first_on, span.last_on, span.events) == (first, last, events)


def _plain(data: ReportData) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(data)


def test_the_page_loads_offline_draws_every_chart_and_shows_the_sql_numbers(
    settings: Settings, tmp_path: Path
) -> None:
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(
        f'data_root = "{settings.data_root}"\nserving_path = "{settings.serving_path}"\n'
    )
    output = tmp_path / "report.html"
    done = subprocess.run(
        [str(INGEST), "report", "-o", str(output), "--settings", str(settings_file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"report: {output.resolve()}"
    requests: list[str] = []
    with chromium_page((1200, 900)) as (page, log):
        page.on("request", lambda request: requests.append(request.url))  # type: ignore[attr-defined]
        page.goto(output.as_uri(), wait_until="load")  # type: ignore[attr-defined]
        drawn = page.evaluate(  # type: ignore[attr-defined]
            """ids => ids.map(id => {
                const chart = document.getElementById(id);
                return [id, chart.querySelectorAll('svg.main-svg').length,
                        chart.querySelectorAll('.scatterlayer .trace, .barlayer .trace').length,
                        chart.querySelectorAll('.point, path.js-line').length];
            })""",
            list(CHARTS),
        )
        embedded = json.loads(
            page.inner_text("#report-data")  # type: ignore[attr-defined]
        )
        plotted_bars = page.evaluate(  # type: ignore[attr-defined]
            "() => document.getElementById('chart-monthly').data"
            ".map(t => t.y.reduce((a, b) => a + b, 0)).reduce((a, b) => a + b, 0)"
        )
        plotted_places = page.evaluate(  # type: ignore[attr-defined]
            "() => document.getElementById('chart-map').data[1].x.length"
        )
        people_cells = page.eval_on_selector_all(  # type: ignore[attr-defined]
            "#people tbody tr", "rows => rows.map(r => r.lastElementChild.textContent)"
        )
        shown_total = page.inner_text('[data-figure-total="events"]')  # type: ignore[attr-defined]
        screenshot = save_screenshot(page, artifact_path("report.png"))
    assert log.problems == []
    assert requests == [output.as_uri()], "the page asked for something besides itself"
    for chart_id, svgs, traces, marks in drawn:
        assert svgs > 0 and traces > 0 and marks > 0, f"{chart_id} drew nothing"
    assert_data_matches_sql(embedded, settings)
    monthly_total = sum(expected_monthly(settings).values())
    assert plotted_bars == monthly_total == int(shown_total)
    assert plotted_places == len(embedded["places"])
    assert [int(cell) for cell in people_cells] == [
        n for _, n in expected_people(settings)[:PEOPLE_SHOWN]
    ]
    assert screenshot.stat().st_size > 10_000


def test_the_world_outline_is_natural_earth_countries() -> None:
    outline = load_world_outline()
    points = [point for ring in outline.rings for point in ring]
    assert len(outline.rings) > 177  # 177 countries, some in several parts
    assert min(x for x, _ in points) == -180 and max(x for x, _ in points) == 180
    assert all(ring[0] == ring[-1] for ring in outline.rings)  # closed rings


def test_an_empty_warehouse_still_renders(tmp_path: Path) -> None:
    empty = Settings(data_root=str(tmp_path / "data"), serving_path=str(tmp_path / "x.duckdb"))
    page = render_page(read_report_data(empty), load_world_outline())
    assert 'id="report-data"' in page and "<script src" not in page


def test_months_without_events_stay_on_the_axis() -> None:
    assert month_range("2021-11", "2022-02") == ["2021-11", "2021-12", "2022-01", "2022-02"]
    assert month_range("", "") == []


def test_an_output_that_cannot_be_written_is_one_line(settings: Settings, tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    output = blocker / "report.html"
    settings_file = tmp_path / "settings.toml"
    settings_file.write_text(
        f'data_root = "{settings.data_root}"\nserving_path = "{settings.serving_path}"\n'
    )
    done = subprocess.run(
        [str(INGEST), "report", "-o", str(output), "--settings", str(settings_file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 2
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {output}: cannot write the report: "), line
    assert not list(tmp_path.glob("**/.report.html.tmp"))
