"""Parity: SQNR and the task metric of a variant's outputs against fp32 eager's."""

from __future__ import annotations

import math

import pytest
import torch

from ml_expert.tools.profile.inputs import make_input, run_in_chunks
from ml_expert.tools.profile.parity import compare, sqnr_db


def test_sqnr_of_known_noise():
    reference = torch.ones(1000)
    assert sqnr_db(reference, reference * 1.01) == pytest.approx(40.0)  # noise power 1e-4 of the signal
    assert sqnr_db(reference, reference.clone()) is None
    assert sqnr_db(torch.zeros(3), torch.ones(3)) < 0


def test_classification_with_labels_uses_accuracy():
    reference = torch.tensor([[2.0, 0.0], [0.0, 2.0], [2.0, 0.0], [0.0, 2.0]])
    labels = torch.tensor([0, 1, 0, 0])
    flipped = reference.clone()
    flipped[1] = torch.tensor([2.0, 0.0])  # one answer changes: now wrong
    report = compare(reference, flipped, labels, task="classification", min_sqnr_db=30, max_metric_drop=0.01,
                     inputs="validation rows")
    assert report["metric_name"] == "accuracy"
    assert report["reference_metric"] == 0.75 and report["metric"] == 0.5
    assert report["metric_drop"] == pytest.approx(1 / 3)
    assert not report["passed"]


def test_without_labels_classification_compares_top1_with_eager():
    reference = torch.randn(200, 5, generator=torch.Generator().manual_seed(0))
    close = reference + 1e-4
    report = compare(reference, close, None, task="classification", min_sqnr_db=30, max_metric_drop=0.01,
                     inputs="random inputs")
    assert report["metric_name"] == "top1_agreement" and report["metric"] == 1.0
    assert report["sqnr_db"] > 60 and report["passed"]
    strict = compare(reference, close, None, task="classification", min_sqnr_db=200, max_metric_drop=0.01,
                     inputs="random inputs")
    assert not strict["passed"]


def test_regression_metrics():
    reference = torch.tensor([[1.0], [2.0], [3.0]])
    labels = torch.tensor([1.0, 2.0, 4.0])
    report = compare(reference, reference - 0.5, labels, task="regression", min_sqnr_db=0, max_metric_drop=0.01,
                     inputs="validation rows")
    assert report["metric_name"] == "rmse"
    assert report["reference_metric"] == pytest.approx(math.sqrt(1 / 3))
    assert report["metric_drop"] > 0.01 and not report["passed"]
    unlabelled = compare(reference, reference * 1.001, None, task="regression", min_sqnr_db=30,
                         max_metric_drop=0.01, inputs="random inputs")
    assert unlabelled["metric_name"] == "relative_rmse"
    assert unlabelled["metric"] == pytest.approx(0.001, rel=1e-3) and unlabelled["passed"]


def test_language_model_logits_compare_per_position():
    reference = torch.randn(4, 6, 11, generator=torch.Generator().manual_seed(1))
    report = compare(reference, reference.clone(), None, task="language_model", min_sqnr_db=30,
                     max_metric_drop=0.01, inputs="random inputs")
    assert report["sqnr_db"] is None and report["metric"] == 1.0 and report["passed"]


def test_inputs_are_deterministic_and_chunks_are_padded_to_one_batch_size():
    spec = {"shape": [3], "dtype": "float32", "high": None}
    assert torch.equal(make_input(spec, 5, seed=2), make_input(spec, 5, seed=2))
    tokens = make_input({"shape": [4], "dtype": "int64", "high": 7}, 50, seed=0)
    assert tokens.dtype == torch.int64 and int(tokens.min()) >= 0 and int(tokens.max()) < 7
    seen = []

    def call(x):
        seen.append(len(x))
        return x * 2

    inputs = torch.arange(10.0).reshape(10, 1)
    assert torch.equal(run_in_chunks(call, inputs, chunk=4), inputs * 2)
    assert seen == [4, 4, 4]
