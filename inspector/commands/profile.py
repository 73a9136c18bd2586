"""`inspector profile add|list|remove|test`: org profiles for scripts and CI.

A client secret is read from standard input (`--secret-stdin`) or from an environment
variable named by `--secret-env`, never from an argument (arguments show in `ps` and shell
history). It goes to the OS keychain; without one it lives only as long as this command.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from inspector.commands import EXIT_ERROR, EXIT_FAIL, EXIT_PASS

if TYPE_CHECKING:
    from inspector.store.profiles import DeploymentProfile, OrgProfile
    from inspector.store.secrets import SecretStore

__all__ = ["register"]


def _deployment_spec(text: str) -> DeploymentProfile:
    """`ID` or `ID,name=Shop,origin=https://shop.example.com`."""
    from inspector.store.profiles import DeploymentProfile

    deployment_id, *options = [part.strip() for part in text.split(",")]
    if not deployment_id:
        raise argparse.ArgumentTypeError(f"expected ID[,name=NAME][,origin=URL], got {text!r}")
    values: dict[str, str] = {}
    for option in options:
        key, sep, value = option.partition("=")
        if not sep or key not in ("name", "origin") or key in values:
            raise argparse.ArgumentTypeError(f"expected ID[,name=NAME][,origin=URL], got {text!r}")
        values[key] = value
    return DeploymentProfile(deployment_id, values.get("name", ""), values.get("origin") or None)


def _add_secret_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--secret-stdin", action="store_true", help="read the client secret from standard input"
    )
    group.add_argument(
        "--secret-env", metavar="VAR", help="read the client secret from environment variable VAR"
    )


def register(commands: Any) -> None:
    parser = commands.add_parser("profile", help="manage org profiles (add, list, remove, test)")
    actions = parser.add_subparsers(dest="profile_action", required=True)

    add = actions.add_parser("add", help="add or replace an org profile")
    add.add_argument("name")
    where = add.add_mutually_exclusive_group(required=True)
    where.add_argument("--environment", help="Genesys Cloud region, e.g. prod-euw1 or euw1")
    where.add_argument("--base-url", help="custom base URL, e.g. a standalone sandbox org")
    add.add_argument("--client-id", required=True, help="OAuth client id")
    add.add_argument(
        "--auth",
        choices=["client_credentials", "pkce"],
        default="client_credentials",
        help="client credentials (with a secret) or browser sign-in with PKCE (no secret)",
    )
    add.add_argument("--redirect-port", type=int, help="PKCE: the registered loopback port")
    add.add_argument("--redirect-uri", help="PKCE: the registered loopback redirect URI")
    add.add_argument(
        "--deployment",
        action="append",
        default=[],
        type=_deployment_spec,
        metavar="ID[,name=NAME][,origin=URL]",
        help="a web messaging deployment (repeatable)",
    )
    add.add_argument("--replace", action="store_true", help="replace a profile of that name")
    _add_secret_options(add)
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="list the profiles")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    listing.set_defaults(handler=run_list)

    remove = actions.add_parser("remove", help="remove a profile and its keychain entries")
    remove.add_argument("name")
    remove.set_defaults(handler=run_remove)

    test = actions.add_parser("test", help="get a token, then read the deployment")
    test.add_argument("name")
    test.add_argument("--deployment", metavar="ID", help="deployment id (default: the first)")
    test.add_argument("--origin", help="origin to check (default: the profile's)")
    test.add_argument("--json", action="store_true", help="print one JSON object")
    _add_secret_options(test)
    test.set_defaults(handler=run_test)


def _fail(message: str) -> int:
    print(f"inspector profile: {message}", file=sys.stderr)
    return EXIT_ERROR


def _read_secret(args: argparse.Namespace) -> str | None:
    """The secret from stdin or the named variable; None when neither was asked for."""
    if args.secret_stdin:
        secret = sys.stdin.readline().strip()
        if not secret:
            raise ValueError("no client secret on standard input")
        return secret
    if args.secret_env:
        secret = os.environ.get(args.secret_env, "").strip()
        if not secret:
            raise ValueError(f"environment variable {args.secret_env} is not set or empty")
        return secret
    return None


def _secrets() -> SecretStore:
    from inspector.store.secrets import SecretStore

    store = SecretStore()
    if store.warning:
        print(f"inspector profile: {store.warning}", file=sys.stderr)
    return store


def run_add(args: argparse.Namespace) -> int:
    from inspector.genesys.pkce import loopback_redirect_uri
    from inspector.store.profiles import OrgProfile, ProfileError, ProfileStore
    from inspector.store.secrets import SecretKind, SecretStoreError

    redirect_uri = args.redirect_uri
    if args.redirect_port is not None and redirect_uri is None:
        redirect_uri = loopback_redirect_uri(args.redirect_port)
    try:
        profile = OrgProfile.create(
            args.name,
            client_id=args.client_id,
            environment=args.environment,
            base_url=args.base_url,
            auth=args.auth,
            redirect_uri=redirect_uri if args.auth == "pkce" else None,
            deployments=args.deployment,
        )
        secret = _read_secret(args)
    except (ProfileError, ValueError) as exc:
        return _fail(str(exc))
    if args.auth == "client_credentials" and secret is None:
        return _fail("client credentials need a secret: use --secret-stdin or --secret-env VAR")
    if args.auth == "pkce" and secret is not None:
        return _fail("a PKCE profile has no client secret")
    try:
        ProfileStore().add(profile, replace_existing=args.replace)
        if secret is not None:
            _secrets().set(profile.name, SecretKind.CLIENT_SECRET, secret)
    except (ProfileError, SecretStoreError) as exc:
        return _fail(str(exc))
    print(f"Saved profile {profile.name!r} ({profile.where}, {profile.auth}).")
    return EXIT_PASS


def run_list(args: argparse.Namespace) -> int:
    from inspector.store.profiles import SANDBOX_PROFILE_NAME, ProfileError, ProfileStore

    try:
        profiles = ProfileStore().load()
    except ProfileError as exc:
        return _fail(str(exc))
    if args.json:
        body = {"builtin": [SANDBOX_PROFILE_NAME], "profiles": [p.to_json() for p in profiles]}
        print(json.dumps(body, ensure_ascii=False))
        return EXIT_PASS
    print(f"{SANDBOX_PROFILE_NAME}  (built-in sandbox org, no credentials needed)")
    for profile in profiles:
        print(f"{profile.name}  {profile.where}  {profile.auth}  client {profile.client_id}")
        for deployment in profile.deployments:
            origin = deployment.origin or "first allowed domain"
            print(f"    deployment {deployment.id}  {deployment.name}  origin {origin}")
    return EXIT_PASS


def run_remove(args: argparse.Namespace) -> int:
    from inspector.store.profiles import ProfileError, ProfileStore
    from inspector.store.secrets import SecretStoreError

    try:
        profile = ProfileStore().remove(args.name)
        _secrets().delete_profile(profile.name)
    except (ProfileError, SecretStoreError) as exc:
        return _fail(str(exc))
    print(f"Removed profile {profile.name!r} and its keychain entries.")
    return EXIT_PASS


def run_test(args: argparse.Namespace) -> int:
    from inspector.store.profiles import ProfileError, ProfileStore

    try:
        profile = ProfileStore().get(args.name)
        secret = _read_secret(args)
    except (ProfileError, ValueError) as exc:
        return _fail(str(exc))
    deployment_id = args.deployment or (profile.deployments[0].id if profile.deployments else None)
    try:
        checks = asyncio.run(_test(profile, secret, deployment_id, args.origin))
    except ValueError as exc:
        return _fail(str(exc))
    ok = all(check["ok"] for check in checks)
    if args.json:
        print(json.dumps({"profile": profile.name, "ok": ok, "checks": checks}))
    else:
        for check in checks:
            print(f"{'ok  ' if check['ok'] else 'FAIL'}  {check['code']:<18} {check['message']}")
    return EXIT_PASS if ok else EXIT_FAIL


async def _test(
    profile: OrgProfile, secret: str | None, deployment_id: str | None, origin: str | None
) -> list[dict[str, Any]]:
    import webbrowser

    import httpx

    from inspector.core.preflight import (
        CHECK_EXISTS,
        CHECK_KEY_CASE,
        CHECK_SIZE,
        DeploymentFacts,
        run_preflight,
    )
    from inspector.genesys import ClientCredentialsAuth, PlatformClient
    from inspector.genesys.connection_check import check_connection
    from inspector.genesys.pkce import AuthorizationCodeAuth, sign_in_with_pkce
    from inspector.store.profiles import AuthKind
    from inspector.store.secrets import SecretKind

    endpoints = profile.endpoints
    store = _secrets()
    auth: httpx.Auth
    if profile.auth is AuthKind.CLIENT_CREDENTIALS:
        secret = secret or await store.aget(profile.name, SecretKind.CLIENT_SECRET)
        if not secret:
            raise ValueError(
                f"no client secret for {profile.name!r} in the keychain: "
                "give one with --secret-stdin or --secret-env VAR"
            )
        auth = ClientCredentialsAuth(endpoints.token_url, profile.client_id, secret)
    else:
        assert profile.redirect_uri is not None
        refresh = await store.aget(profile.name, SecretKind.REFRESH_TOKEN)
        tokens = None
        if refresh is None:
            print(f"Opening the browser to sign in to {endpoints.login} ...", file=sys.stderr)
            tokens = await sign_in_with_pkce(
                endpoints, profile.client_id, profile.redirect_uri, open_browser=webbrowser.open
            )
            if tokens.refresh_token:
                await store.aset(profile.name, SecretKind.REFRESH_TOKEN, tokens.refresh_token)
        auth = AuthorizationCodeAuth(
            endpoints.token_url,
            profile.client_id,
            tokens,
            refresh_token=refresh,
            on_refresh_token=lambda value: store.set(profile.name, SecretKind.REFRESH_TOKEN, value),
        )
    async with PlatformClient(endpoints, auth) as client:
        report = await check_connection(client, deployment_id)
    checks: list[dict[str, Any]] = [
        {
            "code": step.code,
            "ok": step.ok,
            "message": step.message,
            "missingPermissions": list(step.missing_permissions),
            "contextId": step.context_id,
        }
        for step in report.steps
    ]
    if report.deployment is not None:
        deployment = report.deployment
        stored = profile.deployment(deployment.id)
        chosen = origin or (stored.origin if stored else None)
        if chosen is None and deployment.allowed_domains:
            chosen = f"https://{deployment.allowed_domains[0]}"
        facts = DeploymentFacts(
            deployment.id,
            deployment.status,
            deployment.allow_all_domains,
            deployment.allowed_domains,
        )
        for check in run_preflight(facts, chosen or "https://example.invalid", {}):
            if check.code in (CHECK_EXISTS, CHECK_SIZE, CHECK_KEY_CASE):
                continue  # the deployment step said it exists; no attributes to check here
            checks.append({"code": check.code, "ok": check.ok, "message": check.message})
    return checks
