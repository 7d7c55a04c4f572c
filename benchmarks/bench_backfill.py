"""`ingest backfill` of the bundled archive against `ingest extract` alone on the same documents.

Issue 21 item 2: the archive end to end (command start to serving file ready) in at most 1.5x
the time `ingest extract` takes on its documents. One round measures both, in turns, each as a
user runs it (a new process, on this machine's cores as they are), so the ratio is paired:

- extract_s: `ingest extract DOCS.jsonl -o OUT.jsonl`, DOCS being the documents the backfill
  extracts (the archive read by `ingest.backfill`, the same versions a fresh warehouse stores;
  the round checks that the backfill stored as many)
- backfill_s: `ingest backfill ARCHIVE` into a fresh warehouse (and a fresh Prefect home beside
  it, as a first `make demo` has), from the command's start to the serving file's rename
  (its mtime); backfill_exit_s until the command returned
- ratio: backfill_s / extract_s of the same round (target <= 1.5)
- the backfill's phases: startup (command start to the run's start: imports, and Prefect's
  server start when the run waits for it), read / extract / store / marts (the run's own stage
  times), serving_file (marts recorded to serving file renamed), after_serving_file (Prefect
  bookkeeping and the server's stop until the command returned), and prefect_server (seconds
  the temporary server took to answer, when it starts beside the run)

Prints JSON lines {"name", "value", "unit", "round", "load_average"} and writes them all to
benchmarks/backfill.json. PREFECT_API_URL is unset for the commands: the temporary-server path
is the one measured (with a server running, Prefect's start costs nothing here).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT / "config/demo/archive/state.gov_press-releases_2021-05_to_2022-08.tar.gz"
SOURCE_OPTIONS = ["--source", "us-state-archive", "--timezone", "America/New_York"]
INGEST = Path(sys.executable).with_name("ingest")
DEFAULT_OUTPUT = ROOT / "benchmarks" / "backfill.json"
# one row of the summary's stage table as the CLI prints it: "| read | 2.99 |" or " read  2.99 "
STAGE_LINE = re.compile(r"^[\s|]*(read|extract|store|views)[\s|]+([0-9.]+)[\s|]*$")
SERVER_LINE = re.compile(r"server was ready after ([0-9.]+) s")
ROWS: list[dict[str, Any]] = []


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    row = {"name": name, "value": round(value, 3), "unit": unit, **extra}
    row["load_average"] = round(os.getloadavg()[0], 1)  # other work on the machine skews times
    ROWS.append(row)
    print(json.dumps(row), flush=True)


def write_documents(target: Path) -> int:
    """The archive's documents as `ingest extract` reads them; how many.

    The versions a backfill into an empty warehouse extracts: a document repeated with the same
    content in a later file is skipped, one with other content is a revision, extracted again.
    """
    from ingest.backfill import backfill_feed, read_items
    from ingest.config import load_settings
    from ingest.sources import iter_items

    settings = load_settings(target.parent / "settings.toml")
    feed = backfill_feed("us-state-archive", "America/New_York")
    latest: dict[str, str] = {}
    lines: list[str] = []
    for item in iter_items(str(ARCHIVE), settings, None):
        for document in read_items([item], feed, settings.max_document_chars).documents:
            if latest.get(document.doc_id) == document.content_hash:
                continue
            latest[document.doc_id] = document.content_hash
            row = {
                "id": document.doc_id,
                "url": document.url,
                "title": document.title,
                "published": document.published,
                "text": document.text,
                "source_id": document.source_id,
            }
            lines.append(json.dumps(row, ensure_ascii=False))
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(lines)


def write_settings(base: Path) -> Path:
    base.mkdir(parents=True)
    path = base / "settings.toml"
    path.write_text(
        f'data_root = "{base / "data"}"\nserving_path = "{base / "ingest.duckdb"}"\n'
        f'state_path = "{base / "state" / "feeds.json"}"\n',
        encoding="utf-8",
    )
    return path


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "PREFECT_HOME")}
    env.update(DO_NOT_TRACK="1", PREFECT_SERVER_ANALYTICS_ENABLED="false", COLUMNS="200")
    return env


def time_extract(docs: Path, settings: Path) -> float:
    output = docs.with_name("events.jsonl")
    started = time.perf_counter()
    command = [str(INGEST), "extract", str(docs), "-o", str(output), "--settings", str(settings)]
    subprocess.run(command, check=True, env=environment(), stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    output.unlink()
    return seconds


def time_backfill(base: Path, round_no: int) -> dict[str, float]:
    """The backfill's wall times and phases, in seconds from the command's start."""
    settings = write_settings(base)
    command = [str(INGEST), "backfill", str(ARCHIVE), "--settings", str(settings), *SOURCE_OPTIONS]
    wall_start = time.time()
    started = time.perf_counter()
    done = subprocess.run(command, env=environment(), capture_output=True, text=True)
    exit_seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"error: ingest backfill exited {done.returncode}: {done.stderr[-2000:]}")
    serving_ready = (base / "ingest.duckdb").stat().st_mtime - wall_start
    load = loads_row(settings)
    run_start = load["started_at"].timestamp() - wall_start
    run_end = load["ended_at"].timestamp() - wall_start  # the loads row: marts computed
    stages = {
        m[1]: float(m[2]) for line in done.stdout.splitlines() if (m := STAGE_LINE.match(line))
    }
    server = SERVER_LINE.search(done.stdout)
    phases = {
        "backfill_s": serving_ready,
        "backfill_exit_s": exit_seconds,
        "startup_s": run_start,
        "read_s": stages.get("read", 0.0),
        "extraction_s": stages.get("extract", 0.0),
        "storing_s": stages.get("store", 0.0),
        "marts_s": stages.get("views", 0.0),
        "serving_file_s": serving_ready - run_end,
        "after_serving_file_s": exit_seconds - serving_ready,
        "documents_stored": float(load["documents_new"] + load["documents_revised"]),
        "events_written": float(load["events_written"]),
    }
    if server is not None:
        phases["prefect_server_s"] = float(server[1])
    return phases


def loads_row(settings_path: Path) -> dict[str, Any]:
    from ingest import store
    from ingest.config import load_settings

    rows = store.read_table(load_settings(settings_path), "loads").to_pylist()
    assert len(rows) == 1, f"expected one load, got {len(rows)}"
    return rows[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-backfill-"))
    try:
        docs = work / "docs" / "docs.jsonl"
        extract_settings = write_settings(docs.parent)
        documents = write_documents(docs)
        emit("documents", documents, "docs", cpus=len(os.sched_getaffinity(0)))
        ratios = []
        for round_no in range(1, args.rounds + 1):
            # in turns, the first command alternating: neither always gets the quieter moment
            if round_no % 2:
                extract_seconds = time_extract(docs, extract_settings)
                phases = time_backfill(work / f"warehouse-{round_no}", round_no)
            else:
                phases = time_backfill(work / f"warehouse-{round_no}", round_no)
                extract_seconds = time_extract(docs, extract_settings)
            if phases["documents_stored"] != documents:
                sys.exit(f"error: backfill stored {phases['documents_stored']:.0f} documents")
            emit("extract_s", extract_seconds, "s", round=round_no)
            for name, value in phases.items():
                unit = "s" if name.endswith("_s") else "rows"
                emit(name, value, unit, round=round_no)
            ratios.append(phases["backfill_s"] / extract_seconds)
            emit("ratio", ratios[-1], "x", round=round_no, target=1.5)
        emit("ratio_median", statistics.median(ratios), "x", rounds=args.rounds, target=1.5)
        args.output.write_text(json.dumps(ROWS, indent=1) + "\n", encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
