"""Imported by the process pool's forkserver (ingest.pipeline.cores): the extractor warmed once,
and the forkserver bound to end with the process that started it (ingest.orphans).

Importing this module extracts one short release, which builds the extractor's lazily built
tables (gazetteers, vocabularies: 0.5-0.7 s of a new process's first release). The forkserver
imports it before forking any worker, so every worker starts with them built (shared
copy-on-write) instead of each building its own copy. The forkserver outlived a killed
command with its workers (tests/reliability/test_killed_backfill.py): it now ends with the
process that started it, and the workers with it. Only the forkserver imports this module.
"""

from __future__ import annotations

from ingest.extract import extract
from ingest.orphans import die_with_parent
from ingest.records import Document

WARM_UP_TEXT = (
    "Secretary of State Antony Blinken met French Foreign Minister Catherine Colonna in Paris "
    "on June 5, 2023."
)

extract(Document(doc_id="warm-up", text=WARM_UP_TEXT, published="2023-06-05"))

die_with_parent()
