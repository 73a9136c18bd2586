"""Wiring: builds the org clients, the sandbox and the loop; runs the window or a headless run."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from inspector.runtime.lazy import lazy_module

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtWidgets import QApplication

    from inspector.orgs.connection import OrgConnection, sandbox_connection
    from inspector.runtime.crash import PreviousCrash
    from inspector.runtime.quitter import Quitter
    from inspector.runtime.tasks import TaskRegistry
    from inspector.sandbox import SandboxOrg
    from inspector.store.paths import AppPaths
    from inspector.ui.main_window import MainWindow
    from inspector.ui.window_state import WindowState
else:
    # With the event loop, after the window's first paint (runtime/lazy.py).
    asyncio = lazy_module("asyncio")

__all__ = [
    "CannotStart",
    "import_org_stack",
    "prepare_qt_environment",
    "run_gui",
    "sandbox_connection",
]

log = logging.getLogger("inspector.init")


def prepare_qt_environment() -> str | None:
    """Environment QtWebEngine reads at import time; returns a problem to show, if any."""
    if (
        hasattr(os, "geteuid")
        and os.geteuid() == 0
        and "QTWEBENGINE_DISABLE_SANDBOX" not in os.environ
    ):
        # Chromium refuses to run as root with its sandbox on; a --no-sandbox argument is not
        # enough, the variable must be set before QtWebEngine loads (measured, DESIGN.md).
        os.environ["QTWEBENGINE_DISABLE_SANDBOX"] = "1"
        log.info("Running as root: Chromium's sandbox is disabled for the embedded chat")
    if (
        sys.platform.startswith("linux")
        and not os.environ.get("QT_QPA_PLATFORM")
        and not os.environ.get("DISPLAY")
        and not os.environ.get("WAYLAND_DISPLAY")
    ):
        return (
            "No display found. Run Inspector on a desktop, under `xvfb-run inspector`, or "
            "headless with `inspector verify`."
        )
    from inspector.runtime.earlyinit import check_gui_libraries

    # Before any QApplication: Qt aborts on a platform plugin it cannot load (earlyinit.py).
    return check_gui_libraries()


class CannotStart(Exception):
    """The window could not go on, for a reason the user can act on (the message says how)."""


def run_gui(faults: Iterable[str] = ()) -> int:
    """The window on the sandbox org, on one qasync loop.

    The window is drawn first; asyncio and qasync load on the loop's first tick after the
    paint, and the loop then runs inside this one `app.exec()` (qasync's `already_running`).
    Qt exits once, when `_gui_main` returns: QtWebEngine segfaults on a second exit, which is
    why neither `asyncio.Runner(loop_factory=...)` nor `qasync.run()` is used (DESIGN.md).
    """
    from PySide6.QtCore import QTimer
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 (load before QApplication)
    from PySide6.QtWidgets import QApplication

    from inspector.runtime.crash import CrashLog
    from inspector.runtime.log import add_file_handler, install_qt_message_handler
    from inspector.store.paths import app_paths

    paths = app_paths().ensure()
    log.info("Logging to %s", add_file_handler(paths.log))
    crash_log = CrashLog(paths.log)
    previous_crash = crash_log.start()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    install_qt_message_handler()
    app.setApplicationName("Inspector")
    app.setOrganizationName("Inspector")
    app.setQuitOnLastWindowClosed(False)
    try:
        shown = _show_window(paths, previous_crash)
        # Logged once Qt's loop has drawn the window; bench/startup.py and the end-to-end
        # tests wait for this line.
        QTimer.singleShot(0, lambda: log.info("Window ready"))
        # Posted before any input can be: a click waits for the asyncio loop this starts.
        QTimer.singleShot(0, partial(_start_loop, app, shown, list(faults), paths))
        app.exec()
        return _main_status(app, shown)
    finally:
        crash_log.stop()


@dataclass
class _Shown:
    """The drawn window and what the loop, once started, runs for it."""

    window: MainWindow
    layout: WindowState
    tasks: TaskRegistry
    main: asyncio.Task[int] | None = None
    loop: asyncio.AbstractEventLoop | None = None
    problem: str | None = None  # why the loop could not start, for the user


def _show_window(paths: AppPaths, previous_crash: PreviousCrash | None) -> _Shown:
    """Only what draws the window: no asyncio, no sandbox, no HTTP client, no keychain."""
    from PySide6.QtCore import QTimer

    from inspector.runtime.tasks import TaskRegistry
    from inspector.sandbox.faults import FAULTS  # the names only: the server comes later
    from inspector.ui.main_window import MainWindow
    from inspector.ui.welcome_panel import attach_welcome_panel
    from inspector.ui.window_state import attach_window_state

    tasks = TaskRegistry()
    window = MainWindow(None, tasks, fault_descriptions=FAULTS, starting="the sandbox org")
    attach_welcome_panel(window, paths)
    # The size and the chat/results split before the first paint; the docks and the org bar
    # come in _start_org, which restores their layout once they exist.
    layout = attach_window_state(window, paths.config)
    # Ctrl-C in the terminal, or SIGTERM, closes the window like the Quit action; the timer
    # lets Python run its signal handler while Qt is in control.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: QTimer.singleShot(0, window.close))
    wake = QTimer(window)
    wake.timeout.connect(lambda: None)
    wake.start(250)
    window.show()
    if previous_crash is not None:  # its dialog's module only when there is one to show
        from inspector.ui.crash_notice import show_crash_notice

        show_crash_notice(previous_crash, paths.log, window)
    return _Shown(window, layout, tasks)


def _start_loop(app: QApplication, shown: _Shown, faults: list[str], paths: AppPaths) -> None:
    """The asyncio loop on Qt's running one, and `_gui_main` on it; ends Qt once it returns."""
    from inspector.runtime.earlyinit import LOOP_IMPORTS, broken_package_problem

    shown.problem = broken_package_problem(LOOP_IMPORTS)  # imports qasync, and asyncio
    if shown.problem:
        app.exit()
        return
    import qasync

    from inspector.ui.error_report import ErrorReporter

    try:
        loop = shown.loop = qasync.QEventLoop(app, already_running=True)
        asyncio.set_event_loop(loop)
        ErrorReporter(shown.window).install(loop)
        shown.main = loop.create_task(_gui_main(shown, faults, paths), name="main")
    except Exception:  # a bug: without a loop the window could never close
        log.critical("The event loop did not start", exc_info=True)
        shown.problem = "Cannot open the window: its event loop did not start (see the log)."
        app.exit()
        return
    # The one Qt exit (qasync's stop() calls QCoreApplication.exit()).
    shown.main.add_done_callback(lambda _: loop.stop())


def _main_status(app: QApplication, shown: _Shown) -> int:
    """After Qt's loop: the last posted events (deleteLater), the loop closed, the status."""
    app.processEvents()
    loop, main = shown.loop, shown.main
    if shown.problem is not None:
        raise CannotStart(shown.problem)
    # The loop is still marked running unless `main` ended and stopped it: no close then.
    if loop is None or main is None or not main.done():
        raise CannotStart("Qt's event loop ended before the window closed.")
    asyncio._set_running_loop(None)  # what qasync's own run_forever does when Qt returns
    loop.close()
    return main.result()


async def _gui_main(shown: _Shown, faults: list[str], paths: AppPaths) -> int:
    """The org, the history and the scenarios, once the window is drawn; then the one exit.

    The sandbox, the HTTP client (its SSL context), the history, the keychain and the scenario
    docks start in `_start_org`, a task of its own, while the window already takes input (a
    Start pressed meanwhile waits for the org and says so).
    """
    from inspector.runtime.quitter import Quitter, Stage

    window, tasks = shown.window, shown.tasks
    quitter = Quitter()  # the one exit: what is started below registers its closing here
    quitter.on_quit(Stage.TASKS, "tasks", tasks.cancel_all)
    quitter.on_quit(Stage.WINDOW, "window", window.deleteLater)
    # Closing the window is the request to quit, whatever closed it.
    window.closed.connect(quitter.request_quit)
    started = _Started(quitter)
    quitter.on_quit(Stage.CLIENTS, "org clients", partial(started.close_orgs, window))
    quitter.on_quit(Stage.SANDBOX, "sandbox org", started.stop_sandbox)
    tasks.spawn("org-start", _start_org(window, faults, paths, started, shown.layout))
    try:
        await quitter.wait_requested()
    finally:
        # Every closer runs, in the stages' order, even when one before it raises; Qt exits
        # once, when this coroutine returns (runtime/quitter.py).
        await quitter.shutdown()
    return 0


def _set_app_icon() -> None:
    from PySide6.QtWidgets import QApplication

    from inspector.ui.app_icon import app_icon

    QApplication.setWindowIcon(app_icon())


class _Started:
    """What `_start_org` got running, for the shutdown to stop (whenever the window closed)."""

    def __init__(self, quitter: Quitter) -> None:
        self.quitter = quitter  # for what `_start_org` opens to register its closing
        self.sandbox: SandboxOrg | None = None
        self.org: OrgConnection | None = None

    async def stop_sandbox(self) -> None:
        if self.sandbox is not None:
            await self.sandbox.stop()

    async def close_orgs(self, window: MainWindow) -> None:
        shown = window.org if window.org_ready else None  # the org shown at the end
        for org in {id(o): o for o in (shown, self.org) if o is not None}.values():
            await org.aclose()


def import_org_stack() -> None:
    """What the org start and the first run need, for a thread to import off the event loop.

    httpx imports its async backend (anyio's) on the first request: here, not in a run.
    """
    import anyio._backends._asyncio
    import anyio.streams.stapled
    import anyio.streams.tls  # noqa: F401

    import inspector.orgs.connection
    import inspector.orgs.providers
    import inspector.orgs.sign_in
    import inspector.orgs.suite
    import inspector.sandbox.server
    import inspector.store.history
    import inspector.store.profiles  # noqa: F401


async def _start_org(
    window: MainWindow,
    faults: list[str],
    paths: AppPaths,
    started: _Started,
    layout: WindowState,
) -> None:
    """The sandbox org, its clients, the history and scenarios, and the org profiles."""

    await asyncio.sleep(0.05)  # let the window's first paint go first
    window.build_after_paint()
    # The icon is drawn from its SVG at seven sizes (QtSvg and ~25 ms): once the window is up.
    _set_app_icon()
    await asyncio.to_thread(import_org_stack)
    from inspector.core.polling import propagation_estimate
    from inspector.orgs.connection import sandbox_connection
    from inspector.orgs.window_orgs import WindowOrgs
    from inspector.runtime.quitter import Stage
    from inspector.sandbox import SandboxOrg
    from inspector.store.history import HistoryError
    from inspector.store.stores import Stores

    # The bot answers before the attributes are read, so its reply shows in the chat before
    # the cleanup step ends the conversation.
    sandbox = SandboxOrg(faults=faults, bot_reply_delay=0.2)
    started.sandbox = sandbox
    await sandbox.start()
    log.info("Sandbox org serving at %s", sandbox.base_url)
    # Building the HTTP client makes its SSL context (50-65 ms): in a thread, not on the loop.
    org = started.org = await asyncio.to_thread(sandbox_connection, sandbox)
    # Opened once here, closed once at exit: the history (SQLite) and the keychain (its
    # backend probe can block on D-Bus) are opened in a thread.
    stores = Stores()
    started.quitter.on_quit(Stage.STORES, "run history", stores.close)
    history = await asyncio.to_thread(lambda: stores.history)
    if history is not None:
        try:
            org.propagation = propagation_estimate(await history.recent_steps_async(org.profile))
        except HistoryError as exc:
            log.warning("Run history unreadable: %s", exc)
    window.set_sandbox(sandbox)
    window.set_org(org, is_sandbox=True)
    log.info("Org ready: %s", org.label)
    await asyncio.sleep(0)
    from inspector.ui.help_menu import attach_help_menu
    from inspector.ui.org_controller import OrgController
    from inspector.ui.scenarios_panel import attach_scenarios
    from inspector.website.menu import attach_page_mode

    scenarios = attach_scenarios(window, history=history)
    attach_page_mode(window, sandbox, scenarios.sidebar)
    attach_help_menu(window, paths)
    secrets = await asyncio.to_thread(lambda: stores.secrets)
    orgs = OrgController(
        window, WindowOrgs(sandbox, secrets), store=stores.profiles, secrets=secrets
    )
    # Last: the docks and the org bar must exist for their sizes to be restored.
    layout.restore()
    await orgs.load()
    await asyncio.sleep(0)
    window.chat.prepare_next()  # the first chat's page, made before Start is pressed


def __getattr__(name: str) -> Any:
    # `sandbox_connection` is wiring too, re-exported here; imported on first use, as it
    # brings the HTTP stack.
    if name == "sandbox_connection":
        from inspector.orgs.connection import sandbox_connection

        return sandbox_connection
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
