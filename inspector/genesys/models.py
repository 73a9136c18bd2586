"""Typed views of Genesys Cloud responses and guest frames.

Each model keeps ``raw``, the full parsed JSON, so every value shown can be traced to the exact
response; Platform models also keep ``source`` ("GET /api/v2/..."). Parsers read only the
fields named in GENESYS.md, ignore unknown ones and tolerate missing optional ones (NOTES 34);
a missing required field or a wrong type raises :class:`ResponseFormatError`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ResponseFormatError

__all__ = [
    "AttributeSearchPage",
    "AttributeSearchRow",
    "Conversation",
    "DeploymentConfig",
    "DeploymentDomains",
    "GuestMessage",
    "MessageDetails",
    "Participant",
    "ParticipantData",
    "SessionInfo",
    "WebDeployment",
]


class _Reader:
    """Typed field access on one JSON object, with errors naming the field and the source."""

    def __init__(self, data: Any, source: str, where: str = "") -> None:
        if not isinstance(data, dict):
            label = where or "body"
            raise ResponseFormatError(source, f"{label} is {_kind(data)}, expected an object")
        self.data: dict[str, Any] = data
        self.source = source
        self.where = where

    def _field(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def fail(self, key: str, expected: str) -> ResponseFormatError:
        value = self.data.get(key)
        return ResponseFormatError(
            self.source, f"{self._field(key)} is {_kind(value)}, expected {expected}"
        )

    def req_str(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value:
            raise self.fail(key, "a non-empty string")
        return value

    def opt_str(self, key: str) -> str | None:
        value = self.data.get(key)
        if value is None or isinstance(value, str):
            return value
        raise self.fail(key, "a string")

    def flag(self, key: str, default: bool | None = None) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "true or false")
        return value

    def opt_int(self, key: str) -> int | None:
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, "an integer")
        return value

    def obj(self, key: str) -> _Reader | None:
        value = self.data.get(key)
        if value is None:
            return None
        return _Reader(value, self.source, self._field(key))

    def array(self, key: str) -> list[Any]:
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(key, "a list")
        return value

    def str_map(self, key: str) -> dict[str, str]:
        value = self.data.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "an object of strings")
        for name, item in value.items():
            if not isinstance(item, str):
                raise ResponseFormatError(
                    self.source, f"{self._field(key)}.{name} is {_kind(item)}, expected a string"
                )
        return dict(value)


def _kind(value: Any) -> str:
    if value is None:
        return "missing or null"
    if isinstance(value, str) and not value:
        return "an empty string"
    return f"a {type(value).__name__}"


@dataclass(frozen=True)
class MessageDetails:
    """``MessageData`` from ``GET /api/v2/conversations/messages/{messageId}/details``."""

    id: str
    conversation_id: str
    direction: str | None
    text: str | None
    raw: dict[str, Any]
    source: str

    @classmethod
    def parse(cls, data: Any, source: str) -> MessageDetails:
        r = _Reader(data, source)
        normalized = r.obj("normalizedMessage")
        text = normalized.opt_str("text") if normalized else None
        if text is None:
            text = r.opt_str("textBody")  # deprecated, still in older responses (NOTES 28)
        return cls(
            id=r.req_str("id"),
            conversation_id=r.req_str("conversationId"),
            direction=r.opt_str("direction"),
            text=text,
            raw=r.data,
            source=source,
        )


@dataclass(frozen=True)
class Participant:
    """One participant; ``path`` locates it inside the conversation's ``raw``."""

    id: str
    purpose: str | None
    name: str | None
    attributes: dict[str, str]
    path: str

    @classmethod
    def parse(cls, data: Any, source: str, path: str) -> Participant:
        r = _Reader(data, source, path)
        return cls(
            id=r.req_str("id"),
            purpose=r.opt_str("purpose"),
            name=r.opt_str("name"),
            attributes=r.str_map("attributes"),
            path=path,
        )


