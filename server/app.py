"""Builds the MCP server: one tool per catalog entry, the job and run tools, and run resources."""

from __future__ import annotations

import inspect
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

import anyio
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.types import CallToolResult, ToolAnnotations
from pydantic import Field

from ml_expert import __version__
from ml_expert.answers import answer, is_text, job_text, list_text, mime_type
from ml_expert.auth import StaticTokenVerifier
from ml_expert.catalog import CATALOG
from ml_expert.client_logging import ClientLog
from ml_expert.config import ServerConfig
from ml_expert.jobs.executor import Executor, LocalProcessExecutor
from ml_expert.jobs.manager import Job, JobManager, UnknownJob
from ml_expert.ml_server import MLExpertServer
from ml_expert.prompts_loader import add_prompts
from ml_expert.schemas import full_schema
from ml_expert.store import Store
from ml_expert.tool_entry import ToolEntry
from ml_expert.tools.envelope import JobStatus
from ml_expert.views import JobList, JobView, RunList, RunView

INSTRUCTIONS = (
    "Tools that run real ML jobs (PyTorch) on the user's models and data and answer with measurements: "
    "metrics, curves, verdicts with evidence and fixes, and files. A call returns its result when the job "
    "finishes within wait_s; otherwise status 'running' with a job_id: follow it with wait_job or get_job. "
    "Test splits are sealed: only a final evaluation opens them, and every opening is recorded. "
    "tools/list shows each spec's top levels; the resource schemas://{tool} has every field."
)
READ_ONLY = ToolAnnotations(read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False)

WaitSeconds = Annotated[float, Field(ge=0, le=3600, description=(
    "Seconds to wait for the result; then 'running' and a job_id."))]
JobId = Annotated[str, Field(description="A job id from a tool's answer or list_jobs.")]
RunId = Annotated[str, Field(description="A run id from a tool's answer or list_runs.")]
ToolName = Annotated[str | None, Field(description="Only this tool's, e.g. 'audit_data'.")]
Limit = Annotated[int, Field(ge=1, le=500, description="At most this many, newest first.")]


def build_server(config: ServerConfig, *, catalog: list[ToolEntry] = CATALOG,
                 executor: Executor | None = None, auth_token: str | None = None,
                 public_url: str = "http://127.0.0.1") -> MCPServer:
    """The server; with ``auth_token``, every HTTP request must carry it as a bearer token."""
    store = Store(config.database)
    manager = JobManager(config, store, executor or LocalProcessExecutor())

    @asynccontextmanager
    async def lifespan(_server: MCPServer) -> AsyncIterator[dict[str, Any]]:
        async with manager.running():
            yield {}

    auth = {}
    if auth_token is not None:
        auth = {"token_verifier": StaticTokenVerifier(auth_token),
                "auth": AuthSettings(issuer_url=public_url, resource_server_url=None)}
    server = MLExpertServer("ml-expert", version=__version__, instructions=INSTRUCTIONS, lifespan=lifespan, **auth)
    client_log = ClientLog()
    client_log.install(server)
    for entry in catalog:
        server.add_tool(_catalog_tool(entry, manager, config, client_log), name=entry.name, title=entry.title,
                        description=entry.description, annotations=entry.annotations)
    _add_job_tools(server, manager)
    _add_run_tools(server, store)
    _add_resources(server, store)
    _add_schema_resources(server, catalog)
    add_prompts(server)
    return server


