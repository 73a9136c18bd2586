"""The analytics conversation details job answers the inspector reads, parsed leniently.

Names as in purecloudplatformclientv2: AsyncQueryResponse ``jobId``, AsyncQueryStatus
``state``, AnalyticsConversationAsyncQueryResponse ``conversations``/``cursor``/
``dataAvailabilityDate``, AnalyticsParticipant ``purpose``/``attributes``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ResponseFormatError

__all__ = ["AnalyticsConversation", "AnalyticsJobResults", "job_id_of", "job_state_of"]


def _object(body: Any, source: str) -> Mapping[str, Any]:
    if not isinstance(body, Mapping):
        raise ResponseFormatError(source, "expected a JSON object")
    return body


def job_id_of(body: Any, source: str) -> str:
    value = _object(body, source).get("jobId")
    if not isinstance(value, str) or not value:
        raise ResponseFormatError(source, "no jobId")
    return value


def job_state_of(body: Any, source: str) -> str:
    value = _object(body, source).get("state")
    if not isinstance(value, str) or not value:
        raise ResponseFormatError(source, "no state")
    return value


@dataclass(frozen=True)
class AnalyticsConversation:
    conversation_id: str
    customer_attributes: Mapping[str, str] | None  # None: no customer participant


@dataclass(frozen=True)
class AnalyticsJobResults:
    conversations: list[AnalyticsConversation] = field(default_factory=list)
    cursor: str | None = None
    data_availability: str | None = None

    @classmethod
    def parse(cls, body: Any, source: str) -> AnalyticsJobResults:
        data = _object(body, source)
        rows = data.get("conversations") or []
        if not isinstance(rows, list):
            raise ResponseFormatError(source, "conversations is not a list")
        found: list[AnalyticsConversation] = []
        for row in rows:
            if not isinstance(row, Mapping) or not isinstance(row.get("conversationId"), str):
                raise ResponseFormatError(source, "a conversation without conversationId")
            attributes: dict[str, str] | None = None
            for participant in row.get("participants") or []:
                if isinstance(participant, Mapping) and participant.get("purpose") == "customer":
                    raw = participant.get("attributes") or {}
                    if isinstance(raw, Mapping):
                        attributes = {str(k): str(v) for k, v in raw.items()}
                    break
            found.append(AnalyticsConversation(row["conversationId"], attributes))
        cursor = data.get("cursor")
        available = data.get("dataAvailabilityDate")
        return cls(
            found,
            cursor if isinstance(cursor, str) and cursor else None,
            available if isinstance(available, str) else None,
        )
