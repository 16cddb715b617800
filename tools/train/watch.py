"""train_model's callbacks: keep the best validation checkpoint, stop early, note the target, report progress."""

from __future__ import annotations

import json
import math
import time

from ml_expert.tools.job import JobContext
from ml_expert.tools.train.callbacks import Callback, FitState, StopFit
from ml_expert.tools.train.metrics import higher_is_better

PROGRESS_EVERY_S = 2.0  # within an epoch, report at most this often (clients want news every few seconds)
HISTORY_EVERY_S = 5.0  # the curves so far reach the run folder this often: a cancelled run keeps them
HISTORY_FILE = "history.json"


class BestCheckpoint(Callback):
    """Remembers the weights of the best validation epoch and restores them when training ends.

    Raises StopFit("early_stopping") after ``patience`` epochs without improvement; a tie on the
    metric (accuracy moves in steps of 1/rows) counts as better when the validation loss is lower.
    The first epoch that meets ``target`` (metric, value) is kept in ``target_epoch``.
    """

    def __init__(self, metric: str, patience: int | None, target: tuple[str, float] | None = None):
        self.metric, self.patience, self.target = metric, patience, target
        self.higher = higher_is_better(metric)
        self.best_value: float | None = None
        self.best_loss = math.inf
        self.best_epoch: int | None = None
        self.target_epoch: int | None = None
        self.target_value: float | None = None
        self._best_state = None

    def _better(self, value: float, loss: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.best_value is None or value == self.best_value:
            return self.best_value is None or loss < self.best_loss
        return value > self.best_value if self.higher else value < self.best_value

    def on_epoch_end(self, state: FitState) -> None:
        value = state.val_scores[self.metric]
        if self.target is not None and self.target_epoch is None:
            name, wanted = self.target
            reached = state.val_scores[name]
            if reached >= wanted if higher_is_better(name) else reached <= wanted:
                self.target_epoch, self.target_value = state.epoch, reached
        loss = state.history[-1]["val_loss"]
        if self._better(value, loss):
            self.best_value, self.best_epoch, self.best_loss = value, state.epoch, loss
            self._best_state = {k: v.detach().to("cpu", copy=True) for k, v in state.model.state_dict().items()}
        elif self.patience is not None and state.epoch - (self.best_epoch or 0) >= self.patience:
            raise StopFit("early_stopping")

    def on_fit_end(self, state: FitState) -> None:
        if self._best_state is not None:
            state.model.load_state_dict(self._best_state)


class Progress(Callback):
    """Epoch, step, the current validation metric, the best so far and an ETA, to the client and the tracker."""

    def __init__(self, job: JobContext, metric: str, best: BestCheckpoint):
        self.job, self.metric, self.best = job, metric, best
        self._started = self._last = self._saved = 0.0

    def on_fit_start(self, state: FitState) -> None:
        self._started = self._last = time.perf_counter()
        self.job.progress(0, self._epochs(state), "training: first epoch")

    def on_after_step(self, state: FitState) -> None:
        now = time.perf_counter()
        if now - self._last >= PROGRESS_EVERY_S:
            self._last = now
            done = state.step / state.steps_per_epoch
            self.job.progress(round(done, 3), self._epochs(state),
                              f"epoch {state.epoch + 1}/{self._epochs(state)}, step {state.step}/{state.total_steps}"
                              f"{self._eta(state, now)}", loss=state.loss or math.nan)

    def on_epoch_end(self, state: FitState) -> None:
        now = self._last = time.perf_counter()
        row = state.history[-1]
        self.job.log_metrics({k: v for k, v in row.items() if k != "epoch" and math.isfinite(v)}, step=state.epoch)
        if now - self._saved >= HISTORY_EVERY_S:
            self._saved = now
            (self.job.run_dir / HISTORY_FILE).write_text(json.dumps(state.history))
        value = state.val_scores[self.metric]
        best = "" if self.best.best_value is None else f" (best {self.best.best_value:.4f} at {self.best.best_epoch})"
        self.job.progress(state.epoch, self._epochs(state),
                          f"epoch {state.epoch}/{self._epochs(state)}: val {self.metric} {value:.4f}{best}"
                          f"{self._eta(state, now)}", **{f"val_{self.metric}": value})

    @staticmethod
    def _epochs(state: FitState) -> int:
        return math.ceil(state.total_steps / state.steps_per_epoch)

    def _eta(self, state: FitState, now: float) -> str:
        if state.step == 0:
            return ""
        left = (now - self._started) / state.step * (state.total_steps - state.step)
        return f", ETA {left:.0f} s"
