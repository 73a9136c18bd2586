"""The verdict in one glance: a coloured banner with the summary and the diagnoses under it."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from inspector.core import Verdict, VerificationResult

__all__ = ["VerdictBanner"]

_STYLE = {
    None: ("#eef1f5", "#3b4654"),
    Verdict.PASS: ("#dff3e3", "#14532d"),
    Verdict.FAIL: ("#fbe0df", "#7f1d1d"),
    Verdict.ERROR: ("#fdf0d5", "#6b4500"),
}
_WORD = {Verdict.PASS: "PASS", Verdict.FAIL: "FAIL", Verdict.ERROR: "ERROR"}


class VerdictBanner(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.details = QLabel(self)
        self.details.setWordWrap(True)
        self.details.setTextFormat(self.details.textFormat().RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.details)
        self.show_idle("Press Start to send the attributes and read them back.")

    def _paint(self, verdict: Verdict | None) -> None:
        background, foreground = _STYLE[verdict]
        self.title.setStyleSheet(
            f"background: {background}; color: {foreground}; border-radius: 6px;"
            " padding: 10px 12px; font-size: 15px; font-weight: 600;"
        )

    def show_idle(self, text: str) -> None:
        self._paint(None)
        self.title.setText(text)
        self.details.clear()
        self.details.hide()

    def show_result(self, result: VerificationResult) -> None:
        self._paint(result.verdict)
        self.title.setText(f"{_WORD[result.verdict]} · {result.summary}")
        if result.diagnoses:
            items = "".join(
                f"<li><b>{html.escape(d.code)}</b>: {html.escape(d.message)}"
                + (f"<br><i>Fix:</i> {html.escape(d.fix)}" if d.fix else "")
                + "</li>"
                for d in result.diagnoses
            )
            self.details.setText(f"<ul style='margin-left:-20px'>{items}</ul>")
            self.details.show()
        else:
            self.details.clear()
            self.details.hide()
