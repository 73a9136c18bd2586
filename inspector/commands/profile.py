"""`inspector profile add|list|remove|test`: org profiles for scripts and CI.

A client secret is read from standard input (`--secret-stdin`) or from an environment
variable named by `--secret-env`, never from an argument (arguments show in `ps` and shell
history). It goes to the OS keychain; without one `add` saves nothing (a secret kept in memory
would die with this command, and every later command would ask for it again). The built-in
`sandbox` profile is listed and can be tested (against an embedded sandbox org), never stored
or removed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import TYPE_CHECKING, Any

from inspector.commands import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, deployment_id_arg

if TYPE_CHECKING:
    from collections.abc import Callable

    from inspector.store.profiles import DeploymentProfile, OrgProfile, ProfileStore
    from inspector.store.secrets import NoKeychainError
    from inspector.store.stores import Stores

__all__ = ["register"]


def _deployment_spec(text: str) -> DeploymentProfile:
    """`ID` or `ID,name=Shop,origin=https://shop.example.com`."""
    from inspector.store.profiles import DeploymentProfile

    deployment_id, *options = [part.strip() for part in text.split(",")]
    if not deployment_id:
        raise argparse.ArgumentTypeError(f"expected ID[,name=NAME][,origin=URL], got {text!r}")
    deployment_id = deployment_id_arg(deployment_id)
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
    add.set_defaults(handler=_with_stores(run_add, strict_keychain=True))

    listing = actions.add_parser("list", help="list the profiles")
    listing.add_argument("--json", action="store_true", help="print one JSON object")
    listing.set_defaults(handler=_with_stores(run_list))

    remove = actions.add_parser("remove", help="remove a profile and its keychain entries")
    remove.add_argument("name")
    remove.set_defaults(handler=_with_stores(run_remove, strict_keychain=True))

    test = actions.add_parser(
        "test", help="get a token, then read the deployment (`sandbox`: the built-in org)"
    )
    test.add_argument("name")
    test.add_argument(
        "--deployment",
        metavar="ID",
        type=deployment_id_arg,
        help="deployment id (default: the first)",
    )
    test.add_argument("--origin", help="origin to check (default: the profile's)")
    test.add_argument("--json", action="store_true", help="print one JSON object")
    _add_secret_options(test)
    test.set_defaults(handler=_with_stores(run_test))


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


def _with_stores(
    handler: Callable[[argparse.Namespace, Stores], int], *, strict_keychain: bool = False
) -> Callable[[argparse.Namespace], int]:
    """The command with the stores opened once for it and closed after it.

    `strict_keychain`: a secret must outlive the command, so a missing keychain is an error
    (NoKeychainError on first use) rather than a session-only store.
    """

    def run(args: argparse.Namespace) -> int:
        from inspector.store.stores import Stores

        stores = Stores(allow_session_only=not strict_keychain)
        try:
            return handler(args, stores)
        finally:
            stores.close()

    return run


def run_add(args: argparse.Namespace, stores: Stores) -> int:
    from inspector.genesys.pkce import loopback_redirect_uri
    from inspector.store.profiles import OrgProfile, ProfileError
    from inspector.store.secrets import NoKeychainError, SecretKind, SecretStoreError

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
        # Before the profile file is touched: without a keychain the secret cannot outlive
        # this command, and a profile without its secret only leads to "add it again".
        secrets = stores.secrets if secret is not None else None
    except NoKeychainError as exc:
        return _fail(_not_kept(exc))
    profiles = stores.profiles
    try:
        before = _read_bytes(profiles)
        profiles.add(profile, replace_existing=args.replace)
    except (ProfileError, OSError) as exc:
        return _fail(str(exc))
    if secrets is not None and secret is not None:
        try:
            secrets.set(profile.name, SecretKind.CLIENT_SECRET, secret)
        except NoKeychainError as exc:  # the keychain went away after the check above
            _restore(profiles, before)
            return _fail(_not_kept(exc))
        except SecretStoreError as exc:
            _restore(profiles, before)
            return _fail(f"{exc}; nothing was saved")
    print(f"Saved profile {profile.name!r} ({profile.where}, {profile.auth}).")
    return EXIT_PASS


def _not_kept(exc: NoKeychainError) -> str:
    return (
        f"{exc}: the client secret would be lost when this command ends, so nothing was "
        f"saved. {exc.help}"
    )


def _read_bytes(profiles: ProfileStore) -> bytes | None:
    """The profiles file as it is (None: there is none), to put back if the secret fails."""
    try:
        return profiles.path.read_bytes()
    except FileNotFoundError:
        return None


def _restore(profiles: ProfileStore, before: bytes | None) -> None:
    """Put the profiles file back as it was before this command, so nothing is half-saved."""
    from inspector.store.profiles import write_atomically

    try:
        if before is None:
            profiles.path.unlink(missing_ok=True)
        else:
            write_atomically(profiles.path, before.decode("utf-8"))
    except OSError as exc:
        print(f"inspector profile: could not restore {profiles.path}: {exc}", file=sys.stderr)


def run_list(args: argparse.Namespace, stores: Stores) -> int:
    from inspector.store.profiles import SANDBOX_PROFILE_NAME, ProfileError

    try:
        profiles = stores.profiles.load()
    except ProfileError as exc:
        return _fail(str(exc))
    if args.json:
        body = {"builtin": [SANDBOX_PROFILE_NAME], "profiles": [p.to_json() for p in profiles]}
        print(json.dumps(body, ensure_ascii=False))
        return EXIT_PASS
    print(f"{SANDBOX_PROFILE_NAME}  (built-in sandbox org, no credentials needed)")
    for profile in profiles:
        print(f"{profile.name}  {profile.where}  {profile.auth}  client id: {profile.client_id}")
        for deployment in profile.deployments:
            name = f"  name: {deployment.name}" if deployment.name else ""
            origin = deployment.origin or "first allowed domain"
            print(f"    deployment {deployment.id}{name}  origin: {origin}")
    return EXIT_PASS


def run_remove(args: argparse.Namespace, stores: Stores) -> int:
    from inspector.store.profiles import ProfileError, is_sandbox_name
    from inspector.store.secrets import NoKeychainError, SecretStoreError

    if is_sandbox_name(args.name):
        return _fail("the built-in sandbox org cannot be removed (it is not stored)")
    try:
        profile = stores.profiles.remove(args.name)
    except ProfileError as exc:
        return _fail(str(exc))
    try:
        # Without a keychain no secret of it can exist: nothing to delete, nothing to warn of.
        stores.secrets.delete_profile(profile.name)
    except NoKeychainError:
        print(f"Removed profile {profile.name!r}.")
        return EXIT_PASS
    except SecretStoreError as exc:
        return _fail(f"removed profile {profile.name!r}, but not its keychain entries: {exc}")
    print(f"Removed profile {profile.name!r} and its keychain entries.")
    return EXIT_PASS


def run_test(args: argparse.Namespace, stores: Stores) -> int:
    import asyncio

    from inspector.store.profiles import ProfileError, is_sandbox_name

    if is_sandbox_name(args.name):
        if args.secret_stdin or args.secret_env:
            return _fail("the built-in sandbox org needs no client secret")
        try:
            checks = asyncio.run(_test_sandbox(args.deployment, args.origin))
        except (OSError, ValueError) as exc:
            return _fail(f"the sandbox org did not start: {exc}")
        return _report(args, "sandbox", checks)
    try:
        profile = stores.profiles.get(args.name)
        secret = _read_secret(args)
    except (ProfileError, ValueError) as exc:
        return _fail(str(exc))
    deployment_id = args.deployment or (profile.deployments[0].id if profile.deployments else None)
    try:
        checks = asyncio.run(_test(profile, secret, deployment_id, args.origin, stores))
    except ValueError as exc:
        return _fail(str(exc))
    return _report(args, profile.name, checks)


def _report(args: argparse.Namespace, name: str, checks: list[dict[str, Any]]) -> int:
    ok = all(check["ok"] for check in checks)
    if args.json:
        print(json.dumps({"profile": name, "ok": ok, "checks": checks}))
    else:
        for check in checks:
            print(f"{'ok  ' if check['ok'] else 'FAIL'}  {check['code']:<18} {check['message']}")
    return EXIT_PASS if ok else EXIT_FAIL


async def _test_sandbox(deployment_id: str | None, origin: str | None) -> list[dict[str, Any]]:
    """The built-in profile's checks against an embedded sandbox org, as `verify` runs it.

    Its client secret is the sandbox's own constant: the keychain is never asked.
    """
    from inspector.sandbox import SandboxOrg
    from inspector.store.profiles import sandbox_profile

    async with SandboxOrg() as sandbox:
        info = sandbox.info
        profile = sandbox_profile(
            info.base_url,
            client_id=info.client_id,
            deployment_id=info.deployment_id,
            origin=info.origin,
        )
        return await _test(profile, info.client_secret, deployment_id or info.deployment_id, origin)


async def _test(
    profile: OrgProfile,
    secret: str | None,
    deployment_id: str | None,
    origin: str | None,
    stores: Stores | None = None,
) -> list[dict[str, Any]]:
    import asyncio
    import webbrowser

    from inspector.core.diagnosis_codes import fix_for
    from inspector.core.preflight import (
        CHECK_EXISTS,
        CHECK_KEY_CASE,
        CHECK_SIZE,
        DeploymentFacts,
        run_preflight,
    )
    from inspector.genesys import PlatformClient
    from inspector.genesys.connection_check import check_connection
    from inspector.orgs.sign_in import ProfileProblem, auth_for_profile
    from inspector.store.profiles import AuthKind

    endpoints = profile.endpoints

    def open_browser(url: str) -> None:
        print(f"Opening the browser to sign in to {endpoints.login} ...", file=sys.stderr)
        webbrowser.open(url)

    # The keychain only when it is needed, and off the loop (it may block on a prompt).
    given = secret and profile.auth is AuthKind.CLIENT_CREDENTIALS
    secrets = None if given or stores is None else await asyncio.to_thread(lambda: stores.secrets)
    try:
        auth = await auth_for_profile(profile, secrets, secret=secret, open_browser=open_browser)
    except ProfileProblem as exc:
        raise ValueError(str(exc)) from exc
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
            fix = "" if check.ok else f" {fix_for(check.code)}"
            checks.append({"code": check.code, "ok": check.ok, "message": check.message + fix})
    return checks
