"""Tool answers as an agent reads them: the structured result once, a short text summary beside it,
and one resource link per artifact, with its MIME type."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from mcp.types import CallToolResult, ResourceLink, TextContent
from pydantic import BaseModel

MIME_TYPES = {
    ".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml", ".py": "text/x-python",
    ".json": "application/json", ".jsonl": "application/jsonl", ".yaml": "application/yaml",
    ".yml": "application/yaml", ".md": "text/markdown", ".txt": "text/plain", ".log": "text/plain",
    ".csv": "text/csv", ".html": "text/html",
}
BINARY = "application/octet-stream"  # checkpoints, .onnx, .pt2, traces in unknown formats
TEXT_TYPES = ("text/", "application/json", "application/jsonl", "application/yaml", "image/svg+xml")
MAX_METRICS = 8
MAX_LISTED = 20


def mime_type(name: str) -> str:
    return MIME_TYPES.get(PurePosixPath(name).suffix.lower(), BINARY)


def is_text(mime: str) -> bool:
    return mime.startswith(TEXT_TYPES)


def answer(model: BaseModel, text: str | None = None) -> CallToolResult:
    """``model`` as structured content, with a summary and its artifacts (or its result's) as links."""
    structured = model.model_dump(mode="json")
    artifacts = structured.get("artifacts") or (structured.get("result") or {}).get("artifacts") or []
    links = [ResourceLink(name=a["name"], uri=a["uri"], mime_type=mime_type(a["name"]), size=a.get("bytes"),
                          description=a.get("kind")) for a in artifacts if a.get("uri")]
    return CallToolResult(content=[TextContent(text=text or result_text(structured)), *links],
                          structured_content=structured)


def result_text(result: dict[str, Any]) -> str:
    """A few lines: status and summary, the checks that did not pass, key metrics, the ids."""
    lines = [f"{result.get('status', 'succeeded')}: {result.get('summary') or ''}".rstrip()]
    verdicts = result.get("verdicts") or []
    for verdict in verdicts:
        if verdict["status"] != "pass":
            fix = f" Fix: {verdict['fix']}" if verdict.get("fix") else ""
            lines.append(f"[{verdict['status']}] {verdict['check']}: {verdict['message']}{fix}")
    passed = sum(v["status"] == "pass" for v in verdicts)
    if passed:
        lines.append(f"{passed} of {len(verdicts)} checks passed.")
    metrics = list((result.get("metrics") or {}).items())
    if metrics:
        shown = ", ".join(f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in metrics[:MAX_METRICS])
        more = f" (+{len(metrics) - MAX_METRICS} more)" if len(metrics) > MAX_METRICS else ""
        lines.append(f"metrics: {shown}{more}")
    ids = [f"{key} {result[key]}" for key in ("run_id", "job_id") if result.get(key)]
    if ids:
        lines.append(", ".join(ids) + ". Full result: the structured content.")
    return "\n".join(lines)


def job_text(job: dict[str, Any]) -> str:
    line = f"job {job['job_id']} ({job['tool']}, run {job['run_id']}): {job['status']}"
    if job.get("elapsed_s") is not None:
        line += f" after {job['elapsed_s']:g} s"
    progress = job.get("progress") or {}
    if job["status"] in ("queued", "running") and progress:
        total = f"/{progress['total']:g}" if progress.get("total") else ""
        line += f"; step {progress.get('step', 0):g}{total} {progress.get('message', '')}".rstrip()
    if job.get("error"):
        line += f"; {job['error']}"
    return line + (f"\n{result_text(job['result'])}" if job.get("result") else "")


def list_text(rows: list[dict[str, Any]], what: str) -> str:
    if not rows:
        return f"No {what}."
    lines = [f"{r.get('job_id') if what == 'jobs' else r['run_id']} {r['tool']} {r['status']}"
             + (f": {r['summary']}" if r.get("summary") else "") for r in rows[:MAX_LISTED]]
    return "\n".join(lines)
