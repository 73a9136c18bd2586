"""Website page scenarios (`launcher: page`) in a suite, and the Qt loop a suite with them needs.

`inspector run` and the window's scenario sidebar both run a page scenario here: the run is
the page mode's own (page_runner.run_page, from the scenario by `request_for_scenario`), in a
fresh PageView, and its result becomes a ScenarioOutcome (core.expectations.page_outcome), so
reports, the history and the sidebar's icons treat it as any other scenario. Page runs go one
at a time: each is a whole browser, and the scripted customer's waits are timed.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any, TypeVar

from inspector.core.expectations import ScenarioOutcome, ScenarioRun, error_outcome, page_outcome
from inspector.core.scenario import Scenario
from inspector.orgs.connection import OrgConnection
from inspector.orgs.runs import guarded_outcome
from inspector.website.page_run import fresh_page_view, request_for_scenario, run_page

__all__ = ["PageScenarios", "run_with_web_view"]


T = TypeVar("T")


class PageScenarios:
    """Runs `launcher: page` scenarios on an org, one at a time (a runner.PageScenarioRunner)."""

    def __init__(self) -> None:
        self._lock: asyncio.Lock | None = None

    async def __call__(self, scenario: Scenario, org: OrgConnection) -> ScenarioRun:
        if self._lock is None:
            self._lock = asyncio.Lock()
        async with self._lock:
            return await self._run(scenario, org)

    async def _run(self, scenario: Scenario, org: OrgConnection) -> ScenarioRun:
        started = datetime.now(UTC)
        try:
            request = request_for_scenario(scenario)
        except OSError as exc:
            page = scenario.page.page if scenario.page is not None else scenario.name
            message = f"Cannot read the page {exc.filename or page}: {exc.strerror or exc}"
            return ScenarioRun(error_outcome(scenario, message), started, datetime.now(UTC))
        # Each step waits at most `timeout`: loading, each message, the read-back.
        limit = request.timeout * (3 + len(request.messages)) + 10.0

        async def judge() -> ScenarioOutcome:
            async with fresh_page_view() as view:
                result = await run_page(view, org, request, sandbox=org.sandbox)
            return page_outcome(scenario, result)

        outcome = await guarded_outcome(scenario, limit, judge)
        return ScenarioRun(outcome, started, datetime.now(UTC))


def run_with_web_view(main: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run `main()` on one qasync loop, so page runs can have web views (offscreen when
    there is no display). Qt is left only once (a second exit crashes QtWebEngine, DESIGN.md).

    The caller has checked `app.prepare_qt_environment()` first.
    """
    import qasync
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 (before QApplication)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result: T = loop.run_until_complete(main())
    return result
