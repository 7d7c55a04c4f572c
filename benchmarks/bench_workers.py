"""A large backfill by one process, by one worker and by two workers of one Prefect server.

usage: python benchmarks/bench_workers.py [--copies N] [--files-per-copy F] [CORPUS.json]
       python benchmarks/bench_workers.py --dask [--rounds R] [--copies N] [-o FILE.json]
The 2,025-release state.gov corpus, N times (default 10: 20,250 documents, each copy's ids
its own), as JSONL files in a temporary folder, backfilled three ways into fresh warehouses:
`ingest backfill DIR` by hand (one process), `ingest backfill DIR --chunks 1` with one
`ingest worker`, and `--chunks 2` with two, against a Prefect server on a throwaway PostgreSQL
(tests/support/postgres.py). Prints JSON lines {"name", "value", "unit"}: wall times, the
speed-up of two workers over one, the worker path's overhead over the run by hand, the load
average before each run (the machine is shared), and the documents each warehouse holds.

--dask measures prefect-dask against run_deployment in one invocation: R rounds (default 2, so
A B A B) of `ingest backfill DIR --chunks 2` on two `ingest worker`s and of the same chunks as
Prefect tasks on a Dask cluster of a scheduler and two `dask worker` processes standing for two
hosts (benchmarks/dask_backfill.py), each into a fresh warehouse, with `ingest check` and the
stored counts of every warehouse; then one more Dask backfill whose first worker is killed
(SIGKILL to it and its nanny: the host is gone) in the middle of its chunk. It needs the `dask`
dependency group (the command is printed when it is missing). Results also go to FILE.json
(default benchmarks/workers_dask.json).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import dask_backfill  # noqa: E402
from bench_extract import DEFAULT_CORPUS, load_documents  # noqa: E402
from ingest.flows.server import free_port, server_environment, start_local_server  # noqa: E402
from support import postgres  # noqa: E402

INGEST = str(Path(sys.executable).parent / "ingest")
DASK = str(Path(sys.executable).parent / "dask")
DASK_BACKFILL = str(Path(__file__).resolve().parent / "dask_backfill.py")
DEFAULT_OUTPUT = ROOT / "benchmarks" / "workers_dask.json"
EMITTED: list[dict[str, Any]] = []  # every line printed, for the --dask output file


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    line = {"name": name, "value": value, "unit": unit, **extra}
    EMITTED.append(line)
    print(json.dumps(line), flush=True)


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
    command = [INGEST, "backfill", str(source), "--settings", str(settings), *extra]
    return timed_run(" ".join(extra) or "by hand", command, env)


def timed_run(label: str, command: list[str], env: dict[str, str]) -> float:
    """Wall seconds of one backfill command, with the load average before and after it."""
    emit("load_average_1min_before", os.getloadavg()[0], "", run=label)
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    emit("load_average_1min_after", os.getloadavg()[0], "", run=label)
    if done.returncode != 0:
        raise RuntimeError(f"{label} failed: {done.stdout}{done.stderr}")
    return seconds


def stored_documents(settings: Path) -> int:
    done = subprocess.run(
        [INGEST, "sql", "select count(*) from stg_documents", "--csv", "--settings", str(settings)],
        capture_output=True,
        text=True,
        check=True,
    )
    return int(done.stdout.strip().splitlines()[-1])


# what a warehouse holds: ids hashed in order, so two warehouses holding the same rows agree
WAREHOUSE_QUERY = """
select (select count(*) from stg_documents) as documents,
       (select count(*) from stg_document_versions) as document_versions,
       (select count(*) from fct_events) as events,
       (select count(*) from stg_event_versions) as event_versions,
       (select count(*) from stg_participants) as participants,
       (select md5(string_agg(doc_id, ',' order by doc_id)) from stg_documents) as doc_ids_md5,
       (select md5(string_agg(event_id, ',' order by event_id)) from fct_events) as event_ids_md5
"""


def warehouse_held(settings: Path) -> dict[str, Any]:
    """The warehouse's counts and id hashes, and whether `ingest check` passes on it."""
    done = subprocess.run(
        [INGEST, "sql", " ".join(WAREHOUSE_QUERY.split()), "--json", "--settings", str(settings)],
        capture_output=True,
        text=True,
        check=True,
    )
    held: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    checked = subprocess.run(
        [INGEST, "check", "--settings", str(settings)], capture_output=True, text=True
    )
    held["checks_pass"] = checked.returncode == 0
    return held


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


