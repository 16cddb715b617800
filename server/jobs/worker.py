"""Entry point of a worker process: ``python -m ml_expert.jobs.worker``.

Reads one WorkerRequest (JSON) on stdin, runs the tool, and writes events as JSON lines on the
file descriptor that was stdout. Everything else the tool or its libraries print goes to stderr,
which the server points at the job's log file, so user code can never write into the protocol.
"""

from __future__ import annotations

import ctypes
import importlib
import json
import os
import platform
import resource
import select
import signal
import sys
import time
import traceback
from pathlib import Path
from typing import Any, TextIO

from pydantic import ValidationError

from ml_expert import __version__
from ml_expert.jobs.request import WorkerRequest
from ml_expert.store import Store
from ml_expert.tools.errors import SpecError
from ml_expert.tools.job import JobContext

REPORTED_PACKAGES = ("torch", "numpy", "scikit-learn", "pydantic", "optuna", "onnxruntime", "wandb")
PR_SET_PDEATHSIG = 1
# What an allocation refused under the memory limit looks like from torch and C++ libraries.
OUT_OF_MEMORY_SIGNS = ("can't allocate memory", "Cannot allocate memory", "std::bad_alloc")


def resolve(target: str) -> Any:
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def take_event_channel() -> TextIO:
    """Keep the original stdout for events; send fd 1 (prints, C libraries) to stderr."""
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return channel


def die_with_server(server_pid: int) -> None:
    """End this worker and everything it starts when the server goes, even by SIGKILL.

    The parent-death signal ends the worker itself; a small forked watchdog in the worker's process
    group holds a pidfd on the server and, when the server exits, ends the whole group (the worker's
    own children would otherwise live on, reparented to init)."""
    if not sys.platform.startswith("linux"):  # prctl and pidfds are Linux's
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != server_pid:  # the server died before the signal was armed
        os.killpg(0, signal.SIGKILL)
    if os.fork() != 0:
        return
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))  # the watchdog must not hold the event channel open
    try:
        server = os.pidfd_open(server_pid)
        select.select([server], [], [])  # readable once the server has exited
    except OSError:
        pass  # no such process: the server is already gone
    os.killpg(0, signal.SIGKILL)


def limit_memory(limit_bytes: int) -> None:
    """Cap the worker's data segment (heap and private mappings; children inherit the cap).

    RLIMIT_DATA rather than RLIMIT_AS: CUDA builds of torch reserve address space far beyond what
    they use, which an address-space cap refuses; reservations without write access don't count
    against RLIMIT_DATA. The hard limit is set too, so user code cannot raise it."""
    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    limit = limit_bytes if hard == resource.RLIM_INFINITY else min(limit_bytes, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))


def out_of_memory(error: BaseException) -> bool:
    return isinstance(error, MemoryError) or any(sign in str(error) for sign in OUT_OF_MEMORY_SIGNS)


def package_versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    versions = {"python": platform.python_version(), "ml-expert": __version__}
    for name in REPORTED_PACKAGES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            continue
    return versions


def device_description() -> str:
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available():
        return f"cuda:{torch.cuda.current_device()} ({torch.cuda.get_device_name()})"
    threads = torch.get_num_threads() if torch is not None else os.cpu_count()
    return f"cpu ({platform.processor() or platform.machine()}, {threads} threads)"


def run(request: WorkerRequest, send) -> None:
    workspace = Path(request.workspace)
    store = Store(Path(request.database))
    job = JobContext(job_id=request.job_id, run_id=request.run_id, tool=request.tool, workspace=workspace,
                     roots=[Path(r) for r in request.roots], seed=request.seed, tracking=request.tracking,
                     records=store, emit=send, config=request.spec)
    started = time.perf_counter()
    try:
        spec = resolve(request.spec_model).model_validate(request.spec)
        result = resolve(request.function)(spec, job)
    except SpecError as error:
        send({"type": "error", "kind": "user", "message": str(error), "field": error.field})
        return
    except ValidationError as error:
        send({"type": "error", "kind": "user", "message": str(error), "field": None})
        return
    except Exception as error:  # noqa: BLE001 — any tool failure must reach the server as a record
        traceback.print_exc()
        message = ": ".join(filter(None, [type(error).__name__, str(error)[:2000]]))
        if out_of_memory(error):
            limit_gib = request.memory_limit_bytes / 2**30
            send({"type": "error", "kind": "memory", "field": None,
                  "message": f"the job exceeded its memory limit of {limit_gib:.3g} GiB ({message}); ask for less "
                             f"(a smaller batch, model or data) or start the server with a larger "
                             f"--job-memory-limit"})
        else:
            send({"type": "error", "kind": "crash", "message": message, "field": None})
        return
    finally:
        tracked = _finish_tracking(job)
        store.close()
    result.run_id, result.job_id, result.status = request.run_id, request.job_id, "succeeded"
    result.artifacts = _merge_artifacts(result.artifacts, job.artifacts)
    provenance = result.provenance
    provenance.seeds = {"seed": request.seed, **provenance.seeds}
    provenance.packages = {**package_versions(), **provenance.packages}
    provenance.device = provenance.device or device_description()
    provenance.wall_time_s = round(time.perf_counter() - started, 3)
    provenance.code_version = __version__
    provenance.tracking_dir = str(tracked) if tracked is not None else None
    send({"type": "result", "result": result.model_dump(mode="json")})


def _finish_tracking(job: JobContext) -> Path | None:
    """Close the tracked run; a tracking failure is logged and never costs the result."""
    try:
        return job.tracker.finish()
    except Exception:  # noqa: BLE001
        traceback.print_exc()
        return None


def _merge_artifacts(from_result, from_job):
    names = {a.name for a in from_result}
    return list(from_result) + [a for a in from_job if a.name not in names]


def main() -> None:
    channel = take_event_channel()

    def send(event: dict[str, Any]) -> None:
        channel.write(json.dumps(event) + "\n")

    request = WorkerRequest.model_validate_json(sys.stdin.read())
    die_with_server(request.server_pid)
    limit_memory(request.memory_limit_bytes)
    # Before torch loads: OpenMP reads these once. A tool may still pin its own count (profiling).
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(request.threads)
    run(request, send)
    channel.close()


if __name__ == "__main__":
    main()
