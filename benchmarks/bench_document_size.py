"""Peak memory of one very long release: `ingest extract` and an `ingest run` flow body, per size.

For each size (MB of release text: 1, 5, 12 and 20 by default) this writes one document of that
many characters of real release paragraphs (the state.gov corpus, repeated) as a JSONL line and
as the one item of an RSS feed, then measures, each in a new process:

- `ingest extract DOCS.jsonl -o OUT.jsonl`, the real command;
- the ingest-feeds flow body (fetch over HTTP from a server in its own process, parse, extract,
  store, refresh the views) without a Prefect API, as benchmarks/bench_load.py runs it, with
  max_body_bytes raised to 32 MB so that the 20 MB item's feed is fetched at all.

Peak RSS is the child's own maximum resident set (os.wait4's ru_maxrss): nothing is sampled.
Linux starts a child's ru_maxrss at its parent's resident size when it forks, so this process
stays small (the inputs are written by a child too): the floor is ~20 MB.
The README promises a run under 600 MB for any input within the caps.
Usage: python benchmarks/bench_document_size.py [--sizes 1,5,12,20]
Prints JSON lines {"name", "value", "unit", ...}.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")

RSS_TARGET_MB = 600
RUN_BODY_CAP = 32_000_000
# children import this checkout, whatever the virtual environment has installed
CHILD_ENV = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / d) for d in ("src", "."))}


def emit(name: str, value: float, unit: str, **extra: Any) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}), flush=True)


def release_text(chars: int) -> str:
    """Real release paragraphs, one per line, repeated to `chars` characters."""
    from ingest.htmltext import html_to_text
    from reliability.harness import corpus_items

    base = "\n".join(html_to_text(item["content"]) for item in corpus_items(full=True)[:200])
    return (base * (chars // len(base) + 1))[:chars]


def write_inputs(directory: Path, size_mb: int) -> None:
    from reliability.harness import corpus_items, rss, rss_item

    text = release_text(size_mb * 1_000_000)
    docs = directory / f"doc-{size_mb}mb.jsonl"
    row = {"id": f"big-{size_mb}", "title": "A very long release", "text": text}
    docs.write_text(json.dumps(row) + "\n", encoding="utf-8")
    html = "<p>" + text.replace("\n", "</p>\n<p>") + "</p>"
    item = {**corpus_items()[0], "content": html, "description": "A very long release."}
    feed = directory / f"feed-{size_mb}mb.xml"
    feed.write_bytes(rss([rss_item(item, guid=f"big-{size_mb}")]))


def measured(command: list[str]) -> tuple[int, float, float, str]:
    """(exit status, peak RSS in MB, seconds, stdout) of one child process."""
    started = time.monotonic()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.DEVNULL, env=CHILD_ENV)
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return child.returncode, usage.ru_maxrss / 1024, seconds, text


# --- the children ---------------------------------------------------------------------------


def serve(directory: Path) -> None:
    """Serve every feed-*.xml of directory at /NAME; print the base URL; run until stdin closes."""
    from support.feedserver import FeedServer, Route, serve_until_stdin_closes

    server = FeedServer()
    for path in sorted(directory.glob("feed-*.xml")):
        server.route(f"/{path.name}", Route(body=path.read_bytes(), chunk_size=1 << 16))
    serve_until_stdin_closes(server)


def run_once(url: str, warehouse: Path) -> None:
    """One ingest-feeds flow body over the one feed at url; prints what it stored."""
    from ingest import store
    from reliability.harness import fault_settings, make_feed, run_pipeline

    settings = fault_settings(
        warehouse,
        connect_timeout=10.0,
        read_timeout=20.0,
        total_timeout=120.0,
        max_body_bytes=RUN_BODY_CAP,
        retries=0,
        max_concurrency=8,
    )
    summary = run_pipeline(settings, [make_feed("big", url)])
    documents = store.read_table(settings, "documents").to_pylist()
    print(
        json.dumps(
            {
                "status": summary.status,
                "events": summary.events_written,
                "stored_chars": [len(d["text"]) for d in documents],
                "is_text_cut": [d.get("is_text_cut") for d in documents],
                "failures": [reason[:120] for _, reason in summary.failures],
            }
        )
    )


# --- the benchmark ----------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1,5,12,20", help="MB of release text, comma-separated")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--write", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--run", nargs=2, metavar=("URL", "WAREHOUSE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.serve is not None:
        serve(args.serve)
    elif args.write is not None:
        for size in sizes:
            write_inputs(args.write, size)
    elif args.run is not None:
        run_once(args.run[0], Path(args.run[1]))
    else:
        _bench(sizes)


def _bench(sizes: list[int]) -> None:
    from support.feedserver import in_own_process

    with tempfile.TemporaryDirectory(prefix="bench-document-size-") as tmp:
        work = Path(tmp)
        subprocess.run(
            [sys.executable, __file__, "--write", tmp, "--sizes", ",".join(map(str, sizes))],
            check=True,
            env=CHILD_ENV,
        )
        with in_own_process([sys.executable, __file__, "--serve", tmp]) as (base, _):
            for size in sizes:
                _bench_extract(size, work / f"doc-{size}mb.jsonl", work)
                url = f"{base}/feed-{size}mb.xml"
                _bench_run(size, url, work / f"warehouse-{size}")


def _bench_extract(size: int, docs: Path, work: Path) -> None:
    out = work / f"out-{size}.jsonl"
    command = [sys.executable, "-c", "from ingest.cli import main; main()", "extract"]
    status, peak, seconds, _ = measured([*command, str(docs), "-o", str(out)])
    records = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    cut = sorted({json.loads(line).get("is_text_cut") for line in records}, key=str)
    emit(
        "extract_one_document_peak_rss",
        round(peak, 1),
        "MB",
        size_mb=size,
        seconds=round(seconds, 2),
        exit_status=status,
        records=len(records),
        is_text_cut=cut,
        target_mb=RSS_TARGET_MB,
    )


def _bench_run(size: int, url: str, warehouse: Path) -> None:
    status, peak, seconds, out = measured([sys.executable, __file__, "--run", url, str(warehouse)])
    lines = out.strip().splitlines()
    outcome = json.loads(lines[-1]) if status == 0 and lines else {}
    emit(
        "run_one_item_peak_rss",
        round(peak, 1),
        "MB",
        size_mb=size,
        seconds=round(seconds, 2),
        exit_status=status,
        target_mb=RSS_TARGET_MB,
        mode="ingest-feeds flow body without Prefect",
        **outcome,
    )


if __name__ == "__main__":
    main()
