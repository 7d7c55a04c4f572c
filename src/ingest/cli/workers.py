"""`ingest` commands of workers on several hosts: deploy, worker; and `backfill --chunks`' run.

One Prefect server (on PostgreSQL when several workers share it, as Prefect documents) is named
by PREFECT_API_URL on every host. `ingest deploy` registers the deployments on a process work
pool once; `ingest worker` on each host pulls their runs; `ingest backfill PATH --chunks N`
splits a backfill into N runs that the workers take side by side (ingest.flows.workers).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ingest.cli.pipeline import (
    PARTIAL_EXIT_STATUS,
    _absolute,
    _console,
    _run_flow,
    _settings_path,
    feeds_option,
    prepare_prefect,
    settings_option,
)
from ingest.config import Settings, load_config, load_settings

DEFAULT_POOL = "ingest"  # ingest.flows.workers.WORK_POOL, without importing Prefect here
# how often an idle worker asks the server for runs (Prefect's default, 10 s, delays each chunk)
WORKER_QUERY_SECONDS = "2"
pool_option = click.option(
    "--pool", default=DEFAULT_POOL, show_default=True, help="Name of the process work pool."
)


def require_server(settings: Settings, what: str, verbose: bool = True) -> None:
    """Workers need one server every host reaches: PREFECT_API_URL, answering."""
    if not os.environ.get("PREFECT_API_URL"):
        raise click.ClickException(
            f"{what} needs the Prefect server every worker uses: set PREFECT_API_URL "
            "(README, Scaling out)"
        )
    prepare_prefect(settings, verbose=verbose, reuse_server=False)


@click.command("deploy")
@settings_option
@feeds_option
@pool_option
@click.option(
    "--crash-after",
    type=int,
    default=90,
    show_default=True,
    help="Seconds without a heartbeat, or claimed by a worker and not started, after which a run "
    "is marked Crashed (more than 30).",
)
def deploy_command(
    settings_path: str | None, feeds_path: str | None, pool: str, crash_after: int
) -> None:
    """Register the deployments on a process work pool of the server at PREFECT_API_URL.

    ingest-feeds/scheduled (the feeds' cron schedules), compact/nightly, reprocess/on-demand and
    backfill/on-demand, each starting its runs in this directory with these settings (the same
    paths must hold them on every worker's host); and the automation that marks a run Crashed
    when its heartbeats stop or its worker died before starting it, so that `backfill --chunks`
    runs a dead worker's chunk again.
    """
    config = load_config(settings_path, feeds_path)
    require_server(config.settings, "ingest deploy")
    from ingest.flows.workers import deploy_to_pool, ensure_crash_automation, pool_deployments

    try:
        ensure_crash_automation(crash_after)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--crash-after") from None
    deployments = pool_deployments(
        config.feeds, _settings_path(settings_path), _absolute(feeds_path), str(Path.cwd())
    )
    console = _console()
    for name in deploy_to_pool(deployments, pool):
        console.print(f"deployed {name} on work pool '{pool}'", highlight=False)
    console.print(f"start workers with: ingest worker --pool {pool}", highlight=False)


@click.command("worker")
@settings_option
@pool_option
@click.option(
    "--limit",
    type=int,
    default=1,
    show_default=True,
    help="Flow runs at a time on this worker (a backfill chunk's extraction takes one core).",
)
@click.option("--name", default=None, help="Worker name shown in the UI (default: Prefect's).")
def worker_command(settings_path: str | None, pool: str, limit: int, name: str | None) -> None:
    """Pull runs of the work pool's deployments from the server at PREFECT_API_URL until Ctrl-C.

    This is `prefect worker start --pool POOL --type process`, with ingest's Prefect home and
    flow-run heartbeats every 30 s (a run whose heartbeats stop is marked Crashed; see
    `ingest deploy`). Start one per host (or per core).
    """
    if limit < 1:
        raise click.BadParameter(f"must be at least 1, not {limit}", param_hint="--limit")
    require_server(load_settings(settings_path), "ingest worker")
    from ingest.flows.workers import HEARTBEAT_SECONDS

    os.environ.setdefault("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", str(HEARTBEAT_SECONDS))
    os.environ.setdefault("PREFECT_WORKER_QUERY_SECONDS", WORKER_QUERY_SECONDS)
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool]
    command += ["--type", "process", "--limit", str(limit)]
    if name is not None:
        command += ["--name", name]
    sys.stdout.flush()
    # the worker replaces this process: a signal to it (Ctrl-C, SIGTERM) stops the worker itself
    os.execv(sys.executable, command)


def backfill_on_workers(
    path: str,
    chunks: int,
    settings_path: str | None,
    feed_id: str | None,
    source_id: str,
    timezone: str,
    verbose: bool = False,
) -> None:
    """`ingest backfill PATH --chunks N`: the chunks run on the workers, this process waits."""
    require_server(load_settings(settings_path), "ingest backfill --chunks", verbose)
    from ingest.flows.workers import backfill_in_chunks

    console = _console()
    done = _run_flow(
        console,
        f"backfilling in {chunks} chunks on the workers",
        lambda: backfill_in_chunks(
            path=str(Path(path).resolve()),
            chunks=chunks,
            settings_path=_settings_path(settings_path),
            feed_id=feed_id,
            source_id=source_id,
            timezone=timezone,
        ),
    )
    for chunk in done.chunks:
        console.print(chunk.one_line(), highlight=False)
    console.print(f"backfill in {len(done.chunks)} chunks: {done.status}", highlight=False)
    if done.status == "failed":
        failed = [str(c.index + 1) for c in done.chunks if c.status not in {"ok", "partial"}]
        raise click.ClickException(f"{path}: chunks {', '.join(failed)} did not complete")
    if done.status == "partial":
        click.get_current_context().exit(PARTIAL_EXIT_STATUS)


COMMANDS: list[click.Command] = [deploy_command, worker_command]
