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
from inspector.store.profiles import ProfileError, is_sandbox_name
from inspector.store.secrets import SecretStoreError
from inspector.store.stores import Stores

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

    def __init__(self, stores: Stores) -> None:
        # The keychain is opened only when a scenario names a stored profile.
        self._stores = stores
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
            stored = await asyncio.to_thread(self._stores.profiles.get, profile)
            secrets = await asyncio.to_thread(lambda: self._stores.secrets)
            connection = await open_profile(stored, secrets)
        except (ProfileProblem, ProfileError, SecretStoreError, GenesysError) as exc:
            raise ProfileUnavailable(f"profile {profile!r}: {exc}") from exc
        try:
            yield connection
        finally:
            await connection.aclose()
