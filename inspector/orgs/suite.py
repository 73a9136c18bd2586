"""Headless suite runner: scenarios run concurrently, sharing one Platform API budget per org.

Scenarios are grouped by org (profile and sandbox faults); each group gets one org connection
and one rate limiter, so however many scenarios run at once the org never sees more requests
per minute than configured. Every finished run goes to the history before it is reported, so
a killed runner loses only the scenarios that were still running.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from inspector.core import (
    PlatformReader,
    Preflight,
    PreflightFinding,
    ReadBack,
    StepEvent,
    Verdict,
    run_verification,
)
from inspector.core.expectations import (
    BotReplyObservation,
    ScenarioOutcome,
    error_outcome,
    evaluate,
)
from inspector.core.scenario import Scenario
from inspector.genesys import GenesysError
from inspector.orgs.adapters import GuestLauncher
from inspector.orgs.connection import OrgConnection
from inspector.orgs.providers import OrgProvider, ProfileUnavailable, SandboxProvider

__all__ = [
    "DEFAULT_REQUESTS_PER_MINUTE",
    "OrgProvider",
    "PageScenarioRunner",
    "ProfileUnavailable",
    "ProgressEvent",
    "ProgressKind",
    "RateLimitedReader",
    "RateLimiter",
    "RunRecorder",
    "SandboxProvider",
    "ScenarioRun",
    "SuiteResult",
    "guarded_outcome",
    "run_scenario",
    "run_suite",
]

log = logging.getLogger("inspector.runner")

# Genesys allows about 300 Platform API requests a minute per token; keep headroom for a user
# working in the same org at the same time.
DEFAULT_REQUESTS_PER_MINUTE = 240
DEFAULT_BURST = 10
# Scenarios start at least this far apart. Started at the same instant, a wave of chats
# sends its sockets, first messages, reads and clean-ups to the org in bursts, and each run
# waits on the others' requests; 25 ms apart they interleave, and a wave of 8 is under way
# in 0.2 s, well within one run (about 0.4 s even on the sandbox).
START_SPACING = 0.025
# Float rounding after a computed sleep can leave 0.9999999 tokens; that is a whole token.
_EPSILON = 1e-6


class RateLimiter:
    """Token bucket that never lets more than `per_minute` calls through in any 60 s window.

    A plain bucket of capacity C refilled at N/60 per second admits C + N calls in the first
    minute. Refilling at (N - C)/60 instead bounds every window: at most C tokens saved up plus
    N - C refilled. Written here because the common async limiters (aiolimiter) bound the
    average rate, not each window.
    """

    def __init__(
        self,
        per_minute: int,
        *,
        burst: int = DEFAULT_BURST,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if per_minute < 1:
            raise ValueError("per_minute must be at least 1")
        self.per_minute = per_minute
        self.capacity = max(1, min(burst, per_minute // 2 or 1))
        self.rate = (per_minute - self.capacity) / 60.0 or per_minute / 120.0
        self._clock = clock
        self._sleep = sleep
        self._tokens = float(self.capacity)
        self._updated = clock()
        self._lock = asyncio.Lock()
        self.acquired = 0

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(self.capacity, self._tokens + (now - self._updated) * self.rate)
        self._updated = now

    async def acquire(self) -> None:
        """Wait for a token; callers queue in order (the lock is fair)."""
        async with self._lock:
            self._refill()
            while self._tokens < 1 - _EPSILON:
                await self._sleep((1 - self._tokens) / self.rate)
                self._refill()
            self._tokens = max(0.0, self._tokens - 1)
            self.acquired += 1


class RateLimitedReader:
    """A PlatformReader whose every call first takes a token from the org's limiter."""

    def __init__(self, reader: PlatformReader, limiter: RateLimiter) -> None:
        self._reader = reader
        self.limiter = limiter

    async def conversation_id_for_message(self, message_id: str) -> str:
        await self.limiter.acquire()
        return await self._reader.conversation_id_for_message(message_id)

    async def find_conversation_by_run_id(self, run_id: str) -> str:
        await self.limiter.acquire()
        return await self._reader.find_conversation_by_run_id(run_id)

    async def read_customer_attributes(self, conversation_id: str) -> ReadBack:
        await self.limiter.acquire()
        return await self._reader.read_customer_attributes(conversation_id)

    async def end_conversation(self, conversation_id: str, participant_id: str) -> None:
        await self.limiter.acquire()
        await self._reader.end_conversation(conversation_id, participant_id)


