"""Turn a model reference (built-in family, agent code, or a run) into a module and its I/O.

A run's model lives in its folder as ``model.yaml`` (what rebuilds it) plus the checkpoint the
yaml names; code-mode runs keep a copy of the code file there too. :func:`save_model` writes
those files, :func:`load_model` reads them back, so any tool can hand a model to the next.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch
import yaml
from torch import nn

from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.envelope import Artifact
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.io import ModelIO
from ml_expert.tools.models.registry import Family, families, get_family
from ml_expert.tools.models.spec import (
    CodeModel,
    ImageInput,
    ModelRef,
    NextTokenOutput,
    RegressionOutput,
    RunModel,
    TabularInput,
)
from ml_expert.tools.models.user_code import call_factory, import_factory, split_target
from ml_expert.tools.paths import resolve_under_roots
from ml_expert.tools.preprocess.files import load_preprocessing, save_preprocessing
from ml_expert.tools.preprocess.transforms import Preprocessing

MODEL_FILE = "model.yaml"
CODE_FILE = "model_code.py"
INIT_CHECKPOINT = "model_init.pt"
_DESCRIPTION_FIELDS = {"kind", "family", "input", "output", "data"}


@dataclass(frozen=True)
class LoadedModel(ModelIO):
    """A module with what it takes and gives; ``config`` is what :func:`save_model` writes to rebuild it."""

    module: nn.Module
    config: dict[str, Any]
    preprocessing: Preprocessing | None = None  # what its inputs go through; saved and loaded with the run


def load_model(ref: ModelRef, job: JobContext, field: str = "model") -> LoadedModel:
    """Build (built-in), import and call (code) or restore (run) the referenced model.

    Built-in models get the hyperparameters given, the rest from the family's defaults; budget
    fitting is the architecture tool's job. Weights are freshly initialised except for runs,
    which load their checkpoint. Errors are SpecErrors naming ``field``'s sub-field.
    """
    if isinstance(ref, RunModel):
        return load_run(ref.run_id, job, f"{field}.run_id")
    io, _ = describe(ref, job, field)
    if isinstance(ref, CodeModel):
        return build_code(ref, io, job, field)
    return build_builtin(ref.family, given_hyperparameters(ref), io, field)


# --- input and output ---------------------------------------------------------------------

def describe(ref, job: JobContext, field: str):
    """The model's I/O from ``input``/``output``, or from ``data`` (also returned, prepared)."""
    family = get_family(ref.family) if not isinstance(ref, CodeModel) else None
    prepared = None
    if ref.data is not None:
        prepared = prepare_data(ref.data, job, field=f"{field}.data")
        io = io_from_table(prepared.table, family, f"{field}.data")
    else:
        io = io_from_description(ref, family, field)
    if family is not None:
        given_as = f"{field}.data" if ref.data is not None else None
        check_family_accepts(family, io, given_as or f"{field}.input", given_as or f"{field}.output")
    return io, prepared


def io_from_description(ref, family: Family | None, field: str) -> ModelIO:
    given = ref.input
    if isinstance(given, TabularInput):
        kind, shape, vocab = "tabular", (given.num_features,), None
    elif isinstance(given, ImageInput):
        kind, shape, vocab = "image", (given.channels, given.height, given.width), None
    else:
        kind, shape, vocab = "tokens", (given.seq_len,), given.vocab_size
    output = ref.output
    if output is None:
        if family is None or family.tasks != ("language_model",):
            raise SpecError(f"{field}.output", "missing: say what the model predicts",
                            "{'kind': 'classes', 'num_classes': C}, {'kind': 'regression', 'num_targets': T} "
                            "or {'kind': 'next_token'}")
        output = NextTokenOutput(kind="next_token")
    if isinstance(output, NextTokenOutput):
        if kind != "tokens":
            raise SpecError(f"{field}.output", f"next_token needs token input; the input is {kind}",
                            "an input of kind 'tokens', or an output of kind classes/regression")
        return ModelIO("language_model", kind, shape, vocab, vocab)
    if isinstance(output, RegressionOutput):
        return ModelIO("regression", kind, shape, vocab, output.num_targets)
    return ModelIO("classification", kind, shape, vocab, output.num_classes)


