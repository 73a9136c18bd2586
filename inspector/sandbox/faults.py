"""Fault switches: the ways a misconfigured org or flow breaks custom attributes.

Each fault reproduces a pitfall the inspector must diagnose (GENESYS.md, "The pitfalls users
hit"). Faults are read when the flow acts, so switching them at run time affects the next chat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

FAULTS: dict[str, str] = {
    "lowercase-keys": (
        "The flow re-keys each custom attribute by lower-casing its last camelCase word "
        "(crmCustomerId arrives as crmCustomerid)."
    ),
    "drop-attributes": (
        "Custom attributes never reach the conversation: the customer participant's "
        "attributes stay empty."
    ),
    "rate-limit": (
        "The Platform API answers every other request of a token with 429 and Retry-After: 1."
    ),
    "server-error": (
        "The Platform API answers every other request of a token with 503 Service Unavailable, "
        "as a failing gateway would."
    ),
    "no-details-permission": (
        "The OAuth client lacks conversation:message:view: messages/{id}/details answers 403 "
        "missing.any.permissions, so the conversation must be found another way."
    ),
    "late-attributes": (
        "The flow writes the custom attributes only long after the first message (the "
        "sandbox's late_attributes_delay, 25 s by default: longer than the default timeout)."
    ),
    "prechat-required": (
        "The deployment requires pre-chat form answers: onMessage without them in "
        "message.channel.metadata.customAttributes is refused with a 400 naming the fields."
    ),
    "deployment-missing": (
        "The configured deployment is unknown: config.json and webdeployments answer 404 and "
        "the guest socket is refused."
    ),
    "deployment-inactive": (
        "The configured deployment's status is Inactive: the guest socket is refused."
    ),
    "origin-denied": (
        "The configured deployment allows no domain but support.example.org: the page's "
        "origin is refused with 403."
    ),
    "token-expired": (
        "The first access token is revoked after its second Platform API request (401), as "
        "a token expiring mid-run would be."
    ),
    "slow": "Every Platform API answer and guest socket answer is delayed (slow_latency).",
    "malformed-json": ("GET /api/v2/conversations/{id} answers 200 with a truncated JSON body."),
    "ws-drop": (
        "The guest socket is cut (1006, no close frame) when the session's first message "
        "arrives, before the org accepts it."
    ),
    "script-404": "The Messenger bootstrap script (genesys.min.js) answers 404.",
    "flow-overwrite": (
        "The flow overwrites the first custom attribute (the CRM id) by appending '-flow' "
        "to its value."
    ),
    "read-only-session": (
        "Every guest session resumes read-only, as after a ReadOnly disconnect: "
        'configureSession answers readOnly true and every new message gets 409 "Session is '
        'read-only, no new messages allowed".'
    ),
    "analytics-delay": (
        "Analytics conversation detail jobs find nothing yet: the data availability date is "
        "before the test conversation."
    ),
}

# Pre-chat form fields the prechat-required fault asks for (custom attribute names).
PRECHAT_FIELDS = ("firstName", "email")
FLOW_SUFFIX = "-flow"

# Start of the last camelCase word: an upper-case letter after a lower-case letter or digit
# ("crmCustomer|Id"), or the last upper-case letter of an acronym followed by lower case
# ("CRM|Id" in "CRMId").
_WORD_START = re.compile(r"(?<=[a-z0-9])[A-Z]|[A-Z](?=[a-z])")


def check_faults(names: Iterable[str]) -> frozenset[str]:
    """Return the names as a set, or raise ValueError naming the unknown ones."""
    chosen = frozenset(names)
    unknown = sorted(chosen - FAULTS.keys())
    if unknown:
        known = ", ".join(sorted(FAULTS))
        raise ValueError(f"unknown sandbox fault(s): {', '.join(unknown)} (known: {known})")
    return chosen


def lower_last_word(key: str) -> str:
    """Lower-case the last camelCase word of a key: crmCustomerId -> crmCustomerid.

    A key of one word (``source``, ``user_id``) is returned unchanged.
    """
    starts = [m.start() for m in _WORD_START.finditer(key) if m.start() > 0]
    if not starts:
        return key
    cut = starts[-1]
    return key[:cut] + key[cut:].lower()


def land_attributes(attributes: Mapping[str, str], faults: frozenset[str]) -> dict[str, str]:
    """What the flow writes on the customer participant for the attributes a guest sent."""
    if "drop-attributes" in faults:
        return {}
    landed = dict(attributes)
    if "flow-overwrite" in faults and landed:
        first = next(iter(landed))
        landed[first] += FLOW_SUFFIX
    if "lowercase-keys" in faults:
        return {lower_last_word(key): value for key, value in landed.items()}
    return landed
