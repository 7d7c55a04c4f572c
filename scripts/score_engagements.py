"""Score engagement linking on a fixture of real releases: the links the warehouse makes from
extractor output against the true links (pairwise precision and recall of same-engagement pairs).

    .venv/bin/python scripts/score_engagements.py [tests/fixtures/engagements]

The fixture's documents are extracted, stored as Parquet in a temporary data root and published;
each document's primary event is then placed in the engagement `engagement_events` gives it.
"""

from __future__ import annotations

import itertools
import json
import sys
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest import store, warehouse
from ingest.backfill import backfill_feed, document_from_json
from ingest.config import Settings
from ingest.extract import extract

FIXTURE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "engagements"
LOADED_AT = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
LOAD_ID = "engagement-fixture"


@dataclass(frozen=True, slots=True)
class LinkScore:
    """Pairwise scores: a pair of documents is linked when their primary events share an
    engagement; true pairs are those the fixture's links file puts in one engagement."""

    precision: float
    recall: float
    predicted_pairs: int
    true_pairs: int
    false_links: tuple[tuple[str, str], ...]
    missed_links: tuple[tuple[str, str], ...]


def load_fixture(settings: Settings, fixture: Path = FIXTURE) -> list[str]:
    """Extract and store the fixture's documents, publish them; the document ids, in order."""
    feed = backfill_feed()
    lines = (fixture / "docs.jsonl").read_text(encoding="utf-8").splitlines()
    documents = [document_from_json(json.loads(line), feed) for line in lines if line.strip()]
    records = [record for document in documents for record in extract(document)]
    store.write_documents(settings, documents, LOADED_AT, LOAD_ID)
    store.write_events(settings, records, LOAD_ID, LOADED_AT)
    warehouse.publish(settings)
    return [document.doc_id for document in documents]


def true_engagements(fixture: Path = FIXTURE) -> dict[str, str]:
    """doc_id -> the engagement its primary event reports, from the links file."""
    lines = (fixture / "links.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines if line.strip()]
    return {row["doc_id"]: row["engagement_id"] for row in rows}


def predicted_engagements(settings: Settings) -> dict[str, str]:
    """doc_id -> the engagement the warehouse gives its primary event."""
    sql = "select doc_id, engagement_id from engagement_events where is_primary"
    return {str(doc): str(engagement) for doc, engagement in warehouse.query(settings, sql).rows}


def same_engagement_pairs(
    engagements: Mapping[str, str], docs: Iterable[str]
) -> set[tuple[str, str]]:
    """Every pair of documents (sorted) whose primary events are one engagement; a document
    without one (its primary event is no engagement) pairs with nothing."""
    placed = sorted(doc for doc in docs if doc in engagements)
    return {
        (a, b) for a, b in itertools.combinations(placed, 2) if engagements[a] == engagements[b]
    }


def score(predicted: Mapping[str, str], truth: Mapping[str, str]) -> LinkScore:
    predicted_pairs = same_engagement_pairs(predicted, truth)
    true_pairs = same_engagement_pairs(truth, truth)
    correct = predicted_pairs & true_pairs
    return LinkScore(
        precision=len(correct) / len(predicted_pairs) if predicted_pairs else 1.0,
        recall=len(correct) / len(true_pairs) if true_pairs else 1.0,
        predicted_pairs=len(predicted_pairs),
        true_pairs=len(true_pairs),
        false_links=tuple(sorted(predicted_pairs - true_pairs)),
        missed_links=tuple(sorted(true_pairs - predicted_pairs)),
    )


def main(argv: list[str]) -> int:
    fixture = Path(argv[0]) if argv else FIXTURE
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            data_root=str(Path(folder) / "data"), serving_path=str(Path(folder) / "ingest.duckdb")
        )
        load_fixture(settings, fixture)
        result = score(predicted_engagements(settings), true_engagements(fixture))
    print(json.dumps(_as_dict(result), indent=1))
    return 0


def _as_dict(result: LinkScore) -> dict[str, object]:
    return {name: getattr(result, name) for name in LinkScore.__slots__}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
