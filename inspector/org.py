"""One org as the app uses it: its clients, and the adapters through which core drives them.

Core knows nothing of httpx or WebSockets; these adapters translate client results into core
values and client errors into `StepError` with a message the user can act on.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal

import httpx

from inspector.core import RUN_ID_KEY, Diagnosis, ReadBack, StepError, VerificationRequest
from inspector.core.diagnoses import LEGACY_LOCATION, explain, wait_notes
from inspector.core.polling import DEFAULT_PROPAGATION
from inspector.core.preflight import DeploymentFacts, PreflightCheck, run_preflight
from inspector.core.run_types import WireCapture
from inspector.core.scenario import DEFAULT_PROFILE
from inspector.core.wording import times
from inspector.genesys import (
    ApiError,
    ClientCredentialsAuth,
    GenesysError,
    GuestError,
    GuestSession,
    OrgEndpoints,
    PlatformClient,
    RetryWait,
)
from inspector.genesys.auth import BearerTokenAuth
from inspector.genesys.errors import GuestConnectionClosed, ResponseFormatError
from inspector.sandbox import SEEDED_DEPLOYMENTS, SandboxOrg

__all__ = [
    "GuestLauncher",
    "HostPageSpec",
    "OrgConnection",
    "PlatformAdapter",
    "sandbox_connection",
]

log = logging.getLogger("inspector.app")

# How far back the run-id search looks; a verification takes well under a minute.
SEARCH_WINDOW = timedelta(minutes=15)


@dataclass(frozen=True)
class HostPageSpec:
    """What the chat host page needs: where Messenger comes from and which origin to present."""

    bootstrap_url: str
    environment: str
    deployment_id: str
    origin: str


# A Platform API answer slower than this is worth a note (slow-org), even when the run passes.
SLOW_ANSWER_SECONDS = 2.0
# WebSocket close code 1008 (policy violation): how the org refuses a guest socket.
_POLICY_VIOLATION = 1008


def _step_error(exc: GenesysError, what: str, *, origin: str | None = None) -> StepError:
    if isinstance(exc, ResponseFormatError):
        return StepError(f"{what}: the answer was not valid JSON ({exc})", code="bad-response")
    refused = (isinstance(exc, GuestError) and exc.code == 403) or (
        isinstance(exc, GuestConnectionClosed) and exc.close_code == _POLICY_VIOLATION
    )
    if refused:
        return StepError(
            f"{what}: the org refused the guest connection (403, origin {origin!r}): the "
            "deployment is unknown or inactive, or the origin is not allowed",
            code="guest-refused",
        )
    if isinstance(exc, GuestError) and exc.code == 400 and "pre-chat" in str(exc.body).lower():
        fields = str(exc.body).partition(":")[2].strip() or "not named"
        return StepError(
            f"{what}: the deployment requires pre-chat form answers (400); required: {fields}",
            code="prechat-required",
        )
    if isinstance(exc, GuestError) and exc.code == 401:
        # error-401-unauthorized.json: an authenticated deployment refuses configureSession.
        return StepError(
            f"{what}: the deployment wants an authenticated session (401): Inspector cannot "
            "sign a customer in yet; a guest client needs configureAuthenticatedSession",
            code="deployment-auth",
        )
    if isinstance(exc, GuestError) and exc.code == 409:
        return StepError(f"{what}: the session is read-only (409): {exc}", code="read-only-session")
    if isinstance(exc, GuestConnectionClosed):
        return StepError(f"{what}: {exc.user_message()}", code="ws-dropped")
    if isinstance(exc, ApiError):
        if exc.status == 404:
            return StepError(f"{what}: not found yet ({exc})", code="not-found", retryable=True)
        if exc.status == 403:
            return StepError(f"{what}: permission missing ({exc})", code="permission-missing")
        if exc.status == 401:
            return StepError(f"{what}: the org refused the credentials ({exc})", code="auth")
        return StepError(f"{what}: {exc}", code="api-error")
    if isinstance(exc, GuestError) and exc.code == 4013:
        return StepError(f"{what}: {exc}", code="too-large")
    return StepError(f"{what}: {exc.user_message()}", code="network")


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
            raise _step_error(exc, "Looking up the message") from exc
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
            raise _step_error(exc, "Searching conversations by run id") from exc
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
            raise _step_error(exc, "Ending the test conversation") from exc

    async def read_customer_attributes(self, conversation_id: str) -> ReadBack:
        try:
            conversation = await self.client.conversation(conversation_id)
        except GenesysError as exc:
            raise _step_error(exc, "Reading the conversation") from exc
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
            raise _step_error(exc, "Connecting the guest session", origin=self.origin) from exc
        self.max_custom_data_bytes = info.max_custom_data_bytes

    async def send_first_message(self, text: str, attributes: Mapping[str, str]) -> str:
        try:
            try:
                echo = await self.session.send_text(text, attributes, placement=self.placement)
            except GuestConnectionClosed as closed:
                if closed.close_code == _POLICY_VIOLATION:
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
            raise _step_error(exc, "Sending the first message", origin=self.origin) from exc
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


class OrgConnection:
    """The long-lived clients for one org. Create once, early (the SSL context is slow)."""

    def __init__(
        self,
        endpoints: OrgEndpoints,
        auth: httpx.Auth,
        *,
        deployment_id: str,
        origin: str,
        label: str,
        profile: str = DEFAULT_PROFILE,
    ) -> None:
        self.endpoints = endpoints
        self.deployment_id = deployment_id
        self.origin = origin
        self.label = label
        # The stored profile's name, as runs are recorded under it ("sandbox" for the sandbox).
        self.profile = profile
        self.platform = PlatformClient(endpoints, auth)
        self.reader = PlatformAdapter(self.platform)
        self.platform.wait_hooks.append(self.reader.record_wait)
        self.platform.on_response = self.reader.record_response
        from inspector.org_analytics import AnalyticsAdapter

        # The optional analytics check (run_verification(..., analytics=org.analytics)).
        self.analytics = AnalyticsAdapter(self.platform)
        # Send a run id with the attributes, for the search fallback (real orgs).
        self.tag_runs = False
        # Names that stand for a deployment id on this org (the sandbox's seeded kinds).
        self.deployment_aliases: dict[str, str] = {}
        # The embedded sandbox this connection reaches, if it is one: a website page run
        # sends the page's Genesys requests to it.
        self.sandbox: SandboxOrg | None = None
        # Seconds from a first message to its attributes on this org, from its past runs
        # (core.polling.propagation_estimate): when the first read of the attributes comes.
        self.propagation = DEFAULT_PROPAGATION
        # Deployment facts by id, once remember_deployment_facts() asked for it (a suite).
        self._facts: dict[str, asyncio.Task[DeploymentFacts | None]] | None = None

    def remember_deployment_facts(self) -> None:
        """Read each deployment's public configuration once from now on, not once per run.

        For a suite: its scenarios start together and check the same deployments; the window
        keeps reading them per run (sandbox faults change them between runs).
        """
        if self._facts is None:
            self._facts = {}

    def tagged(self, request: VerificationRequest) -> VerificationRequest:
        """The request with a unique run id when this org may need the search fallback."""
        if not self.tag_runs or request.run_id is not None:
            return request
        return replace(request, run_id=f"inspector-{uuid.uuid4()}")

    @classmethod
    def with_client_credentials(
        cls,
        endpoints: OrgEndpoints,
        *,
        client_id: str,
        client_secret: str,
        deployment_id: str,
        origin: str,
        label: str,
    ) -> OrgConnection:
        auth = ClientCredentialsAuth(endpoints.token_url, client_id, client_secret)
        return cls(endpoints, auth, deployment_id=deployment_id, origin=origin, label=label)

    @property
    def host_page(self) -> HostPageSpec:
        return HostPageSpec(
            bootstrap_url=self.endpoints.bootstrap_script_url,
            environment=self.endpoints.environment or "prod",
            deployment_id=self.deployment_id,
            origin=self.origin,
        )

    def deployment_for(self, name: str | None) -> str:
        """The deployment id for a scenario's or a command's ``deployment`` (None: this org's).

        On the sandbox a seeded kind names its deployment (``headless``); elsewhere the name
        is the id itself.
        """
        if not name:
            return self.deployment_id
        return self.deployment_aliases.get(name.strip().lower(), name.strip())

    async def deployment_facts(self, deployment_id: str | None = None) -> DeploymentFacts | None:
        """What Messenger itself reads first: ``domains.json``, then ``config.json``.

        Both are public (MESSENGER.md, "Loading"), so this needs no token and no permission,
        and works for any deployment id; None when the deployment does not exist (404).
        """
        deployment_id = deployment_id or self.deployment_id
        if self._facts is None:
            return await self._read_deployment_facts(deployment_id)
        task = self._facts.get(deployment_id)
        if task is None:
            # Runs that start together share the one read in flight.
            task = asyncio.ensure_future(self._read_deployment_facts(deployment_id))
            self._facts[deployment_id] = task
        try:
            return await asyncio.shield(task)
        except Exception:
            if self._facts.get(deployment_id) is task:
                del self._facts[deployment_id]  # a failed read is tried again by the next run
            raise

    async def _read_deployment_facts(self, deployment_id: str) -> DeploymentFacts | None:
        try:
            domains = await self.platform.deployment_domains(deployment_id)
            config = await self.platform.deployment_config(deployment_id)
        except ApiError as exc:
            if exc.status != 404:
                raise _step_error(exc, "Reading the deployment's public configuration") from exc
            return None
        except GenesysError as exc:
            raise _step_error(exc, "Reading the deployment's public configuration") from exc
        return DeploymentFacts(
            id=deployment_id,
            status=config.status,
            allow_all_domains=domains.allow_all_domains,
            allowed_domains=domains.allowed_domains,
            headless=bool(config.headless),
            auto_start=bool(config.auto_start),
            auth=bool(config.auth),
        )

    async def preflight(
        self, attributes: Mapping[str, str], deployment_id: str | None = None
    ) -> list[PreflightCheck]:
        """Judge the deployment, the origin and the attributes before a chat."""
        facts = await self.deployment_facts(deployment_id)
        return run_preflight(facts, self.origin, attributes)

    def guest_launcher(self, *, placement: str = "message") -> GuestLauncher:
        """A launcher for one run; ``placement`` is the request's ``attribute_location``."""
        return GuestLauncher(self.endpoints, self.deployment_id, self.origin, placement=placement)

    async def aclose(self) -> None:
        for task in (self._facts or {}).values():
            task.cancel()
        if self._facts:
            await asyncio.wait(list(self._facts.values()))
        await self.platform.aclose()


def sandbox_connection(sandbox: SandboxOrg, deployment_id: str | None = None) -> OrgConnection:
    """The sandbox reached like any org: same clients, over its sockets."""
    info = sandbox.info
    org = OrgConnection.with_client_credentials(
        OrgEndpoints.for_custom_domain(info.base_url),
        client_id=info.client_id,
        client_secret=info.client_secret,
        deployment_id=info.deployment_id,
        origin=info.origin,
        label="Sandbox org",
    )
    org.deployment_aliases = {seeded.kind: seeded.id for seeded in SEEDED_DEPLOYMENTS}
    org.deployment_id = org.deployment_for(deployment_id)
    org.sandbox = sandbox
    return org
