"""Hostile files handed to the tools: none runs code, none blocks, each is refused with a field-named error.

Every crafted file here would write a marker file if anything unpickled or imported it; the tests
assert the marker is absent and the error names the field.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
import torch
import yaml
from pydantic import TypeAdapter

from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import MODEL_FILE, load_model, save_model
from ml_expert.tools.models.spec import ModelRef, RunModel
from ml_expert.tools.profile.run import profile_inference
from ml_expert.tools.profile.schema import ProfileInferenceSpec


class _WritesMarker:
    """Unpickling this opens (creates) ``path``: what any code run from a file could do."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return open, (self.path, "w")


def _malicious_torch_save(marker: Path) -> bytes:
    buffer = io.BytesIO()
    torch.save(_WritesMarker(marker), buffer)
    return buffer.getvalue()


def _crafted_pt2(path: Path, marker: Path) -> Path:
    """A real torch.export archive whose sample inputs are swapped for a pickle that writes ``marker``.

    torch.export.load first tries the sample inputs with weights_only=True, and on failure falls
    back to weights_only=False, which runs the pickle.
    """
    program = torch.export.export(torch.nn.Linear(4, 2).eval(), (torch.randn(3, 4),))
    honest = path.with_name("honest.pt2")
    torch.export.save(program, honest)
    with zipfile.ZipFile(honest) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as crafted:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename.endswith("data/sample_inputs/model.pt"):
                data = _malicious_torch_save(marker)
            crafted.writestr(entry.filename, data)
    honest.unlink()
    return path


def _crafted_shape_pt2(path: Path, marker: Path) -> Path:
    """A real archive with a dynamic batch whose shape expressions are Python that writes ``marker``.

    No pickle is involved: torch.export.load hands every ``expr_str`` of the graph JSON to
    sympy.sympify, which evaluates it. Refusing pickled entries alone would load this file.
    """
    import json

    program = torch.export.export(torch.nn.Linear(4, 2).eval(), (torch.randn(3, 4),),
                                  dynamic_shapes=({0: torch.export.Dim("batch")},))
    honest = path.with_name("honest.pt2")
    torch.export.save(program, honest)

    def plant(node):
        if isinstance(node, dict):
            for key, value in node.items():
                node[key] = f"__import__('pathlib').Path({str(marker)!r}).touch()" if key == "expr_str" else plant(value)
        elif isinstance(node, list):
            return [plant(value) for value in node]
        return node

    with zipfile.ZipFile(honest) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as crafted:
        for entry in source.infolist():
            data = source.read(entry.filename)
            if entry.filename.endswith("models/model.json"):
                data = json.dumps(plant(json.loads(data))).encode()
            crafted.writestr(entry.filename, data)
    honest.unlink()
    return path


CRAFTED_PT2 = {"pickled sample inputs": _crafted_pt2, "shape expressions": _crafted_shape_pt2}


@pytest.mark.parametrize("attack", CRAFTED_PT2)
def test_the_crafted_pt2_really_runs_code_when_torch_loads_it(tmp_path, attack):
    """The attacks are real: without the gate below, profiling these files would write the marker."""
    marker = tmp_path / "ran.txt"
    crafted = CRAFTED_PT2[attack](tmp_path / "evil.pt2", marker)
    with pytest.raises(Exception):  # noqa: B017 - torch complains only after the code ran
        torch.export.load(str(crafted))
    assert marker.exists()


@pytest.mark.parametrize("attack", CRAFTED_PT2)
def test_a_pt2_is_refused_unless_trusted_and_runs_nothing(tmp_path, attack):
    marker = tmp_path / "ran.txt"
    CRAFTED_PT2[attack](tmp_path / "evil.pt2", marker)
    spec = ProfileInferenceSpec.model_validate({"model": {"kind": "exported", "path": "evil.pt2"}})
    with pytest.raises(SpecError) as caught:
        profile_inference(spec, JobContext.local(tmp_path / "ws", roots=[tmp_path]))
    assert caught.value.field == "model.trust_code"
    assert "runs code" in caught.value.problem and "trust_code: true" in caught.value.accepted
    assert ".onnx" in caught.value.accepted
    assert not marker.exists()


