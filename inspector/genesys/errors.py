"""Errors raised by the Genesys Cloud clients.

Every failure a caller can act on is a :class:`GenesysError`; each has ``user_message()``, a
sentence fit for the window or the CLI. The tree::

    GenesysError
    ├── ApiError                 the Platform API answered non-2xx (ErrorBody parsed)
    │   ├── AuthError            the OAuth token endpoint refused the credentials
    │   └── RateLimitPaused      429 with a Retry-After longer than the client waits
    ├── SignInError              the browser sign-in (authorization code + PKCE) failed
    ├── NetworkError             connecting or reading failed (DNS, refused, reset), with the host
    ├── RequestTimeout           a request or an awaited guest frame took too long
    ├── ResponseFormatError      2xx, but the JSON is not what the model needs
    ├── GuestError               the guest WebSocket answered with an error frame
    └── GuestConnectionClosed    the guest WebSocket closed while we needed it

Anything else escaping the clients is a bug, not a condition to handle.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx  # the errors are read from its responses; the guest path needs no httpx

__all__ = [
    "ApiError",
    "AuthError",
    "GenesysError",
    "GuestConnectionClosed",
    "GuestError",
    "NetworkError",
    "RateLimitPaused",
    "RequestTimeout",
    "ResponseFormatError",
    "SignInError",
]

# Application codes of guest error frames (NOTES 3, 4; transport SDK ErrorCode.kt).
GUEST_ERROR_CODES: dict[int, str] = {
    400: "request failed",
    401: "unauthorized",
    403: "forbidden (feature off, or origin/deployment not allowed)",
    4000: "bad request",
    4001: "file type not supported",
    4002: "file size too large",
    4003: "file name too long",
    4004: "invalid message request",
    4005: "invalid message type",
    4006: "session expired",
    4007: "session not found",
    4008: "attachment has expired",
    4010: "attachment not found",
    4011: "message too long",
    4013: "custom attributes larger than the session's maxCustomDataBytes",
    4017: "cannot downgrade an authenticated session",
    4020: "missing parameter",
    4029: "too many requests",
    5000: "unexpected server error",
}


class GenesysError(Exception):
    """Base of every error the Genesys clients raise on purpose."""

    def user_message(self) -> str:
        """A sentence for the user: what failed and, where known, what to check."""
        return str(self)


class ApiError(GenesysError):
    """A Platform API request answered with a non-2xx status.

    ``code``/``message``/``context_id`` come from the ErrorBody (NOTES 23); ``context_id`` is
    what Genesys support asks for. ``retry_after`` is the ``Retry-After`` header in seconds.
    """

    def __init__(
        self,
        *,
        status: int,
        code: str | None,
        message: str,
        context_id: str | None,
        body: Any,
        method: str,
        path: str,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.message = message
        self.context_id = context_id
        self.body = body
        self.method = method
        self.path = path
        self.retry_after = retry_after
        super().__init__(self._summary())

    def _summary(self) -> str:
        head = f"{self.status} {self.code}" if self.code else str(self.status)
        text = f"{head}: {self.message}"
        if self.context_id:
            text += f" (contextId {self.context_id})"
        return text

    def user_message(self) -> str:
        return f"Genesys Cloud refused {self.method} {self.path}: {self._summary()}"

    @property
    def missing_permissions(self) -> list[str]:
        """The permissions a 403 names ("...: [conversation:message:view]"), NOTES 25."""
        if self.status != 403:
            return []
        found = re.search(r"\[([^\]]+)\]", self.message)
        if not found:
            return []
        return [p.strip() for p in found.group(1).split(",") if p.strip()]

    @classmethod
    def from_response(cls, response: httpx.Response, *, method: str, path: str) -> ApiError:
        """Build from a non-2xx response, whatever its body (JSON ErrorBody, OAuth, text)."""
        body = _body_of(response)
        code: str | None = None
        message = ""
        context_id: str | None = None
        if isinstance(body, dict):
            # ErrorBody (Platform API) or an OAuth error body {"error", "error_description"}.
            code = _first_str(body, "code", "error")
            message = _first_str(body, "message", "error_description", "description") or ""
            context_id = _first_str(body, "contextId")
        elif isinstance(body, str):
            message = body.strip()[:300]
        if not message:
            message = response.reason_phrase or f"HTTP {response.status_code}"
        # The contextId equals the inin-correlation-id header (NOTES 23).
        context_id = context_id or response.headers.get("inin-correlation-id")
        return cls(
            status=response.status_code,
            code=code,
            message=message,
            context_id=context_id,
            body=body,
            method=method,
            path=path,
            retry_after=_retry_after(response),
        )


class AuthError(ApiError):
    """The token endpoint refused the client credentials (wrong id/secret, wrong region)."""

    def user_message(self) -> str:
        return (
            f"Genesys Cloud refused the OAuth client credentials ({self._summary()}). "
            "Check the client id, the secret, the grant type and the region."
        )


class RateLimitPaused(ApiError):
    """A 429 asked for a wait longer than the client's cap: the work pauses, it does not retry.

    Retrying before ``retry_after`` only extends the limit (GENESYS.md, Rate limits).
    """

    def user_message(self) -> str:
        return (
            f"Genesys Cloud {self._summary()} on {self.method} {self.path}. Retrying earlier "
            "would only extend the limit."
        )

    @classmethod
    def from_api_error(cls, error: ApiError) -> RateLimitPaused:
        return cls(
            status=error.status,
            code=error.code,
            message=error.message,
            context_id=error.context_id,
            body=error.body,
            method=error.method,
            path=error.path,
            retry_after=error.retry_after,
        )

    def _summary(self) -> str:
        wait = f"{self.retry_after:.0f} s" if self.retry_after is not None else "?"
        return f"rate limited for {wait}: paused; " + super()._summary()


class SignInError(GenesysError):
    """The browser sign-in did not give a token: refused, wrong ``state``, timed out, or closed.

    ``reason`` is a short code (``state-mismatch``, ``timeout``, ``denied``, ``bad-redirect``,
    ``port-in-use``, ``no-refresh``).
    """

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        self.message = message
        super().__init__(message)


class NetworkError(GenesysError):
    """A connection to ``host`` failed before an answer arrived."""

    def __init__(self, host: str, detail: str) -> None:
        self.host = host
        self.detail = detail
        super().__init__(f"network error talking to {host}: {detail}")

    def user_message(self) -> str:
        return f"Could not reach {self.host} ({self.detail}). Check the region and the network."


class RequestTimeout(GenesysError):
    """Nothing arrived in time; ``what`` names the request or frame that timed out."""

    def __init__(self, what: str, timeout: float | None = None) -> None:
        self.what = what
        self.timeout = timeout
        limit = f" after {timeout:g} s" if timeout is not None else ""
        super().__init__(f"timed out{limit}: {what}")


class ResponseFormatError(GenesysError):
    """A 2xx response whose JSON lacks what the model needs; ``path`` is the request path."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"unexpected response from {path}: {problem}")


