"""Jobs as Ray tasks: ``ml-expert serve --executor ray [--ray-address ADDRESS]``.

Each job is a streaming-generator task in a fresh Ray worker process (``max_calls=1``), on whichever
node has the CPUs (and GPU) it asks for. The task starts the same worker process as the local
executor (``python -m ml_expert.jobs.worker``: scrubbed environment, memory cap, its own process
group, death with its parent) and yields each line of its event channel; the server parses them as
it parses a local worker's, so progress, results and malformed lines are handled the same way.
Force-cancelling the task kills the Ray worker process, and the job's worker dies with it.

The workspace (run folders and the server's SQLite database, which workers write to) must be the
same path on every node: a shared filesystem. Artifacts then land in the run folder as they do locally.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio

from ml_expert.jobs.executor import (
    EXIT_POLL_S,
    MAX_EVENT_BYTES,
    MalformedEvent,
    WorkerHandle,
    exit_reason,
    parse_event,
    worker_environment,
)
from ml_expert.jobs.manager import CHANNEL_DRAIN_S
from ml_expert.jobs.request import WorkerEvent, WorkerRequest

READ_CHUNK = 1 << 16
# A tune job starts its trial workers through this command prefix (read by tools/tune/workers.py), so
# they run as Ray tasks across the cluster while the tool knows nothing of Ray.
LAUNCHER_VARIABLE = "ML_EXPERT_TRIAL_LAUNCHER"
CONNECT_TIMEOUT_S = 5.0


class RayUnavailable(RuntimeError):
    """Ray is not installed, or the cluster cannot be reached."""


def wants_cuda(spec: Any) -> bool:
    """Whether any ``device`` field of the spec asks for CUDA."""
    if isinstance(spec, dict):
        return any((key == "device" and value == "cuda") or wants_cuda(value) for key, value in spec.items())
    if isinstance(spec, list):
        return any(wants_cuda(value) for value in spec)
    return False


# --- on the node ------------------------------------------------------------------------------

def run_job_on_node(request_json: str, log_path: str) -> Iterator[bytes | dict[str, Any]]:
    """The Ray task: start the job's worker process here, yield a hello (its pid and node), every line
    of its event channel (bytes), and last how it exited ({"exit": None or the reason})."""
    import ray

    request = WorkerRequest.model_validate_json(request_json)
    request.server_pid = os.getpid()  # the worker dies with this Ray worker process (force-cancel, lost node)
    Path(log_path).parent.mkdir(parents=True, exist_ok=True)
    env = worker_environment(Path(request.workspace))
    env[LAUNCHER_VARIABLE] = json.dumps([sys.executable, "-m", "ml_expert.jobs.ray_launch", "--address",
                                         ray.get_runtime_context().gcs_address, "--workspace", request.workspace, "--"])
    node = f"{socket.gethostname()} ({ray.get_runtime_context().get_node_id()[:12]})"
    with open(log_path, "ab") as log:
        process = subprocess.Popen([sys.executable, "-m", "ml_expert.jobs.worker"], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, stderr=log, start_new_session=True, env=env)
        log.write(f"[ray] the job runs on Ray node {node} as pid {process.pid}\n".encode())
    try:
        yield {"pid": process.pid, "node": node}
        process.stdin.write(request.model_dump_json().encode())
        process.stdin.close()
        yield from _channel_lines(process)
        code = process.wait()  # its exit, not the channel's end, ends the job (as with a local worker)
    finally:
        _end_group(process.pid)
    reason = exit_reason(code)
    yield {"exit": f"{reason} (on Ray node {node})" if reason else None}


def _channel_lines(process: subprocess.Popen) -> Iterator[bytes]:
    """Lines of the event channel until the worker exits (then its group ends, so a child that kept
    the channel open cannot hold the job) and what was left is read."""
    fd = process.stdout.fileno()
    buffer, exited_at = b"", None
    while True:
        if exited_at is None and process.poll() is not None:
            exited_at = time.monotonic()
            _end_group(process.pid)
        readable, _, _ = select.select([fd], [], [], EXIT_POLL_S)
        if not readable:
            if exited_at is not None and time.monotonic() - exited_at > CHANNEL_DRAIN_S:
                return
            continue
        chunk = os.read(fd, READ_CHUNK)
        if not chunk:
            return
        *lines, buffer = (buffer + chunk).split(b"\n")
        for line in lines:  # noqa: UP028 - Ray's generator wrapper cannot `yield from` a list
            yield line
        if len(buffer) > MAX_EVENT_BYTES:
            yield buffer[:MAX_EVENT_BYTES + 1]  # the server refuses it as too long
            return


def _end_group(pid: int) -> None:
    try:
        os.killpg(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


# --- on the server ----------------------------------------------------------------------------

def describe_failure(error: Exception, node: str) -> str:
    """Why a job's Ray task ended, in the words the agent reads."""
    from ray import exceptions

    if isinstance(error, exceptions.TaskCancelledError):
        return "its Ray task was cancelled"
    if isinstance(error, exceptions.NodeDiedError | exceptions.LocalRayletDiedError):
        return f"the Ray node running this job ({node}) was lost"
    if isinstance(error, exceptions.WorkerCrashedError):
        return f"the Ray worker process running this job on node {node} died (killed, or out of memory there)"
    first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return f"the Ray task failed on node {node} ({type(error).__name__}: {first_line[:500]})"


