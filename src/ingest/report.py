"""`ingest report`: one self-contained HTML page of the warehouse, readable offline.

Queries read only the serving views, through the read-only connection `ingest sql` uses, and
only scalar columns (list columns are moving to bridge views). Charts are Plotly: its
plotly.min.js, the one the pip package ships, is inlined, and so are the map's country outlines
(`ingest.world_outline`), so the page makes no request at all. Every number the page shows is
embedded once as JSON (`<script id="report-data">`): the charts are drawn from it and tests
compare it with SQL on the views.
"""

from __future__ import annotations

import contextlib
import html
import json
import math
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from ingest import warehouse
from ingest.config import Settings
from ingest.errors import StoreError
from ingest.world_outline import WorldOutline, load_world_outline

PAIRS_SHOWN = 30
PEOPLE_SHOWN = 10
ONE_DAY_MS = 86_400_000
EVENT_TYPE_ORDER = ("meeting", "call", "visit", "conference", "signing", "statement", "other")


@dataclass(frozen=True, slots=True)
class MonthCount:
    """Events of one type in one month (agg_events_monthly)."""

    month: str
    event_type: str
    events: int


@dataclass(frozen=True, slots=True)
class Place:
    """Events at one point of fct_event_locations."""

    latitude: float
    longitude: float
    place: str
    events: int


@dataclass(frozen=True, slots=True)
class Pair:
    """Events where two countries or organisations met (fct_country_pairs, one side each)."""

    affiliation_a: str
    affiliation_b: str
    events: int


@dataclass(frozen=True, slots=True)
class Person:
    """One of the busiest participants (stg_participants)."""

    person_id: str
    name: str
    affiliation: str | None
    events: int


@dataclass(frozen=True, slots=True)
class TitleSpan:
    """An office a person held in their events, from the first event to the last under it."""

    person_id: str
    title: str
    first_on: str
    last_on: str
    events: int


@dataclass(frozen=True, slots=True)
class Check:
    """One data check's outcome, as `ingest check` reads it."""

    name: str
    description: str
    severity: str
    failing_rows: int


@dataclass(frozen=True, slots=True)
class ReportData:
    """Everything the page shows; embedded as JSON and compared with SQL by the tests."""

    generated_at: str
    events_located: int
    monthly: tuple[MonthCount, ...]
    places: tuple[Place, ...]
    pairs: tuple[Pair, ...]
    people: tuple[Person, ...]
    titles: tuple[TitleSpan, ...]
    checks: tuple[Check, ...]


# --- queries -------------------------------------------------------------------------------------

MONTHLY_SQL = """
select strftime(event_month, '%Y-%m') as month, event_type, sum(event_count)::bigint as events
from agg_events_monthly
where event_month is not null
group by all
order by month, event_type
"""
PLACES_SQL = """
select latitude, longitude,
       coalesce(any_value(city), any_value(location_name), any_value(country_code), '?') as place,
       count(*) as events
from fct_event_locations
group by latitude, longitude
order by events desc, latitude, longitude
"""
# pairs are counted once per unordered pair whether the view holds one direction or both
PAIRS_SQL = """
select affiliation_a, affiliation_b, sum(event_count)::bigint as events
from fct_country_pairs
where affiliation_a < affiliation_b
group by all
order by events desc, affiliation_a, affiliation_b
limit ?
"""
PEOPLE_SQL = """
select person_id, mode(person_name) as name, mode(affiliation) as affiliation,
       count(distinct event_id) as events
from stg_participants
group by person_id
order by events desc, name, person_id
limit ?
"""
TITLES_SQL = """
select person_id, person_title as title,
       strftime(min(event_date), '%Y-%m-%d') as first_on,
       strftime(max(event_date), '%Y-%m-%d') as last_on,
       count(distinct event_id) as events
from stg_participants
where person_id in (select unnest(?::varchar[])) and person_title is not null
group by all
having min(event_date) is not null
order by person_id, first_on, title
"""


