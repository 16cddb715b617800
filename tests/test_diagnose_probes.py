"""Script-mode probes, run in-process on small loops: what they record, and the findings it leads to.

Each loop is a few dozen steps of a tiny model on generated data; the probe is installed as the
script runner installs it, and the trace is built the same way.
"""

from __future__ import annotations

import copy
import math
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from ml_expert.tools.diagnose.measures import restored_epoch
from ml_expert.tools.diagnose.registry import diagnose
from ml_expert.tools.diagnose.script.loss_checks import contrastive, output_range, summed
from ml_expert.tools.diagnose.script.probe import REFOCUS_STEPS, BudgetReached, ScriptProbe
from ml_expert.tools.diagnose.script.trace import build_trace

HERE = Path(__file__)


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny models: threads only contend
    yield
    torch.set_num_threads(before)


def probed(loop, max_steps: int = 10_000, overrides: dict | None = None):
    torch.manual_seed(0)
    probe = ScriptProbe(HERE, max_steps, overrides)
    probe.install()
    ended = "finished"
    try:
        loop()
    except BudgetReached:
        ended = "budget"
    finally:
        probe.uninstall()
    return build_trace(probe, ended)


def _data(n=256, d=8, classes=3):
    g = torch.Generator().manual_seed(1)
    X = torch.randn(n, d, generator=g)
    y = X[:, :3].argmax(1) if classes == 3 else (X[:, 0] > 0).long()
    return X, y


def classifier_loop(steps=120, batch=32, val=True, train_pass=False, sched=None, opt_kwargs=None,
                    loss=F.cross_entropy):
    X, y = _data()
    X_val, y_val = _data(128)[0] + 0.01, _data(128)[1]

    def loop():
        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
        opt = torch.optim.SGD(model.parameters(), lr=0.1, **(opt_kwargs or {}))
        scheduler = sched(opt) if sched else None
        step = 0
        while step < steps:
            for i in range(0, len(X), batch):
                opt.zero_grad()
                loss(model(X[i:i + batch]), y[i:i + batch]).backward()
                opt.step()
                if scheduler:
                    scheduler.step()
                step += 1
            with torch.no_grad():
                if train_pass:
                    F.cross_entropy(model(X), y)
                if val:
                    F.cross_entropy(model(X_val), y_val)

    return loop


def test_samples_spread_over_the_steps_that_ran_whatever_the_budget():
    small, huge = probed(classifier_loop(steps=400), max_steps=401), probed(classifier_loop(steps=400), 100_000)
    steps = [s.step for s in huge.samples]
    assert steps == [s.step for s in small.samples]
    assert 24 <= len(steps) <= 48 and steps[:3] == [0, 1, 2] and steps[-1] > 300
    assert len(huge.lrs) == len(huge.losses) == 400


def test_a_train_metric_pass_is_not_validation_but_validation_on_training_rows_is_overlap():
    beside = probed(classifier_loop(train_pass=True))
    assert beside.wiring.train_row_eval_forwards > 0 and beside.data.val_in_train_fraction == 0
    assert "train_val_overlap" not in [d.label for d in diagnose(beside)]
    assert beside.epochs[-1].train_metric is not None and beside.epochs[-1].val_metric is not None
    only = probed(classifier_loop(train_pass=True, val=False))
    assert only.data.val_in_train_fraction == 1.0
    assert diagnose(only)[0].label == "train_val_overlap"


def test_validation_scored_by_comparing_predictions_with_labels_is_read_without_a_loss():
    X, y = _data()
    X_val, y_val = _data(128)[0] + 0.01, _data(128)[1]
    printed = []

    def loop(binary: bool):
        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1 if binary else 3))
        targets, val_targets = ((y > 0).float(), (y_val > 0).float()) if binary else (y, y_val)
        loss = F.binary_cross_entropy_with_logits if binary else F.cross_entropy
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for _ in range(4):
            for i in range(0, len(X), 32):
                opt.zero_grad()
                out = model(X[i:i + 32])
                loss(out.squeeze(1) if binary else out, targets[i:i + 32]).backward()
                opt.step()
            with torch.no_grad():
                (model(X).argmax(1) == y).float().mean()  # a train-accuracy pass: not validation
                hits = 0
                for i in range(0, len(X_val), 50):  # per batch, the prediction on either side
                    out = model(X_val[i:i + 50])
                    predicted = (out.squeeze(1) > 0).float() if binary else out.argmax(1)
                    hits += int(val_targets[i:i + 50].eq(predicted).sum()) if i else int((predicted == val_targets[i:i + 50]).sum())
                printed.append(hits / len(X_val))

    for binary in (False, True):
        printed.clear()
        trace = probed(lambda binary=binary: loop(binary))
        assert trace.data.val_compared_accuracy == pytest.approx(printed[-1])
        assert trace.data.val_compared_rows == len(X_val)
        # Each pass is a row of the curves, with the accuracy the script printed.
        assert [r.val_metric for r in trace.epochs] == pytest.approx(printed)
        assert all(r.val_loss is None and r.val_metric_rows == len(X_val) and r.train_loss for r in trace.epochs)
    assert "__eq__" not in torch.Tensor.__dict__ and "eq" not in torch.Tensor.__dict__  # put back as it was


def test_validation_scored_with_scikit_learn_metrics_is_read_without_a_loss():
    X, y = _data()
    X_val, y_val = _data(128)[0] + 0.01, _data(128)[1]
    targets, val_targets = X[:, 0] * 50 + 200, X_val[:, 0] * 50 + 200  # a raw scale, standardised for training
    mean, std = float(targets.mean()), float(targets.std())
    printed = []

    def loop(regression: bool):
        # imported as a script imports it: after the probe is installed
        from sklearn.metrics import accuracy_score, f1_score, r2_score

        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1 if regression else 3))
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(4):
            for i in range(0, len(X), 32):
                opt.zero_grad()
                out = model(X[i:i + 32])
                if regression:
                    F.mse_loss(out.squeeze(1), (targets[i:i + 32] - mean) / std).backward()
                else:
                    F.cross_entropy(out, y[i:i + 32]).backward()
                opt.step()
            with torch.no_grad():
                out = model(X_val)
            if regression:
                r2_score(val_targets.numpy(), np.full(len(X_val), mean))  # a baseline's score: not the model's
                printed.append(r2_score(val_targets.numpy(), out.squeeze(1).numpy() * std + mean))  # back on scale
            else:
                predicted = out.argmax(1).numpy()
                accuracy_score(y_val.numpy(), np.zeros(len(y_val)))  # a baseline's score: not the model's
                printed.append(accuracy_score(y_val.numpy(), predicted))
                f1_score(y_val.numpy(), predicted, average="macro")  # the same pass scored twice counts once

    for regression in (False, True):
        printed.clear()
        trace = probed(lambda regression=regression: loop(regression))
        assert trace.metric_name == ("r2" if regression else "accuracy")
        assert [r.val_metric for r in trace.epochs] == pytest.approx(printed, abs=1e-4)
        assert all(r.val_loss is None and r.val_metric_rows == len(X_val) for r in trace.epochs)
        compared = trace.data.val_compared_r2 if regression else trace.data.val_compared_accuracy
        assert compared == pytest.approx(printed[-1], abs=1e-4) and trace.data.val_compared_rows == len(X_val)
    import sklearn.metrics

    assert sklearn.metrics.r2_score is sklearn.metrics._regression.r2_score  # put back as it was


