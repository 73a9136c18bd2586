"""File ▸ Open website page…: wires the page window to the window's org (and the sandbox).

The window (ui.page_window) gets its runs from here, so it stays free of HTTP and of the
sandbox: each run is a `PageRun` on the org the main window shows at that moment, with the
sandbox redirect when that org is the built-in sandbox.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtGui import QAction

from inspector.core.expectations import ScenarioRun
from inspector.core.scenario import Scenario
from inspector.orgs.connection import OrgConnection
from inspector.sandbox import SandboxOrg
from inspector.store.profiles import is_sandbox_name
from inspector.ui.main_window import MainWindow
from inspector.ui.page_view import PageSource, PageView
from inspector.ui.page_window import PageWindow
from inspector.ui.scenario_sidebar import ScenarioSidebar
from inspector.website.page_run import PageRun, PageRunRequest
from inspector.website.scenarios import PageScenarios

__all__ = ["attach_page_mode", "open_page_window"]


def connection_of(window: MainWindow) -> OrgConnection:
    """The window's org as the wiring made it: a page run needs its clients, not its view."""
    org = window.org
    if not isinstance(org, OrgConnection):
        raise TypeError(f"the window's org is a {type(org).__name__}, not an OrgConnection")
    return org


def open_page_window(window: MainWindow, sandbox: SandboxOrg | None) -> PageWindow:
    """A page window on the main window's current org."""
    org = connection_of(window)
    on_sandbox = sandbox is not None and is_sandbox_name(org.profile)

    def make_run(
        view: PageView, source: PageSource, expected: Mapping[str, str], kind: str
    ) -> PageRun:
        # The admin chats in the window (the scripted customer is a button there).
        request = PageRunRequest(
            source=source, expected=dict(expected), kind=kind, scripted_customer=False
        )
        return PageRun(
            view, connection_of(window), request, sandbox=sandbox if on_sandbox else None
        )

    profile = f"Org: {org.label} · deployment {org.deployment_id}" + (
        " · the page's Genesys requests go to the sandbox" if on_sandbox else ""
    )
    page_window = PageWindow(
        make_run, window.tasks.spawn, sandbox=on_sandbox, profile_text=profile, parent=window
    )
    page_window.show()
    return page_window


def attach_page_mode(
    window: MainWindow, sandbox: SandboxOrg | None, sidebar: ScenarioSidebar | None = None
) -> QAction:
    """Add File ▸ Open website page… before Quit; the sidebar runs `launcher: page`
    scenarios through the page mode's run, as `inspector run` does."""
    if sidebar is not None:
        page_scenarios = PageScenarios()

        async def run_page(scenario: Scenario) -> ScenarioRun:
            return await page_scenarios(scenario, connection_of(window))

        sidebar.run_page = run_page
    action = QAction("Open &website page…", window)
    action.setShortcut("Ctrl+Shift+W")
    action.triggered.connect(lambda: open_page_window(window, sandbox))
    menu = window.file_menu
    existing = menu.actions()
    if existing:
        menu.insertAction(existing[0], action)
        menu.insertSeparator(existing[0])
    else:
        menu.addAction(action)
    return action
