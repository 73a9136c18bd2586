"""The org and deployment the window talks to, chosen in one row above the form."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QWidget

from inspector.store.profiles import SANDBOX_PROFILE_NAME, OrgProfile

__all__ = ["OrgBar"]


class OrgBar(QWidget):
    """Signals: `selection_changed(profile name, deployment id)`; `manage_requested()`."""

    selection_changed = Signal(str, str)
    manage_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.orgs = QComboBox(self)
        self.deployments = QComboBox(self)
        # As wide as the row gives them, whatever their items say: a long deployment
        # description would otherwise widen the window past the screen (the full text is in
        # the open list and the tooltip).
        for combo, chars in ((self.orgs, 12), (self.deployments, 16)):
            combo.setMinimumContentsLength(chars)
            combo.setSizeAdjustPolicy(
                QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
            )
        manage = QPushButton("Orgs…", self)
        manage.setToolTip("Add, edit and test org profiles (Ctrl+Shift+P)")
        manage.clicked.connect(self.manage_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel("Org", self))
        layout.addWidget(self.orgs, 1)
        layout.addWidget(QLabel("Deployment", self))
        layout.addWidget(self.deployments, 1)
        layout.addWidget(manage)
        self._profiles: dict[str, OrgProfile] = {}
        self._quiet = False
        self.orgs.currentIndexChanged.connect(self._on_org_changed)
        self.deployments.currentIndexChanged.connect(self._on_deployment_changed)

    def set_profiles(self, profiles: Sequence[OrgProfile], current: str) -> None:
        """Fill the lists without emitting; the built-in sandbox comes first."""
        self._quiet = True
        try:
            self._profiles = {p.name: p for p in profiles}
            self.orgs.clear()
            for profile in profiles:
                text = "Sandbox org (built-in)" if profile.builtin else profile.name
                self.orgs.addItem(text, profile.name)
            index = self.orgs.findData(current)
            self.orgs.setCurrentIndex(max(index, 0))
            self._fill_deployments()
        finally:
            self._quiet = False

    def current(self) -> tuple[str, str]:
        return (
            str(self.orgs.currentData() or SANDBOX_PROFILE_NAME),
            str(self.deployments.currentData() or ""),
        )

    def select(self, profile: str, deployment: str | None = None) -> None:
        """Choose an org (and deployment) as the user would; emits selection_changed."""
        self.orgs.setCurrentIndex(max(self.orgs.findData(profile), 0))
        if deployment is not None:
            self.deployments.setCurrentIndex(max(self.deployments.findData(deployment), 0))

    def _fill_deployments(self) -> None:
        self.deployments.clear()
        profile = self._profiles.get(str(self.orgs.currentData()))
        for deployment in profile.deployments if profile else ():
            self.deployments.addItem(deployment.label, deployment.id)
            self.deployments.setItemData(
                self.deployments.count() - 1, f"{deployment.id} · {deployment.origin or ''}", 3
            )

    @Slot(int)
    def _on_org_changed(self, _index: int) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self._fill_deployments()
        finally:
            self._quiet = False
        self.selection_changed.emit(*self.current())

    @Slot(int)
    def _on_deployment_changed(self, _index: int) -> None:
        self.deployments.setToolTip(self.deployments.currentText())
        if not self._quiet:
            self.selection_changed.emit(*self.current())
