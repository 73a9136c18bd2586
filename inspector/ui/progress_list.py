"""Step-by-step progress of a run, with the milliseconds each step took."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from inspector.core import StepEvent, StepState

__all__ = ["ProgressList"]

_MARK = {StepState.RUNNING: "…", StepState.DONE: "✔", StepState.FAILED: "✖"}
_COLOUR = {StepState.RUNNING: "#5f6b7a", StepState.DONE: "#1e7d32", StepState.FAILED: "#b3261e"}


class ProgressList(QTreeWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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

    def step_texts(self) -> list[str]:
        """What the list shows, one line per step (tests read it as a user would)."""
        return [" | ".join(item.text(c) for c in range(3)) for item in self._items.values()]
