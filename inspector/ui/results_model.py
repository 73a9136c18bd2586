"""The side-by-side table: key | sent | received | status, colours and icons through roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from inspector.core import Row, RowStatus

__all__ = ["ResultsModel"]

COLUMNS = ("Key", "Sent", "Received", "Status")
COL_KEY, COL_SENT, COL_RECEIVED, COL_STATUS = range(4)

_BACKGROUND = {
    RowStatus.MATCH: QColor("#e3f4e6"),
    RowStatus.MISSING: QColor("#fbe3e3"),
    RowStatus.MISMATCH: QColor("#fbe3e3"),
    RowStatus.CASE_MISMATCH: QColor("#fdf0d5"),
    RowStatus.EXTRA: QColor("#eef1f5"),
}
_SYMBOL = {
    RowStatus.MATCH: "✔ match",
    RowStatus.MISSING: "✖ missing",
    RowStatus.MISMATCH: "✖ mismatch",
    RowStatus.CASE_MISMATCH: "⚠ case mismatch",
    RowStatus.EXTRA: "+ extra",
}
_EXPLAIN = {
    RowStatus.MATCH: "Arrived with the same key and the identical value.",
    RowStatus.MISSING: "Not on the customer participant.",
    RowStatus.MISMATCH: "The key arrived with a different value.",
    RowStatus.CASE_MISMATCH: "A key that differs only by case arrived; flows are case-sensitive.",
    RowStatus.EXTRA: "On the participant but not sent (a flow or agent may add keys).",
}


class ResultsModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section]
        return None

    def data(
        self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_KEY:
                return row.key
            if column == COL_SENT:
                return "—" if row.sent is None else row.sent
            if column == COL_RECEIVED:
                return row.received_text
            return _SYMBOL[row.status]
        if role == Qt.ItemDataRole.BackgroundRole:
            return QBrush(_BACKGROUND[row.status])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#1d2430"))
        if role == Qt.ItemDataRole.ToolTipRole:
            where = f"\nFrom the raw response at {row.source}" if row.source else ""
            return _EXPLAIN[row.status] + where
        if role == Qt.ItemDataRole.UserRole:
            return row.status.value
        return None
