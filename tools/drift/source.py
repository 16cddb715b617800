"""What a batch is checked against: a package's drift reference and model, or a trained run's.

A package (an export_model run, or its folder copied under the roots) carries its reference;
its model is the ONNX graph, which takes raw rows. A trained run's reference is computed here
from the split its preprocessing was fitted on, with the checkpoint's validation outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.drift.reference import (
    REFERENCE_FILE,
    DriftReference,
    build_reference,
    encoded_inputs,
    read_reference,
)
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.paths import resolve_under_roots

Predict = Callable[[np.ndarray], np.ndarray]  # raw rows -> logits, or values in the data's units
CHUNK = 4096


@dataclass
class Monitored:
    reference: DriftReference
    predict: Predict | None
    described_as: str


def monitored(spec, job: JobContext) -> Monitored:
    from ml_expert.tools.export.package import package_predictor

    if spec.package is not None:
        folder = resolve_under_roots("package", spec.package, job.roots)
        if not folder.is_dir():
            raise SpecError("package", f"{spec.package!r} is a file", "the folder of an exported package")
        return Monitored(read_reference(folder, "package"), package_predictor(folder), f"package {folder.name}")
    run_dir = job.workspace / "runs" / spec.run_id
    if (run_dir / REFERENCE_FILE).is_file():
        return Monitored(read_reference(run_dir, "run_id"), package_predictor(run_dir), f"export {spec.run_id}")
    from ml_expert.tools.models.load import load_run

    loaded = load_run(spec.run_id, job, "run_id")
    reference, _ = reference_from_run(loaded, job, "run_id")
    return Monitored(reference, lambda X: run_outputs(loaded, X), f"run {spec.run_id}")


def trained_data(loaded, job: JobContext, field: str):
    """The prepared data the run's preprocessing was fitted on, and the column order it expects."""
    preprocessing = loaded.preprocessing
    data = (preprocessing.fitted_on or {}).get("data") if preprocessing is not None else None
    if data is None:
        raise SpecError(field, f"run {loaded.config.get('from_run')!r} holds a model that was never trained on data "
                               "(no preprocessing fitted on a training split)",
                        "the run_id of a train_model or tune_hyperparams run")
    if loaded.input_kind == "tokens":
        raise SpecError(field, "drift is checked on tabular or image features, not token ids",
                        "a run whose model takes tabular or image input")
    prepared = prepare_data(DataSpec.model_validate(data), job, field=f"{field} (its training data)")
    return prepared, preprocessing.column_order(prepared.table.feature_names, field)


def reference_from_run(loaded, job: JobContext, field: str):
    """The run's drift reference, and the prepared data (export reuses both)."""
    from ml_expert.tools.train.metrics import headline_metric, task_metrics

    prepared, order = trained_data(loaded, job, field)
    train, val = prepared.splits.train, prepared.splits.val
    outputs = run_outputs(loaded, val.X[:, order])
    predictions = outputs.argmax(axis=1) if loaded.task == "classification" else outputs.reshape(val.y.shape)
    imbalanced = any(v.check == "class_imbalance" and v.status != "pass" for v in prepared.verdicts)
    metric = headline_metric(loaded.task, imbalanced)
    value = task_metrics(loaded.task, val.y, predictions, outputs)[metric]
    reference = build_reference(
        train.X[:, order], loaded.preprocessing.feature_names, task=loaded.task,
        class_names=loaded.preprocessing.class_names, val_outputs=outputs,
        performance={"metric": metric, "value": value, "rows": len(val)},
        dataset_version=prepared.table.version, split_hashes=prepared.splits.hashes, seed=job.seed,
        inputs=None if loaded.preprocessing.encodings is None else encoded_inputs(loaded.preprocessing.encodings))
    return reference, prepared


def run_outputs(loaded, X: np.ndarray) -> np.ndarray:
    """The checkpoint's outputs on raw rows, through the run's preprocessing (regression: data units)."""
    import torch

    preprocessing = loaded.preprocessing
    inputs = preprocessing.transform(X) if preprocessing is not None else np.asarray(X, dtype=np.float32)
    inputs = torch.from_numpy(np.ascontiguousarray(inputs)).reshape(len(X), *loaded.input_shape)
    module = loaded.module.eval()
    with torch.no_grad():
        outputs = np.concatenate([module(inputs[i:i + CHUNK]).float().numpy() for i in range(0, len(X), CHUNK)])
    if loaded.task == "regression" and preprocessing is not None:
        outputs = preprocessing.inverse_target(outputs)
    return outputs.astype(np.float64)