class ScenarioLauncher:
    """The guest launcher plus what a scenario adds: more messages and a bot reply to await."""

    def __init__(self, inner: GuestLauncher, scenario: Scenario) -> None:
        self.inner = inner
        self.scenario = scenario
        self.bot_reply: BotReplyObservation | None = None
        self._watch: asyncio.Task[BotReplyObservation] | None = None

    async def connect(self) -> None:
        await self.inner.connect()

    async def send_first_message(self, text: str, attributes: Mapping[str, str]) -> str:
        message_id = await self.inner.send_first_message(text, attributes)
        expected = self.scenario.expect.bot_reply
        if expected is not None:
            self._watch = asyncio.create_task(
                self._wait_for_reply(expected.contains, expected.within)
            )
        for later in self.scenario.messages[1:]:
            try:
                await self.inner.session.send_text(later)
            except GenesysError as exc:
                log.warning("Scenario %s: a later message failed: %s", self.scenario.name, exc)
        return message_id

    async def _wait_for_reply(self, contains: str, within: float) -> BotReplyObservation:
        started = time.monotonic()
        texts: list[str] = []
        deadline = started + within
        try:
            while (left := deadline - time.monotonic()) > 0:
                message = await self.inner.session.next_message(direction="Outbound", timeout=left)
                texts.append(message.text or "")
                if contains in (message.text or ""):
                    return BotReplyObservation(tuple(texts), True, _ms(started))
        except GenesysError as exc:
            return BotReplyObservation(tuple(texts), False, _ms(started), exc.user_message())
        return BotReplyObservation(tuple(texts), False, _ms(started))

    async def close(self) -> None:
        # Let the reply wait finish (it is bounded by `within`) before the session closes.
        try:
            if self._watch is not None:
                try:
                    self.bot_reply = await self._watch
                finally:
                    self._watch = None
        finally:
            # Also when the run is cancelled during the wait: the session must not leak.
            await self.inner.close()


def _ms(started: float) -> float:
    return (time.monotonic() - started) * 1000


@dataclass(frozen=True)
class ScenarioRun:
    outcome: ScenarioOutcome
    started_at: datetime
    finished_at: datetime

    @property
    def scenario(self) -> Scenario:
        return self.outcome.scenario

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


async def run_scenario(
    scenario: Scenario,
    org: OrgConnection,
    limiter: RateLimiter,
    *,
    on_step: Callable[[StepEvent], None] | None = None,
) -> ScenarioRun:
    """One scenario through the guest API against `org`; never raises except on cancel."""
    started = datetime.now(UTC)
    if scenario.pre_chat.answers and scenario.pre_chat.send_as == "form":
        outcome = error_outcome(
            scenario,
            "Pre-chat forms cannot be filled yet (the deployment shows no form to the guest "
            "API); use preChat.sendAs: attributes",
            "unsupported",
        )
        return ScenarioRun(outcome, started, datetime.now(UTC))
    deployment = org.deployment_for(scenario.deployment)
    launcher = ScenarioLauncher(GuestLauncher(org.endpoints, deployment, org.origin), scenario)
    reader = RateLimitedReader(org.reader, limiter)
    wait = scenario.expect.bot_reply.within if scenario.expect.bot_reply else 0.0
    limit = scenario.timeout + wait + 10.0  # the steps enforce `timeout`; this is a backstop

    async def verify() -> ScenarioOutcome:
        result = await run_verification(
            # Real orgs may refuse the message-details lookup: tag the run for the search.
            org.tagged(scenario.request()),
            launcher,
            reader,
            preflight=_preflight_for(org, deployment),
            on_step=on_step,
            propagation=org.propagation,
        )
        return evaluate(scenario, result, launcher.bot_reply)

    outcome = await guarded_outcome(scenario, limit, verify)
    return ScenarioRun(outcome, started, datetime.now(UTC))


async def guarded_outcome(
    scenario: Scenario, limit: float, judge: Callable[[], Awaitable[ScenarioOutcome]]
) -> ScenarioOutcome:
    """What `judge()` comes to; a run past `limit` seconds, or one that raised, is an error
    outcome (one broken scenario must not take the suite, and the shared org, down with it).
    """
    try:
        async with asyncio.timeout(limit):
            return await judge()
    except TimeoutError:
        return error_outcome(scenario, f"Timed out after {limit:g} s", "timeout")
    except Exception as exc:
        log.exception("Scenario %s failed unexpectedly", scenario.name)
        return error_outcome(scenario, f"Unexpected error: {exc!r}", "internal-error")


def _preflight_for(org: OrgConnection, deployment: str) -> Preflight:
    """The pre-flight check of the scenario's deployment.

    It reads only the public domains.json and config.json (no Platform API request), so it
    is not paid from the shared request budget.
    """

    async def check(attributes: Mapping[str, str]) -> Sequence[PreflightFinding]:
        return await org.preflight(attributes, deployment)

    return check


