"""profile_inference: spec and result. Pydantic only: the server imports this for JSON schemas."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ml_expert.tools.data.spec import DataSpec
from ml_expert.tools.envelope import ToolResult
from ml_expert.tools.models.spec import BuiltinModel, CodeModel, RunModel
from ml_expert.tools.spec import ToolSpec

VariantName = Literal["eager", "inference_mode", "compile", "bf16_autocast", "int8_dynamic", "channels_last",
                      "malloc_no_trim", "onnxruntime"]
Percentile = Literal["p50", "p90", "p95", "p99"]
InputDtype = Literal["float32", "float64", "float16", "bfloat16", "int64", "int32"]

VARIANTS_HELP = (
    "eager (model.eval() under torch.no_grad, the fp32 reference), inference_mode (torch.inference_mode), "
    "compile (torch.compile, static shapes: compiled once per batch size), bf16_autocast (torch.autocast "
    "to bfloat16), int8_dynamic (dynamic int8 quantization of Linear/LSTM/GRU layers, CPU only), "
    "channels_last (NHWC memory format, models with Conv2d layers), malloc_no_trim (eager with glibc's "
    "malloc keeping freed memory instead of returning it to the OS and faulting it in again on the next "
    "call; CPU, Linux), onnxruntime (export to ONNX, run in "
    "ONNX Runtime)")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class InputShape(_Strict):
    """One sample's input, without the batch dimension."""

    shape: list[Annotated[int, Field(ge=1)]] = Field(
        min_length=1, max_length=5, description="Per-sample shape, e.g. [64] for 64 features, [3, 32, 32] "
                                                "for an image, [128] for 128 tokens.")
    dtype: InputDtype = Field(default="float32", description="Element type of the input.")
    high: int | None = Field(default=None, ge=2, description="Integer inputs (token ids): random values are "
                                                             "drawn from [0, high), e.g. the vocabulary size.")


class ExportedModelFile(_Strict):
    """A model already exported to a file: a torch.export program (.pt2) or an ONNX graph (.onnx)."""

    kind: Literal["exported"] = Field(description="Selects an exported .pt2 or .onnx file.")
    path: str = Field(description="A .pt2 file (torch.export.save) or a .onnx file under the server's roots; "
                                  "relative paths are taken under the roots. The model must take one tensor.")
    input: InputShape | None = Field(
        default=None, description="Per-sample input. Default: read from the file (its batch dimension must "
                                  "be the only dynamic one); integer inputs need `high`.")
    task: Literal["auto", "classification", "regression", "language_model"] = Field(
        default="auto", description="What the outputs mean, for the parity metric. auto: classification "
                                    "when the last output dimension is above 1, else regression.")
    trust_code: bool = Field(
        default=False, description="A .pt2 runs code when loaded (torch.export.load unpickles objects and "
                                   "evaluates shape expressions from the file), so it is refused unless this is "
                                   "true: set it only for a file from a source you trust. .onnx needs no trust.")


ProfiledModel = Annotated[BuiltinModel | CodeModel | RunModel | ExportedModelFile, Field(discriminator="kind")]


class Budgets(_Strict):
    """Limits a deployable configuration (variant x batch size) must meet. Leave a field unset to skip it."""

    latency_ms: float | None = Field(default=None, gt=0, description="Most milliseconds per call at "
                                                                     "`latency_percentile`.")
    latency_percentile: Percentile = Field(default="p95", description="The percentile latency_ms limits.")
    min_throughput: float | None = Field(default=None, gt=0, description="Fewest samples per second.")
    max_size_mb: float | None = Field(default=None, gt=0, description="Largest model size on disk, in MB.")
    max_memory_mb: float | None = Field(default=None, gt=0, description="Largest serving memory "
                                                                        "(rows' peak_memory_mb), in MB.")
    batch_size: int | None = Field(default=None, ge=1, description="Judge the budgets only at this batch "
                                                                   "size (one of batch_sizes). Default: "
                                                                   "any profiled batch size may qualify.")


