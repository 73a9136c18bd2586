"""The run history: filter by scenario, verdict and date; re-run; export; compare two runs.

The database is read on a worker thread (`asyncio.to_thread`), never on the Qt thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QDate, QModelIndex, QPoint, QSize, Qt, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from inspector.core import (
    STEP_LABELS,
    Diagnosis,
    Row,
    RowStatus,
    StepTiming,
    Verdict,
    VerificationResult,
)
from inspector.store.history import HistoryStore, RunChange, RunRecord, compare_runs, export_runs
from inspector.ui.list_table_model import ListTableModel

__all__ = ["ALL", "EXPORT_FILTERS", "HistoryModel", "HistoryView", "result_from_record"]

log = logging.getLogger("inspector.ui")

ALL = "All"
COLUMNS = ("Started", "Scenario", "Verdict", "Summary", "Conversation")
_BACKGROUND = {"pass": "#e3f4e6", "fail": "#fbe3e3", "error": "#fdf0d5"}
EXPORT_FILTERS = {"CSV (*.csv)": "csv", "JSON (*.json)": "json"}
_ROW_STATUSES = {status.value: status for status in RowStatus}


def _row(data: dict[str, Any]) -> Row:
    received = data.get("received")
    # A scenario's own row checks (changed-by-flow, forbidden) show as the nearest row status.
    status = _ROW_STATUSES.get(str(data.get("status")))
    if status is None:
        status = RowStatus.MISSING if received is None else RowStatus.MISMATCH
    return Row(
        str(data.get("key", "")),
        data.get("sent"),
        received,
        status,
        data.get("receivedKey"),
        data.get("source"),
        data.get("wire"),
        "wire" in data,
    )


def result_from_record(record: RunRecord) -> VerificationResult:
    """A past run as the window shows a result: rows, steps, findings and raw response."""
    verdicts = {v.value: v for v in Verdict}
    verdict = verdicts.get(record.verdict, Verdict.ERROR)
    return VerificationResult(
        verdict,
        record.summary,
        dict(record.sent),
        rows=tuple(_row(dict(r)) for r in record.rows),
        steps=tuple(
            StepTiming(
                str(s.get("name", "")),
                STEP_LABELS.get(str(s.get("name", "")), str(s.get("name", ""))),
                float(s.get("ms") or 0.0),
                str(s.get("detail") or ""),
                bool(s.get("ok", True)),
                bool(s.get("warned", False)),
            )
            for s in record.steps
        ),
        diagnoses=tuple(
            Diagnosis(str(d.get("code", "")), str(d.get("message", "")), str(d.get("fix") or ""))
            for d in record.diagnoses
        ),
        conversation_id=record.conversation_id,
        raw=record.raw,
        raw_source=record.raw_source,
        error=record.error,
    )


class HistoryModel(ListTableModel[RunRecord]):
    columns = COLUMNS

    def set_records(self, records: Sequence[RunRecord]) -> None:
        self.set_items(records)

    def records(self) -> list[RunRecord]:
        return self.items()

    def record_at(self, row: int) -> RunRecord:
        return self.item_at(row)

    def cell(self, record: RunRecord, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            values = (
                record.started_at[:19].replace("T", " "),
                record.scenario,
                record.verdict.upper(),
                record.summary,
                record.conversation_id or "—",
            )
            return values[column]
        if role == Qt.ItemDataRole.BackgroundRole and column == 2:
            colour = _BACKGROUND.get(record.verdict)
            return QBrush(QColor(colour)) if colour else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return record.summary
        return None


class HistoryView(QWidget):
    """Signals: `rerun_requested(str)` with the scenario name of the selected run;
    `rerun_form_requested(RunRecord)` for a run from the form (or `inspector verify`), which
    has no scenario file and is started again from its stored request;
    `open_requested(RunRecord)` to show a run in the window (a double click or Open).
    """

    rerun_requested = Signal(str)
    rerun_form_requested = Signal(RunRecord)
    open_requested = Signal(RunRecord)

    def __init__(self, store: HistoryStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.scenario = QComboBox(self)
        self.scenario.addItem(ALL)
        # Long scenario names must not widen the dock (and the window) past the screen.
        self.scenario.setMinimumContentsLength(12)
        self.scenario.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.verdict = QComboBox(self)
        self.verdict.addItems([ALL, "pass", "fail", "error"])
        self.use_since = QCheckBox("Since", self)
        self.since = QDateEdit(QDate.currentDate(), self)
        self.since.setCalendarPopup(True)
        self.since.setDisplayFormat("yyyy-MM-dd")
        self.model = HistoryModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        # One line per run, cut with "…" (the tooltip has the summary): wrapped cells made
        # rows so tall that a short dock showed one and a half runs.
        self.table.setWordWrap(False)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        columns = self.table.horizontalHeader()
        columns.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        columns.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        widest = self.fontMetrics().horizontalAdvance
        for column, sample in (
            (0, "2026-12-31 23:59:59"),
            (1, "x" * 24),
            (2, "ERROR"),
            (4, "x" * 20),
        ):
            columns.resizeSection(column, widest(sample) + 16)
        three_rows = 3 * rows.defaultSectionSize() + 2 * self.table.frameWidth()
        self.table.setMinimumHeight(columns.sizeHint().height() + three_rows)
        self.table.setToolTip("Double-click a run to show it in the window")
        self.table.doubleClicked.connect(self._on_table_double_clicked)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        self.open_action = QAction("&Open in the window", self)
        self.open_action.triggered.connect(self.open_selected)
        self.rerun_action = QAction("&Re-run", self)
        self.rerun_action.triggered.connect(self._on_rerun_clicked)
        self.comparison = QPlainTextEdit(self)
        self.comparison.setReadOnly(True)
        self.comparison.setPlaceholderText("Select two runs of one scenario and press Compare.")
        self.comparison.setMaximumHeight(120)
        self.comparison.hide()  # shown by Compare: until then the runs get its room
        self.message = QLabel(self)
        buttons = QHBoxLayout()
        self.rerun_button = QPushButton("Re-run", self)
        self.rerun_button.clicked.connect(self._on_rerun_clicked)
        self.compare_button = QPushButton("Compare", self)
        self.compare_button.clicked.connect(self.compare_selected)
        self.export_button = QPushButton("Export…", self)
        self.export_button.setToolTip("Save the runs shown, as CSV or JSON")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self._on_export_clicked)
        self._export: asyncio.Task[int | None] | None = None
        for button in (self.rerun_button, self.compare_button):
            buttons.addWidget(button)
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.export_button)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Scenario", self))
        filters.addWidget(self.scenario, 1)
        filters.addWidget(QLabel("Verdict", self))
        filters.addWidget(self.verdict)
        filters.addWidget(self.use_since)
        filters.addWidget(self.since)
        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.comparison)
        self._refresh: asyncio.Task[None] | None = None
        self.scenario.currentTextChanged.connect(self.schedule_refresh)
        self.verdict.currentTextChanged.connect(self.schedule_refresh)
        self.use_since.toggled.connect(self.schedule_refresh)
        self.since.dateChanged.connect(self.schedule_refresh)

    def sizeHint(self) -> QSize:
        # The dock opens this tall (then keeps what the user gives it): about five runs, and
        # the window's form and results above still get most of a 768-pixel screen.
        return QSize(super().sizeHint().width(), 200)

    def filters(self) -> dict[str, str | None]:
        scenario = self.scenario.currentText()
        verdict = self.verdict.currentText()
        since = self.since.date().toString("yyyy-MM-dd") if self.use_since.isChecked() else None
        return {
            "scenario": None if scenario == ALL else scenario,
            "verdict": None if verdict == ALL else verdict,
            "since": since,
        }

    @Slot()
    def schedule_refresh(self) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._refresh is not None and not self._refresh.done():
            self._refresh.cancel()
        self._refresh = loop.create_task(self.refresh())

    async def refresh(self) -> None:
        chosen = self.filters()
        records = await asyncio.to_thread(
            lambda: self.store.runs(
                scenario=chosen["scenario"], verdict=chosen["verdict"], since=chosen["since"]
            )
        )
        names = await asyncio.to_thread(self.store.scenarios)
        if not shiboken6.isValid(self.scenario):
            return  # the view was closed and deleted meanwhile
        current = self.scenario.currentText()
        known = [self.scenario.itemText(i) for i in range(self.scenario.count())]
        if known != [ALL, *names]:
            self.scenario.blockSignals(True)
            self.scenario.clear()
            self.scenario.addItems([ALL, *names])
            self.scenario.setCurrentText(current if current in names else ALL)
            self.scenario.blockSignals(False)
        self.model.set_records(records)
        self.message.setText(f"{len(records)} run(s)")
        self.export_button.setEnabled(bool(records))

    def selected_records(self) -> list[RunRecord]:
        rows = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.model.record_at(r) for r in rows]

    @Slot(QModelIndex)
    def _on_table_double_clicked(self, index: QModelIndex) -> None:
        if index.isValid():
            self.open_requested.emit(self.model.record_at(index.row()))

    @Slot()
    def open_selected(self) -> RunRecord | None:
        selected = self.selected_records()
        if not selected:
            return None
        self.open_requested.emit(selected[0])
        return selected[0]

    @Slot(QPoint)
    def _on_table_context_menu(self, pos: QPoint) -> None:
        if not self.table.indexAt(pos).isValid():
            return
        menu = QMenu(self)
        menu.addAction(self.open_action)
        menu.addAction(self.rerun_action)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    @Slot()
    def _on_rerun_clicked(self) -> None:
        selected = self.selected_records()
        if not selected:
            return
        if selected[0].from_form:
            self.rerun_form_requested.emit(selected[0])
        else:
            self.rerun_requested.emit(selected[0].scenario)

    @Slot()
    def compare_selected(self) -> list[RunChange] | None:
        selected = self.selected_records()
        self.comparison.show()
        if len(selected) != 2 or selected[0].scenario != selected[1].scenario:
            self.comparison.setPlainText("Select exactly two runs of the same scenario.")
            return None
        after, before = selected  # newest first
        changes = compare_runs(before, after)
        header = f"{before.scenario}: {before.started_at[:19]} → {after.started_at[:19]}"
        lines = [f"{c.what}: {c.before} → {c.after}" for c in changes] or ["No differences."]
        self.comparison.setPlainText("\n".join([header, *lines]))
        return changes

    @Slot()
    def _on_export_clicked(self) -> None:
        chosen, chosen_filter = QFileDialog.getSaveFileName(
            self, "Export the runs shown", "runs.csv", ";;".join(EXPORT_FILTERS)
        )
        if chosen:
            self.export_to(Path(chosen), EXPORT_FILTERS.get(chosen_filter))

    def export_to(self, path: Path, fmt: str | None = None) -> asyncio.Task[int | None]:
        """Export what is shown to `path`; the format is `fmt`, else the file's suffix."""
        if fmt is None:
            fmt = "json" if path.suffix.lower() == ".json" else "csv"
        if not path.suffix:
            path = path.with_suffix("." + fmt)
        self._export = asyncio.get_running_loop().create_task(self._export_reporting(fmt, path))
        return self._export

    async def _export_reporting(self, fmt: str, path: Path) -> int | None:
        try:
            return await self.export(fmt, path)
        except OSError as exc:
            self.message.setText(f"Not exported: {exc}")
            return None

    async def export(self, fmt: str, path: Path) -> int:
        records = self.model.records()
        await asyncio.to_thread(export_runs, records, fmt, path)
        self.message.setText(f"Exported {len(records)} run(s) to {path.name}")
        return len(records)
