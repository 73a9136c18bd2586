"""The optional analytics check: do the attributes show where reports and exports read them?

Only the asynchronous conversation details job carries participant attributes (GENESYS.md);
analytics lags the conversation, so "not available yet" with the data-availability time is an
answer, not a failure. The check never changes the verdict: it adds a note.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from inspector.core.diagnoses import Diagnosis, explain

__all__ = ["AnalyticsReadBack", "AnalyticsReader", "judge_analytics"]


@dataclass(frozen=True)
class AnalyticsReadBack:
    """What the job found: the customer's attributes, or None when the conversation is not in
    the results yet; ``data_availability`` is the job's dataAvailabilityDate."""

    attributes: Mapping[str, str] | None
    data_availability: str | None


class AnalyticsReader(Protocol):
    async def analytics_attributes(self, conversation_id: str) -> AnalyticsReadBack: ...


def judge_analytics(found: AnalyticsReadBack, sent: Mapping[str, str]) -> Diagnosis:
    """One note: pending (with the availability time), all present, or which keys differ."""
    if found.attributes is None:
        when = found.data_availability or "an unknown time"
        return explain(
            "analytics-pending",
            f"Analytics has data up to {when}, before this conversation: the attributes are "
            "not available there yet.",
        )
    wrong = [k for k, v in sent.items() if found.attributes.get(k) != v]
    if not wrong:
        return explain(
            "analytics-attributes",
            "Analytics shows "
            + ("the attribute" if len(sent) == 1 else f"all {len(sent)} attributes")
            + " on the customer participant.",
        )
    return explain(
        "analytics-missing",
        "Analytics has the conversation but not these attributes as sent: "
        + ", ".join(wrong)
        + ".",
    )
