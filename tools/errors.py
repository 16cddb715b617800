"""Errors a user can cause, phrased for the agent that has to fix the call."""

from __future__ import annotations


class SpecError(ValueError):
    """A request that cannot be carried out as given.

    The message names the field, what was wrong with it and what would be accepted, in the
    form an agent can act on: ``data.source.path: 'x.csv' is not under any root; accepted:
    a file under /data``.
    """

    def __init__(self, field: str, problem: str, accepted: str | None = None):
        self.field = field
        self.problem = problem
        self.accepted = accepted
        message = f"{field}: {problem}"
        if accepted:
            message += f"; accepted: {accepted}"
        super().__init__(message)
