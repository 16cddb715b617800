"""profile_inference end to end: every variant in its own worker process, judged against budgets and parity.

Fast tests restrict the variants and the timing budget; the default set (with torch.compile) runs
in the slow tests.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import torch

from ml_expert.tools.job import JobContext
from ml_expert.tools.profile.run import profile_inference
from ml_expert.tools.profile.schema import ProfileInferenceResult, ProfileInferenceSpec
from tests.fixtures.profile.tiny_models import mlp

FAST = {"batch_sizes": [1, 4], "threads": 1, "max_seconds_per_measurement": 0.05, "parity_samples": 32}
DIGITS_MLP = {"kind": "builtin", "family": "mlp", "width": 32,
              "data": {"source": {"kind": "bundled", "name": "digits"}}}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """One workspace for the module: the matmul peak is measured once and cached there."""
    return tmp_path_factory.mktemp("profile")


def run(spec: dict, root: Path) -> ProfileInferenceResult:
    return profile_inference(ProfileInferenceSpec.model_validate(spec), JobContext.local(root, roots=[root]))


def assert_rows_are_consistent(result: ProfileInferenceResult) -> None:
    assert result.rows
    for row in result.rows:
        assert 0 < row.p50_ms <= row.p90_ms <= row.p95_ms <= row.p99_ms
        assert row.samples >= 3 and row.iqr_ms >= 0 and row.mean_ms > 0
        assert row.throughput_per_s == pytest.approx(row.batch_size / row.mean_ms * 1e3)
        assert row.peak_memory_mb is not None and row.peak_memory_mb > 0
        assert row.size_mb is not None and row.size_mb > 0
        assert row.timer_p50_ms is not None and row.timer_p50_ms > 0


@pytest.fixture(scope="module")
def strict_parity(root) -> ProfileInferenceResult:
    """A built-in MLP on digits, bf16 forced to an SQNR it cannot reach."""
    spec = {**FAST, "model": DIGITS_MLP, "variants": ["bf16_autocast", "inference_mode"],
            "parity": {"min_sqnr_db": 200}}
    return run(spec, root)


def test_percentiles_are_ordered_and_consistent(strict_parity):
    assert_rows_are_consistent(strict_parity)
    assert {(r.variant, r.batch_size) for r in strict_parity.rows} == {
        (v, b) for v in ("eager", "bf16_autocast", "inference_mode") for b in (1, 4)}
    eager = next(r for r in strict_parity.rows if r.variant == "eager" and r.batch_size == 4)
    assert eager.gflops == pytest.approx(4 * 2 * (64 * 32 + 32 * 32 + 32 * 10) / 1e9)
    assert eager.peak_fraction == pytest.approx(eager.gflops_per_s / strict_parity.matmul_peak_gflops["float32"])


def test_a_variant_that_breaks_parity_is_never_best(strict_parity):
    bf16 = next(v for v in strict_parity.variants if v.variant == "bf16_autocast")
    assert bf16.status == "measured" and not bf16.parity.passed
    assert bf16.parity.sqnr_db < 200
    assert strict_parity.best is not None and strict_parity.best.variant in ("eager", "inference_mode")
    assert not any(r.ok for r in strict_parity.rows if r.variant == "bf16_autocast")
    verdict = next(v for v in strict_parity.verdicts if v.check == "parity_bf16_autocast")
    assert verdict.status == "fail" and verdict.evidence["sqnr_db"] == bf16.parity.sqnr_db and verdict.fix
    kept = next(v for v in strict_parity.verdicts if v.check == "parity_inference_mode")
    assert kept.status == "pass"  # identical outputs meet any SQNR


def test_parity_runs_on_validation_rows_with_labels(strict_parity):
    parity = next(v for v in strict_parity.variants if v.variant == "inference_mode").parity
    assert parity.inputs == "validation rows" and parity.metric_name == "accuracy"
    assert parity.samples == 32
    assert strict_parity.provenance.dataset_version and "val" in strict_parity.provenance.split_hashes


def test_result_carries_operators_plots_and_trace(strict_parity):
    assert strict_parity.top_operators and strict_parity.operators_of.endswith("at batch 1")
    assert any("addmm" in op.name or "linear" in op.name for op in strict_parity.top_operators)
    names = {a.name: a for a in strict_parity.artifacts}
    assert {"latency_vs_batch.png", "operators.png"} <= set(names)
    trace = next(a for a in strict_parity.artifacts if a.kind == "trace")
    assert json.loads(Path(trace.path).read_text())["traceEvents"]
    assert len(strict_parity.model_dump_json()) < 20_000
    assert len(re.split(r"(?<=\.) (?=[A-Z])", strict_parity.summary)) <= 3  # at most three sentences
    assert strict_parity.best.variant in strict_parity.summary and "bf16_autocast" in strict_parity.summary


@pytest.fixture(scope="module")
def impossible_budget(root) -> ProfileInferenceResult:
    """An exported program (.pt2) with a latency budget no variant can meet."""
    program = torch.export.export(mlp().eval(), (torch.randn(4, 16),),
                                  dynamic_shapes=({0: torch.export.Dim("batch")},))
    torch.export.save(program, root / "mlp.pt2")
    spec = {**FAST, "model": {"kind": "exported", "path": "mlp.pt2", "trust_code": True}, "variants": ["onnxruntime"],
            "budgets": {"latency_ms": 1e-6, "max_size_mb": 10}}
    return run(spec, root)


def test_an_exported_program_profiles_like_a_model(impossible_budget):
    assert_rows_are_consistent(impossible_budget)
    assert [v.variant for v in impossible_budget.variants] == ["eager", "onnxruntime"]
    assert all(v.status == "measured" for v in impossible_budget.variants)
    onnx = next(v for v in impossible_budget.variants if v.variant == "onnxruntime")
    assert onnx.parity.passed and (onnx.parity.sqnr_db is None or onnx.parity.sqnr_db > 60) and onnx.build_s > 0  # None: outputs equal exactly
    first = next(r for r in impossible_budget.rows if r.variant == "onnxruntime" and r.batch_size == 1)
    assert first.compile_s >= onnx.build_s  # the export is part of the first row's start-up
    assert impossible_budget.input_shape == [16] and impossible_budget.input_dtype == "float32"
    assert all(r.gflops for r in impossible_budget.rows)


def test_an_impossible_budget_fails_with_the_nearest_miss(impossible_budget):
    assert impossible_budget.best is None
    miss = impossible_budget.nearest_miss
    assert miss is not None and [b.constraint for b in miss.blockers] == ["latency"]
    assert miss.blockers[0].relative_violation > 100
    verdicts = {v.check: v for v in impossible_budget.verdicts}
    assert verdicts["latency_budget"].status == "fail" and verdicts["latency_budget"].fix
    assert verdicts["size_budget"].status == "pass"
    assert verdicts["best_variant"].status == "fail"
    assert f"{miss.variant} at batch {miss.batch_size}" in verdicts["best_variant"].message
    assert impossible_budget.summary.startswith("No configuration meets every constraint")
    assert len(re.split(r"(?<=\.) (?=[A-Z])", impossible_budget.summary)) <= 3


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # the quick TorchScript exporter writes the file
def test_an_onnx_file_profiles_like_a_model(root, capfd):
    torch.onnx.export(mlp().eval(), (torch.randn(2, 16),), str(root / "mlp.onnx"), dynamo=False,
                      input_names=["x"], dynamic_axes={"x": {0: "batch"}})
    capfd.readouterr()
    result = run({**FAST, "model": {"kind": "exported", "path": "mlp.onnx"}}, root)
    assert capfd.readouterr().out == ""  # workers never write to stdout, the MCP channel
    assert_rows_are_consistent(result)
    assert [v.variant for v in result.variants] == ["onnxruntime"]
    assert result.best.variant == "onnxruntime" and result.best.speedup_vs_eager is None
    assert result.top_operators and any(op.name == "Gemm" for op in result.top_operators)
    assert any(a.name == "trace_onnxruntime.json" for a in result.artifacts)
    # FLOPs counted from the graph's Gemm nodes, the same count as the torch module's.
    from ml_expert.tools.measure.flops import count_flops

    for row in result.rows:
        assert row.gflops * 1e9 == pytest.approx(count_flops(mlp().eval(), torch.randn(row.batch_size, 16)).total)
        assert 0 < row.peak_fraction <= 1
    # Its parity reference is ONNX Runtime itself: that is said, not presented as a passed check.
    reference = next(v for v in result.verdicts if v.check == "parity_reference")
    assert reference.status == "warn" and "no independent reference" in reference.message
    assert "no independent reference" in result.summary


def test_a_failing_variant_is_reported_not_raised(root):
    (root / "odd_model.py").write_text(
        "import torch\n"
        "class Odd(torch.nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.linear = torch.nn.Linear(16, 4)\n"
        "    def forward(self, x):\n"
        "        if x.sum() > 0:  # data-dependent control flow: ONNX export cannot trace it\n"
        "            return self.linear(x)\n"
        "        return -self.linear(x)\n"
        "def odd():\n"
        "    return Odd()\n")
    model = {"kind": "code", "target": "odd_model.py:odd", "input": {"kind": "tabular", "num_features": 16},
             "output": {"kind": "classes", "num_classes": 4}}
    result = run({**FAST, "model": model, "variants": ["onnxruntime"], "batch_sizes": [2]}, root)
    status = {v.variant: v for v in result.variants}
    assert status["eager"].status == "measured"
    assert status["onnxruntime"].status == "failed" and "building the variant" in status["onnxruntime"].reason
    assert result.best.variant == "eager"
    assert any(v.check == "variant_onnxruntime" and v.status == "warn" for v in result.verdicts)
    assert any(a.name == "onnxruntime_worker.log" for a in result.artifacts)


@pytest.mark.slow
def test_default_profile_of_a_cnn_includes_compile_and_channels_last(root):
    (root / "tiny_models.py").write_text(Path(__file__).with_name("fixtures").joinpath(
        "profile", "tiny_models.py").read_text())
    model = {"kind": "code", "target": "tiny_models.py:cnn", "input": {"kind": "image", "channels": 3, "height": 16,
                                                                   "width": 16},
             "output": {"kind": "classes", "num_classes": 4}}
    result = run({"model": model, "batch_sizes": [1, 8], "threads": 1, "max_seconds_per_measurement": 0.2}, root)
    assert [v.variant for v in result.variants] == ["eager", "inference_mode", "compile", "bf16_autocast",
                                                    "int8_dynamic", "channels_last", "malloc_no_trim",
                                                    "onnxruntime"]
    assert all(v.status == "measured" for v in result.variants), [v.reason for v in result.variants]
    assert_rows_are_consistent(result)
    compiled = next(r for r in result.rows if r.variant == "compile" and r.batch_size == 1)
    assert compiled.compile_s > 0.5  # the first call compiles
    assert result.best is not None and result.best.variant in {v.variant for v in result.variants
                                                                if v.parity.passed}


@pytest.mark.slow
def test_a_default_profile_of_a_small_model_takes_under_a_minute(root):
    model = {"kind": "builtin", "family": "mlp", "input": {"kind": "tabular", "num_features": 64},
             "output": {"kind": "classes", "num_classes": 10}}
    result = run({"model": model}, root)
    assert "compile" in [v.variant for v in result.variants]
    assert result.provenance.wall_time_s < 60
