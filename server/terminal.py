"""A terminal's view of a tool call: a spawned server, a progress bar, a readable summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters

BAR_WIDTH = 30


def spawned_server(workspace: Path, roots: list[Path], tracking: str = "none") -> Client:
    args = ["-m", "ml_expert", "serve", "--workspace", str(workspace), "--tracking", tracking]
    for root in roots:
        args += ["--root", str(root)]
    return Client(StdioServerParameters(command=sys.executable, args=args), mode="legacy")


async def call_with_progress(client: Client, tool: str, spec: dict[str, Any], wait_s: float) -> dict[str, Any]:
    """Call a tool, drawing its progress on stderr; raise SystemExit with the tool's message on error."""

    async def draw(progress: float, total: float | None, message: str | None) -> None:
        if total:
            filled = round(BAR_WIDTH * min(progress / total, 1.0))
            bar = f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {progress / total:4.0%}"
        else:
            bar = f"[{progress:g}]"
        sys.stderr.write(f"\r  {bar} {(message or '')[:60]:<60}")
        sys.stderr.flush()

    result = await client.call_tool(tool, {"spec": spec, "wait_s": wait_s}, progress_callback=draw)
    sys.stderr.write("\n")
    if result.is_error:
        raise SystemExit(f"{tool}: {result.content[0].text}")
    return result.structured_content


def summary_lines(answer: dict[str, Any], keys: tuple[str, ...] = ()) -> list[str]:
    """The parts of an answer a person reads first: summary, chosen fields, metrics, verdicts, files."""
    lines = [answer["summary"], f"run: {answer['run_id']}  status: {answer['status']}"]
    lines += [f"{key}: {answer.get(key)}" for key in keys]
    if answer["metrics"]:
        lines.append("metrics: " + ", ".join(f"{k}={v:.4g}" for k, v in list(answer["metrics"].items())[:12]))
    for verdict in answer["verdicts"]:
        lines.append(f"[{verdict['status']:>4}] {verdict['check']}: {verdict['message']}")
        if verdict["fix"]:
            lines.append(f"       fix: {verdict['fix']}")
    lines += [f"file: {a['name']} ({a['kind']}) {a['path']}" for a in answer["artifacts"]]
    return lines
