"""Why a row is red, in words an admin can act on.

Each diagnosis has a stable code (reports and scripts match on it), a one-line cause and a fix.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from inspector.core.attributes import MAX_CUSTOM_DATA_BYTES, custom_data_size
from inspector.core.diff import Row, RowStatus

__all__ = ["Diagnosis", "diagnose_rows"]


@dataclass(frozen=True)
class Diagnosis:
    code: str
    message: str
    fix: str = ""


def diagnose_rows(
    rows: Sequence[Row], sent: Mapping[str, str], *, max_bytes: int = MAX_CUSTOM_DATA_BYTES
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
    if missing and len(missing) == sent_count:
        size = custom_data_size(sent)
        found.append(
            Diagnosis(
                "attributes-missing",
                f"None of the {sent_count} sent attributes reached the customer participant.",
                "Set them with Database.set before the first message, in "
                "message.channel.metadata.customAttributes, and keep them under "
                f"{max_bytes} bytes (these take {size}).",
            )
        )
    elif missing:
        found.append(
            Diagnosis(
                "some-attributes-missing",
                "Not on the conversation: " + ", ".join(r.key for r in missing) + ".",
                "Check that the website sets these keys before the first message and that "
                "no flow removes them.",
            )
        )
    for row in rows:
        if row.status is RowStatus.MISMATCH:
            found.append(
                Diagnosis(
                    "value-mismatch",
                    f"{row.key!r} arrived with another value: sent {row.sent!r}, "
                    f"received {row.received!r}.",
                    "A flow or agent script may overwrite it (Set Participant Data), or the "
                    "website sends a different value than expected.",
                )
            )
    return found
