"""The synthetic generator's knobs produce the faults they promise, and the audit sees them."""

from __future__ import annotations

import numpy as np
import pytest

from ml_expert.tools.data.loading import load_table
from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.data.spec import DataSpec, SyntheticSource
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext


def _verdicts(tmp_path, **knobs):
    prepared = prepare_data(DataSpec(source=SyntheticSource(**knobs)), JobContext.local(tmp_path))
    return {v.check: v for v in prepared.verdicts}, prepared


@pytest.mark.parametrize(("n_classes", "ratio"), [(2, 5.0), (4, 20.0)])
def test_imbalance_ratio_is_what_was_asked(n_classes, ratio):
    table = load_table(SyntheticSource(n_samples=4000, n_classes=n_classes, imbalance_ratio=ratio), [])
    counts = np.bincount(table.y)
    assert counts.max() / counts.min() == pytest.approx(ratio, rel=0.05)


def test_label_noise_moves_that_fraction_of_labels():
    clean = load_table(SyntheticSource(n_samples=2000, n_classes=3), [])
    noisy = load_table(SyntheticSource(n_samples=2000, n_classes=3, label_noise=0.2), [])
    np.testing.assert_array_equal(clean.X, noisy.X)
    assert np.mean(clean.y != noisy.y) == pytest.approx(0.2, abs=1e-9)


def test_same_knobs_same_version_and_the_seed_matters():
    a, b = (load_table(SyntheticSource(seed=1), []) for _ in range(2))
    assert a.version == b.version
    assert load_table(SyntheticSource(seed=2), []).version != a.version


def test_shift_gives_a_drift_verdict_that_names_features(tmp_path):
    verdicts, prepared = _verdicts(tmp_path, n_samples=1000, shift=0.5)
    drift = verdicts["drift"]
    assert drift.status == "fail"
    assert drift.evidence["domain_auc"] > 0.9 and drift.evidence["drift_score"] >= 0.25
    assert drift.evidence["most_drifted"].startswith("x") and drift.fix
    # Training rows are never shifted: they equal the generated table's rows.
    np.testing.assert_array_equal(prepared.splits.train.X, prepared.table.X[prepared.splits.train.indices])


def test_no_shift_no_drift(tmp_path):
    verdicts, _ = _verdicts(tmp_path, n_samples=1000)
    assert verdicts["drift"].status == "pass"
    assert verdicts["drift"].evidence["domain_auc"] < 0.6


def test_imbalance_knob_gives_a_class_imbalance_verdict(tmp_path):
    verdicts, _ = _verdicts(tmp_path, n_samples=1000, imbalance_ratio=5.0)
    imbalance = verdicts["class_imbalance"]
    assert imbalance.status == "warn" and imbalance.evidence["ratio"] == pytest.approx(5.0, rel=0.05)
    assert all(word in imbalance.fix for word in ("stratif", "class weights", "balanced accuracy"))
    assert _verdicts(tmp_path, n_samples=1000, imbalance_ratio=20.0)[0]["class_imbalance"].status == "fail"


def test_regression_refuses_the_imbalance_knob():
    with pytest.raises(SpecError, match="classification only") as err:
        load_table(SyntheticSource(task="regression", imbalance_ratio=3.0), [])
    assert err.value.field == "data.source.imbalance_ratio"


def test_many_classes_with_too_few_informative_features_is_a_spec_error():
    with pytest.raises(SpecError, match="at least 3 informative"):
        load_table(SyntheticSource(n_classes=5, n_features=4, n_informative=2), [])
    assert load_table(SyntheticSource(n_classes=5, n_features=4), []).class_names[-1] == "class_4"