class ProgressKind(StrEnum):
    STARTED = "started"
    FINISHED = "finished"


@dataclass(frozen=True)
class ProgressEvent:
    kind: ProgressKind
    scenario: Scenario
    done: int
    total: int
    run: ScenarioRun | None = None


RunRecorder = Callable[[ScenarioRun], Awaitable[None]]
# Runs a `launcher: page` scenario on an org (it needs a web view: see page_scenarios).
PageScenarioRunner = Callable[[Scenario, OrgConnection], Awaitable[ScenarioRun]]
_NO_PAGE_RUNNER = "A website page scenario needs a web view: this runner was started without one"
ProgressCallback = Callable[[ProgressEvent], None]


@dataclass
class SuiteResult:
    runs: list[ScenarioRun] = field(default_factory=list)

    def count(self, verdict: Verdict) -> int:
        return sum(1 for r in self.runs if r.outcome.verdict is verdict)


def _group(scenarios: Iterable[Scenario]) -> dict[tuple[str, frozenset[str]], list[Scenario]]:
    groups: dict[tuple[str, frozenset[str]], list[Scenario]] = {}
    for scenario in scenarios:
        groups.setdefault((scenario.profile, scenario.faults), []).append(scenario)
    return groups


async def run_suite(
    scenarios: Sequence[Scenario],
    *,
    concurrency: int = 4,
    requests_per_minute: int = DEFAULT_REQUESTS_PER_MINUTE,
    provider: OrgProvider | None = None,
    on_progress: ProgressCallback | None = None,
    record: RunRecorder | None = None,
    propagation: Mapping[str, float] | None = None,
    start_spacing: float = START_SPACING,
    run_page: PageScenarioRunner | None = None,
) -> SuiteResult:
    """Run every scenario; results come back in the scenarios' order.

    ``propagation`` gives an org's estimate (core.polling.propagation_estimate) by profile;
    scenarios start at least ``start_spacing`` seconds apart. `launcher: page` scenarios go
    to ``run_page`` (an error without it).
    """
    provider = provider or SandboxProvider()
    semaphore = asyncio.Semaphore(max(1, concurrency))
    total = len(scenarios)
    runs: dict[int, ScenarioRun] = {}
    done = 0
    starting = asyncio.Lock()
    last_start = -math.inf

    async def spaced() -> None:
        """Wait until ``start_spacing`` after the previous scenario started."""
        nonlocal last_start
        async with starting:
            wait = last_start + start_spacing - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            last_start = time.monotonic()

    def emit(event: ProgressEvent) -> None:
        if on_progress is not None:
            try:
                on_progress(event)
            except Exception:
                log.exception("Progress callback failed")

    async def one(
        index: int, scenario: Scenario, org: OrgConnection | str, limiter: RateLimiter
    ) -> None:
        nonlocal done
        async with semaphore:
            await spaced()
            emit(ProgressEvent(ProgressKind.STARTED, scenario, done, total))
            if isinstance(org, str):
                now = datetime.now(UTC)
                run = ScenarioRun(error_outcome(scenario, org, "profile-unavailable"), now, now)
            elif scenario.page is not None:
                if run_page is None:
                    now = datetime.now(UTC)
                    outcome = error_outcome(scenario, _NO_PAGE_RUNNER, "unsupported")
                    run = ScenarioRun(outcome, now, now)
                else:
                    run = await run_page(scenario, org)
            else:
                run = await run_scenario(scenario, org, limiter)
            if record is not None:
                await record(run)
            runs[index] = run
            done += 1
            emit(ProgressEvent(ProgressKind.FINISHED, scenario, done, total, run))

    index_of = {id(s): i for i, s in enumerate(scenarios)}
    async with AsyncExitStack() as stack:
        work = []
        for (profile, faults), members in _group(scenarios).items():
            org: OrgConnection | str
            try:
                org = await stack.enter_async_context(provider.org(profile, faults))
            except ProfileUnavailable as exc:
                org = str(exc)
            else:
                # Each deployment's public configuration is read once for the suite.
                org.remember_deployment_facts()
                if propagation is not None and profile in propagation:
                    org.propagation = propagation[profile]
            limiter = RateLimiter(requests_per_minute)
            work += [one(index_of[id(s)], s, org, limiter) for s in members]
        # A TaskGroup cancels and awaits the other scenarios when one raises, before the
        # exit stack closes the orgs they run on.
        try:
            async with asyncio.TaskGroup() as group:
                for job in work:
                    group.create_task(job)
        except ExceptionGroup as group:
            raise group.exceptions[0] from None  # the first failure as itself, not wrapped
    return SuiteResult([runs[i] for i in range(total)])
