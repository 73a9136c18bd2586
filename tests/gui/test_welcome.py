"""First start on a machine with no settings: the panel says what this is, once."""

from PySide6.QtWidgets import QDockWidget, QMainWindow

from inspector.paths import app_paths
from inspector.ui.welcome_panel import DISMISSED_MARKER, attach_welcome_panel, welcome_needed


def test_first_start_shows_the_panel_over_the_window(qtbot, tmp_path):
    paths = app_paths(tmp_path)
    window = QMainWindow()
    qtbot.addWidget(window)
    panel = attach_welcome_panel(window, paths)
    window.show()
    assert panel is not None and panel.isVisible()
    text = panel.text_label.text()
    assert "sandbox org" in text and "CRM id" in text and "Start" in text
    assert panel.dismiss_button.text() == "Got it"


def test_got_it_hides_the_panel_and_remembers(qtbot, tmp_path):
    paths = app_paths(tmp_path)
    window = QMainWindow()
    qtbot.addWidget(window)
    panel = attach_welcome_panel(window, paths)
    window.show()
    dock = window.findChild(QDockWidget, "welcomeDock")
    with qtbot.waitSignal(panel.dismissed):
        panel.dismiss_button.click()
    assert not dock.isVisible()
    assert (paths.config / DISMISSED_MARKER).exists()
    assert not welcome_needed(paths)
    again = QMainWindow()
    qtbot.addWidget(again)
    assert attach_welcome_panel(again, paths) is None
    assert again.findChild(QDockWidget, "welcomeDock") is None


def test_panel_comes_back_when_the_marker_cannot_be_written(qtbot, tmp_path):
    blocker = tmp_path / "home"
    blocker.write_text("a file where the folder should be")
    paths = app_paths(blocker)
    window = QMainWindow()
    qtbot.addWidget(window)
    panel = attach_welcome_panel(window, paths)
    panel.dismiss_button.click()  # logs a warning, no exception
    assert welcome_needed(paths)


def test_panel_sits_on_the_real_main_window(window, tmp_path):
    panel = attach_welcome_panel(window, app_paths(tmp_path))
    assert panel is not None and panel.isVisible()
    # Above the chat and the results, not covering them.
    assert (
        panel.mapTo(window, panel.rect().bottomLeft()).y()
        < window.chat.mapTo(window, window.chat.rect().topLeft()).y()
    )
