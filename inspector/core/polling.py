"""Bounded polling with backoff, for answers the platform gives a moment later.

Attributes usually land within a second of the first message; a gentle backoff finds them soon
after without spending the org's rate budget (about 300 requests a minute per token).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TypeVar

from inspector.core.run_types import PlatformReader, ReadBack, Sleep, StepError

__all__ = ["POLL_GROWTH", "Poller"]

T = TypeVar("T")

POLL_GROWTH = 1.5


@dataclass
class Poller:
    deadline: float
    clock: Callable[[], float]
    sleep: Sleep
    initial: float = 0.15
    maximum: float = 2.0

    def within(self, seconds: float) -> Poller:
        """The same poller with an earlier deadline, to leave time for a fallback."""
        return Poller(
            min(self.deadline, self.clock() + seconds),
            self.clock,
            self.sleep,
            self.initial,
            self.maximum,
        )

    async def retry(self, attempt: Callable[[], Awaitable[T]]) -> T:
        """Retry retryable StepErrors with backoff; past the deadline they become a timeout."""
        delay = self.initial
        while True:
            try:
                return await attempt()
            except StepError as exc:
                if not exc.retryable:
                    raise
                if self.clock() + delay > self.deadline:
                    raise StepError(f"Timed out: {exc.message}", code="timeout") from exc
            await self.sleep(delay)
            delay = min(delay * POLL_GROWTH, self.maximum)

    async def read_until_present(
        self, platform: PlatformReader, conversation_id: str, sent: Mapping[str, str]
    ) -> ReadBack:
        """Poll until every sent key is on the participant in some spelling, or time is up.

        Attributes reach the participant a moment after the first message (the platform
        applies them asynchronously), so one read right after the message id arrives is often
        empty. A key in another case counts as arrived: waiting would not fix its spelling.
        """
        wanted = {k.casefold() for k in sent}
        delay = self.initial
        while True:
            readback = await self.retry(lambda: platform.read_customer_attributes(conversation_id))
            have = {k.casefold() for k in readback.attributes}
            if wanted <= have or self.clock() + delay > self.deadline:
                return readback
            await self.sleep(delay)
            delay = min(delay * POLL_GROWTH, self.maximum)
