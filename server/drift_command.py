"""``ml-expert check-drift``: check_drift from a terminal or a scheduled job, with an exit status
that says what to do: 0 fine, 3 investigate, 4 retrain (1 for an error, 2 for bad arguments)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

EXIT_CODES = {"fine": 0, "investigate": 3, "retrain": 4}


def add_parser(commands, default_workspace: Path) -> None:
    parser = commands.add_parser(
        "check-drift", help="Check a production batch for drift against an exported model; exit 3 "
                            "(investigate) or 4 (retrain) on drift, 0 when fine.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter)
    parser.add_argument("batch", type=Path, help="CSV, Parquet, NPZ or NPY file of production inputs.")
    reference = parser.add_mutually_exclusive_group(required=True)
    reference.add_argument("--package", type=Path, help="An exported package folder (export_model's run folder).")
    reference.add_argument("--run", dest="run_id", help="An export_model or trained run id in the workspace.")
    parser.add_argument("--target", help="The batch's label column (or NPZ array), to score the model on it.")
    parser.add_argument("--alpha", type=float, default=0.01, help="Significance level after correction.")
    parser.add_argument("--workspace", type=Path,
                        default=Path(os.environ.get("ML_EXPERT_WORKSPACE", default_workspace)),
                        help="The server's workspace (runs are looked up there).")
    parser.add_argument("--root", type=Path, action="append", default=[], dest="roots",
                        help="Folders tools may read (repeatable); default: the folders of the batch and package.")
    parser.add_argument("--wait", type=float, default=3600.0, help="Seconds to wait for the check.")


def run(parser: argparse.ArgumentParser, args: argparse.Namespace) -> int:
    import anyio

    from ml_expert.terminal import call_with_progress, spawned_server

    if not args.batch.is_file():
        parser.error(f"check-drift: batch {args.batch}: no such file")
    batch = args.batch.resolve()
    package = args.package.resolve() if args.package else None
    roots = args.roots or sorted({batch.parent, *([package.parent] if package else [])})
    spec = {"batch": str(batch), "target": args.target, "alpha": args.alpha,
            "run_id": args.run_id, "package": str(package) if package else None}

    async def call() -> dict:
        async with spawned_server(args.workspace, roots) as client:
            return await call_with_progress(client, "check_drift", spec, args.wait)

    answer = anyio.run(call)
    print("\n".join(report_lines(answer)))
    return EXIT_CODES[answer["recommendation"]]


def report_lines(answer: dict) -> list[str]:
    """The recommendation first, then each verdict, the drifted features and the files."""
    lines = [f"{answer['recommendation'].upper()}: {answer['summary']}"]
    for verdict in answer["verdicts"]:
        lines.append(f"[{verdict['status']:>4}] {verdict['check']}: {verdict['message']}")
    for row in answer["most_drifted"]:
        if row["drifted"]:
            distance = "Wasserstein" if row["kind"] == "numeric" else "Jensen-Shannon"
            lines.append(f"  drifted {row['feature']}: p_adj {row['p_adjusted']:.2g} by {row['method']}, "
                         f"{distance} {row['distance']:.3g}, PSI {row['psi']:.3g}, shift {row['mean_shift_sd']:+.2f} sd")
    lines += [f"file: {a['path']}" for a in answer["artifacts"]]
    return lines
