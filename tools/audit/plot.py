"""The audit's picture: class balance per split (classification) or target distribution (regression)."""

from __future__ import annotations

import numpy as np

MAX_CLASSES_DRAWN = 40


def balance_png(class_counts: dict[str, dict[str, int]], targets: dict[str, np.ndarray], title: str) -> bytes:
    """PNG bytes. Train and validation only: the sealed test split is never drawn."""
    import io

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    if class_counts:
        _class_bars(ax, class_counts)
    else:
        edges = np.histogram_bin_edges(np.concatenate(list(targets.values())), bins=30)  # shared bins compare
        for name, values in targets.items():
            ax.hist(values, bins=edges, density=True, alpha=0.5, label=f"{name} (n={len(values)})")
        ax.set_xlabel("target value")
        ax.set_ylabel("density")
        ax.legend(loc="upper right")
    ax.set_title(title)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


def _class_bars(ax, class_counts: dict[str, dict[str, int]]) -> None:
    classes = list(class_counts["train"])  # class-index order, unless there are too many to draw
    if len(classes) > MAX_CLASSES_DRAWN:
        classes = sorted(classes, key=class_counts["train"].get, reverse=True)[:MAX_CLASSES_DRAWN]
    positions = np.arange(len(classes))
    width = 0.8 / len(class_counts)
    tallest = 0.0
    for offset, (split, counts) in enumerate(class_counts.items()):
        total = max(sum(counts.values()), 1)
        shares = [100 * counts[c] / total for c in classes]
        ax.bar(positions + offset * width, shares, width, label=f"{split} (n={total})")
        tallest = max(tallest, *shares)
    ax.set_ylim(0, tallest * 1.25)  # headroom so the legend never covers a bar
    ax.set_xticks(positions + width * (len(class_counts) - 1) / 2, classes, rotation=45 if len(classes) > 10 else 0,
                  ha="right" if len(classes) > 10 else "center", fontsize=8)
    ax.set_ylabel("share of the split's rows, %")
    ax.set_xlabel("class" + (f" (the {MAX_CLASSES_DRAWN} largest)" if len(class_counts["train"]) > MAX_CLASSES_DRAWN
                             else ""))
    ax.legend(loc="upper right")
