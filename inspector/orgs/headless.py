"""A verification without a window: on a fresh embedded sandbox, or on a stored profile.

`inspector verify` comes here; the run itself is assembled as every run is (`orgs.runs`).
"""

from __future__ import annotations

from collections.abc import Iterable

from inspector.core import VerificationRequest, VerificationResult
from inspector.orgs.connection import OrgConnection, sandbox_connection
from inspector.orgs.sign_in import open_profile
from inspector.sandbox import SandboxOrg
from inspector.store.profiles import OrgProfile
from inspector.store.secrets import SecretStore

__all__ = ["verify_on_profile", "verify_on_sandbox"]


async def verify_on_sandbox(
    request: VerificationRequest,
    *,
    faults: Iterable[str] = (),
    deployment_id: str | None = None,
    propagation: float | None = None,
) -> VerificationResult:
    """One verification through the guest API against a fresh embedded sandbox org.

    `deployment_id` picks another of the sandbox's deployments (its inactive one, the one for
    another domain) or an unknown id, so the pre-flight checks can be seen refusing a start.
    `propagation` is the org's estimate from the history (core.polling.propagation_estimate).
    """
    async with SandboxOrg(faults=faults) as sandbox:
        return await _run_and_close(
            sandbox_connection(sandbox, deployment_id), request, propagation
        )


async def verify_on_profile(
    request: VerificationRequest,
    profile: OrgProfile,
    secrets: SecretStore,
    deployment_id: str | None,
    propagation: float | None = None,
) -> VerificationResult:
    """One verification against a stored org profile, through the guest API.

    Raises ProfileProblem when the profile cannot be used as it is.
    """
    org = await open_profile(profile, secrets, deployment_id=deployment_id)
    return await _run_and_close(org, request, propagation)


async def _run_and_close(
    org: OrgConnection, request: VerificationRequest, propagation: float | None
) -> VerificationResult:
    if propagation is not None:
        org.propagation = propagation
    try:
        return await org.run(request)
    finally:
        await org.aclose()
