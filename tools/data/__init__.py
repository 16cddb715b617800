"""Data layer: specs, loading, versioning, deterministic splits, the sealed test split, audits."""
