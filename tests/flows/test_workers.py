"""Workers on several hosts, on one machine: a Prefect server on PostgreSQL, two `ingest worker`
processes (each with a Prefect home of its own, as on two hosts), and `ingest backfill --chunks`
of the bundled archive split across them. The warehouse equals one process's backfill; a worker
killed mid-chunk (SIGKILL, with the chunk's process) has its chunk run again by the other, and
nothing is lost or doubled."""

from __future__ import annotations

import functools
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

import httpx
import pytest

from ingest.config import Settings, load_settings
from ingest.flows.server import LocalServer, server_environment, start_local_server
from ingest.pipeline import steps
from ingest.pipeline.execution import LocalRunner, Outcome, RunnerFactory
from ingest.warehouse import query
from support import postgres
from support.lakecrash import lake_settings
from support.lakehosts import Lake, Servers, credentials, new_lake, s3_bucket

ROOT = Path(__file__).resolve().parents[2]
ARCHIVE = (
    ROOT / "config" / "demo" / "archive" / "state.gov_press-releases_2021-05_to_2022-08.tar.gz"
)
INGEST = str(Path(sys.executable).parent / "ingest")
SOURCE = ["--source", "us-state-archive", "--timezone", "America/New_York"]
# a killed worker's chunk is declared Crashed this long after its last heartbeat (every 30 s,
# the first when the run starts): short for the test, with room for a busy machine
CRASH_AFTER_SECONDS = 45
FEEDS = ROOT / "tests" / "fixtures" / "feeds"
R = TypeVar("R")

pytestmark = [
    pytest.mark.server,
    pytest.mark.skipif(not postgres.available(), reason="PostgreSQL is not installed"),
]


@dataclass
class Cluster:
    """The server, the workers standing for two hosts (by name), and an environment that
    reaches them; a test that kills a worker starts it again for the next one."""

    server: LocalServer
    env: dict[str, str]
    workers: dict[str, subprocess.Popen[bytes]]
    worker_env: dict[str, str]
    logs: Path

    def start_dead_workers(self) -> None:
        for name, worker in self.workers.items():
            if worker.poll() is not None:
                self.workers[name] = _start_worker(name, self.worker_env, self.logs)

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(encoding="utf-8")


def _start_worker(name: str, env: dict[str, str], base: Path) -> subprocess.Popen[bytes]:
    """`ingest worker` as host `name`, its Prefect home its own, its log appended to."""
    with (base / f"{name}.log").open("ab") as log:
        return subprocess.Popen(
            [INGEST, "worker", "--name", name],
            env={**env, "PREFECT_HOME": str(base / name)},
            cwd=base,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own group: killed with its runs
        )


def _settings(directory: Path, lake: Lake | None = None) -> Path:
    """A settings file: a data root under `directory`, or `lake`'s (its S3 server, catalog)."""
    directory.mkdir(parents=True)
    path = directory / "settings.toml"
    data = (
        f'data_root = "{directory / "data"}"\n'
        if lake is None
        else f'data_root = "{lake.data_root}"\ncatalog = "{lake.catalog}"\n'
        f's3_endpoint = "{lake.servers.s3_endpoint}"\n'
    )
    path.write_text(
        f'{data}serving_path = "{directory / "ingest.duckdb"}"\n'
        f'state_path = "{directory / "state" / "feeds.json"}"\n',
        encoding="utf-8",
    )
    return path


