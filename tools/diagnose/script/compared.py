"""Validation a script scores without a loss: its predictions compared with labels, by a tensor comparison
(``(model(X).argmax(1) == y)``) or by a scikit-learn metric (``accuracy_score(y, pred)``, ``r2_score(y, pred)``).

The probe hands over the output of each no-grad forward over rows that are not training rows. A comparison of
exactly the classes those outputs predict with another tensor of the same size is the script scoring them against
its labels, and the comparison's result holds the hits it counts. A classification metric called with those
classes beside an array of the same length is the same scoring; so is a regression metric called with the outputs
themselves, or with the outputs put back on the targets' scale (a target scaler's inverse is an affine map).
"""

from __future__ import annotations

import numpy as np
import torch

MAX_PENDING_ROWS = 20_000  # predictions held per validation pass
MAX_VALUES_PER_ROW = 16  # outputs kept for regression metrics: a few targets per row, not an image per row
AFFINE_TOLERANCE = 1e-3  # largest misfit of an affine map from outputs to a metric's predictions, in their stds


def predicted_classes(output: torch.Tensor) -> torch.Tensor | None:
    """The classes a model's output predicts, as float64 (a comparison's other side may be of any dtype): argmax
    of (N, C) scores; for one score per row, above 0.5 when they are probabilities and above 0 when logits."""
    if not output.is_floating_point() or output.dim() == 0 or not output.shape[0]:
        return None
    scores = output.detach()
    if scores.dim() == 2 and scores.shape[1] >= 2:
        return scores.argmax(1).double()
    if scores.dim() > 2 or scores[0].numel() != 1:
        return None
    values = scores.reshape(-1)
    threshold = 0.5 if bool(((values >= 0) & (values <= 1)).all()) else 0.0
    return (values > threshold).double()


def _flat(values) -> np.ndarray:
    if isinstance(values, torch.Tensor):
        return values.detach().cpu().double().reshape(-1).numpy()
    return np.asarray(values, dtype=np.float64).reshape(-1)


def _affine_of(predictions: np.ndarray, outputs: np.ndarray) -> bool:
    """``predictions`` = a x ``outputs`` + b for some a != 0: the outputs, maybe put back on the targets' scale."""
    spread = predictions.std()
    if not spread or not outputs.std():
        return bool(np.array_equal(predictions, outputs))
    slope, intercept = np.polyfit(outputs, predictions, 1)
    return float(np.abs(slope * outputs + intercept - predictions).max()) <= AFFINE_TOLERANCE * spread


class ComparedScores:
    """Per validation pass: the hits over rows of the comparisons that score the pending predicted classes, the
    squared errors of the regression metrics that score the pending outputs, and the labels with the predictions."""

    def __init__(self) -> None:
        self.classes: list[torch.Tensor] = []  # per no-grad forward of the pass, the classes it predicts
        self.outputs: list[np.ndarray | None] = []  # ... and its outputs, flattened
        self.pending_rows = 0
        self.counted: set[int] = set()  # forwards already scored (a script may report several metrics of one pass)
        self._start_pass()
        self.last_pass: tuple | None = None  # what close_pass returned for the latest pass scored

    def _start_pass(self) -> None:
        self.hits = self.rows = 0
        self.sse = self.total = self.total_sq = 0.0
        self.value_rows = 0
        self.class_pairs: list[tuple[np.ndarray, np.ndarray]] = []  # (labels, predicted classes)
        self.value_pairs: list[tuple[np.ndarray, np.ndarray]] = []  # (targets, predictions)

    @property
    def pending(self) -> bool:
        return bool(self.classes)

    def add_output(self, output: torch.Tensor) -> None:
        if self.pending_rows >= MAX_PENDING_ROWS or not output.is_floating_point() or not output.numel():
            return
        classes = predicted_classes(output)
        self.classes.append(torch.empty(0, dtype=torch.float64) if classes is None else classes)
        values = output.detach().cpu().double().reshape(-1).numpy() \
            if output.dim() and output.numel() <= MAX_VALUES_PER_ROW * len(output) else None
        self.outputs.append(values)
        self.pending_rows += len(output) if output.dim() else 1

    def _forwards(self, values: np.ndarray, pending: list, match) -> list[int] | None:
        """The pending forwards ``values`` are the predictions of: the last one, or all of them joined (None in
        ``pending``: an output too wide to keep)."""
        last = len(pending) - 1
        if pending and pending[last] is not None and values.size == pending[last].size and match(values, pending[last]):
            return [last]
        if (len(pending) > 1 and all(part is not None for part in pending)
                and values.size == sum(part.size for part in pending) and match(values, np.concatenate(pending))):
            return list(range(len(pending)))
        return None

    def _claim(self, forwards: list[int] | None) -> bool:
        if forwards is None or self.counted.intersection(forwards):
            return False
        self.counted.update(forwards)
        return True

    def compared(self, a, b, result) -> None:
        """``result = (a == b)``: count it when one side is the pending classes (the last forward's, or the pass's
        so far joined) and the other a tensor of the same size."""
        if not self.classes or not isinstance(result, torch.Tensor):
            return
        for predicted, truth in ((a, b), (b, a)):
            if (isinstance(predicted, torch.Tensor) and isinstance(truth, torch.Tensor)
                    and predicted.numel() == truth.numel() == result.numel()
                    and predicted.numel() in (self.classes[-1].numel(), self.pending_rows)):
                values = _flat(predicted)
                if self._claim(self._forwards(values, [c.numpy() for c in self.classes], np.array_equal)):
                    self._add_classes(_flat(truth), values, int(result.sum()))
                    return

    def scored(self, kind: str, truth, predicted) -> None:
        """A scikit-learn metric of ``kind`` ("classification" or "regression") called with (truth, predicted)."""
        if not self.classes or truth is None or predicted is None:
            return
        y, p = _flat(truth), _flat(predicted)
        if y.size != p.size:
            return
        if kind == "classification":
            if self._claim(self._forwards(p, [c.numpy() for c in self.classes], np.array_equal)):
                self._add_classes(y, p, int((y == p).sum()))
        elif self._claim(self._forwards(p, self.outputs, _affine_of)):
            self.sse += float(((y - p) ** 2).sum())
            self.total += float(y.sum())
            self.total_sq += float((y ** 2).sum())
            self.value_rows += y.size
            self.value_pairs.append((y.astype(np.float32), p.astype(np.float32)))

    def _add_classes(self, truth: np.ndarray, predicted: np.ndarray, hits: int) -> None:
        self.hits += hits
        self.rows += truth.size
        self.class_pairs.append((truth.astype(np.int64), predicted.astype(np.int64)))

    def close_pass(self, regression: bool) -> tuple[float, int, np.ndarray, np.ndarray] | None:
        """A training step ends the pass: its (R^2 when ``regression``, else accuracy, rows scored, labels,
        predictions) when anything scored it that way, kept as the latest pass."""
        scored = None
        pairs = self.value_pairs if regression else self.class_pairs
        if not regression:
            metric = self.hits / self.rows if self.rows else None
        elif self.value_rows and (spread := self.total_sq - self.total ** 2 / self.value_rows) > 0:
            metric = 1.0 - self.sse / spread
        else:
            metric = None
        if metric is not None:
            targets, preds = (np.concatenate(part) for part in zip(*pairs, strict=True))
            scored = self.last_pass = (metric, len(targets), targets, preds)
        self._start_pass()
        self.classes, self.outputs, self.pending_rows = [], [], 0
        self.counted = set()
        return scored
