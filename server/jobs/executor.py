"""Where workers run. The job manager sees only :class:`Executor` and :class:`WorkerHandle`, so a
Ray executor can be added beside :class:`LocalProcessExecutor` without touching tools or the manager."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Protocol

import anyio
from anyio.abc import Process
from anyio.streams.buffered import BufferedByteReceiveStream
from pydantic import ValidationError

from ml_expert.jobs.request import WORKER_EVENT, WorkerEvent, WorkerRequest

# Results are kept under 20 KB; a line this long is not one of ours, and reading stops there.
MAX_EVENT_BYTES = 16 * 1024 * 1024
EXIT_POLL_S = 0.05
# Names of variables that may hold credentials; user code in a worker must not see them.
SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSW|CREDENTIAL|API_?KEY|PRIVATE|ACCESS_KEY|AUTH|COOKIE|SESSION",
                         re.IGNORECASE)
# Compile caches of torch.compile and Triton: the workspace, not a /tmp folder shared with other users.
CACHE_VARIABLES = {"TORCHINDUCTOR_CACHE_DIR": "torchinductor", "TRITON_CACHE_DIR": "triton"}


class MalformedEvent(ValueError):
    """A line on the event channel that is not an event a worker sends."""


class WorkerHandle(Protocol):
    pid: int | None

    def events(self) -> AsyncIterator[WorkerEvent]:
        """The worker's events, until its channel closes; raises MalformedEvent on a bad line."""
        ...

    async def wait(self) -> str | None:
        """Wait for the worker process to exit (not for its channel to close); None for a clean exit,
        else why it ended."""
        ...

    async def kill(self) -> None:
        """End the worker and every process it started."""
        ...

    async def close(self) -> None:
        """Stop reading the channel."""
        ...


class Executor(Protocol):
    async def start(self, request: WorkerRequest, log_path: Path) -> WorkerHandle: ...


def _preview(line: bytes) -> str:
    text = line[:80].decode("utf-8", errors="replace")
    return repr(text) + ("…" if len(line) > 80 else "")


def parse_event(line: bytes) -> WorkerEvent:
    try:
        raw = json.loads(line)
    except ValueError as error:
        raise MalformedEvent(f"not JSON ({error}): {_preview(line)}") from None
    if not isinstance(raw, dict) or raw.get("type") not in ("progress", "result", "error"):
        raise MalformedEvent(f"not an object with a type of progress, result or error: {_preview(line)}")
    try:
        return WORKER_EVENT.validate_python(raw)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'][1:]))}: {e['msg']}" for e in error.errors()[:3])
        raise MalformedEvent(f"a {raw['type']} event with {problems}") from None


def exit_reason(code: int) -> str | None:
    """None for a clean exit, else how the worker process ended (from its return code)."""
    if code == 0:
        return None
    if code < 0:
        name = signal.Signals(-code).name
        verb = "was killed by" if -code in (signal.SIGKILL, signal.SIGTERM) else "crashed with"
        return f"the worker process {verb} {name}"
    return f"the worker process exited with code {code}"


def worker_environment(workspace: Path) -> dict[str, str]:
    """The server's environment without anything secret-looking, with the compile caches in the workspace."""
    env = {name: value for name, value in os.environ.items() if not SECRET_NAME.search(name)}
    for variable, folder in CACHE_VARIABLES.items():
        env[variable] = str(workspace / "cache" / folder)
    return env


class LocalProcessHandle:
    def __init__(self, process: Process):
        self._process = process
        self.pid = process.pid

    async def events(self) -> AsyncIterator[WorkerEvent]:
        stream = BufferedByteReceiveStream(self._process.stdout)
        while True:
            try:
                line = await stream.receive_until(b"\n", MAX_EVENT_BYTES)
            except anyio.DelimiterNotFound:
                raise MalformedEvent(f"a line longer than {MAX_EVENT_BYTES // 2**20} MiB") from None
            except (anyio.EndOfStream, anyio.IncompleteRead, anyio.ClosedResourceError, anyio.BrokenResourceError):
                return
            yield parse_event(line)

    async def wait(self) -> str | None:
        # Not Process.wait(): asyncio's also waits for the pipes to close, which a forked child that
        # inherited the channel can put off for as long as it lives.
        while (code := self._process.returncode) is None:
            await anyio.sleep(EXIT_POLL_S)
        return exit_reason(code)

    async def kill(self) -> None:
        # The worker leads its own process group: its children (per-variant profilers, tuning
        # workers, whatever user code forked) go with it, also after the worker itself has exited.
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return

    async def close(self) -> None:
        await self._process.stdout.aclose()


class LocalProcessExecutor:
    """One fresh Python process per job on this machine."""

    async def start(self, request: WorkerRequest, log_path: Path) -> WorkerHandle:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:
            process = await anyio.open_process(
                [sys.executable, "-m", "ml_expert.jobs.worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                stderr=log, start_new_session=True, env=worker_environment(Path(request.workspace)))
        await process.stdin.send(request.model_dump_json().encode())
        await process.stdin.aclose()
        return LocalProcessHandle(process)