def io_from_table(table, family: Family | None, field: str) -> ModelIO:
    """Image families get the table's image shape (e.g. 1x8x8 for digits), all others flat features."""
    if family is not None and family.inputs == ("image",):
        if table.input_shape is None or len(table.input_shape) != 3:
            raise SpecError(field, f"{family.name} needs images, but this data is {table.n_features} flat features",
                            "an image dataset (e.g. bundled digits), or a family for tabular input such as mlp")
        kind, shape = "image", tuple(table.input_shape)
    else:
        kind, shape = "tabular", (table.n_features,)
    if table.task == "classification":
        return ModelIO("classification", kind, shape, None, len(table.class_names))
    targets = table.y.shape[1] if table.y.ndim == 2 else 1
    return ModelIO("regression", kind, shape, None, targets)


def check_family_accepts(family: Family, io: ModelIO, input_field: str, output_field: str) -> None:
    if io.input_kind not in family.inputs:
        suitable = ", ".join(n for n, f in families().items() if io.input_kind in f.inputs)
        raise SpecError(input_field, f"{family.name} takes {' or '.join(family.inputs)} input, not {io.input_kind}",
                        f"families for {io.input_kind} input: {suitable}")
    if io.task not in family.tasks:
        raise SpecError(output_field, f"{family.name} does not do {io.task.replace('_', ' ')}",
                        f"for {family.name}: " + ", ".join(family.tasks))


# --- building -----------------------------------------------------------------------------

def given_hyperparameters(ref) -> dict[str, Any]:
    """The hyperparameters the agent set on a built-in reference (the rest are left to the family)."""
    return ref.model_dump(exclude=_DESCRIPTION_FIELDS, exclude_none=True)


def build_builtin(family_name: str, given: dict[str, Any], io: ModelIO, field: str = "model") -> LoadedModel:
    family = get_family(family_name)
    hyperparameters = family.hyperparameters(given, io)
    try:
        module = family.build(hyperparameters)
    except (ValueError, RuntimeError) as error:
        raise SpecError(field, f"{family_name} with {hyperparameters} cannot be built: {error}",
                        "hyperparameters that fit together (e.g. width divisible by heads)") from error
    config = {"kind": "builtin", "family": family_name, "hyperparameters": hyperparameters, "io": io.to_dict()}
    return LoadedModel(**_io_fields(io), module=module, config=config)


def code_path(ref: CodeModel, job: JobContext, field: str) -> tuple[Path, str]:
    raw_path, name = split_target(ref.target)
    path = resolve_under_roots(f"{field}.target", raw_path, job.roots)
    if path.suffix != ".py" or not path.is_file():
        raise SpecError(f"{field}.target", f"{raw_path!r} is not a Python file", "'path/to/file.py:factory'")
    return path, name


def build_code(ref: CodeModel, io: ModelIO, job: JobContext, field: str = "model") -> LoadedModel:
    path, name = code_path(ref, job, field)
    factory = import_factory(path, name, f"{field}.target")
    module = call_factory(factory, ref.kwargs, field)
    config = {"kind": "code", "target": f"{path}:{name}", "kwargs": dict(ref.kwargs), "io": io.to_dict()}
    return LoadedModel(**_io_fields(io), module=module, config=config)


def _io_fields(io: ModelIO) -> dict[str, Any]:
    return {"task": io.task, "input_kind": io.input_kind, "input_shape": io.input_shape,
            "vocab_size": io.vocab_size, "num_outputs": io.num_outputs}


# --- runs ---------------------------------------------------------------------------------

def save_model(loaded: LoadedModel, job: JobContext, checkpoint: str = INIT_CHECKPOINT) -> list[Artifact]:
    """Write the checkpoint and model.yaml into the job's run folder (and the code, in code mode)."""
    torch.save(loaded.module.state_dict(), job.run_dir / checkpoint)
    artifacts = [job.add_artifact(checkpoint, "checkpoint", job.run_dir / checkpoint)]
    config = {**loaded.config, "checkpoint": checkpoint}
    config.pop("preprocessing", None)
    if loaded.preprocessing is not None:
        artifact, config["preprocessing"] = save_preprocessing(loaded.preprocessing, job)
        artifacts.append(artifact)
    if config["kind"] == "code":
        # A copy of the code travels with the run: later edits to the file cannot break the checkpoint.
        source = Path(config.get("code_file") or config["target"].rpartition(":")[0])
        artifacts.append(job.add_artifact(CODE_FILE, "code", source))
        config["code_file"] = CODE_FILE
    artifacts.append(job.add_artifact(MODEL_FILE, "config", yaml.safe_dump(config, sort_keys=False)))
    return artifacts


