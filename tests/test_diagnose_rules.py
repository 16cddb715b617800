"""Detection rules read a Trace; each is checked here on small hand-made traces, and the registry
keeps the vocabulary, the rules and the schema's table in step."""

from __future__ import annotations

import math
from typing import get_args

import pytest

from ml_expert.tools.diagnose import schema
from ml_expert.tools.diagnose.registry import diagnose, rule, rules
from ml_expert.tools.diagnose.schema import Diagnosis, DiagnosisLabel
from ml_expert.tools.diagnose.trace import (
    ActivationStep,
    DataFacts,
    EpochRow,
    GroupStep,
    InputStats,
    LayerGroup,
    Sample,
    Trace,
    Wiring,
)


def _trace(**fields) -> Trace:
    base = {"source": "script", "task": "classification", "num_classes": 10, "metric_name": "accuracy"}
    return Trace(**{**base, **fields})


def _falling(n: int = 60, start: float = 2.3, end: float = 0.2) -> list[float]:
    return [start * (end / start) ** (i / (n - 1)) for i in range(n)]


def _labels(trace: Trace) -> list[str]:
    return [d.label for d in diagnose(trace)]


def test_every_label_has_one_rule_and_a_row_in_the_schema_table():
    labels = set(get_args(DiagnosisLabel))
    assert set(rules()) == labels
    table = schema.__doc__
    assert all(f"| {label} |" in table for label in labels)


def test_findings_come_root_cause_first_and_weak_ones_are_dropped(monkeypatch):
    from ml_expert.tools.diagnose import registry

    monkeypatch.setattr(registry, "_RULES", {})
    rule("plateau", priority=53)(lambda t: Diagnosis(label="plateau", confidence=0.9, severity="minor", message="m",
                                                     fix="f"))
    rule("missing_zero_grad", priority=10)(lambda t: Diagnosis(label="missing_zero_grad", confidence=0.6,
                                                               severity="critical", message="m", fix="f"))
    rule("oscillation", priority=50)(lambda t: Diagnosis(label="oscillation", confidence=0.3, severity="minor",
                                                         message="m", fix="f"))
    monkeypatch.setattr(registry, "RULE_MODULES", ())
    assert [d.label for d in diagnose(_trace())] == ["missing_zero_grad", "plateau"]


def test_a_rule_must_return_its_own_label(monkeypatch):
    from ml_expert.tools.diagnose import registry

    monkeypatch.setattr(registry, "_RULES", {})
    monkeypatch.setattr(registry, "RULE_MODULES", ())
    rule("plateau", priority=1)(lambda t: Diagnosis(label="oscillation", confidence=1, severity="minor", message="m",
                                                    fix="f"))
    found, failures = registry.diagnose_all(_trace())
    assert found == [] and failures[0].rule == "plateau" and "returned a 'oscillation'" in failures[0].error


def test_an_empty_trace_and_a_healthy_curve_raise_nothing():
    assert _labels(_trace()) == []
    rows = [EpochRow(epoch=e, train_loss=1 / e, val_loss=1.1 / e, train_metric=0.9, val_metric=0.88)
            for e in range(1, 11)]
    assert _labels(_trace(steps=list(range(60)), losses=_falling(), epochs=rows)) == []


def test_missing_zero_grad_needs_stale_gradients_not_just_a_missing_call():
    quiet = Wiring(optimizer_steps=50, backward_calls=50, zero_grad_calls=0)
    assert "missing_zero_grad" not in _labels(_trace(wiring=quiet))  # e.g. `p.grad = None` by hand
    stale = quiet.model_copy(update={"stale_grad_backwards": 4})
    assert _labels(_trace(wiring=stale))[0] == "missing_zero_grad"


def test_softmax_into_cross_entropy_from_probability_inputs():
    wiring = Wiring(loss_kind="cross_entropy", loss_calls_checked=10, loss_input_probability_calls=10)
    top = diagnose(_trace(wiring=wiring, locations={"loss": "train.py:31"}))[0]
    assert top.label == "softmax_into_cross_entropy" and top.where == "train.py:31"


