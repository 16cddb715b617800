"""diagnose_training: find what is wrong with a training run, prove it, and prove the fix.

- ``schema``: spec, result and the diagnosis vocabulary (pydantic only).
- ``trace``: the measurement trace all three modes produce and every rule reads.
- ``probes``: sampled torch measurements shared by the modes; ``experiment/`` (trainer callback
  probes) and ``script/`` (global hooks in a child process running the user's script unmodified,
  and its proof by re-run); ``history`` reads logged curves.
- ``registry`` and ``rules/``: one decorated function per diagnosis label, grouped by fault family;
  ``measures``: the summaries of a trace they share.
- ``fixes`` and ``proof``: the top fix applied and re-run on the same budget and seed.
- ``run``: the tool function, ``diagnose_training(spec, job)``.
"""
