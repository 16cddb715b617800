"""Assemble the Trace of one experiment-mode run: probe records, the trainer's result, data facts."""

from __future__ import annotations

import numpy as np

from ml_expert.tools.data.leakage import label_leak
from ml_expert.tools.data.prepare import PreparedData
from ml_expert.tools.data.splits import Split
from ml_expert.tools.diagnose.experiment.probe import ExperimentProbe
from ml_expert.tools.diagnose.probes import input_stats, row_hashes
from ml_expert.tools.diagnose.signal import signal_score
from ml_expert.tools.diagnose.trace import DataFacts, EpochRow, Trace, Wiring
from ml_expert.tools.train.loop import FitResult

NEAR_CHANCE = 0.1  # validation metric within this of chance: worth checking the labels carry signal


def experiment_trace(probe: ExperimentProbe, fit: FitResult, prepared: PreparedData, seed: int,
                     rows: tuple[Split, Split] | None = None) -> Trace:
    """``rows``: the (train, val) rows the run used when they differ from the prepared splits."""
    config = fit.experiment.training
    task = fit.loaded.task
    return Trace(
        source="experiment", task=task, num_classes=fit.loaded.num_outputs if task == "classification" else None,
        metric_name=fit.metric_name, optimizer=config.optimizer, lr=config.lr,
        steps=probe.steps, losses=probe.losses,
        epochs=[EpochRow(**{k: row[k] for k in EpochRow.model_fields if k in row}) for row in fit.history],
        samples=probe.samples, groups=probe.groups,
        data=_data_facts(probe, fit, prepared, seed, rows),
        wiring=Wiring(loss_kind=_loss_kind(fit), loss_calls_checked=len(probe.samples),
                      loss_input_probability_calls=sum(bool(s.loss_input_probabilities) for s in probe.samples),
                      backward_calls=fit.steps, optimizer_steps=fit.steps, zero_grad_calls=fit.steps,
                      mode_layers=probe.mode_layers, grad_forwards=fit.steps),
        locations={"training": "experiment.training", "model": "experiment.model"},
        stopped_reason=fit.stopped_reason,
        config={k: v for k, v in config.model_dump().items() if isinstance(v, (int, float, str, bool)) or v is None},
    )


def _loss_kind(fit: FitResult) -> str:
    loss = fit.experiment.training.loss
    if loss != "auto":
        return loss
    return "cross_entropy" if fit.loaded.task == "classification" else "mse"


def _data_facts(probe: ExperimentProbe, fit: FitResult, prepared: PreparedData, seed: int,
                rows: tuple[Split, Split] | None) -> DataFacts:
    audit, table = prepared.audit, prepared.table
    train, val = rows or (prepared.splits.train, prepared.splits.val)
    facts = DataFacts(n_train=len(train), n_val=len(val), train_inputs=input_stats(probe.rows()))
    if table.task == "classification":
        facts.class_counts = audit.class_counts.get("train")
        facts.val_accuracy = fit.val_metrics.get("accuracy")
        facts.val_balanced_accuracy = fit.val_metrics.get("balanced_accuracy")
    if rows is None:
        facts.val_in_train_fraction = audit.duplicates.fractions.get("val_in_train")
        scores = audit.leak_scores
        leak = next(v for v in audit.verdicts if v.check == "label_leak")
    else:  # changed rows: measure overlap and leaks on them, the way the audit does
        seen = set(row_hashes(train.X).tolist())
        facts.val_in_train_fraction = float(np.mean([h in seen for h in row_hashes(val.X).tolist()]))
        scores, leak = label_leak(train.X, train.y, table.task, table.feature_names, seed)
    best = int(np.argmax(scores))
    facts.leak_feature, facts.leak_score = table.feature_names[best], float(scores[best])
    facts.leak_suspect = leak.status != "pass"
    drift = next(v for v in audit.verdicts if v.check == "drift")
    facts.drift_auc, facts.drift_status = float(audit.drift.auc), drift.status
    near_chance = fit.val_metric - _chance(fit, table.task) < NEAR_CHANCE
    if near_chance or fit.val_metric < 0.9:  # the signal probe is also the underfitting floor
        measured = signal_score(train.X, train.y, table.task, seed)
        if measured:
            facts.signal_score, facts.chance_score = measured.score, measured.chance
            facts.simple_model_score, facts.signal_rows = measured.floor, measured.rows
    if near_chance:
        facts.overfit_batch_fraction = _memorise_one_batch(fit, train, seed)
    return facts


def _chance(fit: FitResult, task: str) -> float:
    if task != "classification":
        return 0.0
    return float(np.bincount(fit.val_targets).max() / len(fit.val_targets))


def _memorise_one_batch(fit: FitResult, train: Split, seed: int) -> float | None:
    """Final / initial loss of a copy of the model trained on one batch: capacity and wiring, not signal."""
    import torch

    from ml_expert.tools.architecture.checks import check_overfit, data_batch

    generator = torch.Generator().manual_seed(seed)
    batch = data_batch(train.X, train.y, fit.loaded, 32, generator)
    result = check_overfit(fit.model, batch, fit.loaded, max_steps=150, lr=3e-3, target_fraction=0.05)
    return result.verdict.evidence.get("final_fraction")
