"""evaluate_model: the one look at the sealed test split, with intervals, slices, baselines and comparisons."""
