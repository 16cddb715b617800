"""The standalone file of every family needs only torch and reloads to identical outputs."""

import ast
import subprocess
import sys

import torch

from ml_expert.tools.architecture.standalone import standalone_source
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import load_model
from ml_expert.tools.models.registry import get_family
from tests.test_models_families import CASES, as_ref


def test_every_family_round_trips_through_its_standalone_file(tmp_path):
    first_of_each = list({case[0]: case for case in reversed(CASES)}.values())
    expected = {}
    for index, (family, given_input, given_output, hyperparameters) in enumerate(first_of_each):
        torch.manual_seed(index)
        loaded = load_model(as_ref(family, given_input, given_output, hyperparameters), JobContext.local(tmp_path))
        folder = tmp_path / f"case{index}"
        folder.mkdir()
        torch.save(loaded.module.state_dict(), folder / "model_init.pt")
        source = standalone_source(get_family(family), loaded.config["hyperparameters"], loaded, "model_init.pt",
                                   f"case{index}")
        (folder / "model.py").write_text(source)
        imported = {alias.name for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Import)
                    for alias in node.names} | {node.module for node in ast.walk(ast.parse(source))
                                                if isinstance(node, ast.ImportFrom)}
        assert {name.split(".")[0] for name in imported} == {"torch", "pathlib"}, imported
        example = loaded.example_input(2, torch.Generator().manual_seed(index))
        torch.save(example, folder / "input.pt")
        expected[folder] = loaded.module.eval()(example)

    # One fresh interpreter loads every file, from another working directory.
    script = ("import runpy, sys, torch\n"
              "for folder in sys.argv[1:]:\n"
              "    model = runpy.run_path(folder + '/model.py')['load_model']().eval()\n"
              "    torch.save(model(torch.load(folder + '/input.pt')), folder + '/output.pt')\n")
    subprocess.run([sys.executable, "-c", script, *map(str, expected)], check=True, cwd="/")
    for folder, output in expected.items():
        assert torch.equal(torch.load(folder / "output.pt"), output), folder.name
