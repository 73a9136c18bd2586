"""The window's size, docks and chat/results split, kept across restarts.

Stored with QSettings in an INI file in the app's config folder (platformdirs, or under
$INSPECTOR_HOME), next to the other settings, so tests and portable use never touch the
user's own. Restored once the docks are attached (QMainWindow.restoreState matches docks by
object name) and saved when the window closes.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QSettings

from inspector.ui.main_window import screen_room

if TYPE_CHECKING:
    from inspector.ui.main_window import MainWindow

__all__ = ["SETTINGS_FILE", "WindowState", "attach_window_state"]

log = logging.getLogger("inspector.ui")

SETTINGS_FILE = "window.ini"
# Bump when the docks or the splitter change in a way an old state would restore wrongly.
_VERSION = 1
_KEYS = ("geometry", "state", "splitter")


class WindowState:
    def __init__(self, window: MainWindow, settings: QSettings) -> None:
        self.window = window
        self.settings = settings

    def save(self) -> None:
        window = self.window
        self.settings.setValue("window/geometry", window.saveGeometry())
        self.settings.setValue("window/state", window.saveState(_VERSION))
        self.settings.setValue("window/splitter", window.splitter.saveState())
        self.settings.sync()
        if self.settings.status() != QSettings.Status.NoError:
            log.warning("Could not save the window's layout to %s", self.settings.fileName())

    def restore(self) -> bool:
        """Put the window back as it was closed; False (and defaults) when nothing is saved."""
        values = {key: self.settings.value(f"window/{key}") for key in _KEYS}
        if not all(isinstance(v, QByteArray) and not v.isEmpty() for v in values.values()):
            return False
        window = self.window
        window.restoreGeometry(values["geometry"])
        window.restoreState(values["state"], _VERSION)
        window.splitter.restoreState(values["splitter"])
        room = screen_room(window)
        if room is not None:
            # Saved on a larger screen: never larger than this one's free area.
            window.resize(window.size().boundedTo(room))
        return True


def attach_window_state(window: MainWindow, config_dir: Path) -> WindowState:
    """Restore the window's layout from `config_dir` and save it there when it closes."""
    settings = QSettings(str(config_dir / SETTINGS_FILE), QSettings.Format.IniFormat)
    state = WindowState(window, settings)
    state.restore()
    window.closed.connect(state.save)
    return state
