"""What a backfill chunk pays for reading every file: chunks by document (issue 20).

A chunk of `ingest backfill --chunks N` reads every file of the source and extracts only the
documents whose id hashes to it. This measures, on the bundled demo archive (1,995 releases in
feed files), the CPU seconds of reading all of it (items and parse, no extraction) against a
whole backfill of chunk 1 of 2 and of the first half of the files (the chunks of consecutive
files before), each into a fresh local warehouse. CPU seconds of this process, best of --repeat.
Usage: python benchmarks/bench_chunk_reading.py [--repeat R]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from ingest.backfill import backfill_feed, read_items  # noqa: E402
from ingest.config import Settings  # noqa: E402
from ingest.pipeline.archive import Chunk, backfill  # noqa: E402
from ingest.sources import iter_items, list_items  # noqa: E402

ARCHIVE = (
    ROOT / "config" / "demo" / "archive" / "state.gov_press-releases_2021-05_to_2022-08.tar.gz"
)
FEED = backfill_feed("us-state-archive", "America/New_York")


def fresh_settings() -> Settings:
    directory = Path(tempfile.mkdtemp(prefix="bench-chunks-"))
    return Settings(
        data_root=str(directory / "data"),
        serving_path=str(directory / "ingest.duckdb"),
        state_path=str(directory / "state" / "feeds.json"),
    )


def read_everything() -> int:
    settings = fresh_settings()
    items = list(iter_items(str(ARCHIVE), settings, None))
    return len(read_items(items, FEED, settings.max_document_chars).documents)


def chunk_of_two() -> int:
    return backfill(fresh_settings(), FEED, str(ARCHIVE), chunk=Chunk(0, 2)).documents_new


def first_half_of_the_files() -> int:
    names = list_items(str(ARCHIVE))
    half = names[: len(names) // 2]
    return backfill(fresh_settings(), FEED, str(ARCHIVE), names=half).documents_new


def best_cpu_seconds(work: Callable[[], int], repeat: int) -> tuple[float, int]:
    times, documents = [], 0
    for _ in range(repeat):
        started = time.process_time()
        documents = work()
        times.append(time.process_time() - started)
    return min(times), documents


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=2)
    repeat = parser.parse_args().repeat
    for name, work in (
        ("read every file", read_everything),
        ("backfill chunk 1 of 2", chunk_of_two),
        ("backfill first half of the files", first_half_of_the_files),
    ):
        seconds, documents = best_cpu_seconds(work, repeat)
        print(json.dumps({"what": name, "cpu_seconds": round(seconds, 2), "documents": documents}))


if __name__ == "__main__":
    main()
