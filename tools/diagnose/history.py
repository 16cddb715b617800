"""History mode: curves only, from a CSV, a JSON / JSON-lines log, or a wandb offline run folder.

Column names vary by logger, so each curve is found through a list of usual names
(``val_acc``, ``val/accuracy``, ``eval_accuracy`` ...). Rows with a training loss but no
validation numbers count as steps; rows with validation numbers (or an epoch column) as epochs.
"""

from __future__ import annotations

import csv
import json
import math
import re
import struct
from pathlib import Path
from typing import Any

from ml_expert.tools.diagnose.schema import HistoryMode
from ml_expert.tools.diagnose.trace import EpochRow, Trace
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.paths import resolve_under_roots

ALIASES = {
    "step": ("step", "_step", "global_step", "iteration", "iter", "batch"),
    "epoch": ("epoch", "epochs"),
    "train_loss": ("train_loss", "loss", "training_loss", "train_loss_epoch", "trn_loss"),
    "val_loss": ("val_loss", "valid_loss", "validation_loss", "eval_loss", "val_loss_epoch", "dev_loss"),
    "train_metric": ("train_acc", "train_accuracy", "acc", "accuracy", "training_accuracy", "train_r2", "r2"),
    "val_metric": ("val_acc", "val_accuracy", "valid_acc", "valid_accuracy", "validation_accuracy", "eval_accuracy",
                   "eval_acc", "dev_acc", "val_r2", "eval_r2"),
}
ACCEPTED = "a .csv, .json or .jsonl file of per-step/epoch metrics, or a wandb offline-run-* folder"


def read_history(mode: HistoryMode, job: JobContext) -> Trace:
    path = resolve_under_roots("mode.path", mode.path, job.roots)
    rows = _read_rows(path)
    columns = _columns(rows)
    _refuse_non_numbers(rows, columns)
    if "train_loss" not in columns and "val_loss" not in columns and "val_metric" not in columns:
        found = sorted({k for row in rows for k in row})[:20]
        raise SpecError("mode.path", f"no loss or metric column found among {found}",
                        "columns such as loss/train_loss, val_loss, val_acc/val_accuracy, epoch, step")
    task = mode.task or _guess_task(columns)
    trace = Trace(source="history", task=task, num_classes=mode.num_classes,
                  metric_name="accuracy" if task == "classification" else "r2" if task == "regression" else None,
                  locations={"history": str(path)})
    _fill(trace, rows, columns)
    return trace


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9_]", "_", name.strip().lower()).replace("__", "_")


def _columns(rows: list[dict[str, Any]]) -> dict[str, str]:
    """Our curve name -> the log's column name, for the curves the log has."""
    present = {_normal(k): k for row in rows for k in row}
    found = {}
    for ours, names in ALIASES.items():
        for name in names:
            if name in present:
                found[ours] = present[name]
                break
    return found


def _guess_task(columns: dict[str, str]) -> str | None:
    metric = columns.get("val_metric", "") + columns.get("train_metric", "")
    if "r2" in metric:
        return "regression"
    return "classification" if "acc" in metric else None


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if not math.isnan(number) or str(value).lower() == "nan" else None


