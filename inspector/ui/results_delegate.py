"""Paints the letters that differ by case in a case-mismatch row, so the eye finds them."""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from inspector.ui.results_model import CASE_SPANS_ROLE

__all__ = ["HIGHLIGHT", "ResultsDelegate", "highlighted_html"]

HIGHLIGHT = "#ffb020"
_TEXT = "#1d2430"

AnyIndex = QModelIndex | QPersistentModelIndex


def highlighted_html(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` as HTML with each (start, length) span marked bold on an amber background."""
    parts: list[str] = []
    at = 0
    for start, length in sorted(spans):
        parts.append(html.escape(text[at:start]))
        letters = html.escape(text[start : start + length])
        parts.append(
            f'<span style="background-color:{HIGHLIGHT}; color:{_TEXT}; font-weight:bold">'
            f"{letters}</span>"
        )
        at = start + length
    parts.append(html.escape(text[at:]))
    return "".join(parts)


class ResultsDelegate(QStyledItemDelegate):
    """Cells with case spans are drawn as rich text; every other cell as usual."""

    def _document(self, option: QStyleOptionViewItem, index: AnyIndex) -> QTextDocument | None:
        spans = index.data(CASE_SPANS_ROLE)
        if not spans:
            return None
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(option.font)
        document.setHtml(highlighted_html(str(index.data(Qt.ItemDataRole.DisplayRole)), spans))
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        document = self._document(opt, index)
        if document is None:
            super().paint(painter, option, index)
            return
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        context = QAbstractTextDocumentLayout.PaintContext()
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        context.palette.setColor(QPalette.ColorRole.Text, opt.palette.color(role))
        painter.save()
        top = rect.top() + max(0, (rect.height() - int(document.size().height())) // 2)
        painter.translate(rect.left(), top)
        painter.setClipRect(0, 0, rect.width(), rect.height())
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        size = super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        document = self._document(opt, index)
        if document is None:
            return size
        # bold letters are wider: leave them room so nothing is cut
        extra = int(document.idealWidth()) - opt.fontMetrics.horizontalAdvance(
            str(index.data(Qt.ItemDataRole.DisplayRole))
        )
        return QSize(size.width() + max(0, extra), size.height())