def read_report_data(settings: Settings, now: datetime | None = None) -> ReportData:
    """Query the serving views (one read-only connection) and run the data checks."""
    warehouse.refresh_serving_file(settings)
    with warehouse.read_only_connection(settings) as connection:
        monthly = tuple(MonthCount(*row) for row in _rows(connection, MONTHLY_SQL))
        places = tuple(Place(*row) for row in _rows(connection, PLACES_SQL))
        pairs = tuple(Pair(*row) for row in _rows(connection, PAIRS_SQL, [PAIRS_SHOWN]))
        people = tuple(Person(*row) for row in _rows(connection, PEOPLE_SQL, [PEOPLE_SHOWN]))
        ids = [person.person_id for person in people]
        titles = tuple(TitleSpan(*row) for row in _rows(connection, TITLES_SQL, [ids]))
    moment = (now or datetime.now(UTC)).astimezone(UTC)
    return ReportData(
        generated_at=moment.strftime("%Y-%m-%d %H:%M UTC"),
        events_located=sum(place.events for place in places),
        monthly=monthly,
        places=places,
        pairs=pairs,
        people=people,
        titles=titles,
        checks=read_checks(settings),
    )


def _rows(
    connection: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None
) -> list[tuple[Any, ...]]:
    try:
        return connection.execute(sql, params or []).fetchall()
    except duckdb.Error as error:
        first_line = str(error).strip().splitlines()[0]
        raise StoreError(f"report query failed: {first_line}") from None


def read_checks(settings: Settings) -> tuple[Check, ...]:
    """The check results through `warehouse.run_checks`, the function `ingest check` uses.

    Its level is its severity: error (fails the command) or warning (rows to read).
    """
    return tuple(
        Check(
            name=result.name,
            description=result.description,
            severity=result.level,
            failing_rows=result.failing_rows,
        )
        for result in warehouse.run_checks(settings)
    )


# --- figures (Plotly specs, drawn in the page from the embedded JSON) ----------------------------

Figure = dict[str, Any]


def monthly_figure(monthly: tuple[MonthCount, ...]) -> Figure:
    """Stacked bars: events per month, one colour per event type."""
    months = month_range(
        min((r.month for r in monthly), default=""), max((r.month for r in monthly), default="")
    )
    present = {row.event_type for row in monthly}
    types = [t for t in EVENT_TYPE_ORDER if t in present] + sorted(present - set(EVENT_TYPE_ORDER))
    counts = {(row.month, row.event_type): row.events for row in monthly}
    traces = [
        {
            "type": "bar",
            "name": event_type,
            "x": months,
            "y": [counts.get((month, event_type), 0) for month in months],
        }
        for event_type in types
    ]
    layout = {"barmode": "stack", "xaxis": {"type": "category"}, "yaxis": {"title": "events"}}
    return {"data": traces, "layout": _layout(layout)}


def month_range(first: str, last: str) -> list[str]:
    """Every month from first to last ('YYYY-MM'), so months without events show as gaps."""
    if not first:
        return []
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while (current := f"{year:04d}-{month:02d}") <= last:
        months.append(current)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def map_figure(places: tuple[Place, ...], outline: WorldOutline) -> Figure:
    """Country outlines (longitude, latitude as x, y) and a circle per place sized by events."""
    xs: list[float | None] = []
    ys: list[float | None] = []
    for ring in outline.rings:
        xs.extend(point[0] for point in ring)
        ys.extend(point[1] for point in ring)
        xs.append(None)  # a gap: each ring is its own closed shape
        ys.append(None)
    land = {
        "type": "scatter",
        "mode": "lines",
        "x": xs,
        "y": ys,
        "fill": "toself",
        "fillcolor": "#e8e8e8",
        "line": {"color": "#a0a0a0", "width": 0.5},
        "hoverinfo": "skip",
        "showlegend": False,
    }
    largest = max((place.events for place in places), default=1)
    points = {
        "type": "scatter",
        "mode": "markers",
        "x": [place.longitude for place in places],
        "y": [place.latitude for place in places],
        "text": [f"{place.place}: {place.events} event(s)" for place in places],
        "hoverinfo": "text",
        "marker": {
            "size": [4 + 26 * math.sqrt(place.events / largest) for place in places],
            "color": "#d62728",
            "opacity": 0.6,
            "line": {"color": "#7f0000", "width": 0.5},
        },
        "showlegend": False,
    }
    hidden_axis = {"visible": False, "fixedrange": False}
    layout = {
        "xaxis": {**hidden_axis, "range": [-180, 180]},
        "yaxis": {**hidden_axis, "range": [-58, 85], "scaleanchor": "x"},
        "height": 520,
    }
    return {"data": [land, points], "layout": _layout(layout)}


