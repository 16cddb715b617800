"""tune_hyperparams end to end in one process: pruning, failures, resume, significance, the saved run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ml_expert.tools.data.prepare import prepare_data
from ml_expert.tools.job import JobContext
from ml_expert.tools.models.load import load_model
from ml_expert.tools.models.spec import RunModel
from ml_expert.tools.tune.objective import EvaluationRun, train
from ml_expert.tools.tune.run import tune_hyperparams
from ml_expert.tools.tune.schema import Objective, TuneHyperparamsResult, TuneHyperparamsSpec
from ml_expert.tools.tune.significance import judge

IRIS = {"kind": "bundled", "name": "iris"}
BASE = {"model": {"kind": "builtin", "family": "mlp", "width": 16}, "data": {"source": IRIS},
        "training": {"epochs": 6, "batch_size": 16, "lr": 0.001}}
LR = {"type": "float", "low": 1e-5, "high": 0.3, "log": True}


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Tiny models train fastest on one thread, and other tests share the cores."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _tune(tmp_path: Path, *, base=BASE, roots=(), **fields) -> tuple[TuneHyperparamsResult, JobContext, list[dict]]:
    job = JobContext.local(tmp_path / "workspace", roots=list(roots))
    events: list[dict] = []
    job._emit = events.append
    spec = TuneHyperparamsSpec.model_validate({"base": base, "space": {"training.lr": LR}, **fields})
    return tune_hyperparams(spec, job), job, events


def test_search_prunes_bad_trials_confirms_the_best_and_saves_it_as_a_run(tmp_path):
    result, job, events = _tune(tmp_path, n_trials=12, significance_seeds=3,
                                space={"training.lr": LR, "model.width": {"type": "int", "low": 4, "high": 32}})
    counts = result.counts
    assert counts.total == counts.added_by_this_call == 12 and counts.failed == 0 and counts.running == 0
    assert counts.pruned > 0 and counts.complete >= 1  # asha stopped the hopeless low learning rates
    trials = {t["number"]: t for t in json.loads((job.run_dir / "tune_trials.json").read_text())}
    assert all(t["epochs"] < 6 for t in trials.values() if t["state"] == "pruned")
    assert all(t["epochs"] == 6 for t in trials.values() if t["state"] == "complete")
    assert trials[0]["params"] == {"training.lr": 0.001, "model.width": 16}  # the base is trial 0

    assert result.best_value == max(t.values[0] for t in result.top_trials)
    assert set(result.best_params) == {"training.lr", "model.width"} and result.best_trial is not None
    assert result.significance.n == 3 and result.significance.compared_on == "seeds"
    assert result.confirmed_ci_low <= result.confirmed_value <= result.confirmed_ci_high
    checks = {v.check: v for v in result.verdicts}
    assert checks["test_split_sealed"].status == "pass" and job.records.test_openings == []
    assert {"train_val_gap", "best_beats_base", "trials_completed", "confirmation_cost"} <= set(checks)
    cost = checks["confirmation_cost"].evidence
    assert cost["trainings"] == result.confirm_trainings and cost["search_seconds"] > 0
    # The seconds are shown to 0.01 s, the ratio is taken before rounding them.
    assert cost["ratio"] == pytest.approx(cost["confirm_seconds"] / cost["search_seconds"], rel=0.05, abs=0.01)

    progress = [e["message"] for e in events]
    assert any(m.startswith("12/12 trials finished, best ") for m in progress)
    trainings = result.confirm_trainings
    assert trainings in (3, 6) and result.confirm_estimate_s > 0  # best and base on 3 seeds (once if the same)
    assert progress[-1].startswith(f"confirming the best ({trainings} trainings, about ") and progress[-1].endswith(
        "s): 3/3 done")
    assert f"trial #{result.best_trial} " in result.summary and "val accuracy" in result.summary
    steps = [e["step"] for e in events]
    assert steps == sorted(set(steps)) and steps[-1] == events[-1]["total"] == 15  # MCP: progress only grows
    assert result.best_run_id == job.run_id
    restored = load_model(RunModel(kind="run", run_id=result.best_run_id), job)
    assert restored.config["hyperparameters"]["width"] == result.best_params["model.width"]
    names = {a.name for a in result.artifacts}
    assert {"model.pt", "model.yaml", "best_experiment.json", "tune_history.png", "tune_trials.json"} <= names
    assert result.curves["best_so_far"].y == sorted(result.curves["best_so_far"].y)
    assert result.suggested_space and "training.lr" in result.suggested_space
    assert len(result.model_dump_json()) < 20_000 and result.summary.count(". ") <= 2


FACTORY = '''
from torch import nn

def factory(width=8, explode=False):
    if explode:
        raise ValueError("boom: explode=True")
    return nn.Sequential(nn.Linear(4, width), nn.ReLU(), nn.Linear(width, 3))
'''


def test_a_failing_trial_is_recorded_with_its_reason_and_the_study_goes_on(tmp_path):
    code = tmp_path / "code"
    code.mkdir()
    (code / "net.py").write_text(FACTORY)
    base = {**BASE, "model": {"kind": "code", "target": "net.py:factory", "kwargs": {"width": 8}}}
    result, _, _ = _tune(tmp_path, base=base, roots=[code], n_trials=8, pruner="none", sampler="random",
                         significance_seeds=0,
                         space={"model.kwargs.explode": {"type": "categorical", "choices": [False, True]},
                                "training.lr": {"type": "float", "low": 1e-3, "high": 1e-2, "log": True}})
    counts = result.counts
    assert counts.total == 8 and counts.failed >= 1 and counts.complete >= 1
    assert counts.failed + counts.complete == 8
    [reason] = counts.failure_reasons
    assert "boom: explode=True" in reason
    assert result.best_params["model.kwargs.explode"] is False
    assert result.significance.verdict == "not_tested"
    assert {v.check: v.status for v in result.verdicts}["best_beats_base"] == "warn"


def test_resume_adds_trials_to_the_existing_study(tmp_path):
    fields = {"study_name": "resumed", "n_trials": 3, "significance_seeds": 0, "pruner": "none"}
    first, _, _ = _tune(tmp_path, **fields)
    second, _, _ = _tune(tmp_path, **fields)
    assert first.storage == second.storage and Path(first.storage).is_file()
    assert (first.counts.total, second.counts.total, second.counts.added_by_this_call) == (3, 6, 3)
    assert second.best_value >= first.best_value


def test_a_study_cannot_be_resumed_with_other_directions(tmp_path):
    from ml_expert.tools.errors import SpecError

    _tune(tmp_path, study_name="s", n_trials=1, significance_seeds=0)
    with pytest.raises(SpecError, match="directions"):
        _tune(tmp_path, study_name="s", n_trials=1, significance_seeds=0, objectives=[{"metric": "val_loss"}])


def test_a_a_comparison_is_not_significant(tmp_path):
    # Best and base are the same configuration: the only choice is the base's own value.
    same, _, _ = _tune(tmp_path, n_trials=2, significance_seeds=3,
                       space={"training.optimizer": {"type": "categorical", "choices": ["adamw"]}})
    assert same.best_params == {"training.optimizer": "adamw"}
    assert same.significance.verdict == "not_significant" and same.significance.p_value == 1.0
    assert same.significance.gain == 0.0
    # The same configuration trained on two sets of seeds: seed noise alone is no evidence.
    job = JobContext.local(tmp_path / "aa")
    base = TuneHyperparamsSpec.model_validate({"base": BASE, "space": {"training.lr": LR}}).base
    prepared = prepare_data(base.data, job)
    a, b = ([train(base, job, prepared, EvaluationRun(seed)).val_metric for seed in seeds]
            for seeds in (range(5), range(10, 15)))
    assert a != b  # the seeds do change the scores...
    noisy = judge(a, b, Objective())
    assert noisy.verdict == "not_significant" and noisy.p_value > 0.05  # ...but not significantly


def test_judge_is_direction_aware_and_says_better_only_on_evidence():
    loss = Objective(metric="val_loss")
    lower = judge([0.50, 0.52, 0.49, 0.51], [0.40, 0.41, 0.39, 0.42], loss)
    assert lower.verdict == "better" and lower.gain > 0 and lower.ci_low > 0
    higher = judge([0.40, 0.41, 0.39, 0.42], [0.50, 0.52, 0.49, 0.51], loss)
    assert higher.verdict == "worse" and higher.gain < 0


def test_two_objectives_give_a_pareto_front(tmp_path):
    result, job, _ = _tune(tmp_path, n_trials=6, significance_seeds=0, sampler="random",
                           objectives=[{"metric": "val_metric"}, {"metric": "param_count"}],
                           space={"model.width": {"type": "int", "low": 2, "high": 64, "log": True}})
    assert result.counts.pruned == 0 and result.counts.complete == 6
    assert 1 <= len(result.pareto_front) <= 6
    assert all(len(p.values) == 2 for p in result.pareto_front)
    assert (job.run_dir / "tune_pareto.png").read_bytes()[:4] == b"\x89PNG"
    assert result.objectives == ["val accuracy, maximize", "param_count, minimize"]


def test_an_rdb_storage_works_too(tmp_path):
    storage = f"sqlite:///{(tmp_path / 'workspace').resolve()}/studies/rdb.db"
    result, _, _ = _tune(tmp_path, storage=storage, study_name="rdb", n_trials=3, significance_seeds=0)
    assert result.storage == storage and result.counts.total == 3 and result.counts.running == 0


def test_cross_validation_scores_trials_on_folds_and_compares_on_them(tmp_path):
    result, job, _ = _tune(tmp_path, n_trials=2, cv_folds=3, seeds_per_trial=2, significance_seeds=2,
                           pruner="none")
    trials = json.loads((job.run_dir / "tune_trials.json").read_text())
    assert all(t["epochs"] == 6 * 3 * 2 for t in trials)  # 3 folds x 2 seeds x 6 epochs each
    assert result.significance.compared_on == "folds" and result.significance.n == 3
    assert {v.check: v.status for v in result.verdicts}["test_split_sealed"] == "pass"


def test_a_time_budget_stops_the_search(tmp_path):
    result, _, events = _tune(tmp_path, n_trials=None, time_budget_s=2.0, significance_seeds=0)
    assert result.counts.total >= 1 and result.counts.running == 0
    assert result.metrics["search_seconds"] < 30
    assert all(e["total"] is None for e in events if e["message"].startswith("trial"))  # no count to promise


IMBALANCED = {"kind": "synthetic", "n_samples": 500, "n_features": 6, "n_classes": 3, "imbalance_ratio": 8.0}


def test_imbalanced_classes_are_tuned_and_reported_by_balanced_accuracy(tmp_path):
    base = {**BASE, "data": {"source": IMBALANCED}, "training": {"epochs": 3, "batch_size": 32, "lr": 0.01}}
    result, job, _ = _tune(tmp_path, base=base, n_trials=3, significance_seeds=0, pruner="none")
    assert {v.check: v.status for v in result.verdicts}["class_imbalance"] != "pass"
    assert result.objectives == ["val balanced_accuracy, maximize"]
    assert f"Best val balanced_accuracy {result.best_value:.4f} at trial #" in result.summary
    assert result.significance.metric == "balanced_accuracy"
    # The best value is the trained model's balanced accuracy on the validation rows, not its accuracy.
    from ml_expert.tools.train.overrides import apply_overrides

    experiment = TuneHyperparamsSpec.model_validate({"base": base, "space": {"training.lr": LR}}).base
    trial = next(t for t in json.loads((job.run_dir / "tune_trials.json").read_text())
                 if t["number"] == result.best_trial)
    refit = train(apply_overrides(experiment, trial["params"], "space"), job, prepare_data(experiment.data, job),
                  EvaluationRun(0))
    assert result.best_value == pytest.approx(refit.val_metrics["balanced_accuracy"], abs=1e-6)


def test_a_named_metric_is_optimised_and_one_the_task_lacks_is_refused(tmp_path):
    result, _, _ = _tune(tmp_path, n_trials=2, significance_seeds=0, objectives=[{"metric": "log_loss"}])
    assert result.objectives == ["val log_loss, minimize"] and result.best_value > 0
    assert "Best val log_loss" in result.summary
    from ml_expert.tools.errors import SpecError

    with pytest.raises(SpecError) as caught:
        _tune(tmp_path, n_trials=1, significance_seeds=0, objectives=[{"metric": "rmse"}])
    assert caught.value.field == "objectives[0].metric" and "classification" in caught.value.problem
    assert "balanced_accuracy" in caught.value.accepted


def _copy_csv(tmp_path: Path) -> Path:
    from sklearn.datasets import load_iris

    iris = load_iris()
    rows = ["a,b,c,d,label_code,label"]
    rows += [",".join(f"{v:.2f}" for v in x) + f",{7 * y + 3},{y}" for x, y in zip(iris.data, iris.target, strict=True)]
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    (folder / "copy.csv").write_text("\n".join(rows) + "\n")
    return folder


def test_a_feature_that_copies_the_label_stops_the_search_unless_allowed(tmp_path):
    from ml_expert.tools.errors import SpecError

    folder = _copy_csv(tmp_path)
    base = {**BASE, "data": {"source": {"kind": "file", "path": "copy.csv", "target": "label"}}}
    with pytest.raises(SpecError) as caught:
        _tune(tmp_path, base=base, roots=[folder], n_trials=2, significance_seeds=0)
    assert caught.value.field == "base.data" and "label_code" in caught.value.accepted
    assert "allow_label_leak=true" in caught.value.accepted

    result, _, _ = _tune(tmp_path, base=base, roots=[folder], n_trials=2, significance_seeds=0, allow_label_leak=True)
    assert result.summary.startswith("Not to be trusted while feature 'label_code' is in the data: label_leak fail")

    kept = {**base, "data": {"source": {"kind": "file", "path": "copy.csv", "target": "label",
                                        "features": ["a", "b", "c", "d"]}}}
    clean, _, _ = _tune(tmp_path, base=kept, roots=[folder], n_trials=2, significance_seeds=0)
    assert "Not to be trusted" not in clean.summary


def test_trial_health_stops_a_diverging_trial_at_once_and_the_table_says_why(tmp_path):
    from ml_expert.tools.tune.health import TrialHealth

    lr_high = {"training.lr": {"type": "categorical", "choices": [0.01, 30.0]}}
    base = {**BASE, "training": {"epochs": 6, "batch_size": 16, "lr": 0.01, "optimizer": "sgd"}}
    result, job, _ = _tune(tmp_path, base=base, n_trials=4, sampler="grid", pruner="none", significance_seeds=0,
                           space=lr_high)
    rows = json.loads((job.run_dir / "tune_trials.json").read_text())
    by_lr = {row["params"]["training.lr"]: row for row in rows}
    broken = by_lr[30.0]
    assert broken["state"] == "pruned" and broken["epochs"] < 6  # stopped at once, not after 6 epochs
    assert "unhealthy" in broken["ended"] and by_lr[0.01]["ended"] == "completed"
    assert result.counts.unhealthy >= 1 and "as unhealthy" in result.summary
    assert result.best_params == {"training.lr": 0.01}
    # Without it, the same configuration runs on (or fails on a NaN) instead of being pruned with a reason.
    plain, plain_job, _ = _tune(tmp_path / "plain", base=base, n_trials=2, sampler="grid", pruner="none",
                                significance_seeds=0, space=lr_high, health_pruning=False)
    plain_rows = {r["params"]["training.lr"]: r for r in json.loads((plain_job.run_dir / "tune_trials.json").read_text())}
    assert plain_rows[30.0]["state"] != "pruned" and plain.counts.unhealthy == 0
    assert TrialHealth  # the callback the trials run


def test_dead_relu_units_stop_a_trial():
    import torch

    from ml_expert.tools.train.callbacks import FitState, StopFit
    from ml_expert.tools.tune.health import TrialHealth

    model = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 2)).train()
    health = TrialHealth()
    state = FitState(model=model, optimizer=None, loss_fn=None, config=None, task="classification",
                     steps_per_epoch=1, total_steps=1, epoch=1)
    health.on_fit_start(state)
    model(torch.randn(16, 4))
    health.on_epoch_end(state)  # a freshly initialised layer fires: no stop
    with torch.no_grad():
        model[0].bias.fill_(-100.0)  # every unit below zero on every input
    model(torch.randn(16, 4))
    with pytest.raises(StopFit, match="unhealthy: 8 of 8 rectifier units are dead"):
        health.on_epoch_end(state)
    health.on_fit_end(state)


def test_a_confirmation_that_dwarfs_the_search_is_flagged():
    from ml_expert.tools.tune.run import _confirm_cost_verdict

    spec = TuneHyperparamsSpec.model_validate({"base": BASE, "space": {"training.lr": LR}})
    result = TuneHyperparamsResult(confirm_trainings=10, confirm_estimate_s=500.0)
    slow = _confirm_cost_verdict(spec, result, confirm_s=540.0, searched_s=21.0)
    assert slow.status == "warn" and "26x the 21 s search" in slow.message and "estimated at 500 s" in slow.message
    assert "significance_seeds" in slow.fix
    assert _confirm_cost_verdict(spec, result, confirm_s=20.0, searched_s=21.0).status == "pass"
