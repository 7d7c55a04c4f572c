"""Learned decisions as data: logistic models over named features, read from TOML.

A stage that chooses among candidates (which place is the event's, which type, whether a name is
a participant) describes each candidate by named features and asks a model for a score. The
weights are fitted offline on the labeled real sets (scripts/learning.py, grouped by publisher so
that its held-out figures say how the model does on publishers it has not seen) and stored in
`src/ingest/data/models/<name>.toml`; nothing is learned at run time, and scoring is a dot
product in plain Python.
"""

from __future__ import annotations

import functools
import math
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from itertools import repeat
from operator import mul
from types import MappingProxyType


class ModelError(ValueError):
    """A model file is missing or malformed."""


@dataclass(frozen=True)
class LinearModel:
    name: str
    bias: float
    weights: Mapping[str, float]

    def logit(self, features: Mapping[str, float]) -> float:
        """bias + sum of weight * value; features the model does not know count 0."""
        # map, not a generator: no Python frame per feature; the same products summed in the
        # same order, so the same float
        products = map(mul, map(self.weights.get, features.keys(), repeat(0.0)), features.values())
        total: float = sum(products)
        return self.bias + total

    def probability(self, features: Mapping[str, float]) -> float:
        logit = self.logit(features)
        if logit < -50:  # exp overflows long before a probability stops being 0
            return 0.0
        return 1.0 / (1.0 + math.exp(-logit))


def parse(name: str, text: str) -> LinearModel:
    """A model from TOML text: `bias = x` and a `[weights]` table of feature = weight."""
    try:
        document = tomllib.loads(text)
        bias = float(document["bias"])
        weights = {str(k): float(v) for k, v in document["weights"].items()}
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, AttributeError) as error:
        raise ModelError(f"model {name}: {error}") from None
    return LinearModel(name, bias, MappingProxyType(weights))


_overrides: dict[str, LinearModel] = {}


@contextmanager
def overridden(model: LinearModel) -> Iterator[None]:
    """Score with `model` instead of the shipped one of its name, inside this block.

    For evaluation only (scripts/learning.py): a model fitted without one fold's publishers is
    scored on that fold, which is how the held-out figures are measured.
    """
    previous = _overrides.get(model.name)
    _overrides[model.name] = model
    try:
        yield
    finally:
        if previous is None:
            del _overrides[model.name]
        else:
            _overrides[model.name] = previous


def load(name: str) -> LinearModel:
    """The model `name`: an override in force, else the shipped file, read once per process."""
    return _overrides.get(name) or _shipped(name)


@functools.cache
def _shipped(name: str) -> LinearModel:
    resource = resources.files("ingest").joinpath("data", "models", f"{name}.toml")
    try:
        text = resource.read_text("utf-8")
    except FileNotFoundError:
        raise ModelError(f"model {name}: no file data/models/{name}.toml") from None
    return parse(name, text)