@dataclass(frozen=True)
class Conversation:
    """A ``Conversation`` or a ``MessageConversation``; both list participants the same way."""

    id: str
    participants: tuple[Participant, ...]
    raw: dict[str, Any]
    source: str

    @classmethod
    def parse(cls, data: Any, source: str) -> Conversation:
        r = _Reader(data, source)
        participants = tuple(
            Participant.parse(item, source, f"participants[{index}]")
            for index, item in enumerate(r.array("participants"))
        )
        return cls(id=r.req_str("id"), participants=participants, raw=r.data, source=source)

    def customer(self) -> Participant | None:
        """The first participant whose ``purpose`` is "customer" (not ``type``: GENESYS.md)."""
        return next((p for p in self.participants if p.purpose == "customer"), None)


@dataclass(frozen=True)
class WebDeployment:
    """``WebDeployment`` from ``GET /api/v2/webdeployments/deployments/{id}``."""

    id: str
    name: str
    status: str | None
    allow_all_domains: bool
    allowed_domains: tuple[str, ...]
    raw: dict[str, Any]
    source: str

    @classmethod
    def parse(cls, data: Any, source: str) -> WebDeployment:
        r = _Reader(data, source)
        return cls(
            id=r.req_str("id"),
            name=r.opt_str("name") or "",
            status=r.opt_str("status"),
            allow_all_domains=r.flag("allowAllDomains", default=False),
            allowed_domains=_allowed_domains(r),
            raw=r.data,
            source=source,
        )


def _allowed_domains(r: _Reader) -> tuple[str, ...]:
    """``allowedDomains``, the same list in ``WebDeployment`` and the public ``domains.json``."""
    domains = r.array("allowedDomains")
    if not all(isinstance(d, str) for d in domains):
        raise ResponseFormatError(r.source, "allowedDomains must be a list of strings")
    return tuple(domains)


def _enabled(r: _Reader | None, *path: str) -> bool | None:
    """``{path...}.enabled`` of a config object, or None where the config says nothing."""
    for key in path:
        if r is None:
            return None
        r = r.obj(key)
    if r is None or r.data.get("enabled") is None:
        return None
    return r.flag("enabled")


@dataclass(frozen=True)
class DeploymentConfig:
    """The public Messenger configuration from ``api-cdn`` (NOTES 32, MESSENGER.md).

    The switches that change how Messenger runs in a page are None where the config says
    nothing (the real Messenger then takes the default: UI on, no autoStart, no auth).
    """

    id: str
    version: str
    status: str | None
    messaging_endpoint: str | None  # with or without "/v1" (NOTES 32), kept as given
    raw: dict[str, Any]
    source: str
    messenger_enabled: bool | None = None
    headless: bool | None = None  # headlessMode.enabled: the User Interface toggle off
    auto_start: bool | None = None  # messenger.apps.conversations.autoStart.enabled
    auth: bool | None = None  # auth.enabled: authenticated Messenger

    @classmethod
    def parse(cls, data: Any, source: str) -> DeploymentConfig:
        r = _Reader(data, source)
        version = r.data.get("version")
        if isinstance(version, int) and not isinstance(version, bool):
            version = str(version)  # a string in every example ("3"); accept a number too
        if not isinstance(version, str) or not version:
            raise r.fail("version", "a non-empty string")
        endpoint: str | None = None
        messenger = r.obj("messenger")
        apps = messenger.obj("apps") if messenger else None
        conversations = apps.obj("conversations") if apps else None
        if conversations:
            endpoint = conversations.opt_str("messagingEndpoint")
        return cls(
            id=r.req_str("id"),
            version=version,
            status=r.opt_str("status"),
            messaging_endpoint=endpoint,
            raw=r.data,
            source=source,
            messenger_enabled=_enabled(messenger),
            headless=_enabled(r, "headlessMode"),
            auto_start=_enabled(conversations, "autoStart"),
            auth=_enabled(r, "auth"),
        )


@dataclass(frozen=True)
class DeploymentDomains:
    """The public ``domains.json`` Messenger reads before anything else (MESSENGER.md)."""

    allow_all_domains: bool
    allowed_domains: tuple[str, ...]
    raw: dict[str, Any]
    source: str

    @classmethod
    def parse(cls, data: Any, source: str) -> DeploymentDomains:
        r = _Reader(data, source)
        return cls(
            allow_all_domains=r.flag("allowAllDomains", default=False),
            allowed_domains=_allowed_domains(r),
            raw=r.data,
            source=source,
        )


