"""The deployable files: the checkpoint with its preprocessing folded in, as a torch.export program
(``model.pt2``) and an ONNX graph (``model.onnx``), each checked against the checkpoint.

Both take raw rows (float32, batch x columns, the training columns in ``preprocessing.json``'s
order) and give logits (classification) or values in the data's units (regression): the column
encodings (imputation, one-hot, ordinal, log1p; ``encoding``) and the standardisation come in
front of the network, the target scaling a Mul/Add behind it. A categorical column holds its
value's code and a missing value is NaN; ``package.json`` lists each column's codes, for serving
code that reads the files without this project.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import numpy as np

PT2_FILE, ONNX_FILE, MANIFEST_FILE = "model.pt2", "model.onnx", "package.json"
EXAMPLE_ROWS = 8
# Float32 graphs differ from eager by summation order: a few ulps per layer. Relative to the
# size of the outputs, 1e-4 leaves room for that and catches any real difference (a missing or
# doubled standardisation moves outputs by whole units).
RTOL = 1e-4


def serving_module(loaded):
    """The checkpoint behind its fitted transforms, as one torch module."""
    import torch
    from torch import nn

    from ml_expert.tools.export.encoding import encoder_module

    preprocessing = loaded.preprocessing

    def buffer(values, fallback: float) -> torch.Tensor:
        return torch.tensor(np.asarray(values, dtype=np.float32)) if values is not None else torch.tensor(fallback)

    class Serving(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.network = loaded.module.eval()
            self.encoder = None if preprocessing.encodings is None else encoder_module(preprocessing.encodings)
            self.register_buffer("x_mean", buffer(preprocessing.x_mean, 0.0))
            self.register_buffer("x_std", buffer(preprocessing.x_std, 1.0))
            self.register_buffer("y_mean", buffer(preprocessing.y_mean, 0.0))
            self.register_buffer("y_std", buffer(preprocessing.y_std, 1.0))
            self.scales_in, self.scales_out = preprocessing.scales_inputs, preprocessing.scales_targets
            self.sample_shape = tuple(loaded.input_shape)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            if self.encoder is not None:
                x = self.encoder(x)
            if self.scales_in:
                x = (x - self.x_mean) / self.x_std
            out = self.network(x.reshape(x.shape[0], *self.sample_shape))
            return out * self.y_std + self.y_mean if self.scales_out else out

    return Serving().eval()


def write_pt2(serving, n_features: int, folder: Path):
    """torch.export with a dynamic batch dimension; returns the exported program."""
    import torch

    example = torch.zeros(EXAMPLE_ROWS, n_features)
    with torch.no_grad():
        program = torch.export.export(serving, (example,), dynamic_shapes=({0: torch.export.Dim("batch")},))
    torch.export.save(program, str(folder / PT2_FILE))
    return program


def write_onnx(program, n_features: int, folder: Path) -> Path:
    """The ONNX graph, exported from the program the way profile_inference exports its variant."""
    import shutil

    import torch

    from ml_expert.tools.profile.variants import BuildContext, export_onnx

    with tempfile.TemporaryDirectory() as scratch:
        context = BuildContext(module=None, exported_program=program, onnx_path=None,
                               example=torch.zeros(EXAMPLE_ROWS, n_features), device="cpu", threads=1,
                               workdir=Path(scratch))
        shutil.copyfile(export_onnx(context), folder / ONNX_FILE)
    return folder / ONNX_FILE


def onnx_session(path: Path):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = 1
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def onnx_outputs(session, X: np.ndarray) -> np.ndarray:
    name = session.get_inputs()[0].name
    return np.asarray(session.run(None, {name: np.asarray(X, dtype=np.float32)})[0], dtype=np.float64)


def pt2_outputs(program, X: np.ndarray) -> np.ndarray:
    import torch

    with torch.no_grad():
        return program.module()(torch.from_numpy(np.array(X, dtype=np.float32))).double().numpy()


def parity(reference: np.ndarray, outputs: np.ndarray, task: str) -> dict[str, Any]:
    """How far an exported file's outputs are from the checkpoint's on the same rows."""
    reference, outputs = reference.reshape(len(reference), -1), outputs.reshape(len(reference), -1)
    scale = float(np.abs(reference).max()) or 1.0
    max_abs = float(np.abs(outputs - reference).max())
    report = {"rows": len(reference), "max_abs_diff": max_abs, "relative_diff": max_abs / scale,
              "tolerance": RTOL, "passed": max_abs / scale <= RTOL}
    if task == "classification":
        report["top1_agreement"] = float((outputs.argmax(axis=1) == reference.argmax(axis=1)).mean())
    return report


def manifest(loaded, parities: dict[str, dict[str, Any]]) -> dict[str, Any]:
    preprocessing = loaded.preprocessing
    from ml_expert.tools.export.encoding import input_columns
    from ml_expert.tools.preprocess.features import CODE_RULE, describe

    encoded = {} if preprocessing.encodings is None else {"category_code": CODE_RULE, "encodings": describe(
        preprocessing.encodings)}
    return {"format": "ml-expert-package/1", "task": loaded.task, "input": {
                "dtype": "float32", "shape": ["batch", len(preprocessing.feature_names)],
                "columns": preprocessing.feature_names, "preprocessing": "folded into model.pt2 and model.onnx; "
                                                                         "preprocessing.json describes it",
                "column_values": input_columns(preprocessing), **encoded},
            "output": "logits, one per class (classes in preprocessing.json)" if loaded.task == "classification"
            else "predicted values in the data's units",
            "files": {"pt2": PT2_FILE, "onnx": ONNX_FILE}, "parity": parities}


def package_predictor(folder: Path):
    """Raw rows -> outputs through the package's ONNX graph, or None when the folder has none."""
    path = folder / ONNX_FILE
    if not path.is_file():
        return None
    session = onnx_session(path)
    return lambda X: onnx_outputs(session, X)
