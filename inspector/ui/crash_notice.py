"""After a crash: tell the user on the next start, and hand them the report and the log."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from inspector.runtime.crash import PreviousCrash
from inspector.ui.about_dialog import open_folder

__all__ = ["CrashNotice", "show_crash_notice"]


class CrashNotice(QDialog):
    """'Inspector closed unexpectedly last time', with buttons for the crash file and logs.

    A dialog rather than a QMessageBox: a message box closes on any button, and the user may
    want both the report and the log folder.
    """

    def __init__(self, crash: PreviousCrash, log_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.crash = crash
        self.log_dir = log_dir
        self.setWindowTitle("Inspector closed unexpectedly")
        self.setMinimumWidth(560)
        heading = QLabel("<b>Inspector closed unexpectedly the last time it ran.</b>", self)
        self.message = QLabel(
            f"Crash report: {crash.path}<br>Log folder: {log_dir}<br><br>"
            "Attach both to a bug report; they contain no secrets.",
            self,
        )
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        excerpt = QPlainTextEdit(crash.excerpt, self)
        excerpt.setReadOnly(True)
        excerpt.setMaximumHeight(160)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.open_report_button = QPushButton("Open crash report", self)
        self.open_logs_button = QPushButton("Open log folder", self)
        # ActionRole buttons do not close the box, so both can be used.
        buttons.addButton(self.open_report_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.open_logs_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.open_report_button.clicked.connect(self.open_report)
        self.open_logs_button.clicked.connect(lambda: open_folder(self.log_dir))
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.message)
        layout.addWidget(excerpt)
        layout.addWidget(buttons)

    @Slot()
    def open_report(self) -> bool:
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.crash.path)))


def show_crash_notice(
    crash: PreviousCrash | None, log_dir: Path, parent: QWidget | None = None
) -> CrashNotice | None:
    """Show the notice (non-blocking) when the previous run crashed; None otherwise."""
    if crash is None:
        return None
    notice = CrashNotice(crash, log_dir, parent)
    notice.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    notice.show()
    return notice
