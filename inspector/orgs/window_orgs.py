"""The orgs a window can switch between: the built-in sandbox and the stored profiles.

The window's org chooser and its Orgs dialog are views; opening an org (keychain, sign-in,
the deployment's origin) and testing a profile's connection happen here, so the views need
no HTTP client and no `genesys` (DESIGN.md, "Layers"). Every expected failure comes back as
`OrgUnavailable` with a sentence for the user.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from inspector.core.org_view import ConnectionCheck, OrgUnavailable
from inspector.genesys import GenesysError, PlatformClient
from inspector.genesys.connection_check import check_connection
from inspector.orgs.connection import OrgConnection, sandbox_connection
from inspector.orgs.sign_in import ProfileProblem, auth_for_profile, open_profile
from inspector.sandbox import SEEDED_DEPLOYMENTS, SandboxOrg
from inspector.store.profiles import (
    SANDBOX_PROFILE_NAME,
    DeploymentProfile,
    OrgProfile,
    ProfileError,
    sandbox_profile,
)
from inspector.store.secrets import SecretStore, SecretStoreError

__all__ = ["WindowOrgs", "builtin_profile"]

_EXPECTED = (ProfileProblem, ProfileError, GenesysError, SecretStoreError)


def builtin_profile(sandbox: SandboxOrg) -> OrgProfile:
    """The sandbox with a deployment of every kind (native UI first, as on most orgs)."""
    info = sandbox.info
    base = sandbox_profile(
        info.base_url,
        client_id=info.client_id,
        deployment_id=info.deployment_id,
        origin=info.origin,
    )
    deployments = tuple(
        DeploymentProfile(seeded.id, f"{seeded.kind}: {seeded.description}", info.origin)
        for seeded in SEEDED_DEPLOYMENTS
    )
    return dataclasses.replace(base, deployments=deployments)


class WindowOrgs:
    """Opens the window's orgs and tests profiles, with the app's one keychain."""

    def __init__(self, sandbox: SandboxOrg, secrets: SecretStore) -> None:
        self.sandbox = sandbox
        self.secrets = secrets

    def builtin_profile(self) -> OrgProfile:
        return builtin_profile(self.sandbox)

    async def open(
        self,
        profile: OrgProfile,
        deployment_id: str | None,
        open_browser: Callable[[str], object],
    ) -> OrgConnection:
        """A live connection to `profile` on `deployment_id` (its first one when None)."""
        if profile.name == SANDBOX_PROFILE_NAME:
            return sandbox_connection(self.sandbox, deployment_id)
        try:
            return await open_profile(
                profile, self.secrets, deployment_id=deployment_id, open_browser=open_browser
            )
        except _EXPECTED as exc:
            raise OrgUnavailable(str(exc)) from exc

    async def test_connection(
        self,
        profile: OrgProfile,
        secret: str | None,
        open_browser: Callable[[str], object],
    ) -> list[ConnectionCheck]:
        """Sign in as `profile` would (with `secret` typed in the form, if any) and check its
        permissions and first deployment."""
        try:
            auth = await auth_for_profile(
                profile, self.secrets, secret=secret, open_browser=open_browser
            )
            async with PlatformClient(profile.endpoints, auth) as client:
                first = profile.deployments[0].id if profile.deployments else None
                report = await check_connection(client, first)
        except (*_EXPECTED, ValueError) as exc:
            raise OrgUnavailable(str(exc)) from exc
        return [ConnectionCheck(s.ok, s.message, s.context_id) for s in report.steps]
