"""Argument types for the ``serve`` options: a bad number is refused at start-up with what is accepted."""

from __future__ import annotations

import argparse
import math

MIN_JOB_MEMORY_GIB = 1


def _number(text: str, kind: type) -> float:
    try:
        value = kind(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a{'n integer' if kind is int else ' number'}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def positive_int(text: str) -> int:
    value = _number(text, int)
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not allowed; accepted: a whole number of 1 or more")
    return value


def positive_seconds(text: str) -> float:
    value = _number(text, float)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value:g} is not allowed; accepted: a number of seconds above 0")
    return value


def wait_seconds(text: str) -> float:
    """0 is allowed: every call then answers at once with a job id."""
    value = _number(text, float)
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"{value:g} is not allowed; accepted: seconds from 0 to 3600")
    return value


def gibibytes(text: str) -> int:
    """GiB (may be fractional) -> bytes."""
    value = _number(text, float)
    if value < MIN_JOB_MEMORY_GIB:
        raise argparse.ArgumentTypeError(f"{value:g} GiB is not allowed; accepted: {MIN_JOB_MEMORY_GIB} GiB or more "
                                         f"(a worker with torch loaded already holds about 0.4 GiB)")
    return int(value * 2**30)
