"""The study's pictures as PNG bytes: optimisation history, parameter importances, Pareto front."""

from __future__ import annotations

import io

import numpy as np


def _figure(width: float = 7.5, height: float = 4.2):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height))
    return plt, fig, ax


def _png(plt, fig) -> bytes:
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


def history_png(trials: list, objective_label: str, maximize: bool, base_value: float | None, *,
                show_pruned: bool = True) -> bytes:
    """Every finished trial's value (pruned ones at their last reported value, when that value is the
    objective's own) and the best so far. Trials keep Optuna's numbers (#0 first), as in the result."""
    plt, fig, ax = _figure()
    complete = [(t.number, t.values[0]) for t in trials if t.state.name == "COMPLETE"]
    pruned = [(t.number, t.value) for t in trials
              if show_pruned and t.state.name == "PRUNED" and t.value is not None]
    if complete:
        numbers, values = zip(*complete, strict=True)
        ax.scatter(numbers, values, s=18, label=f"complete ({len(complete)})", color="tab:blue")
        best = list(np.maximum.accumulate(values) if maximize else np.minimum.accumulate(values))
        last = trials[-1].number  # the line runs on to the last trial, complete or not
        ax.step([*numbers, last], [*best, best[-1]], where="post", color="tab:red", label="best so far")
    if pruned:
        numbers, values = zip(*pruned, strict=True)
        ax.scatter(numbers, values, s=14, marker="x", color="tab:gray", label=f"pruned ({len(pruned)}), last value")
    if base_value is not None:
        ax.axhline(base_value, color="black", linestyle=":", linewidth=1, label="base configuration")
    ax.set_xlabel("trial number (#0 first)")
    ax.set_ylabel(objective_label)
    ax.set_title("Optimisation history")
    ax.legend(loc="best", fontsize=8)
    return _png(plt, fig)


def importances_png(importances: dict[str, float]) -> bytes:
    plt, fig, ax = _figure(height=max(2.0, 0.45 * len(importances) + 1.2))
    names = list(importances)[::-1]  # most important on top
    ax.barh(names, [importances[n] for n in names], color="tab:blue")
    ax.set_xlabel("importance (share of the objective's variation)")
    ax.set_title("Parameter importances")
    return _png(plt, fig)


def pareto_png(trials: list, front_numbers: set[int], labels: list[str]) -> bytes:
    """Two objectives: all complete trials, the non-dominated ones highlighted."""
    plt, fig, ax = _figure(6.5, 4.8)
    points = [(t.number, t.values) for t in trials if t.state.name == "COMPLETE"]
    others = np.array([v for n, v in points if n not in front_numbers]).reshape(-1, 2)
    front = np.array(sorted(v for n, v in points if n in front_numbers)).reshape(-1, 2)
    ax.scatter(others[:, 0], others[:, 1], s=16, color="tab:gray", label="trials")
    ax.plot(front[:, 0], front[:, 1], "o-", color="tab:red", label=f"Pareto front ({len(front)})")
    ax.set_xlabel(labels[0])
    ax.set_ylabel(labels[1])
    ax.set_title("Pareto front")
    ax.legend(loc="best", fontsize=8)
    return _png(plt, fig)