def test_a_single_scoring_without_a_loss_at_the_end_leaves_the_training_curve():
    X, y = _data()
    X_val, y_val = _data(128)[0] + 0.01, _data(128)[1]

    def loop():
        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for step in range(120):
            i = (step * 32) % 256
            opt.zero_grad()
            F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
            opt.step()
        with torch.no_grad():
            (model(X_val).argmax(1) == y_val).float().mean()

    trace = probed(loop)
    assert trace.data.val_compared_rows == len(X_val) and trace.data.val_compared_accuracy is not None
    assert len(trace.epochs) == 6 and all(r.val_metric is None and r.train_loss for r in trace.epochs)


def test_the_lr_the_scheduler_sets_is_recorded_and_a_collapse_is_named():
    trace = probed(classifier_loop(sched=lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=5, gamma=0.5)))
    assert trace.lrs[0] == 0.1 and trace.lrs[-1] < 1e-6 and trace.config["scheduler"] == "StepLR"
    top = diagnose(trace)[0]
    assert top.label == "lr_schedule_collapse" and top.patch == {"script.no_scheduler": True}
    assert top.where.startswith(f"{HERE}:") and "Raise the learning rate" not in top.fix
    kept = probed(classifier_loop(sched=lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=5, gamma=0.5)),
                  overrides={"no_scheduler": True})
    assert set(kept.lrs) == {0.1}


def test_momentum_and_betas_out_of_range_are_the_cause_not_the_lr():
    trace = probed(classifier_loop(opt_kwargs={"momentum": 0.999}))
    labels = [d.label for d in diagnose(trace)]
    assert trace.config["momentum"] == 0.999 and labels[0] == "momentum_misconfigured"
    assert "lr_too_high" not in labels


def _regression_loop(head=None, loss=None, steps=60, target_scale=1.0, batch=32):
    g = torch.Generator().manual_seed(2)
    X = torch.randn(256, 4, generator=g)
    y = (X @ torch.tensor([1.0, -2.0, 0.5, 0.0]) * target_scale).unsqueeze(1)

    def loop():
        model = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Linear(16, 1), *(head or []))
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for step in range(steps):
            i = (step * batch) % 256
            opt.zero_grad()
            pred = model(X[i:i + batch])
            (loss or F.mse_loss)(pred, y[i:i + batch]).backward()
            opt.step()
            if step % 10 == 9:
                with torch.no_grad():
                    F.mse_loss(model(X[:128] + 0.01), y[:128])

    return loop


def test_regression_gets_r2_and_a_relu_output_on_signed_targets_is_named():
    healthy = probed(_regression_loop())
    assert healthy.metric_name == "r2" and healthy.epochs[-1].val_metric > 0.5 and diagnose(healthy) == []
    relu = probed(_regression_loop(head=[nn.ReLU()]))
    assert relu.wiring.output_range == "nonnegative"
    assert diagnose(relu)[0].label == "output_activation_mismatch"


def test_a_multi_task_loss_scores_accuracy_on_its_class_rows_only():
    X, y = _data()
    amount = X[:, 0] * 2

    class TwoHeads(nn.Module):
        def __init__(self):
            super().__init__()
            self.trunk, self.cls, self.reg = nn.Sequential(nn.Linear(8, 32), nn.ReLU()), nn.Linear(32, 3), nn.Linear(32, 1)

        def forward(self, x):
            h = self.trunk(x)
            return self.cls(h), self.reg(h).squeeze(1)

    def loop():
        model = TwoHeads()
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(6):
            for i in range(0, len(X), 32):
                opt.zero_grad()
                logits, guess = model(X[i:i + 32])
                (F.cross_entropy(logits, y[i:i + 32]) + F.huber_loss(guess, amount[i:i + 32])).backward()
                opt.step()
        with torch.no_grad():
            loop.accuracy = float((model(X)[0].argmax(1) == y).float().mean())

    trace = probed(loop)
    assert trace.metric_name == "accuracy" and loop.accuracy > 0.9
    assert trace.epochs[-1].train_metric > loop.accuracy - 0.1  # the regression rows did not halve it


def test_token_id_inputs_are_counted_and_their_floor_is_a_bag_of_tokens_model():
    g = torch.Generator().manual_seed(3)
    tokens = torch.randint(1, 50, (512, 12), generator=g)
    y = (tokens == 7).any(1).long()  # the label is whether one token occurs: an id's value says nothing

    def loop():
        model = nn.Sequential(nn.EmbeddingBag(50, 8), nn.Linear(8, 2))
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
        for i in range(0, 512, 32):
            opt.zero_grad()
            F.cross_entropy(model(tokens[i:i + 32]), y[i:i + 32]).backward()
            opt.step()

    trace = probed(loop)
    assert trace.data.n_train == 512 and trace.data.train_inputs is None  # hashed, but no input statistics
    assert trace.data.simple_model_score > 0.9


def test_a_model_of_plain_tensors_gets_its_gradients_and_activations_read():
    X, y = _data()

    def loop(bias: float):
        def run():
            g = torch.Generator().manual_seed(0)
            w1, b1 = torch.randn(8, 32, generator=g) * 0.5, torch.full((32,), bias)
            w2, b2 = torch.randn(32, 3, generator=g) * 0.2, torch.zeros(3)
            params = [t.requires_grad_() for t in (w1, b1, w2, b2)]
            opt = torch.optim.Adam(params, lr=1e-3)
            for _ in range(8):
                for i in range(0, len(X), 32):
                    opt.zero_grad()
                    F.cross_entropy(F.relu(X[i:i + 32] @ w1 + b1) @ w2 + b2, y[i:i + 32]).backward()
                    opt.step()
        return run

    dead = probed(loop(-8.0))
    assert [g.name for g in dead.groups] == ["tensor 0 (8, 32)", "tensor 2 (32, 3)"] and dead.samples[-1].groups
    assert diagnose(dead)[0].label == "dying_relu"
    alive = probed(loop(0.0))
    assert "dying_relu" not in [d.label for d in diagnose(alive)]