@pytest.fixture
def saved_run(tmp_path) -> tuple[JobContext, Path]:
    """A workspace holding one saved built-in model run, and the run's folder."""
    builtin = TypeAdapter(ModelRef).validate_python(
        {"kind": "builtin", "family": "mlp", "input": {"kind": "tabular", "num_features": 4},
         "output": {"kind": "classes", "num_classes": 2}})
    root = tmp_path / "root"
    root.mkdir()
    job = JobContext.local(tmp_path / "ws", roots=[root])
    save_model(load_model(builtin, job), job)
    return JobContext.local(tmp_path / "ws", roots=[root]), job.run_dir


def test_a_run_checkpoint_holding_a_pickled_object_is_refused(saved_run, tmp_path):
    job, run_dir = saved_run
    marker = tmp_path / "ran.txt"
    config = yaml.safe_load((run_dir / MODEL_FILE).read_text())
    (run_dir / config["checkpoint"]).write_bytes(_malicious_torch_save(marker))
    with pytest.raises(SpecError) as caught:
        load_model(RunModel(kind="run", run_id=run_dir.name), job)
    assert caught.value.field == "model.run_id"
    assert "weights_only=True" in caught.value.problem
    assert not marker.exists()


def test_a_run_whose_code_file_points_outside_the_run_is_refused(saved_run, tmp_path):
    job, run_dir = saved_run
    marker = tmp_path / "ran.txt"
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "evil.py").write_text(f"open({str(marker)!r}, 'w')\n\ndef build():\n    pass\n")
    config = yaml.safe_load((run_dir / MODEL_FILE).read_text())
    config.update(kind="code", target=f"{outside / 'evil.py'}:build", kwargs={},
                  code_file="../../../outside/evil.py")
    (run_dir / MODEL_FILE).write_text(yaml.safe_dump(config))
    with pytest.raises(SpecError) as caught:
        load_model(RunModel(kind="run", run_id=run_dir.name), job)
    assert caught.value.field == "model.run_id"
    assert "'../../../outside/evil.py', which is outside the run folder" in caught.value.problem
    assert not marker.exists()


def test_the_profiling_worker_refuses_a_pickled_parity_file(tmp_path):
    from ml_expert.tools.profile.child import run_task

    marker = tmp_path / "ran.txt"
    parity = tmp_path / "parity.pt"
    parity.write_bytes(_malicious_torch_save(marker))
    task = {"threads": 1, "device": "cpu", "workdir": str(tmp_path), "variant": "eager",
            "model": {"kind": "onnx", "path": str(tmp_path / "unused.onnx")}, "parity": {"path": str(parity)}}
    result = run_task(task)
    assert result["status"] == "failed"
    assert "loading the model" in result["reason"] and "Unpickl" in result["reason"]
    assert not marker.exists()


# --- paths: every odd path is a SpecError naming the field, and nothing blocks ------------------

def _load_file(path: str, root: Path, tmp_path: Path, target: str = "-1"):
    from ml_expert.tools.data.prepare import prepare_data
    from ml_expert.tools.data.spec import DataSpec, FileSource

    spec = DataSpec(source=FileSource(path=path, target=target))
    return prepare_data(spec, JobContext.local(tmp_path / "ws", roots=[root]))


def _refusal_within(seconds: float, call) -> SpecError:
    """The SpecError ``call`` raises, which must come within ``seconds`` (a daemon thread, so a
    call that blocks fails the test instead of hanging the run)."""
    import threading

    outcome: list[BaseException | None] = []

    def target():
        try:
            call()
            outcome.append(None)
        except BaseException as error:  # handed to the test thread
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"still blocked after {seconds} s"
    assert isinstance(outcome[0], SpecError), outcome[0]
    return outcome[0]