def test_nan_loss_is_a_learning_rate_problem_and_the_fix_lowers_it():
    top = diagnose(_trace(lr=0.5, steps=[0, 1, 2], losses=[2.3, 80.0, math.nan], stopped_reason="nan"))[0]
    assert top.label == "lr_too_high" and top.patch == {"training.lr": 0.05}


def test_tiny_update_ratios_with_no_progress_mean_lr_too_low():
    samples = [Sample(step=s, groups={"fc": GroupStep(update_ratio=2e-6, grad_rms=1e-3)}) for s in range(10)]
    top = diagnose(_trace(lr=1e-6, samples=samples, steps=list(range(60)), losses=[2.3] * 60))[0]
    assert top.label == "lr_too_low" and top.patch["training.lr"] == pytest.approx(1e-3)


def test_gradient_flow_ratio_decides_vanishing_versus_exploding():
    groups = [LayerGroup(name=f"fc{i}", kind="Linear", n_params=100, trainable=True, got_grad=True)
              for i in range(4)]

    def flow(first: float) -> list[Sample]:
        rms = [first, 1e-2, 1e-2, 1e-2]
        return [Sample(step=s, groups={g.name: GroupStep(grad_rms=r, grad_norm=r * 10) for g, r in zip(
            groups, rms, strict=True)}) for s in range(5)]

    flat = [2.3] * 60
    assert _labels(_trace(groups=groups, samples=flow(1e-7), steps=list(range(60)), losses=flat))[0] == \
        "vanishing_gradients"
    assert _labels(_trace(groups=groups, samples=flow(5.0), steps=list(range(60)), losses=_falling()))[0] == \
        "exploding_gradients"


def test_gradients_growing_through_the_body_are_exploding_even_with_a_default_init_head():
    names = [f"body.{i}" for i in range(8)] + ["head"]
    groups = [LayerGroup(name=n, kind="Linear", n_params=100, trainable=True, got_grad=True) for n in names]

    def samples(rms: list[float]) -> list[Sample]:
        return [Sample(step=s, groups={g.name: GroupStep(grad_rms=r, grad_norm=r * 10) for g, r in zip(
            groups, rms, strict=True)}) for s in range(5)]

    growing = [2.0 / 2 ** i for i in range(8)] + [0.04]  # body.0 / head is 50, under first/last's 70; / body.7 128
    found = diagnose(_trace(groups=groups, samples=samples(growing), steps=list(range(60)), losses=_falling()))
    assert found[0].label == "exploding_gradients" and found[0].evidence["last_layer"] == "body.7"
    uneven = [2.0, 0.001, 0.5, 0.002, 0.4, 0.003, 0.3, 0.004, 0.04]  # large first/min, but no growth
    assert "exploding_gradients" not in _labels(_trace(groups=groups, samples=samples(uneven),
                                                       steps=list(range(60)), losses=_falling()))


def test_a_recurrent_layer_is_deep_on_its_own_for_the_gradient_flow():
    groups = [LayerGroup(name="rnn", kind="RNN", n_params=100, trainable=True, got_grad=True),
              LayerGroup(name="head", kind="Linear", n_params=30, trainable=True, got_grad=True)]

    def samples(rnn: float) -> list[Sample]:
        return [Sample(step=s, groups={"rnn": GroupStep(grad_rms=rnn, grad_norm=rnn * 10),
                                       "head": GroupStep(grad_rms=0.05, grad_norm=0.5)}) for s in range(5)]

    near_chance = [EpochRow(epoch=e, train_loss=1.1, train_metric=0.34) for e in range(1, 6)]
    facts = DataFacts(chance_score=1 / 3, simple_model_score=1.0)

    def run(rnn: float) -> list[str]:
        return _labels(_trace(num_classes=3, groups=groups, samples=samples(rnn), steps=list(range(60)),
                              losses=[1.1] * 60, epochs=near_chance, data=facts,
                              config={"recurrent": "RNN", "sequence_length": 60}))

    assert run(40.0)[0] == "exploding_gradients"  # 800x the head's: the recurrence blew up through time
    assert run(0.05)[0] == "vanishing_gradients"  # the same size as the head's, stuck at chance over 60 steps


