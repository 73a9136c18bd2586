"""The simulated inbound message flow: what the org does after a guest message arrives.

A real org writes custom attributes onto the customer participant a moment after the message
(so clients must poll), and a bot flow answers. Both are delayed asyncio tasks here; the flow
keeps strong references to them and cancels them when the sandbox stops.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

from inspector.sandbox import frames
from inspector.sandbox.faults import land_attributes
from inspector.sandbox.state import Conversation, GuestSession, OrgState, dashed_id, message_time

log = logging.getLogger("inspector.sandbox")

BOT_GREETING = "Thanks! This is the sandbox bot. A flow would route you now."
BOT_ACK = "Got it."


class SimulatedFlow:
    """Delayed attribute propagation and bot replies for every conversation of the org."""

    def __init__(self, state: OrgState, propagation_delay: float, bot_reply_delay: float) -> None:
        self._state = state
        self.propagation_delay = propagation_delay
        self.bot_reply_delay = bot_reply_delay
        self._tasks: set[asyncio.Task[None]] = set()

    def message_received(
        self,
        session: GuestSession,
        conversation: Conversation,
        attributes: dict[str, str],
        *,
        first: bool,
        is_text: bool,
    ) -> None:
        """React to an accepted inbound message (its echo has been sent already)."""
        if attributes:
            self._spawn(self._propagate(conversation, dict(attributes)), "propagate")
        if first:
            self._spawn(self._reply(session, conversation, BOT_GREETING), "greet")
        elif is_text:
            self._spawn(self._reply(session, conversation, BOT_ACK), "ack")

    def _spawn(self, coro: Coroutine[Any, Any, None], name: str) -> None:
        task = asyncio.get_running_loop().create_task(coro, name=f"sandbox-flow-{name}")
        self._tasks.add(task)
        task.add_done_callback(self._task_done)

    def _task_done(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("sandbox flow task failed", exc_info=task.exception())

    async def _propagate(self, conversation: Conversation, attributes: dict[str, str]) -> None:
        late = "late-attributes" in self._state.faults
        await asyncio.sleep(self._state.late_attributes_delay if late else self.propagation_delay)
        faults = self._state.faults  # read now, so a fault switched at run time applies
        landed = land_attributes(attributes, faults)
        conversation.customer.attributes.update(landed)
        log.debug(
            "conversation %s: %d attribute(s) sent, %d landed (faults: %s)",
            conversation.id,
            len(attributes),
            len(landed),
            ", ".join(sorted(faults)) or "none",
        )

    async def _reply(self, session: GuestSession, conversation: Conversation, text: str) -> None:
        await asyncio.sleep(self.bot_reply_delay)
        if conversation.end_time is not None:
            return
        message = self._state.record_message(
            conversation, direction="outbound", type_="Text", text=text
        )
        await frames.push(session, frames.outbound_text(message))

    async def disconnect_customer(self, conversation: Conversation) -> None:
        """Tell the guest the conversation ended (conversationDisconnect type "Send")."""
        session = self._state.sessions.get(conversation.session_token)
        if session is None:
            return
        frame = frames.presence_disconnect(dashed_id(), dashed_id(), message_time())
        await frames.push(session, frame)

    async def close(self) -> None:
        """Cancel the pending propagations and replies and wait for them to finish."""
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()
