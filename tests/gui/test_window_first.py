"""The window shows before its org: a Start pressed meanwhile says what it waits for, then runs."""

from PySide6.QtCore import Qt

from inspector.app import sandbox_connection
from inspector.core import Verdict
from inspector.runtime.tasks import TaskRegistry
from inspector.sandbox import FAULTS

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


def test_the_next_chat_is_made_between_runs_and_a_dropped_one_is_not_heard(qtbot, window):
    from inspector.core import VerificationRequest

    request = VerificationRequest(crm_id="CRM-1", attributes={"source": "web"})
    first = window.chat.page
    window.chat.prepare_next()
    spare = window.chat._spare
    assert spare is not None and first is None
    window.start(request)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    assert window.result.verdict is Verdict.PASS, window.result.summary
    used = window.chat.page
    assert used is spare[1]  # the run used the page made ahead
    # After the result, the next one is made and the run's own page stays until a new run.
    qtbot.waitUntil(lambda: window.chat._spare is not None, timeout=5000)
    assert window.chat._spare[0] is not spare[0]  # a new profile: a clean browser state
    heard = []
    window.chat.page_event.connect(lambda name, data: heard.append(name))
    window.chat.reset("next run")
    assert window.chat.page is None
    spare[2].post({"event": "message", "text": "late"})  # the parked page's bridge
    assert heard == []  # a dropped chat's events reach nothing
