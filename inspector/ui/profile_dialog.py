"""Add, edit, test and delete org profiles.

The client secret goes to the OS keychain when saved and is never shown again; leaving the
field empty keeps the stored one. "Test connection" reports each check (token, deployment,
public config) and names the exact permission a 403 says is missing.
"""

from __future__ import annotations

import asyncio
import logging
import re

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from inspector.core.org_view import OrgUnavailable
from inspector.runtime.tasks import TaskRegistry
from inspector.store.profiles import (
    REGIONS,
    AuthKind,
    DeploymentProfile,
    OrgProfile,
    ProfileError,
    ProfileStore,
)
from inspector.store.secrets import SecretKind, SecretStore, SecretStoreError
from inspector.ui.org_source import OrgSource

__all__ = ["ProfileDialog", "open_in_browser"]

log = logging.getLogger("inspector.ui")


def open_in_browser(url: str) -> None:
    """A browser sign-in page, in the system browser."""
    QDesktopServices.openUrl(QUrl(url))


NEW_PROFILE = "New profile…"
CUSTOM_DOMAIN = "custom"


# What to fill in, in the form's words, for a field left empty.
_FILL_IN = {
    "name": "Give the profile a name.",
    "clientId": "Enter the OAuth client id (Admin > Integrations > OAuth, the client's id).",
    "environment": "Choose the org's region.",
    "baseUrl": "Enter the org's base URL (for a custom domain, such as http://127.0.0.1:8123).",
    "redirectUri": "Enter the redirect URI registered on the OAuth client for browser sign-in.",
}
# The form's label of each field, for any other problem with it.
_LABELS = {
    "name": "Name",
    "clientId": "OAuth client id",
    "environment": "Region",
    "baseUrl": "Base URL",
    "redirectUri": "Redirect URI",
}
_DEPLOYMENT_FIELD = re.compile(r"deployments\[(\d+)\]\.(\w+)")
_DEPLOYMENT_COLUMNS = {"id": "deployment id", "name": "name", "origin": "origin"}


def form_problem(error: ProfileError) -> str:
    """The store's complaint about an entered profile, said in the form's words."""
    field = error.field
    if field is None:
        return str(error)
    if error.empty and field in _FILL_IN:
        return _FILL_IN[field]
    detail = str(error).split(": ", 1)[-1]
    if field in _LABELS:
        return f"{_LABELS[field]}: {detail}"
    row = _DEPLOYMENT_FIELD.fullmatch(field)
    if row is not None:
        number, column = int(row.group(1)) + 1, _DEPLOYMENT_COLUMNS.get(row.group(2), row.group(2))
        if error.empty:
            return f"Enter the {column} of deployment {number}."
        return f"Deployment {number}, {column}: {detail}"
    return str(error)