def test_an_embedding_group_given_a_learning_rate_far_below_the_rest_is_a_bad_update_ratio():
    groups = [LayerGroup(name=n, kind=k, n_params=100, trainable=True, got_grad=True)
              for n, k in (("user_emb", "Embedding"), ("item_emb", "Embedding"), ("cross", "Bilinear"))]
    rates = {"user_emb": 6e-5, "item_emb": 7e-5, "cross": 0.02}
    samples = [Sample(step=s, groups={n: GroupStep(grad_rms=0.01, grad_norm=0.1, update_ratio=r)
                                      for n, r in rates.items()}) for s in range(6)]

    def run(spread: float) -> list:
        return diagnose(_trace(num_classes=2, groups=groups, samples=samples, steps=list(range(60)),
                               losses=_falling(start=1.4, end=0.65), config={"group_lr_spread": spread}))

    top = run(333.0)[0]
    assert top.label == "bad_update_ratio" and top.evidence["group_to_change"] == "user_emb"
    assert "bad_update_ratio" not in [d.label for d in run(1.0)]  # embeddings drawn row by row are slow by nature


def test_param_groups_far_apart_in_a_run_short_of_simple_models_are_the_cause_not_underfitting():
    # The trunk's group got 1/100 of the embedding's learning rate: its steps are small but not still, and no
    # single epoch is far below the floor, yet the last epochs and validation are short of it.
    groups = [LayerGroup(name=n, kind="Linear", n_params=100, trainable=True, got_grad=True)
              for n in ("trunk.0", "trunk.3", "cls")]
    samples = [Sample(step=s, groups={n: GroupStep(grad_rms=0.01, grad_norm=0.1, update_ratio=r)
                                      for n, r in {"trunk.0": 1.4e-4, "trunk.3": 1.2e-4, "cls": 1.2e-4}.items()})
               for s in range(6)]

    def run(train: list[float], val: float) -> list[str]:
        rows = [EpochRow(epoch=e + 1, train_metric=m, val_metric=val) for e, m in enumerate(train)]
        return _labels(_trace(num_classes=3, groups=groups, samples=samples, steps=list(range(60)), epochs=rows,
                              losses=_falling(start=1.1, end=0.3), config={"group_lr_spread": 100.0},
                              data=DataFacts(simple_model_score=0.889)))

    assert run([0.83, 0.835, 0.842], 0.828)[:2] == ["bad_update_ratio", "underfitting"]
    assert "bad_update_ratio" not in run([0.9, 0.91, 0.9], 0.89)  # it learned what simple models do


def test_a_steep_fall_after_a_few_passes_stopped_too_early_even_past_simple_models():
    losses = _falling(n=60, start=1.0, end=0.125)  # halves every fifth of the run: nowhere near flat
    rows = [EpochRow(epoch=e, train_metric=0.8, val_metric=0.8) for e in (1, 2, 3)]

    def run(rows_seen: int) -> list[str]:
        return _labels(_trace(task="regression", num_classes=None, metric_name="r2", ended="finished",
                              losses=losses, steps=list(range(60)), epochs=rows, wiring=Wiring(loss_batch=32),
                              data=DataFacts(simple_model_score=0.69, n_train=rows_seen)))

    assert run(20 * 32)[0] == "stopped_too_early"  # three passes: the R^2 beats the floor, the loss is far from done
    assert "stopped_too_early" not in run(32)  # sixty passes at that fall: a long run, not a short one


def test_dead_relus_from_the_start_are_dying_relu():
    samples = [Sample(step=s, activations={"act1": ActivationStep(kind="relu", zero_fraction=0.97,
                                                                   dead_unit_fraction=0.9)}) for s in range(9)]
    assert _labels(_trace(samples=samples, steps=list(range(60)), losses=[2.3] * 60))[0] == "dying_relu"


def test_relus_that_die_along_the_way_are_named_only_when_the_model_learns_poorly():
    # Alive at the first sampled step, dead by the last third; the loss falls without spikes in both runs.
    samples = [Sample(step=s, activations={"act1": ActivationStep(kind="relu", zero_fraction=0.97 if s else 0.4,
                                                                   dead_unit_fraction=0.9 if s else 0.0)})
               for s in range(9)]

    def run(train: float) -> list[str]:
        rows = [EpochRow(epoch=e + 1, train_metric=train, val_metric=train) for e in range(3)]
        return _labels(_trace(num_classes=3, samples=samples, steps=list(range(60)), epochs=rows,
                              losses=_falling(start=1.1, end=0.5), data=DataFacts(simple_model_score=0.9)))

    assert run(0.6)[0] == "dying_relu"  # far short of what simple models reach: the dead units cost it
    assert "dying_relu" not in run(0.92)  # it learned as well as they do: the dead units cost it nothing


