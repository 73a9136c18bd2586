"""Which org the window talks to: the built-in sandbox or a stored profile, switched live.

Switching builds the new connection first (keychain, sign-in, the deployment's origin) and
only then replaces the old one, so a failed switch leaves the window usable.
"""

from __future__ import annotations

import asyncio
import logging

from PySide6.QtCore import QObject, Slot
from PySide6.QtGui import QAction, QKeySequence

from inspector.core.org_view import OrgUnavailable, OrgView
from inspector.store.profiles import (
    SANDBOX_PROFILE_NAME,
    OrgProfile,
    ProfileError,
    ProfileStore,
)
from inspector.store.secrets import SecretStore
from inspector.ui.main_window import MainWindow
from inspector.ui.org_bar import OrgBar
from inspector.ui.org_source import OrgSource
from inspector.ui.profile_dialog import ProfileDialog, open_in_browser

__all__ = ["OrgController"]

log = logging.getLogger("inspector.ui")


class OrgController(QObject):
    def __init__(
        self,
        window: MainWindow,
        orgs: OrgSource,
        *,
        store: ProfileStore,
        secrets: SecretStore,
    ) -> None:
        super().__init__(window)
        self.window = window
        self.orgs = orgs
        self.store = store
        self.secrets = secrets
        self.profiles: list[OrgProfile] = [orgs.builtin_profile()]
        self.dialog: ProfileDialog | None = None
        self.bar = OrgBar(window)
        window.org_row.addWidget(self.bar)
        self.bar.selection_changed.connect(self._on_bar_selection_changed)
        self.bar.manage_requested.connect(self.open_profiles)
        action = QAction("Org &profiles…", window)
        action.setShortcut(QKeySequence("Ctrl+Shift+P"))
        action.triggered.connect(self.open_profiles)
        window.file_menu.insertAction(window.file_menu.actions()[0], action)

    async def load(self, select: str | None = None) -> None:
        """Read the stored profiles (a broken file is reported, the sandbox still works)."""
        stored: list[OrgProfile] = []
        try:
            stored = await asyncio.to_thread(self.store.load)
        except ProfileError as exc:
            self.window.show_wait(f"Org profiles not loaded: {exc}")
            log.warning("Org profiles not loaded: %s", exc)
        self.profiles = [self.orgs.builtin_profile(), *stored]
        current = select or self.bar.current()[0]
        self.bar.set_profiles(self.profiles, current)
        if select:
            # set_profiles selects quietly; a saved profile becomes the current org.
            self._on_bar_selection_changed(*self.bar.current())

    @Slot(str, str)
    def _on_bar_selection_changed(self, name: str, deployment_id: str) -> None:
        self.window.tasks.spawn("org-switch", self.switch(name, deployment_id or None))

    async def switch(self, name: str, deployment_id: str | None) -> bool:
        """Point the window at `name`; on failure say why and keep the current org."""
        # Runs on the current org end before it closes, not under it.
        await self.window.tasks.cancel("verification", "scenarios")
        try:
            connection = await self._connect(name, deployment_id)
        except OrgUnavailable as exc:
            self.window.banner.show_idle(f"Cannot use {name}: {exc}")
            return False
        old = self.window.org
        self.window.set_org(connection, is_sandbox=name == SANDBOX_PROFILE_NAME)
        self.window.banner.show_idle(
            f"Now on {connection.label}. Press Start to send the attributes and read them back."
        )
        await old.aclose()
        return True

    async def _connect(self, name: str, deployment_id: str | None) -> OrgView:
        profile = next((p for p in self.profiles if p.name == name), None)
        if profile is None:
            raise OrgUnavailable(f"no profile named {name!r}")
        return await self.orgs.open(profile, deployment_id, open_in_browser)

    @Slot()
    def open_profiles(self) -> ProfileDialog:
        if self.dialog is None:
            self.dialog = ProfileDialog(
                self.store, self.secrets, self.window.tasks, self.window, orgs=self.orgs
            )
            self.dialog.profiles_changed.connect(self._on_profiles_changed)
        self.dialog.set_profiles(self.profiles, self.bar.current()[0])
        self.dialog.show()
        self.dialog.raise_()
        return self.dialog

    @Slot(str)
    def _on_profiles_changed(self, name: str) -> None:
        self.window.tasks.spawn("org-reload", self.load(select=name or None))