def test_a_hand_written_loss_is_seen_with_its_broadcast_and_its_sum():
    broadcast = probed(_regression_loop(loss=lambda p, y: ((p - y.squeeze(1)) ** 2).mean()))
    assert broadcast.wiring.hand_written_loss_backwards == 60 and broadcast.wiring.loss_broadcast_calls > 0
    top = diagnose(broadcast)[0]
    assert top.label == "loss_shape_broadcast" and top.where.startswith(f"{HERE}:")
    summed = probed(_regression_loop(loss=lambda p, y: ((p - y) ** 2).sum()))
    assert summed.wiring.loss_sum_reduction_calls > 0 and diagnose(summed)[0].label == "wrong_loss_reduction"


def test_a_hand_written_loss_normalised_over_the_batch_axis_is_named():
    def wrong_axis(logits, y):
        return -torch.log_softmax(logits, dim=0).gather(1, y[:, None]).mean()

    def right_axis(logits, y):
        return -torch.log_softmax(logits, dim=1).gather(1, y[:, None]).mean()

    wrong = probed(classifier_loop(loss=wrong_axis))
    assert wrong.wiring.loss_wrong_axis_calls > 0
    assert diagnose(wrong)[0].label == "wrong_loss_reduction"
    right = probed(classifier_loop(loss=right_axis))
    assert right.wiring.loss_wrong_axis_calls == 0 and right.wiring.hand_written_loss_backwards > 0
    assert "wrong_loss_reduction" not in [d.label for d in diagnose(right)]


def test_a_pairwise_distance_loss_on_embeddings_is_no_broadcast():
    def contrastive(embeddings, y):
        distance = torch.cdist(embeddings, embeddings)
        same = (y[:, None] == y[None, :]).float()
        return (same * distance ** 2 + (1 - same) * F.relu(1 - distance) ** 2).mean()

    trace = probed(classifier_loop(loss=contrastive))
    assert trace.wiring.hand_written_loss_backwards > 0 and trace.wiring.loss_broadcast_calls == 0


def test_an_lbfgs_closure_is_read_as_one_step_with_its_loss():
    g = torch.Generator().manual_seed(4)
    X, X_val = torch.randn(200, 3, generator=g), torch.randn(50, 3, generator=g)
    y, y_val = (x @ torch.tensor([1.0, -1.0, 0.5]) + 0.1 * torch.sin(x[:, 0]) for x in (X, X_val))

    def loop():
        model = nn.Sequential(nn.Linear(3, 16), nn.Tanh(), nn.Linear(16, 1))
        opt = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=10)

        def closure():
            opt.zero_grad()
            loss = F.mse_loss(model(X).squeeze(1), y)
            loss.backward()
            return loss

        for _ in range(15):
            opt.step(closure)
            with torch.no_grad():
                F.mse_loss(model(X_val).squeeze(1), y_val)

    trace = probed(loop)
    assert math.isfinite(trace.losses[0]) and trace.losses[0] > trace.losses[-1]
    assert diagnose(trace) == []


def test_training_rows_augmented_each_draw_are_told_from_rows_that_repeat():
    X, y = _data()
    X_val, y_val = _data(64)[0] + 0.01, _data(64)[1]

    def loop(noise: float):
        def run():
            model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
            for _ in range(8):
                for i in range(0, len(X), 32):
                    opt.zero_grad()
                    batch = X[i:i + 32] + noise * torch.randn(len(X[i:i + 32]), 8)
                    F.cross_entropy(model(batch), y[i:i + 32]).backward()
                    opt.step()
                with torch.no_grad():
                    F.cross_entropy(model(X_val), y_val)
        return run

    assert probed(loop(0.5)).data.train_rows_fresh
    assert not probed(loop(0.0)).data.train_rows_fresh


def test_huge_regression_targets_are_named():
    trace = probed(_regression_loop(target_scale=1000.0))
    assert trace.wiring.target_std > 500
    assert diagnose(trace)[0].label == "unscaled_regression_target"


def test_a_sigmoid_before_a_with_logits_loss_and_bce_accuracy():
    X, y = _data(classes=2)

    def loop(sigmoid: bool):
        model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 1), *([nn.Sigmoid()] if sigmoid else []))
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _epoch in range(8):
            for i in range(0, 256, 32):
                opt.zero_grad()
                F.binary_cross_entropy_with_logits(model(X[i:i + 32]), y[i:i + 32, None].float()).backward()
                opt.step()
            with torch.no_grad():
                F.binary_cross_entropy_with_logits(model(X[:64] + 0.01), y[:64, None].float())

    plain = probed(lambda: loop(False))
    assert plain.metric_name == "accuracy" and plain.epochs[-1].val_metric > 0.8
    squashed = probed(lambda: loop(True))
    assert diagnose(squashed)[0].label == "output_activation_mismatch"