def _ingest(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [INGEST, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=240
    )


@pytest.fixture(scope="module")
def database() -> Iterator[postgres.Postgres]:
    """One PostgreSQL cluster: Prefect's database, and each lake's catalog beside it."""
    with postgres.postgres_server("prefect") as started:
        yield started


@pytest.fixture(scope="module")
def servers(database: postgres.Postgres) -> Iterator[Servers]:
    """The lakes' servers: the catalog's PostgreSQL (the cluster's) and an S3 server (moto)."""
    with s3_bucket() as endpoint:
        yield Servers(database, endpoint)


@pytest.fixture(scope="module")
def cluster(servers: Servers, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    base = tmp_path_factory.mktemp("workers")
    database = servers.postgres
    server = start_local_server(
        base / "server-home", ui=False, database_url=database.url("postgresql+asyncpg")
    )
    workers: dict[str, subprocess.Popen[bytes]] = {}
    try:
        env = server_environment(base / "client-home", server.api_url)
        deployed = _ingest(
            ["deploy", "--crash-after", str(CRASH_AFTER_SECONDS), "--settings",
             str(_settings(base / "deployed")), "--config", str(ROOT / "config" / "demo.toml")],
            env,
            base,
        )  # fmt: skip
        assert deployed.returncode == 0, deployed.stderr
        assert "deployed backfill/on-demand on work pool 'ingest'" in deployed.stdout
        worker_env = {
            **env,
            **credentials(servers),  # the object store's and the catalog's
            "PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL": "INFO",  # the log names the runs it took
        }
        for name in ("host-a", "host-b"):
            workers[name] = _start_worker(name, worker_env, base)
        yield Cluster(server, env, workers, worker_env, base)
    finally:
        for worker in workers.values():
            _kill_group(worker, signal.SIGTERM)
        server.stop()


def _kill_group(process: subprocess.Popen[bytes], signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
        process.wait(timeout=20)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def one_process_stores(
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[[], dict[str, object]]:
    """What one process's backfill of the archive stores, on a local data root, computed the
    first time a test asks (while its killed run waits for the crash) and kept for the module:
    the ids and counts compared do not depend on where the data root is."""

    @functools.cache
    def stored() -> dict[str, object]:
        directory = tmp_path_factory.mktemp("one-process")
        return one_process(load_settings(str(_settings(directory / "one"))))

    return stored


def one_process(settings: Settings) -> dict[str, object]:
    """What one process's backfill of the archive stores (the library's run, no Prefect)."""
    from ingest.backfill import backfill_feed
    from ingest.pipeline.archive import backfill

    summary = backfill(
        settings, backfill_feed("us-state-archive", "America/New_York"), str(ARCHIVE)
    )
    assert summary.status == "ok" and summary.documents_new > 1900
    return _stored(settings)


def _stored(settings: Settings) -> dict[str, object]:
    """Document and event ids of the views, and row counts of every stored version."""

    def one(sql: str) -> object:
        return query(settings, sql).rows[0][0]

    return {
        "doc_ids": one("select list(doc_id order by doc_id) from stg_documents"),
        "event_ids": one("select list(event_id order by event_id) from fct_events"),
        "document_versions": one("select count(*) from stg_document_versions"),
        "event_versions": one("select count(*) from stg_event_versions"),
        "participants": one("select count(*) from stg_participants"),
        "people": one("select count(*) from dim_people"),
    }


def test_a_backfill_in_chunks_on_two_workers_equals_one_process_though_one_is_killed(
    cluster: Cluster,
    servers: Servers,
    one_process_stores: Callable[[], dict[str, object]],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Two chunks start side by side, one on each host, both writing to an s3:// data root
    (moto) with the PostgreSQL catalog; host A dies in the middle of its chunk (SIGKILL to its
    worker and the chunk's process); once A's run is marked Crashed (no heartbeat for
    CRASH_AFTER_SECONDS) the chunk runs again on host B. The warehouse equals one process's
    backfill on a local disk: no document or event lost, no version stored twice; `ingest check`
    passes. Meanwhile a run claimed by a worker that died before starting it (left Pending: no
    heartbeat ever comes) is crashed all the same. Both waits run at once: a third case, a local
    root's worker dying after its claim, waited 45 s more and ran the same rerun (the local
    root's chunks at once: test_chunks_running_at_once_store_every_document_once)."""
    cluster.start_dead_workers()
    for name, value in credentials(servers).items():  # this process reads the lake too
        monkeypatch.setenv(name, value)
    lake = new_lake(servers, "workers")
    settings_file = _settings(tmp_path / "w", lake)
    logged = {name: len(cluster.log(name)) for name in cluster.workers}
    backfilling = subprocess.Popen(
        [INGEST, "backfill", str(ARCHIVE), "--chunks", "2", "--settings", str(settings_file),
         *SOURCE],
        env=cluster.env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    orphan = _claimed_by_a_dead_worker(cluster)
    _wait_for_a_running_chunk(cluster, "host-a", logged["host-a"])
    _kill_group(cluster.workers["host-a"], signal.SIGKILL)  # the host is gone, with its chunk
    # while the server waits for the missing heartbeats: what one process stores
    expected = one_process_stores()
    output, _ = backfilling.communicate(timeout=300)
    assert backfilling.returncode == 0, output
    assert output.count(": backfill ok") == 2, output
    assert "(attempt 2): backfill ok" in output, output
    assert "backfill in 2 chunks: ok" in output
    assert _stored(lake_settings(lake, tmp_path / "reader")) == expected  # one more host
    checked = _ingest(["check", "--settings", str(settings_file)], cluster.worker_env, tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert _crashed_message(cluster, orphan) == (
        f"no heartbeat, or not started, for {CRASH_AFTER_SECONDS} s: its worker died"
    )
    host_b_log = cluster.log("host-b")[logged["host-b"] :]
    assert host_b_log.count("Beginning subflow run") == 2, host_b_log  # its chunk, then A's
    assert cluster.workers["host-b"].poll() is None


def _claimed_by_a_dead_worker(cluster: Cluster) -> str:
    """A run of the backfill deployment in the state a worker claims it with (Pending) and no
    process started: what a worker that died right after its claim leaves. Workers take only
    Scheduled runs, so none starts it. Its id."""
    api = cluster.server.api_url
    deployment = httpx.get(f"{api}/deployments/name/backfill/on-demand", timeout=10)
    deployment.raise_for_status()
    created = httpx.post(
        f"{api}/deployments/{deployment.json()['id']}/create_flow_run",
        json={"state": {"type": "PENDING", "name": "Pending"}, "parameters": {"path": "none"}},
        timeout=10,
    )
    created.raise_for_status()
    return str(created.json()["id"])


def _crashed_message(cluster: Cluster, flow_run_id: str, timeout: float = 60) -> str | None:
    """The run's state message once the server has marked it Crashed (None if it never is)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = _flow_run(cluster, flow_run_id)["state"]
        if state["type"] == "CRASHED":
            return str(state["message"])
        time.sleep(0.5)
    return None


def _flow_run(cluster: Cluster, flow_run_id: str) -> dict[str, Any]:
    answer = httpx.get(f"{cluster.server.api_url}/flow_runs/{flow_run_id}", timeout=10)
    answer.raise_for_status()
    return dict(answer.json())


def _wait_for_a_running_chunk(
    cluster: Cluster, worker: str, offset: int, timeout: float = 120
) -> None:
    """Until the worker's chunk has begun (its flow run sent its first heartbeat) and is
    extracting: its log after `offset` says so."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if "Task run 'read-backfill" in cluster.log(worker)[offset:]:
            return
        time.sleep(0.2)
    raise AssertionError(f"no chunk began on {worker}: {cluster.log(worker)[offset:]}")


def test_every_document_falls_in_one_chunk_the_same_in_every_process() -> None:
    from ingest.pipeline.archive import Chunk, chunks_of

    ids = [f"us-state-archive:{number:024x}" for number in range(2000)]
    for count in (1, 2, 3, 7):
        chunks = chunks_of(count)
        assert [sum(chunk.holds(doc_id) for chunk in chunks) for doc_id in ids] == [1] * 2000
        sizes = [sum(chunk.holds(doc_id) for doc_id in ids) for chunk in chunks]
        assert min(sizes) > 0.8 * 2000 / count, sizes  # about even
    # a hash of the id alone: the same on every host and in every process (no PYTHONHASHSEED)
    held = subprocess.run(
        [sys.executable, "-c", "from ingest.pipeline.archive import Chunk; "
         "print([Chunk(i, 3).holds('us-state-archive:a') for i in range(3)])"],
        env={**os.environ, "PYTHONHASHSEED": "random"}, capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert held.stdout.strip() == str([Chunk(i, 3).holds("us-state-archive:a") for i in range(3)])
    with pytest.raises(ValueError, match="at least 1"):
        chunks_of(0)
    with pytest.raises(ValueError, match="no such chunk"):
        Chunk(2, 2)


def test_a_chunk_reads_only_its_files_of_a_directory_or_an_archive(tmp_path: Path) -> None:
    import tarfile

    from ingest.config import Settings
    from ingest.sources import iter_items, list_items

    with tarfile.open(ARCHIVE) as archive:
        archive.extractall(tmp_path / "files", filter="data")
    directory = next(p.parent for p in (tmp_path / "files").rglob("*.xml"))
    settings = Settings()
    for source in (directory, ARCHIVE):
        names = list_items(source)
        chunk = names[3:5]
        read = [item.name for item in iter_items(source, settings, only=chunk)]
        assert read == chunk, source
        assert [item.name for item in iter_items(source, settings)] == names


def test_a_worker_without_a_server_is_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    demo_feeds = str(ROOT / "config" / "demo.toml")
    for args in (
        ["worker"],
        ["deploy", "--config", demo_feeds],
        ["backfill", str(ARCHIVE), "--chunks", "2"],
    ):
        done = _ingest(args, env, tmp_path)
        assert done.returncode == 1, done.stderr
        assert done.stderr.startswith("Error: ingest ") and "set PREFECT_API_URL" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_a_chunk_run_again_after_it_was_published_adds_nothing(tmp_path: Path) -> None:
    """A worker may die after its chunk published but before Prefect heard the run complete:
    the chunk then runs again, and the store skips every document it already holds."""
    from ingest.backfill import backfill_feed
    from ingest.config import load_settings
    from ingest.pipeline.archive import Chunk, backfill

    settings = load_settings(str(_settings(tmp_path / "w")))
    feed = backfill_feed("us-state-archive", "America/New_York")
    source = ROOT / "tests" / "fixtures" / "feeds"
    chunk = Chunk(1, 2)
    first = backfill(settings, feed, str(source), chunk=chunk)
    again = backfill(settings, feed, str(source), chunk=chunk)
    assert first.documents_new > 10 and first.events_written > 10
    assert (again.documents_new, again.documents_revised, again.events_written) == (0, 0, 0)
    assert _stored(settings)["document_versions"] == first.documents_new


class _HookedWrite:
    """Runs steps as LocalRunner does, with `before` and `after` called around the run's first
    write (the store step, waited for)."""

    def __init__(
        self, settings: Settings, before: Callable[[], None], after: Callable[[], None]
    ) -> None:
        self._steps = LocalRunner(settings)
        self._hooks: tuple[Callable[[], None], Callable[[], None]] | None = (before, after)

    def __enter__(self) -> _HookedWrite:
        self._steps.__enter__()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._steps.__exit__(kind, error, trace)

    def submit(self, step: Callable[..., R], params: Mapping[str, Any]) -> Outcome[R]:
        if step is not steps.store_batch or self._hooks is None:
            return self._steps.submit(step, params)
        (before, after), self._hooks = self._hooks, None
        before()
        written = self._steps.submit(step, params)
        written.result()
        after()
        return written


def _overlapped(
    first: Callable[[RunnerFactory], object], second: Callable[[RunnerFactory], object]
) -> None:
    """Two chunks' backfills whose writes overlap as on two workers: the second writes and
    waits, unpublished, while the first writes; then the second publishes, then the first."""
    second_wrote, first_wrote = threading.Event(), threading.Event()

    def second_waits() -> None:
        second_wrote.set()
        assert first_wrote.wait(timeout=120)

    with ThreadPoolExecutor(1) as thread:  # a thread: a run context of its own
        running: list[Future[object]] = []

        def start_second() -> None:
            running.append(thread.submit(second, lambda s: _HookedWrite(s, _nothing, second_waits)))
            assert second_wrote.wait(timeout=120)

        def let_second_publish() -> None:
            first_wrote.set()
            running[0].result()

        first(lambda s: _HookedWrite(s, start_second, let_second_publish))


def _nothing() -> None:
    pass


def _snapshots_of_one_feed(directory: Path) -> Path:
    """Three feed files: the second repeats the first's ten releases, one of them revised."""
    directory.mkdir(parents=True)
    first = (FEEDS / "state.gov_press-releases_rss_2022-02-24.xml").read_bytes()
    revised = first.replace(b"spoke today with the UAE", b"spoke by phone today with the UAE")
    assert revised != first
    (directory / "state-2022-02-24-a.xml").write_bytes(first)
    (directory / "state-2022-02-24-b.xml").write_bytes(revised)
    shutil.copyfile(
        FEEDS / "state.gov_press-releases_rss_2022-08-03.xml", directory / "state-2022-08-03.xml"
    )
    return directory


def _chunk_arguments(chunks: int) -> list[dict[str, Any]]:
    """What `ingest backfill --chunks` hands each chunk's run, besides the source."""
    from ingest.pipeline.archive import chunks_of

    return [{"chunk": chunk} for chunk in chunks_of(chunks)]


@pytest.mark.parametrize("kind", ["local", "lake"])
def test_chunks_running_at_once_store_every_document_once(
    kind: str, servers: Servers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two chunks of a source write at once, neither published: the store holds what one
    process's backfill holds (every version of a document once), on a local data root and on
    a lake. With chunks of consecutive files (before issue 20's fix) a local root held 30
    document versions for 20 (nine releases of both snapshots twice, two current events each)
    and a lake 21 (its commit skipped those nine, not the revised release's first version)."""
    from ingest.backfill import backfill_feed
    from ingest.pipeline.archive import backfill

    source = _snapshots_of_one_feed(tmp_path / "source")
    feed = backfill_feed("us-state-archive", "America/New_York")
    for name, value in credentials(servers).items():
        monkeypatch.setenv(name, value)

    def store(name: str) -> Settings:
        if kind == "local":
            return load_settings(str(_settings(tmp_path / name)))
        return lake_settings(new_lake(servers, f"{name}_{kind}"), tmp_path / name)

    alone = store("alone")
    backfill(alone, feed, str(source))
    expected = _stored(alone)
    # 20 releases; of the revised one a run keeps the later version (one load, one fetch time)
    assert expected["document_versions"] == 20

    together = store("together")
    first, second = (
        functools.partial(backfill, together, feed, str(source), **arguments)
        for arguments in _chunk_arguments(2)
    )
    _overlapped(lambda runner: first(runner=runner), lambda runner: second(runner=runner))
    assert _stored(together) == expected
