"""Step-by-step progress of a run, with the milliseconds each step took."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QSizePolicy, QTreeWidget, QTreeWidgetItem, QWidget

from inspector.core import StepEvent, StepState
from inspector.core.verification import OPTIONAL_STEPS, STEP_LABELS

# Every step of a usual run shows without scrolling; an optional one may scroll.
_ROWS = len(STEP_LABELS) - len(OPTIONAL_STEPS)

__all__ = ["ProgressList"]

_MARK = {StepState.RUNNING: "…", StepState.DONE: "✔", StepState.FAILED: "✖"}
_COLOUR = {StepState.RUNNING: "#5f6b7a", StepState.DONE: "#1e7d32", StepState.FAILED: "#b3261e"}


class ProgressList(QTreeWidget):
    """Always tall enough for every step: a run's steps are read together, never scrolled to."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setColumnCount(3)
        self.setHeaderLabels(["Step", "Detail", "ms"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self._items: dict[str, QTreeWidgetItem] = {}
        # Measured on a probe row rather than guessed, so the list is exactly as tall as the
        # steps need and leaves the rest of the column to the results.
        QTreeWidgetItem(self, ["✔  Step", "detail", "0"])
        self._row_height = self.sizeHintForRow(0)
        self.clear()

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self._height_for(_ROWS))

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self._height_for(_ROWS))

    def _height_for(self, rows: int) -> int:
        row = self.sizeHintForRow(0) if self.topLevelItemCount() else self._row_height
        return self.header().sizeHint().height() + rows * row + 2 * self.frameWidth()

    def clear_steps(self) -> None:
        self.clear()
        self._items.clear()

    def on_step(self, event: StepEvent) -> None:
        item = self._items.get(event.name)
        if item is None:
            item = QTreeWidgetItem(self)
            self._items[event.name] = item
        item.setText(0, f"{_MARK[event.state]}  {event.label}")
        item.setText(1, event.detail)
        item.setToolTip(1, event.detail)
        item.setText(2, "" if event.ms is None else f"{event.ms:.0f}")
        item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setForeground(0, QBrush(QColor(_COLOUR[event.state])))

    def show_cancelled(self) -> None:
        """The step a cancel cut short says so, not the exception's name it failed with."""
        for item in self._items.values():
            if item.text(1) == "CancelledError":
                label = item.text(0).split("  ", 1)[-1]
                item.setText(0, f"■  {label}")
                item.setText(1, "Cancelled")
                item.setToolTip(1, "Cancelled")
                item.setForeground(0, QBrush(QColor(_COLOUR[StepState.RUNNING])))

    def step_texts(self) -> list[str]:
        """What the list shows, one line per step (tests read it as a user would)."""
        return [" | ".join(item.text(c) for c in range(3)) for item in self._items.values()]