def start_dask_cluster(
    count: int, env: dict[str, str], base: Path
) -> tuple[str, list[subprocess.Popen[bytes]]]:
    """`dask scheduler` and `count` `dask worker`s (one thread each, like `ingest worker
    --limit 1`), each in a process group of its own as on its own host; the scheduler's
    address and the processes, the scheduler first, once every worker has registered."""
    from distributed import Client

    address = f"tcp://127.0.0.1:{free_port()}"
    base.mkdir(parents=True, exist_ok=True)
    host, port = address.removeprefix("tcp://").split(":")
    scheduler = [DASK, "scheduler", "--host", host, "--port", port, "--no-dashboard"]
    processes = [_logged_process(scheduler, env, base / "scheduler.log")]
    for index in range(count):
        home = base / f"dask-{index}"
        home.mkdir()
        command = [DASK, "worker", address, "--name", f"dask-{index}", "--nthreads", "1"]
        command += ["--no-dashboard", "--local-directory", str(home)]
        processes.append(_logged_process(command, {**env, "PREFECT_HOME": str(home)}, home / "log"))
    with Client(address, timeout=60) as client:
        client.wait_for_workers(count, timeout=120)
    return address, processes


def _logged_process(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True
    )


def dask_command(address: str, source: Path, settings: Path) -> list[str]:
    command = [sys.executable, DASK_BACKFILL, str(source), "--scheduler", address]
    return [*command, "--chunks", "2", "--settings", str(settings)]


def compare_with_dask(source: Path, base: Path, rounds: int) -> None:
    """Rounds of run_deployment on two workers and of prefect-dask on two Dask workers, one
    after the other against one Prefect server on PostgreSQL; then the Dask kill trial."""
    with postgres.postgres_server("prefect") as database:
        url = database.url("postgresql+asyncpg")
        server = start_local_server(base / "server-home", ui=False, database_url=url)
        workers: list[subprocess.Popen[bytes]] = []
        dask_processes: list[subprocess.Popen[bytes]] = []
        try:
            client = server_environment(base / "client-home", server.api_url)
            deploy(client)
            workers = start_workers(2, client, base / "w2")
            address, dask_processes = start_dask_cluster(2, client, base / "dask")
            time.sleep(5)  # the Prefect workers registered and polling before the clock starts
            seconds: dict[str, list[float]] = {"run_deployment": [], "dask": []}
            held: dict[str, dict[str, Any]] = {}
            for round_number in range(1, rounds + 1):
                for path in ("run_deployment", "dask"):
                    settings = settings_file(base / f"{path}-{round_number}")
                    if path == "dask":
                        command = dask_command(address, source, settings)
                    else:
                        command = [INGEST, "backfill", str(source), "--chunks", "2"]
                        command += ["--settings", str(settings)]
                    took = timed_run(f"{path}, 2 workers, round {round_number}", command, client)
                    seconds[path].append(took)
                    held[f"{path}-{round_number}"] = warehouse_held(settings)
                    emit(
                        f"backfill_{path}_2_workers_s",
                        round(took, 1),
                        "s",
                        round=round_number,
                        **held[f"{path}-{round_number}"],
                    )
            mean = {path: sum(values) / len(values) for path, values in seconds.items()}
            emit(
                "run_deployment_over_dask_time",
                round(mean["run_deployment"] / mean["dask"], 3),
                "x",
                run_deployment_mean_s=round(mean["run_deployment"], 1),
                dask_mean_s=round(mean["dask"], 1),
            )
            reference = _comparable(held["run_deployment-1"])
            emit(
                "warehouses_equal",
                all(_comparable(h) == reference for h in held.values()),
                "",
                warehouses=len(held),
            )
            dask_kill_trial(address, dask_processes, source, base, client, mean["dask"], reference)
        finally:
            stop_workers(workers)
            stop_workers(dask_processes[1:])
            stop_workers(dask_processes[:1])
            server.stop()


