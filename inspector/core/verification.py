"""One verification as a sequence of timed steps over injected clients.

The same coroutine runs headless (guest WebSocket launcher) and in the window (web view
launcher), so what the CLI reports and what the window shows cannot drift apart.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Protocol, TypeVar

from inspector.core.attributes import DEFAULT_CRM_KEY, MAX_CUSTOM_DATA_BYTES, validate_attributes
from inspector.core.diagnoses import Diagnosis, diagnose_rows
from inspector.core.diff import Row, Verdict, diff_attributes, summarize, verdict_for_rows

__all__ = [
    "Launcher",
    "PlatformReader",
    "ReadBack",
    "StepError",
    "StepEvent",
    "StepState",
    "StepTiming",
    "VerificationRequest",
    "VerificationResult",
    "run_verification",
]

log = logging.getLogger("inspector.core")

T = TypeVar("T")


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
    """Reads the conversation back through the Platform API."""

    async def conversation_id_for_message(self, message_id: str) -> str: ...

    async def read_customer_attributes(self, conversation_id: str) -> ReadBack: ...


@dataclass(frozen=True)
class VerificationRequest:
    crm_id: str
    attributes: Mapping[str, str] = field(default_factory=dict)
    crm_key: str = DEFAULT_CRM_KEY
    first_message: str = "Hello, I need help with my order."
    timeout: float = 20.0
    max_custom_data_bytes: int = MAX_CUSTOM_DATA_BYTES

    def sent_attributes(self) -> dict[str, str]:
        """The CRM id first, then the other attributes, as the website sets them."""
        sent = {self.crm_key: self.crm_id}
        sent.update(self.attributes)
        return sent


class StepState(StrEnum):
    RUNNING = "running"
    DONE = "done"
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
    raw: Mapping[str, Any] | None = None
    raw_source: str | None = None
    error: str | None = None

    def to_json_dict(self) -> dict[str, Any]:
        """The `--json` contract: verdict, conversationId, rows, steps, diagnoses."""
        return {
            "verdict": self.verdict.value,
            "summary": self.summary,
            "conversationId": self.conversation_id,
            "messageId": self.message_id,
            "rows": [
                {
                    "key": r.key,
                    "sent": r.sent,
                    "received": r.received,
                    "status": r.status.value,
                    "receivedKey": r.received_key,
                    "source": r.source,
                }
                for r in self.rows
            ],
            "steps": [{"name": s.name, "ms": round(s.ms, 1), "ok": s.ok} for s in self.steps],
            "diagnoses": [
                {"code": d.code, "message": d.message, "fix": d.fix} for d in self.diagnoses
            ],
            "error": self.error,
            "rawSource": self.raw_source,
        }


StepCallback = Callable[[StepEvent], None]
Sleep = Callable[[float], Awaitable[None]]

# Attributes usually land within a second of the first message; a gentle backoff finds them
# soon after without spending the org's rate budget (about 300 requests a minute per token).
POLL_GROWTH = 1.5

STEP_LABELS = {
    "connect": "Connect the chat",
    "send": "Send the first message",
    "resolve": "Find the conversation",
    "read": "Read the customer's attributes",
}


async def run_verification(
    request: VerificationRequest,
    launcher: Launcher,
    platform: PlatformReader,
    *,
    on_step: StepCallback | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Sleep = asyncio.sleep,
    poll_initial: float = 0.15,
    poll_max: float = 2.0,
) -> VerificationResult:
    """Run every step; failures become an `error` verdict, never a pass. Cancellation propagates."""
    run = _Run(request, on_step, clock)
    sent = request.sent_attributes()
    problems = validate_attributes(sent, max_bytes=request.max_custom_data_bytes)
    if problems:
        return run.result(
            Verdict.ERROR,
            "The attributes were not sent: " + problems[0].message,
            diagnoses=[Diagnosis(p.code, p.message) for p in problems],
        )
    deadline = clock() + request.timeout
    try:
        await run.step("connect", launcher.connect())
        message_id = await run.step(
            "send",
            launcher.send_first_message(request.first_message, sent),
            detail=lambda m: f"message id {m}",
        )
        run.message_id = message_id

        async def resolve() -> str:
            return await _poll_retryable(
                lambda: platform.conversation_id_for_message(message_id),
                deadline,
                clock,
                sleep,
                poll_initial,
                poll_max,
            )

        conversation_id = await run.step("resolve", resolve(), detail=lambda c: f"conversation {c}")
        run.conversation_id = conversation_id

        async def read() -> ReadBack:
            return await _read_until_present(
                platform, conversation_id, sent, deadline, clock, sleep, poll_initial, poll_max
            )

        readback = await run.step(
            "read", read(), detail=lambda r: f"{len(r.attributes)} attributes on the participant"
        )
    except StepError as exc:
        return run.result(Verdict.ERROR, exc.message, diagnoses=[Diagnosis(exc.code, exc.message)])
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.exception("Verification failed unexpectedly (step %s)", run.current)
        message = f"Unexpected error during '{STEP_LABELS.get(run.current, run.current)}': {exc!r}"
        return run.result(Verdict.ERROR, message, diagnoses=[Diagnosis("internal-error", message)])
    finally:
        try:
            await launcher.close()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("Closing the chat failed", exc_info=True)

    prefix = f"{readback.attributes_path}" if readback.attributes_path else None
    rows = diff_attributes(sent, readback.attributes, source_prefix=prefix)
    verdict = verdict_for_rows(rows)
    diagnoses = diagnose_rows(rows, sent, max_bytes=request.max_custom_data_bytes)
    return run.result(
        verdict,
        summarize(rows),
        rows=rows,
        diagnoses=diagnoses,
        raw=readback.raw,
        raw_source=readback.source,
    )


class _Run:
    """Bookkeeping for one run: step timings, progress events, ids found so far."""

    def __init__(
        self, request: VerificationRequest, on_step: StepCallback | None, clock: Callable[[], float]
    ) -> None:
        self.request = request
        self.on_step = on_step
        self.clock = clock
        self.steps: list[StepTiming] = []
        self.current = ""
        self.message_id: str | None = None
        self.conversation_id: str | None = None

    def _emit(self, event: StepEvent) -> None:
        if self.on_step is not None:
            try:
                self.on_step(event)
            except Exception:
                log.exception("Progress callback failed for step %s", event.name)

    async def step(
        self, name: str, work: Awaitable[T], *, detail: Callable[[T], str] | None = None
    ) -> T:
        label = STEP_LABELS[name]
        self.current = name
        self._emit(StepEvent(name, label, StepState.RUNNING))
        started = self.clock()
        try:
            value = await work
        except BaseException as exc:
            ms = (self.clock() - started) * 1000
            message = exc.message if isinstance(exc, StepError) else type(exc).__name__
            self.steps.append(StepTiming(name, label, ms, message, ok=False))
            self._emit(StepEvent(name, label, StepState.FAILED, ms, message))
            raise
        ms = (self.clock() - started) * 1000
        text = detail(value) if detail else ""
        self.steps.append(StepTiming(name, label, ms, text))
        self._emit(StepEvent(name, label, StepState.DONE, ms, text))
        return value

    def result(
        self,
        verdict: Verdict,
        summary: str,
        *,
        rows: tuple[Row, ...] = (),
        diagnoses: list[Diagnosis] | tuple[Diagnosis, ...] = (),
        raw: Mapping[str, Any] | None = None,
        raw_source: str | None = None,
    ) -> VerificationResult:
        return VerificationResult(
            verdict=verdict,
            summary=summary,
            sent=self.request.sent_attributes(),
            rows=rows,
            steps=tuple(self.steps),
            diagnoses=tuple(diagnoses),
            message_id=self.message_id,
            conversation_id=self.conversation_id,
            raw=raw,
            raw_source=raw_source,
            error=summary if verdict is Verdict.ERROR else None,
        )


async def _poll_retryable(
    attempt: Callable[[], Awaitable[T]],
    deadline: float,
    clock: Callable[[], float],
    sleep: Sleep,
    initial: float,
    maximum: float,
) -> T:
    """Retry answers that may change with time (StepError.retryable) with backoff until deadline."""
    delay = initial
    while True:
        try:
            return await attempt()
        except StepError as exc:
            if not exc.retryable or clock() + delay > deadline:
                if exc.retryable:
                    raise StepError(
                        f"Timed out: {exc.message}", code="timeout", retryable=False
                    ) from exc
                raise
        await sleep(delay)
        delay = min(delay * POLL_GROWTH, maximum)


async def _read_until_present(
    platform: PlatformReader,
    conversation_id: str,
    sent: Mapping[str, str],
    deadline: float,
    clock: Callable[[], float],
    sleep: Sleep,
    initial: float,
    maximum: float,
) -> ReadBack:
    """Poll until every sent key is on the participant in some spelling, or the time is up.

    Attributes reach the participant a moment after the first message (the platform applies
    them asynchronously), so one read right after the message id arrives is often empty. A key
    in another case counts as arrived: waiting longer would not fix its spelling.
    """
    wanted = {k.casefold() for k in sent}
    delay = initial
    while True:
        readback = await _poll_retryable(
            lambda: platform.read_customer_attributes(conversation_id),
            deadline,
            clock,
            sleep,
            initial,
            maximum,
        )
        have = {k.casefold() for k in readback.attributes}
        if wanted <= have or clock() + delay > deadline:
            return readback
        await sleep(delay)
        delay = min(delay * POLL_GROWTH, maximum)
