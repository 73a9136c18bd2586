"""qasync inside pytest-qt, as measured in DESIGN.md.

The loop is created with already_running=True on pytest-qt's QApplication; coroutines run as
tasks while qtbot spins Qt. Teardown cancels tasks and closes the loop without loop.stop(),
which would call app.exit().
"""

import asyncio
import os
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import pytest
import qasync
from PySide6 import QtWebEngineWidgets  # noqa: F401 (must load before the QApplication)

from inspector.app import sandbox_connection
from inspector.runtime.tasks import TaskRegistry
from inspector.sandbox import FAULTS, SandboxOrg

# A fake camera and microphone, so getUserMedia asks for permission (which the chat page must
# deny) instead of failing early for want of a device. Read when QtWebEngine starts, so set it
# here, before any test creates a web view. (Not --use-fake-ui-for-media-stream: that grants.)
# The offscreen platform's screen is 800×800 unless a config file names another; the window is
# tested on the smallest screen it must fit, a 1366×768 laptop (read when the QApplication is
# made, so set here, before any test makes it).
SCREEN_CONFIG = Path(__file__).with_name("screen-1366x768.json")
if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={SCREEN_CONFIG}"

_FAKE_MEDIA = "--use-fake-device-for-media-stream"
_flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
if _FAKE_MEDIA not in _flags:
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = f"{_flags} {_FAKE_MEDIA}".strip()


@pytest.fixture(autouse=True, scope="session")
def _flush_deferred_deletes(qapp):
    """Delete closed windows before Qt exits, so their web pages go before the profiles.

    pytest-qt closes widgets with deleteLater(), which only runs when events are processed;
    after the last test nothing processes them, and QtWebEngine then warns at exit.
    """
    yield
    from PySide6.QtCore import QCoreApplication, QEvent

    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


class LoopRunner:
    def __init__(self, qtbot, loop):
        self.qtbot = qtbot
        self.loop = loop

    def run(self, coro: Coroutine[Any, Any, Any], timeout: float = 30.0) -> Any:
        task = self.loop.create_task(coro)
        self.qtbot.waitUntil(task.done, timeout=int(timeout * 1000))
        return task.result()


@pytest.fixture
def aio(qapp, qtbot):
    loop = qasync.QEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    runner = LoopRunner(qtbot, loop)
    yield runner
    pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
    for task in pending:
        task.cancel()
    if pending:
        qtbot.waitUntil(lambda: all(t.done() for t in pending), timeout=5000)
    # Leave "already running" mode without loop.stop(), which would call app.exit(): qasync
    # has no public way, so clear its flag and asyncio's running loop, then close it. Later
    # tests (pytest-asyncio ones too) then see no running loop.
    loop._QEventLoop__is_running = False
    asyncio.events._set_running_loop(None)
    try:
        qapp.aboutToQuit.disconnect(loop._after_run_forever)
    except (RuntimeError, TypeError):
        pass
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def sandbox(aio):
    org = SandboxOrg()
    aio.run(org.start())
    yield org
    aio.run(org.stop())


@pytest.fixture
def window(aio, sandbox, qtbot):
    from inspector.ui.main_window import MainWindow

    tasks = TaskRegistry()
    org = sandbox_connection(sandbox)
    win = MainWindow(org, tasks, sandbox=sandbox, fault_descriptions=FAULTS)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()
    aio.run(tasks.cancel_all())
    aio.run(org.aclose())


class JsRunner:
    """Evaluate JavaScript in a page and wait for its value (promises are awaited in the page)."""

    def __init__(self, qtbot):
        self.qtbot = qtbot

    def __call__(self, page, expression: str, timeout: float = 10.0) -> Any:
        import json

        results: list[Any] = []
        # runJavaScript does not await promises: the page stores the settled value, we poll it.
        page.runJavaScript(
            "window.__testResult = undefined;"
            f"Promise.resolve().then(() => ({expression})).then("
            "v => { window.__testResult = JSON.stringify({ok: v === undefined ? null : v}); },"
            "e => { window.__testResult = JSON.stringify({error: String(e && e.name || e)}); });"
        )

        def settled() -> bool:
            page.runJavaScript("window.__testResult", 0, lambda value: results.append(value))
            return any(isinstance(r, str) and r.startswith("{") for r in results)

        self.qtbot.waitUntil(settled, timeout=int(timeout * 1000))
        return json.loads(next(r for r in results if isinstance(r, str) and r.startswith("{")))


@pytest.fixture
def run_js(qtbot):
    return JsRunner(qtbot)


class PageServer:
    """A tiny aiohttp server on 127.0.0.1 that serves test pages and records every request."""

    def __init__(self, ssl_context=None):
        self.ssl_context = ssl_context
        self.hits: list[str] = []
        self.pages: dict[str, str] = {}
        self.runner = None
        self.port = 0

    @property
    def base(self) -> str:
        scheme = "https" if self.ssl_context else "http"
        return f"{scheme}://127.0.0.1:{self.port}"

    async def start(self) -> None:
        from aiohttp import web

        async def handle(request: web.Request) -> web.Response:
            self.hits.append(request.path)
            body = self.pages.get(request.path)
            if body is None:
                return web.Response(status=404, text="not found")
            kind = "text/javascript" if request.path.endswith(".js") else "text/html"
            return web.Response(text=body, content_type=kind)

        app = web.Application()
        app.router.add_route("GET", "/{tail:.*}", handle)
        self.runner = web.AppRunner(app, access_log=None)
        await self.runner.setup()
        site = web.TCPSite(self.runner, "127.0.0.1", 0, ssl_context=self.ssl_context)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self.runner is not None:
            await self.runner.cleanup()


@pytest.fixture
def page_server(aio):
    server = PageServer()
    aio.run(server.start())
    yield server
    aio.run(server.stop())
