"""In-memory state of the simulated org: deployments, tokens, guest sessions, conversations.

Plain dataclasses with no JSON in them: the wire shapes are built in platform_json.py and
frames.py, so the state can stay small and the shapes can follow the example files exactly.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections import deque
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from inspector.sandbox import seed
from inspector.sandbox.faults import check_faults


def utc_now_iso() -> str:
    """Genesys timestamps: ISO 8601 UTC, milliseconds, Z (Conversation.webmessaging.json)."""
    return _iso(datetime.now(UTC))


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


_last_message_time = datetime.min.replace(tzinfo=UTC)


def message_time() -> str:
    """A message's channel.time: like utc_now_iso, but never the same as the one before.

    Messenger de-duplicates the messages it receives by channel.time (MESSENGER.md,
    "Events"), so two messages sent within one millisecond must not share a time.
    """
    global _last_message_time
    now = datetime.now(UTC)
    if now <= _last_message_time + timedelta(milliseconds=1):
        now = _last_message_time + timedelta(milliseconds=1)
    _last_message_time = now
    return _iso(now)


def dashed_id() -> str:
    """Inbound message ids, conversation and participant ids are dashed UUIDs (NOTES 10)."""
    return str(uuid.uuid4())


def hex_id() -> str:
    """Outbound message ids are 32 hex characters without dashes (NOTES 10)."""
    return uuid.uuid4().hex


@dataclass
class Deployment:
    """A web messaging deployment (WebDeployment model) and the origins it accepts."""

    id: str
    name: str
    allowed_domains: list[str]
    allow_all_domains: bool = False
    status: str = "Active"
    headless: bool = False  # config.json headlessMode.enabled (MESSENGER.md, "Native UI")
    auto_start: bool = False  # messenger.apps.conversations.autoStart.enabled
    auth: bool = False  # auth.enabled: guests must use configureAuthenticatedSession

    def allows_origin(self, origin: str | None) -> bool:
        """Whether a page or socket of this Origin may use the deployment.

        The host name of the Origin goes through Messenger's domain check (allows_host). A
        socket without an Origin header (a headless client that forgot it) is refused unless
        the deployment allows all domains, as a browser-only check would.
        """
        if self.allow_all_domains:
            return True
        if not origin:
            return False
        return self.allows_host(urlsplit(origin).hostname or "")

    def allows_host(self, hostname: str) -> bool:
        """Messenger's domain check (MESSENGER.md, "Loading", "Domain check").

        Case-insensitive; an entry allows its own host and every subdomain of it (the host
        ends with "." + entry); scheme and port are not part of the check, so an entry that
        carries a scheme or a port never matches; no entry and allowAllDomains false: blocked.
        """
        if self.allow_all_domains:
            return True
        host = hostname.lower()
        if not host:
            return False
        for entry in self.allowed_domains:
            domain = entry.lower()
            if not domain or ":" in domain:
                continue  # "https://x", "x:443": a scheme or a port never matches
            if host == domain or host.endswith("." + domain):
                return True
        return False


@dataclass
class AccessToken:
    """An opaque client-credentials token with its expiry and rate-limit bookkeeping."""

    value: str
    expires_at: float  # time.monotonic()
    window_start: float = 0.0
    window_count: int = 0
    request_count: int = 0

    def count_request(self, now: float) -> None:
        """Count one Platform API request in the current rate-limit window."""
        self.request_count += 1
        if now - self.window_start >= seed.RATE_LIMIT_WINDOW_SECONDS:
            self.window_start = now
            self.window_count = 0
        self.window_count += 1

    def seconds_to_reset(self, now: float) -> int:
        return max(0, round(self.window_start + seed.RATE_LIMIT_WINDOW_SECONDS - now))


@dataclass(frozen=True)
class AuthorizationCode:
    """A code issued by /oauth/authorize, bound to its client, redirect URI and challenge."""

    value: str
    client_id: str
    redirect_uri: str
    code_challenge: str
    expires_at: float  # time.monotonic()


@dataclass(frozen=True)
class LoggedRequest:
    """One HTTP request the org served: when it arrived (monotonic and wall clock), what, and
    how it was answered. Tests measure waits between requests from this log."""

    at: float  # time.monotonic() on arrival
    wall_time: str  # ISO 8601 UTC
    method: str
    path: str
    status: int


@dataclass
class StoredMessage:
    """One message of a conversation, kept so messages/{id}/details can answer for it."""

    id: str
    provider_message_id: str
    conversation_id: str
    direction: str  # "inbound" (guest) | "outbound" (bot)
    type: str  # "Text" | "Event"
    time: str
    text: str | None = None
    events: list[dict[str, Any]] | None = None
    correlation_id: str = field(default_factory=dashed_id)


@dataclass
class Participant:
    """A conversation participant with its one web messaging communication."""

    id: str
    purpose: str  # "customer" | "workflow"
    name: str
    start_time: str
    communication_id: str = field(default_factory=dashed_id)
    attributes: dict[str, str] = field(default_factory=dict)
    end_time: str | None = None
    message_ids: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        return "disconnected" if self.end_time else "connected"


@dataclass
class Conversation:
    """A web messaging conversation started by a guest's first inbound message."""

    id: str
    deployment: Deployment
    session_token: str
    start_time: str
    customer: Participant
    workflow: Participant
    journey_context: dict[str, Any]
    end_time: str | None = None

    @property
    def customer_address(self) -> str:
        """The guest's address (its journey customer id), as in MessageConversation.json."""
        return str(self.journey_context["customer"]["id"])

    def participants(self) -> list[Participant]:
        return [self.customer, self.workflow]

    def participant(self, participant_id: str) -> Participant | None:
        return next((p for p in self.participants() if p.id == participant_id), None)


