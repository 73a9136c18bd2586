"""A long one-line label shows what fits, ending in "…", and never widens its window."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from inspector.ui.elided_label import ElidedLabel

LONG = "Scenario “Deliberately failing (flow re-keys the CRM id)” · Conversation " + "0" * 36


def test_a_narrow_label_cuts_its_text_but_keeps_it_whole(qtbot):
    holder = QWidget()
    qtbot.addWidget(holder)
    label = ElidedLabel(holder, mode=Qt.TextElideMode.ElideLeft)
    QHBoxLayout(holder).addWidget(label)
    label.setText(LONG)
    holder.resize(240, 40)
    holder.show()
    qtbot.waitExposed(holder)
    assert label.text() == LONG and label.toolTip() == LONG
    assert label.is_elided()
    drawn = QLabel.text(label)  # what the label draws (its own text() is the whole text)
    assert drawn.startswith("…") and drawn.endswith("0" * 8)  # the id's end stays
    assert label.fontMetrics().horizontalAdvance(drawn) <= label.contentsRect().width()
    # its minimum does not grow with the text: a window holding it need not grow either
    assert label.minimumSizeHint().width() < 120
    assert holder.minimumSizeHint().width() < 160

    holder.resize(1200, 40)
    qtbot.waitUntil(lambda: not label.is_elided())
    assert QLabel.text(label) == LONG
    label.clear()
    assert label.text() == "" and label.toolTip() == ""
