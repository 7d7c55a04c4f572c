"""Fit and evaluate the shipped linear models (ingest.extract.linear) honestly.

Shared by the scripts that fit one model each. Examples are (features, label, group) where the
group is the document's publisher: `grouped_folds` keeps every publisher's documents in one fold,
so a held-out figure says how the model does on publishers it was not fitted on, which is the
question that matters for text of new publishers. Fitting uses scikit-learn (a dev dependency);
the shipped model is plain TOML that `ingest.extract.linear` scores without it.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType

Features = Mapping[str, float]

# the shared gold sets' scorer (../shared/gold/score.py): every fitting script scores with it
GOLD_SCORER = Path(__file__).resolve().parents[2] / "shared" / "gold" / "score.py"


def gold_scorer() -> ModuleType:
    """../shared/gold/score.py loaded as a module (it is a script, not a package)."""
    spec = importlib.util.spec_from_file_location("gold_score", GOLD_SCORER)
    if spec is None or spec.loader is None:
        raise SystemExit(f"error: {GOLD_SCORER}: cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Example:
    features: Features
    label: bool
    group: str  # the publisher: folds never split one


def grouped_folds(examples: Sequence[Example], folds: int) -> list[tuple[list[int], list[int]]]:
    """(train indices, test indices) per fold; every group's examples in one test fold."""
    groups = sorted({example.group for example in examples})
    fold_of = {group: position % folds for position, group in enumerate(groups)}
    splits = []
    for fold in range(folds):
        test = [i for i, example in enumerate(examples) if fold_of[example.group] == fold]
        train = [i for i, example in enumerate(examples) if fold_of[example.group] != fold]
        splits.append((train, test))
    return splits


def fit(examples: Sequence[Example], l2: float = 1.0) -> tuple[float, dict[str, float]]:
    """L2-regularised logistic regression (scikit-learn, lbfgs): (bias, weights by feature)."""
    from sklearn.linear_model import LogisticRegression  # dev dependency: fitting only

    names = sorted({name for example in examples for name in example.features})
    matrix = [[example.features.get(name, 0.0) for name in names] for example in examples]
    labels = [int(example.label) for example in examples]
    model = LogisticRegression(C=1.0 / l2, max_iter=5000)
    model.fit(matrix, labels)
    weights = {name: float(w) for name, w in zip(names, model.coef_[0], strict=True)}
    return float(model.intercept_[0]), weights


def held_out(
    examples: Sequence[Example],
    evaluate: Callable[[float, dict[str, float], list[int]], float],
    folds: int = 5,
    l2: float = 1.0,
) -> list[float]:
    """`evaluate(bias, weights, test indices)` per publisher-grouped fold, fitted on the rest."""
    results = []
    for train, test in grouped_folds(examples, folds):
        bias, weights = fit([examples[i] for i in train], l2)
        results.append(evaluate(bias, weights, test))
    return results


def write_model(
    path: Path, bias: float, weights: Mapping[str, float], description: Sequence[str]
) -> None:
    """The TOML that ingest.extract.linear reads; weights below 1e-4 in size are left out."""
    lines = [f"# {line}" for line in description]
    lines += [
        f"# written {datetime.now(UTC):%Y-%m-%d} by scripts/learning.py",
        f"bias = {bias:.4f}",
    ]
    lines += ["", "[weights]"]
    lines += [
        f'"{name}" = {value:.4f}' for name, value in sorted(weights.items()) if abs(value) >= 1e-4
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
