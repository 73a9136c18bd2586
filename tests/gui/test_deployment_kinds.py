"""Every seeded deployment kind through the real window and web view, as a user presses Start.

The same kinds run headless in tests/integration/test_deployment_kinds_headless.py; the window
must give the same verdict and diagnosis code, and where the pre-flight is overridden, the
page's own refusal (MESSENGER.md) as a coded diagnosis, never a time-out.
"""

import dataclasses

import pytest
from PySide6.QtCore import Qt

from inspector.app import sandbox_connection
from inspector.core import VerificationRequest
from inspector.runtime.tasks import TaskRegistry
from inspector.sandbox import FAULTS

RUN_TIMEOUT_MS = 40_000
REQUEST = VerificationRequest(
    crm_id="CRM-12345-XYZ", attributes={"source": "web-portal"}, timeout=15.0
)


@pytest.fixture
def open_window(aio, sandbox, qtbot):
    from inspector.ui.main_window import MainWindow

    made = []

    def make(kind):
        tasks = TaskRegistry()
        org = sandbox_connection(sandbox, kind)
        win = MainWindow(org, tasks, sandbox=sandbox, fault_descriptions=FAULTS)
        qtbot.addWidget(win)
        win.show()
        made.append((win, tasks, org))
        return win

    yield make
    for win, tasks, org in made:
        win.close()
        aio.run(tasks.cancel_all())
        aio.run(org.aclose())


def run(qtbot, window, **changes):
    window.result = None
    window.start(dataclasses.replace(REQUEST, **changes))
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    return window.result


def table_rows(window):
    model = window.model
    return [
        tuple(model.data(model.index(r, c)) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def page_events(window):
    return [name for name, _ in window.last_launcher.events]


PASSING = ["native-ui", "headless", "autostart", "parent-domain", "all-domains"]


@pytest.mark.parametrize("kind", PASSING)
def test_a_chat_starts_and_passes_on_each_working_kind(qtbot, open_window, kind):
    window = open_window(kind)
    result = run(qtbot, window)
    assert window.banner.title.text() == "PASS · All 2 sent attributes arrived", result.summary
    assert table_rows(window) == [
        ("crmCustomerId", "CRM-12345-XYZ", "CRM-12345-XYZ", "✔ match"),
        ("source", "web-portal", "web-portal", "✔ match"),
    ]
    events = page_events(window)
    # With a native UI Messenger is opened (that is what loads MessagingService); headless not.
    assert ("opening" in events) is (kind != "headless")
    assert result.wire is not None and result.wire.source == "MessagingService.sendingMessage"
    assert dict(result.wire.attributes) == {
        "crmCustomerId": "CRM-12345-XYZ",
        "source": "web-portal",
    }
    # autoStart: the Join presence event carried the attributes, before any text.
    assert result.wire.kind == ("Event" if kind == "autostart" else "Text")
    assert window.sent_button.isEnabled()


@pytest.mark.parametrize(
    ("kind", "refused", "forced"),
    [
        ("inactive", "deployment-active", "deployment-active"),
        ("other-domain", "origin-allowed", "domain-not-allowed"),
        ("authenticated", "deployment-auth", "deployment-auth"),
    ],
)
def test_a_refusing_kind_is_refused_then_diagnosed_by_the_page_when_forced(
    qtbot, open_window, kind, refused, forced
):
    window = open_window(kind)
    result = run(qtbot, window)
    assert result.preflight_refused and result.diagnoses[0].code == refused
    assert window.force_button.isVisible()
    window.result = None
    qtbot.mouseClick(window.force_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    result = window.result
    assert result.verdict.value == "error"
    codes = [d.code for d in result.diagnoses]
    assert codes[0] == forced, (codes, result.summary)
    assert "chat-timeout" not in codes
    assert window.banner.title.text().startswith("ERROR")
    if kind == "other-domain":
        assert "domainNotAllowed" in page_events(window)
    if kind == "authenticated":
        # Plainly what Inspector cannot do, and what a guest client would need.
        assert "Inspector cannot sign one in yet" in window.banner.title.text()
        assert "configureAuthenticatedSession" in window.banner.details.text()


def test_a_read_only_session_is_diagnosed_not_timed_out(qtbot, open_window, sandbox):
    sandbox.set_faults({"read-only-session"})
    window = open_window("native-ui")
    result = run(qtbot, window)
    codes = [d.code for d in result.diagnoses]
    assert result.verdict.value == "error" and codes[0] == "read-only-session", codes


def test_the_sent_column_shows_what_left_the_page(qtbot, open_window):
    window = open_window("native-ui")
    run(qtbot, window)
    from inspector.ui.raw_json_dialog import RawJsonDialog

    qtbot.mouseClick(window.sent_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(RawJsonDialog)
    assert dialog is not None and dialog.windowTitle() == "Sent frame"
    assert '"crmCustomerId": "CRM-12345-XYZ"' in dialog.text and '"tracingId"' in dialog.text
    dialog.close()


def test_attributes_set_after_the_first_message_show_as_not_sent(qtbot, open_window):
    window = open_window("native-ui")
    window.late_set_action.setChecked(True)
    result = run(qtbot, window)
    assert result.verdict.value == "fail"
    assert [row[:2] for row in table_rows(window)] == [
        ("crmCustomerId", "— (form: CRM-12345-XYZ)"),
        ("source", "— (form: web-portal)"),
    ]
    assert result.diagnoses[0].code == "attributes-not-sent"
    assert "The first message left the page without custom attributes" in (
        window.banner.details.text()
    )


def test_a_refused_run_does_not_leave_the_previous_chat_on_screen(qtbot, open_window, sandbox):
    window = open_window("native-ui")
    run(qtbot, window)
    assert window.chat.page is not None  # the chat of the passing run
    sandbox.set_faults({"deployment-inactive"})
    result = run(qtbot, window)
    assert result.preflight_refused
    assert window.chat.page is None
    assert "Not started" in window.chat._placeholder.text()
