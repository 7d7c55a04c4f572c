"""One pyarrow schema per table, declared here and nowhere else.

Timestamps are UTC microseconds; nested event fields are Parquet lists of structs. Every table
carries `load_id` (the run that wrote the row) so history and re-runs stay explainable.
"""

from __future__ import annotations

import pyarrow as pa

UTC_TS = pa.timestamp("us", tz="UTC")

PERSON = pa.struct(
    [
        ("name", pa.string()),
        ("title", pa.string()),
        ("affiliation", pa.string()),
        ("role", pa.string()),
    ]
)
QUOTE = pa.struct([("speaker", pa.string()), ("text", pa.string())])
AMOUNT = pa.struct([("value", pa.float64()), ("currency", pa.string()), ("text", pa.string())])
EVIDENCE = pa.struct([("field", pa.string()), ("start", pa.int32()), ("end", pa.int32())])

DOCUMENTS = pa.schema(
    [
        ("doc_id", pa.string()),
        ("source_id", pa.string()),
        ("url", pa.string()),
        ("guid", pa.string()),
        ("title", pa.string()),
        ("published_at", UTC_TS),
        ("published_local", pa.string()),
        ("fetched_at", UTC_TS),
        ("content_hash", pa.string()),
        ("text", pa.string()),
        ("summary", pa.string()),
        ("language", pa.string()),
        ("load_id", pa.string()),
    ]
)

EVENTS = pa.schema(
    [
        ("event_id", pa.string()),
        ("doc_id", pa.string()),
        ("content_hash", pa.string()),
        ("source_id", pa.string()),
        ("source_url", pa.string()),
        ("title", pa.string()),
        ("published_at", UTC_TS),
        ("is_primary", pa.bool_()),
        ("event_type", pa.string()),
        ("cameo_code", pa.string()),
        ("event_date", pa.date32()),
        ("date_basis", pa.string()),
        ("location_name", pa.string()),
        ("city", pa.string()),
        ("country_code", pa.string()),
        ("latitude", pa.float64()),
        ("longitude", pa.float64()),
        ("participants", pa.list_(PERSON)),
        ("mentioned_people", pa.list_(PERSON)),
        ("quotes", pa.list_(QUOTE)),
        ("topics", pa.list_(pa.string())),
        ("countries_mentioned", pa.list_(pa.string())),
        ("amounts", pa.list_(AMOUNT)),
        ("evidence", pa.list_(EVIDENCE)),
        ("confidence", pa.float64()),
        ("extractor_version", pa.string()),
        ("extracted_at", UTC_TS),
        ("load_id", pa.string()),
    ]
)

REJECTS = pa.schema(
    [
        ("reject_id", pa.string()),
        ("source_id", pa.string()),
        ("item_id", pa.string()),  # doc id, entry id or URL of what was refused
        ("stage", pa.string()),  # fetch | parse | article | extract | store
        ("reason", pa.string()),
        ("excerpt", pa.string()),
        ("rejected_at", UTC_TS),
        ("load_id", pa.string()),
    ]
)

LOADS = pa.schema(
    [
        ("load_id", pa.string()),
        ("flow", pa.string()),
        ("started_at", UTC_TS),
        ("ended_at", UTC_TS),
        ("status", pa.string()),  # ok | partial | failed
        ("feeds_ok", pa.int64()),
        ("feeds_not_modified", pa.int64()),
        ("feeds_failed", pa.int64()),
        ("entries_parsed", pa.int64()),
        ("documents_new", pa.int64()),
        ("documents_revised", pa.int64()),
        ("events_written", pa.int64()),
        ("rejects_written", pa.int64()),
        ("extractor_version", pa.string()),
        ("message", pa.string()),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "events": EVENTS,
    "rejects": REJECTS,
    "loads": LOADS,
}

# the column each table is partitioned by month on (hive style: month=YYYY-MM)
PARTITION_TIME_COLUMN: dict[str, str] = {
    "documents": "fetched_at",
    "events": "extracted_at",
    "rejects": "rejected_at",
    "loads": "started_at",
}
