"""The real command: `ml-expert serve` spawned over stdio, as Claude Code or Desktop would run it."""

import sys

import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters

pytestmark = pytest.mark.anyio


async def test_spawned_server_answers_a_tool_call_over_stdio(tmp_path, data_root):
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "ml_expert", "serve", "--workspace", str(tmp_path / "ws"), "--root", str(data_root),
              "--tracking", "none", "--workers", "1"])
    async with Client(params, mode="legacy") as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert {"audit_data", "get_job", "list_runs"} <= names
        result = await client.call_tool("audit_data", {"spec": {"data": {"source": {"kind": "bundled", "name": "iris"}}}})
        assert not result.is_error, result.content
        answer = result.structured_content
        assert answer["status"] == "succeeded"
        assert answer["provenance"]["dataset_version"].startswith("ds-")
        runs = (await client.call_tool("list_runs", {})).structured_content["runs"]
        assert [r["run_id"] for r in runs] == [answer["run_id"]]


async def test_a_bad_root_fails_at_start_with_a_clear_message(tmp_path):
    import subprocess

    done = subprocess.run([sys.executable, "-m", "ml_expert", "serve", "--root", str(tmp_path / "missing")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert f"--root {tmp_path / 'missing'}: not a folder" in done.stderr
