"""Tables and arrays read from files: CSV, Parquet, NPY and NPZ.

Feature columns are numeric (booleans count as 0/1) or categorical: a CSV/Parquet column of
repeated values becomes stable category codes (``tools/data/columns``) that the preprocessing
fitted on the training rows one-hot or ordinal encodes. Free-form text and date columns are
refused by name. Missing values stay NaN for that preprocessing to impute; infinities are refused.
"""

from __future__ import annotations

import difflib
import math
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ml_expert.tools.data.columns import encode_categorical
from ml_expert.tools.data.spec import FileSource
from ml_expert.tools.data.table import Table
from ml_expert.tools.data.targets import encode_target
from ml_expert.tools.errors import SpecError
from ml_expert.tools.memory import TABLE_BYTES_PER_CELL, human_bytes, refuse_unless_it_fits

TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
ACCEPTED_FORMATS = "a .csv, .parquet (.pq), .npy or .npz file"
CSV_SAMPLE_BYTES = 8 << 20  # read to estimate a CSV's rows before pandas reads it all
NUMPY_ACCEPTED = "an .npy/.npz file of numeric arrays saved without pickling (np.save / np.savez)"


def read_file(source: FileSource, path: Path, field: str = "data.source") -> Table:
    """Read ``path`` (already resolved under the roots) into a Table."""
    suffix = path.suffix.lower()
    if path.is_dir():
        raise SpecError(f"{field}.path", f"{source.path!r} is a folder, not a file", ACCEPTED_FORMATS)
    categories: dict[str, list[str]] = {}
    if suffix in TABLE_SUFFIXES:
        X, y, names, input_shape, categories = _read_table(source, path, field)
    elif suffix == ".npy":
        X, y, names, input_shape = _read_npy(source, path, field)
    elif suffix == ".npz":
        X, y, names, input_shape = _read_npz(source, path, field)
    else:
        raise SpecError(f"{field}.path", f"{path.name!r} has an unsupported extension {suffix or '(none)'!r}",
                        ACCEPTED_FORMATS)
    if len(X) == 0:
        _no_rows(path, field)
    X, names, input_shape = _select_features(X, names, input_shape, source, path, field)
    if X.shape[1] == 0:
        raise SpecError(f"{field}.features", f"{path.name} has no feature column besides the target",
                        "a file with at least one numeric feature column")
    _refuse_infinite_features(X, names, path, field)
    y, task, class_names = encode_target(y, source.task, f"{field}.target", path.name)
    categories = {name: labels for name, labels in categories.items() if name in names}
    return Table.build(X, y, task, names, class_names, source.model_dump(mode="json"), input_shape,
                       categories=categories)


def _listing(names: list[str], limit: int = 30) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return f"one of [{shown}{', ...' if len(names) > limit else ''}]"


