"""The one assembly of a run on an org: pre-flight, launch, resolve, read, checks, cleanup.

The window, `inspector verify`, `inspector run` and the self-test all start their runs here,
so a check added to `RUN_CHECKS` runs in each of them, and none of them can drift from the
others in what it checks (DESIGN.md, "Layers"). What differs is only the launcher (a web view
in the window, the guest API headless) and, for a suite, a reader that shares the org's
request budget.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

from inspector.core import (
    Launcher,
    PlatformReader,
    PreflightFinding,
    VerificationRequest,
    VerificationResult,
    run_verification,
)
from inspector.core.analytics import AnalyticsReader
from inspector.core.expectations import (
    BotReplyObservation,
    ScenarioOutcome,
    ScenarioRun,
    error_outcome,
    evaluate,
)
from inspector.core.run_types import StepCallback
from inspector.core.scenario import Scenario
from inspector.core.verification import RunCheck
from inspector.genesys import GenesysError
from inspector.orgs.adapters import GuestLauncher
from inspector.orgs.budget import RateLimitedReader, RateLimiter

__all__ = [
    "RUN_CHECKS",
    "RunnableOrg",
    "ScenarioLauncher",
    "guarded_outcome",
    "run_on_org",
    "run_scenario",
]

log = logging.getLogger("inspector.runner")

# Checks every run makes after its read, wherever it was started: add one here, once.
RUN_CHECKS: list[RunCheck] = []


class RunnableOrg(Protocol):
    """What a run needs of its org (`orgs.connection.OrgConnection` is one)."""

    @property
    def reader(self) -> PlatformReader: ...

    @property
    def analytics(self) -> AnalyticsReader: ...

    @property
    def propagation(self) -> float: ...

    def tagged(self, request: VerificationRequest) -> VerificationRequest: ...

    def deployment_for(self, name: str | None) -> str: ...

    def guest_launcher(
        self, *, placement: str = "message", deployment_id: str | None = None
    ) -> GuestLauncher: ...

    async def preflight(
        self, attributes: Mapping[str, str], deployment_id: str | None = None
    ) -> Sequence[PreflightFinding]: ...


async def run_on_org(
    org: RunnableOrg,
    request: VerificationRequest,
    *,
    launcher: Launcher | None = None,
    deployment: str | None = None,
    reader: PlatformReader | None = None,
    on_step: StepCallback | None = None,
    checks: Sequence[RunCheck] | None = None,
) -> VerificationResult:
    """One verification of `request` on `org`.

    `launcher` defaults to the guest API on `deployment` (a seeded kind on the sandbox, an id
    elsewhere; the org's own when None), with the attributes where the request places them.
    `reader` defaults to the org's Platform API reader.
    """
    # Real orgs may refuse the message-details lookup: tag the run for the search.
    request = org.tagged(request)
    deployment_id = org.deployment_for(deployment)
    if launcher is None:
        launcher = org.guest_launcher(
            placement=request.attribute_location, deployment_id=deployment_id
        )

    async def preflight(attributes: Mapping[str, str]) -> Sequence[PreflightFinding]:
        return await org.preflight(attributes, deployment_id)

    return await run_verification(
        request,
        launcher,
        reader or org.reader,
        preflight=preflight,
        analytics=org.analytics,
        on_step=on_step,
        propagation=org.propagation,
        checks=tuple(RUN_CHECKS if checks is None else checks),
    )


async def run_scenario(
    scenario: Scenario,
    org: RunnableOrg,
    limiter: RateLimiter,
    *,
    on_step: StepCallback | None = None,
) -> ScenarioRun:
    """One scenario through the guest API against `org`; never raises except on cancel.

    Its Platform API reads take their tokens from `limiter`, the org's shared budget. (The
    pre-flight reads only the public domains.json and config.json, outside the budget.)
    """
    started = datetime.now(UTC)
    if scenario.pre_chat.answers and scenario.pre_chat.send_as == "form":
        outcome = error_outcome(
            scenario,
            "Pre-chat forms cannot be filled yet (the deployment shows no form to the guest "
            "API); use preChat.sendAs: attributes",
            "unsupported",
        )
        return ScenarioRun(outcome, started, datetime.now(UTC))
    request = scenario.request()
    deployment = org.deployment_for(scenario.deployment)
    launcher = ScenarioLauncher(
        org.guest_launcher(placement=request.attribute_location, deployment_id=deployment),
        scenario,
    )
    wait = scenario.expect.bot_reply.within if scenario.expect.bot_reply else 0.0
    limit = scenario.timeout + wait + 10.0  # the steps enforce `timeout`; this is a backstop

    async def verify() -> ScenarioOutcome:
        result = await run_on_org(
            org,
            request,
            launcher=launcher,
            deployment=deployment,
            reader=RateLimitedReader(org.reader, limiter),
            on_step=on_step,
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
