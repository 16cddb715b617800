"""`ml-expert call`: one tool from a terminal, through a spawned server, with a progress bar.

A user mistake is one line on stderr and exit status 1; Ctrl-C or SIGTERM cancels the job and
says so in one line (exit 130). No traceback reaches the terminal for either.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

import anyio
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from mcp.types import LoggingMessageNotificationParams

BAR_WIDTH = 30
CANCEL_TIMEOUT_S = 10
JOB_IN_LOG = re.compile(r"\bjob (\S+) ")
INTERRUPTED = 130


class CallFailed(SystemExit):
    """A mistake the user can fix; its message is the one line to show. (A SystemExit, so callers that
    let it through still exit with that message.)"""


def spawned_server(workspace: Path, roots: list[Path], tracking: str = "none", **client_options: Any) -> Client:
    args = ["-m", "ml_expert", "serve", "--workspace", str(workspace), "--tracking", tracking]
    for root in roots:
        args += ["--root", str(root)]
    return Client(StdioServerParameters(command=sys.executable, args=args), mode="legacy", **client_options)


def run_call(tool: str, arguments_json: str, workspace: Path, roots: list[Path], wait_s: float, raw: bool) -> int:
    """The exit status of ``ml-expert call``."""
    try:
        given = json.loads(arguments_json)
    except json.JSONDecodeError as error:
        return _fail(f"--json is not valid JSON: {error}", status=2)
    if not isinstance(given, dict):
        return _fail("--json must be a JSON object, e.g. '{\"run_id\": \"...\"}'", status=2)
    # SIGTERM ends the call like Ctrl-C: the job is cancelled and the server closed, not left writing into a dead pipe.
    signal.signal(signal.SIGTERM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
    jobs: list[str] = []
    try:
        answer = anyio.run(_call, tool, given, workspace, roots, wait_s, jobs)
    except KeyboardInterrupt:
        return _fail(f"interrupted: job {jobs[0]} cancelled" if jobs else "interrupted", status=INTERRUPTED)
    except CallFailed as error:
        return _fail(str(error))
    print(json.dumps(answer, indent=1) if raw else "\n".join(summary_lines(answer)))  # noqa: T201 — the CLI's output
    return 0


def _fail(message: str, status: int = 1) -> int:
    sys.stderr.write(f"ml-expert call: {message}\n")
    return status


async def _call(tool: str, given: dict[str, Any], workspace: Path, roots: list[Path], wait_s: float,
                jobs: list[str]) -> dict[str, Any]:
    async def note_job(params: LoggingMessageNotificationParams) -> None:
        found = JOB_IN_LOG.search(str(params.data))
        if found and not jobs:
            jobs.append(found.group(1))

    # A failure leaves the client's task group as a value, raised after it: raised inside, it would
    # reach the terminal wrapped in exception groups.
    failure: CallFailed | None = None
    async with spawned_server(workspace, roots, logging_callback=note_job) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        try:
            if tool not in tools:
                raise CallFailed(f"tool: no tool '{tool}'; accepted: {', '.join(tools)}")
            takes_spec = "spec" in tools[tool].input_schema.get("properties", {})
            arguments = {"spec": given, "wait_s": wait_s} if takes_spec else given
            answer = await call_tool_with_progress(client, tool, arguments)
        except CallFailed as error:
            failure = error
        except anyio.get_cancelled_exc_class():
            if jobs:
                with anyio.CancelScope(shield=True), anyio.move_on_after(CANCEL_TIMEOUT_S):
                    await client.call_tool("cancel_job", {"job_id": jobs[0]})
            raise
    if failure is not None:
        raise failure
    return answer


async def call_with_progress(client: Client, tool: str, spec: dict[str, Any], wait_s: float) -> dict[str, Any]:
    """Call an ML tool with ``spec``; see call_tool_with_progress."""
    return await call_tool_with_progress(client, tool, {"spec": spec, "wait_s": wait_s})


async def call_tool_with_progress(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """Call a tool, drawing its progress on stderr; raise CallFailed with the tool's message on error."""
    drawn = False

    async def draw(progress: float, total: float | None, message: str | None) -> None:
        nonlocal drawn
        drawn = True
        if total:
            filled = round(BAR_WIDTH * min(progress / total, 1.0))
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {progress / total:4.0%}"
        else:
            bar = f"[{progress:g}]"
        sys.stderr.write(f"\r  {bar} {(message or '')[:60]:<60}")
        sys.stderr.flush()

    result = await client.call_tool(tool, arguments, progress_callback=draw)
    if drawn:
        sys.stderr.write("\n")
    if result.is_error:
        raise CallFailed(f"{tool}: {result.content[0].text.removeprefix(f'Error executing tool {tool}: ')}")
    return result.structured_content


def summary_lines(answer: dict[str, Any], keys: tuple[str, ...] = ()) -> list[str]:
    """The parts of an answer a person reads first: summary, chosen fields, metrics, verdicts, files.

    The job and run tools answer with other shapes: a job, or a list of jobs or runs.
    """
    if "jobs" in answer or "runs" in answer:
        rows = answer.get("jobs", answer.get("runs"))
        return [_row_line(row) for row in rows] or ["(none)"]
    if "tool" in answer and "created_at" in answer and "summary" not in answer:  # a job
        return [_row_line(answer), *(summary_lines(answer["result"]) if answer.get("result") else [])]
    lines = [answer.get("summary") or "", f"run: {answer['run_id']}  status: {answer['status']}"]
    lines += [f"{key}: {answer.get(key)}" for key in keys]
    if answer.get("metrics"):
        lines.append("metrics: " + ", ".join(f"{k}={v:.4g}" for k, v in list(answer["metrics"].items())[:12]))
    for verdict in answer.get("verdicts") or []:
        lines.append(f"[{verdict['status']:>4}] {verdict['check']}: {verdict['message']}")
        if verdict["fix"]:
            lines.append(f"       fix: {verdict['fix']}")
    lines += [f"file: {a['name']} ({a['kind']}) {a['path']}" for a in answer.get("artifacts") or []]
    return lines


def _row_line(row: dict[str, Any]) -> str:
    ident = row.get("job_id") if "pid" in row else row["run_id"]
    line = f"{ident}  {row['tool']}  {row['status']}"
    return line + (f"  {row['summary']}" if row.get("summary") else "") + (f"  {row['error']}" if row.get("error") else "")
