"""The raw API response every received value was read from, to view and copy.

Admins forward it to whoever owns the flow, so it is shown exactly as the org returned it,
with the request it answered.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QTimer, Slot
from PySide6.QtGui import QFontDatabase, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["COPIED_TEXT", "COPY_TEXT", "RawJsonDialog"]

COPY_TEXT = "Copy JSON"
COPIED_TEXT = "Copied ✓"
# How long the button says the JSON was copied.
COPIED_MS = 2000


class RawJsonDialog(QDialog):
    def __init__(
        self,
        source: str,
        raw: Mapping[str, Any],
        parent: QWidget | None = None,
        *,
        highlight_key: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Raw API response")
        self.resize(720, 560)
        self.text = json.dumps(raw, indent=2, ensure_ascii=False)
        heading = QLabel(f"<b>{source}</b>", self)
        self.editor = editor = QPlainTextEdit(self.text, self)
        editor.setReadOnly(True)
        editor.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = copy = QPushButton(COPY_TEXT, self)
        copy.setShortcut(QKeySequence.StandardKey.Copy)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        copy.clicked.connect(self.copy_to_clipboard)
        self._copied_timer = QTimer(self)
        self._copied_timer.setSingleShot(True)
        self._copied_timer.setInterval(COPIED_MS)
        self._copied_timer.timeout.connect(self._on_copied_timeout)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(editor)
        layout.addWidget(buttons)
        if highlight_key is not None:
            # Select where the value sits, so "where did this come from" is one glance.
            editor.find(json.dumps(highlight_key, ensure_ascii=False) + ": ")
            editor.centerCursor()

    @Slot()
    def copy_to_clipboard(self) -> None:
        """Copy the whole response; the button says "Copied" for a moment."""
        QGuiApplication.clipboard().setText(self.text)
        self._set_copy_text(COPIED_TEXT)
        self._copied_timer.start()

    @Slot()
    def _on_copied_timeout(self) -> None:
        self._set_copy_text(COPY_TEXT)

    def _set_copy_text(self, text: str) -> None:
        # setText replaces the shortcut with the text's mnemonic: set it again.
        self.copy_button.setText(text)
        self.copy_button.setShortcut(QKeySequence.StandardKey.Copy)