def _refuse_non_numbers(rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
    """A curve value that is there but is no number (a loss of "x") is an error, not a gap: skipping
    it would diagnose a different curve than the one logged. Empty cells are gaps."""
    for i, row in enumerate(rows):
        for name in columns.values():
            value = row.get(name)
            if value not in (None, "") and _number(value) is None:
                raise SpecError("mode.path", f"row {i + 1}, column {name!r} holds {str(value)[:40]!r}, not a number",
                                "numbers (or an empty cell for a missing value) in every loss, metric, step and "
                                "epoch column")


def _fill(trace: Trace, rows: list[dict[str, Any]], columns: dict[str, str]) -> None:
    def get(row: dict[str, Any], ours: str) -> float | None:
        return _number(row.get(columns[ours])) if ours in columns else None

    has_val = [r for r in rows if get(r, "val_loss") is not None or get(r, "val_metric") is not None]
    per_step = "epoch" not in columns and len(has_val) < len(rows)
    percent = max((abs(v) for r in rows for k in ("train_metric", "val_metric") if (v := get(r, k)) is not None),
                  default=0) > 1.5
    scale = 0.01 if percent else 1.0
    if per_step or ("epoch" in columns and len({get(r, "epoch") for r in rows}) < len(rows)):
        for i, row in enumerate(rows):
            if (loss := get(row, "train_loss")) is not None:
                trace.steps.append(int(get(row, "step") if get(row, "step") is not None else i))
                trace.losses.append(loss)
    epoch_rows = has_val if per_step else _last_per_epoch(rows, get)
    for i, row in enumerate(epoch_rows):
        metric = {k: (v * scale if (v := get(row, k)) is not None else None) for k in ("train_metric", "val_metric")}
        trace.epochs.append(EpochRow(epoch=int(get(row, "epoch") or i + 1) if "epoch" in columns else i + 1,
                                     step=int(s) if (s := get(row, "step")) is not None else None,
                                     train_loss=get(row, "train_loss"), val_loss=get(row, "val_loss"), **metric))
    if any(not math.isfinite(v) for v in trace.losses):
        trace.stopped_reason = "nan"


def _last_per_epoch(rows: list[dict[str, Any]], get) -> list[dict[str, Any]]:
    if all(get(r, "epoch") is None for r in rows):
        return rows
    by_epoch: dict[float, dict[str, Any]] = {}
    for row in rows:
        merged = by_epoch.setdefault(get(row, "epoch"), {})
        merged.update({k: v for k, v in row.items() if v not in (None, "")})
    return list(by_epoch.values())


# --- readers --------------------------------------------------------------------------------

def _read_rows(path: Path) -> list[dict[str, Any]]:
    if path.is_dir():
        return _wandb_rows(path)
    suffix = path.suffix.lower()
    try:
        text = path.read_text()
    except UnicodeDecodeError as error:
        raise SpecError("mode.path", f"{path.name} is not UTF-8 text: {error}", ACCEPTED) from None
    if suffix == ".csv":
        return [dict(row) for row in csv.DictReader(text.splitlines())]
    if suffix in (".json", ".jsonl"):
        return _json_rows(text)
    raise SpecError("mode.path", f"{path.name} is neither CSV nor JSON", ACCEPTED)


def _json_rows(text: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        try:
            return [json.loads(line) for line in text.splitlines() if line.strip()]
        except json.JSONDecodeError as error:
            raise SpecError("mode.path", f"not valid JSON or JSON lines: {error}", ACCEPTED) from error
        except RecursionError:
            raise SpecError("mode.path", "a JSON line nests too deeply to read", ACCEPTED) from None
    except RecursionError:  # json gives up on thousands of nested brackets
        raise SpecError("mode.path", "the JSON nests too deeply to read (thousands of levels)", ACCEPTED) from None
    if isinstance(data, dict) and "history" in data:
        data = data["history"]
    if isinstance(data, dict):  # column -> list of values
        length = max((len(v) for v in data.values() if isinstance(v, list)), default=0)
        return [{k: v[i] for k, v in data.items() if isinstance(v, list) and i < len(v)} for i in range(length)]
    if isinstance(data, list) and all(isinstance(r, dict) for r in data):
        return data
    raise SpecError("mode.path", "JSON must be a list of rows or an object of columns", ACCEPTED)


_WANDB_BLOCK = 32768
_WANDB_HEADER = 7  # ':W&B', magic, version


def _wandb_rows(folder: Path) -> list[dict[str, Any]]:
    """History rows from a wandb offline run's .wandb file (a LevelDB-style log of protobuf records)."""
    from wandb.proto import wandb_internal_pb2

    files = sorted(folder.glob("*.wandb")) or sorted(folder.glob("*/*.wandb"))
    if not files:
        raise SpecError("mode.path", f"{folder.name} holds no .wandb file", "a wandb offline-run-* folder")
    # The run's own file only: not a link out of the folder, not a FIFO that would block the read.
    wandb_file = resolve_under_roots("mode.path", str(files[0]), [folder])
    rows = []
    for payload in _log_records(wandb_file.read_bytes()):
        record = wandb_internal_pb2.Record()
        record.ParseFromString(payload)
        if record.WhichOneof("record_type") == "history":
            rows.append({item.key or "/".join(item.nested_key): json.loads(item.value_json)
                         for item in record.history.item})
    return rows


def _log_records(data: bytes):
    position, pending = _WANDB_HEADER, b""
    while position + 7 <= len(data):
        left = _WANDB_BLOCK - position % _WANDB_BLOCK
        if left < 7:  # block trailer: padding
            position += left
            continue
        _checksum, length, kind = struct.unpack("<IHB", data[position:position + 7])
        if kind == 0 and length == 0:
            position += left
            continue
        chunk = data[position + 7:position + 7 + length]
        position += 7 + length
        if kind == 1:  # full record
            yield chunk
        elif kind == 2:  # first part
            pending = chunk
        elif kind == 3:  # middle part
            pending += chunk
        elif kind == 4:  # last part
            yield pending + chunk
            pending = b""