def test_backward_without_step_and_a_cut_graph_are_named():
    X, y = _data()

    def never_steps():
        model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for i in range(0, 256, 16):
            opt.zero_grad()
            F.cross_entropy(model(X[i:i + 16]), y[i:i + 16]).backward()

    trace = probed(never_steps)
    assert trace.wiring.optimizer_steps == 0 and diagnose(trace)[0].label == "optimizer_step_missing"

    class Cut(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder, self.head = nn.Linear(8, 32), nn.Linear(32, 3)

        def forward(self, x):
            return self.head(torch.relu(self.encoder(x)).detach())

    def cut():
        model = Cut()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for step in range(40):
            i = (step * 32) % 256
            opt.zero_grad()
            F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
            opt.step()

    top = diagnose(probed(cut))[0]
    assert top.label == "no_gradient_flow" and top.evidence["first"] == "encoder"
    assert top.where == f"{HERE}:{Cut.forward.__code__.co_firstlineno}"


def test_torch_func_training_runs_under_the_probes():
    X, y = _data()

    def loop():
        model = nn.Linear(8, 3)
        params = {k: v.detach() for k, v in model.named_parameters()}

        def loss_of(p, xb, yb):
            return F.cross_entropy(torch.func.functional_call(model, p, (xb,)), yb)

        for step in range(30):
            i = (step * 32) % 256
            grads = torch.func.grad(loss_of)(params, X[i:i + 32], y[i:i + 32])
            params = {k: params[k] - 0.1 * grads[k] for k in params}

    trace = probed(loop)
    assert diagnose(trace) == [] and trace.crash is None


def test_zero_grad_called_once_before_the_loop_is_missing_zero_grad():
    X, y = _data()

    def loop():
        model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        opt.zero_grad()
        for step in range(30):
            i = (step * 32) % 256
            F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
            opt.step()

    trace = probed(loop)
    assert trace.wiring.zero_grad_calls == 1 and trace.wiring.stale_grad_backwards > 0
    assert diagnose(trace)[0].label == "missing_zero_grad"


def test_a_constant_init_is_named_as_the_plateaus_cause():
    X, y = _data()

    def loop():
        model = nn.Sequential(nn.Linear(8, 16), nn.Tanh(), nn.Linear(16, 3))
        for layer in (model[0], model[2]):
            nn.init.constant_(layer.weight, 0.05)
        opt = torch.optim.SGD(model.parameters(), lr=0.01)
        for step in range(40):
            i = (step * 32) % 256
            opt.zero_grad()
            F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
            opt.step()

    trace = probed(loop)
    assert trace.config["constant_init_layers"] == "0,2"
    top = diagnose(trace)[0]
    assert top.label == "plateau" and "nn.init.constant_" in top.fix


def test_the_output_range_is_the_output_activation_s_not_the_values_seen():
    layer = nn.Linear(3, 1)
    x = torch.randn(32, 3)
    assert output_range(layer(x) * 1e-3) is None  # tiny raw outputs of a slow model: bounded by nothing
    assert output_range(torch.sigmoid(layer(x)).squeeze(1)) == "unit"
    assert output_range(torch.relu(layer(x)).view(-1)) == "nonnegative"
    assert output_range(torch.tanh(layer(x)).float()) == "symmetric_unit"
    assert output_range(torch.full((32,), 0.45)) is None  # no graph: nothing to read


def test_a_summed_loss_is_seen_through_a_sign_or_a_constant_factor():
    x = torch.randn(16, 3, requires_grad=True)
    assert summed(-x.sum()) and summed(0.5 * x.sum()) and summed(x.sum() / 2)
    assert not summed(x.sum() / len(x)) and not summed(x.mean()) and not summed(x.sum() * x.sum())


def test_an_initial_score_on_training_rows_is_not_validation():
    X, y = _data()
    X_val, y_val = _data(128)[0] + 0.01, _data(128)[1]

    def loop():
        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        with torch.no_grad():
            F.cross_entropy(model(X), y)  # "initial loss", before any training step
        for _ in range(4):
            for i in range(0, len(X), 32):
                opt.zero_grad()
                F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
                opt.step()
            with torch.no_grad():
                F.cross_entropy(model(X_val), y_val)

    trace = probed(loop)
    assert trace.data.val_in_train_fraction == 0 and trace.data.n_val == 128
    assert len(trace.epochs) == 4 and "train_val_overlap" not in [d.label for d in diagnose(trace)]


def test_layers_kept_in_a_python_list_are_missing_from_the_optimizer():
    X, y = _data()

    class ListMLP(nn.Module):
        def __init__(self):
            super().__init__()
            self.hidden = [nn.Linear(8, 32), nn.Linear(32, 32)]  # not registered: model.parameters() misses them
            self.out = nn.Linear(32, 3)

        def forward(self, x):
            for layer in self.hidden:
                x = torch.relu(layer(x))
            return self.out(x)

    def loop():
        model = ListMLP()
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for i in range(0, 8 * len(X), 32):
            opt.zero_grad()
            F.cross_entropy(model(X[i % len(X):i % len(X) + 32]), y[i % len(X):i % len(X) + 32]).backward()
            opt.step()

    top = diagnose(probed(loop))[0]
    assert top.label == "params_missing_from_optimizer" and top.evidence["unregistered"] is True
    assert "(32, 8)" in top.evidence["first"] and "nn.ModuleList" in top.fix


def test_inputs_that_require_grad_are_data_not_parameters_left_out_of_the_optimizer():
    """A physics-informed loss differentiates the model with respect to its inputs, so the loss depends on
    leaves no optimizer holds: collocation columns joined into one input, and a boundary input given last."""
    class Field(nn.Module):
        def __init__(self):
            super().__init__()
            self.net = nn.Sequential(nn.Linear(2, 32), nn.Tanh(), nn.Linear(32, 1))

        def forward(self, x, t):
            return self.net(torch.cat([x, t], 1))

    def loop(stray: torch.Tensor | None = None):
        model = Field()
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(40):
            x = torch.rand(64, 1).requires_grad_(True)
            t = torch.rand(64, 1).requires_grad_(True)
            u = model(x, t)
            u_t, u_x = torch.autograd.grad(u, (t, x), torch.ones_like(u), create_graph=True)
            u_xx = torch.autograd.grad(u_x, x, torch.ones_like(u_x), create_graph=True)[0]
            edge = torch.zeros(16, 1).requires_grad_(True)
            boundary = model(edge, torch.rand(16, 1)) * (1.0 if stray is None else stray)
            loss = (u_t - 0.1 * u_xx).pow(2).mean() + boundary.pow(2).mean()
            opt.zero_grad()
            loss.backward()
            opt.step()

    labels = [d.label for d in diagnose(probed(loop))]
    assert "params_missing_from_optimizer" not in labels
    # A learnable scale kept outside the model and the optimizer is still named.
    left_out = diagnose(probed(lambda: loop(torch.ones(1, requires_grad=True))))
    assert "params_missing_from_optimizer" in [d.label for d in left_out]


def test_a_head_trained_after_the_model_with_a_layer_its_optimizer_never_held_is_named():
    X, y = _data()

    def loop(replace_layer: bool):
        def train(model, steps, replace=False):
            opt = torch.optim.Adam(model.parameters(), lr=1e-2)
            if replace:
                model[-1] = nn.Linear(16, 3)  # after the optimizer took the old layer's parameters
            for i in range(steps):
                rows = slice(i * 32 % len(X), i * 32 % len(X) + 32)
                opt.zero_grad()
                F.cross_entropy(model(X[rows]), y[rows]).backward()
                opt.step()

        # The first model trains first, and the probe settles on it; the head's backwards come later.
        train(nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3)), 40)
        train(nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3)), 200, replace=replace_layer)

    labels = [d.label for d in diagnose(probed(lambda: loop(True)))]
    assert labels[:1] == ["params_missing_from_optimizer"]
    assert "params_missing_from_optimizer" not in [d.label for d in diagnose(probed(lambda: loop(False)))]


