"""profile_inference's spec: schema rules, and bad inputs turned into SpecErrors that name the field."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from pydantic import ValidationError

from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.profile.run import profile_inference
from ml_expert.tools.profile.schema import ProfileInferenceResult, ProfileInferenceSpec
from tests.fixtures.profile.tiny_models import mlp, token_classifier

MLP_REF = {"kind": "builtin", "family": "mlp", "input": {"kind": "tabular", "num_features": 10},
           "output": {"kind": "classes", "num_classes": 3}}


def test_schema_module_leaves_torch_out():
    code = ("import sys, json; from ml_expert.tools.profile.schema import ProfileInferenceSpec as S, "
            "ProfileInferenceResult as R; json.dumps(S.model_json_schema()); json.dumps(R.model_json_schema()); "
            "print('torch' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_spec_defaults_and_rules():
    spec = ProfileInferenceSpec(model=MLP_REF, batch_sizes=[64, 1, 8, 8])
    assert spec.batch_sizes == [1, 8, 64]
    assert spec.budgets.latency_percentile == "p95"
    assert spec.parity.min_sqnr_db == 30 and spec.parity.max_metric_drop == 0.01
    with pytest.raises(ValidationError, match="extra"):
        ProfileInferenceSpec(model=MLP_REF, warmup=3)
    with pytest.raises(ValidationError, match="budgets.batch_size 4 is not among"):
        ProfileInferenceSpec(model=MLP_REF, budgets={"batch_size": 4})
    with pytest.raises(ValidationError):
        ProfileInferenceSpec(model=MLP_REF, variants=["tensorrt"])
    with pytest.raises(ValidationError):
        ProfileInferenceSpec(model={"kind": "exported", "path": "m.onnx", "input": {"shape": []}})


def test_a_running_job_answers_with_the_same_schema():
    result = ProfileInferenceResult(status="running")
    assert json.loads(result.model_dump_json())["rows"] == []


@pytest.fixture
def job(tmp_path: Path) -> JobContext:
    return JobContext.local(tmp_path, roots=[tmp_path])


def field_of(spec: dict, job: JobContext) -> str:
    with pytest.raises(SpecError) as caught:
        profile_inference(ProfileInferenceSpec.model_validate(spec), job)
    return caught.value.field


def test_channels_last_on_a_model_without_convolutions_is_refused(job):
    with pytest.raises(SpecError, match="channels_last does not apply.*Conv2d") as caught:
        profile_inference(ProfileInferenceSpec(model=MLP_REF, variants=["channels_last"]), job)
    assert caught.value.field == "variants"
    assert "onnxruntime" in caught.value.accepted


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has CUDA")
def test_cuda_without_a_gpu_is_refused(job):
    assert field_of({"model": MLP_REF, "device": "cuda"}, job) == "device"


def test_more_threads_than_cores_is_refused(job):
    assert field_of({"model": MLP_REF, "threads": 4096}, job) == "threads"


def test_exported_file_paths_are_checked(job, tmp_path):
    assert field_of({"model": {"kind": "exported", "path": "/etc/hostname"}}, job) == "model.path"
    assert field_of({"model": {"kind": "exported", "path": "missing.onnx"}}, job) == "model.path"
    (tmp_path / "weights.bin").write_bytes(b"\0")
    assert field_of({"model": {"kind": "exported", "path": "weights.bin"}}, job) == "model.path"
    (tmp_path / "broken.onnx").write_bytes(b"not a model")
    assert field_of({"model": {"kind": "exported", "path": "broken.onnx"}}, job) == "model.path"


def test_a_fixed_batch_export_accepts_only_its_batch_size(job, tmp_path):
    program = torch.export.export(mlp().eval(), (torch.randn(2, 16),))
    torch.export.save(program, tmp_path / "fixed.pt2")
    assert field_of({"model": {"kind": "exported", "path": "fixed.pt2", "trust_code": True}, "batch_sizes": [1, 8]},
                    job) == "batch_sizes"


def test_token_inputs_need_their_range(job, tmp_path):
    program = torch.export.export(token_classifier().eval(), (torch.randint(0, 50, (2, 6)),),
                                  dynamic_shapes=({0: torch.export.Dim("batch")},))
    torch.export.save(program, tmp_path / "tokens.pt2")
    assert field_of({"model": {"kind": "exported", "path": "tokens.pt2", "trust_code": True}}, job) == "model.input.high"


def test_parity_data_must_match_the_model_input(job):
    spec = {"model": MLP_REF, "data": {"source": {"kind": "bundled", "name": "digits"}}}
    assert field_of(spec, job) == "data"
