"""Uncertainty for the numbers tools report: bootstrap intervals and paired comparisons."""

from ml_expert.tools.stats.bootstrap import Interval, bootstrap_ci, paired_bootstrap_diff
from ml_expert.tools.stats.paired import PairedTest, paired_test

__all__ = ["Interval", "PairedTest", "bootstrap_ci", "paired_bootstrap_diff", "paired_test"]
