"""The evaluation's pictures: the confusion matrix and the reliability diagram."""

from __future__ import annotations

import numpy as np

from ml_expert.tools.train.plots import new_figure, png_bytes

MAX_LABELLED = 20


def confusion_png(matrix: np.ndarray, class_names: list[str]) -> bytes:
    fig, ax = new_figure(6.5, 5.5)
    image = ax.imshow(matrix, cmap="Blues")
    fig.colorbar(image, ax=ax)
    n = len(class_names)
    if n <= MAX_LABELLED:
        ax.set_xticks(range(n), class_names, rotation=45, ha="right")
        ax.set_yticks(range(n), class_names)
        for i in range(n):
            for j in range(n):
                ax.text(j, i, int(matrix[i, j]), ha="center", va="center",
                        color="white" if matrix[i, j] > matrix.max() / 2 else "black", fontsize=8)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    ax.set_title("confusion matrix (test split)")
    return png_bytes(fig)


def reliability_png(bins: list[dict], ece: float) -> bytes:
    fig, ax = new_figure(5.5, 5)
    centres = [(b["low"] + b["high"]) / 2 for b in bins]
    ax.bar(centres, [b["accuracy"] for b in bins], width=0.09, alpha=0.7, label="accuracy in bin")
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", label="perfect calibration")
    ax.plot([b["confidence"] for b in bins], [b["accuracy"] for b in bins], "o", color="black", markersize=4)
    ax.set_xlabel("confidence (max probability)")
    ax.set_ylabel("accuracy")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_title(f"reliability (test split), ECE {ece:.3f}")
    ax.legend(loc="upper left")
    return png_bytes(fig)
