"""Crash safety: kill -9 a run at random moments; a restart and re-run must equal a clean run.

The pipeline runs in a child process (forked from tests/reliability/crash_driver.py, which has
everything imported) over local feeds into real Parquet files. After each SIGKILL the test
restarts the pipeline and compares the tables with those of an uninterrupted run: the same
document versions and current events, no row twice, every visible Parquet file readable.

INGEST_CRASH_TRIALS sets the number of random kills (default 4; 20 or more for a soak run).
"""

from __future__ import annotations

import dataclasses
import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from ingest import store, warehouse
from ingest.schemas import TABLES
from reliability.conftest import reported
from reliability.faultserver import FaultServer
from reliability.harness import corpus_feed, fault_settings, make_feed
from support.feedserver import Route

DRIVER = Path(__file__).with_name("crash_driver.py")
ROOT = Path(__file__).resolve().parents[2]
TRIALS = int(os.environ.get("INGEST_CRASH_TRIALS", "4"))
FEEDS = 4
ITEMS_PER_FEED = 12
KILLS: list[tuple[float, bool]] = []  # (delay, killed before the end) of each random trial


class Driver:
    """The crash driver process: send a job, get the child's pid, wait for its exit."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(DRIVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        assert self._line() == "ready"

    def _line(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def run(self, job: dict[str, Any]) -> tuple[int, bool]:
        """Run one job to its end (or its kill); the child's wait status and whether killed."""
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(job) + "\n")
        self.process.stdin.flush()
        line = self._line()
        assert line.startswith("exit "), line
        _, _, status, killed = line.split()
        return int(status), killed == "1"

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FaultServer, list[dict[str, Any]]]]:
    with FaultServer() as server:
        feeds = []
        for index in range(FEEDS):
            path = f"/crash-{index}.xml"
            body = corpus_feed(340 + index * ITEMS_PER_FEED, ITEMS_PER_FEED, f"c{index}")
            server.route(path, Route(body=body, etag=f'"v{index}"'))
            feeds.append(dataclasses.asdict(make_feed(f"crash-{index}", server.url(path))))
        yield server, feeds


@pytest.fixture(scope="module")
def driver() -> Iterator[Driver]:
    running = Driver()
    yield running
    running.close()


def _job(
    root: Path,
    feeds: list[dict[str, Any]],
    kill_after: float | None = None,
    crash_at: str | None = None,
) -> dict[str, Any]:
    return {"root": str(root), "feeds": feeds, "kill_after": kill_after, "crash_at": crash_at}


def _tables(root: Path) -> dict[str, Any]:
    """What a reader sees: document versions, current events, rejects; plus duplicate counts."""
    settings = fault_settings(root)
    documents = store.read_table(settings, "documents", ["doc_id", "content_hash"]).to_pylist()
    events = store.read_table(settings, "events", ["event_id", "content_hash"]).to_pylist()
    rejects = store.read_table(settings, "rejects", ["reject_id"]).to_pylist()
    current = warehouse.query(settings, "select event_id from stg_events order by 1").rows
    return {
        "documents": sorted((d["doc_id"], d["content_hash"]) for d in documents),
        "events": sorted((e["event_id"], e["content_hash"]) for e in events),
        "current_events": [row[0] for row in current],
        "rejects": sorted(r["reject_id"] for r in rejects),
        "docs_in_view": warehouse.query(settings, "select count(*) from stg_documents").rows,
    }


def _unreadable_files(root: Path) -> list[str]:
    settings = fault_settings(root)
    bad = []
    for name in TABLES:
        for path in store.data_files(settings, name):
            try:
                pq.read_metadata(path)
            except Exception as error:  # any failure to read is what we look for
                bad.append(f"{path}: {error}")
    return bad


