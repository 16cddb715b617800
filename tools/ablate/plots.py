"""The ablation plot: each removal's effect on the metric with its interval, the costliest at the top."""

from __future__ import annotations

from ml_expert.tools.ablate.schema import AblationRow
from ml_expert.tools.train.plots import new_figure, png_bytes

COLOURS = {"needed": "tab:red", "harmful": "tab:green", "within_noise": "tab:grey"}


def effects_png(rows: list[AblationRow], metric: str, confidence: float) -> bytes:
    fig, ax = new_figure(8, 1.2 + 0.5 * len(rows))
    order = list(reversed(rows))  # barh draws bottom-up
    ax.barh([r.name for r in order], [r.diff for r in order], color=[COLOURS[r.verdict] for r in order],
            xerr=[[r.diff - r.ci_low for r in order], [r.ci_high - r.diff for r in order]], capsize=4)
    ax.axvline(0, color="black", linewidth=1)
    ax.set_xlabel(f"validation {metric}: ablation minus base ({confidence:.0%} interval over seeds)")
    return png_bytes(fig)
