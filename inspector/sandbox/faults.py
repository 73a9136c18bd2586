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
}

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
    if "lowercase-keys" in faults:
        return {lower_last_word(key): value for key, value in attributes.items()}
    return dict(attributes)
