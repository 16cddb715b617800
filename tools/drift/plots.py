"""The features that moved most: training values against the batch's, one panel each."""

from __future__ import annotations

import numpy as np

from ml_expert.tools.drift.features import FeatureDrift


def drift_png(reference_rows: np.ndarray, batch: np.ndarray, names: list[str], shown: list[FeatureDrift]) -> bytes:
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(shown), figsize=(4 * len(shown), 3.4), squeeze=False)
    for ax, feature in zip(axes[0], shown, strict=True):
        j = names.index(feature.name)
        ref, new = reference_rows[:, j], batch[:, j]
        if feature.kind == "categorical":
            values = np.union1d(ref, new)
            width = 0.4
            ax.bar(np.arange(len(values)) - width / 2, [np.mean(ref == v) for v in values], width, label="training")
            ax.bar(np.arange(len(values)) + width / 2, [np.mean(new == v) for v in values], width, label="batch")
            ax.set_xticks(np.arange(len(values)), [f"{v:g}" for v in values])
            ax.set_ylabel("share")
        else:
            edges = np.histogram_bin_edges(np.concatenate([ref, new]), bins=30)
            ax.hist(ref, bins=edges, density=True, alpha=0.5, label=f"training (n={len(ref)})")
            ax.hist(new, bins=edges, density=True, alpha=0.5, label=f"batch (n={len(new)})")
            ax.set_ylabel("density")
        flag = "drifted" if feature.drifted else "no drift"
        ax.set_title(f"{feature.name}: {feature.method} {feature.distance:.2f}, {flag}", fontsize=9)
        ax.legend(fontsize=7)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    return buffer.getvalue()
