"""Non-numeric feature columns of a table file: categorical ones become codes, text and dates are refused.

A categorical column's value becomes the stable code ``category_code(value)`` (24 bits of its
CRC-32, exact in float32), so the same value has the same code in every file and the preprocessing
fitted on the training rows can one-hot or ordinal encode it (``tools/preprocess/features``)
without a vocabulary travelling beside the rows. Missing values stay NaN for the preprocessing
to impute. Free-form text (more distinct values than ``MAX_CATEGORIES``, or more than
``TEXT_DISTINCT_SHARE`` of the rows once past ``MIN_TEXT_DISTINCT``) and dates are refused with
the column's name: no encoding of theirs would be a safe default.
"""

from __future__ import annotations

import re
import zlib

import numpy as np

from ml_expert.tools.errors import SpecError

MAX_CATEGORIES = 1000
MIN_TEXT_DISTINCT = 20
TEXT_DISTINCT_SHARE = 0.5
DATE_PATTERN = re.compile(r"^\s*(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4})([ T]\d{1,2}:\d{2}.*)?\s*$")
DATE_ACCEPTED = ("numeric columns derived from it (e.g. days since a reference date, month, day of week), "
                 "or a features list without it")
TEXT_ACCEPTED = ("a categorical column (at most {max} distinct values, repeated across rows), numeric columns "
                 "derived from the text, or a features list without it")


def category_code(value: str) -> float:
    return float(zlib.crc32(value.encode("utf-8")) & 0xFFFFFF)


def encode_categorical(values, column: str, file_name: str, field: str) -> tuple[np.ndarray, list[str]]:
    """Codes (float64, NaN where missing) and the sorted distinct values of one non-numeric column."""
    import pandas as pd

    series = pd.Series(values)
    if series.dtype.kind in "mM":
        _refuse_date(column, file_name, field)
    present = series[series.notna()].astype(str)
    labels = sorted(present.unique())
    if labels and all(DATE_PATTERN.match(v) for v in labels[:200]):
        _refuse_date(column, file_name, field)
    if len(labels) > MAX_CATEGORIES or (len(labels) > MIN_TEXT_DISTINCT
                                         and len(labels) > TEXT_DISTINCT_SHARE * len(present)):
        raise SpecError(f"{field}.features", f"column {column!r} of {file_name} looks like free-form text or an "
                                             f"identifier ({len(labels):,} distinct values in {len(present):,} rows)",
                        TEXT_ACCEPTED.format(max=MAX_CATEGORIES))
    codes = {label: category_code(label) for label in labels}
    if len(set(codes.values())) < len(labels):
        raise SpecError(f"{field}.features", f"two values of column {column!r} of {file_name} share a category code",
                        "distinct values renamed (e.g. with a prefix), or a features list without it")
    encoded = np.full(len(series), np.nan)
    mask = series.notna().to_numpy()
    encoded[mask] = present.map(codes).to_numpy(dtype=np.float64)
    return encoded, labels


def _refuse_date(column: str, file_name: str, field: str):
    raise SpecError(f"{field}.features", f"column {column!r} of {file_name} holds dates, which have no numeric "
                                         "encoding here", DATE_ACCEPTED)
