"""After the conversation ended, the chat's input looks and acts disabled until the next run."""

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from inspector.ui.chat_view import CHAT_ENDED_TEXT

RUN_TIMEOUT_MS = 40_000


def press_start(qtbot, window):
    window.result = None
    qtbot.mouseClick(window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)


def test_the_ended_chat_is_veiled_and_the_next_run_lifts_the_veil(qtbot, window):
    press_start(qtbot, window)
    chat = window.chat
    qtbot.waitUntil(lambda: chat.ended, timeout=5000)
    veil = chat.view.findChild(QWidget, "chat-ended-veil")
    assert veil.isVisible()
    assert chat.ended_note.isVisible() and chat.ended_note.text() == CHAT_ENDED_TEXT
    # it covers the whole page, the composer at the bottom included, and is on top there
    assert veil.geometry() == chat.view.rect()
    bottom = QPoint(chat.view.width() // 2, chat.view.height() - 20)
    assert chat.view.childAt(bottom) is veil
    assert not chat.view.isEnabled()  # no keys reach the page either

    window.result = None
    window.form.request_start()
    qtbot.waitUntil(lambda: not veil.isVisible(), timeout=RUN_TIMEOUT_MS)
    assert not chat.ended_note.isVisible()
    assert chat.view.isEnabled()
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: chat.ended, timeout=5000)


def test_without_cleanup_the_chat_stays_open(qtbot, window):
    window.cleanup_action.setChecked(False)
    press_start(qtbot, window)
    assert window.chat.page is not None
    qtbot.wait(500)
    assert not window.chat.ended
