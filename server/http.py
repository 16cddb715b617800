"""Streamable HTTP: the MCP endpoint at /mcp behind a bearer token, with Host and Origin checks."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.server.transport_security import TransportSecuritySettings

from ml_expert.config import MAX_SESSIONS, SESSION_IDLE_TIMEOUT_S

LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")


def transport_security(host: str, port: int, extra_hosts: list[str],
                       extra_origins: list[str]) -> TransportSecuritySettings:
    """Accept the bound address and the loopback names, plus what the operator adds."""
    hosts = sorted({host, *LOCAL_NAMES})
    allowed_hosts = [f"{h}:{port}" for h in hosts] + extra_hosts
    allowed_origins = [f"http://{h}:{port}" for h in hosts] + extra_origins
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=allowed_hosts,
                                     allowed_origins=allowed_origins)


def http_app(server: MCPServer, host: str, port: int, extra_hosts: list[str] = (), extra_origins: list[str] = (), *,
             session_idle_timeout_s: float = SESSION_IDLE_TIMEOUT_S, max_sessions: int = MAX_SESSIONS):
    return server.streamable_http_app(
        streamable_http_path="/mcp", host=host, session_idle_timeout=session_idle_timeout_s, max_sessions=max_sessions,
        transport_security=transport_security(host, port, list(extra_hosts), list(extra_origins)))


def serve_http(server: MCPServer, host: str, port: int, extra_hosts: list[str], extra_origins: list[str], *,
               session_idle_timeout_s: float = SESSION_IDLE_TIMEOUT_S, max_sessions: int = MAX_SESSIONS) -> None:
    import uvicorn

    app = http_app(server, host, port, extra_hosts, extra_origins, session_idle_timeout_s=session_idle_timeout_s,
                   max_sessions=max_sessions)
    uvicorn.run(app, host=host, port=port, log_level="warning")
