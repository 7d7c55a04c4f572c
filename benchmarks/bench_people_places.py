"""CPU time of the people and places stages per release, over the 2,025-release state.gov corpus.

usage: python benchmarks/bench_people_places.py [CORPUS.json]
Prints JSON lines {"name", "value", "unit"}: one-off gazetteer load, then milliseconds of CPU per
release for find_people, participants_for, locate_event and countries_mentioned (process time,
so other load on the machine inflates the figures less than wall time would).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench_extract import DEFAULT_CORPUS, load_documents
from ingest.extract import gazetteer, people, places
from ingest.extract.anchors import find_anchors
from ingest.records import Document


def _emit(name: str, value: float, unit: str, **extra: object) -> None:
    print(json.dumps({"name": name, "value": round(value, 4), "unit": unit, **extra}))


def _per_doc_ms(documents: list[Document], work: Callable[[Document], object]) -> float:
    started = time.process_time()
    for document in documents:
        work(document)
    return (time.process_time() - started) / len(documents) * 1000


def main(argv: list[str]) -> int:
    corpus = Path(argv[0]) if argv else DEFAULT_CORPUS
    documents = load_documents(corpus)
    started = time.process_time()
    gazetteer.lookup_city("Paris")
    gazetteer.country_hits("Japan")
    gazetteer.office_words()
    _emit("gazetteer_load", time.process_time() - started, "s")
    anchors = {d.doc_id: find_anchors(d) for d in documents}
    indexes = {d.doc_id: people.find_people(d) for d in documents}  # warm caches
    n = len(documents)
    _emit("find_people", _per_doc_ms(documents, people.find_people), "ms/doc", docs=n)
    _emit(
        "participants_for",
        _per_doc_ms(
            documents,
            lambda d: [people.participants_for(indexes[d.doc_id], a, d) for a in anchors[d.doc_id]],
        ),
        "ms/doc",
        docs=n,
    )
    _emit(
        "locate_event",
        _per_doc_ms(documents, lambda d: [places.locate_event(d, a) for a in anchors[d.doc_id]]),
        "ms/doc",
        docs=n,
    )
    _emit(
        "countries_mentioned",
        _per_doc_ms(documents, lambda d: places.countries_mentioned(d.text)),
        "ms/doc",
        docs=n,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
