"""Async client for the Genesys Cloud Platform API (and the public deployment config CDN).

One ``httpx.AsyncClient`` per org, created once (its SSL context is costly, DESIGN.md) and
closed with :meth:`PlatformClient.aclose`. Every failure surfaces as a ``GenesysError``.
"""

from __future__ import annotations

import functools
import logging
import ssl
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from inspector import __version__

from .analytics_models import AnalyticsJobResults, job_id_of, job_state_of
from .auth import TOKEN_REQUEST_EXTENSION, BearerTokenAuth
from .errors import ApiError, NetworkError, RateLimitPaused, RequestTimeout, ResponseFormatError
from .models import (
    AttributeSearchPage,
    AttributeSearchRow,
    Conversation,
    DeploymentConfig,
    DeploymentDomains,
    MessageDetails,
    WebDeployment,
)
from .regions import OrgEndpoints
from .retry import RateLimitInfo, RetryPolicy, RetryWait, call_with_retries

__all__ = ["PlatformClient", "date_range_query", "genesys_time"]

log = logging.getLogger("inspector.genesys")

_JOBS = "/api/v2/analytics/conversations/details/jobs"

# httpx timeout class -> the httpx.Timeout field that limited it.
_TIMEOUT_KINDS: dict[type[httpx.TimeoutException], str] = {
    httpx.ConnectTimeout: "connect",
    httpx.ReadTimeout: "read",
    httpx.WriteTimeout: "write",
    httpx.PoolTimeout: "pool",
}


def genesys_time(moment: datetime) -> str:
    """ISO 8601 UTC with milliseconds and Z, as Genesys writes and reads timestamps."""
    if moment.tzinfo is None:
        raise ValueError("use an aware datetime (UTC)")
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def date_range_query(
    start: datetime, end: datetime, field: str = "startTime"
) -> list[dict[str, Any]]:
    """A participant-attribute search ``query`` for conversations started in a window.

    Only conversationId/startTime/endTime/divisionId are searchable (NOTES 30).
    """
    return [
        {
            "type": "DATE_RANGE",
            "fields": [field],
            "startValue": genesys_time(start),
            "endValue": genesys_time(end),
        }
    ]


def _segment(value: str) -> str:
    """One URL path segment, quoted; an empty id would address a different endpoint."""
    if not value:
        raise ValueError("an id must not be empty")
    return quote(value, safe="")


@functools.cache
def _ssl_context() -> ssl.SSLContext:
    """The TLS settings httpx would build for each client, built once per process.

    Loading the CA bundle takes 20-65 ms (measured); every client (each org, each suite run)
    made its own, and a suite at concurrency 8 waited for it before its first scenario. An
    SSLContext may be shared between clients (Python ssl docs; httpx "SSL" docs).
    """
    return httpx.create_ssl_context()


