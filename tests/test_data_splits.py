"""Deterministic, stratified splits with content hashes, and the sealed test split."""

from __future__ import annotations

import numpy as np
import pytest

from ml_expert.tools.data.loading import load_table
from ml_expert.tools.data.spec import BundledSource, SplitSpec
from ml_expert.tools.data.splits import make_splits
from ml_expert.tools.data.table import Table
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext


@pytest.fixture(scope="module")
def wine():
    return load_table(BundledSource(name="wine"), [])


def _all_indices(splits, job):
    test, _ = splits.open_test(job, lineage="test-helper", purpose="checking the partition")
    return splits.train.indices, splits.val.indices, test.indices


def test_same_data_ratios_and_seed_give_the_identical_split(wine):
    a, b = make_splits(wine, SplitSpec(seed=3)), make_splits(wine, SplitSpec(seed=3))
    assert a.hashes == b.hashes
    np.testing.assert_array_equal(a.train.indices, b.train.indices)
    np.testing.assert_array_equal(a.val.indices, b.val.indices)


def test_another_seed_gives_another_split(wine):
    a, b = make_splits(wine, SplitSpec(seed=0)), make_splits(wine, SplitSpec(seed=1))
    assert not np.array_equal(a.val.indices, b.val.indices)
    assert all(a.hashes[k] != b.hashes[k] for k in ("train", "val", "test"))


def test_splits_partition_the_rows_with_the_requested_sizes(wine, tmp_path):
    splits = make_splits(wine, SplitSpec(val_fraction=0.2, test_fraction=0.1))
    train, val, test = _all_indices(splits, JobContext.local(tmp_path))
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(range(178))
    assert splits.sizes == {"train": 124, "val": 36, "test": 18}
    np.testing.assert_array_equal(splits.train.X, wine.X[train])


def test_stratification_keeps_class_proportions(wine, tmp_path):
    splits = make_splits(wine, SplitSpec(val_fraction=0.2, test_fraction=0.2))
    overall = np.bincount(wine.y) / len(wine.y)
    for part in (splits.train, splits.val, splits.open_test(JobContext.local(tmp_path), lineage="l", purpose="p")[0]):
        share = np.bincount(part.y, minlength=3) / len(part)
        assert np.abs(share - overall).max() < 0.02, (part.name, share, overall)


def test_without_stratification_proportions_drift_more(wine):
    # wine's classes are 59/71/48: an unstratified 20% validation split misses the shares by
    # more than one row's worth on this seed, which stratification never does.
    overall = np.bincount(wine.y) / len(wine.y)
    val = make_splits(wine, SplitSpec(val_fraction=0.2, stratify=False, seed=4)).val
    assert np.abs(np.bincount(val.y, minlength=3) / len(val) - overall).max() > 1 / len(val)


def test_changing_one_value_changes_only_that_splits_hash(wine):
    before = make_splits(wine, SplitSpec())
    X = wine.X.copy()
    X[before.val.indices[0], 2] += 1.0
    changed = Table.build(X, wine.y, wine.task, wine.feature_names, wine.class_names, wine.source)
    after = make_splits(changed, SplitSpec())
    assert after.hashes["val"] != before.hashes["val"]
    assert after.hashes["train"] == before.hashes["train"] and after.hashes["test"] == before.hashes["test"]
    assert changed.version != wine.version


def test_test_split_is_sealed(wine):
    splits = make_splits(wine, SplitSpec())
    assert not hasattr(splits, "test")
    with pytest.raises(AttributeError, match="sealed.*open_test"):
        _ = splits.test
    assert "test" not in vars(splits)
    assert splits.hashes["test"].startswith("sp-") and splits.sizes["test"] == 27


def test_opening_the_test_split_is_recorded_and_a_second_look_warns(wine, tmp_path):
    job = JobContext.local(tmp_path)
    splits = make_splits(wine, SplitSpec())
    test, first = splits.open_test(job, lineage="mlp-v1", purpose="final evaluation")
    assert len(test) == 27 and test.hash == splits.hashes["test"]
    assert first.status == "pass"
    [opening] = job.records.test_openings
    assert (opening.lineage, opening.split_hash, opening.dataset_version) == ("mlp-v1", test.hash, wine.version)

    _, second = splits.open_test(job, lineage="mlp-v1", purpose="one more look")
    assert second.status == "warn" and second.evidence["earlier_openings"] == 1 and second.fix
    _, other_lineage = splits.open_test(job, lineage="cnn-v1", purpose="final evaluation")
    assert other_lineage.status == "pass"
    assert len(job.records.test_openings) == 3


def test_impossible_stratified_split_names_the_class_and_what_would_work():
    y = np.array([0] * 20 + [1] * 2)
    table = Table.build(np.arange(22, dtype=float)[:, None], y, "classification", ["x"], ["common", "rare"], {})
    with pytest.raises(SpecError) as err:
        make_splits(table, SplitSpec())
    assert err.value.field == "data.split.stratify"
    assert "impossible split: 'rare' has 2 row(s)" in err.value.problem
    assert "stratify=false" in err.value.accepted
    assert make_splits(table, SplitSpec(stratify=False)).sizes == {"train": 16, "val": 3, "test": 3}


def test_too_few_rows_for_three_splits():
    table = Table.build(np.zeros((2, 1)), np.array([0.0, 1.0]), "regression", ["x"], None, {})
    with pytest.raises(SpecError, match="at least one row each") as err:
        make_splits(table, SplitSpec())
    assert err.value.field == "data.split"


def test_smallest_classes_still_reach_every_split():
    y = np.array([0] * 100 + [1] * 3)
    table = Table.build(np.arange(103, dtype=float)[:, None], y, "classification", ["x"], ["a", "b"], {})
    splits = make_splits(table, SplitSpec())
    assert np.bincount(splits.train.y)[1] == 1 and np.bincount(splits.val.y)[1] == 1
