"""Help ▸ About: the versions a bug report needs, and the folders where logs and data live."""

from __future__ import annotations

import logging
import platform
import sys
from pathlib import Path

import PySide6
from PySide6.QtCore import Qt, QUrl, qVersion
from PySide6.QtGui import QDesktopServices
from PySide6.QtWebEngineCore import qWebEngineChromiumVersion, qWebEngineVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector import __version__
from inspector.store.paths import AppPaths, app_paths

__all__ = ["AboutDialog", "open_folder", "qt_text", "version_rows"]

log = logging.getLogger("inspector.ui")


def qt_text(value: object) -> str:
    """Some Qt version getters are typed as bytes in the stubs but return str; accept both."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).decode("ascii", "replace")
    return str(value)


def version_rows() -> list[tuple[str, str]]:
    """Name and version of every part that decides how the app behaves."""
    frozen = " (installed build)" if getattr(sys, "frozen", False) else ""
    return [
        ("Inspector", f"{__version__}{frozen}"),
        ("Qt", qVersion()),
        ("PySide6", PySide6.__version__),
        ("QtWebEngine", qt_text(qWebEngineVersion())),
        ("Chromium", qt_text(qWebEngineChromiumVersion())),
        ("Python", platform.python_version()),
        ("System", platform.platform(terse=True)),
    ]


def open_folder(folder: Path) -> bool:
    """Show `folder` in the system file manager, creating it first so the manager finds it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("Cannot create %s: %s", folder, exc)
        return False
    opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))
    if not opened:
        log.warning("No file manager opened %s", folder)
    return opened


class AboutDialog(QDialog):
    """Versions (selectable, for pasting into a report) and the log and data folders."""

    def __init__(self, parent: QWidget | None = None, paths: AppPaths | None = None) -> None:
        super().__init__(parent)
        self.paths = paths or app_paths()
        self.setWindowTitle("About Inspector")
        self.setMinimumWidth(520)

        title = QLabel("<h2 style='margin:0'>Inspector</h2>", self)
        blurb = QLabel(
            "Checks that the CRM id and attributes a website sends reach the Genesys Cloud "
            "conversation unchanged.",
            self,
        )
        blurb.setWordWrap(True)

        versions = QFormLayout()
        versions.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.version_labels: dict[str, QLabel] = {}
        for name, value in version_rows():
            label = QLabel(value, self)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            versions.addRow(f"{name}:", label)
            self.version_labels[name] = label

        folders = QFormLayout()
        folders.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.log_button = self._folder_row(folders, "Logs", self.paths.log)
        self.data_button = self._folder_row(folders, "Data", self.paths.data)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(blurb)
        layout.addSpacing(6)
        layout.addLayout(versions)
        layout.addSpacing(6)
        layout.addLayout(folders)
        layout.addSpacing(10)
        layout.addWidget(buttons)

    def _folder_row(self, form: QFormLayout, name: str, folder: Path) -> QPushButton:
        row = QHBoxLayout()
        path_label = QLabel(str(folder), self)
        path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        path_label.setWordWrap(True)
        button = QPushButton("Open", self)
        button.setToolTip(f"Open {folder} in the file manager")
        button.clicked.connect(lambda: open_folder(folder))
        row.addWidget(path_label, 1)
        row.addWidget(button)
        form.addRow(f"{name}:", row)
        return button
