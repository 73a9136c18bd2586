"""qasync inside pytest-qt, as measured in DESIGN.md.

The loop is created with already_running=True on pytest-qt's QApplication; coroutines run as
tasks while qtbot spins Qt. Teardown cancels tasks and closes the loop without loop.stop(),
which would call app.exit().
"""

import asyncio
from collections.abc import Coroutine
from typing import Any

import pytest
import qasync
from PySide6 import QtWebEngineWidgets  # noqa: F401 (must load before the QApplication)

from inspector.app import sandbox_connection
from inspector.sandbox import FAULTS, SandboxOrg
from inspector.tasks import TaskRegistry


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
