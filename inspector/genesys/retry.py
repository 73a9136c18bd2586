"""When a Platform API request is sent again, and how long to wait first.

- 429: wait exactly ``Retry-After`` (GENESYS.md: the official SDKs honour it, NOTES 24), for
  any method, since the org did not process a rate-limited request. A wait longer than
  ``RetryPolicy.max_retry_after`` is not retried at all: ``RateLimitPaused`` tells the user the
  org's work is paused; retrying early only extends the limit.
- 502/503/504 and failed connections: only idempotent methods (GET, HEAD, PUT, DELETE,
  OPTIONS), with capped, jittered exponential backoff. A POST or PATCH may have been applied
  before the gateway failed, so it is never sent again blindly.

The loop itself is tenacity's; this module only decides.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import httpx
from tenacity import AsyncRetrying, RetryCallState, wait_exponential_jitter

from .errors import ApiError, NetworkError, RateLimitPaused, RequestTimeout

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRYABLE_STATUSES",
    "RateLimitInfo",
    "RetryPolicy",
    "RetryWait",
    "call_with_retries",
]

log = logging.getLogger("inspector.genesys")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
RETRYABLE_STATUSES = frozenset({502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """Limits of the retry loop; the defaults suit an interactive tool."""

    max_attempts: int = 4  # per request, for 502/503/504 and failed connections
    max_rate_limit_retries: int = 5
    max_retry_after: float = 120.0  # a longer 429 wait pauses instead (RateLimitPaused)
    # A 429 without Retry-After: the official SDKs' retryAfterDefaultMs (NOTES 24).
    default_retry_after: float = 3.0
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    backoff_jitter: float = 0.5


@dataclass(frozen=True)
class RetryWait:
    """One wait before a retry, as the UI shows it: ``waiting 12 s (rate limited)``."""

    seconds: float
    reason: str
    attempt: int  # the attempt that failed, from 1
    method: str
    path: str

    def describe(self) -> str:
        amount = f"{self.seconds:.0f}" if self.seconds >= 10 else f"{self.seconds:.1f}"
        return f"waiting {amount} s ({self.reason})"


@dataclass(frozen=True)
class RateLimitInfo:
    """The ``inin-ratelimit-*`` headers of the latest response that had them (NOTES 24)."""

    count: int | None
    allowed: int | None
    reset_seconds: float | None
    observed_at: float  # time.monotonic()

    @property
    def remaining(self) -> int | None:
        if self.count is None or self.allowed is None:
            return None
        return max(0, self.allowed - self.count)

    @classmethod
    def from_headers(
        cls, headers: Mapping[str, str], now: float | None = None
    ) -> RateLimitInfo | None:
        count = _number(headers.get("inin-ratelimit-count"))
        allowed = _number(headers.get("inin-ratelimit-allowed"))
        reset = _number(headers.get("inin-ratelimit-reset"))
        if count is None and allowed is None and reset is None:
            return None
        return cls(
            count=int(count) if count is not None else None,
            allowed=int(allowed) if allowed is not None else None,
            reset_seconds=reset,
            observed_at=time.monotonic() if now is None else now,
        )


def _number(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def _connect_failed(exc: BaseException) -> bool:
    """The request never reached the org (refused, DNS, connect timeout)."""
    return isinstance(exc, NetworkError | RequestTimeout) and isinstance(
        exc.__cause__, httpx.ConnectError | httpx.ConnectTimeout
    )


class _Decider:
    """The retry, wait and stop rules of one call, with its own counters."""

    def __init__(
        self,
        policy: RetryPolicy,
        method: str,
        path: str,
        on_wait: Callable[[RetryWait], None] | None,
        idempotent: bool | None = None,
    ) -> None:
        self.policy = policy
        self.method = method
        self.path = path
        self.idempotent = method.upper() in IDEMPOTENT_METHODS if idempotent is None else idempotent
        self.on_wait = on_wait
        self.rate_limited = 0
        self.failures = 0
        self._backoff = wait_exponential_jitter(
            multiplier=policy.backoff_initial, max=policy.backoff_max, jitter=policy.backoff_jitter
        )

    @staticmethod
    def _error(state: RetryCallState) -> BaseException | None:
        return state.outcome.exception() if state.outcome is not None else None

    def kind(self, exc: BaseException | None) -> str | None:
        """``rate limited``, ``HTTP 503``, ``connection failed``, or None for no retry."""
        if isinstance(exc, RateLimitPaused):
            return None  # the wait is longer than we are allowed to hold the work
        if isinstance(exc, ApiError) and exc.status == 429:
            return "rate limited"
        if not self.idempotent:
            return None
        if isinstance(exc, ApiError) and exc.status in RETRYABLE_STATUSES:
            return f"HTTP {exc.status}"
        if exc is not None and _connect_failed(exc):
            return "connection failed"
        return None

    def retry(self, state: RetryCallState) -> bool:
        return self.kind(self._error(state)) is not None

    def wait(self, state: RetryCallState) -> float:
        exc = self._error(state)
        if isinstance(exc, ApiError) and exc.status == 429:
            return (
                exc.retry_after
                if exc.retry_after is not None
                else (self.policy.default_retry_after)
            )
        if isinstance(exc, ApiError) and exc.retry_after is not None:
            return min(exc.retry_after, self.policy.backoff_max)
        return float(self._backoff(state))

    def stop(self, state: RetryCallState) -> bool:
        if self.kind(self._error(state)) == "rate limited":
            self.rate_limited += 1
            return self.rate_limited > self.policy.max_rate_limit_retries
        self.failures += 1
        return self.failures >= self.policy.max_attempts

    def before_sleep(self, state: RetryCallState) -> None:
        seconds = state.next_action.sleep if state.next_action else 0.0
        reason = self.kind(self._error(state)) or "retry"
        wait = RetryWait(seconds, reason, state.attempt_number, self.method, self.path)
        log.info("%s %s: %s", self.method, self.path, wait.describe())
        if self.on_wait is not None:
            self.on_wait(wait)


async def call_with_retries(
    send: Callable[[], Awaitable[httpx.Response]],
    *,
    method: str,
    path: str,
    policy: RetryPolicy,
    on_wait: Callable[[RetryWait], None] | None = None,
    idempotent: bool | None = None,
) -> httpx.Response:
    """Run ``send`` until it succeeds, the rules say stop, or it fails in a way not retried.

    ``send`` raises ``GenesysError``s; the last one propagates unchanged. ``idempotent``
    overrides what the method says (a PATCH that sets a state is safe to repeat).
    """
    decider = _Decider(policy, method, path, on_wait, idempotent)
    retrying = AsyncRetrying(
        retry=decider.retry,
        wait=decider.wait,
        stop=decider.stop,
        before_sleep=decider.before_sleep,
        reraise=True,
    )
    return await retrying(send)
