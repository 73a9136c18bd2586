"""The adapters through which core drives an org's clients.

Core knows nothing of httpx or WebSockets; these adapters translate client results into core
values and client errors into `StepError` with a message the user can act on.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Literal

from inspector.core import RUN_ID_KEY, Diagnosis, ReadBack, StepError
from inspector.core.diagnoses import LEGACY_LOCATION, explain, wait_notes
from inspector.core.run_types import WireCapture
from inspector.core.wording import times
from inspector.genesys import (
    GenesysError,
    GuestSession,
    OrgEndpoints,
    PlatformClient,
    RetryWait,
)
from inspector.genesys.auth import BearerTokenAuth
from inspector.genesys.errors import GuestConnectionClosed
from inspector.orgs.step_errors import POLICY_VIOLATION, step_error

__all__ = ["SEARCH_WINDOW", "SLOW_ANSWER_SECONDS", "GuestLauncher", "PlatformAdapter"]

log = logging.getLogger("inspector.app")

# How far back the run-id search looks; a verification takes well under a minute.
SEARCH_WINDOW = timedelta(minutes=15)


# A Platform API answer slower than this is worth a note (slow-org), even when the run passes.
SLOW_ANSWER_SECONDS = 2.0


class PlatformAdapter:
    """PlatformReader over the Platform API client."""

    def __init__(self, client: PlatformClient) -> None:
        self.client = client
        self._waits: list[tuple[float, str]] = []
        self._slowest = 0.0
        self._refreshes_seen = self._refreshes()
        self.slow_after = SLOW_ANSWER_SECONDS

    def _refreshes(self) -> int:
        auth = self.client.auth
        return auth.unauthorized_refreshes if isinstance(auth, BearerTokenAuth) else 0

    def record_wait(self, wait: RetryWait) -> None:
        self._waits.append((wait.seconds, wait.reason))

    def record_response(self, method: str, path: str, status: int, seconds: float) -> None:
        self._slowest = max(self._slowest, seconds)

    def take_notes(self) -> list[Diagnosis]:
        """Retries, waits, token refreshes and slow answers since the last call."""
        notes = wait_notes(self._waits)
        refreshes = self._refreshes()
        if refreshes > self._refreshes_seen:
            fetched = times(refreshes - self._refreshes_seen)
            notes.append(
                explain(
                    "token-refreshed",
                    f"The access token was refused mid-run (401): a new one was fetched "
                    f"{fetched} and the run went on.",
                )
            )
        if self._slowest >= self.slow_after:
            notes.append(
                explain("slow-org", f"The slowest Platform API answer took {self._slowest:.1f} s.")
            )
        self._waits = []
        self._slowest = 0.0
        self._refreshes_seen = refreshes
        return notes

    async def conversation_id_for_message(self, message_id: str) -> str:
        try:
            details = await self.client.message_details(message_id)
        except GenesysError as exc:
            raise step_error(exc, "Looking up the message") from exc
        return details.conversation_id

    async def find_conversation_by_run_id(self, run_id: str) -> str:
        # The search cannot filter on attribute values (NOTES 30): search the last minutes
        # and match the run id in the rows it returns.
        now = datetime.now(UTC)
        try:
            rows = await self.client.find_by_attribute(
                RUN_ID_KEY, run_id, start=now - SEARCH_WINDOW, end=now + timedelta(minutes=1)
            )
        except GenesysError as exc:
            raise step_error(exc, "Searching conversations by run id") from exc
        if not rows:
            raise StepError(
                f"No conversation carries {RUN_ID_KEY} = {run_id} yet",
                code="not-found",
                retryable=True,
            )
        return rows[0].conversation_id

    async def end_conversation(self, conversation_id: str, participant_id: str) -> None:
        try:
            await self.client.disconnect_customer(conversation_id, participant_id)
        except GenesysError as exc:
            raise step_error(exc, "Ending the test conversation") from exc

    async def read_customer_attributes(self, conversation_id: str) -> ReadBack:
        try:
            conversation = await self.client.conversation(conversation_id)
        except GenesysError as exc:
            raise step_error(exc, "Reading the conversation") from exc
        customer = conversation.customer()
        if customer is None:
            # The customer participant can lag the conversation; read again.
            raise StepError(
                "The conversation has no customer participant yet",
                code="no-customer",
                retryable=True,
            )
        return ReadBack(
            attributes=dict(customer.attributes),
            raw=conversation.raw,
            source=conversation.source,
            attributes_path=f"{customer.path}.attributes",
            participant_id=customer.id,
        )


class GuestLauncher:
    """Launcher over the guest WebSocket: what runs headless, with the configured Origin.

    A socket cut while the first message is sent (1006) is resumed once: a new socket,
    configureSession with the same token, and the message again. The message may then reach
    the org twice if the first copy was accepted before the cut; for an attribute check that
    is harmless (the same attributes), and better than a failed run.
    """

    def __init__(
        self,
        endpoints: OrgEndpoints,
        deployment_id: str,
        origin: str | None,
        *,
        placement: str = "message",
    ) -> None:
        self.endpoints = endpoints
        self.deployment_id = deployment_id
        self.origin = origin
        self.placement: Literal["message", "legacy"] = (
            "legacy" if placement == LEGACY_LOCATION else "message"
        )
        self.session = GuestSession(endpoints, deployment_id, origin=origin)
        self.max_custom_data_bytes: int | None = None
        self._notes: list[Diagnosis] = []

    def take_notes(self) -> list[Diagnosis]:
        notes, self._notes = self._notes, []
        return notes

    def sent_on_wire(self) -> WireCapture | None:
        """The first onMessage as it left, attributes wherever they were placed."""
        if not self.session.sent_frames:
            return None
        fields = self.session.sent_frames[0]
        message = fields.get("message") or {}
        holder = fields if self.placement == "legacy" else message
        attributes = ((holder.get("channel") or {}).get("metadata") or {}).get(
            "customAttributes"
        ) or {}
        return WireCapture(
            attributes={str(k): str(v) for k, v in attributes.items()},
            message=fields,
            kind=str(message.get("type", "")),
            source="guest onMessage frame",
        )

    async def connect(self) -> None:
        try:
            await self.session.connect()
            info = await self.session.configure()
        except GenesysError as exc:
            raise step_error(exc, "Connecting the guest session", origin=self.origin) from exc
        self.max_custom_data_bytes = info.max_custom_data_bytes

    async def send_first_message(self, text: str, attributes: Mapping[str, str]) -> str:
        try:
            try:
                echo = await self.session.send_text(text, attributes, placement=self.placement)
            except GuestConnectionClosed as closed:
                if closed.close_code == POLICY_VIOLATION:
                    raise
                log.info("Guest socket closed (%s); resuming the session once", closed)
                await self._resume()
                echo = await self.session.send_text(text, attributes, placement=self.placement)
                self._notes.append(
                    explain(
                        "guest-reconnected",
                        f"The guest socket closed while sending (code {closed.close_code}); "
                        "the session was resumed on a new socket and the message sent again.",
                    )
                )
        except GenesysError as exc:
            raise step_error(exc, "Sending the first message", origin=self.origin) from exc
        return echo.id

    async def _resume(self) -> None:
        """A new socket for the same guest session: configureSession with the same token."""
        token = self.session.token
        await self.session.close()
        self.session = GuestSession(
            self.endpoints, self.deployment_id, origin=self.origin, token=token
        )
        await self.session.connect()
        await self.session.configure()

    async def close(self) -> None:
        await self.session.close()
