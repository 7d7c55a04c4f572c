"""Wall time of `ingest run` over 50 captured feeds on 127.0.0.1, cold and warm, and Prefect's cost.

Prints JSON lines {"name", "value", "unit"}:
- prefect_start_s: a process running an empty flow (import + temporary API server + one flow run)
- run_cold_s / run_warm_s: `ingest run` as a user runs it (new process), on an empty warehouse
  and then with every feed answering 304 Not Modified; warm_beyond_prefect_start_s subtracts
  prefect_start_s (target <= 3 s)
- flow_s / plain_s / prefect_overhead_pct: in one process with the API already up, the flow
  versus the same stage functions called without Prefect, each on a fresh warehouse, taken in
  turns (median of ROUNDS); prefect_overhead_paired_pct is the median of the per-round
  overheads; target overhead <= 15 %. Each also reports the CPU seconds of this process and of
  the Prefect API server process during the run: the server shares the machine's cores
- body_s / prefect_overhead_vs_body_pct: the flow's own body with Prefect's task machinery
  swapped for plain calls on a thread pool (tests/reliability/harness.py), in the same rounds:
  the very code the flow runs, so the difference is Prefect alone
- flow_with_heartbeats_s / prefect_overhead_with_heartbeats_pct: the same flow with Prefect's
  flow-run heartbeats on, as a served deployment runs it (`ingest run` turns them off)
- flow_warm_s: the flow again on the same warehouse, every feed answering 304 (in-process,
  the API already up: the no-op run without Prefect's start-up)
- prefect_start_with_server_s / run_cold_with_server_s / run_warm_with_server_s: the empty flow
  and `ingest run` again with a Prefect server already running (as beside `ingest serve`)

The feeds are served by a process of its own, as remote publishers' are: a server thread inside
the measured process would spend its CPU and take its GIL while the flow's workers parse. Measured
on 50 feeds (median of 12): fetching and parsing as bodies arrive took 0.43 s against 0.33 s for
fetching all then parsing with the server in-process; 0.34 s against 0.31 s with it outside.

Flow runs started back to back against the temporary SQLite-backed API often wait ~2 s at the
start: the server answers POST /flow_runs/ with 503 "database is locked" while it records the
previous run's task runs, and Prefect's client backs off 2 s (measured here: 4 of 6 empty
five-task flows in a row took 1.9-2.5 s instead of 0.24 s). A run occasionally more than 1 s
slower than its neighbours is that.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FEEDS = 50
REPEATS = 9
ROUNDS = 20  # the overhead is a difference of noisy times: more rounds steady its median
INGEST = Path(sys.executable).with_name("ingest")
sys.path.insert(0, str(ROOT / "tests"))

from support.feedserver import in_own_process  # noqa: E402

SERVE_FEEDS = """
import sys
from pathlib import Path
tests, feeds = Path(sys.argv[1]), int(sys.argv[2])
sys.path.insert(0, str(tests))
from support.feedserver import FeedServer, Route, serve_until_stdin_closes
fixtures = sorted((tests / "fixtures" / "feeds").glob("*.xml"))
server = FeedServer()
for index in range(feeds):
    body = fixtures[index % len(fixtures)].read_bytes()
    server.route(f"/feed-{index}.xml", Route(body=body, etag=f'"v{index}"'))