class PlatformClient:
    """Typed calls to the Platform API endpoints the inspector reads (GENESYS.md).

    Requests are retried as :mod:`inspector.genesys.retry` decides; each wait is reported to
    ``on_wait`` (a plain callable, e.g. to show "waiting 12 s (rate limited)"). ``rate_limit``
    holds the latest ``inin-ratelimit-*`` headers.
    """

    def __init__(
        self,
        endpoints: OrgEndpoints,
        auth: httpx.Auth | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: httpx.Timeout | float = httpx.Timeout(10.0, connect=5.0),  # noqa: B008
        retry: RetryPolicy | None = None,
        on_wait: Callable[[RetryWait], None] | None = None,
        on_response: Callable[[str, str, int, float], None] | None = None,
    ) -> None:
        self.endpoints = endpoints
        self.auth = auth
        self.retry = retry or RetryPolicy()
        self.on_wait = on_wait
        # Called with (method, path, status, seconds) for every answer, retries included.
        self.on_response = on_response
        # More wait listeners beside ``on_wait`` (the run notes), which a window may replace.
        self.wait_hooks: list[Callable[[RetryWait], None]] = []
        self.rate_limit: RateLimitInfo | None = None
        self._request_count = 0
        self._client = httpx.AsyncClient(
            base_url=endpoints.api,
            auth=auth,
            transport=transport,
            verify=_ssl_context(),
            timeout=timeout,
            headers={"Accept": "application/json", "User-Agent": f"Inspector/{__version__}"},
            event_hooks={"request": [self._on_request], "response": [self._on_response]},
        )

    @property
    def request_count(self) -> int:
        """API requests sent, retries included, token requests excluded."""
        return self._request_count

    async def _on_request(self, request: httpx.Request) -> None:
        if not request.extensions.get(TOKEN_REQUEST_EXTENSION):
            self._request_count += 1

    async def _on_response(self, response: httpx.Response) -> None:
        info = RateLimitInfo.from_headers(response.headers)
        if info is not None:
            self.rate_limit = info

    async def fetch_token(self) -> None:
        """Ask the token endpoint for a token now; ``AuthError`` if it refuses."""
        if not isinstance(self.auth, BearerTokenAuth):
            return
        request = self._client.build_request("POST", self.endpoints.token_url)
        try:
            await self.auth.fetch_token(self._client)
        except httpx.TimeoutException as exc:
            raise RequestTimeout("POST /oauth/token", None) from exc
        except httpx.RequestError as exc:
            raise NetworkError(_host(exc, request), f"{type(exc).__name__}: {exc}") from exc

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

    def _public_url(self, deployment_id: str, name: str) -> str:
        base = f"{self.endpoints.api_cdn}/webdeployments/v1/deployments"
        return f"{base}/{_segment(deployment_id)}/{name}"

    async def deployment_config(self, deployment_id: str) -> DeploymentConfig:
        """The public Messenger config; another host, no auth (NOTES 32); 404 if unknown."""
        body, source = await self._get_json(
            self._public_url(deployment_id, "config.json"), authenticated=False
        )
        return DeploymentConfig.parse(body, source)

    async def deployment_domains(self, deployment_id: str) -> DeploymentDomains:
        """The public allowed domains Messenger checks first (MESSENGER.md); 404 if unknown."""
        body, source = await self._get_json(
            self._public_url(deployment_id, "domains.json"), authenticated=False
        )
        return DeploymentDomains.parse(body, source)

    async def search_participant_attributes(
        self,
        query: Sequence[Mapping[str, Any]],
        *,
        cursor: str | None = None,
        sort_order: str | None = None,
    ) -> AttributeSearchPage:
        """One page of ``POST /api/v2/conversations/participants/attributes/search``.

        Only conversationId/startTime/endTime/divisionId are searchable, never attribute
        values (NOTES 30); needs conversation:participant:attributesview.
        """
        body: dict[str, Any] = {"query": [dict(item) for item in query]}
        if cursor:
            body["cursor"] = cursor
        if sort_order:
            body["sortOrder"] = sort_order
        path = "/api/v2/conversations/participants/attributes/search"
        data, source = await self._json("POST", path, json=body)
        return AttributeSearchPage.parse(data, source)

    async def find_by_attribute(
        self,
        key: str,
        value: str,
        *,
        start: datetime,
        end: datetime,
        max_pages: int = 10,
    ) -> list[AttributeSearchRow]:
        """Conversations started in ``[start, end]`` with a participant whose ``key`` is
        exactly ``value``: how a run is found by its ``inspectorRunId`` when the message
        details are not readable. Follows the cursor for at most ``max_pages`` pages."""
        query = date_range_query(start, end)
        found: list[AttributeSearchRow] = []
        cursor: str | None = None
        for _ in range(max_pages):
            page = await self.search_participant_attributes(query, cursor=cursor)
            found.extend(row for row in page.rows if row.has_attribute(key, value))
            cursor = page.cursor
            if not cursor or not page.rows:
                break
        return found

    async def start_conversation_details_job(
        self, start: datetime, end: datetime, conversation_id: str | None = None
    ) -> str:
        """``POST /api/v2/analytics/conversations/details/jobs`` (AsyncConversationQuery);
        the job id. Needs analytics:conversationDetail:view."""
        query: dict[str, Any] = {"interval": f"{genesys_time(start)}/{genesys_time(end)}"}
        if conversation_id:
            query["conversationFilters"] = [
                {
                    "type": "and",
                    "predicates": [{"dimension": "conversationId", "value": conversation_id}],
                }
            ]
        body, source = await self._json("POST", _JOBS, json=query)
        return job_id_of(body, source)

    async def conversation_details_job_state(self, job_id: str) -> str:
        """AsyncQueryStatus ``state``: QUEUED, PENDING, FULFILLED, FAILED, CANCELLED, EXPIRED."""
        body, source = await self._get_json(f"{_JOBS}/{_segment(job_id)}")
        return job_state_of(body, source)

    async def conversation_details_job_results(
        self, job_id: str, cursor: str | None = None
    ) -> AnalyticsJobResults:
        """One page of a FULFILLED job's results, with ``dataAvailabilityDate``."""
        url = f"{_JOBS}/{_segment(job_id)}/results"
        if cursor:
            url += f"?cursor={quote(cursor, safe='')}"
        body, source = await self._get_json(url)
        return AnalyticsJobResults.parse(body, source)

    async def analytics_data_availability(self) -> str | None:
        """DataAvailabilityResponse ``dataAvailabilityDate``: jobs see data up to this time."""
        body, source = await self._get_json(f"{_JOBS}/availability")
        value = body.get("dataAvailabilityDate") if isinstance(body, dict) else None
        if value is not None and not isinstance(value, str):
            raise ResponseFormatError(source, "dataAvailabilityDate is not a string")
        return value

    async def disconnect_customer(self, conversation_id: str, participant_id: str) -> None:
        """End the customer's side of a test chat, so it does not sit in a queue.

        ``PATCH /api/v2/conversations/messages/{id}/participants/{pid}`` with
        ``{"state": "disconnected"}`` (GENESYS.md, Cleanup). Retried on 5xx like a GET: it
        sets a state, so one applied before the gateway failed is harmless to repeat.
        """
        path = (
            f"/api/v2/conversations/messages/{_segment(conversation_id)}"
            f"/participants/{_segment(participant_id)}"
        )
        await self._send("PATCH", path, json={"state": "disconnected"}, idempotent=True)

    async def _get_json(self, url: str, *, authenticated: bool = True) -> tuple[Any, str]:
        """GET and decode JSON; returns the body and its ``source`` label."""
        return await self._json("GET", url, authenticated=authenticated)

    async def _json(
        self, method: str, url: str, *, authenticated: bool = True, json: Any = None
    ) -> tuple[Any, str]:
        response = await self._send(method, url, authenticated=authenticated, json=json)
        source = f"{method} {url}"
        try:
            return response.json(), source
        except (ValueError, RecursionError):  # nesting deeper than json recurses
            raise ResponseFormatError(source, "the body is not JSON") from None

    async def _send(
        self,
        method: str,
        url: str,
        *,
        authenticated: bool = True,
        json: Any = None,
        idempotent: bool | None = None,
    ) -> httpx.Response:
        """Send a request, retried as the retry policy says; failures are ``GenesysError``s."""
        path = self._client.build_request(method, url).url.path

        async def attempt() -> httpx.Response:
            return await self._send_once(method, url, authenticated=authenticated, json=json)

        return await call_with_retries(
            attempt,
            method=method,
            path=path,
            policy=self.retry,
            on_wait=self._waiting,
            idempotent=idempotent,
        )

    def _waiting(self, wait: RetryWait) -> None:
        if self.on_wait is not None:
            self.on_wait(wait)
        for hook in self.wait_hooks:
            hook(wait)

    async def _send_once(
        self,
        method: str,
        url: str,
        *,
        authenticated: bool = True,
        json: Any = None,
    ) -> httpx.Response:
        """Send one request and map every failure to a ``GenesysError``."""
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
        if self.on_response is not None:
            self.on_response(method, path, response.status_code, elapsed_ms / 1000)
        if not response.is_success:
            error = ApiError.from_response(response, method=method, path=path)
            if (
                error.status == 429
                and error.retry_after is not None
                and error.retry_after > self.retry.max_retry_after
            ):
                raise RateLimitPaused.from_api_error(error)
            raise error
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