def load_run(run_id: str, job: JobContext, field: str = "model.run_id") -> LoadedModel:
    run_dir = job.workspace / "runs" / run_id
    config_path = run_dir / MODEL_FILE
    if not config_path.is_file():
        raise SpecError(field, f"run {run_id!r} has no saved model ({MODEL_FILE} not found)",
                        "the run_id of a run that saved a model in this workspace (implement_architecture, "
                        "train_model, tune_hyperparams)")
    config, io = _read_run_config(config_path, run_id, field)
    if config["kind"] == "builtin":
        module = get_family(config["family"]).build(config["hyperparameters"])
    else:
        code_file = _file_of_run(run_dir, config["code_file"], "code file", run_id, field)
        original = Path(config["target"].rpartition(":")[0]).parent
        # The original folder goes on sys.path (for sibling imports) only while it is under a root.
        search_dir = original if any(original.resolve().is_relative_to(r.resolve()) for r in job.roots) else None
        factory = import_factory(code_file, config["target"].rpartition(":")[2], field, search_dir=search_dir)
        module = call_factory(factory, config["kwargs"], field)
    checkpoint = _file_of_run(run_dir, config["checkpoint"], "checkpoint", run_id, field)
    try:
        state = torch.load(checkpoint, map_location="cpu", weights_only=True)
    except Exception as error:  # UnpicklingError for objects other than tensors, RuntimeError for a bad zip
        raise SpecError(field, f"run {run_id!r}: checkpoint {checkpoint.name} cannot be loaded as plain tensors "
                               f"(weights_only=True): {type(error).__name__}: {str(error)[:200]}",
                        "a checkpoint of tensors saved by torch.save(model.state_dict())") from error
    module.load_state_dict(state)
    if config["kind"] == "code":  # saving this model into another run copies the code from here
        config = {**config, "code_file": str(run_dir / config["code_file"])}
    preprocessing = load_preprocessing(run_dir, config.get("preprocessing"), run_id, field)
    return LoadedModel(**_io_fields(io), module=module, config={**config, "from_run": run_id},
                       preprocessing=preprocessing)


def run_preprocessing(workspace: Path, run_id: str, field: str = "model.run_id") -> Preprocessing | None:
    """A saved run's preprocessing, read without building its model (None when it saved none)."""
    run_dir = workspace / "runs" / run_id
    config = yaml.safe_load((run_dir / MODEL_FILE).read_text())
    return load_preprocessing(run_dir, config.get("preprocessing"), run_id, field)


_RUN_KEYS = {"builtin": ("family", "hyperparameters"), "code": ("target", "code_file", "kwargs")}


def _read_run_config(path: Path, run_id: str, field: str) -> tuple[dict[str, Any], ModelIO]:
    """model.yaml read as plain data (safe_load: no tags build objects), with the keys load_run uses."""
    accepted = "a run folder as implement_architecture (or a later tool) saved it"
    try:
        config = yaml.safe_load(path.read_text())
    except (yaml.YAMLError, UnicodeDecodeError) as error:
        raise SpecError(field, f"run {run_id!r}: {MODEL_FILE} is not plain YAML: {str(error)[:200]}", accepted) from None
    kind = config.get("kind") if isinstance(config, dict) else None
    if kind not in _RUN_KEYS:
        raise SpecError(field, f"run {run_id!r}: {MODEL_FILE} is not a saved model description (kind {kind!r} is "
                               "neither 'builtin' nor 'code')", accepted)
    missing = [key for key in ("io", "checkpoint", *_RUN_KEYS[kind]) if key not in config]
    if missing:
        raise SpecError(field, f"run {run_id!r}: {MODEL_FILE} is not a saved model description (it lacks "
                               f"{missing})", accepted)
    try:
        return config, ModelIO.from_dict(config["io"])
    except (KeyError, TypeError, ValueError) as error:
        raise SpecError(field, f"run {run_id!r}: the io of {MODEL_FILE} is malformed: {type(error).__name__}: {error}",
                        accepted) from None


def _file_of_run(run_dir: Path, name: str, what: str, run_id: str, field: str) -> Path:
    """``name`` from a run's model.yaml, which must stay inside the run folder: the yaml is a file on
    disk, and a path out of the run would load (or, for code, run) a file nobody saved there."""
    if not isinstance(name, str):
        raise SpecError(field, f"run {run_id!r} names its {what} {name!r}, not a file name", f"a {what} inside {run_dir}")
    path = (run_dir / name).resolve()
    if not path.is_relative_to(run_dir.resolve()):
        raise SpecError(field, f"run {run_id!r} names its {what} {name!r}, which is outside the run folder",
                        f"a {what} inside {run_dir}")
    if not path.is_file():
        raise SpecError(field, f"run {run_id!r} lists {what} {name!r}, which is missing",
                        "a run whose files are intact")
    return path
