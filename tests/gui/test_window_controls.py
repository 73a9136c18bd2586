"""The window's controls as a user meets them: shortcuts run after run, Cancel, feedback."""

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from inspector.ui.raw_json_dialog import RawJsonDialog

RUN_TIMEOUT_MS = 40_000


def activate(qtbot, window):
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_ctrl_enter_starts_run_after_run(qtbot, window):
    activate(qtbot, window)
    for _ in range(3):
        window.result = None
        qtbot.keyClick(window.form.crm_id, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
        assert window.banner.title.text() == "PASS · All 2 sent attributes arrived"
        assert window.form.start_button.text() == "Start  (Ctrl+Enter)"
        qtbot.waitUntil(lambda: window.tasks.get("verification") is None)


def start_and_wait_for_the_chat(qtbot, window):
    window.result = None
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(window.form.cancel_button.isVisible)
    assert not window.form.start_button.isEnabled()
    # cancel once the chat is really under way, not before the task ran a step
    qtbot.waitUntil(lambda: window.progress.step_texts() != [], timeout=RUN_TIMEOUT_MS)


def test_a_form_run_can_be_cancelled_with_the_button_or_esc(qtbot, window):
    activate(qtbot, window)
    start_and_wait_for_the_chat(qtbot, window)
    qtbot.mouseClick(window.form.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.tasks.get("verification") is None, timeout=15_000)
    assert window.banner.title.text() == "Cancelled."
    assert window.result is None
    last = window.progress.step_texts()[-1]
    assert last.startswith("■  ") and "| Cancelled |" in last, last
    assert window.form.start_button.isEnabled()
    assert window.form.start_button.text() == "Start  (Ctrl+Enter)"
    assert not window.form.cancel_button.isVisible()

    start_and_wait_for_the_chat(qtbot, window)
    qtbot.keyClick(window.form.crm_id, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: window.tasks.get("verification") is None, timeout=15_000)
    assert window.banner.title.text() == "Cancelled."
    # the form is usable again: the next run gives a result
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    assert window.banner.title.text() == "PASS · All 2 sent attributes arrived"


def test_scenario_run_buttons_wait_for_a_folder_and_a_selection(qtbot, aio, window, tmp_path):
    from inspector.store.history import HistoryStore
    from inspector.ui.scenarios_panel import attach_scenarios

    store = HistoryStore(tmp_path / "history.sqlite3")
    panel = attach_scenarios(window, history=store)
    sidebar, actions = panel.sidebar, panel.actions
    try:
        assert not sidebar.run_button.isEnabled()
        assert not sidebar.run_all_button.isEnabled()
        assert not actions["run"].isEnabled() and not actions["run_all"].isEnabled()
        empty = tmp_path / "empty"
        empty.mkdir()
        aio.run(sidebar.open_folder(empty))
        assert not sidebar.run_button.isEnabled()
        assert not sidebar.run_all_button.isEnabled()
        suite = tmp_path / "suite"
        suite.mkdir()
        (suite / "alpha.yaml").write_text("name: alpha\ncrmId: C-1\n")
        aio.run(sidebar.open_folder(suite))
        assert sidebar.run_button.isEnabled() and sidebar.run_all_button.isEnabled()
        assert actions["run"].isEnabled() and actions["run_all"].isEnabled()
        sidebar.list.setCurrentRow(-1)
        assert not sidebar.run_button.isEnabled() and not actions["run"].isEnabled()
        assert sidebar.run_all_button.isEnabled()
        sidebar.list.setCurrentRow(0)
        qtbot.mouseClick(sidebar.run_button, Qt.MouseButton.LeftButton)
        assert not sidebar.run_button.isEnabled() and not sidebar.run_all_button.isEnabled()
        qtbot.waitUntil(lambda: sidebar.task is not None and sidebar.task.done(), timeout=60_000)
        assert sidebar.run_button.isEnabled() and sidebar.run_all_button.isEnabled()
    finally:
        store.close()


def test_copy_json_says_copied_for_a_moment(qtbot, window):
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    qtbot.mouseClick(window.raw_button, Qt.MouseButton.LeftButton)
    dialog = window.findChild(RawJsonDialog)
    QGuiApplication.clipboard().clear()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.text
    assert dialog.copy_button.text() == "Copied ✓"
    qtbot.waitUntil(lambda: dialog.copy_button.text() == "Copy JSON", timeout=3000)
    assert not dialog.copy_button.shortcut().isEmpty()  # Ctrl+C still copies
    dialog.close()


def test_ctrl_j_selects_the_selected_rows_key_in_the_raw_response(qtbot, window):
    activate(qtbot, window)
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    assert window.model.row_at(1).key == "source"
    rect = window.table.visualRect(window.model.index(1, 2))
    qtbot.mouseClick(window.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(window.table, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.findChild(RawJsonDialog) is not None)
    dialog = window.findChild(RawJsonDialog)
    assert dialog.editor.textCursor().selectedText() == '"source": '
    dialog.close()


def test_closing_the_orgs_dialog_with_unsaved_edits_asks_first(qtbot, aio, sandbox, tmp_path):
    from PySide6.QtWidgets import QMessageBox

    from inspector.runtime.tasks import TaskRegistry
    from inspector.sandbox import SANDBOX_CLIENT_ID, SANDBOX_DEPLOYMENT_ID
    from inspector.store.profiles import ProfileStore
    from inspector.store.secrets import SecretStore
    from inspector.ui.profile_dialog import ProfileDialog
    from tests.memory_keyring import MemoryKeyring

    store = ProfileStore(tmp_path / "profiles.json")
    from inspector.orgs.window_orgs import WindowOrgs

    secrets = SecretStore(backend=MemoryKeyring())
    dialog = ProfileDialog(store, secrets, TaskRegistry(), orgs=WindowOrgs(sandbox, secrets))
    qtbot.addWidget(dialog)
    dialog.set_profiles([])
    dialog.show()
    dialog.close()  # nothing typed: closes at once
    assert not dialog.isVisible() and dialog.unsaved_prompt is None

    def answer(button):
        box = dialog.unsaved_prompt
        qtbot.waitUntil(lambda: box is not None and box.isVisible())
        assert box.text() == "Save the changes to this profile before closing?"
        qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)

    dialog.show()
    dialog.name.setText("Local org")
    dialog.close()
    assert dialog.isVisible()
    answer(QMessageBox.StandardButton.Cancel)
    assert dialog.isVisible() and dialog.name.text() == "Local org"

    dialog.close()
    answer(QMessageBox.StandardButton.Discard)
    assert not dialog.isVisible()
    assert store.load() == [] or all(p.builtin for p in store.load())

    dialog.set_profiles([])
    dialog.show()
    dialog.name.setText("Local org")
    dialog.region.setCurrentIndex(dialog.region.findData("custom"))
    dialog.base_url.setText("http://127.0.0.1:9")
    dialog.client_id.setText(SANDBOX_CLIENT_ID)
    dialog.add_deployment_row(SANDBOX_DEPLOYMENT_ID, "Shop", "")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    answer(QMessageBox.StandardButton.Save)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    assert [p.name for p in store.load() if not p.builtin] == ["Local org"]
