"""Accuracy regression: the extractor over the shared dev gold set, scored by the shared scorer."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from ingest.cli.extract import read_documents
from ingest.extract import extract

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"
GOLD_DIR = SHARED / "gold"
HELDOUT_DIR = ROOT / "tests" / "fixtures" / "heldout"

# Floors: what the extractor measured on dev (never above it), and never below the product targets
# (field 0.92, type/date/country/participant 0.90) once reached.
THRESHOLDS: dict[str, float] = {
    "field_score": 0.95,  # measured 0.992 (extractor 0.7.0; 0.991 with 0.6.0)
    "type_acc": 0.97,  # measured 1.000
    "date_acc": 0.97,  # measured 1.000
    "country_acc": 0.95,  # measured 1.000
    "city_acc": 0.93,  # measured 1.000
    "participant_f1": 0.90,  # measured 0.959
}
# Synthetic releases of 18 other publishers (tests/fixtures/heldout, written without the code).
HELDOUT_THRESHOLDS: dict[str, float] = {
    "field_score": 0.95,  # measured 1.000 (21:55 UTC)
    "type_acc": 0.95,  # measured 1.000
    "date_acc": 0.95,  # measured 1.000
    "country_acc": 0.95,  # measured 1.000
    "city_acc": 0.93,  # measured 1.000
    "participant_f1": 0.90,  # measured 1.000
}


# More synthetic sets of other publishers (tests/fixtures/heldout-2..5; see their READMEs):
# floors under what extractor 0.7.0 measured. Each was scored blind first (heldout-3 0.960,
# heldout-4 0.891, heldout-5 0.850 with 0.6.0); rules were then written from the failures of
# heldout-2 and heldout-4 (and three from heldout-5), so these guard against regressions only.
MORE_SETS: dict[str, dict[str, float]] = {
    "heldout-2": {
        "field_score": 0.95,  # measured 0.998 (after rules were written from its failures)
        "country_acc": 0.95,  # measured 1.000
        "city_acc": 0.93,  # measured 1.000
        "participant_f1": 0.90,  # measured 0.992
    },
    "heldout-3": {
        "field_score": 0.93,  # measured 0.974
        "type_acc": 0.90,  # measured 0.967
        "date_acc": 0.95,  # measured 1.000
        "country_acc": 0.93,  # measured 0.967
        "city_acc": 0.93,  # measured 0.967
        "participant_f1": 0.90,  # measured 0.971
    },
    "heldout-4": {
        "field_score": 0.95,  # measured 0.989
        "type_acc": 0.95,  # measured 1.000
        "date_acc": 0.93,  # measured 0.967
        "participant_f1": 0.93,  # measured 0.981
    },
    "heldout-5": {
        "field_score": 0.88,  # measured 0.906
        "type_acc": 0.90,  # measured 0.933
        "date_acc": 0.87,  # measured 0.900
        "participant_f1": 0.80,  # measured 0.830
    },
}


# Real releases (tests/fixtures/real-*, shared/gold/world): floors just under what extractor 0.8.1
# measured on 2026-12-06, to catch regressions while the real corpus drives the work. The blind
# part's floor guards its aggregate only: its per-document failures are not read (its README).
REAL_SETS: dict[str, dict[str, float]] = {
    "real-tune": {
        "field_score": 0.94,  # measured 0.949 with 0.10.0, 0.945 with 0.9.0 (0.850 with 0.7.0)
        "type_acc": 0.97,  # measured 0.984
        # measured 0.932 / 0.938 with a session's seat and a country's one city (x15-where8;
        # 0.922 / 0.922 before)
        "country_acc": 0.92,
        "city_acc": 0.92,
        # measured 0.931 with 0.10.2 and the x15 people changes, 0.934 with x15-who7's
        "participant_f1": 0.92,
        # secondary events: measured 0.594 with the trip nouns and the looser later engagements
        # (0.565 before; branch x15-what7)
        "event_recall": 0.58,
    },
    # formerly real-blind, the first corpus's blind part (opened for development in session 12,
    # after its last blind score, 0.839 with 0.16.1)
    "real-tune-4": {
        # measured 0.840 with 0.14.0, 0.837 with 0.13.0 and 0.12.0, 0.838 with 0.11.0, 0.836
        # with 0.10.2
        # (0.783 with 0.7.0)
        # measured 0.862 with datelines in more forms, a seat's holder, gatherings taken part
        # in and an office's post no place (x15-place12; 0.839 with 0.16.1)
        "field_score": 0.84,
        "participant_f1": 0.85,  # measured 0.871 with 0.11.0, 0.886 with 0.10.2
        # measured 0.903 with the UN's agencies and regional bodies as bodies (0.872 before;
        # x15-who12)
        "affiliation_acc_matched": 0.89,
        "country_acc": 0.79,  # measured 0.812 (0.766 with 0.16.1; x15-place12)
        "city_acc": 0.82,  # measured 0.844 (0.773 with 0.16.1; x15-place12)
        # measured 0.953 / 0.930 with its misses classed by cause (0.859 / 0.914 with 0.16.1;
        # branch x15-type12)
        "type_acc": 0.92,
        "date_acc": 0.90,
    },
    # the second real corpus, 100 publishers new to every set: first scored with 0.10.1 before
    # any failure was read (0.803 over both parts); its tuning part is not yet tuned on
    "real-tune-2": {
        "field_score": 0.89,  # measured 0.913 with 0.11.0 (0.811 with 0.10.2, issue 15)
        "type_acc": 0.90,  # measured 0.936 (0.816 with 0.10.2)
        # measured 0.877 (0.858 with 0.10.2); 0.891 with x15-who7's name and attendance cues;
        # 0.912 with x15-who8's attendance lists and occasion words (0.904 merged with main's
        # x15-where8/what8/persons changes, 0.890 without them)
        "participant_f1": 0.89,
        # places and dates tuned on its failures (branch x15-where): 0.879 / 0.745 / 0.759
        # with 0.10.2
        "date_acc": 0.92,
        "country_acc": 0.88,  # measured 0.901 (0.887 with 0.11.0; branch x15-rules)
        "city_acc": 0.91,  # measured 0.929 with a country's one city (0.922 before; x15-where8)
        "event_recall": 0.50,  # measured 0.509 with 0.13.0 (0.486 before; branch x15-what7)
    },
    # the third real corpus, 61 publishers new to every set (smaller states, parliaments,
    # provinces, secretariats): first scored with 0.13.0 before any failure was read (0.790,
    # type 0.832); measured 0.820, type 0.912, date 0.904, participant F1 0.842 after its type
    # misses were classed by cause (credentials, farewell calls, diplomats briefed, trade
    # missions; branch x15-what8); 0.821 with 0.14.0 (participant F1 0.848); participant F1
    # 0.855 with x15-who9's semicolon lists
    "real-tune-3": {
        "field_score": 0.84,  # measured 0.859 with x15-place12's places (0.836 with 0.16.1)
        # measured 0.936 / 0.928 with x15-type12's mechanisms (0.912 / 0.912 with 0.16.1)
        "type_acc": 0.91,
        "date_acc": 0.90,
        "participant_f1": 0.84,
        # measured 0.744 / 0.720 with an office's post no place (0.728 / 0.712 with 0.14.0;
        # branch x15-place9); 0.808 / 0.800 with datelines written in pieces and the lead's
        # place (x15-place12)
        "country_acc": 0.78,
        "city_acc": 0.77,
        # measured 0.794 with the UN's agencies and regional bodies as bodies (0.739 before;
        # x15-who12)
        "affiliation_acc_matched": 0.78,
    },
    # formerly real-blind-2, the second corpus's blind part (opened in session 12, after its
    # last blind score, 0.832 with 0.16.1)
    "real-tune-5": {
        # measured 0.828 with 0.14.0, 0.831 with 0.13.0, 0.824 with 0.12.0, 0.819 with 0.11.0,
        # 0.827 with 0.10.2; 0.853 with x15-place12's places
        "field_score": 0.83,
        # measured 0.867 with the UN's agencies and regional bodies as bodies (0.781 before;
        # x15-who12)
        "affiliation_acc_matched": 0.85,
        "country_acc": 0.76,  # measured 0.789 (0.737 with 0.16.1; x15-place12)
        "city_acc": 0.83,  # measured 0.855 (0.803 with 0.16.1; x15-place12)
        # measured 0.947 / 0.934 with its misses classed by cause (0.868 / 0.895 with 0.16.1;
        # branch x15-type12)
        "type_acc": 0.92,
        "date_acc": 0.92,
    },
    # the third corpus's blind part (41 publishers): 0.778 with 0.13.0, 0.785 with 0.14.0,
    # scored before any of its failures was read
    "real-blind-3": {
        "field_score": 0.76,
    },
    # the fourth corpus, all blind (64 publishers new to every set): 0.799 with 0.16.1, scored
    # before any of its failures was read
    "real-blind-4": {
        "field_score": 0.78,
    },
    "world": {
        "field_score": 0.96,  # measured 0.974 with 0.10.0, 0.967 with 0.9.0 (0.862 with 0.7.0)
        "type_acc": 0.97,  # measured 0.988
        "participant_f1": 0.90,  # measured 0.918
    },
}


def _real_set(name: str) -> Path:
    return GOLD_DIR / name if name == "world" else ROOT / "tests" / "fixtures" / name


def _scorer() -> ModuleType:
    path = GOLD_DIR / "score.py"
    if not path.exists():
        pytest.skip(f"shared scorer not found at {path} (the ../shared reference dir is absent)")
    spec = importlib.util.spec_from_file_location("gold_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score(docs_path: Path, gold_path: Path) -> dict[str, Any]:
    scorer = _scorer()
    with docs_path.open(encoding="utf-8") as stream:
        predictions = [
            json.loads(json.dumps(record.to_json_dict()))
            for document in read_documents(stream, str(docs_path))
            for record in extract(document)
        ]
    result, _ = scorer.score(scorer.load_jsonl(str(gold_path)), predictions)
    return dict(result)


@pytest.fixture(scope="module")
def metrics() -> dict[str, Any]:
    return _score(GOLD_DIR / "dev" / "docs.jsonl", GOLD_DIR / "dev" / "gold.jsonl")


@pytest.fixture(scope="module")
def heldout_metrics() -> dict[str, Any]:
    if not (HELDOUT_DIR / "gold.jsonl").exists():
        pytest.skip(f"held-out fixture set not found at {HELDOUT_DIR}")
    return _score(HELDOUT_DIR / "docs.jsonl", HELDOUT_DIR / "gold.jsonl")


@pytest.mark.parametrize(("metric", "floor"), sorted(THRESHOLDS.items()))
def test_dev_accuracy_floor(metrics: dict[str, Any], metric: str, floor: float) -> None:
    assert metrics[metric] >= floor, f"{metric}={metrics[metric]:.3f} fell below {floor}"


@pytest.mark.parametrize(("metric", "floor"), sorted(HELDOUT_THRESHOLDS.items()))
def test_heldout_accuracy_floor(heldout_metrics: dict[str, Any], metric: str, floor: float) -> None:
    value = heldout_metrics[metric]
    assert value >= floor, f"held-out {metric}={value:.3f} fell below {floor}"


def test_every_document_has_a_prediction(metrics: dict[str, Any]) -> None:
    assert metrics["docs_with_prediction"] == metrics["docs"]


@pytest.mark.parametrize("name", sorted(MORE_SETS))
def test_other_publishers_accuracy_floors(name: str) -> None:
    directory = ROOT / "tests" / "fixtures" / name
    measured = _score(directory / "docs.jsonl", directory / "gold.jsonl")
    below = {
        metric: round(measured[metric], 3)
        for metric, floor in MORE_SETS[name].items()
        if measured[metric] < floor
    }
    assert not below, f"{name}: below the floors {MORE_SETS[name]}: {below}"


@pytest.mark.parametrize("name", sorted(REAL_SETS))
def test_real_releases_accuracy_floors(name: str) -> None:
    directory = _real_set(name)
    if not (directory / "gold.jsonl").exists():
        pytest.skip(f"{directory} not found (the ../shared reference dir is absent)")
    measured = _score(directory / "docs.jsonl", directory / "gold.jsonl")
    assert measured["docs_with_prediction"] == measured["docs"]
    below = {
        metric: round(measured[metric], 3)
        for metric, floor in REAL_SETS[name].items()
        if measured[metric] < floor
    }
    assert not below, f"{name}: below the floors {REAL_SETS[name]}: {below}"
