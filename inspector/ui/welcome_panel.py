"""First start: a short panel that says what Inspector is and what the sandbox org is.

Shown on a machine with no settings yet (no dismissal marker in the config folder); "Got it"
writes the marker so it never comes back. It sits above the main window's content as a
title-less top dock, added from outside through QMainWindow's public API.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QDockWidget,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from inspector.paths import AppPaths

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

        # As tall as its text, no taller: the main window would otherwise share its height.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        text = QVBoxLayout()
        text.setSpacing(4)
        text.addWidget(heading)
        text.addWidget(self.text_label)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.addLayout(text, 1)
        layout.addWidget(self.dismiss_button, 0, Qt.AlignmentFlag.AlignVCenter)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Height follows the wrapped text at the current width.

        Docks ignore height-for-width, so a word-wrapped label would get the height of its
        narrow default size hint, leaving a tall empty banner on a wide window.
        """
        super().resizeEvent(event)
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            wanted = layout.totalHeightForWidth(self.width())
            if wanted > 0 and wanted != self.height():
                self.setFixedHeight(wanted)

    def dismiss(self) -> None:
        try:
            self.config_dir.mkdir(parents=True, exist_ok=True)
            (self.config_dir / DISMISSED_MARKER).write_text("", encoding="utf-8")
        except OSError as exc:
            # Not worth an error dialog: the panel comes back next time, that is all.
            log.warning("Could not remember that the welcome panel was dismissed: %s", exc)
        self.dismissed.emit()


def attach_welcome_panel(window: QMainWindow, paths: AppPaths) -> WelcomePanel | None:
    """Put the panel above the window's content on first start; None when already dismissed."""
    if not welcome_needed(paths):
        return None
    panel = WelcomePanel(paths.config)
    dock = QDockWidget(window)
    dock.setObjectName("welcomeDock")
    dock.setTitleBarWidget(QWidget(dock))  # no title bar: it reads as a banner, not a tool
    dock.setFeatures(QDockWidget.DockWidgetFeature.NoDockWidgetFeatures)
    dock.setAllowedAreas(Qt.DockWidgetArea.TopDockWidgetArea)
    container = QWidget(dock)
    outer = QVBoxLayout(container)
    outer.setContentsMargins(8, 6, 8, 0)
    outer.addWidget(panel)
    container.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    dock.setWidget(container)
    window.addDockWidget(Qt.DockWidgetArea.TopDockWidgetArea, dock)
    # hide(), not close(): a dock without the Closable feature ignores close requests.
    panel.dismissed.connect(dock.hide)
    panel.dismissed.connect(dock.deleteLater)
    dock.show()  # a child added to a window already on screen stays hidden until shown
    return panel
