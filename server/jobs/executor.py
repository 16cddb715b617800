"""Where workers run. The job manager sees only :class:`Executor` and :class:`WorkerHandle`, so a
Ray executor can be added beside :class:`LocalProcessExecutor` without touching tools or the manager."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any, Protocol

import anyio
from anyio.abc import Process
from anyio.streams.buffered import BufferedByteReceiveStream

from ml_expert.jobs.request import WorkerRequest

MAX_EVENT_BYTES = 64 * 1024 * 1024


class WorkerHandle(Protocol):
    pid: int | None

    def events(self) -> AsyncIterator[dict[str, Any]]:
        """The worker's events, until it closes its channel."""
        ...

    async def wait(self) -> str | None:
        """Wait for the worker to end; None for a clean exit, else why it ended."""
        ...

    async def kill(self) -> None: ...


class Executor(Protocol):
    async def start(self, request: WorkerRequest, log_path: Path) -> WorkerHandle: ...


class LocalProcessHandle:
    def __init__(self, process: Process):
        self._process = process
        self.pid = process.pid

    async def events(self) -> AsyncIterator[dict[str, Any]]:
        stream = BufferedByteReceiveStream(self._process.stdout)
        while True:
            try:
                line = await stream.receive_until(b"\n", MAX_EVENT_BYTES)
            except (anyio.EndOfStream, anyio.IncompleteRead):
                return
            yield json.loads(line)

    async def wait(self) -> str | None:
        code = await self._process.wait()
        if code == 0:
            return None
        if code < 0:
            name = signal.Signals(-code).name
            verb = "was killed by" if -code in (signal.SIGKILL, signal.SIGTERM) else "crashed with"
            return f"the worker process {verb} {name}"
        return f"the worker process exited with code {code}"

    async def kill(self) -> None:
        # The worker leads its own process group: its children (per-variant profilers, wandb's
        # helper) go with it.
        try:
            os.killpg(self._process.pid, signal.SIGKILL)
        except ProcessLookupError:
            return


class LocalProcessExecutor:
    """One fresh Python process per job on this machine."""

    async def start(self, request: WorkerRequest, log_path: Path) -> WorkerHandle:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(log_path, "ab") as log:
            process = await anyio.open_process(
                [sys.executable, "-m", "ml_expert.jobs.worker"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, start_new_session=True)
        await process.stdin.send(request.model_dump_json().encode())
        await process.stdin.aclose()
        return LocalProcessHandle(process)