serve_until_stdin_closes(server)
"""


def load_average() -> float:
    return os.getloadavg()[0]


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    row = {"name": name, "value": round(value, 3), "unit": unit, **extra}
    row["load_average"] = round(load_average(), 1)  # other work on the machine skews times
    print(json.dumps(row), flush=True)


def feed_server() -> contextlib.AbstractContextManager[tuple[str, int]]:
    """(base URL, pid) of the captured feeds served by a process of their own."""
    return in_own_process([sys.executable, "-c", SERVE_FEEDS, str(ROOT / "tests"), str(FEEDS)])


def write_config(work: Path, base_url: str, name: str) -> Path:
    """Settings and a 50-feed list for a warehouse of its own under work/name."""
    entries = []
    for index in range(FEEDS):
        url = f"{base_url}/feed-{index}.xml"
        entries.append(
            f'[[feeds]]\nid = "feed-{index:02d}"\nurl = "{url}"\npublisher = "Bench"\n'
            f'country = "US"\ntimezone = "America/New_York"\nfull_text = "never"\n'
        )
    base = work / name
    base.mkdir(parents=True)
    (base / "feeds.toml").write_text("\n".join(entries), encoding="utf-8")
    settings = base / "settings.toml"
    settings.write_text(
        f'data_root = "{base}/data"\nserving_path = "{base}/ingest.duckdb"\n'
        f'state_path = "{base}/state/feeds.json"\nfeeds_path = "{base}/feeds.toml"\n'
        "retries = 0\n",
        encoding="utf-8",
    )
    return settings


def timed_process(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"{command[:3]} failed:\n{done.stderr[-2000:]}")
    return time.perf_counter() - start


def plain_run(settings_path: Path) -> float:
    """The stages of ingest-feeds called directly, in the flow's order, without Prefect."""
    from ingest import fetch, parse, state, store, warehouse
    from ingest.config import load_feeds, load_settings
    from ingest.extract import extract

    start = time.perf_counter()
    settings = load_settings(settings_path)
    feeds = load_feeds(settings.feeds_path)
    now = datetime.now(UTC)
    load_id = store.new_load_id(now)
    states = state.load_states(settings.state_path)
    latest = store.latest_content_hashes(settings)
    with fetch.open_client(settings) as client:
        fetched = fetch.fetch_feeds(feeds, states, settings, client, now)
    by_id = {f.id: f for f in feeds}
    documents, rejects = [], []
    for result, feed_state in fetched:
        states[result.feed_id] = feed_state
        if result.status == "ok":
            parsed = parse.parse_feed(by_id[result.feed_id], result)
            new, revised = parse.split_new_and_revised(parsed.documents, latest)
            documents += new + revised
            rejects += parsed.rejects
    records = [record for document in documents for record in extract(document)]
    store.write_documents(settings, documents, now, load_id)
    store.write_events(settings, records, load_id, now)
    store.write_rejects(settings, rejects, load_id, now)
    state.save_states(settings.state_path, states, keep=list(by_id))
    warehouse.refresh_serving_file(settings)
    store.write_load(settings, {"load_id": load_id, "flow": "plain", "started_at": now})
    return time.perf_counter() - start


def body_run(settings_path: Path) -> float:
    """The flow's body with Prefect's task machinery replaced by plain calls."""
    from ingest.config import load_feeds, load_settings
    from reliability.harness import run_pipeline

    start = time.perf_counter()
    settings = load_settings(settings_path)
    run_pipeline(settings, load_feeds(settings.feeds_path), force=False)
    return time.perf_counter() - start


def flow_run(settings_path: Path) -> float:
    """The flow, called in this process (the caller chooses heartbeats on or off)."""
    from ingest.flows.ingest_feeds import ingest_feeds

    start = time.perf_counter()
    ingest_feeds(settings_path=str(settings_path))
    return time.perf_counter() - start


def api_server_cpu_seconds(feed_server_pid: int) -> float:
    """CPU seconds used so far by this process's children but the feed server: the temporary
    Prefect API server."""
    import psutil

    total = 0.0
    for child in psutil.Process().children(recursive=True):
        if child.pid == feed_server_pid:
            continue
        with contextlib.suppress(psutil.Error):
            times = child.cpu_times()
            total += times.user + times.system
    return total


def with_cpu(
    run: Callable[[Path], float], settings_path: Path, feed_server_pid: int
) -> tuple[float, float, float]:
    """(wall s, this process's CPU s, the API server's CPU s) of one run."""
    cpu, server = time.process_time(), api_server_cpu_seconds(feed_server_pid)
    wall = run(settings_path)
    return wall, time.process_time() - cpu, api_server_cpu_seconds(feed_server_pid) - server


def paired_runs(
    feeds_url: str, feed_server_pid: int, work: Path
) -> dict[str, list[tuple[float, float, float]]]:
    """Plain, body and flow runs taken in rounds (which goes first rotates), each on a fresh
    warehouse; then the flow again on its warehouse, every feed answering 304.

    Heartbeats are off for the whole series, as `ingest run` turns them off once per process:
    the settings switch (~0.1 s of pydantic validation) is process set-up, not run time.
    """
    from ingest.flows.common import one_off_runs

    runs = {"plain": plain_run, "body": body_run, "flow": flow_run}
    times: dict[str, list[tuple[float, float, float]]] = {name: [] for name in [*runs, "warm"]}
    with one_off_runs():
        flow_run(write_config(work, feeds_url, "warmup"))  # starts the temporary API once
        plain_run(write_config(work, feeds_url, "warmup-plain"))  # loads what the stages load
        body_run(write_config(work, feeds_url, "warmup-body"))
        names = list(runs)
        for round_ in range(ROUNDS):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                path = write_config(work, feeds_url, f"{name}-{round_}")
                times[name].append(with_cpu(runs[name], path, feed_server_pid))
            # the same flow on its warehouse: every feed answers 304 now
            flow = work / f"flow-{round_}" / "settings.toml"
            times["warm"].append(with_cpu(flow_run, flow, feed_server_pid))
    return times


