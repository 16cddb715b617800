"""diagnose_training: find what is wrong with a training run, prove it, and prove the fix.

- ``schema``: spec, result and the diagnosis vocabulary (pydantic only).
- ``trace``: the measurement trace all three modes produce and every rule reads.
- ``probes``: sampled torch measurements shared by the modes; ``experiment_probe`` (trainer
  callback) and ``script_probe`` / ``script_runner`` / ``script`` (global hooks in a child
  process running the user's script unmodified); ``history`` reads logged curves.
- ``registry`` and ``rules/``: one decorated function per diagnosis label, grouped by fault family;
  ``measures`` and ``loss_checks``: the summaries and loss checks they share.
- ``fixes`` and ``proof``: the top fix applied and re-run on the same budget and seed.
- ``run``: the tool function, ``diagnose_training(spec, job)``.
"""
