"""A pipeline process to kill: loads everything once, then forks one child per requested run.

    python tests/reliability/crash_driver.py       # prints "ready", then reads JSON jobs

Each stdin line is a job {"root": dir, "feeds": [...], "kill_after": seconds | null,
"crash_at": null | point}; the driver forks a child that runs the ingest-feeds flow body
(reliability.harness.run_pipeline) on a warehouse in `root`, sends it SIGKILL after kill_after
seconds if it is still running (the driver kills before reaping, so the pid cannot have been
reused), and prints "exit <pid> <status> <killed 0|1>". Forking a warmed-up process makes a
trial cost the run itself, not the ~8 s of imports and gazetteer loading a fresh interpreter
needs.

crash_at names a deterministic kill point (the child kills itself with SIGKILL there): see
CRASH_POINTS and CRASH_POINTS_WITH_ARGUMENT ("events-month=2022-08", "rename=_tmp-").
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")

import ingest.pipeline.feeds  # noqa: E402,F401  (imported before forking: children start warm)
from ingest import publication, state, store, warehouse  # noqa: E402
from ingest.config import Feed  # noqa: E402
from ingest.extract import extract  # noqa: E402
from ingest.records import Document  # noqa: E402
from reliability.harness import corpus_items, fault_settings, run_pipeline  # noqa: E402


def _warm_up() -> None:
    item = corpus_items()[0]
    extract(Document(doc_id="warm:1", text=item["content"], title=item["title"]))


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _kill_between(first: str, second: str) -> None:
    """Die when store.<second> starts, once store.<first> has finished (or after 2 s)."""
    first_done = threading.Event()
    first_write, second_write = getattr(store, first), getattr(store, second)

    def first_then_mark(*args: Any, **kwargs: Any) -> Any:
        written = first_write(*args, **kwargs)
        first_done.set()
        return written

    def second_dies(*args: Any, **kwargs: Any) -> Any:
        first_done.wait(2)
        _die()
        return second_write(*args, **kwargs)

    setattr(store, first, first_then_mark)
    setattr(store, second, second_dies)


def _kill_at_publication() -> None:
    """Die as the publication is written, the marts and the run's loads row written."""
    load_row_written = threading.Event()
    write_load, write = store.write_load, publication.write

    def load_row_then_mark(*args: Any, **kwargs: Any) -> None:
        write_load(*args, **kwargs)
        load_row_written.set()

    def dies_once_recorded(*args: Any, **kwargs: Any) -> None:
        if load_row_written.is_set():
            _die()
        write(*args, **kwargs)

    store.write_load = load_row_then_mark
    publication.write = dies_once_recorded


def _kill_on_entry(module: Any, name: str) -> None:
    def dies(*args: Any, **kwargs: Any) -> Any:
        _die()

    setattr(module, name, dies)


def _kill_at_events_month(month: str) -> None:
    """Die when the events write reaches the file of `month`, the earlier months renamed (F7).

    One write thread: partitions are then written in ascending month order, one after the other.
    """
    write_file = store.write_file
    store.WRITE_THREADS = 1

    def dies_at_month(fs: Any, directory: str, *args: Any, **kwargs: Any) -> Any:
        if directory.endswith(f"/events/month={month}"):
            _die()
        return write_file(fs, directory, *args, **kwargs)

    store.write_file = dies_at_month


def _kill_at_rename(marker: str) -> None:
    """Die instead of the first rename of a temporary file whose name holds marker (F8)."""
    replace = os.replace

    def dies_at_rename(source: Any, target: Any, *args: Any, **kwargs: Any) -> Any:
        if marker in os.path.basename(os.fspath(source)):
            _die()
        return replace(source, target, *args, **kwargs)

    os.replace = dies_at_rename  # the child dies anyway: no need to restore it


# points taking an argument, written "<name>=<argument>"
CRASH_POINTS_WITH_ARGUMENT = {
    # events of the months before <YYYY-MM> renamed into place, that month's file not (F7)
    "events-month": _kill_at_events_month,
    # a Parquet (`_tmp-`), state (`.feeds-`) or serving file (`.duckdb.tmp-`) temp not renamed
    "rename": _kill_at_rename,
}

CRASH_POINTS = {
    # documents stored, their events not yet
    "after-documents": lambda: _kill_between("write_documents", "write_events"),
    # events stored, their documents not yet
    "after-events": lambda: _kill_between("write_events", "write_documents"),
    # every table written, nothing published yet
    "before-publish": lambda: _kill_on_entry(warehouse, "publish"),
    # marts computed and the loads row written, the publication not replaced
    "before-publication": _kill_at_publication,
    # published, the serving file not checked yet and the feed state not saved
    "before-views": lambda: _kill_on_entry(warehouse, "_refresh_serving_file"),
    # published, the feed state not saved
    "before-state-save": lambda: _kill_on_entry(state, "save_states"),
}


def _child(job: dict[str, Any]) -> None:
    settings = fault_settings(Path(job["root"]))
    feeds = [
        Feed(**{**feed, "allowed_domains": tuple(feed["allowed_domains"])}) for feed in job["feeds"]
    ]
    point = job.get("crash_at")
    if point and "=" in point:
        name, argument = point.split("=", 1)
        CRASH_POINTS_WITH_ARGUMENT[name](argument)
    elif point:
        CRASH_POINTS[point]()
    run_pipeline(settings, feeds, force=False)


def main() -> None:
    _warm_up()
    print("ready", flush=True)
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                _child(job)
            except BaseException as error:
                print(f"child error {type(error).__name__}: {error}", file=sys.stderr, flush=True)
                status = 1
            os._exit(status)
        status, killed = _wait(pid, job.get("kill_after"))
        print(f"exit {pid} {status} {int(killed)}", flush=True)


def _wait(pid: int, kill_after: float | None) -> tuple[int, bool]:
    if kill_after is not None:
        deadline = time.monotonic() + kill_after
        while time.monotonic() < deadline:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return status, False
            time.sleep(0.005)
        os.kill(pid, signal.SIGKILL)  # our own unreaped child: the pid is still ours
        _, status = os.waitpid(pid, 0)
        return status, True
    _, status = os.waitpid(pid, 0)
    return status, False


if __name__ == "__main__":
    main()
