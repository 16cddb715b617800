"""tune_hyperparams' search space, storage choice and narrowing: no training here."""

from __future__ import annotations

import math

import optuna
import pytest
from pydantic import ValidationError

from ml_expert.tools.errors import SpecError
from ml_expert.tools.tune.narrowing import narrow_space
from ml_expert.tools.tune.schema import TuneHyperparamsSpec
from ml_expert.tools.tune.space import base_values, check_space, contains, grid, suggest
from ml_expert.tools.tune.study import make_pruner, make_sampler, redact, resolve_storage

BASE = {"model": {"kind": "builtin", "family": "mlp", "width": 16},
        "data": {"source": {"kind": "bundled", "name": "iris"}},
        "training": {"epochs": 3, "lr": 0.001}}
EVERY_TYPE = {
    "training.lr": {"type": "float", "low": 1e-4, "high": 1e-1, "log": True},
    "training.momentum": {"type": "float", "low": 0.5, "high": 0.95, "step": 0.15},
    "training.label_smoothing": {"type": "float", "low": 0.0, "high": 0.2},
    "model.width": {"type": "int", "low": 8, "high": 128, "log": True},
    "training.batch_size": {"type": "int", "low": 16, "high": 70, "step": 16},
    "training.optimizer": {"type": "categorical", "choices": ["adamw", "sgd"]},
    "training.grad_clip": {"type": "categorical", "choices": [None, 1.0]},
}


def _spec(space=None, **fields) -> TuneHyperparamsSpec:
    return TuneHyperparamsSpec.model_validate({"base": BASE, "space": space or EVERY_TYPE, **fields})


def test_every_parameter_type_samples_within_its_bounds():
    spec = _spec()
    check_space(spec.space, spec.base)
    study = optuna.create_study(sampler=optuna.samplers.RandomSampler(seed=0))
    for _ in range(60):
        trial = study.ask()
        values = suggest(trial, spec.space)
        study.tell(trial, 0.0)
        assert set(values) == set(EVERY_TYPE)
        for name, param in spec.space.items():
            assert contains(param, values[name]), (name, values[name])
    lrs = [t.params["training.lr"] for t in study.trials]
    assert min(lrs) < 1e-3 < max(lrs)  # log-uniform: small values are as likely as large decades
    assert {t.params["training.batch_size"] for t in study.trials} <= {16, 32, 48, 64}
    assert {round(t.params["training.momentum"], 6) for t in study.trials} <= {0.5, 0.65, 0.8, 0.95}
    assert {t.params["training.grad_clip"] for t in study.trials} == {None, 1.0}
    assert all(isinstance(t.params["model.width"], int) for t in study.trials)


def test_grid_enumerates_steps_and_spaces_unstepped_floats():
    values = grid(_spec().space)
    assert values["training.batch_size"] == [16, 32, 48, 64]
    assert [round(v, 6) for v in values["training.momentum"]] == [0.5, 0.65, 0.8, 0.95]
    assert values["training.lr"] == pytest.approx([1e-4, 10 ** -3.25, 10 ** -2.5, 10 ** -1.75, 1e-1])
    assert values["training.label_smoothing"] == pytest.approx([0.0, 0.05, 0.1, 0.15, 0.2])
    assert values["training.optimizer"] == ["adamw", "sgd"]


@pytest.mark.parametrize(("param", "message"), [
    ({"type": "float", "low": 1.0, "high": 0.1}, "low < high"),
    ({"type": "float", "low": 0.0, "high": 1.0, "log": True}, "low > 0"),
    ({"type": "float", "low": 0.1, "high": 1.0, "log": True, "step": 0.1}, "not both"),
    ({"type": "int", "low": 0, "high": 8, "log": True}, "low >= 1"),
    ({"type": "categorical", "choices": ["a", "a"]}, "distinct"),
    ({"type": "integer", "low": 1, "high": 2}, "does not match any of the expected tags"),
])
def test_malformed_parameters_are_refused(param, message):
    with pytest.raises(ValidationError, match=message):
        _spec({"training.lr": param})


def test_spec_needs_a_budget_and_forbids_unknown_fields():
    with pytest.raises(ValidationError, match="needs a budget"):
        _spec(n_trials=None)
    with pytest.raises(ValidationError, match="Extra inputs"):
        _spec(trials=5)
    with pytest.raises(ValidationError, match="at least 2"):
        _spec(significance_seeds=1)


@pytest.mark.parametrize(("name", "param", "problem"), [
    ("training.learning_rate", {"type": "float", "low": 0.1, "high": 1.0}, "does not fit"),
    ("training.lr", {"type": "float", "low": 0.1, "high": 500.0}, "500.0"),
    ("data.split.seed", {"type": "int", "low": 0, "high": 5}, "only training and model fields"),
    ("model.depth", {"type": "int", "low": 0, "high": 4}, "value 0 does not fit"),
])
def test_names_and_ranges_are_checked_against_the_base_experiment(name, param, problem):
    spec = _spec({name: param})
    with pytest.raises(SpecError, match=problem) as raised:
        check_space(spec.space, spec.base)
    assert raised.value.field == f"space.{name}"


