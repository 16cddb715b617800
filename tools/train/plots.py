"""Pictures of a training run (learning curves), and the figure-to-PNG step the evaluation plots share."""

from __future__ import annotations


def new_figure(width: float = 8, height: float = 4.5, columns: int = 1):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(1, columns, figsize=(width, height))


def png_bytes(fig) -> bytes:
    import io

    import matplotlib.pyplot as plt

    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    plt.close(fig)
    return buffer.getvalue()


def learning_curves_png(history: list[dict[str, float]], metric_label: str, best_epoch: int | None) -> bytes:
    """Loss (train, validation) and the per-epoch metric, with the kept epoch marked."""
    fig, (loss_ax, metric_ax) = new_figure(10, 4, columns=2)
    epochs = [row["epoch"] for row in history]
    loss_ax.plot(epochs, [r["train_loss"] for r in history], label="train")
    loss_ax.plot(epochs, [r["val_loss"] for r in history], label="validation")
    loss_ax.set_xlabel("epoch")
    loss_ax.set_title("loss")
    metric_ax.plot(epochs, [r["train_metric"] for r in history], label="train")
    metric_ax.plot(epochs, [r["val_metric"] for r in history], label="validation")
    metric_ax.set_xlabel("epoch")
    metric_ax.set_title(metric_label)
    for ax in (loss_ax, metric_ax):
        if best_epoch is not None:
            ax.axvline(best_epoch, color="grey", linestyle="--", linewidth=1, label=f"kept (epoch {best_epoch})")
        ax.legend(loc="best")
    return png_bytes(fig)
