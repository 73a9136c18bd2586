"""First start: a short panel that says what Inspector is and what the sandbox org is.

Shown on a machine with no settings yet (no dismissal marker in the config folder); "Got it"
writes the marker so it never comes back. It sits above the main window's content as a
title-less top dock, added from outside through QMainWindow's public API.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inspector.store.paths import AppPaths
from inspector.ui.main_window import MainWindow

__all__ = ["DISMISSED_MARKER", "WelcomePanel", "attach_welcome_panel", "welcome_needed"]

log = logging.getLogger("inspector.ui")

DISMISSED_MARKER = "welcome-dismissed"

_TEXT = (
    "<b>Inspector checks that the CRM id your website sends reaches the Genesys Cloud "
    "conversation, spelled the same.</b><br>"
    "You are on the <b>sandbox org</b>: a simulated org running on this computer, so you can "
    "try everything without credentials. Press <b>Start</b>: the chat on the left opens with "
    "the CRM id and attributes from the form, and the table on the right shows what arrived, "
    "row by row, with a verdict. The <b>Sandbox faults</b> menu makes the org misbehave the "
    "way real ones do."
)


def welcome_needed(paths: AppPaths) -> bool:
    return not (paths.config / DISMISSED_MARKER).exists()


class WelcomePanel(QFrame):
    """Signals: `dismissed()` once the user pressed "Got it" (the marker is written first)."""

    dismissed = Signal()

    def __init__(self, config_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.config_dir = config_dir
        self.setObjectName("welcomePanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet(
            "#welcomePanel { background: #eef5fd; border: 1px solid #9cc3ec;"
            " border-radius: 4px; } #welcomePanel QLabel { color: #17324d; }"
        )
        heading = QLabel("Welcome to Inspector", self)
        heading.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.text_label = QLabel(_TEXT, self)
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.RichText)
        self.dismiss_button = QPushButton("Got it", self)
        self.dismiss_button.setDefault(False)
        self.dismiss_button.clicked.connect(self.dismiss)

        # As tall as its text, no taller: the window's content gets the rest.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(heading)
        text.addWidget(self.text_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addLayout(text, 1)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignVCenter)

    @Slot()
    def dismiss(self) -> None:
        try:
            self.config_dir.mkdir(parents=True, exist_ok=True)
            (self.config_dir / DISMISSED_MARKER).write_text("", encoding="utf-8")
        except OSError as exc:
            # Not worth an error dialog: the panel comes back next time, that is all.
            log.warning("Could not remember that the welcome panel was dismissed: %s", exc)
        self.dismissed.emit()


def attach_welcome_panel(window: MainWindow, paths: AppPaths) -> WelcomePanel | None:
    """Put the panel above the window's content on first start; None when already dismissed."""
    if not welcome_needed(paths):
        return None
    panel = WelcomePanel(paths.config, window)
    # In the central layout, not a dock: docks ignore height-for-width, so the wrapped text
    # would get a wrong height.
    window.top_area.addWidget(panel)
    panel.dismissed.connect(panel.hide)
    panel.dismissed.connect(panel.deleteLater)
    return panel