@dataclass
class GuestSession:
    """A guest session keyed by the client-made token (NOTES 21), shared by its sockets."""

    token: str
    deployment: Deployment
    journey_context: dict[str, Any]
    expiration_date: int  # epoch seconds
    sockets: set[Any] = field(default_factory=set)  # aiohttp WebSocketResponse objects
    conversation_id: str | None = None
    recent_messages: deque[float] = field(default_factory=deque)
    dropped: bool = False  # the ws-drop fault cut this session's socket once already

    def too_many_messages(self, now: float) -> bool:
        """Record one message; True when the session exceeds its per-second allowance."""
        while self.recent_messages and now - self.recent_messages[0] >= 1.0:
            self.recent_messages.popleft()
        if len(self.recent_messages) >= seed.GUEST_MESSAGES_PER_SECOND:
            return True
        self.recent_messages.append(now)
        return False


def seeded_deployments() -> list[Deployment]:
    """Every deployment of seed.SEEDED_DEPLOYMENTS, as the org keeps them."""
    return [
        Deployment(
            id=d.id,
            name=d.name,
            allowed_domains=list(d.allowed_domains),
            allow_all_domains=d.allow_all_domains,
            status=d.status,
            headless=d.headless,
            auto_start=d.auto_start,
            auth=d.auth,
        )
        for d in seed.SEEDED_DEPLOYMENTS
    ]


