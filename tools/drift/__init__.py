"""check_drift: production batches against a model's training data (per feature, all features at
once, predictions, and performance when labels come), and the drift reference export writes."""
