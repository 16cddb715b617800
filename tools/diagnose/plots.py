"""PNG plots of a trace: learning curves, gradient flow, confusion matrix."""

from __future__ import annotations

import io

import numpy as np

from ml_expert.tools.diagnose.trace import Trace

MAX_GROUPS_PLOTTED = 8


def _figure(ncols: int = 1, width: float = 6.0):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt, *plt.subplots(1, ncols, figsize=(width * ncols, 4))


def _png(plt, fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()


def learning_curves_png(trace: Trace, title: str, after: Trace | None = None) -> bytes:
    plt, fig, (loss_ax, metric_ax) = _figure(2)
    for label, run, style in (("before", trace, "-"), ("after fix", after, "--")):
        if run is None:
            continue
        rows = run.epochs
        if rows:
            x = [r.epoch for r in rows]
            for name, ax, column in (("train loss", loss_ax, "train_loss"), ("val loss", loss_ax, "val_loss"),
                                     ("train", metric_ax, "train_metric"), ("val", metric_ax, "val_metric")):
                y = [getattr(r, column) for r in rows]
                if any(v is not None for v in y):
                    ax.plot(x, [np.nan if v is None else v for v in y], style, label=f"{name} ({label})")
            loss_ax.set_xlabel("epoch")
            metric_ax.set_xlabel("epoch")
        elif run.losses:
            loss_ax.plot(run.steps, run.losses, style, label=f"train loss ({label})")
            loss_ax.set_xlabel("step")
    loss_ax.set_yscale("symlog", linthresh=1e-2)
    loss_ax.set_title("loss")
    metric_ax.set_title(trace.metric_name or "metric")
    for ax in (loss_ax, metric_ax):
        if ax.lines:
            ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=9)
    return _png(plt, fig)


def gradient_flow_png(trace: Trace, title: str) -> bytes:
    plt, fig, ax = _figure(1, 7.0)
    names = [g.name for g in trace.groups if g.got_grad][:MAX_GROUPS_PLOTTED]
    for name in names:
        points = [(s.step, s.groups[name].grad_rms) for s in trace.samples
                  if name in s.groups and s.groups[name].grad_rms]
        if points:
            ax.plot(*zip(*points, strict=True), marker=".", label=name)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("gradient RMS")
    ax.set_title(title, fontsize=9)
    if ax.lines:
        ax.legend(fontsize=7)
    return _png(plt, fig)


def confusion_matrix_png(targets: np.ndarray, predictions: np.ndarray, class_names: list[str], title: str) -> bytes:
    k = len(class_names)
    matrix = np.zeros((k, k), dtype=int)
    np.add.at(matrix, (targets.astype(int), predictions.astype(int)), 1)
    plt, fig, ax = _figure(1, 5.0)
    ax.imshow(matrix, cmap="Blues")
    if k <= 20:
        for i in range(k):
            for j in range(k):
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7)
        ax.set_xticks(range(k), class_names, rotation=90, fontsize=7)
        ax.set_yticks(range(k), class_names, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title(title, fontsize=9)
    return _png(plt, fig)
