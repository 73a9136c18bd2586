"""Bounded polling with backoff, for answers the platform gives a moment later.

Attributes usually land within a second of the first message; a gentle backoff finds them soon
after without spending the org's rate budget (about 300 requests a minute per token). The
first read of the attributes waits for the org's typical propagation (``propagation_estimate``
over its past runs' step timings, ``DEFAULT_PROPAGATION`` for an org without any), so no read
is spent before they could be there.
"""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from inspector.core.run_types import PlatformReader, ReadBack, Sleep, StepError

__all__ = [
    "DEFAULT_PROPAGATION",
    "MAX_PROPAGATION",
    "POLL_GROWTH",
    "Poller",
    "propagation_estimate",
]

T = TypeVar("T")

POLL_GROWTH = 1.5
# Seconds from the first message to its attributes on the participant, for an org with no
# passing run yet: a little over what orgs and the sandbox (300 ms) usually take.
DEFAULT_PROPAGATION = 0.4
# However slow an org was, the first read comes no later than this after the message.
MAX_PROPAGATION = 5.0
# How many of the org's latest passing runs the estimate looks at.
PROPAGATION_SAMPLES = 10


def propagation_estimate(
    runs: Iterable[Sequence[Mapping[str, Any]]], *, default: float = DEFAULT_PROPAGATION
) -> float:
    """This org's typical propagation in seconds, from its latest passing runs' step timings.

    ``runs`` holds each run's steps in the ``--json`` format (``name``, ``ms``, ``ok``), newest
    first. The read step starts once the conversation is found and ends one Platform API call
    after the attributes were seen; the lookup before it is one such call too, so the read
    step's duration stands for the time from the message to the attributes. The median of the
    latest runs is used; ``default`` when no run has a successful read.
    """
    samples: list[float] = []
    for steps in runs:
        read = next((s for s in steps if s.get("name") == "read"), None)
        if read is None or not read.get("ok", True) or not isinstance(read.get("ms"), int | float):
            continue
        samples.append(float(read["ms"]) / 1000)
        if len(samples) == PROPAGATION_SAMPLES:
            break
    if not samples:
        return default
    return min(max(statistics.median(samples), 0.0), MAX_PROPAGATION)


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
        self,
        platform: PlatformReader,
        conversation_id: str,
        sent: Mapping[str, str],
        *,
        first_read_at: float | None = None,
    ) -> ReadBack:
        """Poll until every sent key is on the participant in some spelling, or time is up.

        Attributes reach the participant a moment after the first message (the platform
        applies them asynchronously), so a read right after the message id arrives is often
        empty: the first read waits until ``first_read_at`` (a ``clock()`` time; never past
        the deadline), then reads back off. A key in another case counts as arrived: waiting
        would not fix its spelling.
        """
        wanted = {k.casefold() for k in sent}
        if first_read_at is not None:
            wait = min(first_read_at, self.deadline) - self.clock()
            if wait > 0:
                await self.sleep(wait)
        delay = self.initial
        while True:
            readback = await self.retry(lambda: platform.read_customer_attributes(conversation_id))
            have = {k.casefold() for k in readback.attributes}
            if wanted <= have or self.clock() + delay > self.deadline:
                return readback
            await self.sleep(delay)
            delay = min(delay * POLL_GROWTH, self.maximum)
