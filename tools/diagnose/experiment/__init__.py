"""Experiment mode: the shared trainer runs the model under callback probes (``probe``), the run becomes a
Trace (``trace``), and ``run.probed_run`` is what the diagnosis and the proof's re-run call."""
