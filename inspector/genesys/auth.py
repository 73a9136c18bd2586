"""OAuth bearer tokens as ``httpx.Auth`` flows (client credentials here; PKCE in pkce.py).

The token request is yielded from the auth flow, so it goes through the client's own transport
(and its mock in tests) with the same timeouts, and a caller never sees it as a separate step.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import time
from collections.abc import AsyncGenerator, Callable, Generator
from typing import Any

import httpx

from .errors import AuthError, GenesysError, ResponseFormatError

__all__ = [
    "TOKEN_REQUEST_EXTENSION",
    "BearerTokenAuth",
    "ClientCredentialsAuth",
    "parse_token_response",
]

log = logging.getLogger("inspector.genesys")

#: Request extension set on token requests, so request counters can leave them out.
TOKEN_REQUEST_EXTENSION = "inspector.token_request"

# Genesys' documented default lifetime, used when a token response omits expires_in.
_DEFAULT_EXPIRES_IN = 86400.0


class BearerTokenAuth(httpx.Auth):
    """Bearer tokens from an OAuth token endpoint, cached and refreshed; subclasses say how.

    The token is refreshed ``refresh_margin`` seconds before it expires (at most half its
    lifetime, so short-lived tokens are still reused). A 401 from the API refreshes once and
    retries once. Only one refresh runs at a time: requests arriving meanwhile wait for it and
    reuse its token. Async clients only.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._token_url = token_url
        self._client_id = client_id
        self._refresh_margin = refresh_margin
        self._clock = clock
        self._lock = asyncio.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0
        self.token_requests = 0
        # Refreshes forced by a 401 (an expired or revoked token), for the run notes.
        self.unauthorized_refreshes = 0

    def __repr__(self) -> str:
        name = type(self).__name__
        return f"{name}(token_url={self._token_url!r}, client_id={self._client_id!r})"

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response]:
        raise TypeError(f"{type(self).__name__} works with httpx.AsyncClient only")

    async def async_auth_flow(
        self, request: httpx.Request
    ) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if not self._fresh():
            async with self._lock:
                if not self._fresh():  # another request may have refreshed while we waited
                    token_request = self._new_token_request(request)
                    started = self._clock(), time.perf_counter()
                    token_response = yield token_request
                    await self._store(token_response, *started)
        sent_token = self._token
        request.headers["Authorization"] = f"Bearer {sent_token}"
        response = yield request
        if response.status_code != 401:
            return
        # Expired or revoked token (GENESYS.md, Auth). Read the 401 first so its connection
        # goes back to the pool before we wait for the lock and the token request.
        await response.aread()
        async with self._lock:
            if self._token == sent_token:
                log.debug(
                    "401 on %s %s: refreshing the token once", request.method, request.url.path
                )
                self.unauthorized_refreshes += 1
                token_request = self._new_token_request(request)
                started = self._clock(), time.perf_counter()
                token_response = yield token_request
                await self._store(token_response, *started)
        request.headers["Authorization"] = f"Bearer {self._token}"
        yield request

    async def fetch_token(self, client: httpx.AsyncClient) -> None:
        """Get a new token now through ``client`` (a connection test's first step)."""
        async with self._lock:
            request = client.build_request("POST", self._token_url)
            token_request = self._new_token_request(request)
            started = self._clock(), time.perf_counter()
            response = await client.send(token_request, auth=None)
            await self._store(response, *started)

    def _fresh(self) -> bool:
        return self._token is not None and self._clock() < self._refresh_at

    def _token_form(self) -> dict[str, str]:
        """The form of the next token request."""
        raise NotImplementedError

    def _token_headers(self) -> dict[str, str]:
        return {"Accept": "application/json"}

    def _new_token_request(self, request: httpx.Request) -> httpx.Request:
        self.token_requests += 1
        extensions: dict[str, Any] = {TOKEN_REQUEST_EXTENSION: True}
        # A bare Request has no timeout of its own: borrow the API request's.
        if "timeout" in request.extensions:
            extensions["timeout"] = request.extensions["timeout"]
        return httpx.Request(
            "POST",
            self._token_url,
            headers=self._token_headers(),
            data=self._token_form(),
            extensions=extensions,
        )

    def _refused(self, response: httpx.Response, path: str) -> GenesysError:
        return AuthError.from_response(response, method="POST", path=path)

    def _on_token_body(self, body: dict[str, Any]) -> None:
        """Hook for subclasses: the rest of a successful token response."""

    async def _store(self, response: httpx.Response, started: float, perf_start: float) -> None:
        """Cache the token; expiry counts from when the request was sent, to be safe."""
        await response.aread()
        path = response.request.url.path
        elapsed_ms = (time.perf_counter() - perf_start) * 1000
        log.debug("POST %s -> %d in %.0f ms (token)", path, response.status_code, elapsed_ms)
        if not response.is_success:
            raise self._refused(response, path)
        token, lifetime, body = parse_token_response(response, path)
        self._on_token_body(body)
        self._token = token
        self._refresh_at = started + lifetime - min(self._refresh_margin, lifetime / 2)


class ClientCredentialsAuth(BearerTokenAuth):
    """Bearer tokens from ``POST token_url`` with ``grant_type=client_credentials``.

    The secret only ever goes into the Basic header of token requests; ``repr`` leaves it out.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        client_secret: str,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(token_url, client_id, refresh_margin=refresh_margin, clock=clock)
        self._basic = "Basic " + base64.b64encode(f"{client_id}:{client_secret}".encode()).decode(
            "ascii"
        )

    def _token_headers(self) -> dict[str, str]:
        return {"Authorization": self._basic, "Accept": "application/json"}

    def _token_form(self) -> dict[str, str]:
        return {"grant_type": "client_credentials"}


def parse_token_response(response: httpx.Response, path: str) -> tuple[str, float, dict[str, Any]]:
    """``access_token`` and its lifetime in seconds from a 2xx token response, and the body.

    The token response is snake_case, unlike the rest of the API (NOTES 33).
    """
    try:
        body = response.json()
    except (ValueError, RecursionError):  # nesting deeper than json recurses
        raise ResponseFormatError(path, "token response is not JSON") from None
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise ResponseFormatError(path, "token response has no access_token")
    expires_in = body.get("expires_in", _DEFAULT_EXPIRES_IN)
    if isinstance(expires_in, bool) or not isinstance(expires_in, int | float):
        raise ResponseFormatError(path, "token response has a non-numeric expires_in")
    return token, float(expires_in), body