class ParityTolerance(_Strict):
    """How close a variant's outputs must stay to fp32 eager on the same inputs."""

    min_sqnr_db: float = Field(default=30.0, description="Least signal-to-quantization-noise ratio of the "
                                                         "outputs, 10*log10(|ref|^2 / |ref - out|^2).")
    max_metric_drop: float = Field(default=0.01, ge=0, description="Largest relative loss of the task "
                                                                  "metric against fp32 eager: accuracy for "
                                                                  "classification and language models, "
                                                                  "RMSE growth for regression. Without "
                                                                  "labels the metric is agreement with "
                                                                  "eager's top-1 (or relative RMSE "
                                                                  "against eager's outputs).")


class ProfileInferenceSpec(ToolSpec):
    """Measure inference latency of a model's variants and pick the fastest one that keeps accuracy."""

    model: ProfiledModel = Field(
        description="The model: a built-in family (kind builtin), agent code (kind code), a run's saved model "
                    "(kind run), or an exported .pt2/.onnx file (kind exported).")
    data: DataSpec | None = Field(
        default=None, description="Parity data: its validation rows are the inputs (and labels) of the "
                                  "parity check, and the inputs timed; the sealed test split is never read. "
                                  "Default: the model's own `data` if it names one, else random inputs, "
                                  "compared with fp32 eager's own outputs.")
    batch_sizes: list[Annotated[int, Field(ge=1, le=4096)]] = Field(
        default_factory=lambda: [1, 8, 64], min_length=1, max_length=8, description="Batch sizes to measure.")
    device: Literal["cpu", "cuda"] = Field(default="cpu", description="Where to run; cuda needs a GPU.")
    threads: int | None = Field(default=None, ge=1, description="Intra-op threads, pinned in every worker "
                                                                "process. Default: every core this "
                                                                "process may use.")
    variants: list[VariantName] | None = Field(
        default=None, min_length=1,
        description="Variants to measure; default: every one that applies. eager is always measured: it is "
                    "the reference for parity and speedups. " + VARIANTS_HELP + ".")
    budgets: Budgets = Field(default_factory=Budgets)
    parity: ParityTolerance = Field(default_factory=ParityTolerance)
    parity_samples: int = Field(default=256, ge=8, le=4096, description="Inputs the parity check runs.")
    max_seconds_per_measurement: float = Field(
        default=0.5, ge=0.05, le=30, description="Timing budget for one variant at one batch size, after "
                                                 "warm-up; timing stops earlier once the p95 is known "
                                                 "within 2%.")

    @field_validator("batch_sizes")
    @classmethod
    def _sorted_unique(cls, sizes: list[int]) -> list[int]:
        return sorted(set(sizes))

    @model_validator(mode="after")
    def _budget_batch_is_profiled(self) -> ProfileInferenceSpec:
        wanted = self.budgets.batch_size
        if wanted is not None and wanted not in self.batch_sizes:
            raise ValueError(f"budgets.batch_size {wanted} is not among batch_sizes {self.batch_sizes}")
        return self


class LatencyRow(BaseModel):
    """One variant at one batch size. Latencies are per call (one batch), in milliseconds."""

    variant: VariantName
    batch_size: int
    p50_ms: float
    p90_ms: float
    p95_ms: float
    p99_ms: float
    mean_ms: float
    iqr_ms: float = Field(description="p75 - p25.")
    samples: int = Field(description="Timed calls behind the percentiles.")
    latency_ci_ms: list[float] | None = Field(
        default=None, description="95% confidence interval of the budget percentile's latency "
                                  "(distribution-free, from the order statistics): rows whose intervals "
                                  "overlap are not measurably different.")
    throughput_per_s: float = Field(description="Samples per second: batch_size / mean latency.")
    peak_memory_mb: float = Field(description="Memory to serve at this batch size: the weights plus "
                                                     "the peak rise of resident memory over the timed calls "
                                                     "(activations, workspaces, and what the first calls "
                                                     "loaded, e.g. torch.compile's compiler). CUDA: peak "
                                                     "allocated device memory.")
    size_mb: float = Field(description="Size on disk: serialized weights, or the .onnx file.")
    compile_s: float = Field(description="Seconds to the first result at this batch size: the first call "
                                         "(torch.compile compiles here, once per batch size) plus, on a "
                                         "variant's first row, its build (ONNX export, quantization).")
    gflops: float | None = Field(default=None, description="FLOPs of one call, in GFLOP.")
    gflops_per_s: float | None = Field(default=None, description="Achieved GFLOP/s at the p50.")
    peak_fraction: float | None = Field(default=None, description="gflops_per_s / this machine's measured "
                                                                  "matmul peak for the dtype the variant computes "
                                                                  "in (int8_dynamic: the int8 peak), at most 1.")
    timer_p50_ms: float | None = Field(default=None, description="Cross-check: median from "
                                                                 "torch.utils.benchmark.Timer.")
    meets_budgets: bool = True
    ok: bool = Field(default=True, description="Meets every budget and the variant keeps parity.")


