"""Async client for the Genesys Cloud Platform API (and the public deployment config CDN).

One ``httpx.AsyncClient`` per org, created once (its SSL context is costly, DESIGN.md) and
closed with :meth:`PlatformClient.aclose`. Every failure surfaces as a ``GenesysError``.
"""

from __future__ import annotations

import logging
import time
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from inspector import __version__

from .auth import TOKEN_REQUEST_EXTENSION
from .errors import ApiError, NetworkError, RequestTimeout, ResponseFormatError
from .models import Conversation, DeploymentConfig, MessageDetails, WebDeployment
from .regions import OrgEndpoints

__all__ = ["PlatformClient"]

log = logging.getLogger("inspector.genesys")

# httpx timeout class -> the httpx.Timeout field that limited it.
_TIMEOUT_KINDS: dict[type[httpx.TimeoutException], str] = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
    httpx.PoolTimeout: "pool",
}


def _segment(value: str) -> str:
    """One URL path segment, quoted; an empty id would address a different endpoint."""
    if not value:
        raise ValueError("an id must not be empty")
    return quote(value, safe="")


class PlatformClient:
    """Typed calls to the Platform API endpoints the inspector reads (GENESYS.md)."""

    def __init__(
        self,
        endpoints: OrgEndpoints,
        auth: httpx.Auth | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float = httpx.Timeout(10.0, connect=5.0),  # noqa: B008
    ) -> None:
        self.endpoints = endpoints
        self._request_count = 0
        self._client = httpx.AsyncClient(
            base_url=endpoints.api,
            auth=auth,
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": f"Inspector/{__version__}"},
            event_hooks={"request": [self._on_request]},
        )

    @property
    def request_count(self) -> int:
        """API requests sent, retries included, token requests excluded."""
        return self._request_count

    async def _on_request(self, request: httpx.Request) -> None:
        if not request.extensions.get(TOKEN_REQUEST_EXTENSION):
            self._request_count += 1

    async def message_details(self, message_id: str) -> MessageDetails:
        """Resolve a guest message id (the inbound echo's ``id``) to its conversation."""
        path = f"/api/v2/conversations/messages/{_segment(message_id)}/details"
        body, source = await self._get_json(path)
        return MessageDetails.parse(body, source)

    async def conversation(self, conversation_id: str) -> Conversation:
        """Any media; participants carry ``attributes`` (needs conversation:communication:view)."""
        path = f"/api/v2/conversations/{_segment(conversation_id)}"
        body, source = await self._get_json(path)
        return Conversation.parse(body, source)

    async def message_conversation(self, conversation_id: str) -> Conversation:
        """The messaging view (``MessageMediaParticipant`` items, with ``state``)."""
        path = f"/api/v2/conversations/messages/{_segment(conversation_id)}"
        body, source = await self._get_json(path)
        return Conversation.parse(body, source)

    async def web_deployment(self, deployment_id: str) -> WebDeployment:
        """Status and allowed domains (needs webdeployments:deployment:view)."""
        path = f"/api/v2/webdeployments/deployments/{_segment(deployment_id)}"
        body, source = await self._get_json(path)
        return WebDeployment.parse(body, source)

    async def deployment_config(self, deployment_id: str) -> DeploymentConfig:
        """The public Messenger config; another host, no auth (NOTES 32); 404 if unknown."""
        url = (
            f"{self.endpoints.api_cdn}/webdeployments/v1/deployments/"
            f"{_segment(deployment_id)}/config.json"
        )
        body, source = await self._get_json(url, authenticated=False)
        return DeploymentConfig.parse(body, source)

    async def _get_json(self, url: str, *, authenticated: bool = True) -> tuple[Any, str]:
        """GET and decode JSON; returns the body and its ``source`` label."""
        response = await self._send("GET", url, authenticated=authenticated)
        source = f"GET {url}"
        try:
            return response.json(), source
        except ValueError:
            raise ResponseFormatError(source, "the body is not JSON") from None

    async def _send(
        self,
        method: str,
        url: str,
        *,
        authenticated: bool = True,
        json: Any = None,
    ) -> httpx.Response:
        """Send one request and map every failure to a ``GenesysError``.

        The single place to add rate-limit retries (429 + Retry-After, NOTES 24) later.
        """
        request = self._client.build_request(method, url, json=json)
        path = request.url.path
        started = time.perf_counter()
        try:
            if authenticated:
                response = await self._client.send(request)
            else:
                response = await self._client.send(request, auth=None)
        except httpx.TimeoutException as exc:
            kind = _TIMEOUT_KINDS.get(type(exc), "read")
            limit = getattr(self._client.timeout, kind)
            raise RequestTimeout(
                f"{kind} timeout on {method} {path} ({_host(exc, request)})", limit
            ) from exc
        except httpx.RequestError as exc:  # connect/read/protocol errors, undecodable bodies
            raise NetworkError(_host(exc, request), f"{type(exc).__name__}: {exc}") from exc
        elapsed_ms = (time.perf_counter() - started) * 1000
        log.debug("%s %s -> %d in %.0f ms", method, path, response.status_code, elapsed_ms)
        if not response.is_success:
            raise ApiError.from_response(response, method=method, path=path)
        return response

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> PlatformClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()


def _host(exc: httpx.RequestError, fallback: httpx.Request) -> str:
    """The host that failed: the token host when the auth flow's request failed."""
    try:
        request = exc.request
    except RuntimeError:
        request = fallback
    return request.url.netloc.decode("ascii")
