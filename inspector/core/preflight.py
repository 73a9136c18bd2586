"""Pre-flight: what can be known about a run before a chat starts, checked from plain values.

Each check answers one question a failed run would otherwise leave open (GENESYS.md, "The
pitfalls users hit"): does the deployment exist, is it ``Active``, does it accept the origin
the page presents, can a guest chat on it without a sign-in, do the attributes fit
``maxCustomDataBytes``, and does any key differ from another only by case. The facts come from
the deployment's public ``domains.json`` and ``config.json`` (MESSENGER.md, "Loading"), so they
need no token. The caller fetches them; this module only judges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from inspector.core.attributes import MAX_CUSTOM_DATA_BYTES, case_clashes, custom_data_size

__all__ = [
    "CHECK_ACTIVE",
    "CHECK_AUTH",
    "CHECK_EXISTS",
    "CHECK_KEY_CASE",
    "CHECK_ORIGIN",
    "CHECK_SIZE",
    "CHECK_UI",
    "DeploymentFacts",
    "PreflightCheck",
    "domain_matches",
    "failed",
    "origin_allowed",
    "origin_host",
    "run_preflight",
]

CHECK_EXISTS = "deployment-exists"
CHECK_ACTIVE = "deployment-active"
CHECK_ORIGIN = "origin-allowed"
CHECK_SIZE = "attributes-size"
CHECK_KEY_CASE = "key-case"
CHECK_AUTH = "deployment-auth"
CHECK_UI = "messenger-mode"


@dataclass(frozen=True)
class DeploymentFacts:
    """What the checks read: ``domains.json`` (``allow*Domains``) and ``config.json``.

    ``headless``, ``auto_start`` and ``auth`` are None where nothing said (an older source).
    """

    id: str
    status: str | None
    allow_all_domains: bool = False
    allowed_domains: tuple[str, ...] = ()
    headless: bool | None = None
    auto_start: bool | None = None
    auth: bool | None = None


@dataclass(frozen=True)
class PreflightCheck:
    """One check's outcome; ``message`` is a full sentence for the user, pass or fail.

    It says what was found; what to change comes from the diagnosis table (one place).
    """

    code: str
    ok: bool
    message: str


def origin_host(origin: str) -> str | None:
    """The lower-cased host of an origin (``https://Shop.Example.com:8443`` -> the host only).

    A bare host name is accepted too, as a user may type one for the origin to present.
    """
    text = origin.strip()
    if not text:
        return None
    if "://" not in text:
        text = "//" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    return host.lower() if host else None


def domain_matches(host: str, entry: str) -> bool:
    """Messenger's rule for one allowed-domains entry (MESSENGER.md, "Domain check").

    The page's hostname matches an entry exactly or as a subdomain of it (``example.com``
    allows ``shop.example.com``), case-insensitively. The entry is compared as written: one
    with a scheme or a port never matches, since a hostname has neither.
    """
    wanted = entry.strip().lower()
    name = host.lower()
    return bool(wanted) and (name == wanted or name.endswith("." + wanted))


def origin_allowed(origin: str, allowed_domains: Iterable[str], allow_all_domains: bool) -> bool:
    """Whether Messenger runs on a page of ``origin``; an empty list allows nothing."""
    if allow_all_domains:
        return True
    host = origin_host(origin)
    if host is None:
        return False
    return any(domain_matches(host, entry) for entry in allowed_domains)


def _unmatchable(entry: str) -> bool:
    # "https://shop.example.com" or "shop.example.com:443": pasted from an address bar, these
    # are kept as written by the deployment and never equal a hostname.
    return "/" in entry or ":" in entry


def run_preflight(
    deployment: DeploymentFacts | None,
    origin: str,
    attributes: Mapping[str, str],
    *,
    max_bytes: int = MAX_CUSTOM_DATA_BYTES,
) -> list[PreflightCheck]:
    """Every check, in display order; ``deployment`` is None when the org answered 404.

    When the deployment does not exist, the deployment checks after the first are skipped
    (they would only repeat it); the attribute checks still run.
    """
    checks: list[PreflightCheck] = []
    if deployment is None:
        checks.append(
            PreflightCheck(
                CHECK_EXISTS,
                False,
                "The deployment was not found in this org.",
            )
        )
    else:
        checks.append(PreflightCheck(CHECK_EXISTS, True, f"Deployment {deployment.id} exists."))
        checks.append(_active_check(deployment))
        checks.append(_origin_check(deployment, origin))
        if deployment.auth is not None:
            checks.append(_auth_check(deployment))
        if deployment.headless is not None:
            checks.append(_mode_check(deployment))
    checks.append(_size_check(attributes, max_bytes))
    checks.append(_case_check(attributes))
    return checks


def failed(checks: Sequence[PreflightCheck]) -> list[PreflightCheck]:
    """The checks that did not pass."""
    return [check for check in checks if not check.ok]


def _active_check(deployment: DeploymentFacts) -> PreflightCheck:
    status = deployment.status or "unknown"
    if status == "Active":
        return PreflightCheck(CHECK_ACTIVE, True, "The deployment is Active.")
    return PreflightCheck(
        CHECK_ACTIVE,
        False,
        f"The deployment's status is {status}, not Active: Messenger will not start a chat on it.",
    )


def _origin_check(deployment: DeploymentFacts, origin: str) -> PreflightCheck:
    if deployment.allow_all_domains:
        return PreflightCheck(
            CHECK_ORIGIN, True, f"The deployment allows all domains, so {origin} is accepted."
        )
    host = origin_host(origin)
    if host is None:
        return PreflightCheck(CHECK_ORIGIN, False, f"{origin!r} is not a valid origin.")
    domains = ", ".join(deployment.allowed_domains) or "none"
    matched = [d for d in deployment.allowed_domains if domain_matches(host, d)]
    if matched:
        how = "is" if matched[0].strip().lower() == host else f"is a subdomain of {matched[0]},"
        return PreflightCheck(
            CHECK_ORIGIN,
            True,
            f"The page's host {host} {how} in the allowed domains ({domains}).",
        )
    if not deployment.allowed_domains:
        return PreflightCheck(
            CHECK_ORIGIN,
            False,
            "The deployment allows no domain at all: Messenger runs on no page "
            "(GenesysJS.domainNotAllowed).",
        )
    odd = [d for d in deployment.allowed_domains if _unmatchable(d)]
    why = (
        f" These entries carry a scheme, path or port and never match a host name: "
        f"{', '.join(odd)}."
        if odd
        else ""
    )
    return PreflightCheck(
        CHECK_ORIGIN,
        False,
        f"The page's host {host} is not in the deployment's allowed domains ({domains}), nor a "
        f"subdomain of one: Messenger refuses to run (GenesysJS.domainNotAllowed).{why}",
    )


def _auth_check(deployment: DeploymentFacts) -> PreflightCheck:
    if not deployment.auth:
        return PreflightCheck(CHECK_AUTH, True, "Guests chat without signing in.")
    return PreflightCheck(
        CHECK_AUTH,
        False,
        "The deployment uses authenticated Messenger (auth.enabled): a customer must sign in "
        "through the website's AuthProvider before a chat starts, and Inspector cannot sign "
        "one in yet.",
    )


def _mode_check(deployment: DeploymentFacts) -> PreflightCheck:
    auto = " The conversation starts by itself (autoStart)." if deployment.auto_start else ""
    if deployment.headless:
        text = "Headless Messenger (no user interface): the page drives MessagingService."
    else:
        text = "Messenger has its own user interface: Inspector opens it to start the chat."
    return PreflightCheck(CHECK_UI, True, text + auto)


def _size_check(attributes: Mapping[str, str], max_bytes: int) -> PreflightCheck:
    size = custom_data_size(attributes)
    if size <= max_bytes:
        return PreflightCheck(CHECK_SIZE, True, f"The attributes take {size} of {max_bytes} bytes.")
    return PreflightCheck(
        CHECK_SIZE,
        False,
        f"The attributes take {size} bytes (UTF-8, keys and values), {size - max_bytes} more "
        f"than the {max_bytes} the deployment accepts: the org drops them (error 4013).",
    )


def _case_check(attributes: Mapping[str, str]) -> PreflightCheck:
    clashes = case_clashes(attributes)
    if not clashes:
        return PreflightCheck(CHECK_KEY_CASE, True, "No two keys differ only by case.")
    groups = "; ".join(", ".join(group) for group in clashes)
    return PreflightCheck(
        CHECK_KEY_CASE,
        False,
        f"These keys differ only by case: {groups}. Genesys keeps both and a flow reads one.",
    )