@pytest.fixture(scope="module")
def baseline(
    driver: Driver, served: tuple[FaultServer, list[dict[str, Any]]], tmp_path_factory: Any
) -> tuple[dict[str, Any], float]:
    root = tmp_path_factory.mktemp("baseline")
    started = time.monotonic()
    assert driver.run(_job(root, served[1])) == (0, False)
    seconds = time.monotonic() - started
    tables = _tables(root)
    assert tables["documents"] and tables["events"]
    return tables, seconds


def _restart_and_compare(driver: Driver, root: Path, feeds: list[dict[str, Any]]) -> dict[str, Any]:
    assert driver.run(_job(root, feeds)) == (0, False), "the re-run after the crash failed"
    assert _unreadable_files(root) == []
    return _tables(root)


def _assert_same(tables: dict[str, Any], expected: dict[str, Any], label: str) -> None:
    for key in ("documents", "events", "current_events", "docs_in_view"):
        assert tables[key] == expected[key], f"{label}: {key} differ from an uninterrupted run"
    # a reject of the crashed run may be kept (first sighting): none may be missing
    assert set(expected["rejects"]) <= set(tables["rejects"]), label


def _lost(root: Path, expected: dict[str, Any]) -> int:
    """Document versions and events of the clean run missing after the crash and re-run."""
    tables = _tables(root)
    missing_docs = set(expected["documents"]) - set(tables["documents"])
    return len(missing_docs) + len(set(expected["events"]) - set(tables["events"]))


@pytest.mark.slow
@pytest.mark.parametrize("trial", range(TRIALS))
def test_kill_at_a_random_moment_then_rerun_equals_clean_run(
    driver: Driver,
    served: tuple[FaultServer, list[dict[str, Any]]],
    baseline: tuple[dict[str, Any], float],
    tmp_path: Path,
    trial: int,
) -> None:
    expected, seconds = baseline
    delay = random.Random(trial).uniform(0.0, seconds)
    _, killed = driver.run(_job(tmp_path, served[1], kill_after=delay))
    KILLS.append((round(delay, 3), killed))
    label = f"kill at {delay:.2f}s" if killed else "finished before the kill"
    with reported(f"kill-9-random-{trial:02d}", lambda: _lost(tmp_path, expected)):
        _assert_same(_restart_and_compare(driver, tmp_path, served[1]), expected, label)


POINTS = [
    "after-documents",  # F6, fixed in ingest.pipeline.steps.store_batch
    "after-events",
    "before-publish",
    "before-publication",
    "before-views",
    "before-state-save",
]


@pytest.mark.slow
@pytest.mark.parametrize("point", POINTS)
def test_kill_at_a_chosen_point_then_rerun_equals_clean_run(
    driver: Driver,
    served: tuple[FaultServer, list[dict[str, Any]]],
    baseline: tuple[dict[str, Any], float],
    tmp_path: Path,
    point: str,
) -> None:
    status, _ = driver.run(_job(tmp_path, served[1], crash_at=point))
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    with reported(f"kill-9-{point}", lambda: _lost(tmp_path, baseline[0])):
        _assert_same(_restart_and_compare(driver, tmp_path, served[1]), baseline[0], point)


def test_random_kills_landed_inside_runs() -> None:
    """The trials above are only worth something if most kills hit a run in progress."""
    if len(KILLS) < 4:
        pytest.skip("needs the random trials of this module")
    assert sum(killed for _, killed in KILLS) >= len(KILLS) // 2, KILLS


# --- F7: one document's events in two month files -----------------------------------------------

# corpus items 38..45: item 42 (a visit on 2 August, a meeting dated by its July release, another
# meeting on 6 August) has events in two month partitions
SPAN_ITEMS = (38, 8)


def _event_months(root: Path) -> dict[str, set[str]]:
    """doc_id -> the month partitions holding its stored event rows (read file by file)."""
    months: dict[str, set[str]] = {}
    for path in store.data_files(fault_settings(root), "events"):
        month = Path(path).parent.name.removeprefix("month=")
        for doc_id in pq.read_table(path, columns=["doc_id"]).column("doc_id").to_pylist():
            months.setdefault(doc_id, set()).add(month)
    return months


