"""The two pictures of a profile: latency against batch size per variant, and the operator breakdown."""

from __future__ import annotations

from pathlib import Path

from ml_expert.tools.profile.schema import LatencyRow, OperatorTime


def latency_vs_batch(rows: list[LatencyRow], percentile: str, budget_ms: float | None, path: Path) -> Path:
    """p50 per variant as a line, with a band up to the budget percentile; log-log axes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    for variant in dict.fromkeys(r.variant for r in rows):
        mine = sorted((r for r in rows if r.variant == variant), key=lambda r: r.batch_size)
        sizes = [r.batch_size for r in mine]
        (line,) = ax.plot(sizes, [r.p50_ms for r in mine], marker="o", label=variant)
        ax.fill_between(sizes, [r.p50_ms for r in mine], [getattr(r, f"{percentile}_ms") for r in mine],
                        color=line.get_color(), alpha=0.15)
    if budget_ms is not None:
        ax.axhline(budget_ms, color="black", linestyle="--", linewidth=1, label=f"{percentile} budget")
    ax.set_xscale("log", base=2)
    sizes = sorted({r.batch_size for r in rows})
    ax.set_xticks(sizes, labels=[str(b) for b in sizes])
    ax.set_yscale("log")
    ax.set_xlabel("batch size")
    ax.set_ylabel(f"latency per call, ms (line p50, band to {percentile})")
    ax.set_title("Latency by variant and batch size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def operator_breakdown(operators: list[OperatorTime], title: str, path: Path) -> Path:
    """Horizontal bars: self time per model call of the top operators."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ordered = list(reversed(operators))
    fig, ax = plt.subplots(figsize=(7, 0.35 * len(ordered) + 1.5))
    ax.barh([o.name[:48] for o in ordered], [o.self_ms_per_call for o in ordered], color="tab:blue")
    for y, op in enumerate(ordered):
        ax.text(op.self_ms_per_call, y, f" {op.self_percent:.0f}%", va="center", fontsize=7)
    ax.set_xlabel("self time per model call, ms")
    ax.set_title(title)
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
