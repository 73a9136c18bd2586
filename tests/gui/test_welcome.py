"""First start on a machine with no settings: the panel says what this is, once."""

from inspector.store.paths import app_paths
from inspector.ui.welcome_panel import DISMISSED_MARKER, attach_welcome_panel, welcome_needed


def test_first_start_shows_the_whole_panel_above_the_window(qtbot, window, tmp_path):
    panel = attach_welcome_panel(window, app_paths(tmp_path))
    assert panel is not None
    qtbot.waitUntil(panel.isVisible)
    text = panel.text_label.text()
    assert "sandbox org" in text and "CRM id" in text and "Start" in text
    assert panel.dismiss_button.isVisible() and panel.dismiss_button.text() == "Got it"
    # the wrapped text gets the height it needs at this width: nothing is cut off
    label = panel.text_label
    assert label.height() >= label.heightForWidth(label.width())
    # above the chat and the results, not covering them
    assert (
        panel.mapTo(window, panel.rect().bottomLeft()).y()
        < window.chat.mapTo(window, window.chat.rect().topLeft()).y()
    )


def test_got_it_hides_the_panel_and_remembers(qtbot, window, tmp_path):
    paths = app_paths(tmp_path)
    panel = attach_welcome_panel(window, paths)
    qtbot.waitUntil(panel.isVisible)
    with qtbot.waitSignal(panel.dismissed):
        panel.dismiss_button.click()
    assert not panel.isVisible()
    assert (paths.config / DISMISSED_MARKER).exists()
    assert not welcome_needed(paths)
    assert attach_welcome_panel(window, paths) is None


def test_panel_comes_back_when_the_marker_cannot_be_written(window, tmp_path):
    blocker = tmp_path / "home"
    blocker.write_text("a file where the folder should be")
    paths = app_paths(blocker)
    panel = attach_welcome_panel(window, paths)
    panel.dismiss_button.click()  # logs a warning, no exception
    assert welcome_needed(paths)


def test_with_the_panel_open_a_run_shows_every_step_without_scrolling(qtbot, window, tmp_path):
    from tests.gui.test_main_window import press_start

    panel = attach_welcome_panel(window, app_paths(tmp_path))
    assert panel is not None
    qtbot.waitUntil(panel.isVisible)
    press_start(qtbot, window)
    progress = window.progress
    assert len(progress.step_texts()) == 6
    assert not progress.verticalScrollBar().isVisible()
    last = progress.topLevelItem(progress.topLevelItemCount() - 1)
    assert progress.viewport().rect().contains(progress.visualItemRect(last))
    assert window.banner.title.text().startswith("PASS")
    assert window.table.height() > 3 * window.table.rowHeight(0)  # the rows still show