def _catalog_tool(entry: ToolEntry, manager: JobManager, config: ServerConfig, client_log: ClientLog):
    """An async tool that submits a job and answers within wait_s, with the entry's own schemas."""

    async def call_tool(spec, ctx: Context, wait_s: float = config.default_wait_s):
        job = manager.submit(entry, spec)
        await client_log.send(ctx, "info", f"{entry.name}: job {job.job_id} {job.status} (run {job.run_id})")
        try:
            with anyio.move_on_after(wait_s):
                async with manager.watch(job) as updates:
                    async for update in updates:
                        await ctx.report_progress(update.step, update.total, update.message or None)
        except anyio.get_cancelled_exc_class():
            # The client cancelled the request: the job goes with it.
            with anyio.CancelScope(shield=True):
                await manager.cancel(job.job_id)
            raise
        if job.status == "failed":
            await client_log.send(ctx, "error", f"{entry.name}: job {job.job_id} failed: {job.error}")
        elif job.status == "succeeded":
            await client_log.send(ctx, "info", f"{entry.name}: job {job.job_id} succeeded")
        return _tool_answer(entry, job, wait_s)

    parameters = [
        inspect.Parameter("spec", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=entry.spec_model),
        inspect.Parameter("ctx", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Context),
        inspect.Parameter("wait_s", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=WaitSeconds,
                          default=config.default_wait_s),
    ]
    returns = Annotated[CallToolResult, entry.result_model]
    call_tool.__signature__ = inspect.Signature(parameters, return_annotation=returns)
    call_tool.__annotations__ = {"spec": entry.spec_model, "ctx": Context, "wait_s": WaitSeconds, "return": returns}
    call_tool.__name__ = call_tool.__qualname__ = entry.name
    return call_tool


def _tool_answer(entry: ToolEntry, job: Job, wait_s: float) -> CallToolResult:
    if job.status == "succeeded":
        return answer(entry.result_model.model_validate(job.result))
    if job.status == "failed" and job.error_kind == "user":
        raise ToolError(job.error)
    if job.status == "failed":
        raise ToolError(f"{entry.name} failed: {job.error}. The job's records are kept: get_job('{job.job_id}'), "
                        f"runs://{job.run_id}/summary.")
    if job.status in ("queued", "running"):
        summary = (f"Still {job.status} after {wait_s:g} s; the job goes on. Call wait_job with job_id "
                   f"'{job.job_id}' for the result.")
    else:
        summary = f"The job was {job.status}: {job.error}."
    return answer(entry.result_model(run_id=job.run_id, job_id=job.job_id, status=job.status, summary=summary,
                                     progress=job.progress))


def _job_view(job: Job | dict[str, Any], *, with_result: bool = True) -> JobView:
    record = job.record() if isinstance(job, Job) else job
    end = record["ended_at"] or (time.time() if record["status"] == "running" else None)
    elapsed = round(end - record["started_at"], 3) if record["started_at"] and end else None
    return JobView(job_id=record["job_id"], run_id=record["run_id"], tool=record["tool"], status=record["status"],
                   progress=record["progress"], error=record["error"], pid=record["pid"], created_at=record["created_at"],
                   started_at=record["started_at"], ended_at=record["ended_at"], elapsed_s=elapsed,
                   result=record["result"] if with_result else None)


def _add_job_tools(server: MCPServer, manager: JobManager) -> None:
    def find(job_id: str):
        try:
            return manager.get(job_id)
        except UnknownJob:
            raise ToolError(f"job_id: no job '{job_id}'; accepted: an id from list_jobs or from a tool's "
                            f"'running' answer") from None

    def job_answer(view: JobView) -> CallToolResult:
        return answer(view, job_text(view.model_dump(mode="json")))

    @server.tool(title="Get a job", annotations=READ_ONLY)
    async def get_job(job_id: JobId) -> Annotated[CallToolResult, JobView]:
        """Status, progress, error and (once done) result of a job."""
        return job_answer(_job_view(find(job_id)))

    @server.tool(title="Wait for a job", annotations=READ_ONLY)
    async def wait_job(job_id: JobId, timeout_s: Annotated[float, Field(
            ge=0, le=3600, description="Seconds to wait for the job to end.")] = 60.0) -> Annotated[CallToolResult, JobView]:
        """Wait up to timeout_s for a job to end, then answer like get_job."""
        find(job_id)
        return job_answer(_job_view(await manager.wait(job_id, timeout_s)))

    @server.tool(title="Cancel a job", annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True,
                                                                   idempotent_hint=True, open_world_hint=False))
    async def cancel_job(job_id: JobId) -> Annotated[CallToolResult, JobView]:
        """Stop a queued or running job (its worker process ends); what it recorded so far is kept."""
        find(job_id)
        return job_answer(_job_view(await manager.cancel(job_id)))

    @server.tool(title="List jobs", annotations=READ_ONLY)
    async def list_jobs(status: Annotated[JobStatus | None, Field(description="Only jobs in this state.")] = None,
                        tool: ToolName = None, limit: Limit = 20) -> Annotated[CallToolResult, JobList]:
        """Recent jobs, newest first, optionally filtered by status or tool (results left out)."""
        records = [manager.live(r["job_id"]) or r for r in manager.store.list_jobs(status=status, tool=tool, limit=limit)]
        jobs = JobList(jobs=[_job_view(r, with_result=False) for r in records])
        return answer(jobs, list_text(jobs.model_dump(mode="json")["jobs"], "jobs"))


