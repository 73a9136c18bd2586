"""The guest WebSocket, GET /v1?deploymentId=<id>: what Messenger speaks underneath.

Requests are JSON objects with an `action`; unknown fields and any key order are tolerated
(NOTES 18, 19). Answers are envelopes built in frames.py.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import WSCloseCode, WSMsgType, web

from inspector.sandbox import frames, seed
from inspector.sandbox.appkeys import FLOW_KEY, STATE_KEY
from inspector.sandbox.faults import PRECHAT_FIELDS
from inspector.sandbox.flow import SimulatedFlow
from inspector.sandbox.state import Deployment, GuestSession, OrgState, dashed_id

log = logging.getLogger("inspector.sandbox")

# An authenticated deployment (auth.enabled) has no unauthenticated guests: configureSession is
# answered with the string error of error-401-unauthorized.json. configureAuthenticatedSession
# needs an AuthProvider's code that an identity provider issued; the sandbox has none, so it
# answers the same 401 (its own choice: no capture of a refused sign-in exists).
TEXT_UNAUTHORIZED = "User is unauthorized"
# A read-only session (after a ReadOnly disconnect) refuses new messages (GENESYS.md).
READ_ONLY_CODE = 409
TEXT_READ_ONLY = "Session is read-only, no new messages allowed"

# The prechat-required fault's refusal. The wording of a real org's answer is not documented;
# it is a 400 string error frame, and this text names the fields, as the diagnosis needs.
PRECHAT_TEXT = "Pre-chat form answers required: {fields}"
MAX_TOKEN_LENGTH = 2048  # guest token: any unique string up to 2048 chars (NOTES 21)


class RequestRejected(Exception):
    """A request that gets a string error frame instead of its normal answer."""

    def __init__(self, code: int, text: str) -> None:
        super().__init__(f"{code} {text}")
        self.code = code
        self.text = text


def custom_attributes(frame: dict[str, Any]) -> dict[str, str]:
    """The attributes of an onMessage request, validated as a map of strings.

    Only message.channel.metadata.customAttributes counts. Attributes in the deprecated
    top-level `channel` beside `message` (Java SDK, ovotech; NOTES 14) are ignored, as Genesys
    ignores them since 5 June 2026 (GENESYS.md, "Deprecation Notice – Web Messaging Custom
    Attributes in channel.metadata"): the message is accepted, its attributes never land.
    Scalars are turned into strings the way a Map<String,String> binding would; objects are
    refused.
    """
    message = frame.get("message")
    channel = message.get("channel") if isinstance(message, dict) else None
    metadata = channel.get("metadata") if isinstance(channel, dict) else None
    found: Any = metadata.get("customAttributes") if isinstance(metadata, dict) else None
    if found is None:
        return {}
    if not isinstance(found, dict):
        raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
    result: dict[str, str] = {}
    for key, value in found.items():
        if isinstance(value, bool):
            result[key] = "true" if value else "false"
        elif isinstance(value, str | int | float):
            result[key] = str(value)
        else:
            raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
    return result


def custom_data_size(attributes: dict[str, str]) -> int:
    """UTF-8 bytes of all keys and values: what maxCustomDataBytes limits (GENESYS.md)."""
    return sum(len(k.encode()) + len(v.encode()) for k, v in attributes.items())


class GuestConnection:
    """One guest socket: the sessions it configured and the handlers of its actions."""

    def __init__(
        self,
        ws: web.WebSocketResponse,
        deployment: Deployment,
        state: OrgState,
        flow: SimulatedFlow,
        transport: asyncio.Transport | None = None,
    ) -> None:
        self.ws = ws
        self.transport = transport
        self.deployment = deployment
        self.state = state
        self.flow = flow
        self.tokens: set[str] = set()
        self._actions: dict[str, Callable[[dict[str, Any], str | None], Awaitable[None]]] = {
            "configureSession": self.configure_session,
            "configureAuthenticatedSession": self.configure_authenticated_session,
            "onMessage": self.on_message,
            "echo": self.echo,
            "closeSession": self.close_session,
            "getConfiguration": self.get_configuration,
        }

    async def handle_text(self, data: str) -> None:
        try:
            frame = json.loads(data)
        except (ValueError, RecursionError):  # nesting deeper than json recurses
            frame = None
        if not isinstance(frame, dict):
            await frames.send(self.ws, frames.string_error(400, frames.TEXT_REQUEST_FAILED))
            return
        self.state.guest_requests.append(frame)
        tracing_id = frame.get("tracingId") if isinstance(frame.get("tracingId"), str) else None
        if "slow" in self.state.faults:
            await asyncio.sleep(self.state.slow_latency)
        handler = self._actions.get(str(frame.get("action")))
        try:
            if handler is None:
                raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
            await handler(frame, tracing_id)
        except RequestRejected as exc:
            log.debug("guest %s rejected: %s", frame.get("action"), exc)
            await frames.send(self.ws, frames.string_error(exc.code, exc.text, tracing_id))
        except Exception:
            log.exception("guest %s failed", frame.get("action"))
            error = frames.string_error(5000, frames.TEXT_REQUEST_FAILED, tracing_id)
            await frames.send(self.ws, error)

    def _session(self, frame: dict[str, Any]) -> GuestSession:
        """The session this socket configured for the frame's token, else 4007."""
        token = frame.get("token")
        session = self.state.sessions.get(token) if isinstance(token, str) else None
        if session is None or token not in self.tokens:
            raise RequestRejected(4007, frames.TEXT_SESSION_NOT_FOUND)
        return session

    async def configure_session(self, frame: dict[str, Any], tracing_id: str | None) -> None:
        token = frame.get("token")
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
            raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
        if frame.get("deploymentId") != self.deployment.id:
            raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
        if self.deployment.auth:
            raise RequestRejected(401, TEXT_UNAUTHORIZED)
        if frame.get("startNew") is True:
            old = self.state.sessions.get(token)
            if old is not None:
                self.state.close_session(old)
        journey = _journey(frame.get("journeyContext"))
        session, new = self.state.open_session(token, self.deployment, journey)
        session.sockets.add(self.ws)
        self.tokens.add(token)
        log.debug("guest session %s configured (new: %s)", token[:8], new)
        if "read-only-session" in self.state.faults:
            # A resumed session whose conversation ended with a ReadOnly disconnect: not new,
            # readOnly true (NOTES 12; SessionResponse.existing-session.json).
            body = frames.new_session_body(session, new=False, read_only=True)
        else:
            body = frames.new_session_body(session, new=new)
        await frames.send(self.ws, frames.session_response(body, tracing_id))

    async def configure_authenticated_session(
        self, frame: dict[str, Any], tracing_id: str | None
    ) -> None:
        """configureAuthenticatedSession.request.json: refused, no identity provider here."""
        raise RequestRejected(401, TEXT_UNAUTHORIZED)

    async def on_message(self, frame: dict[str, Any], tracing_id: str | None) -> None:
        session = self._session(frame)
        if "read-only-session" in self.state.faults:
            raise RequestRejected(READ_ONLY_CODE, TEXT_READ_ONLY)
        if "ws-drop" in self.state.faults and not session.dropped and self.transport is not None:
            # Cut the connection without a close frame: the client sees 1006 (abnormal).
            session.dropped = True
            log.info("guest session %s: socket cut (ws-drop fault)", session.token[:8])
            self.transport.abort()
            return
        message = frame.get("message")
        if not isinstance(message, dict):
            raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
        kind = message.get("type")
        text: str | None = None
        events: list[dict[str, Any]] | None = None
        if kind == "Text":
            text = message.get("text")
            if not isinstance(text, str) or not text:
                raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
            if len(text) > seed.MAX_MESSAGE_CHARACTERS:
                raise RequestRejected(4011, frames.TEXT_MESSAGE_TOO_LONG)
        elif kind == "Event":
            events = _accepted_events(message.get("events"))
        else:
            raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
        attributes = custom_attributes(frame)
        if "prechat-required" in self.state.faults:
            absent = [f for f in PRECHAT_FIELDS if not attributes.get(f)]
            if absent:
                raise RequestRejected(400, PRECHAT_TEXT.format(fields=", ".join(absent)))
        if custom_data_size(attributes) > seed.MAX_CUSTOM_DATA_BYTES:
            # The message is refused whole: nothing is echoed and nothing reaches the flow.
            raise RequestRejected(4013, frames.TEXT_ATTRIBUTES_TOO_LARGE)
        if session.too_many_messages(time.monotonic()):
            await frames.send(self.ws, frames.too_many_requests(tracing_id))
            return

        conversation = self.state.active_conversation(session)
        first = conversation is None
        if conversation is None:
            conversation = self.state.start_conversation(session)
            log.info("conversation %s started by guest %s", conversation.id, session.token[:8])
        stored = self.state.record_message(
            conversation, direction="inbound", type_=str(kind), text=text, events=events
        )
        extra = message.get("metadata")
        extra_metadata = (
            {k: v for k, v in extra.items() if isinstance(v, str)}
            if isinstance(extra, dict)
            else {}
        )
        await frames.push(session, frames.inbound_echo(stored, extra_metadata, tracing_id))
        self.flow.message_received(
            session, conversation, attributes, first=first, is_text=kind == "Text"
        )

    async def echo(self, frame: dict[str, Any], tracing_id: str | None) -> None:
        """Keep-alive (echo.request.json -> echo.response.json)."""
        message = frame.get("message")
        text = message.get("text") if isinstance(message, dict) else None
        if not isinstance(text, str):
            raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
        body = {"text": text, "type": "Text", "direction": "Inbound", "id": dashed_id()}
        await frames.send(
            self.ws, frames.envelope("response", "StructuredMessage", body, tracing_id=tracing_id)
        )

    async def close_session(self, frame: dict[str, Any], tracing_id: str | None) -> None:
        """closeSession: SessionResponse(connected false), then ConnectionClosedEvent (NOTES 17)."""
        session = self._session(frame)
        if frame.get("closeAllConnections") is not True:
            raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
        body = {"connected": False, "newSession": False}
        await frames.send(self.ws, frames.session_response(body, tracing_id))
        await frames.push(session, frames.connection_closed())
        self.state.close_session(session)
        for ws in list(session.sockets):
            await ws.close(code=WSCloseCode.OK, message=b"session closed")
        session.sockets.clear()

    async def get_configuration(self, frame: dict[str, Any], tracing_id: str | None) -> None:
        response = frames.envelope(
            "response",
            "GetConfigurationResponse",
            frames.configuration_body(),
            tracing_id=tracing_id,
        )
        await frames.send(self.ws, response)

    def detach(self) -> None:
        """Forget this socket in the sessions it joined; the sessions themselves live on."""
        for token in self.tokens:
            session = self.state.sessions.get(token)
            if session is not None:
                session.sockets.discard(self.ws)


def _journey(journey: Any) -> dict[str, Any] | None:
    """The guest's journeyContext reduced to the fields the platform shows, else None."""
    customer = journey.get("customer") if isinstance(journey, dict) else None
    if not isinstance(customer, dict) or not isinstance(customer.get("id"), str):
        return None
    if not customer["id"]:
        return None
    session = journey.get("customerSession")
    session = session if isinstance(session, dict) else {}
    return {
        "customer": {"id": customer["id"], "idType": str(customer.get("idType") or "cookie")},
        "customerSession": {
            "id": str(session.get("id") or dashed_id()),
            "type": str(session.get("type") or "web"),
        },
    }


def _accepted_events(events: Any) -> list[dict[str, Any]]:
    """Guest events the sandbox deployment accepts: only Presence Join (autostart).

    Typing and Presence Clear are switched off in this deployment, so they get the
    feature-gated 403 strings (NOTES 20); anything else is a bad request.
    """
    if not isinstance(events, list) or not events:
        raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
    for event in events:
        if not isinstance(event, dict):
            raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
        kind = event.get("eventType")
        presence = event.get("presence")
        presence_type = presence.get("type") if isinstance(presence, dict) else None
        if kind == "Typing":
            raise RequestRejected(403, frames.TEXT_TYPING_DISABLED)
        if kind == "Presence" and presence_type == "Clear":
            raise RequestRejected(403, frames.TEXT_CLEAR_UNSUPPORTED)
        if kind != "Presence" or presence_type != "Join":
            raise RequestRejected(400, frames.TEXT_REQUEST_FAILED)
    return events


async def guest_socket(request: web.Request) -> web.StreamResponse:
    """GET /v1?deploymentId=<id>: check deployment and Origin, then serve guest requests.

    Refusal (unknown or inactive deployment, or an Origin whose host is not in allowedDomains
    while allowAllDomains is false): the upgrade is accepted, the socket gets the string error
    of error-403-http-authorization.json ({"type":"response","class":"string","code":403,
    "body":"HTTP authorization error"}) and is closed with 1008 (policy violation). A browser
    cannot read an HTTP status of a failed upgrade, so the frame is what Messenger can report.
    """
    state = request.app[STATE_KEY]
    ws = web.WebSocketResponse()
    if not ws.can_prepare(request).ok:
        raise web.HTTPBadRequest(text="expected a WebSocket upgrade")
    await ws.prepare(request)
    state.sockets.add(ws)
    connection: GuestConnection | None = None
    try:
        deployment = state.find_deployment(request.query.get("deploymentId", ""))
        origin = request.headers.get("Origin")
        if (
            deployment is None
            or deployment.status != "Active"
            or not deployment.allows_origin(origin)
        ):
            # INFO, not WARNING: refusing is the simulated org working as designed.
            log.info(
                "guest socket refused: deploymentId=%r origin=%r",
                request.query.get("deploymentId"),
                origin,
            )
            await frames.send(ws, frames.string_error(403, frames.TEXT_HTTP_AUTHORIZATION))
            await ws.close(code=WSCloseCode.POLICY_VIOLATION, message=b"HTTP authorization error")
            return ws
        connection = GuestConnection(
            ws, deployment, state, request.app[FLOW_KEY], transport=request.transport
        )
        async for msg in ws:
            if msg.type == WSMsgType.TEXT:
                await connection.handle_text(msg.data)
            elif msg.type == WSMsgType.BINARY:
                await frames.send(ws, frames.string_error(400, frames.TEXT_REQUEST_FAILED))
    finally:
        state.sockets.discard(ws)
        if connection is not None:
            connection.detach()
    return ws


def add_routes(app: web.Application) -> None:
    app.router.add_get("/v1", guest_socket)
