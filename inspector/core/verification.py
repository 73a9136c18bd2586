"""One verification as a sequence of timed steps over injected clients.

The same coroutine runs headless (guest WebSocket launcher) and in the window (web view
launcher), so what the CLI reports and what the window shows cannot drift apart.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from inspector.core.analytics import AnalyticsReader, judge_analytics
from inspector.core.attributes import hidden_characters, validate_attributes
from inspector.core.diagnoses import (
    Diagnosis,
    by_importance,
    diagnose_rows,
    diagnose_wire,
    explain,
    late_attributes,
)
from inspector.core.diff import (
    Row,
    Verdict,
    diff_attributes,
    summarize,
    verdict_for_rows,
    visible,
    with_wire,
)
from inspector.core.polling import DEFAULT_PROPAGATION, Poller
from inspector.core.run_types import (
    Launcher,
    NoteSource,
    PlatformReader,
    Preflight,
    ReadBack,
    Sleep,
    StepCallback,
    StepError,
    StepEvent,
    StepState,
    StepTiming,
    VerificationRequest,
    VerificationResult,
    WireCapture,
    WireSource,
)
from inspector.core.steps import OPTIONAL_STEPS, STEP_LABELS
from inspector.core.wording import counted, headline

__all__ = ["OPTIONAL_STEPS", "STEP_LABELS", "CheckInput", "RunCheck", "run_verification"]

log = logging.getLogger("inspector.core")

T = TypeVar("T")


@dataclass(frozen=True)
class CheckInput:
    """What an added check sees: the run's request and what was read back for it."""

    request: VerificationRequest
    sent: Mapping[str, str]
    conversation_id: str
    readback: ReadBack


@dataclass(frozen=True)
class RunCheck:
    """A step every assembled run makes after the read (orgs.runs.RUN_CHECKS).

    Its finding is a note beside the verdict, never the verdict itself: the verdict is the
    sent attributes against the received ones, and nothing else.
    """

    name: str
    label: str
    check: Callable[[CheckInput], Awaitable[Diagnosis | None]]


# Codes after which the run-id search is worth trying instead of failing the lookup.
_FALLBACK_CODES = frozenset({"permission-missing", "timeout", "not-found"})


async def run_verification(
    request: VerificationRequest,
    launcher: Launcher,
    platform: PlatformReader,
    *,
    preflight: Preflight | None = None,
    analytics: AnalyticsReader | None = None,
    on_step: StepCallback | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Sleep = asyncio.sleep,
    poll_initial: float = 0.15,
    poll_max: float = 2.0,
    propagation: float = DEFAULT_PROPAGATION,
    checks: Sequence[RunCheck] = (),
) -> VerificationResult:
    """Run every step; failures become an `error` verdict, never a pass. Cancellation propagates.

    ``propagation`` is the org's typical time from the first message to its attributes on the
    participant (``core.polling.propagation_estimate``): the first read of the attributes
    comes that long after the message was accepted, then reads back off from ``poll_initial``
    until they are all there or the timeout. ``checks`` run after the read, each as a step
    of its own whose finding is a note.
    """
    run = _Run(request, on_step, clock)
    sources: list[NoteSource] = [s for s in (launcher, platform) if isinstance(s, NoteSource)]
    for source in sources:
        source.take_notes()  # forget what an earlier run on the same clients saw
    sent = request.sent_attributes()
    problems = validate_attributes(sent, max_bytes=request.max_custom_data_bytes)
    if problems:
        return run.result(
            Verdict.ERROR,
            "The attributes were not sent: " + problems[0].message,
            diagnoses=[explain(p.code, p.message) for p in problems],
        )
    if hidden := hidden_characters(sent):
        shown = ", ".join(f"{visible(k)} = '{visible(sent[k])}'" for k in hidden)
        run.notes.append(
            explain(
                "hidden-characters",
                f"Sent with spaces at an end or characters that do not show: {shown}. They "
                "arrive exactly as sent; a flow or CRM lookup expecting the trimmed text will "
                "not match.",
            )
        )
    poller = Poller(clock() + request.timeout, clock, sleep, poll_initial, poll_max)
    try:
        if preflight is not None:
            await run.step(
                "preflight",
                run.preflight(preflight, sent),
                detail=lambda _: run.preflight_detail,
                warned=lambda: run.preflight_forced,
            )
        await run.step("connect", launcher.connect())
        message_id = await run.step(
            "send",
            launcher.send_first_message(request.first_message, sent),
            detail=lambda m: f"message id {m}",
        )
        run.message_id = message_id
        run.sent_at = sent_at = clock()
        if isinstance(launcher, WireSource):
            run.wire = launcher.sent_on_wire()
        conversation_id = await run.step(
            "resolve", run.resolve(platform, poller, message_id), detail=run.lookup_detail
        )
        run.conversation_id = conversation_id
        readback = await run.step(
            "read",
            poller.read_until_present(
                platform, conversation_id, sent, first_read_at=sent_at + max(propagation, 0)
            ),
            detail=lambda r: f"{counted(len(r.attributes), 'attribute')} on the participant",
        )
    except _Refused as refused:
        return run.refusal(refused.failed)
    except StepError as exc:
        run.collect(sources)
        # A forced pre-flight's note of the same cause would repeat the error with its fix.
        notes = [n for n in run.notes if n.code != exc.code]
        return run.result(
            Verdict.ERROR, exc.message, diagnoses=[explain(exc.code, exc.message), *notes]
        )
    except asyncio.CancelledError:
        raise
    except Exception as exc:
        log.exception("Verification failed unexpectedly (step %s)", run.current)
        message = f"Unexpected error during '{STEP_LABELS.get(run.current, run.current)}': {exc!r}"
        return run.result(Verdict.ERROR, message, diagnoses=[explain("internal-error", message)])
    finally:
        try:
            await launcher.close()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("Closing the chat failed", exc_info=True)

    late = None
    if request.late_check > 0:
        late = await run.late_check(platform, conversation_id, sent, readback, sleep)
    if request.cleanup and readback.participant_id is not None:
        await run.cleanup(platform, conversation_id, readback.participant_id)
    if request.analytics_check and analytics is not None:
        await run.analytics(analytics, conversation_id, sent)
    for extra in checks:
        await run.extra_check(extra, CheckInput(request, sent, conversation_id, readback))
    run.collect(sources)
    prefix = f"{readback.attributes_path}" if readback.attributes_path else None
    rows = diff_attributes(sent, readback.attributes, source_prefix=prefix)
    if run.wire is not None:
        rows = with_wire(rows, run.wire.attributes)
    diagnoses = diagnose_rows(
        rows,
        sent,
        max_bytes=request.max_custom_data_bytes,
        location=request.attribute_location,
    )
    if late is not None:
        # They did arrive: say when, instead of guessing why they never did.
        diagnoses = [d for d in diagnoses if d.code != "attributes-missing"] + [late]
    if run.wire is not None:
        page = diagnose_wire(rows, sent, run.wire.attributes, run.wire.kind)
        if any(d.code == "attributes-not-sent" for d in page):
            # Nothing left the page: that, not the org, is why none arrived.
            diagnoses = [d for d in diagnoses if d.code != "attributes-missing"]
        diagnoses = page + diagnoses
    return run.result(
        verdict_for_rows(rows),
        summarize(rows),
        rows=rows,
        diagnoses=[*run.notes, *diagnoses],
        raw=readback.raw,
        raw_source=readback.source,
    )