@pytest.mark.parametrize("name", ["table.csv", "model.py"])
def test_a_fifo_under_the_root_is_refused_at_once(tmp_path, name):
    import os

    os.mkfifo(tmp_path / name)
    if name.endswith(".csv"):
        error = _refusal_within(10, lambda: _load_file(name, tmp_path, tmp_path))
        assert error.field == "data.source.path"
    else:
        reference = TypeAdapter(ModelRef).validate_python(
            {"kind": "code", "target": f"{name}:build", "input": {"kind": "tabular", "num_features": 4},
             "output": {"kind": "classes", "num_classes": 2}})
        job = JobContext.local(tmp_path / "ws", roots=[tmp_path])
        error = _refusal_within(10, lambda: load_model(reference, job))
        assert error.field == "model.target"
    assert "FIFO (named pipe)" in error.problem and "regular file" in error.accepted


@pytest.mark.parametrize(("raw", "words"), [
    ("table\0.csv", "contains a NUL character"),
    ("loop.csv", "symlink loop"),
    ("x" * 5000 + ".csv", "File name too long"),
])
def test_odd_paths_are_field_named_errors(tmp_path, raw, words):
    (tmp_path / "loop.csv").symlink_to(tmp_path / "loop2.csv")
    (tmp_path / "loop2.csv").symlink_to(tmp_path / "loop.csv")
    with pytest.raises(SpecError) as caught:
        _load_file(raw, tmp_path, tmp_path)
    assert caught.value.field == "data.source.path"
    assert words in caught.value.problem
    assert len(str(caught.value)) < 600  # a 5,000-character name is quoted short


# --- tune_hyperparams.storage cannot write into workspace files ---------------------------------

def test_storage_cannot_append_to_another_runs_job_log(tmp_path):
    from ml_expert.tools.tune.study import resolve_storage

    workspace = tmp_path.resolve()
    job_log = workspace / "runs" / "run-other" / "job.log"
    job_log.parent.mkdir(parents=True)
    job_log.write_text("2026-12-01 training started\n")
    for raw in ("runs/run-other/job.log", str(job_log)):
        with pytest.raises(SpecError) as caught:
            resolve_storage(raw, workspace, "s1")
        assert caught.value.field == "storage"
        assert "an existing file that is not an Optuna journal study" in caught.value.problem
    # A link in the studies folder to the log is the same file.
    (workspace / "studies").mkdir()
    (workspace / "studies" / "s1.journal").symlink_to(job_log)
    with pytest.raises(SpecError, match="not an Optuna journal study"):
        resolve_storage(None, workspace, "s1")
    assert job_log.read_text() == "2026-12-01 training started\n"


def _tables(database: Path) -> set[str]:
    import sqlite3

    with sqlite3.connect(database) as connection:
        return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def test_storage_cannot_create_tables_in_the_servers_database(tmp_path):
    from ml_expert.store import Store
    from ml_expert.tools.tune.study import resolve_storage

    workspace = tmp_path.resolve()
    Store(workspace / "ml-expert.db")
    before = _tables(workspace / "ml-expert.db")
    for raw in (f"sqlite:///{workspace}/ml-expert.db", f"sqlite:///{workspace}/studies/../ml-expert.db",
                f"sqlite:///{workspace}/studies/x.db?uri=true"):
        with pytest.raises(SpecError) as caught:
            resolve_storage(raw, workspace, "s1")
        assert caught.value.field == "storage"
    assert _tables(workspace / "ml-expert.db") == before and "studies" not in before


def test_storage_extends_existing_studies_and_creates_new_files(tmp_path):
    import optuna

    from ml_expert.tools.tune.study import open_storage, resolve_storage

    workspace = tmp_path.resolve()
    journal = resolve_storage("mine.journal", workspace, "s1")
    database = f"sqlite:///{workspace}/studies/s1.db"
    for url in (journal, resolve_storage(database, workspace, "s1")):
        optuna.create_study(study_name="s1", storage=open_storage(url))
    # Both now exist and hold a study: passing them back extends it.
    assert resolve_storage("mine.journal", workspace, "s1") == journal
    assert resolve_storage(database, workspace, "s1") == database


# --- label_leak: a copy of the label fails at any size ------------------------------------------