class RayJobHandle:
    def __init__(self, generator, pid: int, node: str):
        self._generator = generator
        self.pid = pid
        self.node = node
        self._exit: str | None = None
        self._stream_done = anyio.Event()

    async def events(self) -> AsyncIterator[WorkerEvent]:
        from ray.exceptions import RayError

        try:
            while True:
                try:
                    item = await (await self._generator.__anext__())
                except StopAsyncIteration:
                    return
                except RayError as error:  # the task failed (cancelled, its process or node gone)
                    self._exit = describe_failure(error, self.node)
                    return
                if isinstance(item, dict):  # the task's last word: how the worker exited
                    self._exit = item["exit"]
                    continue
                if len(item) > MAX_EVENT_BYTES:
                    raise MalformedEvent(f"a line longer than {MAX_EVENT_BYTES // 2**20} MiB")
                yield parse_event(item)
        finally:
            self._stream_done.set()

    async def wait(self) -> str | None:
        """Once the task has ended and its stream has been read (the exit comes last on it)."""
        from ray.exceptions import RayError

        try:
            await self._generator.completed()
        except RayError as error:
            return describe_failure(error, self.node)
        with anyio.move_on_after(CHANNEL_DRAIN_S):
            await self._stream_done.wait()
        return self._exit

    async def kill(self) -> None:
        import ray

        ray.cancel(self._generator, force=True)  # no-op once the task has finished

    async def close(self) -> None:
        """Nothing to close: the stream ends with its task."""


def _check_reachable(address: str) -> None:
    """Refuse a HOST:PORT nobody listens on: ray.init would retry it for minutes."""
    host, _, port = address.rpartition(":")
    if not host or not port.isdigit():
        raise RayUnavailable(f"--ray-address must be the head's HOST:PORT (ray start --head prints it); got {address!r}")
    try:
        socket.create_connection((host, int(port)), timeout=CONNECT_TIMEOUT_S).close()
    except OSError as error:
        raise RayUnavailable(f"cannot reach the Ray cluster at {address}: {error}; start its head with "
                             f"`ray start --head --port {port}`, or give its address") from error


class RayExecutor:
    """Jobs as tasks on a Ray cluster (``address``), or on a local Ray instance sized to this machine."""

    def __init__(self, address: str | None = None):
        try:
            import ray
        except ImportError as error:
            raise RayUnavailable("--executor ray needs the ray package: pip install 'ml-expert-mcp[ray]'") from error
        self._ray = ray
        if not ray.is_initialized():
            if address:
                _check_reachable(address)
            options: dict[str, Any] = {"address": address} if address else {"num_cpus": os.cpu_count()}
            try:
                # log_to_driver=False: task output must never reach this process's stdout (the protocol).
                ray.init(**options, log_to_driver=False, include_dashboard=False, logging_level="WARNING")
            except (ConnectionError, RuntimeError, ValueError) as error:
                raise RayUnavailable(f"cannot reach the Ray cluster at {address!r}: {error}") from error
        self._task = ray.remote(max_calls=1, max_retries=0)(run_job_on_node)

    def _resources(self, request: WorkerRequest) -> dict[str, float]:
        """CPUs from the job's threads, capped at the largest node's (else no node could take it); a GPU
        when the spec asks for CUDA and the cluster has one (else the tool itself says it has none)."""
        nodes = [node["Resources"] for node in self._ray.nodes() if node["Alive"]]
        most_cpus = max((resources.get("CPU", 0) for resources in nodes), default=1)
        gpus = sum(resources.get("GPU", 0) for resources in nodes)
        return {"num_cpus": max(1, min(request.threads, most_cpus)),
                "num_gpus": 1 if gpus and wants_cuda(request.spec) else 0}

    async def start(self, request: WorkerRequest, log_path: Path) -> WorkerHandle:
        generator = self._task.options(num_returns="streaming", **self._resources(request)).remote(
            request.model_dump_json(), str(log_path))
        hello = await (await generator.__anext__())  # once a node has started the worker
        return RayJobHandle(generator, hello["pid"], hello["node"])
