"""The model reference schema: strict, discriminated, and free of torch."""

import json
import subprocess
import sys

import pytest
from pydantic import TypeAdapter, ValidationError

from ml_expert.tools.architecture.schema import ImplementArchitectureResult, ImplementArchitectureSpec
from ml_expert.tools.models.spec import DecoderLMModel, ModelRef, RunModel

REF = TypeAdapter(ModelRef)
LM_INPUT = {"kind": "tokens", "vocab_size": 1000, "seq_len": 64}


def test_schemas_import_without_torch():
    code = ("import sys, ml_expert.tools.models.spec, ml_expert.tools.architecture.schema; "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_schemas_serialise():
    json.dumps(ImplementArchitectureSpec.model_json_schema())
    json.dumps(ImplementArchitectureResult.model_json_schema())
    assert ImplementArchitectureResult().status == "succeeded"  # every own field has a default


def test_builtin_reference_is_discriminated_by_kind_then_family():
    ref = REF.validate_python({"kind": "builtin", "family": "decoder_lm", "input": LM_INPUT, "depth": 4})
    assert isinstance(ref, DecoderLMModel) and ref.depth == 4 and ref.width is None
    assert isinstance(REF.validate_python({"kind": "run", "run_id": "run-abc"}), RunModel)


@pytest.mark.parametrize("raw", [
    {"kind": "builtin", "family": "vgg", "input": LM_INPUT},
    {"kind": "builtin", "family": "decoder_lm", "input": LM_INPUT, "n_layer": 4},
    {"kind": "builtin", "family": "decoder_lm", "input": LM_INPUT, "width": 100, "heads": 3},
    {"kind": "builtin", "family": "cnn", "input": {"kind": "image", "channels": 1, "height": 8, "width": 8},
     "kernel_size": 4},
    {"kind": "builtin", "family": "mlp"},
    {"kind": "builtin", "family": "mlp", "input": {"kind": "tabular", "num_features": 3},
     "data": {"source": {"kind": "bundled", "name": "iris"}}},
    {"kind": "code", "target": "net.py", "input": LM_INPUT},
    {"kind": "run", "run_id": "../../etc"},
])
def test_bad_references_are_refused(raw):
    with pytest.raises(ValidationError):
        REF.validate_python(raw)


def test_scale_arg_needs_a_code_model():
    with pytest.raises(ValidationError, match="scale_arg"):
        ImplementArchitectureSpec.model_validate(
            {"model": {"kind": "builtin", "family": "decoder_lm", "input": LM_INPUT}, "scale_arg": "width"})
