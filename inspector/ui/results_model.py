"""The side-by-side table: key | sent | received | status, colours and icons through roles."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from inspector.core import Row, RowStatus
from inspector.core.diff import visible
from inspector.ui.list_table_model import ListTableModel

__all__ = ["CASE_SPANS_ROLE", "ROW_BACKGROUND", "ResultsModel"]

# (start, length) of the letters to highlight in a cell's text: where a case-mismatch key
# differs from the other spelling. The delegate (results_delegate) paints them.
CASE_SPANS_ROLE = Qt.ItemDataRole.UserRole + 1

COLUMNS = ("Key", "Sent", "Received", "Status")
COL_KEY, COL_SENT, COL_RECEIVED, COL_STATUS = range(4)

# A row's colour by status; the page window's columns use the same.
ROW_BACKGROUND = {
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


def _case_spans(row: Row, column: int) -> list[tuple[int, int]]:
    """Where the differing letters are in the Key cell (the sent key) or the Received cell
    (which starts with the received key); none when hidden characters were escaped."""
    if column == COL_KEY:
        key = row.key
        spans = [(d.sent_start, len(d.sent)) for d in row.case_differences]
    elif column == COL_RECEIVED and row.received_key is not None:
        key = row.received_key
        spans = [(d.received_start, len(d.received)) for d in row.case_differences]
    else:
        return []
    return spans if visible(key) == key else []


def _case_tip(row: Row) -> str:
    letters = "; ".join(d.describe() for d in row.case_differences)
    return f"{_EXPLAIN[row.status]}\nSent {row.key!r}, received {row.received_key!r}: {letters}."


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
                return QBrush(ROW_BACKGROUND[RowStatus.CASE_MISMATCH])
            return QBrush(ROW_BACKGROUND[row.status])
        if role == Qt.ItemDataRole.ForegroundRole:
            return QBrush(QColor("#1d2430"))
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == COL_SENT and row.wire_known:
                return _wire_tip(row)
            if row.case_differences and column != COL_SENT:
                where = f"\nFrom the raw response at {row.source}" if row.source else ""
                return _case_tip(row) + where
            where = f"\nFrom the raw response at {row.source}" if row.source else ""
            return _EXPLAIN[row.status] + where
        if role == Qt.ItemDataRole.UserRole:
            return row.status.value
        if role == CASE_SPANS_ROLE:
            return _case_spans(row, column)
        return None
