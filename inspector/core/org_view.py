"""An org as the views see it: plain values and the calls a window makes, nothing of HTTP.

The window is handed objects of these shapes by the wiring (`inspector.orgs` makes them);
it never builds a client, so `ui` needs neither httpx nor `genesys` (DESIGN.md, "Layers").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    # For the protocol's annotations only: the views import this module to draw the window,
    # before any run, and the expectations and scenario modules are not needed for that.
    from inspector.core.expectations import ScenarioRun
    from inspector.core.run_types import (
        Launcher,
        StepCallback,
        VerificationRequest,
        VerificationResult,
    )
    from inspector.core.scenario import Scenario

__all__ = ["ConnectionCheck", "HostPageSpec", "OrgUnavailable", "OrgView"]


@dataclass(frozen=True)
class HostPageSpec:
    """What the chat host page needs: where Messenger comes from and which origin to present."""

    bootstrap_url: str
    environment: str
    deployment_id: str
    origin: str


class OrgUnavailable(Exception):
    """An org could not be opened or checked, said in words for the user (keychain, sign-in,
    a wrong id, the network): the window says it and keeps the org it had."""


@dataclass(frozen=True)
class ConnectionCheck:
    """One line of what "Test connection" found; `context_id` is for Genesys support."""

    ok: bool
    message: str
    context_id: str | None = None


class OrgView(Protocol):
    """The org a window runs on (`orgs.connection.OrgConnection` is one)."""

    label: str
    profile: str
    deployment_id: str
    origin: str

    @property
    def host_page(self) -> HostPageSpec: ...

    def tagged(self, request: VerificationRequest) -> VerificationRequest: ...

    def deployment_for(self, name: str | None) -> str: ...

    def on_wait(self, show: Callable[[str], None]) -> None:
        """Have `show` called with a sentence whenever a request waits (a 429, a retry)."""

    async def run(
        self,
        request: VerificationRequest,
        *,
        launcher: Launcher | None = None,
        on_step: StepCallback | None = None,
    ) -> VerificationResult:
        """One verification, assembled as every run is (`orgs.runs`)."""

    async def run_scenario(
        self, scenario: Scenario, *, on_step: StepCallback | None = None
    ) -> ScenarioRun:
        """One scenario through the guest API, within the org's request budget."""

    async def aclose(self) -> None: ...
