"""The shipped-model mechanism: scoring is a dot product, bad model files fail in one line."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.extract.linear import ModelError, load, parse

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from learning import Example, grouped_folds


def test_probability_is_the_logistic_of_bias_plus_weighted_features() -> None:
    model = parse("t", 'bias = -1.0\n[weights]\nin_headline = 2.0\n"after:in" = 0.5\n')
    assert model.probability({}) == pytest.approx(1 / (1 + math.exp(1.0)))
    features = {"in_headline": 1.0, "after:in": 2.0, "unknown": 9.0}
    assert model.logit(features) == pytest.approx(-1.0 + 2.0 + 1.0)


def test_an_extreme_logit_does_not_overflow() -> None:
    model = parse("t", "bias = -1000.0\n[weights]\n")
    assert model.probability({}) == 0.0


@pytest.mark.parametrize(
    "text",
    ["bias = \n", "[weights]\nx = 1\n", "bias = 1\n[weights]\nx = 'a'\n", "bias=1\nweights=2"],
)
def test_a_malformed_model_is_one_line_naming_it(text: str) -> None:
    with pytest.raises(ModelError, match=r"^model broken: ") as caught:
        parse("broken", text)
    assert "\n" not in str(caught.value)


def test_a_missing_model_names_its_file() -> None:
    with pytest.raises(ModelError, match=r"data/models/no-such-model\.toml"):
        load("no-such-model")


@given(st.lists(st.sampled_from("abcdefgh"), min_size=1, max_size=60), st.integers(2, 6))
def test_no_publisher_is_split_across_folds(groups: list[str], folds: int) -> None:
    examples = [Example({}, False, group) for group in groups]
    splits = grouped_folds(examples, folds)
    tested = sorted(i for _, test in splits for i in test)
    assert tested == list(range(len(examples)))
    for train, test in splits:
        assert not {groups[i] for i in train} & {groups[i] for i in test}


def test_a_fitted_model_round_trips_through_its_file(tmp_path: Path) -> None:
    from learning import fit, write_model

    examples = [Example({"cue": float(i % 2)}, i % 2 == 1, f"p{i % 5}") for i in range(40)]
    bias, weights = fit(examples, l2=0.1)
    assert weights["cue"] > 1.0 and bias < 0
    path = tmp_path / "m.toml"
    write_model(path, bias, weights, ["a test model"])
    model = parse("m", path.read_text("utf-8"))
    assert model.probability({"cue": 1.0}) > 0.8 > 0.2 > model.probability({"cue": 0.0})


def test_an_override_scores_in_place_of_the_shipped_model_inside_its_block() -> None:
    from ingest.extract.linear import overridden

    replacement = parse("no-such-model", "bias = 3.0\n[weights]\n")
    with overridden(replacement):
        assert load("no-such-model").bias == 3.0
    with pytest.raises(ModelError):
        load("no-such-model")


_FEATURE_NAMES = st.sampled_from(["a", "b", "c", "unknown", "rule:none", "type:call"])
_VALUES = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)


@given(
    weights=st.dictionaries(_FEATURE_NAMES, _VALUES, max_size=5),
    features=st.dictionaries(_FEATURE_NAMES, _VALUES, max_size=6),
    bias=_VALUES,
)
def test_logit_is_the_same_float_as_the_plain_sum(
    weights: dict[str, float], features: dict[str, float], bias: float
) -> None:
    """The logit sums the same products in the same order as a plain generator did: scores, and
    so the records that depend on them, stay bit for bit the same."""
    lines = "".join(f'"{name}" = {value!r}\n' for name, value in weights.items())
    model = parse("t", f"bias = {bias!r}\n[weights]\n{lines}")
    plain = model.bias + sum(model.weights.get(n, 0.0) * v for n, v in features.items())
    assert model.logit(features) == plain