def test_overfitting_needs_a_gap_beyond_what_a_small_validation_set_explains():
    def rows(val: float) -> list[EpochRow]:
        return [EpochRow(epoch=e, train_loss=1 / e, val_loss=0.5, train_metric=1.0, val_metric=val)
                for e in range(1, 11)]

    small = DataFacts(n_val=25)
    assert "overfitting" not in _labels(_trace(epochs=rows(0.92), data=small))  # 2 errors in 25 rows
    assert _labels(_trace(epochs=rows(0.7), data=small))[0] == "overfitting"
    # Rows not hashed (1-D id inputs): the rows each validation pass scored stand for the validation set.
    scored = [r.model_copy(update={"val_metric_rows": 25}) for r in rows(0.92)]
    assert "overfitting" not in _labels(_trace(epochs=scored))
    assert "overfitting" in _labels(_trace(epochs=rows(0.92)))


def test_labels_without_signal_and_a_weak_model_against_a_simple_one():
    no_signal = DataFacts(signal_score=0.34, chance_score=1 / 3, simple_model_score=0.35, signal_rows=800,
                          val_balanced_accuracy=0.33)
    rows = [EpochRow(epoch=e, train_metric=0.4, val_metric=0.33) for e in range(1, 4)]
    assert _labels(_trace(num_classes=3, data=no_signal, epochs=rows))[0] == "labels_no_signal"
    # Simple models on flattened point sets see nothing, yet the model scores validation well without a loss.
    scored = dict(signal_score=0.34, chance_score=1 / 3, signal_rows=800, class_counts={"0": 300, "1": 260, "2": 240})
    assert "labels_no_signal" not in _labels(_trace(num_classes=3, data=DataFacts(**scored, val_compared_accuracy=0.89)))
    assert "labels_no_signal" in _labels(_trace(num_classes=3, data=DataFacts(**scored, val_compared_accuracy=0.4)))
    weak = DataFacts(signal_score=0.95, chance_score=0.1, simple_model_score=0.96, signal_rows=800)
    rows = [EpochRow(epoch=e, train_metric=0.55, val_metric=0.52) for e in range(1, 4)]
    assert _labels(_trace(data=weak, epochs=rows))[0] == "underfitting"


def test_unscaled_inputs_are_flagged_and_standardised_ones_are_not():
    raw = InputStats(rows=500, p90_abs=850.0, median_feature_std=3.0, max_feature_std_ratio=3e5)
    assert _labels(_trace(data=DataFacts(train_inputs=raw)))[0] == "unnormalized_inputs"
    scaled = InputStats(rows=500, p90_abs=1.6, median_feature_std=1.0, max_feature_std_ratio=1.0)
    assert _labels(_trace(data=DataFacts(train_inputs=scaled))) == []


def test_one_split_scaled_and_the_other_not_is_a_preprocessing_mismatch():
    train = InputStats(rows=100, p90_abs=1.6, median_feature_std=1.0, median_abs_feature_mean=0.0)
    val = InputStats(rows=40, p90_abs=120.0, median_feature_std=2.0, median_abs_feature_mean=3.0)
    facts = DataFacts(train_inputs=train, val_inputs=val, val_shift_sd=2.5, val_std_log_ratio=0.6)
    assert _labels(_trace(data=facts))[0] == "preprocessing_mismatch"


def test_oscillation_and_plateau_from_curves_alone():
    swinging = [EpochRow(epoch=e, val_metric=0.78 + 0.06 * (-1) ** e) for e in range(1, 16)]
    assert _labels(_trace(source="history", epochs=swinging))[0] == "oscillation"
    plateau = [1.4 + 0.9 * math.exp(-s / 40) for s in range(400)]
    assert _labels(_trace(source="history", steps=list(range(400)), losses=plateau)) == ["plateau"]