class _Refused(StepError):
    """Pre-flight checks failed and the run was not forced: nothing is sent."""

    def __init__(self, failed: list[Diagnosis], message: str) -> None:
        super().__init__(message, code="preflight")
        self.failed = failed


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
        self.lookup: str | None = None
        self.preflight_detail = ""
        self.preflight_forced = False  # checks failed and the run was started anyway
        # Findings that do not change the verdict but belong in the report.
        self.notes: list[Diagnosis] = []
        self.sent_at: float | None = None  # clock() when the first message was accepted
        self.wire: WireCapture | None = None  # what left for the org, where it was seen

    def collect(self, sources: list[NoteSource]) -> None:
        """Add what the clients noticed (retries, waits, reconnects) to the notes."""
        for source in sources:
            try:
                self.notes += source.take_notes()
            except Exception:
                log.exception("Collecting the run notes failed")

    async def analytics(
        self, reader: AnalyticsReader, conversation_id: str, sent: Mapping[str, str]
    ) -> None:
        """The optional analytics check; its outcome is a note, never the verdict."""
        try:
            found = await reader.analytics_attributes(conversation_id)
        except StepError as exc:
            self.notes.append(explain("analytics-failed", exc.message))
            return
        self.notes.append(judge_analytics(found, sent))

    async def extra_check(self, extra: RunCheck, found: CheckInput) -> None:
        """An added check as a step of its own; a failure of it is a note, like analytics."""
        try:
            finding = await self.step(
                extra.name,
                extra.check(found),
                detail=lambda d: "nothing to report" if d is None else d.message,
                label=extra.label,
            )
        except StepError as exc:
            self.notes.append(explain("check-failed", f"{extra.label}: {exc.message}"))
            return
        except Exception as exc:  # a check of ours that broke must not cost the verdict
            log.exception("Check %s failed unexpectedly", extra.name)
            self.notes.append(explain("check-failed", f"{extra.label}: {exc!r}"))
            return
        if finding is not None:
            self.notes.append(finding)

    async def late_check(
        self,
        platform: PlatformReader,
        conversation_id: str,
        sent: Mapping[str, str],
        first: ReadBack,
        sleep: Sleep,
    ) -> Diagnosis | None:
        """Keep reading for ``late_check`` seconds when keys were missing at the timeout.

        The verdict stays with the read at the timeout (a flow at the start of the
        conversation did not see them); this only tells "late" from "never".
        """
        have = {k.casefold() for k in first.attributes}
        missing = [k for k in sent if k.casefold() not in have]
        if not missing:
            return None
        log.info("%d attribute(s) missing at the timeout; reading on", len(missing))
        poller = Poller(self.clock() + self.request.late_check, self.clock, sleep, 0.25, 2.0)

        def arrived_in(readback: ReadBack) -> list[str]:
            now_have = {k.casefold() for k in readback.attributes}
            return [k for k in missing if k.casefold() in now_have]

        try:
            # A step of its own, so the extra wait shows where the run's time went.
            later = await self.step(
                "late",
                poller.read_until_present(platform, conversation_id, sent),
                detail=lambda r: (
                    f"{len(arrived_in(r))} of {counted(len(missing), 'missing key')} "
                    "arrived later; the verdict keeps the read at the timeout"
                ),
            )
        except StepError as exc:
            log.info("Late check stopped: %s", exc.message)
            return None
        arrived = arrived_in(later)
        if not arrived:
            return None
        after = self.clock() - (self.sent_at if self.sent_at is not None else self.clock())
        return late_attributes(arrived, after, self.request.timeout)

    def _emit(self, event: StepEvent) -> None:
        if self.on_step is not None:
            try:
                self.on_step(event)
            except Exception:
                log.exception("Progress callback failed for step %s", event.name)

    async def step(
        self,
        name: str,
        work: Awaitable[T],
        *,
        detail: Callable[[T], str] | None = None,
        warned: Callable[[], bool] | None = None,
        label: str | None = None,
    ) -> T:
        label = label or STEP_LABELS[name]
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
        warn = warned() if warned else False
        self.steps.append(StepTiming(name, label, ms, text, warned=warn))
        state = StepState.WARNED if warn else StepState.DONE
        self._emit(StepEvent(name, label, state, ms, text))
        return value

    async def preflight(self, check: Preflight, sent: Mapping[str, str]) -> None:
        """Refuse on a failed check (the step shows as failed); a forced run keeps them as notes."""
        findings = await check(sent)
        failed = [explain(f.code, f.message) for f in findings if not f.ok]
        passed = len(findings) - len(failed)
        self.preflight_detail = f"{passed} of {counted(len(findings), 'check')} passed"
        if failed and self.request.force:
            self.preflight_forced = True
            self.preflight_detail = (
                f"{len(failed)} of {counted(len(findings), 'check')} failed; started anyway"
            )
            self.notes += failed
        elif failed:
            # The findings say what failed, in full; the step only counts them.
            detail = f"{len(failed)} of {counted(len(findings), 'check')} failed; not started"
            raise _Refused(failed, detail)

    def refusal(self, failed: list[Diagnosis]) -> VerificationResult:
        # The title names the first problem in short: the findings below it say it in full.
        summary = f"Not started: {headline(failed[0].message)}"
        if len(failed) > 1:
            summary += f" (and {counted(len(failed) - 1, 'more pre-flight problem')})"
        return self.result(Verdict.ERROR, summary, diagnoses=failed, preflight_refused=True)

    async def resolve(self, platform: PlatformReader, poller: Poller, message_id: str) -> str:
        """Message details first; the run-id search when that is refused or not ready."""
        run_id = self.request.run_id
        details_poller = poller if run_id is None else poller.within(self.request.timeout / 3)
        try:
            found = await details_poller.retry(
                lambda: platform.conversation_id_for_message(message_id)
            )
        except StepError as exc:
            if run_id is None or exc.code not in _FALLBACK_CODES:
                raise
            log.info("Message details lookup failed (%s); searching by run id", exc.message)
            found = await poller.retry(lambda: platform.find_conversation_by_run_id(run_id))
            self.lookup = "run-id search"
            self.notes.append(
                explain(
                    "lookup-fallback",
                    f"Found by the {run_id!r} run-id search: the message-details lookup "
                    f"failed ({exc.message}).",
                )
            )
            return found
        self.lookup = "message details"
        return found

    def lookup_detail(self, conversation_id: str) -> str:
        return f"conversation {conversation_id} (via {self.lookup})"

    async def cleanup(
        self, platform: PlatformReader, conversation_id: str, participant: str
    ) -> None:
        """End the test chat so it does not wait in a queue; a failure never changes the verdict."""
        try:
            await self.step(
                "cleanup",
                platform.end_conversation(conversation_id, participant),
                detail=lambda _: "customer disconnected",
            )
        except StepError as exc:
            self.notes.append(explain("cleanup-failed", exc.message))

    def result(
        self,
        verdict: Verdict,
        summary: str,
        *,
        rows: tuple[Row, ...] = (),
        diagnoses: list[Diagnosis] | tuple[Diagnosis, ...] = (),
        raw: Mapping[str, Any] | None = None,
        raw_source: str | None = None,
        preflight_refused: bool = False,
    ) -> VerificationResult:
        return VerificationResult(
            verdict=verdict,
            summary=summary,
            sent=self.request.sent_attributes(),
            rows=rows,
            steps=tuple(self.steps),
            diagnoses=tuple(by_importance(diagnoses)),
            message_id=self.message_id,
            conversation_id=self.conversation_id,
            lookup=self.lookup,
            raw=raw,
            raw_source=raw_source,
            error=summary if verdict is Verdict.ERROR else None,
            preflight_refused=preflight_refused,
            wire=self.wire,
        )