def test_one_param_group_s_learning_rate_is_named_not_the_shared_one():
    trace = probed(classifier_loop(steps=60, opt_kwargs={"momentum": 0.9}))
    assert "lr_too_high" not in [d.label for d in diagnose(trace)]

    X, y = _data()

    def loop():
        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
        opt = torch.optim.SGD([{"params": model[0].parameters(), "lr": 40.0}, {"params": model[2].parameters()}],
                              lr=0.02, momentum=0.9)
        for _ in range(8):
            for i in range(0, len(X), 32):
                opt.zero_grad()
                F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
                opt.step()

    found = diagnose(probed(loop))
    labels = [d.label for d in found]
    assert labels[0] == "bad_update_ratio" and "lr_too_high" not in labels
    assert found[0].evidence["group_to_change"] == "0" and "'0'" in found[0].fix


def test_a_loss_that_never_moved_is_not_a_learning_rate_too_high():
    g = torch.Generator().manual_seed(3)
    angle, radius = torch.rand(1024, generator=g) * 6.283, torch.randint(1, 3, (1024,), generator=g).float()
    X = torch.stack([radius * angle.cos(), radius * angle.sin()], 1) + 0.05 * torch.randn(1024, 2, generator=g)
    y = (radius > 1.5).float()  # two rings: nothing a linear model can separate

    def loop():
        model = nn.Linear(2, 1)
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(12):
            for i in range(0, 896, 32):
                opt.zero_grad()
                F.binary_cross_entropy_with_logits(model(X[i:i + 32]).squeeze(1), y[i:i + 32]).backward()
                opt.step()
            with torch.no_grad():
                F.binary_cross_entropy_with_logits(model(X[896:]).squeeze(1), y[896:])

    labels = [d.label for d in diagnose(probed(loop))]
    assert labels and labels[0] == "underfitting" and "lr_too_high" not in labels


def test_an_autoencoder_is_not_compared_with_a_model_fitted_to_one_pixel():
    X, _ = _data(512)

    def loop():
        model = nn.Sequential(nn.Linear(8, 3), nn.ReLU(), nn.Linear(3, 8))  # a bottleneck, on purpose
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(10):
            for i in range(0, 448, 32):
                opt.zero_grad()
                F.mse_loss(model(X[i:i + 32]), X[i:i + 32]).backward()
                opt.step()
            with torch.no_grad():
                F.mse_loss(model(X[448:]), X[448:])

    trace = probed(loop)
    assert trace.data.simple_model_score is None and "underfitting" not in [d.label for d in diagnose(trace)]


def test_a_shift_that_two_features_carry_is_found_as_drift():
    g = torch.Generator().manual_seed(4)
    X, X_val = torch.randn(1024, 10, generator=g), torch.randn(512, 10, generator=g)
    y, y_val = (X[:, :6].sum(1) > 0).long(), (X_val[:, :6].sum(1) > 0).long()
    X_val[:, :2] += 2.0  # a later batch: two sensors read high, the other eight do not move, the truth neither

    def loop():
        model = nn.Sequential(nn.Linear(10, 32), nn.ReLU(), nn.Linear(32, 2))
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for _ in range(4):
            for i in range(0, len(X), 64):
                opt.zero_grad()
                F.cross_entropy(model(X[i:i + 64]), y[i:i + 64]).backward()
                opt.step()
            with torch.no_grad():
                F.cross_entropy(model(X_val), y_val)

    trace = probed(loop)
    assert trace.data.val_shift_sd < 0.5 and trace.data.drift_status == "fail"
    assert [d.label for d in diagnose(trace)][0] == "train_val_drift"
    same = probed(classifier_loop())  # validation drawn like training
    assert same.data.drift_status == "pass" and "train_val_drift" not in [d.label for d in diagnose(same)]


def test_the_evaluation_of_weights_loaded_back_after_training_is_kept_apart_from_the_curves():
    X, y = _data()
    X_val, y_val = _data(128)[0] + 0.01, _data(128)[1]

    def loop(restore: bool):
        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        saved = None
        for epoch in range(6):
            for i in range(0, len(X), 32):
                opt.zero_grad()
                F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
                opt.step()
            with torch.no_grad():
                F.cross_entropy(model(X_val), y_val)
            if epoch == 2:
                saved = {k: v.clone() for k, v in model.state_dict().items()}
        if restore:
            model.load_state_dict(saved)
            with torch.no_grad():
                F.cross_entropy(model(X_val), y_val)

    plain, restored = probed(lambda: loop(False)), probed(lambda: loop(True))
    assert plain.restored is None and len(plain.epochs) == len(restored.epochs) == 6
    assert restored.restored.val_loss == pytest.approx(restored.epochs[2].val_loss, rel=1e-6)
    assert restored.epochs[-1].val_loss == pytest.approx(plain.epochs[-1].val_loss, rel=1e-6)
    assert restored_epoch(restored) is restored.epochs[2]


def _graph(nodes=300, d=6):
    g = torch.Generator().manual_seed(2)
    A = (torch.rand(nodes, nodes, generator=g) < 0.02).float()
    A = (A + A.T + torch.eye(nodes)).clamp(max=1)
    A = A / A.sum(1, keepdim=True)
    X = torch.randn(nodes, d, generator=g)
    y = (A @ X)[:, 0].gt(0).long()
    return A, X, y


