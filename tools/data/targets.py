"""Turning a raw target column into class indices or regression values, with the task decided."""

from __future__ import annotations

import numpy as np

from ml_expert.tools.data.table import Task
from ml_expert.tools.errors import SpecError

MAX_AUTO_CLASSES = 50  # DataSpec: "auto" means classification for integer or text targets with at most 50 values


def _is_text(values: np.ndarray) -> bool:
    return values.dtype.kind in "OUS"


def _is_whole(values: np.ndarray) -> bool:
    return values.dtype.kind in "biu" or bool(np.all(np.mod(values, 1) == 0))


def _class_name(value: object) -> str:
    # 1.0 read from a float file names the same class as 1 read from an integer column.
    if isinstance(value, float | np.floating) and float(value).is_integer():
        return str(int(value))
    return str(value)


def encode_target(values: np.ndarray, requested: str, field: str, where: str) -> tuple[np.ndarray, Task, list[str] | None]:
    """Return (y, task, class_names) for a 1-D target; ``field`` is the dotted spec path of the target.

    ``requested`` is the spec's task ("auto", "classification" or "regression"); ``where`` names
    the file or array in messages.
    """
    if values.dtype.kind == "b":
        values = values.astype(np.int64)
    import pandas as pd

    text = _is_text(values)
    missing = pd.isna(values)
    if text:
        values = values.astype(str)
    else:
        values = values.astype(np.float64)
        missing |= ~np.isfinite(values)
    if missing.any():
        rows = np.flatnonzero(missing)
        raise SpecError(field, f"{len(rows)} target value(s) in {where} are missing or not finite "
                               f"(rows {rows[:5].tolist()})",
                        "a target with a value in every row: drop or fill those rows first")

    n_distinct = len(np.unique(values))
    task = _decide_task(values, text, n_distinct, requested, field, where)
    if task == "regression":
        return values.astype(np.float32), task, None
    if n_distinct < 2:
        raise SpecError(field, f"the target in {where} has a single value ({_class_name(values[0])!r}); a "
                               "classifier needs at least two classes",
                        "a target with two or more distinct values")
    uniques, y = np.unique(values, return_inverse=True)
    return y.astype(np.int64), task, [_class_name(v) for v in uniques]


def _decide_task(values: np.ndarray, text: bool, n_distinct: int, requested: str, field: str, where: str) -> Task:
    task_field = field.rsplit(".", 1)[0] + ".task"
    if requested == "regression":
        if text:
            raise SpecError(task_field, f"the target in {where} holds text, which cannot be regressed",
                            "'classification', or a numeric target column")
        return "regression"
    if requested == "classification":
        if not text and not _is_whole(values):
            raise SpecError(task_field, f"the target in {where} holds fractional numbers, not class labels",
                            "'regression' for a continuous target, or integer/text class labels")
        return "classification"
    if text and n_distinct > MAX_AUTO_CLASSES:
        raise SpecError(task_field, f"the text target in {where} has {n_distinct} distinct values, more "
                                    f"than {MAX_AUTO_CLASSES} for automatic detection",
                        "task='classification' if these really are classes")
    if text or (_is_whole(values) and n_distinct <= MAX_AUTO_CLASSES):
        return "classification"
    return "regression"
