"""Is configuration B better than A, judged on the same seeds or folds?"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats


@dataclass(frozen=True)
class PairedTest:
    mean_diff: float  # mean of b - a
    ci_low: float
    ci_high: float
    p_value: float
    test: str
    n: int

    def significant(self, alpha: float = 0.05) -> bool:
        """A real difference: small p-value and an interval of the gain that excludes zero."""
        return self.p_value < alpha and (self.ci_low > 0 or self.ci_high < 0)


def paired_test(a, b, *, confidence: float = 0.95) -> PairedTest:
    """Paired t-test on per-seed (or per-fold) scores, with a t interval of the mean difference.

    With identical scores (an A/A comparison of a deterministic run) there is no evidence of a
    difference: p = 1 and a zero-width interval at 0.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"paired scores must be two equal-length lists; got {a.shape} and {b.shape}")
    if a.size < 2:
        raise ValueError(f"a paired test needs at least 2 seeds or folds; got {a.size}")
    diffs = b - a
    mean, sd, n = float(diffs.mean()), float(diffs.std(ddof=1)), diffs.size
    if sd == 0:
        p_value = 1.0 if mean == 0 else 0.0
        return PairedTest(mean, mean, mean, p_value, "paired t-test (no variance)", n)
    half_width = stats.t.ppf((1 + confidence) / 2, n - 1) * sd / np.sqrt(n)
    p_value = float(stats.ttest_rel(b, a).pvalue)
    return PairedTest(mean, mean - half_width, mean + half_width, p_value, "paired t-test", n)