def test_a_graph_whose_splits_are_masks_of_its_nodes_is_no_overlap():
    A, X, y = _graph()
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(3))
    train, val = order[:200], order[200:]

    class GCN(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin1, self.lin2 = nn.Linear(6, 16), nn.Linear(16, 2)

        def forward(self, a, x):
            return self.lin2(a @ torch.relu(self.lin1(a @ x)))

    def loop():
        model = GCN()
        opt = torch.optim.Adam(model.parameters(), lr=0.02)
        for _ in range(60):
            opt.zero_grad()
            F.cross_entropy(model(A, X)[train], y[train]).backward()  # every pass sees all the nodes
            opt.step()
            with torch.no_grad():
                F.cross_entropy(model(A, X)[val], y[val])

    trace = probed(loop)
    assert trace.data.val_in_train_fraction is None and trace.wiring.train_row_eval_forwards == 0
    assert "train_val_overlap" not in [d.label for d in diagnose(trace)]
    assert trace.epochs[-1].val_loss is not None


def test_an_example_is_keyed_by_all_its_input_tensors():
    g = torch.Generator().manual_seed(4)
    shape = torch.eye(5).expand(400, 5, 5).contiguous()  # every graph has one shape; features tell them apart
    X = torch.randn(400, 5, 3, generator=g)
    y = X.sum((1, 2)).gt(0).long()

    class SetModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 2)

        def forward(self, a, x):
            return self.lin((a @ x).mean(1))

    def loop():
        model = SetModel()
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for _ in range(5):
            for i in range(0, 300, 30):
                opt.zero_grad()
                F.cross_entropy(model(shape[i:i + 30], X[i:i + 30]), y[i:i + 30]).backward()
                opt.step()
            with torch.no_grad():
                F.cross_entropy(model(shape[300:], X[300:]), y[300:])

    trace = probed(loop)
    assert trace.data.val_in_train_fraction == 0 and trace.data.n_train == 300


def test_rows_the_population_repeats_are_not_overlap_but_copied_rows_are():
    X, y = _data(300)
    common = X[0].clone()
    X[::4], y[::4] = common, y[0]  # a quarter of all rows are one common example, in both splits
    val_rows = torch.cat([_data(100)[0] + 0.01, common.expand(25, 8)])
    val_y = torch.cat([_data(100)[1], y[0].expand(25)])

    def loop(val_x):
        def run():
            model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3))
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
            for _ in range(4):
                for i in range(0, len(X), 30):
                    opt.zero_grad()
                    F.cross_entropy(model(X[i:i + 30]), y[i:i + 30]).backward()
                    opt.step()
                with torch.no_grad():
                    F.cross_entropy(model(val_x), val_y[:len(val_x)])
        return run

    assert probed(loop(val_rows)).data.val_in_train_fraction == 0
    copied = X[1:101]  # training rows drawn there once each, and the common example: 76 distinct rows
    assert probed(loop(copied)).data.val_in_train_fraction == pytest.approx(75 / 76)


def test_after_pretraining_on_another_loss_only_the_final_objective_is_judged():
    X, y = _data()

    def loop():
        encoder, head = nn.Sequential(nn.Linear(8, 16), nn.ReLU()), nn.Linear(16, 3)
        decoder = nn.Linear(16, 8)
        opt = torch.optim.Adam([*encoder.parameters(), *decoder.parameters()], lr=0.01)
        for _ in range(40):  # pretraining: reconstruct the inputs
            opt.zero_grad()
            F.mse_loss(decoder(encoder(X)), X).backward()
            opt.step()
        model = nn.Sequential(encoder, head)
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        for _ in range(30):
            opt.zero_grad()
            F.cross_entropy(model(X), y).backward()
            opt.step()

    trace = probed(loop)
    assert len(trace.losses) == len(trace.steps) == 30 and trace.steps[0] == 40
    assert trace.task == "classification" and trace.losses[0] > 0.9  # the head's first loss, near ln 3


def test_windows_of_a_repetitive_text_in_both_splits_are_no_overlap():
    text = torch.tensor([1, 2, 3, 4, 5, 6, 7, 8] * 80)  # a language with few distinct windows
    windows = text.unfold(0, 9, 3)
    train, val = windows[:150], windows[150:]

    def loop():
        model = nn.Sequential(nn.Embedding(9, 16), nn.Linear(16, 9))
        opt = torch.optim.Adam(model.parameters(), lr=0.01)
        for _ in range(3):
            for i in range(0, len(train), 25):
                batch = train[i:i + 25]
                opt.zero_grad()
                F.cross_entropy(model(batch[:, :-1]).reshape(-1, 9), batch[:, 1:].reshape(-1)).backward()
                opt.step()
            with torch.no_grad():
                F.cross_entropy(model(val[:, :-1]).reshape(-1, 9), val[:, 1:].reshape(-1))

    trace = probed(loop)
    assert trace.data.n_val and trace.data.val_in_train_fraction is None
    assert "train_val_overlap" not in [d.label for d in diagnose(trace)]


def test_inputs_a_model_standardises_itself_are_judged_where_they_reach_the_first_layer():
    X = torch.randn(256, 8, generator=torch.Generator().manual_seed(5)) * torch.logspace(0, 3, 8) + 500
    y = (X[:, 0] > 500).long()

    def loop(first: nn.Module):
        def run():
            model = nn.Sequential(first, nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 2))
            opt = torch.optim.SGD(model.parameters(), lr=0.05)
            for _ in range(6):
                for i in range(0, 256, 32):
                    opt.zero_grad()
                    F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
                    opt.step()
        return run

    inside = probed(loop(nn.BatchNorm1d(8)))  # raw features in, standardised ones into the first Linear
    assert inside.data.train_inputs.p90_abs > 100 and inside.data.first_layer_inputs.p90_abs < 3
    assert "unnormalized_inputs" not in [d.label for d in diagnose(inside)]
    raw = probed(loop(nn.Identity()))
    assert raw.data.first_layer_inputs.p90_abs > 100 and diagnose(raw)[0].label == "unnormalized_inputs"


def test_a_temperature_fitted_after_training_is_not_a_training_step():
    X, y = _data()

    def loop():
        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
        opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
        for _ in range(5):
            for i in range(0, len(X), 32):
                opt.zero_grad()
                F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
                opt.step()
        with torch.no_grad():
            logits = model(X)
        log_t = torch.zeros(1, requires_grad=True)
        calibrate = torch.optim.LBFGS([log_t], lr=0.1, max_iter=50)

        def closure():
            calibrate.zero_grad()
            loss = F.cross_entropy(logits / log_t.exp(), y)
            loss.backward()
            return loss

        calibrate.step(closure)

    trace = probed(loop)
    assert len(trace.steps) == 40 and trace.optimizer == "sgd" and set(trace.lrs) == {0.1}
    assert trace.config["momentum"] == 0.9


def test_dropout_sampled_beside_an_eval_mode_pass_is_not_validation_in_train_mode():
    X, y = _data()

    def loop(mc_samples: bool):
        def run():
            model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Dropout(0.3), nn.Linear(32, 3))
            opt = torch.optim.SGD(model.parameters(), lr=0.1)
            for _ in range(5):
                model.train()
                for i in range(0, len(X), 32):
                    opt.zero_grad()
                    F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
                    opt.step()
                with torch.no_grad():
                    if mc_samples:
                        model.eval()
                        F.cross_entropy(model(X[:64] + 0.01), y[:64])
                        model.train()  # MC dropout: sampled on purpose, beside the eval-mode pass
                    for _ in range(5):
                        F.cross_entropy(model(X[:64] + 0.01), y[:64])
        return run

    sampled = probed(loop(True))
    assert sampled.wiring.nograd_forwards_in_train == 0
    assert "train_mode_in_validation" not in [d.label for d in diagnose(sampled)]
    never_eval = probed(loop(False))
    assert never_eval.wiring.nograd_forwards_in_train == 25
    assert diagnose(never_eval)[0].label == "train_mode_in_validation"


