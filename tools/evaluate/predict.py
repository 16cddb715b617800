"""A saved model's answers on rows in the data's units: through its preprocessing, in its column order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ml_expert.tools.models.load import LoadedModel
from ml_expert.tools.preprocess.transforms import Preprocessing
from ml_expert.tools.train.metrics import softmax

CHUNK = 4096


@dataclass(frozen=True)
class Answers:
    predictions: np.ndarray  # class indices, or values in the data's units
    probabilities: np.ndarray | None  # classification: softmax of the logits


def identity_preprocessing(loaded: LoadedModel, feature_names: list[str]) -> Preprocessing:
    """For a run saved without preprocessing (an untrained architecture): rows go in as they are."""
    return Preprocessing(task=loaded.task, feature_names=list(feature_names))


def answer(loaded: LoadedModel, preprocessing: Preprocessing, X: np.ndarray, columns: np.ndarray) -> Answers:
    """``columns`` put the data's columns into the model's order (Preprocessing.column_order)."""
    import torch

    inputs = preprocessing.transform(np.asarray(X)[:, columns])
    module = loaded.module.eval()
    dtype = torch.long if loaded.input_kind == "tokens" else torch.float32
    outputs = []
    with torch.no_grad():
        for start in range(0, len(inputs), CHUNK):
            batch = torch.from_numpy(inputs[start:start + CHUNK]).to(dtype).reshape(-1, *loaded.input_shape)
            outputs.append(module(batch).float().numpy())
    logits = np.concatenate(outputs) if outputs else np.zeros((0, loaded.num_outputs), np.float32)
    if loaded.task == "classification":
        return Answers(logits.argmax(axis=1), softmax(logits.astype(np.float64)))
    values = preprocessing.inverse_target(logits)
    return Answers(values.reshape(len(values)) if values.shape[1] == 1 else values, None)