def _unknown(kind: str, given: str, where: str, names: list[str]) -> str:
    close = difflib.get_close_matches(given, names, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"{given!r} is not {kind} of {where}{hint}"


def _no_rows(path: Path, field: str):
    raise SpecError(f"{field}.path", f"{path.name} holds no rows (a header at most)", "a file with at least one data row")


def _table_cells(path: Path) -> tuple[str, int]:
    """A description of a table's size and the bytes loading it takes, from its first CSV_SAMPLE_BYTES
    (a CSV: the header's commas, the lines' mean length) or its footer (Parquet). Never more than
    the sample is read: a file of 100 GB without a newline (a sparse file) is refused just as fast."""
    size = path.stat().st_size
    if path.suffix.lower() != ".csv":
        import pyarrow.parquet as pq

        metadata = pq.ParquetFile(path).metadata
        rows, columns, about = metadata.num_rows, metadata.num_columns, ""
    else:
        with open(path, "rb") as handle:
            sample = handle.read(CSV_SAMPLE_BYTES)
        header, _, body = sample.partition(b"\n")
        columns, lines = header.count(b",") + 1, body.count(b"\n")
        if len(sample) == size:
            rows, about = lines + (1 if body and not body.endswith(b"\n") else 0), ""
        else:  # the sample's lines stand for the rest of the file; no newline at all: one huge line
            rows = math.ceil((size - len(header)) / (len(body) / lines)) if lines else 1
            about = "about "
    # Parsed values take at least as much memory as their text.
    needed = max(rows * columns * TABLE_BYTES_PER_CELL, size)
    return f"{path.name} ({about}{rows:,} rows x {columns:,} columns, {human_bytes(size)} on disk)", needed


def _read_table(source: FileSource, path: Path, field: str):
    import pandas as pd

    kind = "CSV" if path.suffix.lower() == ".csv" else "Parquet"
    try:
        what, needed = _table_cells(path)
        refuse_unless_it_fits(f"{field}.path", needed, what, "a smaller file: fewer rows, or only the columns you need")
        frame = pd.read_csv(path) if kind == "CSV" else pd.read_parquet(path)
    except MemoryError as exc:  # ArrowMemoryError too: an estimate cannot foresee every parser's appetite
        raise SpecError(f"{field}.path", f"{path.name} ({human_bytes(path.stat().st_size)} on disk) ran out of memory "
                                         f"while being read as {kind}: {type(exc).__name__}",
                        "a smaller file: fewer rows, or only the columns you need") from None
    except SpecError:
        raise
    except (OSError, ValueError) as exc:  # parser, encoding, empty-file and Arrow errors are all ValueErrors
        raise SpecError(f"{field}.path", f"{path.name} cannot be read as {kind}: {str(exc)[:200]}",
                        f"a valid {kind} file with a header row") from exc
    if len(frame) == 0:
        _no_rows(path, field)
    columns = [str(c) for c in frame.columns]
    frame.columns = columns
    if source.target not in columns:
        raise SpecError(f"{field}.target", _unknown("a column", source.target, path.name, columns),
                        _listing(columns))
    target = frame.pop(source.target).to_numpy()
    wanted = source.features if source.features is not None else list(frame.columns)
    categories = {}
    for column in [c for c in frame.columns if frame[c].dtype.kind not in "biuf"]:
        if column not in wanted:
            frame.pop(column)
            continue
        frame[column], categories[column] = encode_categorical(frame[column], column, path.name, field)
    X = frame.to_numpy(dtype=np.float64, na_value=np.nan)
    return X, target, list(frame.columns), None, categories


def _load_numpy(path: Path, field: str):
    """The array of an .npy, or {name: array} of an .npz, read only after their headers show
    numeric arrays that fit in memory. Pickles are never loaded (allow_pickle=False)."""
    try:
        headers = _array_headers(path)
        objects = [name for name, (_, dtype) in headers.items() if dtype.hasobject]
        if objects:
            raise SpecError(f"{field}.path", f"{path.name} holds arrays of Python objects (dtype=object: "
                                             f"{objects[:5]}), which only unpickling could read, and pickles "
                                             "are never loaded", NUMPY_ACCEPTED)
        cells = {name: math.prod(shape) for name, (shape, _) in headers.items()}
        needed = sum(cells[name] * (dtype.itemsize + 8 + 4) for name, (_, dtype) in headers.items())
        shapes = ", ".join(f"{name} {shape}" for name, (shape, _) in list(headers.items())[:5])
        refuse_unless_it_fits(f"{field}.path", needed, f"{path.name} (arrays {shapes})",
                              "smaller arrays: fewer rows or features")
        loaded = np.load(path, allow_pickle=False)
        if isinstance(loaded, np.lib.npyio.NpzFile):
            with loaded:
                return {name: loaded[name] for name in loaded.files}
        return loaded
    except SpecError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        raise SpecError(f"{field}.path", f"{path.name} cannot be read by numpy (truncated or corrupt?): "
                                         f"{type(exc).__name__}: {str(exc)[:200]}", NUMPY_ACCEPTED) from exc


def _array_headers(path: Path) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """{name: (shape, dtype)} from the .npy headers alone (an .npz's members by their npz names)."""
    if not zipfile.is_zipfile(path):
        with open(path, "rb") as handle:
            return {path.stem: _npy_header(handle)}
    with zipfile.ZipFile(path) as archive:
        headers = {}
        for member in archive.namelist():
            with archive.open(member) as handle:
                headers[member.removesuffix(".npy")] = _npy_header(handle)
        return headers


def _npy_header(handle) -> tuple[tuple[int, ...], np.dtype]:
    version = np.lib.format.read_magic(handle)
    read = np.lib.format.read_array_header_1_0 if version == (1, 0) else np.lib.format.read_array_header_2_0
    shape, _, dtype = read(handle)
    return tuple(shape), dtype


def _read_npy(source: FileSource, path: Path, field: str):
    array = _load_numpy(path, field)
    if isinstance(array, dict):
        raise SpecError(f"{field}.path", f"{path.name} is an .npz archive of arrays {sorted(array)[:5]}",
                        "the file renamed to .npz, with the target array named in target")
    if array.ndim != 2 or array.shape[1] < 2:
        raise SpecError(f"{field}.path", f"{path.name} holds an array of shape {array.shape}; an .npy source "
                                         "must be one 2-D table with the target as one of its columns",
                        "a 2-D array (rows x columns), or an .npz with separate feature and target arrays")
    n_columns = array.shape[1]
    accepted = f"a column index from {-n_columns} to {n_columns - 1}, e.g. '-1' for the last column"
    try:
        column = int(source.target)
    except ValueError:
        raise SpecError(f"{field}.target", f"{source.target!r} is not a column index of {path.name}",
                        accepted) from None
    if not -n_columns <= column < n_columns:
        raise SpecError(f"{field}.target", f"column {column} is out of range for {path.name} "
                                           f"({n_columns} columns)", accepted)
    X = np.delete(array, column % n_columns, axis=1)
    return X, array[:, column], [f"x{j}" for j in range(X.shape[1])], None


def _read_npz(source: FileSource, path: Path, field: str):
    arrays = _load_numpy(path, field)
    if not isinstance(arrays, dict):
        raise SpecError(f"{field}.path", f"{path.name} holds a single array, not an .npz archive",
                        "an .npz saved by np.savez, or the file renamed to .npy")
    names = sorted(arrays)
    if source.target not in arrays:
        raise SpecError(f"{field}.target", _unknown("an array", source.target, path.name, names), _listing(names))
    others = [n for n in names if n != source.target]
    if "X" in others:
        feature_key = "X"
    elif len(others) == 1:
        feature_key = others[0]
    else:
        raise SpecError(f"{field}.path", f"{path.name} holds arrays {names}: name the features array 'X' or "
                                         "keep only the feature and target arrays",
                        "an .npz with 'X' and the target array")
    X, y = arrays[feature_key], arrays[source.target]
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim != 1 or X.ndim == 0 or len(X) != len(y):
        raise SpecError(f"{field}.target", f"{feature_key!r} has shape {X.shape} and {source.target!r} has "
                                           f"shape {y.shape}; they need one target per row",
                        "a 1-D target array as long as the feature array's first axis")
    if X.dtype.kind not in "biuf":
        raise SpecError(f"{field}.path", f"array {feature_key!r} of {path.name} has dtype {X.dtype}, not numbers",
                        "a numeric feature array")
    input_shape = tuple(X.shape[1:]) if X.ndim > 2 else None
    X = X.reshape(len(X), -1) if X.ndim > 1 else X.reshape(-1, 1)
    return X.astype(np.float64), y, [f"x{j}" for j in range(X.shape[1])], input_shape


def _select_features(X: np.ndarray, names: list[str], input_shape, source: FileSource, path: Path, field: str):
    if source.features is None:
        return X, names, input_shape
    if not source.features:
        raise SpecError(f"{field}.features", "is an empty list", "null for all columns, or a list of column names")
    for name in source.features:
        if name == source.target:
            raise SpecError(f"{field}.features", f"{name!r} is the target; a feature must not be the target",
                            "feature columns other than the target")
        if name not in names:
            raise SpecError(f"{field}.features", _unknown("a feature column", name, path.name, names),
                            _listing(names))
    picked = [names.index(name) for name in source.features]
    # A subset of pixels has no natural image shape any more.
    return X[:, picked], list(source.features), None


def _refuse_infinite_features(X: np.ndarray, names: list[str], path: Path, field: str) -> None:
    """Missing values (NaN) are the preprocessing's to impute; an infinity is a broken value."""
    bad = np.isinf(X)
    if bad.any():
        counts = bad.sum(axis=0)
        columns = {names[j]: int(counts[j]) for j in np.flatnonzero(counts)[:10]}
        raise SpecError(f"{field}.path", f"{path.name} has infinite feature values (column: count {columns})",
                        "finite values; missing ones may be left empty (they are imputed)")