def test_a_contrastive_pretraining_is_an_objective_apart_from_the_probe_trained_after_it():
    X, y = _data()

    def loop():
        encoder = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 16))
        opt = torch.optim.Adam(encoder.parameters(), lr=0.01)
        for _ in range(30):  # InfoNCE: two noisy views, each row's positive is its own other view
            a = F.normalize(encoder(X[:64] + 0.1 * torch.randn(64, 8)), dim=1)
            b = F.normalize(encoder(X[:64] + 0.1 * torch.randn(64, 8)), dim=1)
            opt.zero_grad()
            F.cross_entropy(a @ b.T / 0.1, torch.arange(64)).backward()
            opt.step()
        probe = nn.Linear(16, 3)
        opt = torch.optim.Adam(probe.parameters(), lr=0.05)
        for _ in range(30):
            with torch.no_grad():
                features = encoder(X)
            opt.zero_grad()
            F.cross_entropy(probe(features), y).backward()
            opt.step()

    trace = probed(loop)
    assert len(trace.losses) == 30 and trace.num_classes == 3 and trace.losses[0] < 2  # the probe's, near ln 3
    assert "bad_init_loss" not in [d.label for d in diagnose(trace)]
    assert contrastive(torch.randn(4, 4), torch.tensor([2, 3, 0, 1]))
    assert not contrastive(torch.randn(4, 4), torch.tensor([0, 0, 1, 2]))  # a 4-class batch of 4 rows


def test_a_model_deep_copied_during_training_runs_on_under_the_probe():
    X, y = _data()
    copies = []

    def loop():
        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
        opt = torch.optim.SGD(model.parameters(), lr=0.1)
        for _ in range(3):
            for i in range(0, len(X), 32):
                opt.zero_grad()
                F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
                opt.step()
            copies.append(copy.deepcopy(model).eval())  # a frozen teacher, as learning-without-forgetting keeps

    trace = probed(loop)
    assert trace.ended == "finished" and len(trace.steps) == 24
    assert len(copies) == 3 and not torch.equal(copies[0][0].weight, copies[-1][0].weight)  # snapshots, apart


def test_the_start_of_a_classifier_is_read_from_its_cross_entropy_not_from_the_sum_it_is_part_of():
    """Symmetric cross-entropy adds a reverse term worth about 4 x (1 - 1/C) at init: the loss backpropagated
    starts far above ln(C) while the classifier itself starts at chance. Logits scaled up 30x do not."""
    def symmetric(logits, y):
        reverse = -(F.softmax(logits, 1) * F.one_hot(y, 3).float().clamp(min=1e-4).log()).sum(1).mean()
        return F.cross_entropy(logits, y) + reverse

    robust = probed(classifier_loop(loss=symmetric))
    assert robust.losses[0] > 3 * math.log(3)
    assert abs(robust.wiring.first_class_loss - math.log(3)) < 0.3 and robust.wiring.first_class_loss_classes == 3
    assert "bad_init_loss" not in [d.label for d in diagnose(robust)]
    confident = probed(classifier_loop(loss=lambda logits, y: F.cross_entropy(30 * logits, y) + 0.0 * logits.sum()))
    assert confident.wiring.first_class_loss > 3 * math.log(3)
    assert "bad_init_loss" in [d.label for d in diagnose(confident)]


def test_a_weight_used_through_data_gets_no_gradient_while_its_bias_does():
    """A fake-quantised layer that quantises ``self.weight.data`` cuts its weight out of the graph; the bias
    still learns, so the layer as a whole did get gradients."""
    X, y = _data()

    class DataLinear(nn.Linear):
        def forward(self, x):
            return F.linear(x, torch.round(self.weight.data * 8) / 8, self.bias)

    def loop(layer=DataLinear):
        model = nn.Sequential(layer(8, 32), nn.ReLU(), layer(32, 32), nn.ReLU(), nn.Linear(32, 3))
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for step in range(60):
            i = (step * 32) % 256
            opt.zero_grad()
            F.cross_entropy(model(X[i:i + 32]), y[i:i + 32]).backward()
            opt.step()

    top = diagnose(probed(loop))[0]
    assert top.label == "no_gradient_flow" and top.evidence["first"] == "0"
    assert top.evidence["params_share"] > 0.8
    assert "no_gradient_flow" not in [d.label for d in diagnose(probed(lambda: loop(nn.Linear)))]