class ProfileDialog(QDialog):
    """Signals: `profiles_changed(name)` after a save or delete (name of the saved one)."""

    profiles_changed = Signal(str)

    def __init__(
        self,
        store: ProfileStore,
        secrets: SecretStore,
        tasks: TaskRegistry,
        parent: QWidget | None = None,
        *,
        orgs: OrgSource,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Org profiles")
        self.resize(760, 640)
        self.store, self.secrets, self.tasks = store, secrets, tasks
        # Signs in and checks a profile for "Test connection" (the app's orgs.WindowOrgs).
        self.orgs = orgs
        self.profiles: list[OrgProfile] = []
        # The form as last shown or saved, to tell unsaved edits on close.
        self._shown: tuple[object, ...] = ()
        self.unsaved_prompt: QMessageBox | None = None

        self.chooser = QComboBox(self)
        self.chooser.currentIndexChanged.connect(self._on_chooser_changed)
        self.delete_button = QPushButton("Delete", self)
        self.delete_button.clicked.connect(self._on_delete_clicked)
        self.name = QLineEdit(self)
        self.region = QComboBox(self)
        for environment, domain in REGIONS.items():
            self.region.addItem(f"{environment} ({domain})", environment)
        self.region.addItem("Custom domain (sandbox or private host)", CUSTOM_DOMAIN)
        self.region.currentIndexChanged.connect(self._update_enabled)
        self.base_url = QLineEdit(self)
        self.base_url.setPlaceholderText("http://127.0.0.1:8123")
        self.client_id = QLineEdit(self)
        self.auth = QComboBox(self)
        self.auth.addItem("Client credentials (client id + secret)", AuthKind.CLIENT_CREDENTIALS)
        self.auth.addItem("Browser sign-in (PKCE, no secret)", AuthKind.PKCE)
        self.auth.currentIndexChanged.connect(self._update_enabled)
        self.secret = QLineEdit(self)
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.redirect_uri = QLineEdit(self)
        self.redirect_uri.setPlaceholderText("http://127.0.0.1:8765/callback (as registered)")
        self.deployments = QTableWidget(0, 3, self)
        self.deployments.setHorizontalHeaderLabels(["Deployment id", "Name", "Origin (optional)"])
        self.deployments.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.deployments.verticalHeader().setVisible(False)
        add_row = QPushButton("Add deployment", self)
        add_row.clicked.connect(self._on_add_row_clicked)
        remove_row = QPushButton("Remove", self)
        remove_row.clicked.connect(self._remove_selected_rows)
        self.keychain_note = QLabel(self)
        self.keychain_note.setWordWrap(True)
        self.keychain_note.setStyleSheet("color: #6b4500;")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.checks = QListWidget(self)
        self.checks.setMaximumHeight(110)
        self.test_button = QPushButton("Test connection", self)
        self.test_button.clicked.connect(self._on_test_clicked)
        self.save_button = QPushButton("Save", self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self._on_save_clicked)
        close = QPushButton("Close", self)
        close.clicked.connect(self.reject)

        top = QHBoxLayout()
        top.addWidget(QLabel("Profile", self))
        top.addWidget(self.chooser, 1)
        top.addWidget(self.delete_button)
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Region", self.region)
        form.addRow("Base URL", self.base_url)
        form.addRow("OAuth client id", self.client_id)
        form.addRow("Sign-in", self.auth)
        form.addRow("Client secret", self.secret)
        form.addRow("Redirect URI", self.redirect_uri)
        rows = QHBoxLayout()
        rows.addWidget(add_row)
        rows.addWidget(remove_row)
        rows.addStretch(1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addWidget(QLabel("Deployments", self))
        layout.addWidget(self.deployments, 1)
        layout.addLayout(rows)
        layout.addWidget(self.keychain_note)
        layout.addWidget(QLabel("Connection checks", self))
        layout.addWidget(self.checks)
        layout.addWidget(self.message)
        layout.addLayout(buttons)
        self._show_keychain_note()
        self._update_enabled()

    # -- loading and showing -------------------------------------------------------------

    def set_profiles(self, profiles: list[OrgProfile], current: str | None = None) -> None:
        self.profiles = [p for p in profiles if not p.builtin]
        self.chooser.blockSignals(True)
        self.chooser.clear()
        self.chooser.addItem(NEW_PROFILE, None)
        for profile in self.profiles:
            self.chooser.addItem(profile.name, profile.name)
        self.chooser.blockSignals(False)
        index = self.chooser.findData(current) if current else 0
        self.chooser.setCurrentIndex(max(index, 0))
        self._on_chooser_changed(self.chooser.currentIndex())

    @Slot(int)
    def _on_chooser_changed(self, _index: int) -> None:
        name = self.chooser.currentData()
        profile = next((p for p in self.profiles if p.name == name), None)
        self.show_profile(profile)

    def show_profile(self, profile: OrgProfile | None) -> None:
        self.checks.clear()
        self.message.clear()
        self.secret.clear()
        self.deployments.setRowCount(0)
        self.delete_button.setEnabled(profile is not None)
        if profile is None:
            self.name.clear()
            self.region.setCurrentIndex(0)
            self.base_url.clear()
            self.client_id.clear()
            self.auth.setCurrentIndex(0)
            self.redirect_uri.clear()
            self.secret.setPlaceholderText("kept in the OS keychain, never in a file")
            self._update_enabled()
            self._shown = self._form_state()
            return
        self.name.setText(profile.name)
        self.region.setCurrentIndex(self.region.findData(profile.environment or CUSTOM_DOMAIN))
        self.base_url.setText(profile.base_url or "")
        self.client_id.setText(profile.client_id)
        self.auth.setCurrentIndex(self.auth.findData(profile.auth))
        self.redirect_uri.setText(profile.redirect_uri or "")
        self.secret.setPlaceholderText("stored in the keychain: leave empty to keep it")
        for deployment in profile.deployments:
            self.add_deployment_row(deployment.id, deployment.name, deployment.origin or "")
        self._update_enabled()
        self._shown = self._form_state()

    def _form_state(self) -> tuple[object, ...]:
        cells = tuple(
            self._cell(row, column)
            for row in range(self.deployments.rowCount())
            for column in range(self.deployments.columnCount())
        )
        return (
            self.name.text(),
            self.region.currentData(),
            self.base_url.text(),
            self.client_id.text(),
            self.auth.currentData(),
            self.secret.text(),
            self.redirect_uri.text(),
            self.deployments.rowCount(),
            cells,
        )

    def has_unsaved_edits(self) -> bool:
        return self._form_state() != self._shown

    # -- closing -----------------------------------------------------------------------------

    @Slot()
    def reject(self) -> None:
        """Close (the button, Esc or the title bar); unsaved edits are asked about first."""
        if not self.has_unsaved_edits():
            super().reject()
            return
        if self.unsaved_prompt is not None and self.unsaved_prompt.isVisible():
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            "Save the changes to this profile before closing?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        box.setEscapeButton(QMessageBox.StandardButton.Cancel)
        # Not exec(): a nested event loop would stall the asyncio tasks qasync runs.
        box.finished.connect(lambda _result: self._on_unsaved_answered(box))
        self.unsaved_prompt = box
        box.open()

    def _on_unsaved_answered(self, box: QMessageBox) -> None:
        answer = box.standardButton(box.clickedButton())
        if answer == QMessageBox.StandardButton.Discard:
            self._shown = self._form_state()
            self.show_profile(
                next((p for p in self.profiles if p.name == self.chooser.currentData()), None)
            )
            super().reject()
        elif answer == QMessageBox.StandardButton.Save:
            self.tasks.spawn("profile-save", self._save_and_close())

    async def _save_and_close(self) -> None:
        if await self.save():
            super().reject()

    def _show_keychain_note(self) -> None:
        warning = self.secrets.warning
        self.keychain_note.setText(warning or "")
        self.keychain_note.setVisible(bool(warning))

    @Slot()
    def _update_enabled(self) -> None:
        custom = self.region.currentData() == CUSTOM_DOMAIN
        pkce = self.auth.currentData() == AuthKind.PKCE
        self.base_url.setEnabled(custom)
        self.secret.setEnabled(not pkce)
        self.redirect_uri.setEnabled(pkce)

    @Slot()
    def _on_add_row_clicked(self) -> None:
        self.add_deployment_row("", "", "")

    def add_deployment_row(self, deployment_id: str, name: str, origin: str) -> None:
        row = self.deployments.rowCount()
        self.deployments.insertRow(row)
        for column, text in enumerate((deployment_id, name, origin)):
            self.deployments.setItem(row, column, QTableWidgetItem(text))

    @Slot()
    def _remove_selected_rows(self) -> None:
        for row in sorted({i.row() for i in self.deployments.selectedIndexes()}, reverse=True):
            self.deployments.removeRow(row)

    # -- reading the form ----------------------------------------------------------------

    def _cell(self, row: int, column: int) -> str:
        item = self.deployments.item(row, column)
        return item.text().strip() if item else ""

    def profile_from_form(self) -> OrgProfile:
        """The entered profile, validated; raises ProfileError naming the field."""
        deployments = [
            DeploymentProfile(self._cell(row, 0), self._cell(row, 1), self._cell(row, 2) or None)
            for row in range(self.deployments.rowCount())
            if self._cell(row, 0)
        ]
        custom = self.region.currentData() == CUSTOM_DOMAIN
        pkce = self.auth.currentData() == AuthKind.PKCE
        return OrgProfile.create(
            self.name.text().strip(),
            client_id=self.client_id.text().strip(),
            environment=None if custom else str(self.region.currentData()),
            base_url=self.base_url.text().strip() if custom else None,
            auth=AuthKind.PKCE if pkce else AuthKind.CLIENT_CREDENTIALS,
            redirect_uri=self.redirect_uri.text().strip() if pkce else None,
            deployments=deployments,
        )

    def _say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet("color: #b3261e;" if error else "color: #14532d;")
        self.message.setText(text)

    # -- actions ---------------------------------------------------------------------------

    @Slot()
    def _on_save_clicked(self) -> None:
        self.tasks.spawn("profile-save", self.save())

    async def save(self) -> bool:
        try:
            profile = self.profile_from_form()
        except ProfileError as exc:
            self._say(form_problem(exc), error=True)
            return False
        previous = self.chooser.currentData()
        try:
            secret = self.secret.text()
            if secret and profile.auth is AuthKind.CLIENT_CREDENTIALS:
                await self.secrets.aset(profile.name, SecretKind.CLIENT_SECRET, secret)
            if previous and previous != profile.name:
                await asyncio.to_thread(self.store.remove, previous)
            await asyncio.to_thread(self.store.add, profile, replace_existing=True)
            profiles = await asyncio.to_thread(self.store.load)
        except (ProfileError, SecretStoreError) as exc:
            self._say(str(exc), error=True)
            return False
        self.secret.clear()
        self.set_profiles(profiles, profile.name)  # what is shown is now what is saved
        self._say(f"Saved {profile.name!r}; its secret is in the keychain, not in the file.")
        self._show_keychain_note()
        self.profiles_changed.emit(profile.name)
        return True

    @Slot()
    def _on_delete_clicked(self) -> None:
        name = self.chooser.currentData()
        if name:
            self.tasks.spawn("profile-delete", self.delete(str(name)))

    async def delete(self, name: str) -> None:
        try:
            await asyncio.to_thread(self.store.remove, name)
            await self.secrets.adelete_profile(name)
            profiles = await asyncio.to_thread(self.store.load)
        except (ProfileError, SecretStoreError) as exc:
            self._say(str(exc), error=True)
            return
        self.set_profiles(profiles)
        self._say(f"Deleted {name!r} and its keychain entries.")
        self.profiles_changed.emit("")

    @Slot()
    def _on_test_clicked(self) -> None:
        self.tasks.spawn("profile-test", self.test_connection())

    async def test_connection(self) -> bool:
        self.checks.clear()
        try:
            profile = self.profile_from_form()
        except ProfileError as exc:
            self._say(form_problem(exc), error=True)
            return False
        self.test_button.setEnabled(False)
        self._say("Testing…")
        try:
            checks = await self.orgs.test_connection(
                profile, self.secret.text() or None, open_in_browser
            )
        except OrgUnavailable as exc:
            self._say(f"Could not test: {exc}", error=True)
            return False
        finally:
            self.test_button.setEnabled(True)
        for step in checks:
            item = QListWidgetItem(("✔  " if step.ok else "✖  ") + step.message)
            item.setForeground(Qt.GlobalColor.darkGreen if step.ok else Qt.GlobalColor.darkRed)
            if step.context_id:
                item.setToolTip(f"contextId {step.context_id} (give it to Genesys support)")
            self.checks.addItem(item)
        ok = all(step.ok for step in checks)
        if ok:
            self._say("Every check passed.")
        else:
            self._say("A check failed: see above.", error=True)
        return ok
