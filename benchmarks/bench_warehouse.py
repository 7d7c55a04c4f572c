"""Warehouse benchmark: Parquet write throughput and p50 latency of typical mart queries.

Synthetic events shaped like real ones: 1-4 participants drawn from a Zipf(1) population of 50k
people, Zipf-skewed affiliations and event countries over 120 codes, dates spread over 20 years,
0-2 quotes, a few topics. Prints JSON lines {"name", "value", "unit", ...}.

    .venv/bin/python benchmarks/bench_warehouse.py --sizes 1000000,10000000
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from ingest import store, warehouse
from ingest.config import Settings
from ingest.records import Amount, EventRecord, Evidence, Participant, Quote
from ingest.schemas import EVENTS

CHUNK = 1_000_000  # events per write call (one load)
RECORDS_SAMPLE_MAX = 1_000_000  # the EventRecord path is measured on sizes up to this
UNCOMPACTED_QUERIES_MAX = 1_000_000  # before compaction: one file per load and month
PEOPLE = 50_000
COUNTRIES = [
    "US", "GB", "FR", "DE", "UA", "CN", "JP", "IN", "BR", "CA", "AU", "IT", "ES", "PL", "TR",
    "SA", "AE", "IL", "EG", "ZA", "NG", "KE", "MX", "AR", "KR", "ID", "PK", "IR", "RU", "NL",
    "BE", "SE", "NO", "FI", "DK", "CH", "AT", "CZ", "HU", "RO", "BG", "GR", "PT", "IE", "LT",
    "LV", "EE", "SK", "SI", "HR", "RS", "BA", "AL", "MK", "ME", "XK", "MD", "GE", "AM", "AZ",
    "KZ", "UZ", "VN", "TH", "MY", "SG", "PH", "NZ", "CL", "CO", "PE", "VE", "CU", "QA", "KW",
    "OM", "JO", "LB", "SY", "IQ", "AF", "BD", "LK", "NP", "MM", "KH", "LA", "MN", "ET", "SO",
    "SD", "LY", "TN", "DZ", "MA", "GH", "CI", "SN", "CM", "AO", "MZ", "TZ", "UG", "RW", "ZM",
    "ZW", "BW", "NA", "IS", "LU", "MT", "CY", "PA", "CR", "GT", "HN", "SV", "DO", "JM", "TT",
]  # fmt: skip
AFFILIATIONS = [*COUNTRIES[:20], "NATO", "EU", "UN", *COUNTRIES[20:]]
TYPES = ["meeting", "call", "visit", "conference", "signing", "statement", "other"]

QUERIES = {
    "fct_events": """select event_type, count(*) from fct_events
        where event_date between date '2024-01-01' and date '2024-12-31' group by 1""",
    "dim_people": """select person_name, latest_title, event_count from dim_people
        order by event_count desc limit 20""",
    "fct_country_pairs": """select affiliation_a, affiliation_b, sum(event_count) as n
        from fct_country_pairs where event_month >= date '2024-01-01'
        group by all order by n desc limit 20""",
    "agg_events_monthly": """select event_month, sum(event_count) from agg_events_monthly
        where event_type = 'meeting' group by 1 order by 1""",
    "fct_quotes": """select speaker_name, count(*) as n from fct_quotes
        group by 1 order by n desc limit 10""",
    "fct_event_locations": """select city, country_code, avg(latitude), avg(longitude), count(*)
        from fct_event_locations where event_date >= date '2025-01-01' group by all""",
    "stg_participants_who_met": """select b.person_name, count(*) as n
        from stg_participants a join stg_participants b on a.event_id = b.event_id
        where a.person_name = 'Person 1' and b.person_name <> 'Person 1'
            and a.event_date >= date '2025-01-01'
        group by 1 order by n desc limit 10""",
    # the same on event_key: the date filter on a prunes b (README, Query the warehouse)
    "stg_participants_who_met_event_key": """select b.person_name, count(*) as n
        from stg_participants a join stg_participants b on a.event_key = b.event_key
        where a.person_name = 'Person 1' and b.person_name <> 'Person 1'
            and a.event_date >= date '2025-01-01'
        group by 1 order by n desc limit 10""",
}


def synthetic_events(
    connection: duckdb.DuckDBPyConnection, start: int, count: int, lone_surnames: float = 0.0
) -> pa.Table:
    """`count` events (two per document) numbered from `start`, in the EVENTS schema; a share
    `lone_surnames` of the participants named by their family name alone ("12" for "Person
    12", name_status surname_only), as releases write "Blinken" (none: the random stream, and
    so the data, of earlier versions)."""
    countries = "[" + ", ".join(f"'{c}'" for c in COUNTRIES) + "]"
    affiliations = "[" + ", ".join(f"'{c}'" for c in AFFILIATIONS) + "]"
    types = "[" + ", ".join(f"'{t}'" for t in TYPES) + "]"
    n_countries, n_affiliations = len(COUNTRIES), len(AFFILIATIONS)
    lone = "'Person ' ||"
    if lone_surnames > 0:
        lone = f"if(random() < {lone_surnames}, '', 'Person ') ||"
    # floor(K ** random()) is Zipf(1)-like over 1..K: a few people and countries dominate
    sql = f"""
    with base as (
        select
            i,
            i // 2 as doc_number,
            date '2006-01-01' + cast(floor(random() * 7300) as integer) as event_date,
            1 + cast(floor(random() * 4) as integer) as n_people,
            cast(floor(random() * 3) as integer) as n_quotes,
            cast(floor(pow({n_countries}, random())) as integer) as country_index
        from range({start}, {start + count}) as t(i)
    )
    select
        md5('e' || i)[:24] as event_id,
        'doc-' || doc_number as doc_id,
        md5('c' || doc_number)[:32] as content_hash,
        'feed-' || (doc_number % 12) as source_id,
        'https://example.org/releases/' || doc_number as source_url,
        'Release ' || doc_number as title,
        cast(event_date as timestamptz) + interval 14 hour as published_at,
        i % 2 = 0 as is_primary,
        {types}[1 + cast(floor(pow(7, random())) as integer) - 1] as event_type,
        '040' as cameo_code,
        event_date,
        'explicit' as date_basis,
        'Ministry of Foreign Affairs' as location_name,
        'City ' || country_index as city,
        {countries}[country_index] as country_code,
        -60 + country_index as latitude,
        -170 + 2.5 * country_index as longitude,
        [
            {{
                'name': person,
                'title': 'Minister',
                'affiliation':
                    {affiliations}[cast(floor(pow({n_affiliations}, random())) as integer)],
                'role': 'guest',
                'name_status': if(person like 'Person %', 'full', 'surname_only')
            }}
            for person in [
                {lone} cast(floor(pow({PEOPLE}, random())) as integer)
                for k in range(n_people)
            ]
        ] as participants,
        [{{'name': 'Someone Else', 'title': null, 'affiliation': null, 'role': null,
           'name_status': 'full'}}] as mentioned_people,
        [
            {{'speaker': 'Person ' || cast(floor(pow({PEOPLE}, random())) as integer),
              'text': 'We discussed security and trade in depth.'}}
            for k in range(n_quotes)
        ] as quotes,
        ['Ukraine', 'trade'] as topics,
        [{countries}[country_index]] as countries_mentioned,
        [{{'value': 1e6, 'currency': 'USD', 'text': '$1 million'}}] as amounts,
        [{{'field': 'event_date', 'start': 10, 'end': 20, 'rule': 'date.event_sentence'}}]
            as evidence,
        0.8 as confidence,
        false as is_text_cut,
        'bench-1' as extractor_version,
        timestamptz '2026-01-01 00:00:00+00' as extracted_at,
        'bench' as load_id
    from base
    """
    return connection.sql(sql).to_arrow_table().cast(EVENTS)


def emit(name: str, value: float, unit: str, **extra: Any) -> None:
    print(json.dumps({"name": name, "value": round(value, 4), "unit": unit, **extra}), flush=True)


def bench_size(size: int, workdir: Path) -> None:
    settings = Settings(
        data_root=str(workdir / "data"), serving_path=str(workdir / "ingest.duckdb")
    )
    generator = duckdb.connect()
    generator.execute("select setseed(0.42)").fetchall()
    written, seconds = 0, 0.0
    for start in range(0, size, CHUNK):
        table = synthetic_events(generator, start, min(CHUNK, size - start))
        load_id = store.new_load_id(datetime.now(UTC))
        table = table.set_column(
            EVENTS.get_field_index("load_id"), "load_id", pa.array([load_id] * table.num_rows)
        )
        began = time.perf_counter()
        written += store.write_events_table(settings, table, load_id)
        seconds += time.perf_counter() - began
    emit(f"write_events_{size}", written / seconds, "events/s", rows=written, seconds=seconds)
    if size <= RECORDS_SAMPLE_MAX:
        bench_records_path(generator, size, workdir)
    files = store.data_files(settings, "events")
    began = time.perf_counter()
    warehouse.refresh_serving_file(settings)
    emit(f"refresh_serving_file_{size}", time.perf_counter() - began, "s", files=len(files))
    if size <= UNCOMPACTED_QUERIES_MAX:
        time_queries(settings, f"{size}_uncompacted")
    began = time.perf_counter()
    store.compact(settings)
    files = store.data_files(settings, "events")
    emit(f"compact_{size}", time.perf_counter() - began, "s", files_after=len(files))
    began = time.perf_counter()
    warehouse.refresh_serving_file(settings)
    emit(f"refresh_marts_{size}", time.perf_counter() - began, "s")
    time_queries(settings, str(size))


def time_queries(settings: Settings, label: str) -> None:
    """p50 of five runs of each typical query, each on a fresh read-only connection."""
    for name, sql in QUERIES.items():
        timings = []
        for _ in range(5):
            began = time.perf_counter()
            warehouse.query(settings, sql)
            timings.append(time.perf_counter() - began)
        emit(f"query_{name}_{label}_p50", statistics.median(timings), "s", runs=len(timings))


def bench_records_path(generator: duckdb.DuckDBPyConnection, size: int, workdir: Path) -> None:
    """The pipeline's path: EventRecord objects -> `store.write_events` (conversion included)."""
    settings = Settings(data_root=str(workdir / "records"), serving_path=str(workdir / "r.duckdb"))
    rows = synthetic_events(generator, 10 * size, size).to_pylist()
    records = [_record(row) for row in rows]
    began = time.perf_counter()
    written = store.write_events(settings, records, "records", datetime.now(UTC))
    seconds = time.perf_counter() - began
    emit(
        f"write_event_records_{size}", written / seconds, "events/s", rows=written, seconds=seconds
    )


def _record(row: dict[str, Any]) -> EventRecord:
    nested = {
        "participants": tuple(Participant(**p) for p in row["participants"]),
        "mentioned_people": tuple(Participant(**p) for p in row["mentioned_people"]),
        "quotes": tuple(Quote(**q) for q in row["quotes"]),
        "amounts": tuple(Amount(**a) for a in row["amounts"]),
        "evidence": tuple(Evidence(**e) for e in row["evidence"]),
        "topics": tuple(row["topics"]),
        "countries_mentioned": tuple(row["countries_mentioned"]),
    }
    plain = {k: v for k, v in row.items() if k not in ("extracted_at", "load_id")}
    return EventRecord(**{**plain, **nested})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated event counts")
    parser.add_argument("--workdir", default=None, help="where to write (default: a temp folder)")
    args = parser.parse_args()
    emit("cpu_count", os.cpu_count() or 0, "cores", duckdb=duckdb.__version__)
    for size in (int(s) for s in args.sizes.split(",")):
        workdir = Path(args.workdir or tempfile.mkdtemp(prefix="bench-warehouse-")) / str(size)
        shutil.rmtree(workdir, ignore_errors=True)
        workdir.mkdir(parents=True)
        try:
            bench_size(size, workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
