"""What the website sends: the CRM id and the other custom attributes, and the Start button.

The keyboard shortcuts belong to the form, not to the buttons: `QAbstractButton.setText`
replaces a button's shortcut with the text's mnemonic, so a shortcut set on the Start button
is lost the first time its text changes to "Running…".
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence, QShortcut
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

__all__ = ["CANCEL_TEXT", "DEFAULT_ATTRIBUTES", "DEFAULT_CRM_ID", "START_TEXT", "RunForm"]

DEFAULT_CRM_ID = "CRM-12345-XYZ"
DEFAULT_ATTRIBUTES = (("source", "web-portal"),)
START_TEXT = "Start  (Ctrl+Enter)"
RUNNING_TEXT = "Running…"
CANCEL_TEXT = "Cancel  (Esc)"


class RunForm(QWidget):
    """Signals: `start_requested(VerificationRequest)` once the input passed validation;
    `cancel_requested()` when the user cancels the running run (Cancel or Esc).
    """

    start_requested = Signal(VerificationRequest)
    cancel_requested = Signal()

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
        add.clicked.connect(self._on_add_clicked)
        remove = QPushButton("Remove", self)
        remove.clicked.connect(self.remove_selected)
        self.start_button = QPushButton(START_TEXT, self)
        self.start_button.setDefault(True)
        self.start_button.setStyleSheet("font-weight: 600; padding: 6px 18px;")
        self.start_button.clicked.connect(self.request_start)
        self.cancel_button = QPushButton(CANCEL_TEXT, self)
        self.cancel_button.setToolTip("Stop the running verification and close its chat")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.cancel_button.hide()  # shown while a run runs
        self._running = False
        # Ctrl+Return is the main keyboard's Enter, Ctrl+Enter the keypad's.
        self.start_shortcuts = [
            self._shortcut(QKeySequence(keys), self._on_start_shortcut)
            for keys in ("Ctrl+Return", "Ctrl+Enter")
        ]
        self.cancel_shortcut = self._shortcut(QKeySequence("Esc"), self._on_cancel_shortcut)
        self.cancel_shortcut.setEnabled(False)
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
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.start_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(fields)
        layout.addWidget(QLabel("Other custom attributes", self))
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.problems)

    def _shortcut(self, keys: QKeySequence, slot: object) -> QShortcut:
        shortcut = QShortcut(keys, self)
        shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    @Slot()
    def _on_start_shortcut(self) -> None:
        if not self._running and self.start_button.isEnabled():
            self.request_start()

    @Slot()
    def _on_cancel_shortcut(self) -> None:
        if self._running:
            self.cancel_requested.emit()

    @property
    def running(self) -> bool:
        return self._running

    @Slot()
    def _on_add_clicked(self) -> None:
        self.add_attribute("", "")

    def add_attribute(self, key: str, value: str) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        key_item = QTableWidgetItem(key)
        self.table.setItem(row, 0, key_item)
        self.table.setItem(row, 1, QTableWidgetItem(value))
        if not key:
            self.table.editItem(key_item)

    def fill(self, crm_id: str, crm_key: str, attributes: Mapping[str, str]) -> None:
        """Put these values in the form, replacing what it held (a run to start again)."""
        self.crm_id.setText(crm_id)
        self.crm_key.setText(crm_key)
        self.table.setRowCount(0)
        for key, value in attributes.items():
            self.add_attribute(key, value)

    @Slot()
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

    @Slot()
    def request_start(self) -> None:
        request, messages = self.build_request()
        if request is None:
            self.problems.setText("\n".join(messages))
            self.problems.show()
            return
        self.problems.hide()
        self.start_requested.emit(request)

    def set_running(self, running: bool) -> None:
        """While a run runs, Start says so and Cancel (Esc) is offered beside it."""
        self._running = running
        self.start_button.setEnabled(not running)
        self.start_button.setText(RUNNING_TEXT if running else START_TEXT)
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.cancel_shortcut.setEnabled(running)