def _csv_with_repeated_label(path: Path, n_rows: int, seed: int = 0) -> Path:
    """Features a, b, c and a header 'label' written twice: pandas reads the second as 'label.1'."""
    import numpy as np

    rng = np.random.default_rng(seed)
    X, y = rng.normal(size=(n_rows, 3)), rng.integers(0, 2, n_rows)
    lines = ["a,b,c,label,label"] + [f"{r[0]},{r[1]},{r[2]},{t},{t}" for r, t in zip(X, y, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("n_rows", [30, 60])
def test_a_repeated_label_column_fails_label_leak_on_small_data(tmp_path, n_rows):
    _csv_with_repeated_label(tmp_path / "dup.csv", n_rows)
    verdicts = {v.check: v for v in _load_file("dup.csv", tmp_path, tmp_path, target="label").verdicts}
    leak = verdicts["label_leak"]
    assert leak.status == "fail", leak.message
    assert leak.evidence["best_feature"] == "label.1" and leak.evidence["copies_of_target"] == "label.1"
    assert "'label.1'" in leak.message and "label.1" in leak.fix


def test_a_relabelled_copy_fails_at_30_rows_and_honest_features_pass():
    import numpy as np

    from ml_expert.tools.data.audit import audit_splits
    from ml_expert.tools.data.spec import SplitSpec
    from ml_expert.tools.data.splits import make_splits
    from ml_expert.tools.data.table import Table

    rng = np.random.default_rng(4)
    y = np.arange(30) % 3
    honest = y + rng.normal(scale=0.3, size=30)  # strong, but continuous: no value stands for a class
    X = np.column_stack([rng.normal(size=30), honest, y * 7.0 + 3])
    table = Table.build(X, y, "classification", ["noise", "honest", "code"], ["p", "q", "r"], {})
    leak = {v.check: v for v in audit_splits(table, make_splits(table, SplitSpec()))}["label_leak"]
    assert leak.status == "fail" and leak.evidence["copies_of_target"] == "code"
    assert leak.evidence["rows"] < 30
    without = Table.build(X[:, :2], y, "classification", ["noise", "honest"], ["p", "q", "r"], {})
    leak = {v.check: v for v in audit_splits(without, make_splits(without, SplitSpec()))}["label_leak"]
    assert leak.status == "pass" and "copies_of_target" not in leak.evidence


# --- corrupt, pickled and oversized data files ---------------------------------------------------

def _numpy_files(root: Path) -> None:
    import numpy as np

    np.savez(root / "good.npz", X=np.ones((30, 3)), y=np.arange(30) % 2)
    whole = (root / "good.npz").read_bytes()
    (root / "truncated.npz").write_bytes(whole[: len(whole) // 2])
    (root / "bad_crc.npz").write_bytes(whole[:200] + bytes(b ^ 0xFF for b in whole[200:210]) + whole[210:])
    np.savez(root / "objects.npz", X=np.array([{"a": 1}] * 30, dtype=object), y=np.arange(30) % 2)
    np.save(root / "objects.npy", np.array([[{"a": 1}, 1]] * 30, dtype=object))
    np.save(root / "good.npy", np.ones((30, 3)))
    (root / "truncated.npy").write_bytes((root / "good.npy").read_bytes()[:300])


@pytest.mark.parametrize(("name", "target", "words"), [
    ("truncated.npz", "y", "truncated or corrupt"),
    ("bad_crc.npz", "y", "truncated or corrupt"),
    ("objects.npz", "y", "arrays of Python objects (dtype=object: ['X'])"),
    ("objects.npy", "-1", "arrays of Python objects"),
    ("truncated.npy", "-1", "truncated or corrupt"),
])
def test_broken_or_pickled_numpy_files_are_field_named_errors(tmp_path, name, target, words):
    _numpy_files(tmp_path)
    assert _load_file("good.npz", tmp_path, tmp_path, target="y").table.n_rows == 30
    with pytest.raises(SpecError) as caught:
        _load_file(name, tmp_path, tmp_path, target=target)
    assert caught.value.field == "data.source.path"
    assert words in caught.value.problem and "without pickling" in caught.value.accepted


def test_a_header_only_csv_has_no_rows(tmp_path):
    (tmp_path / "empty.csv").write_text("a,b,label\n")
    with pytest.raises(SpecError) as caught:
        _load_file("empty.csv", tmp_path, tmp_path, target="label")
    assert caught.value.field == "data.source.path" and "holds no rows" in caught.value.problem


def test_a_table_too_big_for_memory_is_refused_with_its_size(tmp_path, monkeypatch):
    import ml_expert.tools.memory as memory

    # 2,000 rows x 2,000 mostly empty columns: 8 MB on disk, 80 MB as tables; the job has 50 MiB.
    (tmp_path / "sparse.csv").write_text(",".join(f"c{j}" for j in range(2000)) + "\n"
                                         + ("1" + "," * 1999 + "\n") * 2000)
    monkeypatch.setattr(memory, "available_bytes", lambda: 50 * 2 ** 20)
    with pytest.raises(SpecError) as caught:
        _load_file("sparse.csv", tmp_path, tmp_path, target="c0")
    assert caught.value.field == "data.source.path"
    assert "2,000 rows x 2,000 columns" in caught.value.problem
    assert "needs about 76 MiB of memory, and this job has 50 MiB available" in caught.value.problem


def test_a_parser_running_out_of_memory_is_a_field_named_error(tmp_path, monkeypatch):
    import pandas as pd
    import pyarrow as pa

    def exhausted(*args, **kwargs):
        raise pa.ArrowMemoryError("malloc of size 68719476736 failed")

    (tmp_path / "t.csv").write_text("a,label\n1,0\n2,1\n")
    monkeypatch.setattr(pd, "read_csv", exhausted)
    with pytest.raises(SpecError) as caught:
        _load_file("t.csv", tmp_path, tmp_path, target="label")
    assert caught.value.field == "data.source.path"
    assert "ran out of memory while being read as CSV: ArrowMemoryError" in caught.value.problem


def test_available_memory_respects_the_jobs_data_limit():
    import subprocess
    import sys

    code = ("import resource; resource.setrlimit(resource.RLIMIT_DATA, (2 * 2**30, resource.RLIM_INFINITY)); "
            "from ml_expert.tools.memory import available_bytes; print(available_bytes())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert 0 < int(out) <= 2 * 2 ** 30


def test_an_npy_header_promising_a_huge_array_is_refused_before_numpy_allocates(tmp_path):
    import numpy as np

    with open(tmp_path / "huge.npy", "wb") as handle:  # a header for 10^12 float64 cells, and no data
        np.lib.format.write_array_header_1_0(handle, {"descr": "<f8", "fortran_order": False,
                                                      "shape": (10 ** 9, 1000)})
    with pytest.raises(SpecError) as caught:
        _load_file("huge.npy", tmp_path, tmp_path)
    assert caught.value.field == "data.source.path"
    assert "huge.npy (arrays huge (1000000000, 1000)) needs about 18,626.5 GiB" in caught.value.problem


@pytest.mark.parametrize(("spec", "where"), [
    ({"source": {"kind": "synthetic", "seed": -1}}, ("source", "synthetic", "seed")),
    ({"source": {"kind": "synthetic", "seed": 2 ** 32}}, ("source", "synthetic", "seed")),
    ({"source": {"kind": "bundled", "name": "iris"}, "split": {"seed": -1}}, ("split", "seed")),
])
def test_a_seed_out_of_the_generators_range_names_its_field(spec, where):
    from pydantic import ValidationError

    from ml_expert.tools.data.spec import DataSpec

    with pytest.raises(ValidationError) as caught:
        DataSpec.model_validate(spec)
    (error,) = caught.value.errors()
    assert error["loc"] == where and error["type"] in ("greater_than_equal", "less_than_equal")


# --- memory: what cannot fit is refused before it runs, with the estimate ------------------------

@pytest.fixture
def machine_with_64_gib(monkeypatch):
    """Estimates are compared with what the job may allocate; pin that, so the refusals do not
    depend on the machine running the tests."""
    import ml_expert.tools.memory as memory

    monkeypatch.setattr(memory, "available_bytes", lambda: 64 * 2 ** 30)


def test_synthetic_data_too_big_for_memory_is_refused(tmp_path, machine_with_64_gib):
    from ml_expert.tools.data.prepare import prepare_data
    from ml_expert.tools.data.spec import DataSpec

    spec = DataSpec.model_validate({"source": {"kind": "synthetic", "n_samples": 1_000_000, "n_features": 10_000}})
    with pytest.raises(SpecError) as caught:
        prepare_data(spec, JobContext.local(tmp_path))
    assert caught.value.field == "data.source.n_samples"
    assert caught.value.problem == ("1,000,000 rows x 10,000 features needs about 186.3 GiB of memory, and this job "
                                    "has 64.0 GiB available")


def _architecture(tmp_path, **raw):
    from ml_expert.tools.architecture.run import implement_architecture
    from ml_expert.tools.architecture.schema import ImplementArchitectureSpec

    return implement_architecture(ImplementArchitectureSpec.model_validate(raw), JobContext.local(tmp_path))


def test_a_param_budget_too_big_for_memory_is_refused_before_fitting(tmp_path, machine_with_64_gib):
    model = {"kind": "builtin", "family": "mlp", "input": {"kind": "tabular", "num_features": 64},
             "output": {"kind": "classes", "num_classes": 10}}
    with pytest.raises(SpecError) as caught:
        _architecture(tmp_path, model=model, param_budget=100_000_000_000)
    assert caught.value.field == "param_budget"
    assert "100,000,000,000 parameters (fp32 weights and gradients) needs about 745.1 GiB" in caught.value.problem
    assert "64.0 GiB available" in caught.value.problem


def test_an_image_too_big_for_the_checks_is_refused_with_the_activation_estimate(tmp_path, machine_with_64_gib):
    model = {"kind": "builtin", "family": "cnn", "input": {"kind": "image", "channels": 3, "height": 4096,
                                                           "width": 4096},
             "output": {"kind": "classes", "num_classes": 10}}
    with pytest.raises(SpecError) as caught:
        _architecture(tmp_path, model=model)
    assert caught.value.field == "model.input"
    assert "a training step at check_batch_size 16 on input [3, 4096, 4096]" in caught.value.problem
    assert "activations 195.0 GiB" in caught.value.problem and "64.0 GiB available" in caught.value.problem
    # The same family at 32x32 fits: the estimate is no blanket refusal.
    from ml_expert.tools.models.budget import meta_training_bytes, refuse_model_over_memory
    from ml_expert.tools.models.io import ModelIO
    from ml_expert.tools.models.registry import get_family

    cnn, io = get_family("cnn"), ModelIO("classification", "image", (3, 32, 32), None, 10)
    refuse_model_over_memory(lambda: cnn.build(cnn.hyperparameters({}, io)), io, 16, "check_batch_size", "model")
    weights, activations = meta_training_bytes(lambda: cnn.build(cnn.hyperparameters({}, io)), io, 16)
    assert 0 < activations < 2 ** 30 and 0 < weights < 2 ** 30


# --- diagnose_training history logs --------------------------------------------------------------

def _read_history(tmp_path: Path, name: str):
    from ml_expert.tools.diagnose.history import read_history
    from ml_expert.tools.diagnose.schema import HistoryMode

    return read_history(HistoryMode(path=name), JobContext.local(tmp_path / "ws", roots=[tmp_path]))


@pytest.mark.parametrize(("name", "content", "words"), [
    ("deep.json", "[" * 50_000 + "]" * 50_000, "nests too deeply"),
    ("deep.jsonl", '{"loss": 1}\n{"loss": ' + "[" * 50_000 + "]" * 50_000 + "}\n", "a JSON line nests too deeply"),
    ("latin1.csv", b"epoch,loss,caf\xe9\n1,0.5,1\n", "not UTF-8 text"),
    ("letters.csv", "epoch,loss,val_loss\n1,0.9,1.0\n2,0.8,1.1\n3,x,1.2\n", "row 3, column 'loss' holds 'x', not a number"),
    ("letters.json", '[{"epoch": 1, "loss": 0.9}, {"epoch": 2, "loss": "x"}]', "row 2, column 'loss' holds 'x'"),
])
def test_broken_history_logs_name_the_field_and_the_row(tmp_path, name, content, words):
    if isinstance(content, bytes):
        (tmp_path / name).write_bytes(content)
    else:
        (tmp_path / name).write_text(content)
    with pytest.raises(SpecError) as caught:
        _read_history(tmp_path, name)
    assert caught.value.field == "mode.path"
    assert words in caught.value.problem


def test_empty_cells_in_a_history_are_gaps_not_errors(tmp_path):
    (tmp_path / "gaps.csv").write_text("step,loss,val_loss\n1,0.9,\n2,0.8,\n3,0.7,1.0\n")
    trace = _read_history(tmp_path, "gaps.csv")
    assert trace.losses == [0.9, 0.8, 0.7]


@pytest.mark.parametrize(("yaml_text", "words"), [
    ("!!python/object/apply:builtins.open ['{marker}', 'w']\n", "is not plain YAML"),
    ("kind: pickle\nio: {{}}\n", "kind 'pickle' is neither 'builtin' nor 'code'"),
    ("kind: builtin\nio: {{}}\n", "it lacks ['checkpoint', 'family', 'hyperparameters']"),
    ("- just\n- a list\n", "kind None is neither"),
])
def test_a_crafted_model_yaml_is_refused_and_builds_nothing(saved_run, tmp_path, yaml_text, words):
    job, run_dir = saved_run
    marker = tmp_path / "ran.txt"
    (run_dir / MODEL_FILE).write_text(yaml_text.format(marker=marker))
    with pytest.raises(SpecError) as caught:
        load_model(RunModel(kind="run", run_id=run_dir.name), job)
    assert caught.value.field == "model.run_id" and words in caught.value.problem
    assert not marker.exists()


def test_a_given_width_and_depth_too_big_for_memory_name_the_model(tmp_path, machine_with_64_gib):
    model = {"kind": "builtin", "family": "mlp", "input": {"kind": "tabular", "num_features": 64},
             "output": {"kind": "classes", "num_classes": 10}, "width": 65_536, "depth": 64}
    with pytest.raises(SpecError) as caught:
        _architecture(tmp_path, model=model)
    assert caught.value.field == "model"
    assert "weights and gradients 2,016.1 GiB" in caught.value.problem


def test_a_wandb_folder_whose_run_file_is_a_fifo_or_a_link_out_is_refused(tmp_path):
    import os

    run = tmp_path / "root" / "offline-run-1"
    run.mkdir(parents=True)
    os.mkfifo(run / "run-1.wandb")
    error = _refusal_within(10, lambda: _read_history(tmp_path / "root", "offline-run-1"))
    assert error.field == "mode.path" and "FIFO (named pipe)" in error.problem
    (run / "run-1.wandb").unlink()
    (tmp_path / "secret.wandb").write_bytes(b"not yours")
    (run / "run-1.wandb").symlink_to(tmp_path / "secret.wandb")
    with pytest.raises(SpecError) as caught:
        _read_history(tmp_path / "root", "offline-run-1")
    assert caught.value.field == "mode.path" and "is outside" in caught.value.problem


def test_a_sparse_terabyte_csv_is_refused_at_once_with_its_size(tmp_path):
    import os
    import time

    path = tmp_path / "sparse.csv"
    path.write_text("a,b,label\n1,2,0\n")
    os.truncate(path, 2 ** 40)  # a hole of NUL bytes: no disk used, no newline for a terabyte
    started = time.perf_counter()
    with pytest.raises(SpecError) as caught:
        _load_file("sparse.csv", tmp_path, tmp_path, target="label")
    assert time.perf_counter() - started < 5  # only a sample was read
    assert caught.value.field == "data.source.path"
    assert "sparse.csv (about " in caught.value.problem and "1,024.0 GiB on disk) needs about 1,024.0 GiB" \
        in caught.value.problem