def deploy(env: dict[str, str]) -> None:
    deployed = subprocess.run([INGEST, "deploy"], env=env, cwd=ROOT, capture_output=True, text=True)
    if deployed.returncode != 0:
        raise RuntimeError(deployed.stderr)


def _comparable(held: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in held.items() if key != "checks_pass"}


def dask_kill_trial(
    address: str,
    processes: list[subprocess.Popen[bytes]],
    source: Path,
    base: Path,
    env: dict[str, str],
    dask_seconds: float,
    reference: dict[str, Any],
) -> None:
    """A Dask backfill whose first worker host dies (SIGKILL to the `dask worker` process group:
    nanny and worker) once it has run its chunk for 40 % of a Dask round's time: does the chunk
    run again, and does the warehouse hold what the others hold (nothing lost or doubled)?"""
    logs = [base / "dask" / f"dask-{index}" / "log" for index in range(len(processes) - 1)]
    started_before = [_chunk_starts(log) for log in logs]
    survivor_log_start = logs[1].stat().st_size
    settings = settings_file(base / "dask-killed")
    emit("load_average_1min_before", os.getloadavg()[0], "", run="dask, one worker killed")
    started = time.perf_counter()
    backfilling = subprocess.Popen(
        dask_command(address, source, settings),
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    while _chunk_starts(logs[0]) == started_before[0]:
        if time.perf_counter() - started > 600 or backfilling.poll() is not None:
            raise RuntimeError(f"no chunk began on dask-0: {logs[0].read_text(errors='replace')}")
        time.sleep(0.2)
    time.sleep(0.4 * dask_seconds)
    killed_after = time.perf_counter() - started
    os.killpg(processes[1].pid, signal.SIGKILL)
    processes[1].wait()
    output, _ = backfilling.communicate(timeout=3600)
    seconds = time.perf_counter() - started
    emit("load_average_1min_after", os.getloadavg()[0], "", run="dask, one worker killed")
    chunk_lines = [line for line in output.splitlines() if line.startswith("chunk ")]
    held = warehouse_held(settings)
    emit(
        "dask_one_worker_killed_s",
        round(seconds, 1),
        "s",
        killed_after_s=round(killed_after, 1),
        exit_status=backfilling.returncode,
        chunks=chunk_lines,
        chunk_starts_on_survivor=_chunk_starts(logs[1]) - started_before[1],
        equals_the_other_warehouses=_comparable(held) == reference,
        survivor_chunk_task_runs=_chunk_task_runs(logs[1], survivor_log_start),
        **held,
    )


def _chunk_task_runs(log: Path, offset: int) -> list[str]:
    """What Prefect logged of the chunk tasks on a Dask worker since `offset`."""
    with log.open("rb") as lines:
        lines.seek(offset)
        text = lines.read().decode("utf-8", errors="replace")
    return [line for line in text.splitlines() if "'backfill-chunk-" in line]


def _chunk_starts(log: Path) -> int:
    return log.read_text(encoding="utf-8", errors="replace").count(dask_backfill.CHUNK_STARTED)


def write_output(path: Path, copies: int) -> None:
    """Every emitted line, with when, where and how it was measured, as one JSON file."""
    output = {
        "benchmark": "workers_dask",
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": f"{os.uname().machine}, {os.cpu_count()} cores, {sys.version.split()[0]}",
        "command": " ".join(["python", "benchmarks/bench_workers.py", *sys.argv[1:]]),
        "copies": copies,
        "results": EMITTED,
    }
    path.write_text(json.dumps(output, indent=2) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--files-per-copy", type=int, default=2)
    parser.add_argument("--dask", action="store_true", help="run_deployment vs prefect-dask")
    parser.add_argument("--rounds", type=int, default=2, help="--dask: rounds of both paths")
    parser.add_argument("-o", "--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    if args.dask:
        missing = dask_backfill.missing_packages()
        if missing is not None:
            sys.exit(f"error: {missing}")
    base = Path(tempfile.mkdtemp(prefix="bench-workers-"))
    try:
        source = base / "corpus"
        documents = write_corpus(args.corpus, args.copies, args.files_per_copy, source)
        emit("documents", documents, "docs", files=len(list(source.iterdir())))
        if args.dask:
            compare_with_dask(source, base, args.rounds)
            write_output(args.output, args.copies)
            return
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
