"""The fitted column encodings (``tools/preprocess/features``) as torch ops, so torch.export and
the ONNX export carry them: raw rows (category codes, NaN where a value is missing) in, the
model's features out, the same as ``features.encode`` up to float32 rounding of the fill values.

Per column: missing values take the training fill (``where(isnan(x), fill, x)``) and, when the
column has one, a 0/1 ``:missing`` indicator; one-hot compares the value with each training
category's code; ordinal is the index of the matching code, -1 when none matches; log1p clips
negative values to 0 first.
"""

from __future__ import annotations

import numpy as np


def encoder_module(encodings):
    """A torch module: batch x columns (float32) -> batch x model features."""
    import torch
    from torch import nn

    from ml_expert.tools.preprocess.features import category_codes

    class ColumnEncoder(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.kinds = [(e.kind, e.indicator, e.log) for e in encodings]
            self.register_buffer("fill", torch.tensor([e.fill for e in encodings], dtype=torch.float32))
            for j, e in enumerate(encodings):
                if e.kind != "number":
                    codes = np.asarray(category_codes(e.categories), dtype=np.float32)
                    self.register_buffer(f"codes_{j}", torch.from_numpy(codes).reshape(1, -1))
                    self.register_buffer(f"ranks_{j}", torch.arange(len(codes), dtype=torch.float32).reshape(1, -1))

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            columns = []
            for j, (kind, indicator, log) in enumerate(self.kinds):
                value = x[:, j:j + 1]
                missing = torch.isnan(value)
                value = torch.where(missing, self.fill[j], value)
                if kind == "onehot":
                    columns.append((value == getattr(self, f"codes_{j}")).to(x.dtype))
                elif kind == "ordinal":
                    match = (value == getattr(self, f"codes_{j}")).to(x.dtype)
                    rank = (match * getattr(self, f"ranks_{j}")).sum(dim=1, keepdim=True)
                    columns.append(torch.where(match.sum(dim=1, keepdim=True) > 0, rank, -torch.ones_like(rank)))
                else:
                    columns.append(torch.log1p(torch.clamp(value, min=0.0)) if log else value)
                if indicator:
                    columns.append(missing.to(x.dtype))
            return torch.cat(columns, dim=1)

    return ColumnEncoder()


def input_columns(preprocessing) -> list[dict]:
    """For package.json: what each input column of the graph holds and how serving code fills it."""
    from ml_expert.tools.preprocess.features import category_codes

    if preprocessing.encodings is None:
        return [{"name": name, "holds": "number"} for name in preprocessing.feature_names]
    described = []
    for e in preprocessing.encodings:
        row = {"name": e.name, "holds": "number" if e.kind == "number" else "category code",
               "missing": "NaN (the graph imputes it)"}
        if e.kind != "number":
            row["codes"] = dict(zip(e.categories, category_codes(e.categories).tolist(), strict=True))
            row["unseen"] = "any other code (one-hot: all zeros; ordinal: -1)"
        described.append(row)
    return described
