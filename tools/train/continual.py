"""train_model on a sequence of tasks: after each task, accuracy on the validation rows of every
task so far, and the forgetting that follows.

``R[i][j]`` is the accuracy on task j after training on task i (j <= i). Backward transfer
(Lopez-Paz & Ranzato 2017) is the mean over earlier tasks of ``R[T-1][j] - R[j][j]``; forgetting
(Chaudhry et al. 2018) the mean of ``max_l R[l][j] - R[T-1][j]`` over l < T-1. The mitigation is a
replay buffer: ``replay_rows`` training rows of every earlier task, drawn once at random, join each
later task's training rows. Asked for, the same sequence also runs without replay so the effect
is measured, not assumed. Validation rows stand in for the literature's test sets: the sealed
test splits stay sealed.
"""

from __future__ import annotations

import json
import time

import numpy as np
import torch

from ml_expert.tools.data.prepare import PreparedData, prepare_data
from ml_expert.tools.data.splits import Split
from ml_expert.tools.envelope import Provenance, Verdict
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import save_model
from ml_expert.tools.train.loop import FitResult, fit
from ml_expert.tools.train.schema import Continual, TrainModelResult, TrainModelSpec
from ml_expert.tools.train.spec import ExperimentSpec
from ml_expert.tools.train.tensors import to_tensors
from ml_expert.tools.train.watch import BestCheckpoint

FORGETTING_LIMIT = 0.1


def train_sequence(spec: TrainModelSpec, job: JobContext) -> TrainModelResult:
    started = time.perf_counter()
    specs = [spec.data, *spec.tasks]
    prepared = [prepare_data(data, job, field="data" if i == 0 else f"tasks[{i - 1}]") for i, data in enumerate(specs)]
    _check_compatible(prepared)
    matrix, fitted = _run(spec, specs, prepared, job, spec.replay_rows)
    baseline = _run(spec, specs, prepared, job, 0)[0] if spec.replay_rows else None
    save_model(fitted.loaded, job, checkpoint="model.pt")
    job.add_artifact("experiment.json", "config", json.dumps(
        {"experiment": ExperimentSpec(model=spec.model, data=specs[-1], training=spec.training).model_dump(
            mode="json", exclude_none=True), "tasks": [s.model_dump(mode="json") for s in specs],
         "replay_rows": spec.replay_rows, "seed": fitted.seed, "metric": "accuracy"}, indent=1))
    continual = Continual(accuracy=[[round(v, 4) for v in row] for row in matrix], forgetting=_forgetting(matrix),
                          backward_transfer=_backward_transfer(matrix), replay_rows=spec.replay_rows)
    if baseline is not None:
        continual.forgetting_without_replay = _forgetting(baseline)
        continual.backward_transfer_without_replay = _backward_transfer(baseline)
    verdicts = [v for p in prepared for v in p.verdicts if v.status != "pass"] + [_verdict(continual)]
    result = TrainModelResult(metric="accuracy", epochs_run=len(fitted.history), stopped="budget",
                              continual=continual, verdicts=verdicts)
    result.metrics = {"final_mean_accuracy": round(float(np.mean(matrix[-1])), 6),
                      "forgetting": continual.forgetting, "backward_transfer": continual.backward_transfer}
    result.summary = _summary(continual, job.run_id)
    result.artifacts = list(job.artifacts)
    result.provenance = Provenance(**prepared[-1].provenance_fields(), seeds={"train": fitted.seed},
                                   device=fitted.device, wall_time_s=round(time.perf_counter() - started, 3))
    return result


def _check_compatible(prepared: list[PreparedData]) -> None:
    first = prepared[0].table
    if first.task != "classification":
        raise SpecError("data", "forgetting is measured on accuracy, and this data is regression",
                        "classification tasks")
    for i, p in enumerate(prepared[1:]):
        table = p.table
        if table.task != first.task or table.n_features != first.n_features or (
                len(table.class_names or []) != len(first.class_names or [])):
            raise SpecError(f"tasks[{i}]", f"has {table.n_features} features and {len(table.class_names or [])} "
                                           f"classes; the first task has {first.n_features} and "
                                           f"{len(first.class_names or [])}",
                            "tasks one model can learn in turn: the same features and number of classes")