class OrgState:
    """Everything the org knows; shared by the REST handlers, the guest socket and the flow."""

    def __init__(
        self,
        faults: frozenset[str],
        token_lifetime: float,
        *,
        rate_limit_retry_after: float = seed.RATE_LIMIT_RETRY_AFTER,
        pkce_redirect_port: int | None = None,
        late_attributes_delay: float = seed.LATE_ATTRIBUTES_DELAY,
        slow_latency: float = seed.SLOW_LATENCY,
    ) -> None:
        self.faults = check_faults(faults)
        self.late_attributes_delay = late_attributes_delay
        self.slow_latency = slow_latency
        self.token_expired_done = False  # the token-expired fault revokes one token only
        self.token_lifetime = token_lifetime
        self.rate_limit_retry_after = rate_limit_retry_after
        self.pkce_redirect_port = pkce_redirect_port
        self.base_url = ""
        self.api_request_count = 0
        self.deployments: dict[str, Deployment] = {d.id: d for d in seeded_deployments()}
        self.tokens: dict[str, AccessToken] = {}
        self.codes: dict[str, AuthorizationCode] = {}
        self.refresh_tokens: dict[str, str] = {}  # refresh token -> client id
        self.request_log: list[LoggedRequest] = []
        self.guest_requests: list[dict[str, Any]] = []  # every guest socket frame, parsed
        self.sessions: dict[str, GuestSession] = {}
        self.conversations: dict[str, Conversation] = {}
        self.messages: dict[str, StoredMessage] = {}
        self.sockets: set[Any] = set()  # every open guest WebSocketResponse
        self.analytics_jobs: dict[str, Any] = {}  # job id -> analytics_api.Job

    def find_deployment(self, deployment_id: str) -> Deployment | None:
        """The deployment as the org shows it now: the deployment faults change the main one."""
        deployment = self.deployments.get(deployment_id)
        if deployment is None or deployment_id != seed.SANDBOX_DEPLOYMENT_ID:
            return deployment
        if "deployment-missing" in self.faults:
            return None
        if "deployment-inactive" in self.faults:
            deployment = replace(deployment, status="Inactive")
        if "origin-denied" in self.faults:
            deployment = replace(deployment, allowed_domains=[seed.SANDBOX_OTHER_DOMAIN])
        return deployment

    # --- OAuth -------------------------------------------------------------------------------

    def issue_token(self) -> AccessToken:
        token = AccessToken(
            value=secrets.token_urlsafe(48),
            expires_at=time.monotonic() + self.token_lifetime,
            window_start=time.monotonic(),
        )
        self.tokens[token.value] = token
        return token

    def lookup_token(self, value: str) -> AccessToken | None:
        """The live token with this value; expired tokens are forgotten."""
        token = self.tokens.get(value)
        if token is not None and time.monotonic() >= token.expires_at:
            del self.tokens[value]
            return None
        return token

    def revoke_tokens(self) -> None:
        self.tokens.clear()

    def issue_code(self, client_id: str, redirect_uri: str, code_challenge: str) -> str:
        code = AuthorizationCode(
            value=secrets.token_urlsafe(32),
            client_id=client_id,
            redirect_uri=redirect_uri,
            code_challenge=code_challenge,
            expires_at=time.monotonic() + seed.AUTHORIZATION_CODE_LIFETIME,
        )
        self.codes[code.value] = code
        return code.value

    def take_code(self, value: str) -> AuthorizationCode | None:
        """The live code with this value, consumed: a code is good for one exchange."""
        code = self.codes.pop(value, None)
        if code is None or time.monotonic() >= code.expires_at:
            return None
        return code

    def issue_refresh_token(self, client_id: str) -> str:
        value = secrets.token_urlsafe(48)
        self.refresh_tokens[value] = client_id
        return value

    # --- guest sessions and conversations -----------------------------------------------------

    def open_session(
        self, token: str, deployment: Deployment, journey_context: dict[str, Any] | None
    ) -> tuple[GuestSession, bool]:
        """Return the session for a token and whether it is new."""
        session = self.sessions.get(token)
        if session is not None and session.deployment is deployment:
            return session, False
        context = journey_context or {
            "customer": {"id": dashed_id(), "idType": "cookie"},
            "customerSession": {"id": dashed_id(), "type": "web"},
        }
        session = GuestSession(
            token=token,
            deployment=deployment,
            journey_context=context,
            expiration_date=int(time.time()) + seed.SESSION_DURATION_SECONDS,
        )
        self.sessions[token] = session
        return session, True

    def close_session(self, session: GuestSession) -> None:
        self.sessions.pop(session.token, None)

    def active_conversation(self, session: GuestSession) -> Conversation | None:
        conversation = self.conversations.get(session.conversation_id or "")
        if conversation is None or conversation.end_time is not None:
            return None
        return conversation

    def start_conversation(self, session: GuestSession) -> Conversation:
        now = utc_now_iso()
        conversation = Conversation(
            id=dashed_id(),
            deployment=session.deployment,
            session_token=session.token,
            start_time=now,
            customer=Participant(id=dashed_id(), purpose="customer", name="Guest", start_time=now),
            workflow=Participant(
                id=dashed_id(), purpose="workflow", name=seed.FLOW_NAME, start_time=now
            ),
            journey_context=session.journey_context,
        )
        self.conversations[conversation.id] = conversation
        session.conversation_id = conversation.id
        return conversation

    def record_message(
        self,
        conversation: Conversation,
        *,
        direction: str,
        type_: str,
        text: str | None = None,
        events: list[dict[str, Any]] | None = None,
    ) -> StoredMessage:
        """Store a message so it is listed on its participant and resolvable by its id."""
        message = StoredMessage(
            id=dashed_id() if direction == "inbound" else hex_id(),
            provider_message_id=dashed_id(),
            conversation_id=conversation.id,
            direction=direction,
            type=type_,
            time=message_time(),
            text=text,
            events=events,
        )
        self.messages[message.id] = message
        owner = conversation.customer if direction == "inbound" else conversation.workflow
        owner.message_ids.append(message.id)
        return message

    def end_participant(self, conversation: Conversation, participant: Participant) -> None:
        """Disconnect a participant; the conversation ends with its customer."""
        now = utc_now_iso()
        if participant.end_time is None:
            participant.end_time = now
        if participant is conversation.customer:
            for other in conversation.participants():
                other.end_time = other.end_time or now
            conversation.end_time = conversation.end_time or now
