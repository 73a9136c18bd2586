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

    def _document(
        self, option: QStyleOptionViewItem, index: AnyIndex, width: int | None = None
    ) -> QTextDocument | None:
        """The cell as rich text; with ``width``, elided on the right to fit it, as a plain
        cell would be (the highlighted letters stay marked as far as they show)."""
        spans = index.data(CASE_SPANS_ROLE)
        if not spans:
            return None
        text = str(index.data(Qt.ItemDataRole.DisplayRole))
        document = QTextDocument()
        document.setDocumentMargin(0)
        document.setDefaultFont(option.font)
        document.setHtml(highlighted_html(text, spans))
        if width is not None and document.idealWidth() > width:
            metrics = option.fontMetrics
            # Leave room for the bold letters, which are a little wider.
            extra = max(0, int(document.idealWidth()) - metrics.horizontalAdvance(text))
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, width - extra))
            kept = len(shown) - 1 if shown != text else len(shown)
            visible_spans = [(start, min(length, kept - start)) for start, length in spans]
            document.setHtml(highlighted_html(shown, [(a, n) for a, n in visible_spans if n > 0]))
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        if not index.data(CASE_SPANS_ROLE):
            super().paint(painter, option, index)
            return
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        # The same inset as a plain cell's text (QCommonStyle's text margin).
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        rect = rect.adjusted(margin, 0, -margin, 0)
        document = self._document(opt, index, rect.width())
        assert document is not None
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
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
