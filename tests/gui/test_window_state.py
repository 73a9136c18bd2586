"""The window's size, docks and chat/results split come back as the user left them."""

import pytest
import shiboken6
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QDockWidget

from inspector.app import sandbox_connection
from inspector.runtime.tasks import TaskRegistry
from inspector.sandbox import FAULTS
from inspector.store.history import HistoryStore
from inspector.ui.window_state import SETTINGS_FILE, attach_window_state


@pytest.fixture
def make_window(aio, sandbox, qtbot, tmp_path):
    from inspector.ui.main_window import MainWindow
    from inspector.ui.scenarios_panel import attach_scenarios

    made = []

    def make():
        tasks = TaskRegistry()
        org = sandbox_connection(sandbox)
        win = MainWindow(org, tasks, sandbox=sandbox, fault_descriptions=FAULTS)
        store = HistoryStore(tmp_path / "history.sqlite3")
        attach_scenarios(win, history=store)
        state = attach_window_state(win, tmp_path / "config")
        qtbot.addWidget(win)
        made.append((win, tasks, org, store))
        return win, state

    yield make
    for win, tasks, org, store in made:
        if shiboken6.isValid(win):
            win.close()
        aio.run(tasks.cancel_all())
        aio.run(org.aclose())
        store.close()


def dock(window, name):
    return window.findChild(QDockWidget, name)


def test_sizes_and_docks_come_back_after_a_restart(qtbot, make_window, tmp_path):
    window, state = make_window()
    assert not state.restore()  # nothing saved yet: the defaults
    window.show()
    window.resize(1100, 640)
    dock(window, "history-dock").show()
    window.resizeDocks([dock(window, "history-dock")], [230], Qt.Orientation.Vertical)
    window.resizeDocks([dock(window, "scenarios-dock")], [200], Qt.Orientation.Horizontal)
    window.splitter.setSizes([340, 560])
    qtbot.waitUntil(lambda: dock(window, "history-dock").height() == 230)
    before = {
        "size": window.size(),
        "split": window.splitter.sizes(),
        "history": dock(window, "history-dock").height(),
        "scenarios": dock(window, "scenarios-dock").width(),
    }
    window.close()
    assert (tmp_path / "config" / SETTINGS_FILE).exists()

    again, _ = make_window()
    again.show()
    qtbot.waitExposed(again)
    qtbot.waitUntil(lambda: dock(again, "history-dock").isVisible())
    after = {
        "size": again.size(),
        "split": again.splitter.sizes(),
        "history": dock(again, "history-dock").height(),
        "scenarios": dock(again, "scenarios-dock").width(),
    }
    assert after == before


def test_a_layout_saved_on_a_larger_screen_is_cut_to_this_one(qtbot, make_window, tmp_path):
    from inspector.ui.main_window import screen_room

    window, _ = make_window()
    window.show()
    window.resize(3000, 2000)  # as on a 4K screen
    window.close()
    assert QSettings(str(tmp_path / "config" / SETTINGS_FILE), QSettings.Format.IniFormat).value(
        "window/geometry"
    )
    again, _ = make_window()
    again.show()
    room = screen_room(again)
    assert again.width() <= room.width() and again.height() <= room.height()
