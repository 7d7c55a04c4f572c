"""The pipeline's runs, in the library: stages, write order and failure policy.

- `feeds.ingest`: the configured feeds once (what `ingest run` and the scheduled flow do);
- `archive.backfill`: a directory or archive of saved feeds, JSONL documents and pages;
- `maintenance.reprocess`, `maintenance.compact`: work on what is stored.

Each takes a `runner` (how steps execute: `execution.LocalRunner` here, Prefect's task runner in
flows/) and a `report` (what to do with the summary). flows/ only wires these to Prefect.
"""