def test_a_second_model_trained_after_the_first_takes_the_focus_and_models_that_take_turns_do_not():
    """A student distilled after its teacher is the model the script delivers: the trace holds its layers, its
    steps and a fresh sample schedule. A GAN's two optimizers step in turns, so the first model keeps the focus."""
    X, y = _data()

    def distil():
        teacher = nn.Sequential(nn.Linear(8, 64), nn.ReLU(), nn.Linear(64, 3))
        opt = torch.optim.Adam(teacher.parameters(), lr=1e-2)
        for step in range(80):
            i = (step * 32) % 256
            opt.zero_grad()
            F.cross_entropy(teacher(X[i:i + 32]), y[i:i + 32]).backward()
            opt.step()
        student = nn.Sequential(nn.Linear(8, 5), nn.Tanh(), nn.Linear(5, 3))
        opt = torch.optim.Adam(student.parameters(), lr=1e-2)
        for step in range(60):
            i = (step * 32) % 256
            with torch.no_grad():
                soft = F.softmax(teacher(X[i:i + 32]), 1)
            logits = student(X[i:i + 32])
            loss = F.cross_entropy(logits, y[i:i + 32]) + F.kl_div(F.log_softmax(logits, 1), soft, reduction="batchmean")
            opt.zero_grad()
            loss.backward()
            opt.step()

    trace = probed(distil)
    assert len(trace.losses) == 60 and trace.steps[0] == 80
    assert {g.n_params for g in trace.groups} == {8 * 5 + 5, 5 * 3 + 3}
    first = trace.samples[0].step
    assert 80 < first <= 80 + REFOCUS_STEPS and [s.step for s in trace.samples[:3]] == [first, first + 1, first + 2]

    def gan():
        real = torch.randn(256, 2) * 0.5 + 2
        generator = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
        critic = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 1))
        g_opt = torch.optim.Adam(generator.parameters(), lr=1e-3)
        c_opt = torch.optim.Adam(critic.parameters(), lr=1e-3)
        ones, zeros = torch.ones(32, 1), torch.zeros(32, 1)
        for step in range(60):
            fake = generator(torch.randn(32, 4))
            c_opt.zero_grad()
            (F.binary_cross_entropy_with_logits(critic(real[(step * 32) % 256:][:32]), ones)
             + F.binary_cross_entropy_with_logits(critic(fake.detach()), zeros)).backward()
            c_opt.step()
            g_opt.zero_grad()
            F.binary_cross_entropy_with_logits(critic(fake), ones).backward()
            g_opt.step()

    turns = probed(gan)
    assert len(turns.losses) == 120 and {g.n_params for g in turns.groups} == {2 * 16 + 16, 16 + 1}

    def head_on_backbone():
        backbone, head = nn.Sequential(nn.Linear(8, 32), nn.ReLU()), nn.Linear(32, 3)
        for params in ([*backbone.parameters(), *head.parameters()], [*head.parameters()]):
            opt = torch.optim.Adam(params, lr=1e-2)
            for step in range(40):
                i = (step * 32) % 256
                opt.zero_grad()
                F.cross_entropy(head(backbone(X[i:i + 32])), y[i:i + 32]).backward()
                opt.step()

    fed = probed(head_on_backbone)
    assert {g.n_params for g in fed.groups} == {8 * 32 + 32}  # the backbone keeps the focus


def test_a_discriminator_scoring_real_against_generated_rows_is_no_classifier_whose_labels_lack_signal():
    """A GAN's discriminator scores real rows against ones and generated rows against zeros in each of its
    steps; at equilibrium it is at chance by design. A classifier whose labels were shuffled stays a finding."""
    real = torch.randn(512, 2) * 0.5 + 2

    def gan(steps=150):
        generator = nn.Sequential(nn.Linear(4, 32), nn.ReLU(), nn.Linear(32, 2))
        critic = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 1))
        c_opt, g_opt = torch.optim.Adam(critic.parameters(), lr=2e-3), torch.optim.Adam(generator.parameters(), lr=2e-3)
        ones, zeros = torch.ones(64, 1), torch.zeros(64, 1)
        for step in range(steps):
            fake = torch.randn(64, 2) * 0.5 + 2 + 0.01 * generator(torch.randn(64, 4))  # a generator at its goal
            i = (step * 64) % 512
            c_opt.zero_grad()
            (F.binary_cross_entropy_with_logits(critic(real[i:i + 64]), ones)
             + F.binary_cross_entropy_with_logits(critic(fake.detach()), zeros)).backward()
            c_opt.step()
            g_opt.zero_grad()
            F.binary_cross_entropy_with_logits(critic(fake), ones).backward()
            g_opt.step()

    trace = probed(gan)
    assert trace.wiring.real_fake_steps >= 3
    assert "labels_no_signal" not in [d.label for d in diagnose(trace)]

    X, y = _data(512, classes=2)
    shuffled = y[torch.randperm(len(y))].float()

    def no_signal():
        model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 1))
        opt = torch.optim.Adam(model.parameters(), lr=1e-2)
        for step in range(150):
            i = (step * 64) % 448
            opt.zero_grad()
            F.binary_cross_entropy_with_logits(model(X[i:i + 64]).squeeze(1), shuffled[i:i + 64]).backward()
            opt.step()
        with torch.no_grad():
            F.binary_cross_entropy_with_logits(model(X[448:]).squeeze(1), shuffled[448:])

    shuffled_trace = probed(no_signal)
    assert shuffled_trace.wiring.real_fake_steps == 0
    assert "labels_no_signal" in [d.label for d in diagnose(shuffled_trace)]


def test_a_model_that_takes_the_focus_late_has_its_train_metric_pass_told_from_validation():
    """The next seed's model takes the focus after REFOCUS_STEPS steps, an epoch here: its training rows are
    hashed from the next epoch on, and until they are, its no-grad passes are not taken as validation rows."""
    def seeds():
        for seed in (0, 1):
            generator = torch.Generator().manual_seed(seed)
            X, y = torch.randn(200, 8, generator=generator), torch.randint(0, 3, (200,), generator=generator)
            X_tr, y_tr, X_va, y_va = X[:160], y[:160], X[160:], y[160:]
            model = nn.Sequential(nn.Linear(8, 32), nn.ReLU(), nn.Linear(32, 3))
            opt = torch.optim.Adam(model.parameters(), lr=1e-2)
            for _ in range(6):
                for i in range(0, 160, 32):
                    opt.zero_grad()
                    F.cross_entropy(model(X_tr[i:i + 32]), y_tr[i:i + 32]).backward()
                    opt.step()
                with torch.no_grad():
                    F.cross_entropy(model(X_tr), y_tr)  # the train metric
                    F.cross_entropy(model(X_va), y_va)

    trace = probed(seeds)
    assert trace.steps[0] == 30 and trace.data.val_in_train_fraction == 0
    assert "train_val_overlap" not in [d.label for d in diagnose(trace)]


def test_an_ensemble_trained_through_vmap_on_a_meta_skeleton_is_read_from_its_stacked_weights():
    """torch.func's ensembling runs stacked weights through a copy of the model on the meta device: that copy
    has no weights to read, so the trace's groups are the stacked tensors the optimizer holds."""
    from torch.func import functional_call, stack_module_state

    X, y = _data()

    def loop():
        members = [nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 3)) for _ in range(3)]
        params, buffers = stack_module_state(members)
        skeleton = copy.deepcopy(members[0]).to("meta")

        def one(p, b, x):
            return functional_call(skeleton, (p, b), (x,))

        opt = torch.optim.Adam(params.values(), lr=1e-2)
        for step in range(40):
            i = (step * 32) % 256
            out = torch.vmap(one, in_dims=(0, 0, None))(params, buffers, X[i:i + 32])
            opt.zero_grad()
            F.cross_entropy(out.reshape(-1, 3), y[i:i + 32].repeat(3)).backward()
            opt.step()

    trace = probed(loop)
    assert trace.wiring.optimizer_steps == 40 and sum(g.n_params for g in trace.groups) == 3 * (8 * 16 + 16 + 16 * 3 + 3)
