"""Load: one run over 300 feeds x 100 entries on 127.0.0.1, then 1,000 runs of 304s.

Part 1 runs the ingest-feeds flow body once over --feeds feeds of --entries entries each
(state.gov corpus items, a GUID prefix per feed so every entry is a new document) served by a
separate server process, and samples this process every 50 ms: resident memory, threads and
open inet sockets (psutil). Part 2 runs --state-runs fetch cycles through `fetch.fetch_feeds`
against the same server, every feed answering 304 to its stored ETag, loading and saving the
feed state file each time, and reports its size at runs 1, 100 and the last.

The flow body runs without a Prefect API (the harness of tests/reliability swaps the task
machinery for plain calls on a bounded pool, see tests/reliability/harness.py): this measures
the pipeline, not Prefect's server.
With --prefect, part 1 runs the same body inside a real flow run instead (Prefect's task
machinery and its temporary API server, itself a separate process that is not sampled).
Usage: python benchmarks/bench_load.py [--feeds 300] [--entries 100] [--state-runs 1000]
       [--feeds-per-group N] [--prefect]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")

from ingest.memory import tune_process  # noqa: E402

tune_process()  # as a command's process does (ingest.cli): before pyarrow loads

import psutil  # noqa: E402

from support.feedserver import in_own_process  # noqa: E402

RSS_TARGET_MB = 600


def emit(name: str, value: float, unit: str, **extra: Any) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}), flush=True)


# --- the server process -----------------------------------------------------------------------


def serve(feeds: int, entries: int) -> None:
    """Serve feed i at /feed-i.xml with ETag "v1" (304 on a match); print the port; run."""
    from reliability.harness import corpus_items, rss, rss_item
    from support.feedserver import FeedServer, Route, serve_until_stdin_closes

    items = corpus_items(full=True)
    server = FeedServer()
    for index in range(feeds):
        chosen = [items[(index * entries + k) % len(items)] for k in range(entries)]
        body = rss([rss_item(item, guid=f"f{index}:{item['link']}") for item in chosen])
        server.route(f"/feed-{index}.xml", Route(body=body, etag='"v1"'))
    serve_until_stdin_closes(server)


# --- sampling ---------------------------------------------------------------------------------


class Sampler(threading.Thread):
    """Peak RSS, threads and open inet sockets of this process, sampled every `every` s."""

    def __init__(self, every: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.process = psutil.Process()
        self.every = every
        self.stopping = threading.Event()
        self.peak_rss = 0
        self.peak_threads = 0
        self.peak_sockets = 0

    def sample(self) -> None:
        self.peak_rss = max(self.peak_rss, self.process.memory_info().rss)
        self.peak_threads = max(self.peak_threads, self.process.num_threads())
        sockets = len(self.process.net_connections(kind="inet"))
        self.peak_sockets = max(self.peak_sockets, sockets)

    def run(self) -> None:
        while not self.stopping.wait(self.every):
            self.sample()

    def stop(self) -> None:
        self.stopping.set()
        self.join()
        self.sample()


# --- the benchmark ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--entries", type=int, default=100)
    parser.add_argument("--state-runs", type=int, default=1000)
    parser.add_argument(
        "--feeds-per-group", type=int, default=None, help="default: the shipped setting"
    )
    parser.add_argument(
        "--prefect",
        action="store_true",
        help="run inside a real flow run (task machinery, temporary API) instead of plain calls",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.feeds, args.entries)
        return
    command = [sys.executable, __file__, "--serve", "--feeds", str(args.feeds)]
    command += ["--entries", str(args.entries)]
    with (
        in_own_process(command) as (base, _),
        tempfile.TemporaryDirectory(prefix="bench-load-") as tmp,
    ):
        # Prefect reads its settings at import, which comes later: a database of our own
        os.environ.setdefault("PREFECT_HOME", str(Path(tmp) / "prefect"))
        settings, feeds = _setup(Path(tmp), base, args.feeds, args.feeds_per_group)
        _one_big_run(settings, feeds, args)
        _state_cycles(settings, feeds, args.state_runs)


def _setup(tmp: Path, base: str, count: int, feeds_per_group: int | None) -> tuple[Any, list[Any]]:
    from reliability.harness import fault_settings, make_feed

    grouping = {} if feeds_per_group is None else {"feeds_per_group": feeds_per_group}

    settings = fault_settings(
        tmp / "warehouse",
        connect_timeout=10.0,
        read_timeout=20.0,
        total_timeout=60.0,
        max_body_bytes=20_000_000,
        retries=2,
        backoff_base_seconds=0.5,
        max_concurrency=8,  # the shipped settings
        per_host_concurrency=8,  # one host here; real feeds spread over many
        **grouping,
    )
    feeds = [make_feed(f"feed-{i}", f"{base}/feed-{i}.xml") for i in range(count)]
    return settings, feeds


def _with_prefect(settings: Any, feeds: list[Any]) -> Any:
    """The flow body inside a real flow run: Prefect's task machinery and its temporary API."""
    from prefect import flow

    from ingest.flows.common import PrefectSteps, one_off_runs
    from ingest.pipeline.feeds import ingest

    @flow(name="bench-load")
    def load_run() -> Any:
        return ingest(settings, feeds, force=True, runner=PrefectSteps)

    with one_off_runs():
        return load_run()


