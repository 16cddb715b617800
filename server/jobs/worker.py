"""Entry point of a worker process: ``python -m ml_expert.jobs.worker``.

Reads one WorkerRequest (JSON) on stdin, runs the tool, and writes events as JSON lines on the
file descriptor that was stdout. Everything else the tool or its libraries print goes to stderr,
which the server points at the job's log file, so user code can never write into the protocol.
"""

from __future__ import annotations

import importlib
import json
import os
import platform
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


def resolve(target: str) -> Any:
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


def take_event_channel() -> TextIO:
    """Keep the original stdout for events; send fd 1 (prints, C libraries) to stderr."""
    channel = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return channel


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
        send({"type": "error", "kind": "crash", "message": f"{type(error).__name__}: {error}", "field": None})
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
    # Before torch loads: OpenMP reads these once. A tool may still pin its own count (profiling).
    for variable in ("OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[variable] = str(request.threads)
    run(request, send)
    channel.close()


if __name__ == "__main__":
    main()
