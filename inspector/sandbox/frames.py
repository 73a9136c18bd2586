"""Frames of the guest WebSocket, shaped like the files in genesys-examples/guest/.

Every server frame is the envelope {"type","class","code","body"[,"tracingId"]} (NOTES 1); the
request's tracingId is copied onto the envelope, never into the body (NOTES 2).
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from inspector.sandbox import seed
from inspector.sandbox.state import GuestSession, StoredMessage

log = logging.getLogger("inspector.sandbox")

# Error texts. 4013 is the exact text of error-custom-attributes-too-large-4013.json (it
# hard-codes 2048 even where the limit differs, NOTES 15); 400/403/5000 are the example texts.
TEXT_REQUEST_FAILED = "Request failed."
TEXT_HTTP_AUTHORIZATION = "HTTP authorization error"
TEXT_ATTRIBUTES_TOO_LARGE = "Custom Attributes in channel metadata is larger than 2048 bytes"
TEXT_SESSION_NOT_FOUND = "Session not found"
TEXT_TYPING_DISABLED = "Turn on the Feature Toggle or fix the configuration."
TEXT_CLEAR_UNSUPPORTED = "Presence events Conversation Clear are not supported"
TEXT_TOO_MANY_REQUESTS = "Message rate too high for this session"
TEXT_MESSAGE_TOO_LONG = "message too long"  # error-message-too-long-4011.json


def envelope(
    type_: str, class_: str, body: Any, *, code: int = 200, tracing_id: str | None = None
) -> dict[str, Any]:
    frame: dict[str, Any] = {"type": type_, "class": class_, "code": code, "body": body}
    if tracing_id is not None:
        frame["tracingId"] = tracing_id
    return frame


def string_error(code: int, text: str, tracing_id: str | None = None) -> dict[str, Any]:
    """Most guest errors: class "string", a plain-text body, an application code (NOTES 3)."""
    return envelope("response", "string", text, code=code, tracing_id=tracing_id)


def too_many_requests(tracing_id: str | None = None) -> dict[str, Any]:
    """Rate limiting is the odd one: envelope code 429, body.errorCode 4029 (NOTES 4)."""
    body = {
        "retryAfter": seed.GUEST_RETRY_AFTER_SECONDS,
        "errorCode": 4029,
        "errorMessage": TEXT_TOO_MANY_REQUESTS,
    }
    return envelope(
        "response", "TooManyRequestsErrorMessage", body, code=429, tracing_id=tracing_id
    )


def session_response(body: dict[str, Any], tracing_id: str | None = None) -> dict[str, Any]:
    return envelope("response", "SessionResponse", body, tracing_id=tracing_id)


def allowed_media() -> dict[str, Any]:
    """SessionResponse fileTypes are objects, config.json fileTypes are strings (NOTES 16)."""
    return {
        "inbound": {
            "fileTypes": [{"type": mime} for mime in seed.ALLOWED_FILE_TYPES],
            "maxFileSizeKB": seed.MAX_FILE_SIZE_KB,
        }
    }


def new_session_body(
    session: GuestSession, *, new: bool, read_only: bool = False
) -> dict[str, Any]:
    """SessionResponse body with the full WMJ field set (NOTES 16)."""
    return {
        "connected": True,
        "newSession": new,
        "readOnly": read_only,
        "maxCustomDataBytes": seed.MAX_CUSTOM_DATA_BYTES,
        "allowedMedia": allowed_media(),
        "blockedExtensions": list(seed.BLOCKED_EXTENSIONS),
        "clearedExistingSession": False,
        "durationSeconds": seed.SESSION_DURATION_SECONDS,
        "expirationDate": session.expiration_date,
    }


def configuration_body() -> dict[str, Any]:
    """GetConfigurationResponse body (getConfiguration.response.json)."""
    return {
        "allowedMedia": allowed_media(),
        "blockedExtensions": list(seed.BLOCKED_EXTENSIONS),
        "maxCustomDataBytes": seed.MAX_CUSTOM_DATA_BYTES,
        "messageRoutingEnabled": True,
        "sessionDurationSeconds": seed.SESSION_DURATION_SECONDS,
    }


def inbound_echo(
    message: StoredMessage, extra_metadata: dict[str, str], tracing_id: str | None
) -> dict[str, Any]:
    """The echo of the guest's own message: type "message", direction Inbound (NOTES 1).

    Text echoes follow StructuredMessage.inbound-echo.ovotech.json (originatingEntity "",
    channel.time + channel.messageId, metadata.correlationId; NOTES 6, 7, 9); Presence Join
    echoes follow event-presence-join.json, which has no originatingEntity (NOTES 11).
    """
    metadata = {**extra_metadata, "correlationId": message.correlation_id}
    channel = {"time": message.time, "messageId": message.provider_message_id}
    body: dict[str, Any]
    if message.type == "Event":
        body = {
            "direction": "Inbound",
            "id": message.id,
            "channel": channel,
            "type": "Event",
            "metadata": metadata,
            "events": message.events or [],
        }
    else:
        body = {
            "originatingEntity": "",
            "text": message.text or "",
            "direction": "Inbound",
            "id": message.id,
            "channel": channel,
            "type": "Text",
            "metadata": metadata,
        }
    return envelope("message", "StructuredMessage", body, tracing_id=tracing_id)


def outbound_text(message: StoredMessage) -> dict[str, Any]:
    """A bot reply (StructuredMessage.outbound-text.json): 32-hex id, channel.type Private."""
    body = {
        "text": message.text or "",
        "direction": "Outbound",
        "id": message.id,
        "channel": {"time": message.time, "type": "Private"},
        "type": "Text",
        "originatingEntity": "Bot",
        "metadata": {"correlationId": message.correlation_id},
    }
    return envelope("message", "StructuredMessage", body)


def presence_disconnect(message_id: str, provider_message_id: str, time: str) -> dict[str, Any]:
    """Outbound Presence Disconnect (event-presence-disconnect.json) when the chat is ended."""
    body = {
        "direction": "Outbound",
        "id": message_id,
        "channel": {"time": time, "messageId": provider_message_id},
        "type": "Event",
        "events": [{"eventType": "Presence", "presence": {"type": "Disconnect"}}],
    }
    return envelope("message", "StructuredMessage", body)


def connection_closed() -> dict[str, Any]:
    """closeSession.response.ConnectionClosedEvent.json."""
    return envelope("message", "ConnectionClosedEvent", {})


async def send(ws: web.WebSocketResponse, frame: dict[str, Any]) -> None:
    """Send one frame, ignoring a socket that closed meanwhile."""
    if ws.closed:
        return
    try:
        await ws.send_json(frame)
    except (ConnectionError, RuntimeError) as exc:
        log.debug("guest socket gone while sending %s: %s", frame.get("class"), exc)


async def push(session: GuestSession, frame: dict[str, Any]) -> None:
    """Send a pushed frame to every socket of a guest session (several tabs share one)."""
    for ws in list(session.sockets):
        await send(ws, frame)