def test_base_values_are_found_only_when_all_lie_in_the_space():
    space = _spec({"training.lr": EVERY_TYPE["training.lr"], "model.width": EVERY_TYPE["model.width"]}).space
    base = _spec().base
    assert base_values(space, base) == {"training.lr": 0.001, "model.width": 16}
    narrow = _spec({"training.lr": {"type": "float", "low": 0.01, "high": 0.1}}).space
    assert base_values(narrow, base) is None
    unset = _spec({"model.depth": {"type": "int", "low": 1, "high": 4}}).space  # the base leaves depth to the family
    assert base_values(unset, base) is None


def test_storage_defaults_to_a_journal_in_the_workspace_and_refuses_paths_outside(tmp_path):
    tmp_path = tmp_path.resolve()
    assert resolve_storage(None, tmp_path, "s1") == str(tmp_path / "studies" / "s1.journal")
    assert resolve_storage("mine.journal", tmp_path, "s1") == str(tmp_path / "mine.journal")
    assert resolve_storage("postgresql://u:pw@db/optuna", tmp_path, "s1") == "postgresql://u:pw@db/optuna"
    inside = f"sqlite:///{tmp_path}/studies/s1.db"
    assert resolve_storage(inside, tmp_path, "s1") == inside
    for bad in ("/etc/passwd.journal", "../outside.journal", "studies/x.txt", "redis://host",
                "sqlite:///relative.db", "sqlite:////tmp/elsewhere.db"):
        with pytest.raises(SpecError) as raised:
            resolve_storage(bad, tmp_path, "s1")
        assert raised.value.field == "storage"
    assert redact("postgresql://u:secret@db/optuna") == "postgresql://u:***@db/optuna"


@pytest.mark.parametrize("sampler", ["tpe", "random", "grid", "gp", "cmaes"])
def test_every_sampler_and_pruner_is_built(sampler):
    for pruner in ("asha", "hyperband", "median", "none"):
        spec = _spec(sampler=sampler, pruner=pruner)
        assert make_sampler(spec, seed=0) is not None
        expected = {"asha": "SuccessiveHalvingPruner", "hyperband": "HyperbandPruner", "median": "MedianPruner",
                    "none": "NopPruner"}[pruner]
        assert type(make_pruner(spec)).__name__ == expected
    two_objectives = _spec(objectives=[{"metric": "val_metric"}, {"metric": "param_count"}])
    assert type(make_pruner(two_objectives)).__name__ == "NopPruner"  # Optuna cannot prune multi-objective


def test_parallel_tpe_workers_count_running_trials_as_bad():
    assert make_sampler(_spec(sampler="tpe"), seed=0)._constant_liar


def test_narrowed_space_surrounds_the_best_trials():
    spec = _spec({"training.lr": EVERY_TYPE["training.lr"], "model.width": EVERY_TYPE["model.width"],
                  "training.optimizer": EVERY_TYPE["training.optimizer"]})
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=1))
    for _ in range(40):
        trial = study.ask()
        values = suggest(trial, spec.space)
        # The best region: lr near 3e-3, sgd, any width.
        score = -abs(math.log10(values["training.lr"]) - math.log10(3e-3)) - (values["training.optimizer"] != "sgd")
        study.tell(trial, score)
    ranked = sorted(study.trials, key=lambda t: -t.value)
    narrowed = narrow_space(spec.space, ranked)
    lr = narrowed["training.lr"]
    assert lr.log and 1e-4 <= lr.low < 3e-3 < lr.high <= 1e-1
    assert math.log10(lr.high) - math.log10(lr.low) < 0.6 * 3  # well under the original three decades
    assert narrowed["training.optimizer"].choices == ["sgd"]
    assert narrowed["model.width"] == spec.space["model.width"] or narrowed["model.width"].low >= 8
    assert narrow_space(spec.space, ranked[:2]) == {}  # too few trials to judge


def test_schemas_serialise_and_importing_them_leaves_torch_and_optuna_out():
    import json
    import subprocess
    import sys

    from ml_expert.tools.tune.schema import TuneHyperparamsResult

    assert json.dumps(TuneHyperparamsSpec.model_json_schema()) and json.dumps(TuneHyperparamsResult.model_json_schema())
    assert TuneHyperparamsResult(status="running").best_params == {}  # a running job answers with the same schema
    code = ("import sys, ml_expert.tools.tune.schema, ml_expert.tools.tune.worker_cli; "
            "print(sorted(m for m in ('torch', 'optuna', 'matplotlib') if m in sys.modules))")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout.strip() == "[]"


@pytest.mark.parametrize("epochs, seeds, given, first_rung",
                         [(3, 1, None, 1), (10, 1, None, 3), (20, 1, None, 6), (100, 1, None, 26), (10, 2, None, 6),
                          (20, 1, 2, 2)])
def test_pruning_starts_after_a_quarter_of_a_trials_epochs_unless_told(epochs, seeds, given, first_rung):
    spec = TuneHyperparamsSpec.model_validate({"base": {**BASE, "training": {**BASE["training"], "epochs": epochs}},
                                               "space": EVERY_TYPE, "min_epochs_before_pruning": given,
                                               "seeds_per_trial": seeds})
    assert make_pruner(spec)._min_resource == first_rung
    if given is None:  # ASHA's second rung lies past the pruning window, half of a trial's epochs: one cut
        assert make_pruner(spec)._reduction_factor * first_rung > 0.5 * epochs * seeds
    assert make_pruner(spec.model_copy(update={"pruner": "median"}))._n_warmup_steps == first_rung
