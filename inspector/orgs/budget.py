"""An org's Platform API budget: a token bucket shared by every run on the org.

Genesys limits requests per token and minute; scenarios run at once, and the window's runs,
share one budget per org so that none of them is refused with a 429 the others caused.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

from inspector.core import PlatformReader, ReadBack

__all__ = ["DEFAULT_BURST", "DEFAULT_REQUESTS_PER_MINUTE", "RateLimitedReader", "RateLimiter"]

# Genesys allows about 300 Platform API requests a minute per token; keep headroom for a user
# working in the same org at the same time.
DEFAULT_REQUESTS_PER_MINUTE = 240
DEFAULT_BURST = 10
# Float rounding after a computed sleep can leave 0.9999999 tokens; that is a whole token.
_EPSILON = 1e-6


class RateLimiter:
    """Token bucket that never lets more than `per_minute` calls through in any 60 s window.

    A plain bucket of capacity C refilled at N/60 per second admits C + N calls in the first
    minute. Refilling at (N - C)/60 instead bounds every window: at most C tokens saved up plus
    N - C refilled. Written here because the common async limiters (aiolimiter) bound the
    average rate, not each window.
    """

    def __init__(
        self,
        per_minute: int,
        *,
        burst: int = DEFAULT_BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self.capacity = max(1, min(burst, per_minute // 2 or 1))
        self.rate = (per_minute - self.capacity) / 60.0 or per_minute / 120.0
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(self.capacity)
        self._updated = clock()
        self._lock = asyncio.Lock()
        self.acquired = 0

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self) -> None:
        """Wait for a token; callers queue in order (the lock is fair)."""
        async with self._lock:
            self._refill()
            while self._tokens < 1 - _EPSILON:
                await self._sleep((1 - self._tokens) / self.rate)
                self._refill()
            self._tokens = max(0.0, self._tokens - 1)
            self.acquired += 1


class RateLimitedReader:
    """A PlatformReader whose every call first takes a token from the org's limiter."""

    def __init__(self, reader: PlatformReader, limiter: RateLimiter) -> None:
        self._reader = reader
        self.limiter = limiter

    async def conversation_id_for_message(self, message_id: str) -> str:
        await self.limiter.acquire()
        return await self._reader.conversation_id_for_message(message_id)

    async def find_conversation_by_run_id(self, run_id: str) -> str:
        await self.limiter.acquire()
        return await self._reader.find_conversation_by_run_id(run_id)

    async def read_customer_attributes(self, conversation_id: str) -> ReadBack:
        await self.limiter.acquire()
        return await self._reader.read_customer_attributes(conversation_id)

    async def end_conversation(self, conversation_id: str, participant_id: str) -> None:
        await self.limiter.acquire()
        await self._reader.end_conversation(conversation_id, participant_id)
