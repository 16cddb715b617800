"""A model tuned on unscaled CSV data keeps its validation score through export (ONNX and .pt2)."""

from __future__ import annotations

import pytest
import torch

from ml_expert.tools.export.package import onnx_outputs, onnx_session, pt2_outputs
from ml_expert.tools.export.run import export_model
from ml_expert.tools.export.schema import ExportModelSpec
from ml_expert.tools.job import JobContext
from tests.test_preprocess_lifecycle import _fitted_data, one_thread, tuned  # noqa: F401 (fixtures)


def test_the_exported_files_keep_the_tuned_models_validation_accuracy(tuned):  # noqa: F811
    from ml_expert.tools.data.prepare import prepare_data
    from ml_expert.tools.models.load import load_run

    workspace, root, run_id, val_accuracy = tuned
    job = JobContext.local(workspace, roots=[root], tool="export_model")
    result = export_model(ExportModelSpec(run_id=run_id, draft=True), job)
    assert result.parity["onnx"].passed and result.parity["pt2"].passed
    prepared = prepare_data(_fitted_data(load_run(run_id, job)), job)
    val = prepared.splits.val
    raw_rows = val.X  # in the CSV's own units and column order: the package standardises them itself
    onnx = onnx_outputs(onnx_session(job.run_dir / "model.onnx"), raw_rows).argmax(axis=1)
    pt2 = pt2_outputs(torch.export.load(str(job.run_dir / "model.pt2")), raw_rows).argmax(axis=1)
    assert float((onnx == val.y).mean()) == pytest.approx(val_accuracy, abs=1e-4)
    assert float((pt2 == val.y).mean()) == pytest.approx(val_accuracy, abs=1e-4)
