"""A reader in another process sees a backfill's rows all at once, facts and marts together.

Reliability finding (issue 17, item 6): during a backfill, fct_events grew batch by batch while
dim_people and stg_participants changed only at the end. Here `ingest backfill` writes 400 real
releases in slices of 40 while this process queries the serving file over and over: every
view must show the warehouse before the run or after it, never part of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest import warehouse
from reliability.harness import command_settings, write_corpus_documents

COUNTS = (
    "select (select count(*) from fct_events), (select count(*) from stg_participants), "
    "(select count(*) from dim_people), (select count(*) from stg_documents), "
    "(select count(*) from agg_events_monthly)"
)


@pytest.mark.slow
def test_a_reader_never_sees_part_of_a_backfill(tmp_path: Path) -> None:
    settings, settings_file = command_settings(tmp_path, documents_per_write=40)
    archive = tmp_path / "archive" / "releases.jsonl"
    archive.parent.mkdir()
    write_corpus_documents(archive)
    warehouse.refresh_serving_file(settings)
    before = warehouse.query(settings, COUNTS).rows[0]
    assert before == (0, 0, 0, 0, 0)

    env = {**os.environ, "INGEST_SETTINGS": str(settings_file)}
    command = [str(Path(sys.executable).with_name("ingest")), "backfill", str(archive)]
    backfill = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = []
    deadline = time.monotonic() + 240
    while backfill.poll() is None and time.monotonic() < deadline:
        seen.append(warehouse.query(settings, COUNTS).rows[0])
        time.sleep(0.05)
    _, stderr = backfill.communicate(timeout=60)
    assert backfill.returncode == 0, stderr.decode()
    after = warehouse.query(settings, COUNTS).rows[0]

    assert after[0] >= 400 and after[3] == 400
    assert len(seen) > 20, "the reader did not query while the backfill ran"
    # every view shows the warehouse before the run or after it, never a batch of it; a query
    # whose views read the publication on either side of a new version may pair one
    # view's "before" with another's "after" (README: the window is one query long)
    for column in range(len(after)):
        values = {row[column] for row in seen}
        assert values <= {before[column], after[column]}, (column, sorted(values))