class ParityReport(BaseModel):
    """A variant's outputs against fp32 eager's on the same inputs."""

    sqnr_db: float | None = Field(description="None when the outputs equal the reference exactly.")
    max_abs_diff: float
    metric_name: str = Field(description="accuracy, top1_agreement, rmse or relative_rmse.")
    metric: float
    reference_metric: float
    metric_drop: float = Field(description="Relative loss of the metric against the reference (>0: worse).")
    samples: int
    inputs: Literal["validation rows", "random inputs"]
    passed: bool


class VariantReport(BaseModel):
    """A variant as a whole: did it build, how long that took, does it keep parity."""

    variant: VariantName
    status: Literal["measured", "failed"]
    reason: str | None = Field(default=None, description="Why it failed to build or run.")
    build_s: float | None = Field(default=None, description="Export or quantization time, before any call.")
    size_mb: float | None = None
    parity: ParityReport | None = None


class Blocker(BaseModel):
    """One constraint a configuration misses, and by how much."""

    constraint: Literal["latency", "throughput", "size", "memory", "parity_sqnr", "parity_metric"]
    measured: float | None
    limit: float
    relative_violation: float = Field(description="How far past the limit, as a fraction of it.")


class Choice(BaseModel):
    """A configuration (variant x batch size) and the numbers that put it there."""

    variant: VariantName
    batch_size: int
    latency_ms: float = Field(description="At the budget's percentile.")
    percentile: Percentile
    throughput_per_s: float
    size_mb: float
    speedup_vs_eager: float | None = Field(description="eager's latency / this latency, same batch size "
                                                       "and percentile (the budget's).")
    speedup_p50_vs_eager: float | None = Field(default=None, description="The same ratio of p50s, quoted beside it: "
                                                                         "a tail gain with equal medians is noise "
                                                                         "in the tail, not a faster model.")
    why: str


class NearestMiss(BaseModel):
    """The configuration closest to meeting every constraint, when none does."""

    variant: VariantName
    batch_size: int
    blockers: list[Blocker]
    message: str


class Recommendation(BaseModel):
    """A change worth making, with its measured gain."""

    variant: VariantName
    batch_size: int
    gain: float = Field(description="Measured p50 speedup over eager (x) at this batch size.")
    message: str


class OperatorTime(BaseModel):
    """One operator from torch.profiler (or ONNX Runtime's profiler), by self time."""

    name: str
    self_ms_per_call: float = Field(description="Self time per model call, summed over its invocations.")
    self_percent: float
    calls_per_call: float = Field(description="Invocations per model call.")


class ProfileInferenceResult(ToolResult):
    """Latency table, verdicts, and the best variant that meets every budget while keeping parity."""

    rows: list[LatencyRow] = Field(default_factory=list, description="Variant x batch size table.")
    variants: list[VariantReport] = Field(default_factory=list)
    best: Choice | None = Field(
        default=None, description="Among variants that keep parity and have a configuration meeting every "
                                  "budget: the lowest latency at the budget percentile, taken at each "
                                  "variant's smallest qualifying batch size. Variants whose latency "
                                  "interval overlaps the fastest's are tied: the smaller model wins, then "
                                  "the one that changes least (eager first). None when nothing qualifies.")
    nearest_miss: NearestMiss | None = Field(default=None, description="Set when best is None.")
    recommendations: list[Recommendation] = Field(default_factory=list)
    top_operators: list[OperatorTime] = Field(default_factory=list)
    operators_of: str | None = Field(default=None, description="Variant and batch size the operators "
                                                              "were profiled at.")
    matmul_peak_gflops: dict[str, float] = Field(default_factory=dict, description="This machine's measured "
                                                                                   "matmul GFLOP/s by dtype.")
    threads: int | None = None
    device: str | None = None
    input_shape: list[int] | None = Field(default=None, description="Per-sample input shape profiled.")
    input_dtype: str | None = None
