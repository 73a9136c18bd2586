"""Pre-flight: what can be known about a run before a chat starts, checked from plain values.

Each check answers one question a failed run would otherwise leave open (GENESYS.md, "The
pitfalls users hit"): does the deployment exist, is it ``Active``, does it accept the origin
the page presents, do the attributes fit ``maxCustomDataBytes``, and does any key differ from
another only by case. The caller fetches the deployment; this module only judges.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from inspector.core.attributes import MAX_CUSTOM_DATA_BYTES, case_clashes, custom_data_size

__all__ = [
    "CHECK_ACTIVE",
    "CHECK_EXISTS",
    "CHECK_KEY_CASE",
    "CHECK_ORIGIN",
    "CHECK_SIZE",
    "DeploymentFacts",
    "PreflightCheck",
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


@dataclass(frozen=True)
class DeploymentFacts:
    """The parts of a ``WebDeployment`` the checks read (``status``, ``allow*Domains``)."""

    id: str
    status: str | None
    allow_all_domains: bool = False
    allowed_domains: tuple[str, ...] = ()


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

    A bare host name is accepted too, since allowed domains are written without a scheme.
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


def _domain_host(domain: str) -> str | None:
    # Allowed domains are host names, but admins paste URLs too; compare hosts either way.
    return origin_host(domain)


def origin_allowed(origin: str, allowed_domains: Iterable[str], allow_all_domains: bool) -> bool:
    """Whether a deployment accepts pages from ``origin``: host only, case-insensitive."""
    if allow_all_domains:
        return True
    host = origin_host(origin)
    if host is None:
        return False
    return host in {_domain_host(d) for d in allowed_domains}


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
    if origin_allowed(origin, deployment.allowed_domains, False):
        return PreflightCheck(
            CHECK_ORIGIN, True, f"The origin's host {host} is in the allowed domains ({domains})."
        )
    return PreflightCheck(
        CHECK_ORIGIN,
        False,
        f"The origin's host {host} is not in the deployment's allowed domains ({domains}): "
        "the org refuses the chat.",
    )


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
