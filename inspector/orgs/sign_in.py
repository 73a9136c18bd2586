"""From a stored org profile to a live OrgConnection: keychain, sign-in, deployment, origin.

This is the real-org path. The sandbox's built-in profile goes through it too when it is
stored as a "custom domain" profile, so what is tested against the sandbox is what runs
against Genesys Cloud.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
from collections.abc import Callable

from inspector.genesys import ClientCredentialsAuth, GenesysError
from inspector.genesys.pkce import AuthorizationCodeAuth, sign_in_with_pkce
from inspector.orgs.connection import OrgConnection
from inspector.store.profiles import AuthKind, DeploymentProfile, OrgProfile
from inspector.store.secrets import NO_KEYCHAIN_HELP, SecretKind, SecretStore

__all__ = ["ProfileProblem", "auth_for_profile", "open_profile"]

log = logging.getLogger("inspector.app")


class ProfileProblem(Exception):
    """The profile cannot be used as it is; the message says what to change."""


def choose_deployment(profile: OrgProfile, deployment_id: str | None) -> DeploymentProfile:
    if deployment_id is not None:
        return profile.deployment(deployment_id) or DeploymentProfile(deployment_id)
    if not profile.deployments:
        raise ProfileProblem(
            f"Profile {profile.name!r} has no deployment: add one, or name it with --deployment."
        )
    return profile.deployments[0]


async def open_profile(
    profile: OrgProfile,
    secrets: SecretStore,
    *,
    deployment_id: str | None = None,
    open_browser: Callable[[str], object] | None = None,
) -> OrgConnection:
    """A connection for `profile`: its secret from the keychain (or a browser sign-in), and
    the origin to present (the profile's, else the deployment's first allowed domain)."""
    deployment = choose_deployment(profile, deployment_id)
    endpoints = profile.endpoints
    auth = await auth_for_profile(profile, secrets, open_browser=open_browser)
    connection = OrgConnection(
        endpoints,
        auth,
        deployment_id=deployment.id,
        origin=deployment.origin or "",
        label=f"{profile.name} ({profile.where})",
        profile=profile.name,
    )
    connection.tag_runs = True
    if not connection.origin:
        try:
            connection.origin = await _first_allowed_origin(connection, deployment.id)
        except BaseException:
            await connection.aclose()
            raise
    return connection


async def auth_for_profile(
    profile: OrgProfile,
    secrets: SecretStore | None,
    *,
    secret: str | None = None,
    open_browser: Callable[[str], object] | None = None,
) -> ClientCredentialsAuth | AuthorizationCodeAuth:
    """The one way a profile becomes credentials: the window, its Orgs dialog and
    `inspector profile test` all come here.

    A client-credentials profile takes `secret` (typed, not yet stored) or the keychain's; a
    browser sign-in profile takes its refresh token from the keychain, and signs in through
    `open_browser` only when there is none (each new refresh token is stored again).
    Without `secrets` (a secret given for a profile that is not stored) nothing is kept.
    """
    if profile.auth is AuthKind.CLIENT_CREDENTIALS:
        if not secret and secrets is not None:
            secret = await secrets.aget(profile.name, SecretKind.CLIENT_SECRET)
        if not secret and secrets is not None and not secrets.persistent:
            raise ProfileProblem(
                f"No client secret for {profile.name!r}: there is no keychain to keep it in. "
                + NO_KEYCHAIN_HELP
            )
        if not secret:
            name = shlex.quote(profile.name)
            raise ProfileProblem(
                f"No client secret for {profile.name!r} in the keychain. Add it again: "
                f"`inspector profile add {name} ... --secret-stdin`."
            )
        return ClientCredentialsAuth(profile.endpoints.token_url, profile.client_id, secret)
    return await _pkce_auth(profile, secrets, open_browser)


async def _first_allowed_origin(connection: OrgConnection, deployment_id: str) -> str:
    try:
        web_deployment = await connection.platform.web_deployment(deployment_id)
    except GenesysError as exc:
        raise ProfileProblem(
            f"Cannot read deployment {deployment_id} to choose the page origin: {exc}. "
            "Set the origin in the profile."
        ) from exc
    if not web_deployment.allowed_domains:
        raise ProfileProblem(
            f"Deployment {deployment_id} lists no allowed domain: set the origin to present "
            "in the profile (any https origin works when all domains are allowed)."
        )
    domain = web_deployment.allowed_domains[0]
    return domain if "://" in domain else f"https://{domain}"


async def _pkce_auth(
    profile: OrgProfile, secrets: SecretStore | None, open_browser: Callable[[str], object] | None
) -> AuthorizationCodeAuth:
    refresh = None
    if secrets is not None:
        refresh = await secrets.aget(profile.name, SecretKind.REFRESH_TOKEN)
    tokens = None
    if refresh is None:
        if open_browser is None or profile.redirect_uri is None:
            raise ProfileProblem(
                f"{profile.name!r} signs in through the browser: sign in from the window "
                "(or with `inspector profile test`) first."
            )
        tokens = await sign_in_with_pkce(
            profile.endpoints, profile.client_id, profile.redirect_uri, open_browser=open_browser
        )
        refresh = tokens.refresh_token
    pending: set[asyncio.Task[None]] = set()

    def keep_refresh_token(token: str) -> None:
        if secrets is None:
            return
        # The keychain may block (a macOS prompt): store off the loop, keeping the task alive.
        task = asyncio.get_running_loop().create_task(
            secrets.aset(profile.name, SecretKind.REFRESH_TOKEN, token)
        )
        pending.add(task)
        task.add_done_callback(pending.discard)

    if tokens is not None and tokens.refresh_token and secrets is not None:
        # Kept before the sign-in counts as done: a command that ends next must not lose it.
        await secrets.aset(profile.name, SecretKind.REFRESH_TOKEN, tokens.refresh_token)
    return AuthorizationCodeAuth(
        profile.endpoints.token_url,
        profile.client_id,
        tokens,
        refresh_token=refresh,
        on_refresh_token=keep_refresh_token,
    )
