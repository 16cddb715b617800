"""Turn what the script probes recorded into the common Trace (in the script's child process)."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from ml_expert.tools.data.drift import drift_verdict, measure_drift
from ml_expert.tools.data.leakage import label_leak
from ml_expert.tools.diagnose import probes
from ml_expert.tools.diagnose.script.loss_checks import CLASS_LOSSES, MAX_INTEGER_CLASSES, REGRESSION_LOSSES
from ml_expert.tools.diagnose.script.probe import ScriptProbe
from ml_expert.tools.diagnose.signal import signal_score
from ml_expert.tools.diagnose.trace import (
    Crash,
    DataFacts,
    EpochRow,
    LayerGroup,
    ScriptWarning,
    Trace,
    Wiring,
)

MAX_LEAK_FEATURES = 200  # the single-feature leak check is for tabular inputs
SIGNAL_BELOW = 0.9  # run the signal probe when the model's accuracy is below this
# Distinct training rows this many times the validation rows, none ever seen twice while validation rows
# repeat: the training rows are augmented each time they are drawn.
FRESH_TRAIN_ROWS = 20
COMMON_ROW_REPEATS = 3  # a row drawn this many times the typical training row's count is a common example


def build_trace(probe: ScriptProbe, ended: str, crash: Crash | None = None,
                warnings: list[ScriptWarning] | None = None) -> Trace:
    """``ended``: finished, budget or crashed (with ``crash`` saying how)."""
    probe.close_validation_window()
    restored = _restored_evaluation(probe)
    start, final_kinds = probe.final_objective()
    kinds = [kind for kind, _ in probe.loss_kinds.most_common() if final_kinds is None or kind in final_kinds]
    loss_kind = kinds[0] if kinds else None
    if loss_kind is None and probe.counts["hand_written"]:
        loss_kind = "custom"
    # After a change of objective only the final one's steps and curves are judged.
    first_step = probe.steps[start] if start else -1
    task = "classification" if loss_kind in (*CLASS_LOSSES, "bce") else "regression" if loss_kind in \
        REGRESSION_LOSSES else None
    metric = "accuracy" if loss_kind in CLASS_LOSSES or (loss_kind == "bce" and probe.binary_outputs) else \
        "r2" if task == "regression" else None
    trace = Trace(source="script", task=task, num_classes=probe.num_classes, metric_name=metric,
                  optimizer=probe.optimizer_name, lr=probe.lr, steps=probe.steps[start:], losses=probe.losses[start:],
                  lrs=probe.lrs[start:], epochs=[row for row in probe.training_curve() if row.step > first_step],
                  restored=restored, samples=probe.samples,
                  groups=_groups(probe),
                  wiring=_wiring(probe, loss_kind), locations=probe.locations, ended=ended, crash=crash,
                  warnings=warnings or [], config={k: v for k, v in probe.settings.items() if v is not None})
    try:
        trace.data = _data(probe, trace)
    except (ValueError, FloatingPointError, np.linalg.LinAlgError) as error:  # data facts are extras: keep the rest
        trace.config["data_facts_error"] = f"{type(error).__name__}: {error}"[:200]
    return trace


def _restored_evaluation(probe: ScriptProbe) -> EpochRow | None:
    """The last validation row, taken out of the curves, when it scored weights loaded after the last training
    step."""
    if probe.weights_loaded is None:
        return None
    step, rows = probe.weights_loaded
    if step != probe.step or len(probe.epochs) != rows + 1:
        return None
    return probe.epochs.pop()


def _groups(probe: ScriptProbe) -> list[LayerGroup]:
    if not probe.groups:
        return []
    held = {id(p) for o in probe.optimizers for g in o.param_groups for p in g["params"]}
    # A model of plain tensors has no modules: its groups are the tensors, of kind "tensor".
    kinds = {name or type(m).__name__: type(m).__name__ for name, m in probe.model.named_modules()} \
        if probe.model is not None else {name: "tensor" for name in probe.groups}
    changed = probes.update_ratios(probe.groups, probe.initial)
    return [LayerGroup(
        name=name, kind=kinds.get(name, ""), n_params=sum(p.numel() for p in params),
        trainable=any(p.requires_grad for p in params), in_optimizer=any(id(p) in held for p in params),
        got_grad=any(s.groups[name].grad_norm is not None for s in probe.samples if name in s.groups)
        or any(p.grad is not None for p in params),
        params_without_grad=sum(p.numel() for p in params if p.requires_grad and id(p) in held
                                and id(p) not in probe.graded and p.grad is None),
        changed=bool(changed[name]))
        for name, params in probe.groups.items()] + _unregistered(probe, held)


def _unregistered(probe: ScriptProbe, held: set[int]) -> list[LayerGroup]:
    """Leaves the loss depends on that the model does not register (a plain Python list of layers, a tensor
    kept as an attribute) and no optimizer holds: one group, kind "unregistered"."""
    registered = {id(p) for ps in probe.groups.values() for p in ps}
    stray = [t for key, t in probe.graph_leaves.items() if key not in registered and key not in held]
    if not stray:
        return []
    shapes = ", ".join(str(tuple(t.shape)) for t in stray[:4])
    return [LayerGroup(name=f"unregistered tensors {shapes}", kind="unregistered",
                       n_params=sum(t.numel() for t in stray), trainable=True, in_optimizer=False, got_grad=True,
                       changed=False)]


def _wiring(probe: ScriptProbe, loss_kind: str | None) -> Wiring:
    values = sorted(probe.regression_targets)
    class_like = (loss_kind in REGRESSION_LOSSES and probe.regression_on_integers
                  and 2 <= len(values) <= MAX_INTEGER_CLASSES and values == list(range(len(values))))
    counts = probe.counts
    rows, total, squares = probe.target_moments
    target_mean = total / rows if rows else None
    target_std = math.sqrt(max(squares / rows - target_mean ** 2, 0.0)) if rows else None
    first_class_loss, first_class_classes = probe.first_class_loss or (None, None)
    return Wiring(loss_kind=loss_kind, loss_calls_checked=probe.checked_calls,
                  loss_input_probability_calls=probe.probability_calls,
                  integer_targets_with_regression_loss=class_like,
                  regression_target_values=len(values) if loss_kind in REGRESSION_LOSSES else None,
                  backward_calls=counts["backward"], optimizer_steps=probe.step, zero_grad_calls=counts["zero_grad"],
                  stale_grad_backwards=probe.stale_grad_backwards,
                  mode_layers=bool(probe.model is not None and probe.mode_layers_of.get(id(probe.model))),
                  grad_forwards=counts["grad_forwards"], grad_forwards_in_eval=counts["grad_forwards_in_eval"],
                  nograd_forwards=counts["nograd_forwards"], nograd_forwards_in_train=counts["nograd_forwards_in_train"],
                  train_row_eval_forwards=counts["train_row_eval_forwards"],
                  loss_sum_reduction_calls=counts["sum_reduction"], loss_batch=counts["loss_batch"] or None,
                  loss_wrong_axis_calls=counts["wrong_axis"], loss_broadcast_calls=counts["broadcast"],
                  logits_loss_probability_calls=counts["logits_probabilities"],
                  bounded_output_calls=sum(probe.output_ranges.values()), output_range=_most_common(probe.output_ranges),
                  hand_written_loss_backwards=counts["hand_written"], target_std=target_std,
                  first_class_loss=first_class_loss, first_class_loss_classes=first_class_classes,
                  real_fake_steps=counts["real_fake_steps"],
                  target_abs_mean=abs(target_mean) if target_mean is not None else None,
                  bn_batch_of_one_forwards=counts["bn_batch_of_one"], scheduler_steps=counts["scheduler_steps"],
                  unreadable_tensors=probe.unreadable)


def _rows(chunks: list[np.ndarray]) -> np.ndarray:
    widths = {c.shape[1] for c in chunks}
    return np.concatenate(chunks) if chunks and len(widths) == 1 else np.zeros((0, 0))


def _token_rows(chunks: list[np.ndarray]) -> np.ndarray:
    """Batches of token ids padded to one width with id 0 (padded batches differ in length)."""
    width = max((c.shape[1] for c in chunks), default=0)
    return np.concatenate([np.pad(c, ((0, 0), (0, width - c.shape[1]))) for c in chunks]) if chunks else np.zeros((0, 0))


def _data(probe: ScriptProbe, trace: Trace) -> DataFacts:
    train, val = _rows(probe.train_rows), _rows(probe.val_rows)
    if not probe.val_hashes and probe.train_eval_hashes:
        # The only no-grad pass ran over training rows: validation is the training set.
        probe.val_hashes = probe.train_eval_hashes
    facts = DataFacts(n_train=len(probe.train_hashes) or None, n_val=len(probe.val_hashes) or None,
                      train_inputs=probes.input_stats(train) if len(train) else None,
                      val_inputs=probes.input_stats(val) if len(val) else None)
    first_layer = _rows(probe.first_layer_rows)
    if len(first_layer):
        facts.first_layer_inputs = probes.input_stats(first_layer)
    # Rows of ids are keys (a user and an item) or token sequences, not whole examples: the same key in both
    # splits is no leak, so only float rows are judged for overlap, and only when they are the examples scored.
    if probe.val_hashes and probe.train_hashes and not probe.rows_are_ids and probe.rows_are_examples():
        facts.val_in_train_fraction = _val_in_train(probe.val_hashes, probe.train_hashes)
    facts.train_rows_fresh = bool(probe.stale_batches[False] and not probe.stale_batches[True]
                                  and len(probe.train_hashes) >= FRESH_TRAIN_ROWS * len(probe.val_hashes))
    shift = probes.shift_between(train, val) if len(train) and len(val) else None
    if shift:
        facts.val_shift_sd, facts.val_std_log_ratio = shift
        _drift_facts(facts, train, val)
    if probe.val_targets is not None and trace.metric_name == "accuracy":
        facts.val_accuracy, facts.val_balanced_accuracy = _accuracies(probe.val_targets, probe.val_preds)
    elif probe.recent_train and trace.metric_name == "accuracy":
        y, p = (np.concatenate(part) for part in zip(*probe.recent_train, strict=True))
        facts.train_accuracy, facts.train_balanced_accuracy = _accuracies(y, p)
    if probe.compared.last_pass is not None:
        metric, facts.val_compared_rows = probe.compared.last_pass[:2]
        if trace.metric_name == "r2":
            facts.val_compared_r2 = metric
        else:
            facts.val_compared_accuracy = metric
    X = (_token_rows if probe.rows_are_ids else _rows)(probe.pairs_x)
    y = np.concatenate(probe.pairs_y) if probe.pairs_y else np.zeros(0)
    if len(X) != len(y) or len(X) < 30 or trace.task is None or not np.isfinite(X).all():
        return facts
    # Epochs repeat rows; repeated rows would let nearest neighbours "predict" by memory.
    first = _first_of_each(X)
    X, y = X[first], y[first]
    if trace.task == "classification":
        y = y.astype(np.int64)
        counts = np.bincount(y)
        facts.class_counts = {f"class_{k}": int(c) for k, c in enumerate(counts) if c}
    if not probe.rows_are_ids:  # an id that predicts the label is a strong category, not a copy of it
        _leak_facts(facts, X, y, trace.task)
    last = trace.epochs[-1] if trace.epochs else None
    metric = last.val_metric if last and last.val_metric is not None else (last.train_metric if last else None)
    if metric is None or (not math.isnan(metric) and metric < SIGNAL_BELOW):
        measured = signal_score(X, y, trace.task, tokens=probe.rows_are_ids)
        if measured:
            if not probe.rows_are_ids:  # simple models missing what ids interact to give prove nothing
                facts.signal_score, facts.chance_score = measured.score, measured.chance
            facts.simple_model_score, facts.signal_rows = measured.floor, measured.rows
    return facts


def _val_in_train(val: set[int], train: Counter) -> float:
    """The share of validation rows that training also holds, leaving out rows the population itself repeats:
    a discrete generator's common example (a graph of one shape) is drawn many times over in training, a
    leaked row about as often as any other training row."""
    shared = val & train.keys()
    typical = train.total() / len(train)
    common = [key for key in shared if train[key] > COMMON_ROW_REPEATS * typical]
    return (len(shared) - len(common)) / len(val)


def _drift_facts(facts: DataFacts, train: np.ndarray, val: np.ndarray) -> None:
    """The audit's domain classifier on the kept rows (each row once: epochs repeat them): it finds a shift
    that only a few features carry, which the median shift over all features misses."""
    if train.shape[1] > MAX_LEAK_FEATURES or not (np.isfinite(train).all() and np.isfinite(val).all()):
        return
    train, val = train[_first_of_each(train)], val[_first_of_each(val)]
    report = measure_drift(train, val)
    facts.drift_auc = float(report.auc)
    facts.drift_status = drift_verdict(report, [f"input[{j}]" for j in range(train.shape[1])]).status


def _first_of_each(rows: np.ndarray) -> np.ndarray:
    """Indices of each distinct row's first occurrence, in order."""
    _, first = np.unique(probes.row_hashes(rows), return_index=True)
    return np.sort(first)


def _leak_facts(facts: DataFacts, X: np.ndarray, y: np.ndarray, task: str) -> None:
    if X.shape[1] > MAX_LEAK_FEATURES:
        return
    names = [f"input[{j}]" for j in range(X.shape[1])]
    scores, leak = label_leak(X, y, task, names)
    best = int(np.argmax(scores))
    facts.leak_feature, facts.leak_score = names[best], float(scores[best])
    facts.leak_suspect = leak.status != "pass"


def _accuracies(y: np.ndarray, p: np.ndarray) -> tuple[float, float]:
    """Accuracy and balanced accuracy of predictions ``p`` against targets ``y``."""
    return float(np.mean(y == p)), float(np.mean([np.mean(p[y == c] == c) for c in np.unique(y)]))


def _most_common(seen: Counter) -> str | None:
    return seen.most_common(1)[0][0] if seen else None