class GuestError(GenesysError):
    """An error frame on the guest WebSocket.

    ``code`` is the envelope code: an application code (4013, 4006...) for ``class: "string"``
    frames (NOTES 3), 429 for ``TooManyRequestsErrorMessage`` (NOTES 4, ``retry_after`` from
    ``body.retryAfter``), 200 for ``SessionExpiredEvent`` (NOTES 5), or the HTTP status when
    the server refused the WebSocket upgrade (``klass == "HandshakeRefused"``).
    """

    def __init__(
        self,
        code: int,
        body: Any,
        klass: str,
        *,
        retry_after: float | None = None,
        action: str | None = None,
    ) -> None:
        self.code = code
        self.body = body
        self.klass = klass
        self.retry_after = retry_after
        self.action = action
        super().__init__(self._summary())

    @property
    def session_expired(self) -> bool:
        """True for both shapes of session expiry (NOTES 5)."""
        return self.klass == "SessionExpiredEvent" or self.code == 4006

    def _summary(self) -> str:
        detail = self.body if isinstance(self.body, str) else json.dumps(self.body)
        meaning = "session expired" if self.session_expired else GUEST_ERROR_CODES.get(self.code)
        head = f"{self.code} {self.klass}"
        if meaning and self.klass != "HandshakeRefused":
            head += f" ({meaning})"
        if self.action:
            head = f"{self.action}: {head}"
        return f"{head}: {detail}"

    def user_message(self) -> str:
        text = f"The web messaging service answered with an error: {self._summary()}"
        if self.retry_after is not None:
            text += f". Retry after {self.retry_after:g} s"
        return text


class GuestConnectionClosed(GenesysError):
    """The guest WebSocket closed; ``close_code`` is the WebSocket close code if known."""

    def __init__(self, close_code: int | None, reason: str | None = None) -> None:
        self.close_code = close_code
        self.reason = reason
        text = f"web messaging connection closed (code {close_code})"
        if reason:
            text += f": {reason}"
        super().__init__(text)


def _body_of(response: httpx.Response) -> Any:
    try:
        return response.json()
    except (ValueError, RecursionError):  # nesting deeper than json recurses
        try:
            return response.text
        except (UnicodeDecodeError, LookupError):
            return response.content.decode("utf-8", "replace")


def _first_str(body: dict[str, Any], *keys: str) -> str | None:
    for key in keys:
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date; Genesys sends seconds (NOTES 24)