def network_figure(pairs: tuple[Pair, ...]) -> Figure:
    """Countries and organisations on a circle, a line per pair as wide as its events."""
    totals: dict[str, int] = {}
    for pair in pairs:
        for side in (pair.affiliation_a, pair.affiliation_b):
            totals[side] = totals.get(side, 0) + pair.events
    nodes = sorted(totals, key=lambda name: (-totals[name], name))
    where = {
        name: (math.cos(2 * math.pi * i / len(nodes)), math.sin(2 * math.pi * i / len(nodes)))
        for i, name in enumerate(nodes)
    }
    widest = max((pair.events for pair in pairs), default=1)
    edges = [
        {
            "type": "scatter",
            "mode": "lines",
            "x": [where[pair.affiliation_a][0], where[pair.affiliation_b][0]],
            "y": [where[pair.affiliation_a][1], where[pair.affiliation_b][1]],
            "line": {"width": 1 + 9 * pair.events / widest, "color": "rgba(31,119,180,0.45)"},
            "text": f"{pair.affiliation_a}-{pair.affiliation_b}: {pair.events} event(s)",
            "hoverinfo": "text",
            "showlegend": False,
        }
        for pair in pairs
    ]
    largest = max(totals.values(), default=1)
    node_trace = {
        "type": "scatter",
        "mode": "markers+text",
        "x": [where[name][0] for name in nodes],
        "y": [where[name][1] for name in nodes],
        "text": nodes,
        "textposition": "top center",
        "hovertext": [f"{name}: {totals[name]} pair event(s)" for name in nodes],
        "hoverinfo": "text",
        "marker": {"size": [8 + 22 * math.sqrt(totals[n] / largest) for n in nodes]},
        "showlegend": False,
    }
    axis = {"visible": False, "range": [-1.25, 1.25]}
    layout = {"xaxis": axis, "yaxis": {**axis, "scaleanchor": "x"}, "height": 560}
    return {"data": [*edges, node_trace], "layout": _layout(layout)}


def titles_figure(people: tuple[Person, ...], titles: tuple[TitleSpan, ...]) -> Figure:
    """One row per person and office: a bar from the first to the last event under it."""
    names = {person.person_id: person.name for person in people}
    order = {person.person_id: index for index, person in enumerate(people)}
    spans = sorted(titles, key=lambda span: (order[span.person_id], span.first_on, span.title))
    labels = [f"{names[span.person_id]}: {span.title}" for span in spans]
    trace = {
        "type": "bar",
        "orientation": "h",
        "y": labels,
        "base": [span.first_on for span in spans],
        "x": [_span_ms(span) for span in spans],
        "text": [f"{span.events} event(s)" for span in spans],
        "hovertext": [
            f"{span.first_on} to {span.last_on}, {span.events} event(s)" for span in spans
        ],
        "hoverinfo": "y+text",
        "showlegend": False,
    }
    layout = {
        "xaxis": {"type": "date"},
        "yaxis": {"autorange": "reversed", "automargin": True},
        "height": 140 + 26 * len(spans),
    }
    return {"data": [trace], "layout": _layout(layout)}


def _span_ms(span: TitleSpan) -> int:
    """Milliseconds from the first to the last event, at least a day so it stays visible."""
    days = (date.fromisoformat(span.last_on) - date.fromisoformat(span.first_on)).days
    return max(days, 1) * ONE_DAY_MS


def _layout(extra: dict[str, Any]) -> dict[str, Any]:
    return {"margin": {"l": 40, "r": 20, "t": 10, "b": 40}, "template": None, **extra}


# --- page --------------------------------------------------------------------------------------


def plotly_js() -> str:
    """plotly.min.js as the plotly pip package ships it."""
    return (resources.files("plotly") / "package_data" / "plotly.min.js").read_text("utf-8")


def render_page(data: ReportData, outline: WorldOutline) -> str:
    """The whole page: styles, tables, chart slots, the data, Plotly and the drawing script."""
    figures = {
        "monthly": monthly_figure(data.monthly),
        "map": map_figure(data.places, outline),
        "network": network_figure(data.pairs),
        "titles": titles_figure(data.people, data.titles),
    }
    return PAGE.format(
        generated_at=html.escape(data.generated_at),
        events_total=sum(row.events for row in data.monthly),
        events_located=data.events_located,
        people_rows=_people_rows(data.people),
        check_rows=_check_rows(data.checks),
        checks_failing=sum(1 for check in data.checks if check.failing_rows),
        checks_total=len(data.checks),
        outline_source=html.escape(outline.source),
        data_json=_script_json(asdict(data)),
        figures_json=_script_json(figures),
        plotly_js=plotly_js(),
    )