@dataclass(frozen=True)
class SessionInfo:
    """The body of a guest ``SessionResponse``; sparse in practice (NOTES 16)."""

    connected: bool
    new_session: bool
    read_only: bool
    max_custom_data_bytes: int | None
    raw: dict[str, Any]

    @classmethod
    def parse(cls, body: Any, source: str = "SessionResponse") -> SessionInfo:
        r = _Reader(body, source)
        return cls(
            connected=r.flag("connected"),
            new_session=r.flag("newSession", default=False),
            read_only=r.flag("readOnly", default=False),
            max_custom_data_bytes=r.opt_int("maxCustomDataBytes"),
            raw=r.data,
        )


@dataclass(frozen=True)
class GuestMessage:
    """The body of a guest ``StructuredMessage`` frame (an echo, a reply or an event).

    ``originating_entity`` is kept as sent: "Bot"/"Human" outbound, often "" inbound (NOTES 9).
    """

    id: str
    direction: str
    type: str
    text: str | None
    originating_entity: str | None
    raw: dict[str, Any]

    @classmethod
    def parse(cls, body: Any, source: str = "StructuredMessage") -> GuestMessage:
        r = _Reader(body, source)
        return cls(
            id=r.req_str("id"),
            direction=r.req_str("direction"),
            type=r.req_str("type"),
            text=r.opt_str("text"),
            originating_entity=r.opt_str("originatingEntity"),
            raw=r.data,
        )


@dataclass(frozen=True)
class ParticipantData:
    """One ``participantData`` item of an attribute search row (NOTES 30)."""

    participant_id: str | None
    purpose: str | None
    attributes: dict[str, str]
    session_ids: tuple[str, ...]

    @classmethod
    def parse(cls, data: Any, source: str, where: str) -> ParticipantData:
        r = _Reader(data, source, where)
        sessions = r.array("sessionIds")
        return cls(
            participant_id=r.opt_str("participantId"),
            purpose=r.opt_str("participantPurpose"),
            attributes=r.str_map("participantAttributes"),
            session_ids=tuple(str(s) for s in sessions),
        )


@dataclass(frozen=True)
class AttributeSearchRow:
    """One conversation from ``POST /api/v2/conversations/participants/attributes/search``."""

    conversation_id: str
    start_time: str | None
    end_time: str | None
    participants: tuple[ParticipantData, ...]
    raw: dict[str, Any]

    @classmethod
    def parse(cls, data: Any, source: str, where: str) -> AttributeSearchRow:
        r = _Reader(data, source, where)
        participants = tuple(
            ParticipantData.parse(item, source, f"{where}.participantData[{index}]")
            for index, item in enumerate(r.array("participantData"))
        )
        return cls(
            conversation_id=r.req_str("conversationId"),
            start_time=r.opt_str("startTime"),
            end_time=r.opt_str("endTime"),
            participants=participants,
            raw=r.data,
        )

    def customer(self) -> ParticipantData | None:
        return next((p for p in self.participants if p.purpose == "customer"), None)

    def has_attribute(self, key: str, value: str) -> bool:
        """Any participant carries ``key`` (exact case) with exactly ``value``."""
        return any(p.attributes.get(key) == value for p in self.participants)


@dataclass(frozen=True)
class AttributeSearchPage:
    """One page of search results; ``cursor`` asks for the next page (None at the end)."""

    rows: tuple[AttributeSearchRow, ...]
    cursor: str | None
    raw: dict[str, Any]
    source: str

    @classmethod
    def parse(cls, data: Any, source: str) -> AttributeSearchPage:
        r = _Reader(data, source)
        rows = tuple(
            AttributeSearchRow.parse(item, source, f"results[{index}]")
            for index, item in enumerate(r.array("results"))
        )
        return cls(rows=rows, cursor=r.opt_str("cursor") or None, raw=r.data, source=source)
