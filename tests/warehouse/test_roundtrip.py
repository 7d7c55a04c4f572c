"""Property: any event record survives Parquet -> DuckDB views unchanged."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from ingest import store, warehouse
from ingest.config import Settings
from ingest.records import (
    DATE_BASES,
    EVENT_TYPES,
    Amount,
    EventRecord,
    Evidence,
    Participant,
    Quote,
)

COUNTER = itertools.count()
texts = st.text(max_size=40)
maybe_texts = st.none() | texts
finite = st.floats(allow_nan=False, allow_infinity=False, width=64)
people = st.builds(
    Participant,
    name=texts,
    title=maybe_texts,
    affiliation=maybe_texts,
    role=st.none() | st.sampled_from(["host", "guest", "caller", "issuer"]),
)
moments = st.datetimes(
    min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1), timezones=st.just(UTC)
)
records = st.builds(
    EventRecord,
    event_id=texts,
    doc_id=st.just(""),  # replaced by a unique id per example
    is_primary=st.booleans(),
    event_type=st.sampled_from(EVENT_TYPES),
    extractor_version=texts,
    source_id=maybe_texts,
    source_url=maybe_texts,
    title=maybe_texts,
    published_at=st.none() | moments,
    cameo_code=maybe_texts,
    event_date=st.none() | st.dates(),
    date_basis=st.sampled_from(DATE_BASES),
    location_name=maybe_texts,
    city=maybe_texts,
    country_code=maybe_texts,
    latitude=st.none() | finite,
    longitude=st.none() | finite,
    participants=st.lists(people, max_size=4).map(tuple),
    mentioned_people=st.lists(people, max_size=2).map(tuple),
    quotes=st.lists(st.builds(Quote, speaker=maybe_texts, text=texts), max_size=3).map(tuple),
    topics=st.lists(texts, max_size=3).map(tuple),
    countries_mentioned=st.lists(texts, max_size=3).map(tuple),
    amounts=st.lists(
        st.builds(Amount, value=finite, currency=maybe_texts, text=texts), max_size=2
    ).map(tuple),
    evidence=st.lists(
        st.builds(
            Evidence,
            field=texts,
            start=st.integers(0, 2**31 - 1),
            end=st.integers(0, 2**31 - 1),
        ),
        max_size=3,
    ).map(tuple),
    confidence=st.floats(0, 1),
    content_hash=texts,
)


@pytest.fixture(scope="module")
def shared_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("roundtrip")
    settings = Settings(data_root=str(root / "data"), serving_path=str(root / "ingest.duckdb"))
    warehouse.refresh_serving_file(settings)
    return settings


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=records)
def test_records_survive_parquet_and_duckdb(shared_settings: Settings, record: EventRecord) -> None:
    doc_id = f"doc-{next(COUNTER)}"
    record = EventRecord(**{**record.to_row(), "doc_id": doc_id} | _nested(record))
    extracted_at = datetime(2025, 1, 1, tzinfo=UTC)
    assert store.write_events(shared_settings, [record], "L1", extracted_at) == 1

    columns = warehouse.EVENT_RECORD_COLUMNS
    result = warehouse.event_records(shared_settings, columns, doc_id)
    (row,) = [dict(zip(result.columns, values, strict=True)) for values in result.rows]
    expected = record.to_row()
    for column, value in expected.items():
        assert row[column] == value, column
    assert row["extracted_at"] == extracted_at and row["load_id"] == "L1"


def _nested(record: EventRecord) -> dict[str, Any]:
    """Keep the nested dataclasses (to_row turns them into dicts)."""
    names = ("participants", "mentioned_people", "quotes", "topics", "countries_mentioned")
    return {name: getattr(record, name) for name in (*names, "amounts", "evidence")}
