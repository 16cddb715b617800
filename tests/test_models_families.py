"""Every registered family builds at a small size and passes the forward and gradient checks."""

import pytest
import torch
from pydantic import TypeAdapter

from ml_expert.tools.architecture.checks import check_gradients, forward_pass, random_batch
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import load_model
from ml_expert.tools.models.registry import families
from ml_expert.tools.models.spec import FAMILY_NAMES, ModelRef

TABULAR = {"kind": "tabular", "num_features": 12}
IMAGE = {"kind": "image", "channels": 3, "height": 16, "width": 16}
TOKENS = {"kind": "tokens", "vocab_size": 100, "seq_len": 12}
CLASSES = {"kind": "classes", "num_classes": 3}
REGRESSION = {"kind": "regression", "num_targets": 2}
NEXT_TOKEN = {"kind": "next_token"}

CASES = [
    ("mlp", TABULAR, CLASSES, {"width": 16}),
    ("mlp", IMAGE, REGRESSION, {"width": 16, "depth": 3, "norm": "batch", "activation": "gelu"}),
    ("mlp", TABULAR, CLASSES, {"width": 16, "norm": "layer", "dropout": 0.1, "activation": "tanh"}),
    ("cnn", IMAGE, CLASSES, {"width": 8}),
    ("cnn", IMAGE, REGRESSION, {"width": 8, "depth": 6, "kernel_size": 5, "norm": "group", "activation": "silu"}),
    ("resnet", IMAGE, CLASSES, {"width": 8}),
    ("resnet", IMAGE, CLASSES, {"width": 8, "blocks_per_stage": [1, 1], "norm": "group"}),
    ("transformer_encoder", TOKENS, CLASSES, {"width": 16, "depth": 1}),
    ("transformer_encoder", TOKENS, REGRESSION, {"width": 16, "heads": 2, "pooling": "cls", "norm": "rms",
                                                 "activation": "silu"}),
    ("decoder_lm", TOKENS, NEXT_TOKEN, {"width": 16, "depth": 2}),
    ("decoder_lm", TOKENS, None, {"width": 24, "heads": 3, "tie_embeddings": False, "ff_ratio": 2.0}),
    ("lstm", TOKENS, CLASSES, {"width": 16, "bidirectional": True}),
    ("lstm", TOKENS, NEXT_TOKEN, {"width": 16, "depth": 1}),
    ("gru", TOKENS, REGRESSION, {"width": 16, "embedding_dim": 8}),
    ("gru", TOKENS, NEXT_TOKEN, {"width": 16}),
]


def as_ref(family, given_input, given_output, hyperparameters):
    raw = {"kind": "builtin", "family": family, "input": given_input, **hyperparameters}
    if given_output is not None:
        raw["output"] = given_output
    return TypeAdapter(ModelRef).validate_python(raw)


def test_registry_holds_every_family_the_spec_names():
    assert set(families()) == set(FAMILY_NAMES)


def test_cases_cover_every_family():
    assert {case[0] for case in CASES} == set(FAMILY_NAMES)


@pytest.mark.parametrize(("family", "given_input", "given_output", "hyperparameters"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_family_builds_and_passes_forward_and_backward(tmp_path, family, given_input, given_output,
                                                       hyperparameters):
    torch.manual_seed(0)
    loaded = load_model(as_ref(family, given_input, given_output, hyperparameters), JobContext.local(tmp_path))
    for key, value in hyperparameters.items():
        assert loaded.config["hyperparameters"][key] == value
    batch = random_batch(loaded, 4, torch.Generator().manual_seed(0))
    forward = forward_pass(loaded.module, batch, loaded)
    assert forward.verdict.status == "pass", forward.verdict.message
    gradients = check_gradients(loaded.module, forward.loss)
    assert gradients.status == "pass", gradients.message
    assert loaded.example_input(2).dtype == loaded.input_dtype
