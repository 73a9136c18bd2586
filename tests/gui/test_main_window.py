"""The window with the real web view and the sandbox's Messenger, driven as a user would."""

import re

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

RUN_TIMEOUT_MS = 40_000


def table_rows(window):
    model = window.model
    return [
        tuple(model.data(model.index(r, c)) for c in range(model.columnCount()))
        for r in range(model.rowCount())
    ]


def press_start(qtbot, window):
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)


def test_start_shows_both_attributes_matching_and_a_pass(qtbot, window):
    assert window.form.crm_id.text() == "CRM-12345-XYZ"
    press_start(qtbot, window)
    assert table_rows(window) == [
        ("crmCustomerId", "CRM-12345-XYZ", "CRM-12345-XYZ", "✔ match"),
        ("source", "web-portal", "web-portal", "✔ match"),
    ]
    assert window.banner.title.text() == "PASS · All 2 sent attributes arrived"
    steps = window.progress.step_texts()
    assert [line.split("|")[0].strip() for line in steps] == [
        "✔  Check the deployment",
        "✔  Connect the chat",
        "✔  Send the first message",
        "✔  Find the conversation",
        "✔  Read the customer's attributes",
        "✔  End the test conversation",
    ]
    assert "7 of 7 checks passed" in steps[0]
    assert "(via message details)" in steps[3]
    assert all(line.startswith("✔") for line in steps)
    assert all(re.fullmatch(r"\d+ ms", line.rsplit("|", 1)[1].strip()) for line in steps)
    assert window.result.conversation_id in window.conversation_label.text()
    # the chat really ran in the page: the inbound echo and the bot's reply reached the bridge
    assert window.form.start_button.isEnabled()


def test_lowercase_keys_fault_from_the_menu_shows_a_case_mismatch(qtbot, window, sandbox):
    window.fault_actions["lowercase-keys"].setChecked(True)
    assert "lowercase-keys" in sandbox.faults
    press_start(qtbot, window)
    rows = table_rows(window)
    assert rows[0] == (
        "crmCustomerId",
        "CRM-12345-XYZ",
        "crmCustomerid = CRM-12345-XYZ",
        "⚠ case mismatch",
    )
    assert window.banner.title.text() == "FAIL · 1 of 2 attributes did not arrive as sent"
    assert "case-mismatch" in window.banner.details.text()


def test_raw_response_can_be_viewed_and_copied(qtbot, window):
    press_start(qtbot, window)
    assert window.raw_button.isEnabled()
    qtbot.mouseClick(window.raw_button, Qt.MouseButton.LeftButton)
    from inspector.ui.raw_json_dialog import RawJsonDialog

    dialog = window.findChild(RawJsonDialog)
    assert dialog is not None
    assert '"crmCustomerId": "CRM-12345-XYZ"' in dialog.text
    assert '"purpose": "customer"' in dialog.text
    dialog.copy_to_clipboard()
    assert QGuiApplication.clipboard().text() == dialog.text
    dialog.close()


def test_double_clicking_a_row_selects_its_value_in_the_raw_response(qtbot, window, sandbox):
    sandbox.set_faults({"lowercase-keys"})
    press_start(qtbot, window)
    rect = window.table.visualRect(window.model.index(0, 2))
    # QTest's double click alone does not emit doubleClicked: the view wants the press first.
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    from inspector.ui.raw_json_dialog import RawJsonDialog

    qtbot.waitUntil(lambda: window.findChild(RawJsonDialog) is not None)
    dialog = window.findChild(RawJsonDialog)
    assert dialog.editor.textCursor().selectedText() == '"crmCustomerid": '
    dialog.close()


def test_oversized_attributes_are_refused_before_anything_is_sent(qtbot, window):
    window.form.add_attribute("notes", "é" * 1100)
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    assert window.form.problems.isVisible()
    assert "deployment accepts at most 2048" in window.form.problems.text()
    assert window.tasks.get("verification") is None
    assert window.model.rowCount() == 0


