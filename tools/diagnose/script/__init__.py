"""Script mode: the user's own training script, run unmodified in a child process under global probes.

- ``run``: the parent side (start the child, read its trace, or turn a native crash into one).
- ``runner``: the child (``python -m ml_expert.tools.diagnose.script.runner CONFIG``).
- ``probe`` and ``loss_checks``: the global hooks and the checks on each loss call.
- ``trace``: what the probes recorded, as the common Trace.
- ``proof``: the top fix applied through the probes (run-time settings only) and the script re-run.
"""
