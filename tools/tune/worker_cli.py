"""``ml-expert worker``: join an existing tune_hyperparams study from another process or machine.

    ml-expert worker --storage STORAGE --study-name NAME [--workspace DIR] [--root DIR ...]
                     [--n-trials K] [--threads T] [--seed S]

STORAGE is what the tune result reports as ``storage`` (a journal file for processes on the same
machine, a postgresql:// URL for other machines; give the password the result hides). The worker
reads the study's spec from the storage, loads the data once (files under --root, default the
roots of the tune job), and runs trials until the study has its trials or its time is up, or
after K trials of its own. It writes nothing to stdout except through logging on stderr.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from ml_expert.options import positive_int


def build_parser(parser: argparse.ArgumentParser | None = None) -> argparse.ArgumentParser:
    parser = parser or argparse.ArgumentParser(prog="ml-expert worker", description=__doc__.split("\n\n")[0])
    parser.add_argument("--storage", required=True,
                        help="The study's storage: a .journal file path, or an RDB URL (postgresql://...).")
    parser.add_argument("--study-name", required=True, help="The study to join (tune_hyperparams' study_name).")
    parser.add_argument("--workspace", type=Path, default=None,
                        help="Workspace for runs referenced by the experiment (default: the tune job's).")
    parser.add_argument("--root", type=Path, action="append", default=None, dest="roots",
                        help="A folder data files may be read from (repeatable; default: the tune job's roots).")
    parser.add_argument("--n-trials", type=positive_int, default=None,
                        help="Stop after this many trials of this worker (default: until the study is done).")
    parser.add_argument("--threads", type=positive_int, default=None, help="torch threads (default: torch's choice).")
    parser.add_argument("--seed", type=int, default=None,
                        help="Sampler seed; workers need different ones (default: from the process id).")
    parser.add_argument("--die-with-parent", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None) -> None:
    run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> None:
    """Run a worker from parsed arguments (``ml-expert worker`` parses them with build_parser)."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(name)s: %(message)s",
                        force=True)
    if args.die_with_parent:
        _die_with_parent()
    from ml_expert.tools.errors import SpecError
    from ml_expert.tools.tune.workers import run_worker

    try:
        run_worker(args.storage, args.study_name, seed=args.seed if args.seed is not None else os.getpid(),
                   workspace=args.workspace, roots=args.roots, n_trials=args.n_trials, threads=args.threads)
    except SpecError as error:
        sys.exit(f"ml-expert worker: {error}")


def _die_with_parent() -> None:
    """Ask Linux to kill this worker when the tune job that started it dies (e.g. on cancel)."""
    import ctypes
    import signal

    try:
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


if __name__ == "__main__":
    main(sys.argv[1:])
