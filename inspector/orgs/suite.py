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
    Verdict,
)
from inspector.core.expectations import (
    ScenarioRun,
    error_outcome,
)
from inspector.core.scenario import Scenario
from inspector.orgs.budget import DEFAULT_REQUESTS_PER_MINUTE, RateLimiter
from inspector.orgs.connection import OrgConnection
from inspector.orgs.providers import OrgProvider, ProfileUnavailable, SandboxProvider
from inspector.orgs.runs import run_scenario

__all__ = [
    "OrgProvider",
    "PageScenarioRunner",
    "ProfileUnavailable",
    "ProgressEvent",
    "ProgressKind",
    "RunRecorder",
    "SandboxProvider",
    "SuiteResult",
    "run_suite",
]

log = logging.getLogger("inspector.runner")

# Scenarios start at least this far apart. Started at the same instant, a wave of chats
# sends its sockets, first messages, reads and clean-ups to the org in bursts, and each run
# waits on the others' requests; 25 ms apart they interleave, and a wave of 8 is under way
# in 0.2 s, well within one run (about 0.4 s even on the sandbox).
START_SPACING = 0.025


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
