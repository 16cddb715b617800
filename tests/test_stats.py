import numpy as np
import pytest

from ml_expert.tools.stats import bootstrap_ci, paired_bootstrap_diff, paired_test


def accuracy(y_true, y_pred):
    return float((y_true == y_pred).mean())


def test_bootstrap_interval_covers_the_estimate_and_narrows_with_more_rows():
    rng = np.random.default_rng(0)
    small = bootstrap_ci(rng.random(50) < 0.8)
    large = bootstrap_ci(rng.random(5000) < 0.8)
    assert small.low <= small.estimate <= small.high
    assert 0.77 < large.estimate < 0.83
    assert (large.high - large.low) < (small.high - small.low) / 4


def test_paired_bootstrap_separates_a_better_model_from_an_identical_one():
    rng = np.random.default_rng(1)
    y = rng.integers(0, 3, size=400)
    weak = np.where(rng.random(400) < 0.6, y, (y + 1) % 3)
    strong = np.where(rng.random(400) < 0.9, y, (y + 1) % 3)
    gain = paired_bootstrap_diff(accuracy, y, weak, strong)
    assert gain.estimate == pytest.approx(accuracy(y, strong) - accuracy(y, weak))
    assert gain.low > 0.2
    same = paired_bootstrap_diff(accuracy, y, weak, weak)
    assert (same.low, same.estimate, same.high) == (0.0, 0.0, 0.0)
    assert not same.excludes(0.0)


def test_paired_test_says_not_significant_for_an_a_a_comparison():
    scores = [0.81, 0.84, 0.79, 0.83]
    result = paired_test(scores, scores)
    assert result.p_value == 1.0 and not result.significant()
    noisy = paired_test(scores, [0.82, 0.83, 0.80, 0.83])
    assert not noisy.significant()


def test_paired_test_finds_a_consistent_gain():
    base = np.array([0.80, 0.82, 0.79, 0.81, 0.80])
    result = paired_test(base, base + np.array([0.05, 0.06, 0.05, 0.07, 0.05]))
    assert result.significant()
    assert result.ci_low > 0.04 and result.mean_diff == pytest.approx(0.056)


def test_paired_test_refuses_unpaired_or_single_scores():
    with pytest.raises(ValueError, match="equal-length"):
        paired_test([1, 2, 3], [1, 2])
    with pytest.raises(ValueError, match="at least 2"):
        paired_test([1.0], [2.0])
