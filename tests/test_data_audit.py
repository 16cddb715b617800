"""audit_splits: overlap, imbalance, label leak and drift verdicts on planted and healthy data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from ml_expert.tools.data.audit import audit_splits, run_audit
from ml_expert.tools.data.loading import load_table
from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.data.spec import BundledSource, DataSpec, FileSource, SplitSpec
from ml_expert.tools.data.splits import make_splits
from ml_expert.tools.data.table import Table
from ml_expert.tools.job import JobContext


def _by_check(verdicts):
    return {v.check: v for v in verdicts}


@pytest.mark.parametrize("name", ["iris", "wine", "digits", "breast_cancer", "diabetes"])
def test_healthy_bundled_data_passes_every_check(name):
    table = load_table(BundledSource(name=name), [])
    verdicts = audit_splits(table, make_splits(table, SplitSpec()))
    assert [(v.check, v.status) for v in verdicts if v.status != "pass"] == []
    expected = {"split_overlap", "label_leak", "drift"} | ({"class_imbalance"} if table.class_names else set())
    assert {v.check for v in verdicts} == expected


def test_iris_real_duplicate_row_is_reported_when_it_crosses_splits():
    # iris rows 101 and 142 have identical measurements. With split seed 0 both land in train;
    # with seed 1 one of them is in validation: one of 22 validation rows was seen in training.
    table = load_table(BundledSource(name="iris"), [])
    same_side = _by_check(audit_splits(table, make_splits(table, SplitSpec(seed=0))))["split_overlap"]
    assert same_side.status == "pass" and same_side.evidence["duplicates_within_train"] == 1
    crossing = _by_check(audit_splits(table, make_splits(table, SplitSpec(seed=1))))["split_overlap"]
    assert crossing.status == "warn"
    assert crossing.evidence["val_in_train"] == 1 and crossing.evidence["examples"] == "val row 142 = train row 101"
    assert "drop_duplicates" in crossing.fix


def test_planted_duplicates_across_splits_are_counted_exactly(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5)).round(2)
    X = np.vstack([X, X[:40]])  # 40 rows appear twice
    y = (X[:, 0] > 0).astype(int)
    np.savez(tmp_path / "dup.npz", X=X, y=y)
    job = JobContext.local(tmp_path, roots=[tmp_path])
    prepared = prepare_data(DataSpec(source=FileSource(path="dup.npz", target="y")), job)
    overlap = _by_check(prepared.verdicts)["split_overlap"]

    test, _ = prepared.splits.open_test(job, lineage="audit-check", purpose="count duplicates independently")
    train_rows = {tuple(r) for r in prepared.splits.train.X}
    val_rows = {tuple(r) for r in prepared.splits.val.X}
    expected_val = sum(tuple(r) in train_rows for r in prepared.splits.val.X)
    expected_test = sum(tuple(r) in train_rows | val_rows for r in test.X)
    assert expected_val + expected_test > 0
    assert overlap.evidence["val_in_train"] == expected_val
    assert overlap.evidence["test_in_train_or_val"] == expected_test
    assert overlap.status == ("fail" if max(expected_val / 30, expected_test / 30) > 0.05 else "warn")
    assert overlap.evidence["examples"].count("=") >= 1


def test_a_label_copy_feature_is_named(tmp_path):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame(rng.normal(size=(300, 4)), columns=["a", "b", "c", "d"])
    frame["target"] = (frame["a"] + rng.normal(size=300) > 0).astype(int)
    frame["status_code"] = frame["target"] * 7 + 3  # the label, re-encoded
    frame.to_csv(tmp_path / "leaky.csv", index=False)
    job = JobContext.local(tmp_path, roots=[tmp_path])
    leak = _by_check(prepare_data(DataSpec(source=FileSource(path="leaky.csv", target="target")), job).verdicts)
    assert leak["label_leak"].status == "fail"
    assert leak["label_leak"].evidence["best_feature"] == "status_code"
    assert leak["label_leak"].evidence["best_score"] == 1.0
    assert "status_code" in leak["label_leak"].message and "status_code" in leak["label_leak"].fix


def test_a_near_copy_in_regression_warns():
    rng = np.random.default_rng(2)
    X = rng.normal(size=(400, 3))
    y = X[:, 0] + 0.5 * X[:, 1]
    X[:, 2] = y + rng.normal(scale=0.15, size=400)  # correlates ~0.99 with the target
    table = Table.build(X, y, "regression", ["f0", "f1", "almost_y"], None, {})
    leak = _by_check(audit_splits(table, make_splits(table, SplitSpec())))["label_leak"]
    assert leak.status == "warn" and leak.evidence["best_feature"] == "almost_y"
    assert 0.98 <= leak.evidence["best_score"] < 0.999


def test_a_class_missing_from_training_fails_the_imbalance_check():
    y = np.array([0] * 60 + [1] * 2)
    table = Table.build(np.arange(62, dtype=float)[:, None], y, "classification", ["x"], ["big", "tiny"], {})
    splits = make_splits(table, SplitSpec(stratify=False, seed=0))
    if (splits.train.y == 1).any():  # pick a seed where both 'tiny' rows left training
        splits = next(s for s in (make_splits(table, SplitSpec(stratify=False, seed=k)) for k in range(50))
                      if not (s.train.y == 1).any())
    imbalance = _by_check(audit_splits(table, splits))["class_imbalance"]
    assert imbalance.status == "fail" and imbalance.evidence["ratio"] is None
    assert "'tiny' has no training rows" in imbalance.message


def test_audit_is_fast_on_digits():
    table = load_table(BundledSource(name="digits"), [])
    splits = make_splits(table, SplitSpec())
    run_audit(table, splits)  # first call pays the scipy / scikit-learn imports
    assert run_audit(table, splits).seconds < 1.0


def test_audit_never_opens_the_test_split_and_records_the_dataset(tmp_path):
    job = JobContext.local(tmp_path)
    prepared = prepare_data(DataSpec(source=BundledSource(name="wine")), job)
    assert job.records.test_openings == []
    recorded = job.records.datasets[prepared.table.version]
    assert recorded["split_hashes"] == prepared.splits.hashes and recorded["n_rows"] == 178
    assert prepared.provenance_fields() == {"dataset_version": prepared.table.version,
                                            "split_hashes": prepared.splits.hashes}
    assert all(v.fix for v in prepared.verdicts if v.status != "pass")


def test_strong_honest_features_and_small_splits_raise_no_false_alarms():
    # Petal width alone classifies iris ~95% right and 22 validation rows make any drift estimate
    # noisy: neither may turn into a warning on any of 20 split seeds.
    table = load_table(BundledSource(name="iris"), [])
    for seed in range(20):
        verdicts = _by_check(audit_splits(table, make_splits(table, SplitSpec(seed=seed)), seed=seed))
        assert (verdicts["label_leak"].status, verdicts["drift"].status) == ("pass", "pass"), seed


def test_a_label_copy_is_caught_even_in_a_small_table():
    iris = load_table(BundledSource(name="iris"), [])
    X = np.column_stack([iris.X, np.array(iris.class_names)[iris.y] == "virginica", iris.y * 10.0])
    table = Table.build(X, iris.y, "classification", [*iris.feature_names, "is_virginica", "species_code"],
                        iris.class_names, {})
    leak = _by_check(audit_splits(table, make_splits(table, SplitSpec())))["label_leak"]
    assert leak.status == "fail" and leak.evidence["best_feature"] == "species_code"
    assert leak.evidence["rows"] == 106 and leak.evidence["best_score_lower_95"] >= 0.95


def _mostly_label_table(kept: float) -> Table:
    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, size=2000)
    mostly_label = np.where(rng.random(2000) < kept, y, rng.integers(0, 3, size=2000))
    return Table.build(np.column_stack([rng.normal(size=(2000, 3)), mostly_label]), y, "classification",
                       ["a", "b", "c", "review_outcome"], ["x", "y", "z"], {})


def test_a_label_kept_in_most_rows_warns():
    table = _mostly_label_table(kept=0.975)
    leak = _by_check(audit_splits(table, make_splits(table, SplitSpec())))["label_leak"]
    assert leak.status == "warn" and leak.evidence["best_feature"] == "review_outcome"
    assert 0.98 <= leak.evidence["best_score"] < 0.99


def test_a_noisy_copy_of_the_label_fails():
    table = _mostly_label_table(kept=0.99)  # balanced accuracy about 0.993 alone
    leak = _by_check(audit_splits(table, make_splits(table, SplitSpec())))["label_leak"]
    assert leak.status == "fail" and leak.evidence["best_feature"] == "review_outcome"
    assert 0.99 <= leak.evidence["best_score"] < 0.999