def _run(spec: TrainModelSpec, specs, prepared: list[PreparedData], job: JobContext, replay: int
         ) -> tuple[list[list[float]], FitResult]:
    rng = np.random.default_rng(spec.seed)
    weights, buffer, matrix, fitted = None, [], [], None
    for i, (data, p) in enumerate(zip(specs, prepared, strict=True)):
        train = p.splits.train
        if buffer:
            X = np.concatenate([train.X, *[b.X for b in buffer]])
            y = np.concatenate([train.y, *[b.y for b in buffer]])
            train = Split.of("train", X, y, np.arange(len(X)))
        experiment = ExperimentSpec(model=spec.model, data=data, training=spec.training)
        fitted = fit(experiment, job, prepared=p, rows=(train, p.splits.val), seed=spec.seed,
                     callbacks=[BestCheckpoint("accuracy", spec.patience)], field="tasks" if i else "model",
                     adjust_model=None if weights is None else (lambda module, w=weights: module.load_state_dict(w)))
        weights = {k: v.detach().to("cpu", copy=True) for k, v in fitted.model.state_dict().items()}
        matrix.append([_accuracy(fitted, prepared[j].splits.val) for j in range(i + 1)])
        if replay:
            own = p.splits.train
            keep = rng.choice(len(own), min(replay, len(own)), replace=False)
            buffer.append(Split.of("replay", own.X[keep], own.y[keep], own.indices[keep]))
    return matrix, fitted


@torch.no_grad()
def _accuracy(fitted: FitResult, split: Split) -> float:
    tensors = to_tensors(split, fitted.loaded, fitted.preprocessing, next(fitted.model.parameters()).device)
    fitted.model.eval()
    predictions = fitted.model(tensors.inputs).argmax(dim=1).cpu().numpy()
    return float((predictions == tensors.raw_targets).mean())


def _forgetting(matrix: list[list[float]]) -> float:
    last = matrix[-1]
    drops = [max(row[j] for row in matrix[j:-1]) - last[j] for j in range(len(matrix) - 1)]
    return round(float(np.mean(drops)), 4)


def _backward_transfer(matrix: list[list[float]]) -> float:
    last = matrix[-1]
    return round(float(np.mean([last[j] - matrix[j][j] for j in range(len(matrix) - 1)])), 4)


def _verdict(c: Continual) -> Verdict:
    evidence = {"forgetting": c.forgetting, "backward_transfer": c.backward_transfer, "replay_rows": c.replay_rows,
                "forgetting_without_replay": c.forgetting_without_replay}
    if c.forgetting <= FORGETTING_LIMIT:
        return Verdict(check="forgetting", status="pass", evidence=evidence,
                       message=f"Earlier tasks lose {c.forgetting:.3f} accuracy on average (limit {FORGETTING_LIMIT}).")
    return Verdict(check="forgetting", status="warn", evidence=evidence,
                   message=f"Catastrophic forgetting: earlier tasks lose {c.forgetting:.3f} accuracy on average "
                           f"after the last task (limit {FORGETTING_LIMIT}).",
                   fix="replay_rows (e.g. 200 rows of every earlier task) or fewer epochs / a lower lr on later tasks")


def _summary(c: Continual, run_id: str) -> str:
    text = (f"Trained {len(c.accuracy)} tasks in turn: final accuracies {c.accuracy[-1]}; forgetting "
            f"{c.forgetting:.3f}, backward transfer {c.backward_transfer:+.3f}")
    if c.forgetting_without_replay is not None:
        text += (f" with {c.replay_rows} replayed rows per earlier task (without replay: forgetting "
                 f"{c.forgetting_without_replay:.3f})")
    return text + f". Saved the final model as run {run_id}."
