"""The job manager: queue, worker slots, progress fan-out, cancel, time limits, persistence."""

from __future__ import annotations

import math
import os
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
from anyio.abc import TaskGroup
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from pydantic import ValidationError

from ml_expert.config import ServerConfig
from ml_expert.jobs.artifacts import checked_artifacts, file_artifact, run_folder_artifacts
from ml_expert.jobs.executor import Executor, MalformedEvent, WorkerHandle
from ml_expert.jobs.request import ProgressEvent, ResultEvent, WorkerEvent, WorkerRequest
from ml_expert.store import Store
from ml_expert.tool_entry import ToolEntry
from ml_expert.tools.envelope import JobProgress
from ml_expert.tools.spec import ToolSpec

FINAL_STATUSES = ("succeeded", "failed", "cancelled", "interrupted")
LOG_NAME = "job.log"
PROGRESS_SAVE_S = 1.0  # progress reaches the database this often, so a killed server loses little
CHANNEL_DRAIN_S = 2.0
MAX_MESSAGE_CHARS = 4000  # of an error or progress message from a worker: the agent reads it whole  # after the worker exits, how long its last events may take to arrive


class UnknownJob(LookupError):
    pass


@dataclass
class Job:
    job_id: str
    run_id: str
    tool: str
    spec: dict[str, Any]
    time_limit_s: float
    status: str = "queued"
    created_at: float = field(default_factory=time.time)
    started_at: float | None = None
    ended_at: float | None = None
    progress: JobProgress = field(default_factory=JobProgress)
    result: dict[str, Any] | None = None
    error: str | None = None
    error_kind: str | None = None  # user, crash, memory, protocol, killed, timeout
    pid: int | None = None
    cancel_requested: bool = False
    handle: WorkerHandle | None = None
    progress_saved_at: float = 0.0
    done: anyio.Event = field(default_factory=anyio.Event)
    scope: anyio.CancelScope = field(default_factory=anyio.CancelScope)
    watchers: list[MemoryObjectSendStream[JobProgress]] = field(default_factory=list)

    def record(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "run_id": self.run_id, "tool": self.tool, "spec": self.spec,
                "status": self.status, "progress": self.progress.model_dump(), "result": self.result,
                "error": self.error, "pid": self.pid, "created_at": self.created_at,
                "started_at": self.started_at, "ended_at": self.ended_at}


