"""load_model: built-in, code and run references; every user mistake is a SpecError naming its field."""

from pathlib import Path

import pytest
import torch
from pydantic import TypeAdapter

from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import load_model, save_model
from ml_expert.tools.models.spec import ModelRef

CODE = Path(__file__).parent / "fixtures" / "code_models"
TABULAR_8 = {"kind": "tabular", "num_features": 8}
THREE_CLASSES = {"kind": "classes", "num_classes": 3}


def ref(**raw):
    return TypeAdapter(ModelRef).validate_python(raw)


def code(target, **extra):
    return ref(kind="code", target=target, input=TABULAR_8, output=THREE_CLASSES, **extra)


@pytest.fixture
def job(tmp_path):
    return JobContext.local(tmp_path / "workspace", roots=[CODE])


def test_code_model_loads_with_its_io(job):
    loaded = load_model(code("two_branch.py:build", kwargs={"hidden": 4}), job)
    assert loaded.module.main[0].out_features == 4
    assert (loaded.task, loaded.input_kind, loaded.input_shape, loaded.num_outputs) == ("classification", "tabular",
                                                                                         (8,), 3)
    assert loaded.config["target"] == f"{CODE / 'two_branch.py'}:build"


@pytest.mark.parametrize(("reference", "field", "words"), [
    (code("two_branch.py:missing"), "model.target", "no callable 'missing'"),
    (code("nowhere.py:build"), "model.target", "does not exist"),
    (code("/etc/hostname.py:build"), "model.target", "outside"),
    (code("broken.py:raises"), "model.target", "ValueError"),
    (code("broken.py:raises", kwargs={"width": 3}), "model.kwargs", "width 3 is not supported"),
    (code("two_branch.py:build", kwargs={"depth": 3}), "model.kwargs", "depth"),
    (code("broken.py:not_a_module"), "model.target", "not a torch.nn.Module"),
    (ref(kind="run", run_id="run-unknown"), "model.run_id", "no saved model"),
    (ref(kind="builtin", family="cnn", input=TABULAR_8, output=THREE_CLASSES), "model.input", "image"),
    (ref(kind="builtin", family="mlp", input=TABULAR_8), "model.output", "missing"),
    (ref(kind="builtin", family="decoder_lm", input=TABULAR_8), "model.output", "next_token needs token input"),
    (ref(kind="builtin", family="lstm", input={"kind": "tokens", "vocab_size": 50, "seq_len": 8},
         output={"kind": "next_token"}, bidirectional=True), "model.bidirectional", "must not see"),
    (ref(kind="builtin", family="cnn", data={"source": {"kind": "bundled", "name": "iris"}}), "model.data",
     "needs images"),
])
def test_mistakes_name_their_field(job, reference, field, words):
    with pytest.raises(SpecError) as caught:
        load_model(reference, job)
    assert caught.value.field == field
    assert words in str(caught.value)


def test_data_stands_in_for_input_and_output(job):
    loaded = load_model(ref(kind="builtin", family="cnn", data={"source": {"kind": "bundled", "name": "digits"}}), job)
    assert (loaded.input_kind, loaded.input_shape, loaded.num_outputs) == ("image", (1, 8, 8), 10)
    tabular = load_model(ref(kind="builtin", family="mlp", data={"source": {"kind": "bundled", "name": "diabetes"}}),
                         job)
    assert (tabular.task, tabular.input_shape, tabular.num_outputs) == ("regression", (10,), 1)


@pytest.mark.parametrize("reference", [
    code("scalable.py:mlp", kwargs={"in_features": 8, "num_classes": 3, "width": 12}),
    ref(kind="builtin", family="decoder_lm", input={"kind": "tokens", "vocab_size": 64, "seq_len": 8}, width=16),
])
def test_a_saved_run_reloads_to_identical_outputs(job, reference):
    torch.manual_seed(0)
    loaded = load_model(reference, job)
    save_model(loaded, job)
    reloaded = load_model(ref(kind="run", run_id=job.run_id), JobContext.local(job.workspace, roots=[CODE]))
    example = loaded.example_input(3, torch.Generator().manual_seed(1))
    assert torch.equal(loaded.module.eval()(example), reloaded.module.eval()(example))
    assert reloaded.config["from_run"] == job.run_id
    assert (reloaded.task, reloaded.input_shape) == (loaded.task, loaded.input_shape)


def test_a_run_of_code_keeps_working_after_the_file_changes(tmp_path):
    root = tmp_path / "code"
    root.mkdir()
    source = root / "net.py"
    source.write_text("from torch import nn\n\ndef build(width=4):\n    return nn.Linear(8, width)\n")
    job = JobContext.local(tmp_path / "workspace", roots=[root])
    loaded = load_model(ref(kind="code", target="net.py:build", input=TABULAR_8,
                            output={"kind": "regression", "num_targets": 4}), job)
    save_model(loaded, job)
    source.write_text("raise RuntimeError('edited')\n")
    reloaded = load_model(ref(kind="run", run_id=job.run_id), job)
    assert torch.equal(reloaded.module.weight, loaded.module.weight)
