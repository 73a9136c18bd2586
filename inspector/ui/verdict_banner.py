"""The verdict in one glance: a coloured banner with the summary and the diagnoses under it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from inspector.core import Verdict, VerificationResult

if TYPE_CHECKING:
    from inspector.ui.diagnoses_view import DiagnosesView

__all__ = ["VerdictBanner"]

_STYLE = {
    None: ("#eef1f5", "#3b4654"),
    Verdict.PASS: ("#dff3e3", "#14532d"),
    Verdict.FAIL: ("#fbe0df", "#7f1d1d"),
    Verdict.ERROR: ("#fdf0d5", "#6b4500"),
}
_WORD = {Verdict.PASS: "PASS", Verdict.FAIL: "FAIL", Verdict.ERROR: "ERROR"}


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
            from inspector.ui.diagnoses_view import DiagnosesView

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
            from inspector.ui.diagnoses_view import diagnoses_html

            self.details.setText(diagnoses_html(result.diagnoses))
            self.details.show()
        elif self._details is not None:
            self._details.clear()
            self._details.hide()
