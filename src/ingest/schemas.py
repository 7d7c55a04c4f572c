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
        # "full" | "resolved" | "surname_only" (records.NAME_STATUSES); null in files written
        # before extractor 0.9.0
        ("name_status", pa.string()),
        # the rule that settled the affiliation ("affiliation.stated", "affiliation.publisher",
        # ...); null in files written before it was recorded
        ("affiliation_rule", pa.string()),
    ]
)
QUOTE = pa.struct([("speaker", pa.string()), ("text", pa.string())])
AMOUNT = pa.struct([("value", pa.float64()), ("currency", pa.string()), ("text", pa.string())])
# `rule`: the id of the rule that produced the value (ingest.extract.rules); null in files
# written before extractor 0.9.0 (readers take the struct by field name, so both read together)
EVIDENCE = pa.struct(
    [("field", pa.string()), ("start", pa.int32()), ("end", pa.int32()), ("rule", pa.string())]
)

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
        ("is_text_cut", pa.bool_()),  # text cut at max_document_chars (ingest.limits)
        ("original_text_chars", pa.int64()),  # its length before the cut, when known
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
        ("is_text_cut", pa.bool_()),  # extracted from a text cut at max_document_chars
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

# Which stored versions of a document's events are no longer current: written by the events
# writer, before the new version's rows, whenever a document gets a new version (revised text or
# new extractor_version). Views drop these (doc_id, load_id) pairs with a hash anti-join, which
# costs far less than ranking every event row by version on each query.
SUPERSEDED = pa.schema(
    [
        ("doc_id", pa.string()),
        ("load_id", pa.string()),  # the load whose rows of doc_id are superseded
        ("superseded_by", pa.string()),  # the load that wrote the newer version
        ("superseded_at", UTC_TS),
    ]
)

# What readers see (ingest.publication): one row, in a new file for each publication. Loads still
# being written (or whose run died) are listed in `in_flight`, and their rows are hidden; the
# marts are read from the snapshot named here.
IN_FLIGHT = pa.struct([("load_id", pa.string()), ("started_at", UTC_TS)])
PUBLICATION = pa.schema(
    [
        ("in_flight", pa.list_(IN_FLIGHT)),
        ("marts_snapshot", pa.string()),
        ("marts_fingerprint", pa.string()),
        ("published_at", UTC_TS),
    ]
)

TABLES: dict[str, pa.Schema] = {
    "documents": DOCUMENTS,
    "events": EVENTS,
    "rejects": REJECTS,
    "loads": LOADS,
    "superseded": SUPERSEDED,
}

# Each table is partitioned by month (hive style: month=YYYY-MM) on the first non-null of these
# columns. Events and documents go by when things happened, not when we loaded them: a 20-year
# backfill spreads over many partitions (compaction stays per-partition and small) and date filters
# skip whole months; rejects and loads go by when they were written.
PARTITION_TIME_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("published_at", "fetched_at"),
    "events": ("event_date", "published_at", "extracted_at"),
    "rejects": ("rejected_at",),
    "loads": ("started_at",),
    "superseded": ("superseded_at",),
}
PARTITION_COLUMN = "month"

# The key that makes a write idempotent: a row whose key already exists is not written again
# (documents and events compare against the latest stored version of the same doc_id).
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    "documents": ("doc_id", "content_hash"),
    "events": ("doc_id", "content_hash", "extractor_version"),
    "rejects": ("reject_id",),
    "loads": ("load_id",),
    "superseded": ("doc_id", "load_id"),
}

# The column naming the load that wrote a row: rows of a load that is not published are hidden.
# `loads` has none: a run's own row is written as it ends, failed runs included, and stays visible.
WRITER_COLUMNS: dict[str, str] = {
    "documents": "load_id",
    "events": "load_id",
    "rejects": "load_id",
    "superseded": "superseded_by",
}

# Sort order inside each written file: row-group statistics then prune date and id filters.
SORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "documents": ("published_at", "doc_id"),
    "events": ("event_date", "doc_id", "event_id"),
    "rejects": ("rejected_at", "reject_id"),
    "loads": ("started_at", "load_id"),
    "superseded": ("doc_id", "load_id"),
}