def _one_big_run(settings: Any, feeds: list[Any], args: argparse.Namespace) -> None:
    from ingest import store
    from reliability.harness import run_pipeline

    if args.prefect:
        _with_prefect(settings, [])  # start the temporary API before sampling, store nothing
    sampler = Sampler()
    sampler.start()
    started = time.monotonic()
    summary = _with_prefect(settings, feeds) if args.prefect else run_pipeline(settings, feeds)
    seconds = time.monotonic() - started
    sampler.stop()
    documents = store.read_table(settings, "documents", ["doc_id"]).num_rows
    expected = args.feeds * args.entries
    emit("load_run_seconds", round(seconds, 1), "s", feeds=args.feeds, entries=args.entries)
    emit("load_run_status", 1.0 if summary.status == "ok" else 0.0, "ok", status=summary.status)
    emit("load_documents_stored", documents, "rows", expected=expected)
    emit("load_events_written", summary.events_written, "rows")
    emit("load_stage_seconds", round(seconds, 1), "s", stages=dict(summary.durations))
    mode = "prefect" if args.prefect else "flow body without Prefect"
    emit(
        "load_peak_rss",
        round(sampler.peak_rss / 2**20, 1),
        "MB",
        target_mb=RSS_TARGET_MB,
        mode=mode,
        arrow_pool=_arrow_pool(),
        feeds_per_group=settings.feeds_per_group,
    )
    emit("load_peak_threads", sampler.peak_threads, "threads")
    emit("load_peak_inet_sockets", sampler.peak_sockets, "sockets")


def _arrow_pool() -> str:
    import pyarrow as pa

    return str(pa.default_memory_pool().backend_name)


def _state_cycles(settings: Any, feeds: list[Any], runs: int) -> None:
    from ingest import fetch, state

    path = Path(settings.state_path)
    sizes: dict[int, int] = {}
    statuses: dict[str, int] = {}
    sampler = Sampler()
    rss_before = sampler.process.memory_info().rss
    sampler.start()
    started = time.monotonic()
    with fetch.open_client(settings) as client:
        for run in range(1, runs + 1):
            states = state.load_states(path)
            results = fetch.fetch_feeds(feeds, states, settings, client, datetime.now(UTC), True)
            for result, _ in results:
                statuses[result.status] = statuses.get(result.status, 0) + 1
            state.save_states(path, {s.feed_id: s for _, s in results}, keep=[f.id for f in feeds])
            if run in (1, 10, 100, runs):
                sizes[run] = path.stat().st_size
    seconds = time.monotonic() - started
    sampler.stop()
    for run, size in sorted(sizes.items()):
        emit("state_file_bytes", size, "bytes", run=run, feeds=len(feeds))
    emit("state_cycles_seconds", round(seconds, 1), "s", runs=runs, statuses=statuses)
    # the process still holds what part 1 allocated: what matters here is the growth
    growth = max(0, sampler.peak_rss - rss_before)
    emit("state_cycles_rss_growth", round(growth / 2**20, 1), "MB", start_mb=rss_before >> 20)
    emit("state_cycles_peak_threads", sampler.peak_threads, "threads")
    emit("state_cycles_peak_inet_sockets", sampler.peak_sockets, "sockets")


if __name__ == "__main__":
    main()
