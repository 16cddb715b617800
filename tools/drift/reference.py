"""The drift reference: what production inputs and outputs are compared against.

Two files travel in an exported package: ``drift_reference.json`` (per-feature statistics of the
training split — mean, sd, quantiles, decile bins with their shares, category counts — the
prediction distribution on validation, the validation score, dataset version and split hashes)
and ``drift_reference_rows.npz`` (a seeded sample of training rows and the validation
predictions: the tests that compare distributions need values, not only summaries). The JSON
names the npz with its sha256, so a swapped file is caught.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ml_expert.tools.data.drift import MAX_ROWS_PER_SIDE
from ml_expert.tools.drift.features import decile_edges, feature_kinds
from ml_expert.tools.errors import SpecError

REFERENCE_FILE = "drift_reference.json"
ROWS_FILE = "drift_reference_rows.npz"
FORMAT = "ml-expert-drift-reference/1"
QUANTILES = (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


@dataclass
class DriftReference:
    """Statistics (``stats``, the JSON) and the value samples (``rows``, ``predictions``)."""

    stats: dict[str, Any]
    rows: np.ndarray  # training rows (their ``view``), at most MAX_ROWS_PER_SIDE
    predictions: np.ndarray | None  # validation: class index, or predicted value per row
    confidence: np.ndarray | None  # validation: top class probability (classification)

    @property
    def feature_names(self) -> list[str]:
        return [f["name"] for f in self.stats["features"]]

    @property
    def kinds(self) -> list[str]:
        return [f["kind"] for f in self.stats["features"]]

    @property
    def task(self) -> str:
        return self.stats["task"]

    @property
    def input_names(self) -> list[str]:
        """The columns a batch holds (the model's raw inputs), before ``view``."""
        inputs = self.stats.get("inputs")
        return list(inputs["columns"]) if inputs else self.feature_names

    @property
    def categorical_inputs(self) -> list[str]:
        inputs = self.stats.get("inputs")
        return list(inputs["categorical"]) if inputs else []

    def view(self, X: np.ndarray) -> np.ndarray:
        """Raw rows -> the columns the statistics describe (see ``drift_view``)."""
        inputs = self.stats.get("inputs")
        return np.asarray(X, dtype=np.float64) if not inputs else drift_view(X, inputs["fill"])


def drift_view(X: np.ndarray, fill: list[float]) -> np.ndarray:
    """For a run whose preprocessing encodes columns: each raw column with its missing values
    filled as training filled them, then one 0/1 ``name:missing`` column per raw column, so the
    share of missing values is tested as its own (categorical) feature."""
    X = np.asarray(X, dtype=np.float64)
    missing = np.isnan(X)
    return np.concatenate([np.where(missing, np.asarray(fill, dtype=np.float64), X), missing.astype(np.float64)],
                          axis=1)


def encoded_inputs(encodings) -> dict[str, Any]:
    """The reference's ``inputs`` entry for a run with column encodings: raw columns, fills, categorical ones."""
    return {"columns": [e.name for e in encodings], "fill": [e.fill for e in encodings],
            "categorical": [e.name for e in encodings if e.kind != "number"]}


def summarise_outputs(task: str, outputs: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(prediction per row, top-class probability or None) from a model's raw outputs."""
    from ml_expert.tools.train.metrics import softmax

    if task == "classification":
        probabilities = softmax(outputs)
        return probabilities.argmax(axis=1), probabilities.max(axis=1)
    return outputs.reshape(len(outputs), -1)[:, 0], None


def build_reference(train_X: np.ndarray, feature_names: list[str], *, task: str, class_names: list[str] | None,
                    val_outputs: np.ndarray | None, performance: dict[str, float], dataset_version: str,
                    split_hashes: dict[str, str], kinds: list[str] | None = None, seed: int = 0,
                    inputs: dict[str, Any] | None = None) -> DriftReference:
    """Statistics of the training split and of the model's validation outputs; with ``inputs``
    (``encoded_inputs``), of the split's ``drift_view``, categorical columns tested as categories."""
    train_X = np.asarray(train_X, dtype=np.float64)
    if inputs is not None:
        train_X = drift_view(train_X, inputs["fill"])
        guessed = feature_kinds(train_X)
        kinds = (["categorical" if name in inputs["categorical"] else kind
                  for name, kind in zip(feature_names, guessed, strict=False)]
                 + ["categorical"] * len(feature_names))
        feature_names = list(feature_names) + [f"{name}:missing" for name in feature_names]
    kinds = kinds or feature_kinds(train_X)
    features = [_feature_stats(name, kind, train_X[:, j]) for j, (name, kind) in
                enumerate(zip(feature_names, kinds, strict=True))]
    rng = np.random.default_rng(seed)
    keep = np.sort(rng.choice(len(train_X), min(len(train_X), MAX_ROWS_PER_SIDE), replace=False))
    predictions = confidence = None
    prediction_stats: dict[str, Any] | None = None
    if val_outputs is not None:
        predictions, confidence = summarise_outputs(task, np.asarray(val_outputs, dtype=np.float64))
        prediction_stats = ({"class_shares": dict(zip(class_names or [], np.bincount(
                                 predictions, minlength=len(class_names or [])).astype(float) / len(predictions),
                                 strict=True)),
                             "mean_confidence": float(confidence.mean())}
                            if task == "classification" else _numeric_summary(predictions))
        prediction_stats["rows"] = len(predictions)
    stats = {"format": FORMAT, "task": task, "class_names": class_names, "dataset_version": dataset_version,
             "split_hashes": split_hashes, "train_rows": len(train_X), "sampled_rows": len(keep),
             "features": features, "predictions": prediction_stats, "performance": performance} | (
                 {} if inputs is None else {"inputs": inputs})
    return DriftReference(stats, train_X[keep], predictions, confidence)


def _numeric_summary(column: np.ndarray) -> dict[str, Any]:
    return {"mean": float(column.mean()), "std": float(column.std()),
            "quantiles": {str(q): float(v) for q, v in zip(QUANTILES, np.quantile(column, QUANTILES), strict=True)}}


def _feature_stats(name: str, kind: str, column: np.ndarray) -> dict[str, Any]:
    if kind == "categorical":
        categories, counts = np.unique(column, return_counts=True)
        return {"name": name, "kind": kind, "categories": categories.tolist(), "counts": counts.tolist()}
    edges = decile_edges(column)
    shares = np.histogram(column, np.concatenate([[-np.inf], edges, [np.inf]]))[0] / len(column)
    return {"name": name, "kind": kind, **_numeric_summary(column), "bin_edges": edges,
            "bin_shares": shares.tolist()}


def write_reference(reference: DriftReference, folder: Path) -> tuple[Path, Path]:
    """Write the npz, then the JSON that names it with its sha256."""
    from ml_expert.tools.job import sha256_file

    arrays = {"rows": reference.rows.astype(np.float32)}
    if reference.predictions is not None:
        arrays["predictions"] = reference.predictions
    if reference.confidence is not None:
        arrays["confidence"] = reference.confidence.astype(np.float32)
    rows_path = folder / ROWS_FILE
    with open(rows_path, "wb") as handle:  # a handle, so numpy does not append a second .npz suffix
        np.savez_compressed(handle, **arrays)
    stats = {**reference.stats, "rows_file": ROWS_FILE, "rows_sha256": sha256_file(rows_path)}
    path = folder / REFERENCE_FILE
    path.write_text(json.dumps(stats, indent=1))
    return path, rows_path


def read_reference(folder: Path, field: str) -> DriftReference:
    """Read a reference written by :func:`write_reference`; errors name ``field``."""
    from ml_expert.tools.job import sha256_file

    path = folder / REFERENCE_FILE
    accepted = f"a package folder or export run holding {REFERENCE_FILE} and {ROWS_FILE}"
    if not path.is_file():
        raise SpecError(field, f"{folder.name!r} holds no {REFERENCE_FILE}", accepted)
    try:
        stats = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise SpecError(field, f"{REFERENCE_FILE} is not valid JSON: {error}", accepted) from error
    if not isinstance(stats, dict) or stats.get("format") != FORMAT:
        raise SpecError(field, f"{REFERENCE_FILE} is not a drift reference of format {FORMAT!r}", accepted)
    rows_path = folder / ROWS_FILE
    if not rows_path.is_file() or sha256_file(rows_path) != stats.get("rows_sha256"):
        raise SpecError(field, f"{ROWS_FILE} is missing or does not match the sha256 in {REFERENCE_FILE}",
                        accepted)
    with np.load(rows_path, allow_pickle=False) as arrays:
        rows = arrays["rows"].astype(np.float64)
        predictions = arrays["predictions"] if "predictions" in arrays.files else None
        confidence = arrays["confidence"].astype(np.float64) if "confidence" in arrays.files else None
    return DriftReference(stats, rows, predictions, confidence)
