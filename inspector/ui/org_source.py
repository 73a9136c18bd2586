"""What the org chooser and the Orgs dialog ask of the wiring: open an org, test a profile.

`orgs.window_orgs.WindowOrgs` is the one the app passes in; a view never signs in itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from inspector.core.org_view import ConnectionCheck, OrgView
from inspector.store.profiles import OrgProfile

__all__ = ["OrgSource"]


class OrgSource(Protocol):
    def builtin_profile(self) -> OrgProfile:
        """The built-in sandbox org, listed first."""

    async def open(
        self,
        profile: OrgProfile,
        deployment_id: str | None,
        open_browser: Callable[[str], object],
    ) -> OrgView:
        """A live org; raises core.org_view.OrgUnavailable with a sentence for the user."""

    async def test_connection(
        self,
        profile: OrgProfile,
        secret: str | None,
        open_browser: Callable[[str], object],
    ) -> list[ConnectionCheck]:
        """The checks of `profile` (raises OrgUnavailable when they could not run)."""
