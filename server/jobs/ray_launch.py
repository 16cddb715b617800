"""Run one command as a Ray task on some node of the cluster: ``python -m ml_expert.jobs.ray_launch
--address HOST:PORT -- COMMAND ...``.

A job on the Ray executor gets this as its trial-worker launcher (``ML_EXPERT_TRIAL_LAUNCHER``, read
by tools/tune/workers.py), so a tune job's ``n_workers`` trial workers spread over the cluster. The
command's output comes back to this process's stdout (the worker's log file), its exit code becomes
this process's, and SIGTERM (the tune job stopping its workers) force-cancels the task.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

READ_CHUNK = 1 << 16
TERMINATED = 128 + signal.SIGTERM


def run_command_on_node(command: list[str], workspace: str, threads: int) -> Iterator[bytes | dict[str, Any]]:
    """The Ray task: the command's output in chunks, then {"exit": its return code}."""
    from ml_expert.jobs.executor import worker_environment

    env = {**worker_environment(Path(workspace)), "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads)}
    process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env=env)
    import ray

    node = f"{socket.gethostname()} ({ray.get_runtime_context().get_node_id()[:12]})"
    yield f"[ray_launch] {' '.join(command[:3])} ... running on Ray node {node} as pid {process.pid}\n".encode()
    while chunk := os.read(process.stdout.fileno(), READ_CHUNK):
        yield chunk
    yield {"exit": process.wait()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ml_expert.jobs.ray_launch")
    parser.add_argument("--address", required=True)
    parser.add_argument("--workspace", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    import ray

    from ml_expert.tools.tune.worker_cli import build_parser

    threads = build_parser().parse_known_args(command[3:])[0].threads or 1  # [python, -m, module, args...]
    ray.init(address=args.address, log_to_driver=False, logging_level="WARNING")
    task = ray.remote(max_calls=1, max_retries=0, num_cpus=threads)(run_command_on_node)
    generator = task.options(num_returns="streaming").remote(command, args.workspace, threads)

    def stop(signum, frame):
        ray.cancel(generator, force=True)
        os._exit(TERMINATED)

    signal.signal(signal.SIGTERM, stop)
    code = 1
    try:
        for ref in generator:
            item = ray.get(ref)
            if isinstance(item, dict):
                code = item["exit"]
            else:
                sys.stdout.buffer.write(item)
                sys.stdout.flush()
    except ray.exceptions.RayError as error:
        sys.stderr.write(f"[ray_launch] the Ray task failed: {type(error).__name__}: {error}\n")
        return 1
    return code if code >= 0 else 128 - code


if __name__ == "__main__":
    sys.exit(main())
