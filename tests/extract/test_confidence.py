"""Record confidence: a probability from what supported the record, calibrated on real releases."""

from __future__ import annotations

import importlib.util
import tomllib
from pathlib import Path

import pytest

from ingest.extract import extract
from ingest.extract.confidence import features, score
from ingest.records import Document

ROOT = Path(__file__).resolve().parents[2]
TUNE = ROOT / "tests" / "fixtures" / "real-tune"


def _fitting() -> object:
    spec = importlib.util.spec_from_file_location("fit", ROOT / "scripts" / "fit_confidence.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_model_names_every_feature_and_nothing_else() -> None:
    model = tomllib.loads((ROOT / "src/ingest/data/confidence.toml").read_text("utf-8"))
    document = Document(doc_id="d", text="Minister A met Minister B in Paris on 3 May 2024.")
    assert set(model["weights"]) == set(features(extract(document)[0]))


def test_more_support_means_more_confidence() -> None:
    bare = Document(doc_id="a", text="The ministry issued a statement on regional security.")
    told = Document(
        doc_id="b",
        title="Foreign Minister Marie Dupont's Call with Foreign Minister Hans Berg",
        text="Foreign Minister Marie Dupont spoke by phone with Foreign Minister Hans Berg of "
        "Norway today.",
        published="2024-05-03",
    )
    low, high = score(extract(bare)[0]), score(extract(told)[0])
    assert 0.0 <= low < high <= 1.0


@pytest.mark.skipif(not (ROOT.parent / "shared").exists(), reason="needs ../shared/gold/score.py")
def test_confidence_is_calibrated_on_the_tuning_part() -> None:
    fitting = _fitting()
    table = fitting.calibration(fitting._examples(TUNE))  # type: ignore[attr-defined]
    shares = [share for _, count, share in table if count >= 10 and share is not None]
    assert len(shares) >= 2
    assert shares == sorted(shares), table  # a higher band is right more often