def test_an_unexpected_error_is_logged_every_time_and_shown_once(qtbot, caplog):
    from PySide6.QtWidgets import QMessageBox

    from inspector.ui.error_report import ErrorReporter

    reporter = ErrorReporter()
    for n in range(2):
        try:
            raise ValueError(f"boom {n}")
        except ValueError as exc:
            reporter.excepthook(type(exc), exc, exc.__traceback__)
    assert caplog.text.count("Unexpected error") == 2
    dialogs = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)]
    assert len(dialogs) == 1 and "boom 0" in dialogs[0].text()
    dialogs[0].close()


def test_preflight_failure_is_explained_and_start_can_be_forced(qtbot, aio, sandbox):
    from inspector.genesys import OrgEndpoints
    from inspector.orgs.connection import OrgConnection
    from inspector.runtime.tasks import TaskRegistry
    from inspector.sandbox import FAULTS, SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID
    from inspector.ui.main_window import MainWindow

    info = sandbox.info
    org = OrgConnection.with_client_credentials(
        OrgEndpoints.for_custom_domain(info.base_url),
        client_id=info.client_id,
        client_secret=info.client_secret,
        deployment_id=SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID,
        origin=info.origin,
        label="Sandbox org",
    )
    tasks = TaskRegistry()
    win = MainWindow(org, tasks, sandbox=sandbox, fault_descriptions=FAULTS)
    qtbot.addWidget(win)
    win.show()
    try:
        press_start(qtbot, win)
        assert win.banner.title.text().startswith("ERROR · Not started:")
        assert "shop.example.com" in win.banner.details.text()
        assert win.model.rowCount() == 0
        assert win.force_button.isVisible()
        assert win.chat.page is None  # nothing was loaded, nothing was sent
        win.result = None
        qtbot.mouseClick(win.force_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: win.result is not None, timeout=RUN_TIMEOUT_MS)
        # the org refuses the page's origin for this deployment, as a real org would
        assert win.result.verdict.value == "error"
        assert not win.force_button.isVisible()
        assert "started anyway" in win.progress.step_texts()[0]
    finally:
        win.close()
        aio.run(tasks.cancel_all())
        aio.run(org.aclose())


def test_the_chat_says_the_conversation_ended_after_cleanup(qtbot, window, run_js):
    press_start(qtbot, window)
    assert window.progress.step_texts()[-1].startswith("✔  End the test conversation")
    status = "document.querySelector('#genesys-sandbox-messenger .gsm-status').textContent"
    qtbot.waitUntil(
        lambda: run_js(window.chat.page, status) == {"ok": "Conversation ended"}, timeout=5000
    )


def test_many_diagnoses_can_all_be_read_failures_first(qtbot, window, sandbox, tmp_path):
    from inspector.store.paths import app_paths
    from inspector.ui.welcome_panel import attach_welcome_panel

    attach_welcome_panel(window, app_paths(tmp_path))  # the tightest the window gets
    for fault in ("rate-limit", "lowercase-keys", "flow-overwrite"):
        window.fault_actions[fault].setChecked(True)
    press_start(qtbot, window)
    details = window.banner.details
    text = details.toPlainText()
    codes = [c for c in ("case-mismatch", "changed-by-flow", "rate-limited") if c in text]
    assert codes == ["case-mismatch", "changed-by-flow", "rate-limited"]  # failures first
    assert "'CRM-12345-XYZ' → 'CRM-12345-XYZ-flow'" in text
    qtbot.waitUntil(lambda: details.verticalScrollBar().value() == 0)
    # the findings are above the table, never drawn over it, and at least a few lines tall
    bottom = details.mapTo(window, details.rect().bottomLeft()).y()
    assert bottom < window.table.mapTo(window, window.table.rect().topLeft()).y()
    assert details.height() >= 2 * details.fontMetrics().lineSpacing()
    assert window.table.height() > 2 * window.table.rowHeight(0)
