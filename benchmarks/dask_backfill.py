"""A backfill split in chunks that run as Prefect tasks on a Dask cluster (prefect-dask).

The alternative to `ingest backfill PATH --chunks N` (run_deployment on the pool's workers),
kept for the measurement in bench_workers.py, not shipped: prefect-dask, dask and distributed
are the `dask` dependency group (`make dask`). One flow run submits each chunk (the documents
whose id hashes to it, as `archive.chunks_of` splits them) as a task to prefect-dask's
DaskTaskRunner on the scheduler at `--scheduler`; each chunk runs the backfill flow's own body
(`backfill.fn`: the library's `archive.backfill` with Prefect's step runner) on a Dask worker.
A worker that dies mid-chunk is Dask's to handle: its scheduler runs the task again on a worker
still alive.

usage: python benchmarks/dask_backfill.py PATH --scheduler tcp://HOST:PORT [--chunks N]
       [--settings FILE] [--source ID] [--timezone TZ]
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from ingest.backfill import BACKFILL_SOURCE
from ingest.flows.backfill import backfill
from ingest.pipeline import archive

FLOW_NAME = "backfill-on-dask"
# bench_workers.py looks for it in a Dask worker's log: that worker is running a chunk
CHUNK_STARTED = "chunk started:"
DASK_PACKAGES = {"prefect_dask": "prefect-dask", "dask": "dask", "distributed": "distributed"}
INSTALL_COMMAND = ".venv/bin/pip install --group pyproject.toml:dask"


def missing_packages() -> str | None:
    """One line naming the `dask` group's missing packages and the command installing them."""
    missing = [name for module, name in DASK_PACKAGES.items() if not _importable(module)]
    if not missing:
        return None
    return f"the Dask variant needs {', '.join(missing)}, not installed: {INSTALL_COMMAND}"


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken install counts as missing
        return False


@task(name="backfill-chunk", cache_policy=NO_CACHE)
def backfill_chunk(
    index: int,
    chunks: int,
    path: str,
    settings_path: str | None,
    feed_id: str | None,
    source_id: str,
    timezone: str,
) -> str:
    """One chunk, as `backfill/on-demand` runs it on a Prefect worker; its one-line summary."""
    print(f"{CHUNK_STARTED} {index + 1} of {chunks}", flush=True)
    summary = backfill.fn(
        path=path,
        settings_path=settings_path,
        feed_id=feed_id,
        source_id=source_id,
        timezone=timezone,
        chunk=index,
        chunks=chunks,
    )
    return summary.one_line()


@flow(name=FLOW_NAME)
def backfill_on_dask(
    path: str,
    chunks: int,
    settings_path: str | None = None,
    feed_id: str | None = None,
    source_id: str = BACKFILL_SOURCE,
    timezone: str = "UTC",
) -> list[str]:
    """Every chunk submitted at once to the flow's task runner; their summaries, in order."""
    futures = [
        backfill_chunk.submit(
            part.index, part.count, path, settings_path, feed_id, source_id, timezone
        )
        for part in archive.chunks_of(chunks)
    ]
    return [future.result() for future in futures]


def run_on_cluster(
    scheduler: str,
    path: str,
    chunks: int,
    settings_path: str | None,
    feed_id: str | None,
    source_id: str,
    timezone: str,
) -> list[str]:
    """The flow with a DaskTaskRunner on the running cluster at `scheduler`."""
    from prefect_dask import DaskTaskRunner

    on_cluster = backfill_on_dask.with_options(task_runner=DaskTaskRunner(address=scheduler))
    return on_cluster(path, chunks, settings_path, feed_id, source_id, timezone)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--scheduler", required=True, help="tcp://HOST:PORT of `dask scheduler`")
    parser.add_argument("--chunks", type=int, default=2)
    parser.add_argument("--settings", default=None)
    parser.add_argument("--feed", default=None)
    parser.add_argument("--source", default=BACKFILL_SOURCE)
    parser.add_argument("--timezone", default="UTC")
    args = parser.parse_args()
    missing = missing_packages()
    if missing is not None:
        sys.exit(f"error: {missing}")
    settings = None if args.settings is None else str(Path(args.settings).resolve())
    lines = run_on_cluster(
        args.scheduler,
        str(args.path.resolve()),
        args.chunks,
        settings,
        args.feed,
        args.source,
        args.timezone,
    )
    for index, line in enumerate(lines):
        print(f"chunk {index + 1}: {line}")
    failed = [line for line in lines if line.split()[1] not in {"ok", "partial"}]
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
