"""Where a suite's scenarios get their org: the embedded sandbox, or a stored org profile.

The runner asks for one connection per (profile, sandbox faults) group and keeps it for the
group's lifetime, so a suite signs in to each org once.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from inspector.genesys import GenesysError
from inspector.orgs.connection import OrgConnection, sandbox_connection
from inspector.orgs.sign_in import ProfileProblem, open_profile
from inspector.sandbox import SandboxOrg
from inspector.store.profiles import ProfileError, ProfileStore, is_sandbox_name
from inspector.store.secrets import SecretStore, SecretStoreError

__all__ = ["OrgProvider", "ProfileUnavailable", "SandboxProvider", "StoredProfileProvider"]


class ProfileUnavailable(Exception):
    """The scenario names an org the runner cannot reach."""


class OrgProvider(Protocol):
    """Gives one connected org per (profile, sandbox faults) group, for the group's lifetime."""

    def org(
        self, profile: str, faults: frozenset[str]
    ) -> AbstractAsyncContextManager[OrgConnection]: ...


class SandboxProvider:
    """Embedded sandbox orgs only: one per fault set, since faults belong to an org."""

    @asynccontextmanager
    async def org(self, profile: str, faults: frozenset[str]) -> AsyncIterator[OrgConnection]:
        if not is_sandbox_name(profile):
            raise ProfileUnavailable(f"profile {profile!r}: only the sandbox org runs here")
        async with SandboxOrg(faults=faults) as sandbox:
            connection = sandbox_connection(sandbox)
            try:
                yield connection
            finally:
                await connection.aclose()


class StoredProfileProvider:
    """The sandbox for `sandbox`; any other name is an org profile with its keychain secret."""

    def __init__(
        self, profiles: ProfileStore | None = None, secrets: SecretStore | None = None
    ) -> None:
        self._profiles = profiles
        self._secrets = secrets
        self._sandbox = SandboxProvider()

    @asynccontextmanager
    async def org(self, profile: str, faults: frozenset[str]) -> AsyncIterator[OrgConnection]:
        if is_sandbox_name(profile):
            async with self._sandbox.org(profile, faults) as sandbox:
                yield sandbox
            return
        if faults:
            raise ProfileUnavailable(
                f"profile {profile!r}: sandboxFaults ({', '.join(sorted(faults))}) apply to "
                "the sandbox org only"
            )
        try:
            store = self._profiles or ProfileStore()
            stored = await asyncio.to_thread(store.get, profile)
            connection = await open_profile(stored, self._secrets or SecretStore())
        except (ProfileProblem, ProfileError, SecretStoreError, GenesysError) as exc:
            raise ProfileUnavailable(f"profile {profile!r}: {exc}") from exc
        try:
            yield connection
        finally:
            await connection.aclose()
