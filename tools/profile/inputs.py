"""Model inputs for profiling: deterministic random batches, or real validation rows through the run's preprocessing."""

from __future__ import annotations

from typing import Any


def make_input(spec: dict[str, Any], batch_size: int, seed: int, device: str = "cpu"):
    """A random batch for ``spec`` ({shape, dtype, high}); the same for every variant and process.

    Floats are standard normal; integers (token ids) uniform in [0, high).
    """
    import torch

    generator = torch.Generator().manual_seed(seed * 100_003 + batch_size)
    shape = (batch_size, *spec["shape"])
    if spec["dtype"].startswith("int"):
        x = torch.randint(0, spec["high"], shape, generator=generator, dtype=getattr(torch, spec["dtype"]))
    else:
        x = torch.randn(shape, generator=generator).to(getattr(torch, spec["dtype"]))
    return x.to(device)


def run_in_chunks(call, inputs, chunk: int, device: str = "cpu"):
    """Outputs of ``call`` on ``inputs`` in batches of exactly ``chunk`` rows (the last one padded
    with copies of its final row), so static-shape variants see only a batch size they know."""
    import torch

    outputs = []
    for start in range(0, len(inputs), chunk):
        batch = inputs[start:start + chunk]
        rows = len(batch)
        if rows < chunk:
            batch = torch.cat([batch, batch[-1:].expand(chunk - rows, *batch.shape[1:])])
        outputs.append(call(batch.to(device)).detach().float().cpu()[:rows])
    return torch.cat(outputs)


def validation_rows(spec, model, job):
    """Real validation rows for parity, through the run's preprocessing, or None without data.

    The data is the spec's, else the model's own, else the data the run's preprocessing was
    fitted on. Returns (inputs, labels, data verdicts, provenance fields); regression labels are
    in the model's scale, like its outputs.
    """
    import math
    from pathlib import Path

    import numpy as np
    import torch

    from ml_expert.tools.data.prepare import prepare_data
    from ml_expert.tools.data.spec import DataSpec
    from ml_expert.tools.errors import SpecError
    from ml_expert.tools.models.load import run_preprocessing

    child = model.child_model
    preprocessing = (run_preprocessing(Path(child["workspace"]), child["run_id"], "model")
                     if child.get("kind") == "run" else None)
    data, field = spec.data, "data"
    if data is None:
        data, field = model.data, "model.data"
    if data is None and preprocessing is not None and preprocessing.fitted_on.get("data"):
        data, field = DataSpec.model_validate(preprocessing.fitted_on["data"]), "model.run_id"
    if data is None:
        return None
    prepared = prepare_data(data, job, field=field)
    val = prepared.splits.val
    X, y = np.array(val.X), np.array(val.y)
    if preprocessing is not None:
        X = preprocessing.transform(X[:, preprocessing.column_order(prepared.table.feature_names, field)])
        y = preprocessing.transform_target(y) if preprocessing.task == "regression" else y
    shape = model.input["shape"]
    if X.shape[1] != math.prod(shape):
        raise SpecError(field, f"its rows have {X.shape[1]} features, but the model takes inputs of shape "
                               f"{shape} ({math.prod(shape)} values)", "data whose rows match the model's input")
    rows = min(len(val), spec.parity_samples)
    inputs = torch.from_numpy(X[:rows]).reshape(rows, *shape).to(getattr(torch, model.input["dtype"]))
    return inputs, torch.from_numpy(y[:rows]), prepared.verdicts, prepared.provenance_fields()
