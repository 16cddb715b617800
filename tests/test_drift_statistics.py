"""check_drift's statistics on a fixed reference: planted shifts are found, and only they are."""

from __future__ import annotations

import numpy as np
import pytest

from ml_expert.tools.drift.compare import auc_interval, check_batch
from ml_expert.tools.drift.features import benjamini_hochberg, categorical_test, feature_kinds
from ml_expert.tools.drift.reference import build_reference, read_reference, write_reference
from ml_expert.tools.errors import SpecError

N_FEATURES, CATEGORICAL = 24, 3  # feature 3 takes 4 category codes


def rows(rng: np.random.Generator, n: int) -> np.ndarray:
    X = rng.normal(size=(n, N_FEATURES)) * np.arange(1, N_FEATURES + 1) + 100.0  # unscaled columns
    X[:, CATEGORICAL] = rng.choice(4, size=n, p=[0.4, 0.3, 0.2, 0.1])
    return X


@pytest.fixture(scope="module")
def reference():
    names = [f"f{j}" for j in range(N_FEATURES)]
    return build_reference(rows(np.random.default_rng(0), 3000), names, task="regression", class_names=None,
                           val_outputs=None, performance={}, dataset_version="ds-test", split_hashes={})


def flagged(findings) -> list[str]:
    return [f.name for f in findings.drifted]


@pytest.mark.parametrize("batch_rows", [400, 2000], ids=["small_batch_ks", "large_batch_wasserstein"])
def test_a_feature_moved_by_half_a_standard_deviation_is_the_only_one_flagged(reference, batch_rows):
    batch = rows(np.random.default_rng(1), batch_rows)
    batch[:, 7] += 0.5 * 8  # feature 7 has standard deviation 8
    findings = check_batch(reference, batch)
    assert flagged(findings) == ["f7"]
    f7 = next(f for f in findings.features if f.name == "f7")
    assert f7.method == ("ks" if batch_rows <= 1000 else "wasserstein")
    assert f7.mean_shift_sd == pytest.approx(0.5, abs=0.15) and f7.p_adjusted < 1e-4
    assert findings.recommendation == "investigate"
    assert findings.verdicts[0].check == "feature_drift" and findings.verdicts[0].status == "warn"


def test_batches_from_the_training_distribution_raise_no_alarm_in_20_seeds(reference):
    alarms = [seed for seed in range(20)
              if check_batch(reference, rows(np.random.default_rng(100 + seed), 2000), seed=seed).recommendation
              != "fine"]
    assert len(alarms) <= 1, alarms  # false-alarm rate at most 5%


def test_small_batches_from_the_training_distribution_raise_no_alarm_either(reference):
    # Up to 1000 rows the corrected p-value alone decides: alpha 0.01 bounds the false alarms.
    alarms = [seed for seed in range(20)
              if flagged(check_batch(reference, rows(np.random.default_rng(200 + seed), 300), seed=seed))]
    assert len(alarms) <= 1, alarms


def test_a_categorical_feature_is_tested_on_its_category_shares(reference):
    assert reference.kinds[CATEGORICAL] == "categorical" and reference.kinds.count("categorical") == 1
    batch = rows(np.random.default_rng(2), 2000)
    rng = np.random.default_rng(3)
    batch[:, CATEGORICAL] = rng.choice(4, size=2000, p=[0.1, 0.2, 0.3, 0.4])
    findings = check_batch(reference, batch)
    assert flagged(findings) == [f"f{CATEGORICAL}"]
    moved = findings.drifted[0]
    assert moved.method == "jensen_shannon" and moved.distance > 0.2 and moved.psi > 0.25


def test_a_category_the_training_data_never_had_counts_as_drift():
    reference_values = np.repeat([0.0, 1.0], 500)
    _, p_same, _, _ = categorical_test(np.array([0.0, 1.0]), np.array([500, 500]), np.repeat([0.0, 1.0], 200))
    _, p_new, js, _ = categorical_test(np.array([0.0, 1.0]), np.array([500, 500]),
                                       np.r_[np.repeat([0.0, 1.0], 150), np.full(100, 7.0)])
    assert p_same > 0.5 and p_new < 1e-10 and js > 0.2
    assert feature_kinds(np.column_stack([reference_values, reference_values + 0.5])) == ["categorical", "numeric"]


def test_benjamini_hochberg_adjusts_step_up():
    adjusted = benjamini_hochberg(np.array([0.01, 0.04, 0.03, 0.005]))
    assert adjusted.tolist() == pytest.approx([0.02, 0.04, 0.04, 0.02])


def test_the_domain_auc_interval_narrows_with_rows_and_contains_the_estimate():
    low_small, high_small = auc_interval(0.6, 100, 100)
    low_large, high_large = auc_interval(0.6, 4000, 4000)
    assert low_small < low_large < 0.6 < high_large < high_small
    assert high_large - low_large < 0.04


def test_the_reference_round_trips_and_a_swapped_sample_is_refused(reference, tmp_path):
    write_reference(reference, tmp_path)
    back = read_reference(tmp_path, "package")
    assert back.feature_names == reference.feature_names and back.kinds == reference.kinds
    assert np.allclose(back.rows, reference.rows.astype(np.float32))
    assert back.stats["features"][0]["quantiles"]["0.5"] == pytest.approx(100.0, abs=0.2)
    np.savez(tmp_path / "drift_reference_rows.npz", rows=np.zeros((3, N_FEATURES)))
    with pytest.raises(SpecError, match="does not match the sha256"):
        read_reference(tmp_path, "package")


def _batch_accuracy(correct: np.ndarray, seed: int) -> dict[str, float]:
    from ml_expert.tools.stats.bootstrap import bootstrap_ci

    interval = bootstrap_ci(correct.astype(float), np.mean, n_resamples=1000, seed=seed)
    return {"metric": "accuracy", "value": interval.estimate, "low": interval.low, "high": interval.high,
            "rows": len(correct)}


def test_performance_fails_a_real_loss_but_not_validation_s_own_noise():
    from ml_expert.tools.drift.compare import _performance_verdict

    # A model right on 93% of rows everywhere, its validation score measured on 90 rows: the score
    # there reads high by luck on some splits (0.978 seen). A batch of the same distribution must
    # pass against it; a batch where the model is right on 80% must fail.
    rng = np.random.default_rng(0)
    same = _performance_verdict({**_batch_accuracy(rng.random(600) < 0.93, 0), "reference": 0.978,
                                 "reference_rows": 90})
    assert same.status == "pass", same.message
    assert same.evidence["loss"] > 0 and same.evidence["loss"] < same.evidence["loss_margin_95"]
    worse = _performance_verdict({**_batch_accuracy(rng.random(600) < 0.80, 1), "reference": 0.93,
                                  "reference_rows": 90})
    assert worse.status == "fail" and worse.evidence["loss"] > worse.evidence["loss_margin_95"], worse.message
