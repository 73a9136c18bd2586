"""The side-by-side table: key | sent | received | status, colours and icons through roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from inspector.core import Row, RowStatus
from inspector.ui.list_table_model import ListTableModel

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


def _wire_tip(row: Row) -> str:
    if not row.wire_differs:
        return "Left the page exactly as the form had it (MessagingService.sendingMessage)."
    left = "did not leave the page" if row.wire is None else f"left the page as {row.wire!r}"
    return f"The form had {row.sent!r}, but it {left} (MessagingService.sendingMessage)."


class ResultsModel(ListTableModel[Row]):
    columns = COLUMNS

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.set_items(rows)

    def row_at(self, row: int) -> Row:
        return self.item_at(row)

    def cell(self, row: Row, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == COL_KEY:
                return row.key_text
            if column == COL_SENT:
                return row.sent_text
            if column == COL_RECEIVED:
                return row.received_text
            return _SYMBOL[row.status]
        if role == Qt.ItemDataRole.BackgroundRole:
            if column == COL_SENT and row.wire_differs:
                return QBrush(_BACKGROUND[RowStatus.CASE_MISMATCH])
            return QBrush(_BACKGROUND[row.status])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#1d2430"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SENT and row.wire_known:
                return _wire_tip(row)
            where = f"\nFrom the raw response at {row.source}" if row.source else ""
            return _EXPLAIN[row.status] + where
        if role == Qt.ItemDataRole.UserRole:
            return row.status.value
        return None
