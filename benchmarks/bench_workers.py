"""A large backfill by one process, by one worker and by two workers of one Prefect server.

usage: python benchmarks/bench_workers.py [--copies N] [--files-per-copy F] [CORPUS.json]
The 2,025-release state.gov corpus, N times (default 10: 20,250 documents, each copy's ids
its own), as JSONL files in a temporary folder, backfilled three ways into fresh warehouses:
`ingest backfill DIR` by hand (one process), `ingest backfill DIR --chunks 1` with one
`ingest worker`, and `--chunks 2` with two, against a Prefect server on a throwaway PostgreSQL
(tests/support/postgres.py). Prints JSON lines {"name", "value", "unit"}: wall times, the
speed-up of two workers over one, the worker path's overhead over the run by hand, the load
average before each run (the machine is shared), and the documents each warehouse holds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_extract import DEFAULT_CORPUS, load_documents  # noqa: E402
from ingest.flows.server import server_environment, start_local_server  # noqa: E402
from support import postgres  # noqa: E402

INGEST = str(Path(sys.executable).parent / "ingest")


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}), flush=True)


def write_corpus(corpus: Path, copies: int, files_per_copy: int, target: Path) -> int:
    """The corpus `copies` times as JSONL files; each copy's document ids are its own."""
    documents = load_documents(corpus)
    target.mkdir(parents=True)
    per_file = -(-len(documents) // files_per_copy)
    written = 0
    for copy in range(copies):
        for part in range(files_per_copy):
            lines = [
                json.dumps(
                    {
                        "id": f"copy{copy}-{document.doc_id}",
                        "url": document.url,
                        "title": document.title,
                        "published": document.published,
                        "text": document.text,
                    }
                )
                for document in documents[part * per_file : (part + 1) * per_file]
            ]
            path = target / f"copy{copy:02}-part{part:02}.jsonl"
            path.write_text("\n".join(lines) + "\n", encoding="utf-8")
            written += len(lines)
    return written


def settings_file(directory: Path) -> Path:
    directory.mkdir(parents=True)
    path = directory / "settings.toml"
    path.write_text(
        f'data_root = "{directory / "data"}"\nserving_path = "{directory / "ingest.duckdb"}"\n'
        f'state_path = "{directory / "state" / "feeds.json"}"\n',
        encoding="utf-8",
    )
    return path


def timed_backfill(source: Path, settings: Path, env: dict[str, str], *extra: str) -> float:
    emit("load_average_1min_before", os.getloadavg()[0], "", run=" ".join(extra) or "by hand")
    started = time.perf_counter()
    done = subprocess.run(
        [INGEST, "backfill", str(source), "--settings", str(settings), *extra],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"backfill {extra} failed: {done.stdout}{done.stderr}")
    return seconds


def stored_documents(settings: Path) -> int:
    done = subprocess.run(
        [INGEST, "sql", "select count(*) from stg_documents", "--csv", "--settings", str(settings)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


def start_workers(count: int, env: dict[str, str], base: Path) -> list[subprocess.Popen[bytes]]:
    workers = []
    for index in range(count):
        home = base / f"worker-{index}"
        home.mkdir(parents=True, exist_ok=True)
        workers.append(
            subprocess.Popen(
                [INGEST, "worker", "--name", f"bench-{index}"],
                env={**env, "PREFECT_HOME": str(home)},
                stdout=(home / "worker.log").open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
    return workers


def stop_workers(workers: list[subprocess.Popen[bytes]]) -> None:
    for worker in workers:
        try:
            os.killpg(worker.pid, signal.SIGINT)
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        except ProcessLookupError:
            pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--files-per-copy", type=int, default=2)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    try:
        source = base / "corpus"
        documents = write_corpus(args.corpus, args.copies, args.files_per_copy, source)
        emit("documents", documents, "docs", files=len(list(source.iterdir())))
        env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
        env.update(PREFECT_HOME=str(base / "by-hand-home"), DO_NOT_TRACK="1")
        by_hand = settings_file(base / "by-hand")
        by_hand_seconds = timed_backfill(source, by_hand, env)
        emit("backfill_by_hand_s", round(by_hand_seconds, 1), "s", docs=stored_documents(by_hand))
        with postgres.postgres_server("prefect") as database:
            url = database.url("postgresql+asyncpg")
            server = start_local_server(base / "server-home", ui=False, database_url=url)
            try:
                client = server_environment(base / "client-home", server.api_url)
                deployed = subprocess.run(
                    [INGEST, "deploy"], env=client, cwd=ROOT, capture_output=True, text=True
                )
                if deployed.returncode != 0:
                    raise RuntimeError(deployed.stderr)
                seconds = {}
                for workers_count in (1, 2):
                    workers = start_workers(workers_count, client, base / f"w{workers_count}")
                    try:
                        time.sleep(5)  # registered and polling before the clock starts
                        settings = settings_file(base / f"workers-{workers_count}")
                        chunks = str(workers_count)
                        took = timed_backfill(source, settings, client, "--chunks", chunks)
                    finally:
                        stop_workers(workers)
                    seconds[workers_count] = took
                    emit(
                        f"backfill_{workers_count}_workers_s",
                        round(took, 1),
                        "s",
                        chunks=workers_count,
                        docs=stored_documents(settings),
                    )
            finally:
                server.stop()
        emit("speedup_2_over_1_worker", round(seconds[1] / seconds[2], 2), "x")
        overhead = seconds[1] - by_hand_seconds
        emit(
            "worker_path_overhead_s",
            round(overhead, 1),
            "s",
            share=round(overhead / by_hand_seconds, 3),
        )
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
