"""The verdict's diagnoses: each finding, its fix, and the developer's line under it.

Made with the first result or once the window is drawn (VerdictBanner.build_details), not
before the first paint: a QTextBrowser and `html` cost their set-up there.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser, QWidget

from inspector.core import Diagnosis
from inspector.core.diagnosis_codes import FOR_DEVELOPER

__all__ = ["DEVELOPER_COLOUR", "DiagnosesView", "diagnoses_html", "fix_html"]

DEVELOPER_COLOUR = "#5f6b7a"


def fix_html(fix: str) -> str:
    """A fix as the banner shows it: the admin's action, then the developer's line under it,
    greyed, for whoever the admin passes it to."""
    plain, _, technical = fix.partition(FOR_DEVELOPER)
    text = f"<i>Fix:</i> {html.escape(plain.strip())}"
    if technical:
        text += (
            f"<br><span style='color:{DEVELOPER_COLOUR}'>{html.escape(FOR_DEVELOPER.strip())} "
            f"{html.escape(technical)}</span>"
        )
    return text


class DiagnosesView(QTextBrowser):
    """The diagnoses: as tall as their text where there is room, scrolled where there is not.

    A word-wrapped QLabel here was cut off once a run had several diagnoses, because a
    layout short of room gives a label less than its height for the width.
    """

    _MIN_LINES = 4

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._html = ""
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setOpenLinks(False)
        self.viewport().setAutoFillBackground(False)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.document().documentLayout().documentSizeChanged.connect(self.updateGeometry)

    def setText(self, text: str) -> None:  # QLabel's name, which callers use
        self._html = text
        self.setHtml(text)
        # The first (most important) finding in view, once the layout has given the height.
        QTimer.singleShot(0, self._scroll_to_top)

    def _scroll_to_top(self) -> None:
        self.verticalScrollBar().setValue(0)

    def text(self) -> str:
        """The HTML as set (toHtml() gives Qt's rewrite of it)."""
        return self._html

    def clear(self) -> None:
        self._html = ""
        super().clear()

    def sizeHint(self) -> QSize:
        height = int(self.document().size().height()) + 2 * self.frameWidth() + 2
        return QSize(super().sizeHint().width(), height)

    def minimumSizeHint(self) -> QSize:
        lines = self.fontMetrics().lineSpacing() * self._MIN_LINES
        return QSize(super().minimumSizeHint().width(), min(self.sizeHint().height(), lines))


def diagnoses_html(diagnoses: Iterable[Diagnosis]) -> str:
    """The findings as the banner lists them: code, message, then the fix."""
    items = "".join(
        f"<li><b>{html.escape(d.code)}</b>: {html.escape(d.message)}"
        + (f"<br>{fix_html(d.fix)}" if d.fix else "")
        + "</li>"
        for d in diagnoses
    )
    return f"<ul style='margin-left:-20px'>{items}</ul>"