def _flattening(n: int = 60, start: float = 1.1, end: float = 0.6) -> list[float]:
    """Falls over the first third, then stays flat at ``end``: converged or stuck, the curve alone cannot say."""
    return [max(end, start - (start - end) * i / (n // 3)) for i in range(n)]


def test_a_loss_that_flattens_high_is_a_plateau_only_short_of_the_simple_model_floor():
    rows = [EpochRow(epoch=e, train_metric=0.62, val_metric=0.6) for e in range(1, 6)]
    converged = _trace(num_classes=2, losses=_flattening(), steps=list(range(60)), epochs=rows,
                       data=DataFacts(simple_model_score=0.63))
    assert "plateau" not in _labels(converged)
    stuck = _trace(num_classes=2, losses=_flattening(), steps=list(range(60)), epochs=rows,
                   data=DataFacts(simple_model_score=0.9))
    assert "plateau" in _labels(stuck)
    logged = _trace(source="history", num_classes=2, losses=_flattening(), steps=list(range(60)))
    assert "plateau" in _labels(logged)  # curves only: the shape speaks for itself


def test_metric_swings_within_a_small_validation_sets_noise_are_not_oscillation():
    rows = [EpochRow(epoch=e, train_loss=0.5, val_metric=0.5 + (0.05 if e % 2 else -0.05))
            for e in range(1, 13)]
    noisy = _trace(task="regression", num_classes=None, metric_name="r2", epochs=rows, data=DataFacts(n_val=89))
    assert "oscillation" not in _labels(noisy)  # standard error of r2 on 89 rows is about 0.075
    assert "oscillation" in _labels(noisy.model_copy(update={"data": DataFacts(n_val=5000)}))


def test_a_near_perfect_train_metric_losing_one_row_in_a_few_batches_is_not_oscillation():
    flips = [0.97, 1.0] * 8
    rows = [EpochRow(epoch=i + 1, train_loss=0.01, train_metric=m, train_metric_rows=32) for i, m in enumerate(flips)]
    assert "oscillation" not in _labels(_trace(epochs=rows, data=DataFacts(n_val=60)))
    swinging = [r.model_copy(update={"train_metric": 0.8 if r.train_metric < 1 else 1.0}) for r in rows]
    assert "oscillation" in _labels(_trace(epochs=swinging, data=DataFacts(n_val=60)))


def test_a_swing_is_judged_against_the_noise_of_a_difference_between_two_scores():
    # 128 training rows scored per epoch at about 0.97: one score's standard error is 0.016, a step's 0.023.
    def scored(low: float) -> list[EpochRow]:
        return [EpochRow(epoch=i + 1, train_loss=0.05, train_metric=m, train_metric_rows=128)
                for i, m in enumerate([0.99, low] * 8)]
    assert "oscillation" not in _labels(_trace(epochs=scored(0.955), data=DataFacts(n_val=113)))
    assert "oscillation" in _labels(_trace(epochs=scored(0.93), data=DataFacts(n_val=113)))


def test_a_shifted_validation_population_under_the_same_transform_is_drift_not_a_preprocessing_mismatch():
    standard = InputStats(rows=500, median_abs_feature_mean=0.02, median_feature_std=1.0)
    shifted = InputStats(rows=200, median_abs_feature_mean=0.9, median_feature_std=0.85)
    drifted = DataFacts(train_inputs=standard, val_inputs=shifted, val_shift_sd=0.9, val_std_log_ratio=0.18)
    assert _labels(_trace(data=drifted))[0] == "train_val_drift"
    augmented = drifted.model_copy(update={"train_rows_fresh": True})  # noise added to every training draw
    assert "train_val_drift" not in _labels(_trace(data=augmented))
    unscaled = DataFacts(train_inputs=standard, val_inputs=shifted, val_shift_sd=2.4, val_std_log_ratio=0.82)
    assert _labels(_trace(data=unscaled))[0] == "preprocessing_mismatch"
    far = InputStats(rows=200, median_abs_feature_mean=3.1, median_feature_std=1.0)
    moved_far = DataFacts(train_inputs=standard, val_inputs=far, val_shift_sd=3.1, val_std_log_ratio=0.06)
    assert _labels(_trace(data=moved_far)) == ["train_val_drift"]  # a later month, put through the same scaler


def test_hidden_imbalance_is_read_from_training_batches_when_the_script_never_validates():
    counts = {"class_0": 970, "class_1": 30}
    hidden = DataFacts(class_counts=counts, train_accuracy=0.977, train_balanced_accuracy=0.5)
    top = diagnose(_trace(num_classes=2, data=hidden))[0]
    assert top.label == "class_imbalance_hidden" and top.evidence["rows"] == "latest training batches"
    fair = DataFacts(class_counts=counts, train_accuracy=0.97, train_balanced_accuracy=0.93)
    assert "class_imbalance_hidden" not in _labels(_trace(num_classes=2, data=fair))


def test_a_short_run_whose_loss_still_falls_steadily_stopped_too_early_but_a_long_one_underfits():
    losses = [2.3 - 0.006 * i + (0.01 if i % 2 else -0.01) for i in range(40)]  # 10% over the run, no flattening
    rows = [EpochRow(epoch=1, train_metric=0.4, val_metric=0.5)]

    def run(rows_seen: int) -> Trace:
        return _trace(ended="finished", losses=losses, steps=list(range(40)), epochs=rows,
                      wiring=Wiring(loss_batch=64), data=DataFacts(simple_model_score=0.97, n_train=rows_seen))

    top = diagnose(run(40 * 64))[0]  # one pass over the data
    assert top.label == "stopped_too_early" and top.evidence["passes_over_data"] == 1
    assert "stopped_too_early" not in _labels(run(64 * 2))  # twenty passes: more of the same will not fix it


def test_a_noisy_short_run_whose_validation_loss_falls_every_epoch_stopped_too_early():
    noise = [0.12, -0.09, 0.15, -0.13, 0.08, -0.14, 0.1, -0.07]
    losses = [0.7 - 0.003 * i + noise[i % 8] for i in range(96)]  # 40% down over the run, buried in batch noise

    def run(val_losses: list[float]) -> Trace:
        rows = [EpochRow(epoch=e + 1, train_metric=0.7, val_metric=0.7, val_loss=v) for e, v in enumerate(val_losses)]
        return _trace(ended="finished", num_classes=2, losses=losses, steps=list(range(96)), epochs=rows,
                      wiring=Wiring(loss_batch=32), data=DataFacts(simple_model_score=0.97, n_train=32 * 32))

    assert diagnose(run([0.66, 0.6, 0.52]))[0].label == "stopped_too_early"
    assert "stopped_too_early" not in _labels(run([0.6, 0.52, 0.55]))  # validation already turned


def test_a_class_weighted_model_below_a_majority_class_floor_is_not_underfitting():
    rows = [EpochRow(epoch=e, train_loss=0.2, train_metric=0.77) for e in range(1, 7)]

    def run(floor: float) -> list[str]:
        data = DataFacts(simple_model_score=floor, class_counts={"class_0": 860, "class_1": 140})
        return _labels(_trace(num_classes=2, epochs=rows, data=data))

    assert "underfitting" not in run(0.86)  # the majority share: nothing a simple model found
    assert run(0.97)[0] == "underfitting"


def test_a_trace_with_nan_and_inf_reads_back_from_its_json():
    trace = _trace(losses=[2.3, math.nan, math.inf], epochs=[EpochRow(epoch=1, train_loss=math.nan)])
    again = Trace.model_validate_json(trace.model_dump_json())  # trace.json, as the job writes it
    assert again.losses[0] == 2.3 and math.isnan(again.losses[1]) and again.losses[2] == math.inf
    assert math.isnan(again.epochs[0].train_loss)


def test_hard_batches_of_a_model_that_learned_are_not_steps_too_large():
    losses = _falling(400, 0.75, 0.04)
    for i in range(60, 400, 37):
        losses[i] = 0.45  # one hard batch, the next back down: below where the loss started
    assert "lr_too_high" not in _labels(_trace(losses=losses))
    thrown = list(losses)
    for i in range(60, 400, 37):
        thrown[i:i + 3] = [1.5, 1.4, 1.3]  # thrown above the start, and staying up
    assert _labels(_trace(losses=thrown))[0] == "lr_too_high"


def test_a_converged_validation_loss_wobbling_near_zero_is_not_overfitting():
    val = [0.9, 0.5, 0.2, 0.08, 0.04, 0.03, 0.022, 0.02, 0.021, 0.024, 0.026]  # best x1.3, yet 0.6% back up
    rows = [EpochRow(epoch=i + 1, train_loss=0.9 * 0.6 ** i, val_loss=v, train_metric=1.0, val_metric=0.98)
            for i, v in enumerate(val)]
    assert "overfitting" not in _labels(_trace(epochs=rows, data=DataFacts(n_val=54)))
    climbing = [r.model_copy(update={"val_loss": v}) for r, v in zip(rows, val[:7] + [0.1, 0.2, 0.3, 0.4], strict=True)]
    assert "overfitting" in _labels(_trace(epochs=climbing, data=DataFacts(n_val=54)))


def test_early_stopping_that_loads_its_best_weights_back_is_judged_on_the_model_it_delivers():
    val = [0.9, 0.6, 0.45, 0.4, 0.42, 0.5, 0.6, 0.7, 0.8, 0.9]  # best at epoch 4, then rising
    metrics = [(0.6, 0.55), (0.75, 0.7), (0.82, 0.78), (0.85, 0.82), (0.9, 0.8), (0.94, 0.78), (0.97, 0.74),
               (0.99, 0.72), (1.0, 0.7), (1.0, 0.69)]
    rows = [EpochRow(epoch=i + 1, train_loss=0.9 * 0.7 ** i, val_loss=v, train_metric=t, val_metric=m)
            for i, (v, (t, m)) in enumerate(zip(val, metrics, strict=True))]
    data = DataFacts(n_val=400)
    assert "overfitting" in _labels(_trace(epochs=rows, data=data))  # the last epoch: a rise and a 31-point gap
    restored = EpochRow(epoch=11, val_loss=0.4, val_metric=0.82)  # epoch 4's weights, loaded back
    assert "overfitting" not in _labels(_trace(epochs=rows, data=data, restored=restored))
    elsewhere = restored.model_copy(update={"val_loss": 0.8})  # weights from no epoch the curve saw
    assert "overfitting" in _labels(_trace(epochs=rows, data=data, restored=elsewhere))


def test_a_train_metric_scored_on_few_batches_swings_by_itself():
    wobble = [0.84, 0.94, 0.81, 0.94, 0.88, 0.97, 0.84, 0.94, 0.87, 0.94]
    rows = [EpochRow(epoch=i + 1, train_loss=0.5, train_metric=m, train_metric_rows=32) for i, m in enumerate(wobble)]
    assert "oscillation" not in _labels(_trace(epochs=rows, data=DataFacts(n_val=60)))
    many = [r.model_copy(update={"train_metric_rows": 5000}) for r in rows]
    assert "oscillation" in _labels(_trace(epochs=many, data=DataFacts(n_val=60)))


def test_a_loss_that_goes_negative_has_no_rebound_to_judge():
    # A Poisson likelihood without its log(y!) constant: it falls below zero, and batch noise moves it about.
    noisy = [0.5 - 1.1 * (1 - math.exp(-i / 40)) + (0.35 if i % 9 == 0 else 0.0) for i in range(300)]
    noisy[-20:] = [v + 0.5 for v in noisy[-20:]]  # back up to about 0: from 0.5 that is no rebound
    assert "lr_too_high" not in _labels(_trace(task="regression", metric_name="r2", num_classes=None, losses=noisy))
    shifted = [v + 0.65 for v in noisy]  # the same curve above 0: it fell to a twentieth, then climbed back
    assert _labels(_trace(task="regression", metric_name="r2", num_classes=None, losses=shifted))[0] == "lr_too_high"


def test_sorted_batches_are_named_though_a_few_straddle_two_classes():
    # Batches of 64 over four sorted classes: the samples that land on a class boundary are mixed.
    shares = [1.0, 1.0, 0.58, 1.0, 0.66, 1.0, 1.0, 0.66]
    counts = DataFacts(class_counts={"class_0": 480, "class_1": 530, "class_2": 620, "class_3": 410})

    def trace(batch: int) -> Trace:
        return _trace(num_classes=4, losses=_falling(), data=counts, wiring=Wiring(loss_batch=batch),
                      samples=[Sample(step=i * 16, groups={}, batch_majority_fraction=s) for i, s in enumerate(shares)])

    assert _labels(trace(64))[0] == "unshuffled_sorted_data"
    assert "unshuffled_sorted_data" not in _labels(trace(4))  # batches of 4 often hold one class by chance


def test_a_loss_thrown_past_its_start_in_a_run_that_learns_is_oscillation_and_one_that_cannot_is_lr_too_high():
    def trace(ratio: float) -> Trace:
        # Falls to a tenth of its start, then every 25th step jumps to 1.5x the start for a few steps.
        losses = [2.3 * 0.1 ** min(i / 50, 1) for i in range(300)]
        for start in range(75, 300, 25):
            losses[start:start + 4] = [3.5] * 4
        samples = [Sample(step=s, groups={"fc": GroupStep(update_ratio=ratio, grad_rms=1e-2)}) for s in range(0, 300, 16)]
        return _trace(losses=losses, samples=samples)

    thrown = _labels(trace(0.3))
    assert thrown[0] == "oscillation" and "lr_too_high" not in thrown
    assert _labels(trace(5.0))[0] == "lr_too_high"  # steps larger than the weights: the LR itself


def test_a_shift_the_model_carries_over_is_no_drift():
    shifted = DataFacts(drift_status="fail", drift_auc=0.9, val_shift_sd=0.6)

    def trace(val_metric: float) -> Trace:
        rows = [EpochRow(epoch=i + 1, train_loss=loss, val_loss=loss * 1.1, train_metric=0.95, val_metric=val_metric)
                for i, loss in enumerate(_falling(12, 1.0, 0.2))]
        return _trace(num_classes=3, losses=_falling(), epochs=rows, data=shifted)

    assert "train_val_drift" not in _labels(trace(0.93))  # a later window of a series, forecast as well
    assert _labels(trace(0.6))[0] == "train_val_drift"


def test_a_shift_is_judged_on_validation_scored_without_a_loss():
    def trace(compared: float | None) -> Trace:
        rows = [EpochRow(epoch=i + 1, train_loss=loss, train_metric=0.95) for i, loss in enumerate(_falling(12, 1.0, 0.2))]
        shifted = DataFacts(drift_status="fail", drift_auc=0.9, val_shift_sd=0.6, val_compared_accuracy=compared)
        return _trace(num_classes=3, losses=_falling(), epochs=rows, data=shifted)

    assert "train_val_drift" not in _labels(trace(0.94))  # the script's own (predictions == labels) carries over
    assert _labels(trace(0.7))[0] == "train_val_drift"
    assert _labels(trace(None))[0] == "train_val_drift"  # nothing says what the shift costs: it stands


def test_a_regressor_s_shift_is_judged_on_its_r2_scored_without_a_loss():
    def trace(compared: float) -> Trace:
        rows = [EpochRow(epoch=i + 1, train_loss=loss, train_metric=0.9) for i, loss in enumerate(_falling(12, 1.0, 0.2))]
        shifted = DataFacts(drift_status="fail", drift_auc=0.9, val_shift_sd=0.6, val_compared_r2=compared)
        return _trace(task="regression", num_classes=None, metric_name="r2", losses=_falling(), epochs=rows,
                      data=shifted)

    assert "train_val_drift" not in _labels(trace(0.88))  # r2_score on the validation rows: it carries over
    assert _labels(trace(0.3))[0] == "train_val_drift"


def test_a_final_validation_after_the_loop_pairs_with_the_last_training_metric():
    from ml_expert.tools.diagnose.measures import last_epoch_metrics

    rows = [EpochRow(epoch=1, step=40, train_metric=0.8, val_metric=0.7),
            EpochRow(epoch=2, step=80, train_metric=0.99, val_metric=0.8),
            EpochRow(epoch=3, step=80, val_metric=0.75)]  # evaluated after training: no step since epoch 2
    assert last_epoch_metrics(_trace(epochs=rows)) == (0.99, 0.75)
    later = [*rows[:2], EpochRow(epoch=3, step=120, val_metric=0.75)]  # trained on since: no training metric
    assert last_epoch_metrics(_trace(epochs=later)) == (None, 0.75)
