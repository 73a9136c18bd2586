"""The verdict in one glance: a coloured banner with the summary and the diagnoses under it."""

from __future__ import annotations

import html

from PySide6.QtCore import QSize, Qt, QTimer
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QTextBrowser, QVBoxLayout, QWidget

from inspector.core import Verdict, VerificationResult
from inspector.core.diagnosis_codes import FOR_DEVELOPER

__all__ = ["VerdictBanner"]

_STYLE = {
    None: ("#eef1f5", "#3b4654"),
    Verdict.PASS: ("#dff3e3", "#14532d"),
    Verdict.FAIL: ("#fbe0df", "#7f1d1d"),
    Verdict.ERROR: ("#fdf0d5", "#6b4500"),
}
_WORD = {Verdict.PASS: "PASS", Verdict.FAIL: "FAIL", Verdict.ERROR: "ERROR"}
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


class VerdictBanner(QWidget):
    """The verdict's title, and under it the diagnoses (`details`), hidden until a result
    has some.

    The diagnoses view (a QTextBrowser, 15-30 ms to make) is made on first use or by
    `build_details()`, which the window calls once it is drawn: not before the first paint.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self._details: DiagnosesView | None = None
        self._layout = layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.show_idle("Press Start to send the attributes and read them back.")

    @property
    def details(self) -> DiagnosesView:
        if self._details is None:
            self._details = DiagnosesView(self)
            self._details.hide()
            self._layout.addWidget(self._details, 1)
        return self._details

    def build_details(self) -> None:
        """Make the diagnoses view now (hidden), so no result waits for it."""
        self.details  # noqa: B018 (the property makes it)

    def _paint(self, verdict: Verdict | None) -> None:
        background, foreground = _STYLE[verdict]
        self.title.setStyleSheet(
            f"background: {background}; color: {foreground}; border-radius: 6px;"
            " padding: 10px 12px; font-size: 15px; font-weight: 600;"
        )

    def show_idle(self, text: str) -> None:
        self._paint(None)
        self.title.setText(text)
        if self._details is not None:
            self._details.clear()
            self._details.hide()

    def show_result(self, result: VerificationResult) -> None:
        self._paint(result.verdict)
        self.title.setText(f"{_WORD[result.verdict]} · {result.summary}")
        if result.diagnoses:
            items = "".join(
                f"<li><b>{html.escape(d.code)}</b>: {html.escape(d.message)}"
                + (f"<br>{fix_html(d.fix)}" if d.fix else "")
                + "</li>"
                for d in result.diagnoses
            )
            self.details.setText(f"<ul style='margin-left:-20px'>{items}</ul>")
            self.details.show()
        elif self._details is not None:
            self._details.clear()
            self._details.hide()
