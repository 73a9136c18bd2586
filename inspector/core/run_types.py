"""The values and protocols of one verification run, shared by the steps and their callers."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from inspector.core.attributes import DEFAULT_CRM_KEY, MAX_CUSTOM_DATA_BYTES
from inspector.core.diagnoses import Diagnosis
from inspector.core.diff import Row, Verdict

__all__ = [
    "MIN_TIMEOUT",
    "RUN_ID_KEY",
    "Launcher",
    "NoteSource",
    "PlatformReader",
    "Preflight",
    "PreflightFinding",
    "ReadBack",
    "Sleep",
    "StepCallback",
    "StepError",
    "StepEvent",
    "StepState",
    "StepTiming",
    "VerificationRequest",
    "VerificationResult",
    "WireCapture",
    "WireSource",
]

# The run-id attribute: a unique tag sent with the other attributes, so the conversation can be
# found by search when the message-details lookup is not allowed or not ready (GENESYS.md).
RUN_ID_KEY = "inspectorRunId"

# The timeout covers the deployment check, the chat connection, the conversation lookup and the
# read; the platform applies the attributes about a second after the first message (the sandbox
# after 0.3 s), so a shorter wait reads too early and reports them missing.
MIN_TIMEOUT = 1.0


class StepError(Exception):
    """A step failed for a reason the user can act on (the adapters translate client errors).

    `retryable` marks answers that may change with time, such as a 404 for a conversation
    the platform has not indexed yet.
    """

    def __init__(self, message: str, *, code: str = "error", retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable


@dataclass(frozen=True)
class ReadBack:
    """The customer participant's attributes with the raw response they were read from."""

    attributes: Mapping[str, str]
    raw: Mapping[str, Any]
    source: str
    attributes_path: str | None
    participant_id: str | None


class Launcher(Protocol):
    """Starts the chat the way a website would and reports the first inbound message id."""

    async def connect(self) -> None: ...

    async def send_first_message(self, text: str, attributes: Mapping[str, str]) -> str: ...

    async def close(self) -> None: ...


class PlatformReader(Protocol):
    """Reads the conversation back through the Platform API, and ends it afterwards."""

    async def conversation_id_for_message(self, message_id: str) -> str: ...

    async def find_conversation_by_run_id(self, run_id: str) -> str: ...

    async def read_customer_attributes(self, conversation_id: str) -> ReadBack: ...

    async def end_conversation(self, conversation_id: str, participant_id: str) -> None: ...


@dataclass(frozen=True)
class WireCapture:
    """The first frame that left for the org, as it left: the truth of what was sent.

    In the web view it is Messenger's ``MessagingService.sendingMessage`` (MESSENGER.md,
    "Events"): the guest ``message`` object, published when the frame is written to the
    socket; headless it is the ``onMessage`` frame's message. ``attributes`` are its
    ``channel.metadata.customAttributes`` (empty when it carried none).
    """

    attributes: Mapping[str, str]
    message: Mapping[str, Any]
    kind: str  # the message's type: "Text", or "Event" for an autoStart Join
    source: str  # where it was seen, for the raw view


@runtime_checkable
class WireSource(Protocol):
    """A launcher that saw what left for the org."""

    def sent_on_wire(self) -> WireCapture | None: ...


@runtime_checkable
class NoteSource(Protocol):
    """A launcher or reader that saw something worth reporting without failing (retries,
    waits, a reconnect). Optional: the run collects the notes when the object has the method."""

    def take_notes(self) -> list[Diagnosis]:
        """The notes since the last call, and forget them."""
        ...


class PreflightFinding(Protocol):
    """One pre-flight check's outcome (see core.preflight)."""

    @property
    def code(self) -> str: ...

    @property
    def ok(self) -> bool: ...

    @property
    def message(self) -> str: ...


Preflight = Callable[[Mapping[str, str]], Awaitable[Sequence[PreflightFinding]]]


@dataclass(frozen=True)
class VerificationRequest:
    crm_id: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    crm_key: str = DEFAULT_CRM_KEY
    first_message: str = "Hello, I need help with my order."
    timeout: float = 20.0
    max_custom_data_bytes: int = MAX_CUSTOM_DATA_BYTES
    run_id: str | None = None
    cleanup: bool = True
    force: bool = False
    # Seconds to keep reading after the timeout when attributes are missing, to tell "never
    # arrived" from "arrived late" (attributes-late). 0 turns the check off.
    late_check: float = 0.0
    # "message" (message.channel.metadata) or "legacy" (the deprecated top-level channel);
    # the launcher must be built with the same placement (OrgConnection.guest_launcher).
    attribute_location: str = "message"
    # Also look the attributes up in analytics (conversation details job); a note only.
    analytics_check: bool = False

    def sent_attributes(self) -> dict[str, str]:
        """The CRM id first, then the other attributes and the run id, as the website sets them."""
        sent = {self.crm_key: self.crm_id}
        sent.update(self.attributes)
        if self.run_id is not None:
            sent[RUN_ID_KEY] = self.run_id
        return sent


class StepState(StrEnum):
    RUNNING = "running"
    DONE = "done"
    # Done, but not cleanly: a pre-flight that failed checks and was started anyway.
    WARNED = "warned"
    FAILED = "failed"


@dataclass(frozen=True)
class StepEvent:
    name: str
    label: str
    state: StepState
    ms: float | None = None
    detail: str = ""


@dataclass(frozen=True)
class StepTiming:
    name: str
    label: str
    ms: float
    detail: str = ""
    ok: bool = True
    # Went on although something was wrong (a forced pre-flight): not a clean pass.
    warned: bool = False


@dataclass(frozen=True)
class VerificationResult:
    verdict: Verdict
    summary: str
    sent: Mapping[str, str]
    rows: tuple[Row, ...] = ()
    steps: tuple[StepTiming, ...] = ()
    diagnoses: tuple[Diagnosis, ...] = ()
    message_id: str | None = None
    conversation_id: str | None = None
    lookup: str | None = None
    raw: Mapping[str, Any] | None = None
    raw_source: str | None = None
    error: str | None = None
    # True when pre-flight checks failed and nothing was sent; the user may force a start.
    preflight_refused: bool = False
    # The first frame that left for the org, when the launcher saw it (the "sent" truth).
    wire: WireCapture | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """The `--json` contract: verdict, conversationId, rows, steps, diagnoses."""
        return {
            "verdict": self.verdict.value,
            "summary": self.summary,
            "conversationId": self.conversation_id,
            "messageId": self.message_id,
            "lookup": self.lookup,
            "rows": [
                {
                    "key": r.key,
                    "sent": r.sent,
                    "received": r.received,
                    "status": r.status.value,
                    "receivedKey": r.received_key,
                    "source": r.source,
                    **({"wire": r.wire} if r.wire_known else {}),
                }
                for r in self.rows
            ],
            "steps": [
                {
                    "name": s.name,
                    "ms": round(s.ms, 1),
                    "ok": s.ok,
                    "detail": s.detail,
                    **({"warned": True} if s.warned else {}),
                }
                for s in self.steps
            ],
            "diagnoses": [
                {"code": d.code, "message": d.message, "fix": d.fix} for d in self.diagnoses
            ],
            "error": self.error,
            "rawSource": self.raw_source,
            "sentOnWire": None
            if self.wire is None
            else {
                "attributes": dict(self.wire.attributes),
                "kind": self.wire.kind,
                "source": self.wire.source,
                "message": dict(self.wire.message),
            },
        }


StepCallback = Callable[[StepEvent], None]
Sleep = Callable[[float], Awaitable[None]]
