"""Bearer-token auth for HTTP mode: one shared secret, compared in constant time."""

from __future__ import annotations

import hmac

from mcp.server.auth.provider import AccessToken


class StaticTokenVerifier:
    def __init__(self, token: str):
        if len(token) < 16:
            raise ValueError("the bearer token must be at least 16 characters long")
        self._token = token

    async def verify_token(self, token: str) -> AccessToken | None:
        if hmac.compare_digest(token.encode(), self._token.encode()):
            return AccessToken(token=token, client_id="ml-expert-client", scopes=[])
        return None
