"""Log messages to the client, honouring `logging/setLevel` (MCPServer leaves that request out)."""

from __future__ import annotations

import warnings

from mcp import types
from mcp.server.mcpserver import Context, MCPServer
from mcp.shared.exceptions import MCPDeprecationWarning

LEVELS = ("debug", "info", "notice", "warning", "error", "critical", "alert", "emergency")


class ClientLog:
    """Sends job events as MCP log messages at or above the level the client asked for."""

    def __init__(self, level: types.LoggingLevel = "info"):
        self.level = level

    def install(self, server: MCPServer) -> None:
        # The handler goes on the low-level server: MCPServer has no public hook for it, and
        # registering it is also what makes the server advertise the logging capability.
        server._lowlevel_server.add_request_handler("logging/setLevel", types.SetLevelRequestParams, self._set_level)

    async def _set_level(self, _ctx, params: types.SetLevelRequestParams) -> types.EmptyResult:
        self.level = params.level
        return types.EmptyResult()

    async def send(self, ctx: Context, level: types.LoggingLevel, message: str) -> None:
        if LEVELS.index(level) < LEVELS.index(self.level):
            return
        # Log messages are deprecated from protocol 2026-07-28 on, but handshake-era clients use them.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MCPDeprecationWarning)
            await ctx.log(level, message, logger_name="ml-expert")
