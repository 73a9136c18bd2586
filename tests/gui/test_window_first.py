"""The window shows before its org: a Start pressed meanwhile says what it waits for, then runs."""

from PySide6.QtCore import Qt

from inspector.app import sandbox_connection
from inspector.core import Verdict
from inspector.sandbox import FAULTS
from inspector.tasks import TaskRegistry

RUN_TIMEOUT_MS = 40_000


def test_start_before_the_org_is_ready_waits_for_it_and_then_runs(qtbot, aio, sandbox):
    from inspector.ui.main_window import MainWindow

    tasks = TaskRegistry()
    window = MainWindow(None, tasks, fault_descriptions=FAULTS, starting="the sandbox org")
    qtbot.addWidget(window)
    window.show()
    assert not window.org_ready
    assert "Starting the sandbox org" in window.org_status.text()
    assert not window.faults_menu.isEnabled()

    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    waiting = "Waiting for the sandbox org to start"
    qtbot.waitUntil(lambda: waiting in window.banner.title.text(), timeout=5000)
    assert window.form.running
    assert window.result is None

    org = sandbox_connection(sandbox)
    try:
        window.set_sandbox(sandbox)
        window.set_org(org, is_sandbox=True)
        assert window.faults_menu.isEnabled() and "lowercase-keys" in window.fault_actions
        qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
        assert window.result.verdict is Verdict.PASS, window.result.summary
        assert window.last_request is not None and window.last_request.crm_id
    finally:
        window.close()
        aio.run(tasks.cancel_all())
        aio.run(org.aclose())


def test_cancel_while_waiting_for_the_org_starts_nothing(qtbot, aio):
    from inspector.ui.main_window import MainWindow

    tasks = TaskRegistry()
    window = MainWindow(None, tasks, fault_descriptions=FAULTS)
    qtbot.addWidget(window)
    window.show()
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Waiting for" in window.banner.title.text(), timeout=5000)
    assert window.cancel_run()
    qtbot.waitUntil(lambda: not window.form.running, timeout=5000)
    assert window.banner.title.text() == "Cancelled."
    assert window.last_request is None
    window.close()
    aio.run(tasks.cancel_all())
