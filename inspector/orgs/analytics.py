"""The analytics check's adapter: a conversation details job, polled until it is done.

Kept beside org.py: it turns the client's job calls and errors into core values.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from inspector.core import StepError
from inspector.core.analytics import AnalyticsReadBack
from inspector.genesys import GenesysError, PlatformClient
from inspector.orgs.step_errors import step_error

__all__ = ["AnalyticsAdapter"]

log = logging.getLogger("inspector.app")

# The job's interval around now: a verification's conversation started minutes ago at most.
JOB_WINDOW = timedelta(minutes=15)
_DONE_STATES = frozenset({"FAILED", "CANCELLED", "EXPIRED"})


class AnalyticsAdapter:
    """AnalyticsReader over the Platform API client."""

    def __init__(
        self, client: PlatformClient, *, poll: float = 0.2, max_wait: float = 30.0
    ) -> None:
        self.client = client
        self.poll = poll
        self.max_wait = max_wait

    async def analytics_attributes(self, conversation_id: str) -> AnalyticsReadBack:
        now = datetime.now(UTC)
        try:
            job = await self.client.start_conversation_details_job(
                now - JOB_WINDOW, now + timedelta(minutes=1), conversation_id
            )
            await self._wait_fulfilled(job)
            cursor: str | None = None
            availability: str | None = None
            for _ in range(20):  # pages; one is the usual case with a conversation filter
                page = await self.client.conversation_details_job_results(job, cursor)
                availability = page.data_availability or availability
                for conversation in page.conversations:
                    if conversation.conversation_id == conversation_id:
                        return AnalyticsReadBack(
                            conversation.customer_attributes or {}, availability
                        )
                cursor = page.cursor
                if not cursor:
                    break
        except GenesysError as exc:
            raise step_error(exc, "Checking analytics") from exc
        return AnalyticsReadBack(None, availability)

    async def _wait_fulfilled(self, job: str) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.max_wait
        delay = self.poll
        while True:
            state = await self.client.conversation_details_job_state(job)
            if state == "FULFILLED":
                return
            if state in _DONE_STATES:
                raise StepError(f"The analytics job ended {state}", code="analytics-failed")
            if loop.time() + delay > deadline:
                raise StepError(
                    f"The analytics job was still {state} after {self.max_wait:g} s",
                    code="analytics-failed",
                )
            log.debug("analytics job %s is %s", job, state)
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 2.0)