def emit_runs(name: str, runs: list[tuple[float, float, float]], **extra: object) -> float:
    """The median wall time of runs, with their median CPU seconds here and in the API server."""
    walls = [wall for wall, _, _ in runs]
    emit(
        name,
        statistics.median(walls),
        "s",
        cpu_s=round(statistics.median(cpu for _, cpu, _ in runs), 3),
        api_server_cpu_s=round(statistics.median(server for _, _, server in runs), 3),
        runs=[round(wall, 3) for wall in walls],
        **extra,
    )
    return statistics.median(walls)


def emit_paired(
    name: str, flows: list[tuple[float, float, float]], bases: list[tuple[float, float, float]]
) -> None:
    """The median of the per-round overheads, with their interquartile range."""
    rounds = [100 * (flow[0] - base[0]) / flow[0] for flow, base in zip(flows, bases, strict=True)]
    quartiles = statistics.quantiles(rounds, n=4)
    emit(
        name,
        statistics.median(rounds),
        "%",
        interquartile=[round(quartiles[0], 1), round(quartiles[2], 1)],
        runs=[round(value, 1) for value in rounds],
    )


def cli_runs(settings: Path, env: dict[str, str]) -> tuple[float, list[float]]:
    """`ingest run` as a user runs it: once on an empty warehouse, then REPEATS times warm."""
    command = [str(INGEST), "run", "--settings", str(settings)]
    cold = timed_process(command, env)
    return cold, [timed_process(command, env) for _ in range(REPEATS)]


def runs_beside_a_server(
    work: Path, feeds_url: str, env: dict[str, str], empty_flow: list[str]
) -> None:
    """`ingest run` where a Prefect server already runs (`ingest serve`'s, or PREFECT_API_URL):
    no temporary server to start, so a one-off run costs Prefect's import and one flow run."""
    from ingest.flows.server import start_local_server

    server = start_local_server(work / "server-home", ui=False)
    try:
        beside = {**env, "PREFECT_API_URL": server.api_url}
        starts = [timed_process(empty_flow, beside) for _ in range(REPEATS)]
        emit("prefect_start_with_server_s", statistics.median(starts), "s", runs=starts)
        cold, warm = cli_runs(write_config(work, feeds_url, "beside"), beside)
        emit("run_cold_with_server_s", cold, "s", feeds=FEEDS)
        emit("run_warm_with_server_s", statistics.median(warm), "s", feeds=FEEDS, runs=warm)
    finally:
        server.stop()


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="bench-flows-"))
    home = work / "prefect-home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL="WARNING",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="120",  # a busy machine migrates slowly
    )
    os.environ.update({k: v for k, v in env.items() if k.startswith(("PREFECT_", "DO_NOT"))})
    empty_flow = [
        sys.executable,
        "-c",
        "from prefect import flow\nflow(name='empty')(lambda: None)()",
    ]
    try:
        with feed_server() as (feeds_url, feed_server_pid):
            timed_process(empty_flow, env)  # creates the Prefect database once
            starts = [timed_process(empty_flow, env) for _ in range(REPEATS)]
            prefect_start = statistics.median(starts)
            emit("prefect_start_s", prefect_start, "s", runs=starts)

            cold, warm = cli_runs(write_config(work, feeds_url, "cli"), env)
            emit("run_cold_s", cold, "s", feeds=FEEDS)
            emit("run_warm_s", statistics.median(warm), "s", feeds=FEEDS, runs=warm)
            emit("warm_beyond_prefect_start_s", statistics.median(warm) - prefect_start, "s")

            times = paired_runs(feeds_url, feed_server_pid, work)
            emit_runs("flow_warm_s", times["warm"])
            flow_s = emit_runs("flow_s", times["flow"], feeds=FEEDS)
            base_s: dict[str, float] = {}
            for baseline, suffix in (("plain", ""), ("body", "_vs_body")):
                base_s[baseline] = emit_runs(f"{baseline}_s", times[baseline], feeds=FEEDS)
                overhead = 100 * (flow_s - base_s[baseline]) / flow_s
                emit(f"prefect_overhead{suffix}_pct", overhead, "%")
                emit_paired(f"prefect_overhead{suffix}_paired_pct", times["flow"], times[baseline])
            # a served deployment's run keeps heartbeats: Prefect then idles up to 1 s at the end
            served = [
                flow_run(write_config(work, feeds_url, f"served-{r}")) for r in range(REPEATS)
            ]
            served_s = statistics.median(served)
            emit("flow_with_heartbeats_s", served_s, "s", feeds=FEEDS, runs=served)
            emit(
                "prefect_overhead_with_heartbeats_pct",
                100 * (served_s - base_s["plain"]) / served_s,
                "%",
            )
            runs_beside_a_server(work, feeds_url, env, empty_flow)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
