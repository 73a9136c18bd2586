"""What the website sends: the CRM id and the other custom attributes, and the Start button."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.core import DEFAULT_CRM_KEY, VerificationRequest, validate_attributes

__all__ = ["DEFAULT_ATTRIBUTES", "DEFAULT_CRM_ID", "RunForm"]

DEFAULT_CRM_ID = "CRM-12345-XYZ"
DEFAULT_ATTRIBUTES = (("source", "web-portal"),)


class RunForm(QWidget):
    """Signals: `start_requested(VerificationRequest)` once the input passed validation."""

    start_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.crm_id = QLineEdit(DEFAULT_CRM_ID, self)
        self.crm_id.setPlaceholderText("The customer's id in your CRM")
        self.crm_key = QLineEdit(DEFAULT_CRM_KEY, self)
        self.crm_key.setToolTip("The attribute name your flow reads the CRM id from")
        self.table = QTableWidget(0, 2, self)
        self.table.setHorizontalHeaderLabels(["Attribute", "Value"])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.setMinimumHeight(72)  # the header and two rows
        self.table.setMaximumHeight(150)
        for key, value in DEFAULT_ATTRIBUTES:
            self.add_attribute(key, value)
        add = QPushButton("Add attribute", self)
        add.clicked.connect(lambda: self.add_attribute("", ""))
        remove = QPushButton("Remove", self)
        remove.clicked.connect(self.remove_selected)
        self.start_button = QPushButton("Start  (Ctrl+Enter)", self)
        self.start_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.start_button.setDefault(True)
        self.start_button.setStyleSheet("font-weight: 600; padding: 6px 18px;")
        self.start_button.clicked.connect(self.request_start)
        self.problems = QLabel(self)
        self.problems.setWordWrap(True)
        self.problems.setStyleSheet("color: #b3261e;")
        self.problems.hide()

        fields = QFormLayout()
        fields.addRow("CRM id", self.crm_id)
        fields.addRow("Sent as", self.crm_key)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(fields)
        layout.addWidget(QLabel("Other custom attributes", self))
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.problems)

    def add_attribute(self, key: str, value: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        key_item = QTableWidgetItem(key)
        self.table.setItem(row, 0, key_item)
        self.table.setItem(row, 1, QTableWidgetItem(value))
        if not key:
            self.table.editItem(key_item)

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        for row in rows:
            self.table.removeRow(row)

    def attributes(self) -> list[tuple[str, str]]:
        """Rows with a key or a value; a fully empty row is a row the user has not filled yet."""
        pairs = []
        for row in range(self.table.rowCount()):
            key_item, value_item = self.table.item(row, 0), self.table.item(row, 1)
            key = key_item.text() if key_item else ""
            value = value_item.text() if value_item else ""
            if key or value:
                pairs.append((key, value))
        return pairs

    def build_request(self) -> tuple[VerificationRequest | None, list[str]]:
        crm_key = self.crm_key.text().strip() or DEFAULT_CRM_KEY
        pairs = self.attributes()
        messages: list[str] = []
        keys = [k for k, _ in pairs]
        duplicates = sorted({k for k in keys if keys.count(k) > 1 or k == crm_key})
        if duplicates:
            messages.append("Each attribute name once: " + ", ".join(duplicates) + " repeats.")
        request = VerificationRequest(
            crm_id=self.crm_id.text(), attributes=dict(pairs), crm_key=crm_key
        )
        messages += [p.message for p in validate_attributes(request.sent_attributes())]
        return (None if messages else request), messages

    def request_start(self) -> None:
        request, messages = self.build_request()
        if request is None:
            self.problems.setText("\n".join(messages))
            self.problems.show()
            return
        self.problems.hide()
        self.start_requested.emit(request)

    def set_running(self, running: bool) -> None:
        self.start_button.setEnabled(not running)
        self.start_button.setText("Running…" if running else "Start  (Ctrl+Enter)")