class JobManager:
    def __init__(self, config: ServerConfig, store: Store, executor: Executor):
        self.config = config
        self.store = store
        self.executor = executor
        self._jobs: dict[str, Job] = {}
        self._slots = anyio.Semaphore(config.workers)
        self._task_group: TaskGroup | None = None
        self._stopping = False

    @asynccontextmanager
    async def running(self) -> AsyncIterator[JobManager]:
        """Serve jobs while the context is open; on exit, end every worker still running."""
        for run_id in self.store.mark_interrupted(time.time()):
            self.store.add_artifacts(run_id, run_folder_artifacts(self.config.workspace / "runs" / run_id))
        self._stopping = False
        async with anyio.create_task_group() as task_group:
            self._task_group = task_group
            try:
                yield self
            finally:
                self._stopping = True
                with anyio.CancelScope(shield=True):
                    for job in self._jobs.values():
                        if job.handle is not None:
                            await job.handle.kill()
                task_group.cancel_scope.cancel()
                self._task_group = None

    def submit(self, entry: ToolEntry, spec: ToolSpec, *, time_limit_s: float | None = None) -> Job:
        if self._task_group is None:
            raise RuntimeError("the job manager is not running")
        job_id = uuid.uuid4().hex[:12]
        job = Job(job_id=job_id, run_id=f"{entry.name}-{job_id}", tool=entry.name,
                  spec=spec.model_dump(mode="json"), time_limit_s=time_limit_s or self.config.job_time_limit_s)
        self._jobs[job_id] = job
        self.store.save_job(job.record())
        self.store.save_run({"run_id": job.run_id, "job_id": job_id, "tool": entry.name, "status": "queued",
                             "created_at": job.created_at})
        self._task_group.start_soon(self._run, job, entry, spec)
        return job

    def live(self, job_id: str) -> Job | None:
        """The job, if this server started it."""
        return self._jobs.get(job_id)

    def get(self, job_id: str) -> Job | dict[str, Any]:
        """The live job, or the stored record of one from an earlier server."""
        if job_id in self._jobs:
            return self._jobs[job_id]
        record = self.store.get_job(job_id)
        if record is None:
            raise UnknownJob(job_id)
        return record

    async def wait(self, job_id: str, timeout_s: float) -> Job | dict[str, Any]:
        job = self.get(job_id)
        if isinstance(job, Job):
            with anyio.move_on_after(timeout_s):
                await job.done.wait()
        return job

    async def cancel(self, job_id: str) -> Job | dict[str, Any]:
        job = self.get(job_id)
        if not isinstance(job, Job) or job.status in FINAL_STATUSES:
            return job
        job.cancel_requested = True
        if job.handle is not None:
            await job.handle.kill()
        elif job.status == "queued":
            job.scope.cancel()
        await job.done.wait()
        return job

    @asynccontextmanager
    async def watch(self, job: Job) -> AsyncIterator[MemoryObjectReceiveStream[JobProgress]]:
        """Progress reports of a job, ending when the job ends."""
        send, receive = anyio.create_memory_object_stream[JobProgress](math.inf)
        if job.done.is_set():
            send.close()
        else:
            job.watchers.append(send)
        try:
            yield receive
        finally:
            receive.close()
            if send in job.watchers:
                job.watchers.remove(send)

    # The life of one job

    async def _run(self, job: Job, entry: ToolEntry, spec: ToolSpec) -> None:
        try:
            with job.scope:
                async with self._slots:
                    await self._execute(job, entry, spec)
        except Exception as error:  # noqa: BLE001 — a fault while running one job fails that job, never the server
            job.status, job.error_kind = "failed", "crash"
            job.error = f"the server could not run this job ({type(error).__name__}: {error}); its records are kept"
            with anyio.CancelScope(shield=True):
                if job.handle is not None:
                    await job.handle.kill()
        if job.status not in FINAL_STATUSES:  # never started: cancelled, or the server stopped
            job.status = "interrupted" if self._stopping else "cancelled"
            job.error = f"{job.status} before it started"
        with anyio.CancelScope(shield=True):
            await self._finish(job)

    async def _execute(self, job: Job, entry: ToolEntry, spec: ToolSpec) -> None:
        config = self.config
        request = WorkerRequest(job_id=job.job_id, run_id=job.run_id, tool=entry.name, function=entry.function,
                                spec_model=entry.spec_path, spec=job.spec, seed=spec.seed,
                                tracking=spec.tracking or config.tracking, workspace=str(config.workspace),
                                roots=[str(r) for r in config.roots], database=str(config.database),
                                threads=config.threads_per_job, server_pid=os.getpid(),
                                memory_limit_bytes=config.job_memory_limit_bytes)
        job.status, job.started_at = "running", time.time()
        with anyio.CancelScope(shield=True):  # a started worker always gets reaped and recorded
            job.handle = await self.executor.start(request, self._log_path(job))
            job.pid = job.handle.pid
            self.store.save_job(job.record())
            if job.cancel_requested:
                await job.handle.kill()
            exit_reason, timed_out = await self._supervise(job, entry)
        job.handle = None
        if job.error_kind == "protocol":
            job.status = "failed"
        elif job.result is not None:
            job.status = "succeeded"
        elif self._stopping:
            job.status, job.error = "interrupted", "the server stopped while this job was running; records kept"
        elif job.cancel_requested:
            job.status, job.error = "cancelled", "cancelled while running; progress so far is kept"
        elif timed_out:
            job.status, job.error_kind = "failed", "timeout"
            job.error = f"the job exceeded its time limit of {job.time_limit_s:g} s and was stopped"
        elif job.error is None:
            job.status, job.error_kind = "failed", "killed"
            job.error = f"{exit_reason or 'the worker process ended without a result'}; see its log " \
                        f"runs://{job.run_id}/artifacts/{LOG_NAME}"

    async def _supervise(self, job: Job, entry: ToolEntry) -> tuple[str | None, bool]:
        """Read events until the worker process exits (or its time is up), then end its process group
        and take what is left on the channel: a child that kept the channel open cannot hold the result."""
        handle = job.handle
        channel_done = anyio.Event()

        async def read_events() -> None:
            try:
                async for event in handle.events():
                    self._on_event(job, entry, event)
            except MalformedEvent as error:
                job.result, job.error_kind = None, "protocol"
                job.error = f"the worker sent a malformed event: {error}"
                await handle.kill()
            finally:
                channel_done.set()

        async with anyio.create_task_group() as readers:
            readers.start_soon(read_events)
            with anyio.move_on_after(job.time_limit_s) as deadline:
                await handle.wait()
            await handle.kill()
            exit_reason = await handle.wait()
            with anyio.move_on_after(CHANNEL_DRAIN_S):
                await channel_done.wait()
            readers.cancel_scope.cancel()
        await handle.close()
        return exit_reason, deadline.cancelled_caught

    def _on_event(self, job: Job, entry: ToolEntry, event: WorkerEvent) -> None:
        if job.error_kind == "protocol":
            return
        if isinstance(event, ProgressEvent):
            if not all(math.isfinite(v) for v in (event.step, event.total or 0)):
                raise MalformedEvent(f"a progress event with a step or total that is not finite: {event.step}")
            job.progress = JobProgress.model_validate(event.model_dump(exclude={"type"}))
            job.progress.message = job.progress.message[:MAX_MESSAGE_CHARS]
            if time.monotonic() - job.progress_saved_at >= PROGRESS_SAVE_S:
                job.progress_saved_at = time.monotonic()
                self.store.save_job(job.record())
            for watcher in job.watchers:
                watcher.send_nowait(job.progress)
        elif isinstance(event, ResultEvent):
            try:
                result = entry.result_model.model_validate(event.result).model_dump(mode="json")
            except ValidationError as error:
                raise MalformedEvent(f"a result that is not a {entry.name} result: {error.errors()[0]['msg']} "
                                     f"at {'.'.join(map(str, error.errors()[0]['loc']))}") from None
            checked_artifacts(result["artifacts"], self._run_dir(job))
            job.result = {**result, "run_id": job.run_id, "job_id": job.job_id, "status": "succeeded"}
        else:
            job.status, job.error, job.error_kind = "failed", event.message[:MAX_MESSAGE_CHARS], event.kind

    async def _finish(self, job: Job) -> None:
        job.ended_at = time.time()
        self.store.save_job(job.record())
        result = job.result or {}
        if job.result is None:  # whatever the job left is listed, so nothing is lost
            artifacts = await anyio.to_thread.run_sync(run_folder_artifacts, self._run_dir(job))
        else:
            log = self._log_path(job)
            artifacts = list(result.get("artifacts", [])) + ([file_artifact(log)] if log.is_file() else [])
        self.store.save_run({"run_id": job.run_id, "job_id": job.job_id, "tool": job.tool, "status": job.status,
                             "summary": result.get("summary") or job.error, "metrics": result.get("metrics"),
                             "verdicts": result.get("verdicts"), "provenance": result.get("provenance"),
                             "created_at": job.created_at, "ended_at": job.ended_at}, artifacts)
        for watcher in job.watchers:
            watcher.close()
        job.watchers.clear()
        job.done.set()

    def _run_dir(self, job: Job) -> Path:
        return self.config.workspace / "runs" / job.run_id

    def _log_path(self, job: Job) -> Path:
        return self._run_dir(job) / LOG_NAME
