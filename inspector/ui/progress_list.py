"""Step-by-step progress of a run, with the time each step took (the run's, while one runs)."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QSize, Qt, QTimer, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QSizePolicy, QTreeWidget, QTreeWidgetItem, QWidget

from inspector.core import StepEvent, StepState
from inspector.core.steps import OPTIONAL_STEPS, STEP_LABELS

# Every step of a usual run shows without scrolling; an optional one may scroll.
_ROWS = len(STEP_LABELS) - len(OPTIONAL_STEPS)

__all__ = ["ProgressList"]

_MARK = {StepState.RUNNING: "…", StepState.DONE: "✔", StepState.WARNED: "⚠", StepState.FAILED: "✖"}
_COLOUR = {
    StepState.RUNNING: "#5f6b7a",
    StepState.DONE: "#1e7d32",
    StepState.WARNED: "#9a6700",
    StepState.FAILED: "#b3261e",
}
# Steps the run's timeout does not bound: they come after it, with their own limits.
_AFTER_TIMEOUT = frozenset({"late", "cleanup"})
TICK_MS = 200


class ProgressList(QTreeWidget):
    """Always tall enough for every step: a run's steps are read together, never scrolled to."""

    def __init__(
        self, parent: QWidget | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        # While a step runs, its time column counts up against the run's timeout.
        self._timeout: float | None = None
        self._run_started: float | None = None
        self._step_started: dict[str, float] = {}
        self._ticker = QTimer(self)
        self._ticker.setInterval(TICK_MS)
        self._ticker.timeout.connect(self._tick)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setColumnCount(3)
        self.setHeaderLabels(["Step", "Detail", "Time"])
        self.setRootIsDecorated(False)
        # A long detail loses its middle, not its end: "(via message details)" stays in view,
        # and the tooltip has it whole.
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
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
        self.stop_clock()
        self._timeout = None
        self._run_started = None
        self.clear()
        self._items.clear()

    def start_run(self, timeout: float) -> None:
        """A run starts now: its running steps show their time against ``timeout`` seconds."""
        self._timeout = timeout
        self._run_started = self._clock()

    def stop_clock(self) -> None:
        """Nothing runs any more (the run ended or was cancelled): the counters stop."""
        self._ticker.stop()
        self._step_started.clear()

    @property
    def ticking(self) -> bool:
        return self._ticker.isActive()

    def on_step(self, event: StepEvent) -> None:
        item = self._items.get(event.name)
        if item is None:
            item = QTreeWidgetItem(self)
            self._items[event.name] = item
        item.setText(0, f"{_MARK[event.state]}  {event.label}")
        item.setText(1, event.detail)
        item.setToolTip(1, event.detail)
        item.setText(2, "" if event.ms is None else f"{event.ms:.0f} ms")
        if event.state is StepState.RUNNING and self._run_started is not None:
            self._step_started.setdefault(event.name, self._clock())
            self._show_elapsed(event.name, item)
            if not self._ticker.isActive():
                self._ticker.start()
        else:
            self._step_started.pop(event.name, None)
            if not self._step_started:
                self._ticker.stop()
        item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        item.setForeground(0, QBrush(QColor(_COLOUR[event.state])))

    @Slot()
    def _tick(self) -> None:
        for name in list(self._step_started):
            item = self._items.get(name)
            if item is not None:
                self._show_elapsed(name, item)

    def _show_elapsed(self, name: str, item: QTreeWidgetItem) -> None:
        """Show how long the run has taken of its timeout ("4.2 s of 20 s") while a step runs."""
        now = self._clock()
        step = now - self._step_started[name]
        if self._timeout is None or self._run_started is None or name in _AFTER_TIMEOUT:
            item.setText(2, f"{step:.1f} s")
            item.setToolTip(2, f"This step has run {step:.1f} s")
            return
        run = now - self._run_started
        item.setText(2, f"{run:.1f} s of {self._timeout:g} s")
        item.setToolTip(
            2,
            f"The run has taken {run:.1f} s of its {self._timeout:g} s timeout "
            f"(this step {step:.1f} s); Cancel (Esc) stops it.",
        )

    def show_cancelled(self) -> None:
        """The step a cancel cut short says so, not the exception's name it failed with."""
        self.stop_clock()
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
