"""Why a row is red, in words an admin can act on.

Each diagnosis has a stable code (reports and scripts match on it), a one-line cause and a fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from inspector.core.attributes import MAX_CUSTOM_DATA_BYTES, custom_data_size
from inspector.core.diagnosis_codes import FOR_DEVELOPER, KNOWN, fix_for
from inspector.core.diff import Row, RowStatus
from inspector.core.wording import times

__all__ = [
    "KNOWN",
    "LEGACY_LOCATION",
    "Diagnosis",
    "by_importance",
    "diagnose_rows",
    "diagnose_wire",
    "explain",
    "late_attributes",
    "script_failed",
    "wait_notes",
]

# Where the attributes were sent: the documented place, or the deprecated top-level channel.
MESSAGE_LOCATION = "message"
LEGACY_LOCATION = "legacy"


@dataclass(frozen=True)
class Diagnosis:
    code: str
    message: str
    fix: str = ""


def explain(code: str, message: str, fix: str | None = None) -> Diagnosis:
    """A diagnosis with the table's fix for its code unless a more specific one is given."""
    return Diagnosis(code, message, fix_for(code) if fix is None else fix)


_KIND_ORDER = {"fail": 0, "error": 1, "note": 2}


def by_importance(diagnoses: Sequence[Diagnosis]) -> list[Diagnosis]:
    """What made the run fail first, then what stopped it, then notes; otherwise as found."""
    return sorted(
        diagnoses,
        key=lambda d: _KIND_ORDER.get(KNOWN[d.code].kind if d.code in KNOWN else "error", 1),
    )


def script_failed(url: str, error: str) -> Diagnosis:
    """The chat page could not load the Messenger script (what the web view reports)."""
    return explain("script-failed", f"The Messenger script did not load from {url}: {error}.", None)


def late_attributes(keys: Sequence[str], after_message: float, timeout: float) -> Diagnosis:
    """The attributes were missing at the timeout but arrived later (the late check saw them)."""
    they, them = ("it was", "it") if len(keys) == 1 else ("they were", "them")
    return explain(
        "attributes-late",
        f"{', '.join(keys)} arrived {after_message:.1f} s after the first message, after the "
        f"{timeout:g} s timeout: {they} set after the first message or the flow writes "
        f"{them} late.",
    )


def wait_notes(waits: Sequence[tuple[float, str]]) -> list[Diagnosis]:
    """Notes for the retries of a run: ``(seconds, reason)`` pairs from the client's waits."""
    found: list[Diagnosis] = []
    limited = [s for s, reason in waits if reason == "rate limited"]
    if limited:
        found.append(
            explain(
                "rate-limited",
                f"Rate limited {times(len(limited))} (429): waited {sum(limited):.1f} s in all, "
                "as Retry-After asked.",
            )
        )
    others = [(s, reason) for s, reason in waits if reason != "rate limited"]
    if others:
        reasons = ", ".join(sorted({reason for _, reason in others}))
        found.append(
            explain(
                "server-retried",
                f"Retried {times(len(others))} ({reasons}): waited "
                f"{sum(s for s, _ in others):.1f} s in all.",
            )
        )
    return found


def diagnose_wire(
    rows: Sequence[Row], sent: Mapping[str, str], wire: Mapping[str, str], kind: str
) -> list[Diagnosis]:
    """What the page did wrong before the org saw anything: the sent frame against the form.

    ``wire`` is the custom attributes of the first frame that left (``kind`` its type).
    """
    if sent and not wire:
        frame = "the autoStart Join event" if kind == "Event" else "the first message"
        return [
            Diagnosis(
                "attributes-not-sent",
                f"{frame[0].upper()}{frame[1:]} left the page without custom attributes: "
                "Messenger sends them with the next frame after Database.set, so they were set "
                "too late or not at all.",
                KNOWN["attributes-not-sent"].fix,
            )
        ]
    changed = [r for r in rows if r.wire_differs]
    if not changed:
        return []
    parts = [
        f"{r.key!r} was not sent"
        if r.wire is None
        else f"{r.key!r} left as {r.wire!r}, not {r.sent!r}"
        for r in changed
    ]
    return [
        Diagnosis(
            "page-changed-attributes",
            "The page did not send what it was asked to: " + "; ".join(parts) + ".",
            KNOWN["page-changed-attributes"].fix,
        )
    ]


def diagnose_rows(
    rows: Sequence[Row],
    sent: Mapping[str, str],
    *,
    max_bytes: int = MAX_CUSTOM_DATA_BYTES,
    location: str = MESSAGE_LOCATION,
) -> list[Diagnosis]:
    """Diagnoses for a completed read; empty when every sent key arrived exactly."""
    found: list[Diagnosis] = []
    case_rows = [r for r in rows if r.status is RowStatus.CASE_MISMATCH]
    for row in case_rows:
        found.append(
            Diagnosis(
                "case-mismatch",
                f"{row.key!r} arrived as {row.received_key!r}: attribute names are "
                "case-sensitive, so a flow reading one spelling never sees the other.",
                f"Use one spelling in the website and the flow (sent {row.key!r}, "
                f"the conversation has {row.received_key!r}).",
            )
        )
    missing = [r for r in rows if r.status is RowStatus.MISSING]
    sent_count = sum(1 for r in rows if r.sent is not None)
    one = sent_count == 1
    if missing and len(missing) == sent_count and location == LEGACY_LOCATION:
        none_arrived = (
            "The attribute did not arrive: it was"
            if one
            else f"None of the {sent_count} attributes arrived: they were"
        )
        found.append(
            Diagnosis(
                "attributes-legacy-location",
                f"{none_arrived} sent in the deprecated top-level "
                "channel.metadata.customAttributes, beside the message, which Genesys ignores "
                "since 5 June 2026; it reads only "
                "message.channel.metadata.customAttributes.",
                KNOWN["attributes-legacy-location"].fix,
            )
        )
    elif missing and len(missing) == sent_count:
        size = custom_data_size(sent)
        them, these, go = (
            ("it", "it takes", "it goes") if one else ("them", "these take", "they go")
        )
        found.append(
            Diagnosis(
                "attributes-missing",
                "The sent attribute did not reach the customer participant."
                if one
                else f"None of the {sent_count} sent attributes reached the customer participant.",
                f"Have the website set {them} before the chat's first message, and keep "
                f"{them} under {max_bytes} bytes ({these} {size}). {FOR_DEVELOPER}call "
                f"Database.set before the first message, so {go} in "
                "message.channel.metadata.customAttributes.",
            )
        )
    elif missing:
        keys, them = ("this key", "it") if len(missing) == 1 else ("these keys", "them")
        found.append(
            Diagnosis(
                "some-attributes-missing",
                "Not on the conversation: " + ", ".join(r.key for r in missing) + ".",
                f"Check that the website sets {keys} before the first message and that "
                f"no flow removes {them}.",
            )
        )
    for row in rows:
        # A re-keyed attribute can have its value changed as well: both are findings.
        recased = row.status is RowStatus.CASE_MISMATCH and row.received != row.sent
        if row.wire_differs and row.received == row.wire:
            continue  # it arrived as the page sent it: the page changed it (diagnose_wire)
        if row.status is RowStatus.MISMATCH or recased:
            where = f" (as {row.received_key!r})" if recased else ""
            found.append(
                Diagnosis(
                    "changed-by-flow",
                    f"{row.key!r} was changed after it was sent{where}: "
                    f"{row.sent!r} → {row.received!r}.",
                    "A flow or agent script overwrites it (Set Participant Data): make it keep "
                    "the sent value, or write its own value under another key.",
                )
            )
    return found
