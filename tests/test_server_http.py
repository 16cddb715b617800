"""HTTP mode as deployed: the real command, a bearer token, Host and Origin checks."""

import os
import subprocess
import sys
import time

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from tests.http_server import serving_http

TOKEN = "test-token-0123456789abcdef"
INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "t", "version": "0"}}}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.fixture(scope="module")
def http_server(tmp_path_factory):
    with serving_http(tmp_path_factory.mktemp("ws"), env={"ML_EXPERT_TOKEN": TOKEN}) as url:
        yield url


def post(url: str, headers: dict) -> httpx2.Response:
    return httpx2.post(url, json=INITIALIZE, headers={**MCP_HEADERS, **headers}, timeout=10)


def test_requests_without_the_right_token_are_refused(http_server):
    assert post(http_server, {}).status_code == 401
    wrong = post(http_server, {"Authorization": "Bearer not-the-token-at-all"})
    assert wrong.status_code == 401
    assert wrong.headers["www-authenticate"].startswith("Bearer")


def test_foreign_host_and_origin_are_refused(http_server):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    assert post(http_server, {**auth, "Host": "evil.example:80"}).status_code == 421
    assert post(http_server, {**auth, "Origin": "http://evil.example"}).status_code == 403
    assert post(http_server, auth).status_code == 200


@pytest.mark.anyio
async def test_an_authorised_client_calls_tools(http_server):
    http_client = httpx2.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
    async with Client(streamable_http_client(http_server, http_client=http_client), mode="legacy") as client:
        names = {t.name for t in (await client.list_tools()).tools}
        assert {"audit_data", "get_job"} <= names
        jobs = await client.call_tool("list_jobs", {})
        assert jobs.structured_content == {"jobs": []}


def test_http_mode_refuses_to_start_without_a_token(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ML_EXPERT_TOKEN"}
    done = subprocess.run([sys.executable, "-m", "ml_expert", "serve", "--http", "127.0.0.1:1", "--workspace",
                           str(tmp_path)], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--http needs a bearer token: set ML_EXPERT_TOKEN or pass --token-file" in done.stderr


def test_a_token_on_the_command_line_is_refused(capsys):
    from ml_expert.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["serve", "--http", "127.0.0.1:1", "--token", TOKEN])
    assert exited.value.code == 2
    assert "--token on the command line shows in the process list; set ML_EXPERT_TOKEN" in capsys.readouterr().err


def test_the_token_can_come_from_a_file(tmp_path):
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    env = {k: v for k, v in os.environ.items() if k != "ML_EXPERT_TOKEN"}
    with serving_http(tmp_path / "ws", "--token-file", str(token_file), env=env) as url:
        assert post(url, {"Authorization": f"Bearer {TOKEN}"}).status_code == 200
        assert post(url, {"Authorization": "Bearer not-the-token-at-all"}).status_code == 401


def test_abandoned_sessions_are_capped_and_closed_when_idle(tmp_path):
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with serving_http(tmp_path / "ws", "--max-sessions", "2", "--session-idle-timeout", "1",
                      env={"ML_EXPERT_TOKEN": TOKEN}) as url:
        opened = [post(url, auth) for _ in range(2)]
        assert [r.status_code for r in opened] == [200, 200] and all("mcp-session-id" in r.headers for r in opened)
        refused = post(url, auth)
        assert refused.status_code == 503 and "Too many open sessions" in refused.text
        time.sleep(2.5)  # both sessions idle past their timeout: closed by the server
        assert post(url, auth).status_code == 200
        stale = httpx2.post(url, json={"jsonrpc": "2.0", "id": 2, "method": "ping"}, timeout=10,
                            headers={**MCP_HEADERS, **auth, "mcp-session-id": opened[0].headers["mcp-session-id"]})
        assert stale.status_code == 404


def test_no_auth_is_refused_on_a_non_loopback_address(tmp_path):
    done = subprocess.run([sys.executable, "-m", "ml_expert", "serve", "--http", "0.0.0.0:8000", "--no-auth",
                           "--workspace", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "--no-auth serves only loopback addresses" in done.stderr
