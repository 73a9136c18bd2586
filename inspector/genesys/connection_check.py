"""“Test connection” for a profile: a token, then the deployment, each step reported.

Used by the profile dialog and by ``inspector profile test``. Each step says what was tried and,
on a 403, the exact permission the OAuth client lacks (from the ErrorBody, NOTES 25), with the
``contextId`` for support. A failed step stops the steps that depend on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import ApiError, AuthError, GenesysError, SignInError
from .models import DeploymentConfig, WebDeployment
from .platform import PlatformClient

__all__ = ["CheckStep", "ConnectionReport", "check_connection"]

STEP_TOKEN = "token"
STEP_DEPLOYMENT = "deployment"
STEP_PUBLIC_CONFIG = "public-config"

# The permission each call needs (GENESYS.md), named when a 403 does not say.
_NEEDS = {STEP_DEPLOYMENT: "webdeployments:deployment:view"}


@dataclass(frozen=True)
class CheckStep:
    """One step's outcome; ``missing_permissions`` is set on a 403."""

    code: str
    ok: bool
    message: str
    missing_permissions: tuple[str, ...] = ()
    context_id: str | None = None


@dataclass(frozen=True)
class ConnectionReport:
    steps: list[CheckStep] = field(default_factory=list)
    deployment: WebDeployment | None = None
    config: DeploymentConfig | None = None

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)


def _failure(code: str, what: str, exc: GenesysError) -> CheckStep:
    if isinstance(exc, ApiError):
        missing = tuple(exc.missing_permissions)
        if exc.status == 403:
            needed = ", ".join(missing) or _NEEDS.get(code, "a permission")
            message = f"{what}: the OAuth client lacks the permission {needed} ({exc})"
        elif exc.status == 404:
            message = f"{what}: not found in this org ({exc})"
        else:
            message = f"{what}: {exc.user_message()}"
        return CheckStep(code, False, message, missing, exc.context_id)
    return CheckStep(code, False, f"{what}: {exc.user_message()}")


async def check_connection(client: PlatformClient, deployment_id: str | None) -> ConnectionReport:
    """Token, then (with a deployment id) the deployment and its public configuration."""
    steps: list[CheckStep] = []
    try:
        await client.fetch_token()
    except (AuthError, SignInError) as exc:
        steps.append(_failure(STEP_TOKEN, "Getting a token", exc))
        return ConnectionReport(steps)
    except GenesysError as exc:
        steps.append(_failure(STEP_TOKEN, "Reaching the login host", exc))
        return ConnectionReport(steps)
    steps.append(CheckStep(STEP_TOKEN, True, f"Got a token from {client.endpoints.login}."))
    if not deployment_id:
        return ConnectionReport(steps)
    deployment: WebDeployment | None = None
    try:
        deployment = await client.web_deployment(deployment_id)
    except GenesysError as exc:
        steps.append(_failure(STEP_DEPLOYMENT, f"Reading deployment {deployment_id}", exc))
    else:
        steps.append(
            CheckStep(
                STEP_DEPLOYMENT,
                True,
                f"Read deployment {deployment.name or deployment.id} "
                f"(status {deployment.status or 'unknown'}).",
            )
        )
    config: DeploymentConfig | None = None
    try:
        config = await client.deployment_config(deployment_id)
    except GenesysError as exc:
        steps.append(_failure(STEP_PUBLIC_CONFIG, "Reading the public Messenger config", exc))
    else:
        steps.append(
            CheckStep(
                STEP_PUBLIC_CONFIG,
                True,
                f"Read the public Messenger config (version {config.version}) from "
                f"{client.endpoints.api_cdn}.",
            )
        )
    return ConnectionReport(steps, deployment, config)