def _event_ids(root: Path, doc_id: str) -> list[str]:
    """The event ids of doc_id on disk, published or not (a killed run's rows are hidden)."""
    ids = []
    for path in sorted(root.glob("data/events/month=*/*.parquet")):
        if not path.name.startswith("_"):
            rows = pq.read_table(path, columns=["doc_id", "event_id"]).to_pylist()
            ids += [row["event_id"] for row in rows if row["doc_id"] == doc_id]
    return ids


@dataclasses.dataclass(frozen=True)
class Spanning:
    feeds: list[dict[str, Any]]
    expected: dict[str, Any]  # the tables of a clean run
    doc_id: str  # a document with events in two months
    events: int  # how many events it has
    month: str  # its last month


@pytest.fixture(scope="module")
def spanning(
    driver: Driver, served: tuple[FaultServer, list[dict[str, Any]]], tmp_path_factory: Any
) -> Spanning:
    server = served[0]
    server.route("/span.xml", Route(body=corpus_feed(*SPAN_ITEMS, "span")))
    feeds = [dataclasses.asdict(make_feed("span", server.url("/span.xml")))]
    root = tmp_path_factory.mktemp("span-baseline")
    assert driver.run(_job(root, feeds)) == (0, False)
    spans = {doc: months for doc, months in _event_months(root).items() if len(months) > 1}
    assert spans, "no document of the feed has events in two months: pick other corpus items"
    doc_id, months = sorted(spans.items())[0]
    return Spanning(feeds, _tables(root), doc_id, len(_event_ids(root, doc_id)), max(months))


@pytest.mark.slow
def test_kill_between_the_month_files_of_one_document_then_rerun_equals_clean_run(
    driver: Driver, spanning: Spanning, tmp_path: Path
) -> None:
    """F7: the crash stores part of a document version's events; the re-run adds the rest."""
    crash_at = f"events-month={spanning.month}"
    status, _ = driver.run(_job(tmp_path, spanning.feeds, crash_at=crash_at))
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    stored = _event_ids(tmp_path, spanning.doc_id)
    assert 0 < len(stored) < spanning.events, "the kill did not split the document's events"
    with reported("kill-9-between-event-month-files", lambda: _lost(tmp_path, spanning.expected)):
        tables = _restart_and_compare(driver, tmp_path, spanning.feeds)
        _assert_same(tables, spanning.expected, f"killed at {crash_at}")


# --- F8: temporary files of a killed writer ------------------------------------------------------

# the crash point's marker -> where the temporary file it leaves lies (glob under the run's root)
ORPHANS = {
    "_tmp-": "data/**/_tmp-*.tmp",  # a Parquet file of the tables
    ".feeds-": "state/.feeds-*.tmp",  # the feed state
    "ingest.duckdb.tmp-": "ingest.duckdb.tmp-*",  # the serving file
}


def _temp_files(root: Path) -> list[Path]:
    return sorted(path for pattern in ORPHANS.values() for path in root.glob(pattern))


@pytest.mark.slow
@pytest.mark.parametrize("marker", sorted(ORPHANS))
def test_the_temporary_files_of_a_killed_run_are_removed_by_the_next_run(
    driver: Driver,
    served: tuple[FaultServer, list[dict[str, Any]]],
    baseline: tuple[dict[str, Any], float],
    tmp_path: Path,
    marker: str,
) -> None:
    status, _ = driver.run(_job(tmp_path, served[1], crash_at=f"rename={marker}"))
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    orphans = list(tmp_path.glob(ORPHANS[marker]))
    assert orphans, f"the kill left no {marker} file"
    with reported(f"kill-9-orphaned-temp-{marker.strip('_.-')}"):
        tables = _restart_and_compare(driver, tmp_path, served[1])
        assert _temp_files(tmp_path) == [], "temporary files of the killed run are still there"
        _assert_same(tables, baseline[0], f"killed at the rename of a {marker} file")