def write_report(settings: Settings, output: Path) -> Path:
    """Query, render and write the page; the file appears only when complete."""
    page = render_page(read_report_data(settings), load_world_outline())
    partial = output.with_name(f".{output.name}.tmp")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        partial.write_text(page, encoding="utf-8")
        partial.replace(output)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise StoreError(f"{output}: cannot write the report: {error.strerror}") from None
    return output


def default_report_path(settings: Settings) -> Path:
    """report.html beside the serving file (warehouse/report.html by default)."""
    return Path(settings.serving_path).with_name("report.html")


def _script_json(value: object) -> str:
    """JSON safe inside a <script> element."""
    return json.dumps(value, separators=(",", ":")).replace("</", "<\\/")


def _people_rows(people: tuple[Person, ...]) -> str:
    return "\n".join(
        f"<tr><td>{html.escape(p.name)}</td><td>{html.escape(p.affiliation or '')}</td>"
        f'<td class="num">{p.events}</td></tr>'
        for p in people
    )


def _check_rows(checks: tuple[Check, ...]) -> str:
    return "\n".join(
        f'<tr class="{"fail" if c.failing_rows else "pass"} {html.escape(c.severity)}">'
        f"<td>{html.escape(c.name)}</td><td>{html.escape(c.description)}</td>"
        f"<td>{html.escape(c.severity)}</td>"
        f'<td class="num">{c.failing_rows}</td></tr>'
        for c in checks
    )


PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval';
               style-src 'unsafe-inline'; img-src data: blob:; font-src data:">
<title>ingest report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 1.5rem auto; max-width: 1100px;
       color: #222; padding: 0 1rem; }}
h1 {{ margin-bottom: 0.2rem; }}
section {{ margin: 2rem 0; }}
table {{ border-collapse: collapse; font-size: 0.9rem; }}
td, th {{ border-bottom: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; }}
td.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
tr.fail td {{ color: #b00020; font-weight: 600; }}
tr.fail.warning td {{ color: #a05a00; }}
.note {{ color: #666; font-size: 0.85rem; }}
.chart {{ width: 100%; min-height: 300px; }}
</style>
</head>
<body>
<h1>ingest report</h1>
<p class="note">Generated {generated_at} from the warehouse's serving views.
<span data-figure-total="events">{events_total}</span> dated events,
<span data-figure-total="located">{events_located}</span> with coordinates.</p>

<section><h2>Engagements per month, by type</h2>
<p class="note">agg_events_monthly: events with a date, per month of the event.</p>
<div class="chart" id="chart-monthly" data-chart="monthly"></div></section>

<section><h2>Where events took place</h2>
<p class="note">fct_event_locations: one circle per place, its area by events. Outlines:
{outline_source}.</p>
<div class="chart" id="chart-map" data-chart="map"></div></section>

<section><h2>Who met whom: countries and organisations</h2>
<p class="note">fct_country_pairs: the {pairs_shown} pairs with the most events
(meetings, calls, visits, conferences, signings); line width by events.</p>
<div class="chart" id="chart-network" data-chart="network"></div></section>

<section><h2>The busiest people and their titles over time</h2>
<p class="note">stg_participants: events each person took part in; a bar per office, from the
first to the last event under it.</p>
<table id="people"><thead><tr><th>person</th><th>affiliation</th><th>events</th></tr></thead>
<tbody>
{people_rows}
</tbody></table>
<div class="chart" id="chart-titles" data-chart="titles"></div></section>

<section><h2>Data quality</h2>
<p class="note">The warehouse checks (<code>ingest check</code>): {checks_failing} of
{checks_total} return offending rows.</p>
<table id="checks"><thead><tr><th>check</th><th>what it tests</th><th>severity</th>
<th>offending rows</th></tr></thead><tbody>
{check_rows}
</tbody></table></section>

<script type="application/json" id="report-data">{data_json}</script>
<script type="application/json" id="report-figures">{figures_json}</script>
<script>{plotly_js}</script>
<script>
(function () {{
  var figures = JSON.parse(document.getElementById("report-figures").textContent);
  document.querySelectorAll("[data-chart]").forEach(function (element) {{
    var figure = figures[element.dataset.chart];
    Plotly.newPlot(element, figure.data, figure.layout,
                   {{displaylogo: false, responsive: true}});
  }});
}})();
</script>
</body>
</html>
""".replace("{pairs_shown}", str(PAIRS_SHOWN))
