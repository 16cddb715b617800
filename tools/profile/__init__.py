"""profile_inference: honest latency numbers, and the fastest variant that keeps accuracy (see run.py)."""
