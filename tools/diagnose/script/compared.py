"""Validation accuracy of a script that scores validation without a loss: ``(model(X).argmax(1) == y)``.

The probe hands over the classes the model predicts in each no-grad forward over rows that are not training
rows. A tensor comparison (``==`` / ``eq``) of exactly those predictions with another tensor of the same size is
the script scoring them against its labels, and the comparison's result holds the hits it counts.
"""

from __future__ import annotations

import torch

MAX_PENDING_ROWS = 20_000  # predictions held per validation pass


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


class ComparedAccuracy:
    """Hits and rows of the comparisons that score the pending predictions, per validation pass."""

    def __init__(self) -> None:
        self.pending: list[torch.Tensor] = []
        self.pending_rows = 0
        self.hits = 0
        self.rows = 0
        self.last_pass: tuple[int, int] | None = None  # (hits, rows) of the latest pass that was scored

    def add_output(self, output: torch.Tensor) -> None:
        if self.pending_rows < MAX_PENDING_ROWS and (classes := predicted_classes(output)) is not None:
            self.pending.append(classes)
            self.pending_rows += classes.numel()

    def compared(self, a, b, result) -> None:
        """``result = (a == b)``: count it when one side is the pending predictions (the last forward's, or the
        pass's so far joined) and the other a tensor of the same size."""
        if not self.pending or not isinstance(result, torch.Tensor):
            return
        for predicted, truth in ((a, b), (b, a)):
            if (isinstance(predicted, torch.Tensor) and isinstance(truth, torch.Tensor)
                    and predicted.numel() == truth.numel() == result.numel() and self._predictions(predicted)):
                self.hits += int(result.sum())
                self.rows += result.numel()
                return

    def _predictions(self, tensor: torch.Tensor) -> bool:
        values = tensor.detach().reshape(-1).double()
        last = self.pending[-1]
        if values.numel() == last.numel():
            return torch.equal(values, last)
        return values.numel() == self.pending_rows and torch.equal(values, torch.cat(self.pending))

    def close_pass(self) -> tuple[int, int] | None:
        """A training step ends the pass: keep its tally when it scored anything, and return it."""
        scored = None
        if self.rows:
            self.last_pass = scored = (self.hits, self.rows)
            self.hits = self.rows = 0
        if self.pending:
            self.pending, self.pending_rows = [], 0
        return scored

    @property
    def accuracy(self) -> float | None:
        return self.last_pass[0] / self.last_pass[1] if self.last_pass else None
