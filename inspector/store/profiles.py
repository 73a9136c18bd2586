"""Org profiles: which org, how to sign in, which deployments; a versioned JSON file.

The file holds no secret: client secrets and refresh tokens live in the OS keychain
(:mod:`inspector.store.secrets`). It sits in the platformdirs config dir (``INSPECTOR_HOME``
overrides it, for tests and portable setups) and is written atomically: a temp file in the
same folder, flushed and fsynced, then ``os.replace``, so a crash leaves the old file whole.

Format, version 1::

    {"version": 1, "profiles": [
      {"name": "Acme EU", "kind": "region", "environment": "prod-euw1",
       "clientId": "…", "auth": "client_credentials",
       "deployments": [{"id": "…", "name": "Shop", "origin": "https://shop.acme.eu"}]},
      {"name": "Local", "kind": "custom", "baseUrl": "http://127.0.0.1:8123",
       "clientId": "…", "auth": "pkce", "redirectUri": "http://127.0.0.1:8765/callback",
       "deployments": []}]}
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from inspector.genesys.regions import REGIONS, OrgEndpoints, parse_loopback_redirect
from inspector.store.paths import HOME_ENV, app_paths

__all__ = [
    "HOME_ENV",
    "PROFILES_FILE",
    "REGIONS",
    "SANDBOX_PROFILE_NAME",
    "SCHEMA_VERSION",
    "AuthKind",
    "DeploymentProfile",
    "OrgKind",
    "OrgProfile",
    "ProfileError",
    "ProfileStore",
    "config_dir",
    "is_sandbox_name",
    "sandbox_profile",
    "write_atomically",
]

log = logging.getLogger("inspector.store")

SCHEMA_VERSION = 1
PROFILES_FILE = "profiles.json"
#: The embedded sandbox org: always there, never stored, needs no keychain entry.
SANDBOX_PROFILE_NAME = "sandbox"


def is_sandbox_name(name: str) -> bool:
    """Whether `name` means the built-in sandbox org, however it is cased or padded."""
    return name.strip().casefold() == SANDBOX_PROFILE_NAME


def config_dir() -> Path:
    """Where settings live: ``$INSPECTOR_HOME/config`` if set, else the platformdirs one."""
    return app_paths().config


class ProfileError(ValueError):
    """A profile or the profiles file is not usable; the message names the file and field.

    ``field`` is the field's path inside the profile (``name``, ``clientId``,
    ``deployments[0].id``) when one field is at fault, and ``empty`` says it was left empty,
    so a form can say what to fill in rather than quote the file's field names.
    """

    def __init__(self, message: str, *, field: str | None = None, empty: bool = False) -> None:
        super().__init__(message)
        self.field = field
        self.empty = empty


def _field(where: str, key: str) -> str:
    """``profile.deployments[0]`` + ``id`` -> ``deployments[0].id`` (the path in a profile)."""
    path = f"{where}.{key}"
    head, _, rest = path.partition(".")
    return rest if head == "profile" or head.startswith("profiles[") else path


class OrgKind(StrEnum):
    REGION = "region"  # a Genesys Cloud region, by environment name
    CUSTOM = "custom"  # one base URL for every host: the sandbox, a private host


class AuthKind(StrEnum):
    CLIENT_CREDENTIALS = "client_credentials"  # client id + secret (secret in the keychain)
    PKCE = "pkce"  # browser sign-in, no secret; loopback redirect registered on the client


@dataclass(frozen=True)
class DeploymentProfile:
    """A web messaging deployment; ``origin`` None means "the first allowed domain"."""

    id: str
    name: str = ""
    origin: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.id


@dataclass(frozen=True)
class OrgProfile:
    """One org as the user configured it. Build with :meth:`create` to get validation."""

    name: str
    kind: OrgKind
    client_id: str
    environment: str | None = None  # long form ("prod-euw1") for kind REGION
    base_url: str | None = None  # for kind CUSTOM
    auth: AuthKind = AuthKind.CLIENT_CREDENTIALS
    redirect_uri: str | None = None  # for auth PKCE
    deployments: tuple[DeploymentProfile, ...] = ()
    builtin: bool = field(default=False, compare=False)  # the sandbox; never written

    @classmethod
    def create(
        cls,
        name: str,
        *,
        client_id: str,
        environment: str | None = None,
        base_url: str | None = None,
        auth: AuthKind | str = AuthKind.CLIENT_CREDENTIALS,
        redirect_uri: str | None = None,
        deployments: Iterable[DeploymentProfile] = (),
    ) -> OrgProfile:
        """A validated profile: exactly one of ``environment`` (long or short name) or
        ``base_url``; ``redirect_uri`` for PKCE. Raises ``ProfileError``."""
        data: dict[str, Any] = {
            "name": name,
            "kind": OrgKind.REGION if environment is not None else OrgKind.CUSTOM,
            "clientId": client_id,
            "auth": str(auth),
            "deployments": [_deployment_json(d) for d in deployments],
        }
        if environment is not None and base_url is not None:
            raise ProfileError("give a region or a custom base URL, not both")
        if environment is not None:
            data["environment"] = environment
        if base_url is not None:
            data["baseUrl"] = base_url
        if redirect_uri is not None:
            data["redirectUri"] = redirect_uri
        return _parse_profile(data, "profile")

    @property
    def endpoints(self) -> OrgEndpoints:
        if self.kind is OrgKind.REGION:
            assert self.environment is not None
            return OrgEndpoints.for_environment(self.environment)
        assert self.base_url is not None
        return OrgEndpoints.for_custom_domain(self.base_url)

    @property
    def where(self) -> str:
        """The region or base URL, for lists."""
        return str(self.environment if self.kind is OrgKind.REGION else self.base_url)

    def deployment(self, deployment_id: str) -> DeploymentProfile | None:
        return next((d for d in self.deployments if d.id == deployment_id), None)

    def with_deployment(self, deployment: DeploymentProfile) -> OrgProfile:
        """This profile with ``deployment`` added, or replacing the one with its id."""
        others = tuple(d for d in self.deployments if d.id != deployment.id)
        return replace(self, deployments=(*others, deployment))

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"name": self.name, "kind": str(self.kind)}
        if self.environment is not None:
            data["environment"] = self.environment
        if self.base_url is not None:
            data["baseUrl"] = self.base_url
        data["clientId"] = self.client_id
        data["auth"] = str(self.auth)
        if self.redirect_uri is not None:
            data["redirectUri"] = self.redirect_uri
        data["deployments"] = [_deployment_json(d) for d in self.deployments]
        return data


def sandbox_profile(
    base_url: str, *, client_id: str, deployment_id: str, origin: str
) -> OrgProfile:
    """The built-in profile of the embedded sandbox org, from its running ``SandboxInfo``.

    Its secret is the sandbox's documented constant, given by the sandbox itself; nothing is
    looked up in or written to the keychain for it.
    """
    return OrgProfile(
        name=SANDBOX_PROFILE_NAME,
        kind=OrgKind.CUSTOM,
        client_id=client_id,
        base_url=base_url,
        deployments=(DeploymentProfile(deployment_id, "Sandbox deployment", origin),),
        builtin=True,
    )


def _deployment_json(deployment: DeploymentProfile) -> dict[str, Any]:
    data: dict[str, Any] = {"id": deployment.id, "name": deployment.name}
    if deployment.origin is not None:
        data["origin"] = deployment.origin
    return data


# --- parsing, with errors naming the field -------------------------------------------------


def _text(data: dict[str, Any], key: str, where: str, *, required: bool = True) -> str | None:
    value = data.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ProfileError(
            f"{where}.{key}: must be a non-empty string",
            field=_field(where, key),
            empty=value is None or isinstance(value, str),
        )
    if any(ord(c) < 32 for c in value):
        raise ProfileError(
            f"{where}.{key}: must not contain control characters", field=_field(where, key)
        )
    return value.strip()


def _origin(value: str, where: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise ProfileError(
            f"{where}: {value!r} is not an origin (expected https://host, no path)",
            field=_field(*where.rsplit(".", 1)),
        )
    return f"{parts.scheme}://{parts.netloc}"


def _parse_deployment(data: Any, where: str) -> DeploymentProfile:
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: must be an object")
    deployment_id = _text(data, "id", where)
    assert deployment_id is not None
    name = data.get("name", "")
    if not isinstance(name, str):
        raise ProfileError(f"{where}.name: must be a string")
    origin = _text(data, "origin", where, required=False)
    return DeploymentProfile(
        id=deployment_id,
        name=name.strip(),
        origin=_origin(origin, f"{where}.origin") if origin else None,
    )


def _parse_profile(data: Any, where: str) -> OrgProfile:
    if not isinstance(data, dict):
        raise ProfileError(f"{where}: must be an object")
    name = _text(data, "name", where)
    client_id = _text(data, "clientId", where)
    assert name is not None and client_id is not None
    if is_sandbox_name(name):
        raise ProfileError(
            f"{where}.name: {name!r} is reserved for the built-in sandbox org",
            field=_field(where, "name"),
        )
    try:
        kind = OrgKind(str(data.get("kind")))
    except ValueError:
        raise ProfileError(f"{where}.kind: must be one of {', '.join(OrgKind)}") from None
    try:
        auth = AuthKind(str(data.get("auth", AuthKind.CLIENT_CREDENTIALS)))
    except ValueError:
        raise ProfileError(f"{where}.auth: must be one of {', '.join(AuthKind)}") from None
    environment = base_url = None
    if kind is OrgKind.REGION:
        raw_env = _text(data, "environment", where)
        assert raw_env is not None
        try:
            environment = OrgEndpoints.for_environment(raw_env).environment
        except ValueError as exc:
            raise ProfileError(
                f"{where}.environment: {exc}", field=_field(where, "environment")
            ) from None
    else:
        raw_url = _text(data, "baseUrl", where)
        assert raw_url is not None
        try:
            base_url = OrgEndpoints.for_custom_domain(raw_url).api
        except ValueError as exc:
            raise ProfileError(f"{where}.baseUrl: {exc}", field=_field(where, "baseUrl")) from None
    redirect_uri = _text(data, "redirectUri", where, required=auth is AuthKind.PKCE)
    if redirect_uri is not None:
        try:
            parse_loopback_redirect(redirect_uri)
        except ValueError as exc:
            raise ProfileError(
                f"{where}.redirectUri: {exc}", field=_field(where, "redirectUri")
            ) from None
    raw_deployments = data.get("deployments", [])
    if not isinstance(raw_deployments, list):
        raise ProfileError(f"{where}.deployments: must be a list")
    deployments = tuple(
        _parse_deployment(item, f"{where}.deployments[{index}]")
        for index, item in enumerate(raw_deployments)
    )
    ids = [d.id for d in deployments]
    if len(set(ids)) != len(ids):
        raise ProfileError(f"{where}.deployments: a deployment id is listed twice")
    return OrgProfile(
        name=name,
        kind=kind,
        client_id=client_id,
        environment=environment,
        base_url=base_url,
        auth=auth,
        redirect_uri=redirect_uri,
        deployments=deployments,
    )


# --- the file --------------------------------------------------------------------------------


def write_atomically(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so a reader sees the old or the new file, never half.

    The temp file is in the same folder (``os.replace`` is atomic only within a file system),
    fsynced before the rename, and the folder fsynced after it so the rename survives a crash.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise
    if hasattr(os, "O_DIRECTORY"):  # POSIX; Windows cannot open a folder to fsync it
        dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


class ProfileStore:
    """The profiles file. Blocking file I/O: call from a thread (``asyncio.to_thread``) in
    the window; the CLI calls it directly."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config_dir() / PROFILES_FILE

    def load(self) -> list[OrgProfile]:
        """The stored profiles; none when the file does not exist yet."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise ProfileError(f"{self.path}: cannot read ({exc.strerror})") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ProfileError(f"{self.path}: not valid JSON ({exc})") from None
        try:
            return _parse_file(data)
        except ProfileError as exc:
            raise ProfileError(f"{self.path}: {exc}") from None

    def save(self, profiles: Sequence[OrgProfile]) -> None:
        names = [p.name.casefold() for p in profiles]
        if len(set(names)) != len(names):
            raise ProfileError("two profiles have the same name")
        stored = [p.to_json() for p in profiles if not p.builtin]
        text = json.dumps({"version": SCHEMA_VERSION, "profiles": stored}, indent=2) + "\n"
        write_atomically(self.path, text)
        log.info("saved %d profile(s) to %s", len(stored), self.path)

    def get(self, name: str) -> OrgProfile:
        profiles = self.load()
        for profile in profiles:
            if profile.name.casefold() == name.casefold():
                return profile
        known = ", ".join([SANDBOX_PROFILE_NAME + " (built-in)", *(p.name for p in profiles)])
        raise ProfileError(f"no profile named {name!r} (known: {known})")

    def add(self, profile: OrgProfile, *, replace_existing: bool = False) -> None:
        if profile.builtin:
            raise ProfileError("the built-in sandbox profile is not stored")
        profiles = self.load()
        same = [p for p in profiles if p.name.casefold() == profile.name.casefold()]
        if same and not replace_existing:
            raise ProfileError(f"a profile named {profile.name!r} exists already")
        self.save([p for p in profiles if p not in same] + [profile])

    def remove(self, name: str) -> OrgProfile:
        profile = self.get(name)
        self.save([p for p in self.load() if p.name.casefold() != name.casefold()])
        return profile


def _parse_file(data: Any) -> list[OrgProfile]:
    if not isinstance(data, dict):
        raise ProfileError("must be a JSON object with version and profiles")
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise ProfileError("version: must be an integer")
    if version > SCHEMA_VERSION:
        raise ProfileError(
            f"version {version} was written by a newer Inspector (this one reads up to "
            f"{SCHEMA_VERSION}); update Inspector, the file is left untouched"
        )
    if version < 1:
        raise ProfileError(f"version: {version} is not a valid version")
    raw = data.get("profiles", [])
    if not isinstance(raw, list):
        raise ProfileError("profiles: must be a list")
    profiles = [_parse_profile(item, f"profiles[{index}]") for index, item in enumerate(raw)]
    names = [p.name.casefold() for p in profiles]
    if len(set(names)) != len(names):
        raise ProfileError("profiles: two profiles have the same name")
    return profiles
