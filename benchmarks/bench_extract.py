"""Extraction speed and memory over the 2,025-release state.gov corpus, on one core.

usage: python benchmarks/bench_extract.py [CORPUS.json] [--repeat N] [--step N]
`--step N` extracts every Nth release only (a shorter run, for old-against-new pairs run in turn).
Prints JSON lines {"name", "value", "unit"}; `extract_docs_per_cpu_second` divides by the
process's CPU time (the best of the passes), which other processes on the machine move less
than the wall time of `extract_docs_per_second`. `first_document_s` is the first release a new
process extracts (the gazetteers load then: what every `ingest run` pays once), median of
FIRST_RUNS processes.
"""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys
import time
import tracemalloc
from email.utils import parsedate_to_datetime
from pathlib import Path

from ingest.extract import EXTRACTOR_VERSION, extract
from ingest.htmltext import html_to_text
from ingest.records import Document

FIRST_RUNS = 5
FIRST_DOCUMENT = """
import json, sys, time
from ingest.extract import extract
from ingest.records import Document
document = Document(**json.loads(sys.stdin.read()))
started = time.perf_counter()
extract(document)
print(time.perf_counter() - started)
"""

DEFAULT_CORPUS = (
    Path(__file__).resolve().parents[1].parent
    / "shared/corpus/state.gov_press-releases_2021-05_to_2022-08.items.json"
)


def load_documents(path: Path) -> list[Document]:
    items = json.loads(path.read_text(encoding="utf-8"))
    documents = []
    for number, item in enumerate(items):
        published = None
        if item.get("pubDate"):
            published = parsedate_to_datetime(item["pubDate"]).isoformat()
        documents.append(
            Document(
                doc_id=f"bench-{number}",
                text=html_to_text(item.get("content") or ""),
                title=item.get("title"),
                url=item.get("link"),
                published=published,
            )
        )
    return documents


def first_document_seconds(document: Document) -> float:
    """Median time a new process takes to extract its first release, imports excluded."""
    fields = ("doc_id", "text", "title", "url", "published")
    payload = json.dumps({name: getattr(document, name) for name in fields})
    times = []
    for _ in range(FIRST_RUNS):
        done = subprocess.run(
            [sys.executable, "-c", FIRST_DOCUMENT],
            input=payload,
            capture_output=True,
            text=True,
            check=True,
        )
        times.append(float(done.stdout))
    return statistics.median(times)


def emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": value, "unit": unit, **extra}))


def main(argv: list[str]) -> int:
    args = [a for a in argv if not a.startswith("--")]
    repeat = int(argv[argv.index("--repeat") + 1]) if "--repeat" in argv else 3
    if "--repeat" in argv:
        args.remove(str(repeat))
    step = int(argv[argv.index("--step") + 1]) if "--step" in argv else 1
    if "--step" in argv:
        args.remove(str(step))
    path = Path(args[0]) if args else DEFAULT_CORPUS
    documents = load_documents(path)[::step]
    chars = sum(len(d.text) for d in documents)
    first = first_document_seconds(documents[0])
    extract(documents[0])  # warm regex caches and imports outside the timing
    best = best_cpu = float("inf")
    records = 0
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        records = sum(len(extract(d)) for d in documents)
        best = min(best, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - started_cpu)
    tracemalloc.start()
    for document in documents:
        extract(document)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    common = {"docs": len(documents), "extractor_version": EXTRACTOR_VERSION}
    emit("first_document_s", round(first, 3), "s", processes=FIRST_RUNS)
    emit("extract_docs_per_second", round(len(documents) / best, 1), "docs/s", **common)
    # CPU seconds of this process: what a loaded shared machine moves least (wall time counts
    # the other processes' turns on the core)
    emit("extract_docs_per_cpu_second", round(len(documents) / best_cpu, 1), "docs/s", **common)
    emit("extract_chars_per_second", round(chars / best), "chars/s", **common)
    emit("extract_records", records, "records", **common)
    emit("extract_peak_traced_memory", round(peak / 2**20, 2), "MiB", **common)
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    emit("process_max_rss", round(max_rss, 1), "MiB", **common)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
