"""Runs each variant in a fresh worker process, forked from a warm zygote (see ``child.py``).

The zygote pays torch's import once per profile; every variant still gets a process of its own
that has never run a model. A worker that crashes, hangs or never reports becomes a failed
variant with its reason, never a failed job.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

WORKER_BASE_TIMEOUT_S = 300  # model load, export and the first compile
WORKER_TIMEOUT_PER_BATCH_S = 90  # a compile per batch size, plus the timing budget
ZYGOTE_START_TIMEOUT_S = 180
LOG_TAIL_CHARS = 300


def log_tail(path: Path) -> str:
    return path.read_text(errors="replace").strip()[-LOG_TAIL_CHARS:] if path.exists() else ""


class WorkerPool:
    """The zygote process and the line protocol to it: task path in; ``pid N``, ``exit CODE`` out."""

    def __init__(self, scratch: Path, threads: int):
        self.log = scratch / "zygote.log"
        # Thread pools are sized when the libraries start, so the count is pinned in the
        # environment; OpenBLAS (numpy) is kept to one thread so the zygote forks single-threaded.
        env = {**os.environ, "OMP_NUM_THREADS": str(threads), "MKL_NUM_THREADS": str(threads),
               "OPENBLAS_NUM_THREADS": "1"}
        with open(self.log, "wb") as log:
            # The zygote answers on a pipe: this process's stdout may be the MCP protocol channel.
            self.process = subprocess.Popen([sys.executable, "-m", "ml_expert.tools.profile.child"],
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env)
        self._buffer = b""
        self.ready: bool | None = None  # unknown until wait_ready: the caller works while torch imports

    def wait_ready(self) -> bool:
        if self.ready is None:
            self.ready = self._read_line(time.monotonic() + ZYGOTE_START_TIMEOUT_S) == "ready"
        return self.ready

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self.ready:  # still importing, or broken: nothing to finish
            self.process.kill()
        try:
            self.process.stdin.close()
            self.process.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.process.kill()
            self.process.wait()

    def _read_line(self, deadline: float) -> str | None:
        """The zygote's next line; None on timeout or when it has gone."""
        fd = self.process.stdout.fileno()
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([fd], [], [], remaining)[0]:
                return None
            chunk = os.read(fd, 4096)
            if not chunk:
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line.decode().strip()

    def run(self, name: str, common: dict[str, Any], scratch: Path, n_batches: int) -> dict[str, Any]:
        """Measure one variant in a fresh process; returns the worker's result or a failure."""
        workdir = scratch / name
        workdir.mkdir()
        task_path = workdir / "task.json"
        task_path.write_text(json.dumps({**common, "variant": name, "workdir": str(workdir)}))
        log = workdir / "worker.log"
        failed = {"variant": name, "status": "failed", "rows": [], "parity": None, "operators": [],
                  "trace": None, "build_s": None, "size_bytes": None, "log": str(log), "workdir": str(workdir)}
        if not self.wait_ready():
            return {**failed, "log": str(self.log),
                    "reason": f"the worker zygote did not start; its log ends: {log_tail(self.log)}"}
        timeout = WORKER_BASE_TIMEOUT_S + WORKER_TIMEOUT_PER_BATCH_S * n_batches
        deadline = time.monotonic() + timeout
        try:
            self.process.stdin.write(f"{task_path}\n".encode())
            self.process.stdin.flush()
        except OSError:
            self.ready = False
            return {**failed, "log": str(self.log), "reason": f"the worker zygote died: {log_tail(self.log)}"}
        started = self._read_line(deadline)
        if started is None:  # no fork reply: the zygote is gone or wedged, so no more workers from it
            self.ready = False
            return {**failed, "log": str(self.log),
                    "reason": f"the worker zygote stopped answering; its log ends: {log_tail(self.log)}"}
        exited = self._read_line(deadline)
        if exited is None:  # still running at the deadline
            os.kill(int(started.split()[1]), signal.SIGKILL)
            self.ready = self._read_line(time.monotonic() + 30) is not None
            return {**failed, "reason": f"timed out after {timeout} s"}
        result_path = workdir / "result.json"
        if not result_path.exists():
            return {**failed, "reason": f"the worker ended ({exited}) before reporting; log ends: "
                                        f"{log_tail(log) or log_tail(self.log)}"}
        return {**json.loads(result_path.read_text()), "log": str(log), "workdir": str(workdir)}
