"""The Help menu, added to a main window from outside: About, and the log folder."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMenu

from inspector.store.paths import AppPaths, app_paths
from inspector.ui.about_dialog import AboutDialog, open_folder

__all__ = ["attach_help_menu", "show_about"]


def show_about(window: QMainWindow, paths: AppPaths) -> AboutDialog:
    dialog = AboutDialog(window, paths)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def attach_help_menu(window: QMainWindow, paths: AppPaths | None = None) -> QMenu:
    """Append "Help" (About Inspector…, Open log folder) to the window's menu bar."""
    where = paths or app_paths()
    menu = window.menuBar().addMenu("&Help")
    about = QAction("&About Inspector…", window)
    # On macOS Qt moves this into the application menu, where users look for it.
    about.setMenuRole(QAction.MenuRole.AboutRole)
    about.triggered.connect(lambda: show_about(window, where))
    menu.addAction(about)
    logs = QAction("Open &log folder", window)
    logs.triggered.connect(lambda: open_folder(where.log))
    menu.addAction(logs)
    return menu