def _run_view(run: dict[str, Any], *, full: bool = True) -> RunView:
    """A run; in lists (``full`` false) only the verdicts that did not pass, and no provenance or files:
    get_run gives them."""
    if not full:
        failed = [v for v in run.get("verdicts") or [] if v["status"] != "pass"]
        return RunView.model_validate({**run, "verdicts": failed, "artifacts": [], "provenance": None})
    artifacts = [{**a, "uri": f"runs://{run['run_id']}/artifacts/{a['name']}"} for a in run.get("artifacts", [])]
    return RunView.model_validate({**run, "artifacts": artifacts})


def _add_run_tools(server: MCPServer, store: Store) -> None:
    @server.tool(title="List runs", annotations=READ_ONLY)
    async def list_runs(tool: ToolName = None, limit: Limit = 20) -> Annotated[CallToolResult, RunList]:
        """Recent tracked runs, newest first: status, summary, metrics, verdicts that did not pass (get_run: all)."""
        runs = RunList(runs=[_run_view(r, full=False) for r in store.list_runs(tool=tool, limit=limit)])
        return answer(runs, list_text(runs.model_dump(mode="json")["runs"], "runs"))

    @server.tool(title="Get a run", annotations=READ_ONLY)
    async def get_run(run_id: RunId) -> Annotated[CallToolResult, RunView]:
        """One run: summary, metrics, verdicts, provenance and its artifacts with sha256 and resource URIs."""
        run = store.get_run(run_id)
        if run is None:
            raise ToolError(f"run_id: no run '{run_id}'; accepted: an id from list_runs or a tool result")
        return answer(_run_view(run))


def _add_resources(server: MCPServer, store: Store) -> None:
    @server.resource("runs://{run_id}/summary", name="run_summary", mime_type="application/json",
                     description="A run's summary, metrics, verdicts, provenance and artifact list.")
    def run_summary(run_id: str) -> str:
        run = store.get_run(run_id)
        if run is None:
            raise ResourceNotFoundError(f"run_id: no run '{run_id}'; accepted: an id from list_runs or a tool result")
        return _run_view(run).model_dump_json(indent=1)

    @server.resource("runs://{run_id}/artifacts/{name}", name="run_artifact", mime_type="application/octet-stream",
                     description="A file a run wrote (plots, code, configs, checkpoints, traces, logs), served "
                                 "with the MIME type of its suffix.")
    def run_artifact(run_id: str, name: str) -> str | bytes:
        if store.get_run(run_id) is None:
            raise ResourceNotFoundError(f"run_id: no run '{run_id}'; accepted: an id from list_runs or a tool result")
        artifacts = store.list_artifacts(run_id)
        artifact = next((a for a in artifacts if a["name"] == name), None)
        if artifact is None:
            raise ResourceNotFoundError(f"name: run '{run_id}' has no artifact '{name}'; accepted: "
                                        f"{', '.join(a['name'] for a in artifacts) or 'none (the run wrote no files)'}")
        data = Path(artifact["path"]).read_bytes()
        # A log holds whatever the job printed, valid UTF-8 or not: show it with replacement characters.
        return data.decode(errors="replace") if is_text(mime_type(name)) else data


def _add_schema_resources(server: MCPServer, catalog: list[ToolEntry]) -> None:
    entries = {entry.name: entry for entry in catalog}

    @server.resource("schemas://{tool}", name="tool_schema", mime_type="application/json",
                     description="A tool's full input schema (every nested field), its result schema and description.")
    def tool_schema(tool: str) -> str:
        entry = entries.get(tool)
        if entry is None:
            raise ResourceNotFoundError(f"tool: no ML tool '{tool}'; accepted: {', '.join(entries)}")
        return json.dumps({"tool": tool, "description": entry.description,
                           "input": full_schema(entry.spec_model.model_json_schema()),
                           "output": full_schema(entry.result_model.model_json_schema())}, separators=(",", ":"))
