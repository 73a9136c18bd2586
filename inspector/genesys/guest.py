"""Guest web messaging client: what the Messenger speaks underneath, for headless runs.

One WebSocket per guest session (``wss://webmessaging.<domain>/v1?deploymentId=...``). A reader
task routes server frames: answers go to the request that is waiting for them (matched on the
envelope's ``tracingId``, NOTES 2), pushed messages (bot and agent replies) to a queue.
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal
from urllib.parse import urlencode, urlsplit
from uuid import uuid4

# websockets rather than aiohttp for the socket: aiohttp takes about 160 ms to import (its
# connector builds SSL contexts), websockets' asyncio client about 75 ms, and a headless guest
# exchange run as its own process pays that on every run.
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as open_socket
from websockets.exceptions import (
    ConnectionClosed,
    ConnectionClosedError,
    InvalidStatus,
    WebSocketException,
)
from websockets.typing import Origin

from .errors import (
    GenesysError,
    GuestConnectionClosed,
    GuestError,
    NetworkError,
    RequestTimeout,
)
from .models import GuestMessage, SessionInfo
from .regions import OrgEndpoints

__all__ = ["GuestSession"]

log = logging.getLogger("inspector.genesys")

# Error frames: most are class "string" with an application code (NOTES 3), rate limiting has
# its own class (NOTES 4), and expiry may come as an event with code 200 (NOTES 5).
_ERROR_CLASSES = frozenset({"string", "TooManyRequestsErrorMessage", "SessionExpiredEvent"})
# Session-level errors are worth raising from next_message even when no request is waiting.
_SESSION_ERROR_CODES = frozenset({4006, 4007})
# The answer to closeSession, and the server's close handshake, may never come: do not hold
# shutdown for long.
_CLOSE_SESSION_WAIT = 2.0
# aiohttp's limit for one incoming message, kept: a larger frame closes the socket (1009).
_MAX_MESSAGE_BYTES = 4 * 2**20

_Kind = Literal["session", "echo", "close"]


def _is_error(frame: Mapping[str, Any]) -> bool:
    code = frame.get("code")
    klass = frame.get("class")
    # A hostile frame may carry any JSON as its class; only strings name a class.
    return (isinstance(klass, str) and klass in _ERROR_CLASSES) or (
        isinstance(code, int) and code >= 400 and frame.get("class") != "StructuredMessage"
    )


def _error_from(frame: Mapping[str, Any], action: str | None) -> GuestError:
    body = frame.get("body")
    code = frame.get("code")
    retry_after = body.get("retryAfter") if isinstance(body, dict) else None
    return GuestError(
        code if isinstance(code, int) else 0,
        body,
        str(frame.get("class")),
        retry_after=float(retry_after) if isinstance(retry_after, int | float) else None,
        action=action,
    )


class _SocketLog(logging.LoggerAdapter[logging.Logger]):
    """The socket library's own log, kept to warnings and errors.

    At DEBUG it writes out every frame, and frames carry the guest token (it resumes the
    session) and the customer's attributes; at INFO it notes every close.
    """

    def isEnabledFor(self, level: int) -> bool:
        return level >= logging.WARNING and super().isEnabledFor(level)


@dataclass
class _Pending:
    """A request waiting for its answer."""

    action: str
    kind: _Kind
    future: asyncio.Future[dict[str, Any]]

    def accepts(self, frame: Mapping[str, Any]) -> bool:
        klass = frame.get("class")
        if _is_error(frame):
            return True
        if self.kind == "session":
            return klass == "SessionResponse"
        if self.kind == "close":
            # Genesys' mock answers SessionResponse, then ConnectionClosedEvent (NOTES 17).
            return klass in ("SessionResponse", "ConnectionClosedEvent")
        body = frame.get("body")
        return (
            klass == "StructuredMessage"
            and isinstance(body, dict)
            and body.get("direction") == "Inbound"
        )


class GuestSession:
    """One guest session on a web messaging deployment.

    Use as ``async with GuestSession(...) as guest:``; then ``configure()``, ``send_text()``,
    ``next_message()``. ``close()`` ends the session on the server and releases the socket.
    The guest protocol has no separate "clear session": ``closeSession`` (sent by ``close()``)
    is the cleanup; Messenger's ``MessagingService.clearSession`` is a page-side command.
    """

    def __init__(
        self,
        endpoints: OrgEndpoints,
        deployment_id: str,
        *,
        origin: str | None,
        token: str | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._endpoints = endpoints
        self._deployment_id = deployment_id
        self._origin = origin
        # The guest token is made by the client; a UUID is what Genesys recommends (NOTES 21).
        self._token = token or str(uuid4())
        self._timeout = timeout
        self._ws: ClientConnection | None = None
        # True from a successful connect() until close() has let go of the socket.
        self._holds_socket = False
        self._reader: asyncio.Task[None] | None = None
        self._pending: dict[str, _Pending] = {}
        self._queue: asyncio.Queue[GuestMessage | GenesysError] = asyncio.Queue()
        self._closed: GuestConnectionClosed | None = None
        self._close_reason: str | None = None
        self._session_info: SessionInfo | None = None
        # The onMessage fields of every message sent, in order ({"message": ..., "channel"?}).
        self.sent_frames: list[dict[str, Any]] = []

    def __repr__(self) -> str:
        return f"GuestSession(deployment_id={self._deployment_id!r}, origin={self._origin!r})"

    @property
    def token(self) -> str:
        """The guest session token; it resumes the session, so treat it as a secret."""
        return self._token

    @property
    def session_info(self) -> SessionInfo | None:
        """The last ``SessionResponse`` from :meth:`configure`."""
        return self._session_info

    @property
    def released(self) -> bool:
        """True once nothing of this session holds a socket: never opened, or closed."""
        return self._reader is None and not self._holds_socket

    @property
    def url(self) -> str:
        return f"{self._endpoints.webmessaging}/v1"

    async def connect(self) -> None:
        """Open the WebSocket; the server checks ``Origin`` against the allowed domains."""
        if self._ws is not None:
            raise RuntimeError("GuestSession.connect() called twice")
        host = urlsplit(self.url).netloc
        url = f"{self.url}?{urlencode({'deploymentId': self._deployment_id})}"
        try:
            async with asyncio.timeout(self._timeout):
                self._ws = await open_socket(
                    url,
                    origin=None if self._origin is None else Origin(self._origin),
                    # Direct (no proxy from the environment), uncompressed and without
                    # keepalive pings: how this client has always connected.
                    proxy=None,
                    compression=None,
                    ping_interval=None,
                    open_timeout=None,  # the asyncio.timeout above
                    close_timeout=min(self._timeout, _CLOSE_SESSION_WAIT),
                    max_size=_MAX_MESSAGE_BYTES,
                    logger=_SocketLog(log),
                )
        except InvalidStatus as exc:
            status = exc.response.status_code
            detail = (
                f"HTTP {status} {exc.response.reason_phrase} on the WebSocket upgrade: check the "
                f"deployment id, that the deployment is active, and that origin "
                f"{self._origin!r} is allowed"
            )
            raise GuestError(status, detail, "HandshakeRefused", action="connect") from exc
        except TimeoutError as exc:
            raise RequestTimeout(f"WebSocket connect to {host}", self._timeout) from exc
        except (WebSocketException, OSError) as exc:
            raise NetworkError(host, f"{type(exc).__name__}: {exc}") from exc
        self._holds_socket = True
        log.debug("guest socket open to %s (deployment %s)", host, self._deployment_id)
        self._reader = asyncio.create_task(self._read(self._ws), name="inspector-guest-reader")

    async def configure(self, *, journey_context: Mapping[str, Any] | None = None) -> SessionInfo:
        """Start or resume the guest session (``configureSession``)."""
        fields: dict[str, Any] = {"deploymentId": self._deployment_id}
        if journey_context is not None:
            fields["journeyContext"] = dict(journey_context)
        reply = await self._request("configureSession", "session", fields)
        self._session_info = SessionInfo.parse(reply.get("body"), "configureSession")
        return self._session_info

    async def send_text(
        self,
        text: str,
        custom_attributes: Mapping[str, str] | None = None,
        *,
        placement: Literal["message", "legacy"] = "message",
    ) -> GuestMessage:
        """Send a text message, attributes at ``message.channel.metadata.customAttributes``.

        ``placement="legacy"`` puts them in the deprecated top-level ``channel`` beside the
        message instead (older SDKs, NOTES 14), to reproduce what such a website sends.
        Returns the server's inbound echo; its ``id`` is what ``/details`` resolves.
        """
        message: dict[str, Any] = {"type": "Text", "text": text}
        fields: dict[str, Any] = {"message": message}
        if custom_attributes:
            channel = {"metadata": {"customAttributes": dict(custom_attributes)}}
            if placement == "legacy":
                fields["channel"] = channel
            else:
                message["channel"] = channel
        # Kept before the write, as Messenger publishes sendingMessage: what left, as it left.
        self.sent_frames.append(copy.deepcopy(fields))
        reply = await self._request("onMessage", "echo", fields)
        return GuestMessage.parse(reply.get("body"), "onMessage echo")

    async def next_message(
        self,
        *,
        direction: str | None = "Outbound",
        timeout: float | None = None,  # noqa: ASYNC109 - public API; maps to RequestTimeout
        include_events: bool = False,
    ) -> GuestMessage:
        """The next pushed ``StructuredMessage`` in ``direction`` (None: any).

        Messages that do not match, and events (typing, presence) unless ``include_events``,
        are dropped. Session-level errors pushed by the server are raised here.
        """
        if self._ws is None:
            raise RuntimeError("GuestSession is not connected")
        limit = self._timeout if timeout is None else timeout
        try:
            async with asyncio.timeout(limit):
                while True:
                    if self._queue.empty() and self._closed is not None:
                        raise self._closed
                    item = await self._queue.get()
                    if isinstance(item, GenesysError):
                        raise item
                    if direction is not None and item.direction != direction:
                        continue
                    if item.type == "Event" and not include_events:
                        continue
                    return item
        except TimeoutError:
            raise RequestTimeout(f"no {direction or 'new'} message", limit) from None

    async def close(self) -> None:
        """End the session (``closeSession``), close the socket, stop the reader. Idempotent."""
        ws = self._ws
        info = self._session_info
        try:
            if ws is not None and self._closed is None and info is not None and info.connected:
                try:
                    await self._request(
                        "closeSession",
                        "close",
                        {"closeAllConnections": True},  # required (NOTES 17)
                        wait=min(self._timeout, _CLOSE_SESSION_WAIT),
                    )
                except GenesysError as exc:
                    log.debug("closeSession: %s", exc)
            if ws is not None:
                await ws.close()
        finally:
            # Runs also when the caller is being cancelled: the socket must not leak.
            try:
                await self._stop_reader()
            finally:
                if ws is not None and ws.close_code is None:
                    ws.transport.abort()  # close() did not finish: cancelled
                self._holds_socket = False

    async def _stop_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is None:
            return
        reader.cancel()
        # wait() does not re-raise the reader's own CancelledError, only a cancellation of
        # the caller; `await reader` plus Task.cancelling() cannot tell the two apart once
        # the caller has been cancelled before (cancelling() stays > 0 until uncancel()).
        await asyncio.wait([reader])
        if not reader.cancelled() and reader.exception() is not None:
            log.debug("guest reader ended with %r", reader.exception())

    async def __aenter__(self) -> GuestSession:
        try:
            await self.connect()
        except BaseException:
            await self.close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _request(
        self,
        action: str,
        kind: _Kind,
        fields: Mapping[str, Any],
        *,
        wait: float | None = None,
    ) -> dict[str, Any]:
        """Send one frame with a fresh ``tracingId`` and wait for its answer."""
        ws = self._ws
        if ws is None:
            raise RuntimeError("GuestSession is not connected")
        if self._closed is not None:
            raise self._closed
        tracing_id = str(uuid4())
        frame = {"token": self._token, **fields, "tracingId": tracing_id, "action": action}
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[tracing_id] = _Pending(action, kind, future)
        limit = self._timeout if wait is None else wait
        unsent: ConnectionClosed | ConnectionError | None = None
        try:
            log.debug("guest -> %s (tracingId %s)", action, tracing_id)
            try:
                await ws.send(json.dumps(frame))
            except (ConnectionClosed, ConnectionError) as exc:
                # The socket closed before the frame left, but what came before the close is
                # still to be read and may answer it: a refused Origin gets a 403 frame, then
                # the close (1008). The reader settles the future either way.
                unsent = exc
            async with asyncio.timeout(limit):
                reply = await future
        except TimeoutError:
            raise RequestTimeout(f"no answer to {action}", limit) from None
        except GuestConnectionClosed:
            if unsent is None:
                raise
            raise GuestConnectionClosed(ws.close_code, f"sending {action}: {unsent}") from unsent
        finally:
            self._pending.pop(tracing_id, None)
        if _is_error(reply):
            raise _error_from(reply, action)
        return reply

    async def _read(self, ws: ClientConnection) -> None:
        close_code: int | None = None
        try:
            async for message in ws:
                if isinstance(message, str):
                    try:
                        self._on_text(message)
                    except Exception:  # a routing bug must not end the session silently
                        log.exception("guest frame could not be handled")
                else:
                    log.debug("guest frame of type BINARY ignored")
        except ConnectionClosedError as exc:  # no close frame, a protocol error, too large
            log.debug("guest socket error: %s", exc)
            if exc.rcvd is None and exc.sent is not None:
                # This end failed the connection (1009 for a frame over the limit, 1002,
                # 1007): its code says why, the 1006 of the missing answer does not.
                close_code = exc.sent.code
        finally:
            self._on_closed(ws.close_code if close_code is None else close_code)

    def _on_closed(self, close_code: int | None) -> None:
        self._closed = GuestConnectionClosed(close_code, self._close_reason)
        log.debug("guest socket closed (code %s)", close_code)
        for pending in self._pending.values():
            if not pending.future.done():
                pending.future.set_exception(self._closed)
        self._queue.put_nowait(self._closed)

    def _on_text(self, data: str) -> None:
        try:
            frame = json.loads(data)
        except (ValueError, RecursionError):  # nesting deeper than json recurses
            log.debug("guest frame is not JSON; ignored")
            return
        if not isinstance(frame, dict):
            log.debug("guest frame is not an object; ignored")
            return
        klass = frame.get("class")
        log.debug(
            "guest <- %s %s code %s (tracingId %s)",
            frame.get("type"),
            klass,
            frame.get("code"),
            frame.get("tracingId"),
        )
        if self._answer(frame):
            return
        if klass == "StructuredMessage":
            try:
                self._queue.put_nowait(GuestMessage.parse(frame.get("body"), "StructuredMessage"))
            except GenesysError as exc:
                log.warning("pushed StructuredMessage ignored: %s", exc)
        elif _is_error(frame):
            error = _error_from(frame, None)
            if error.session_expired or error.code in _SESSION_ERROR_CODES:
                self._queue.put_nowait(error)
            else:
                log.debug("unsolicited guest error ignored: %s", error)
        elif klass == "ConnectionClosedEvent":
            body = frame.get("body")
            if isinstance(body, dict):
                # "reason" in the SDK, "reasonCode" in the swagger (NOTES 17).
                reason = body.get("reason") or body.get("reasonCode")
                self._close_reason = str(reason) if reason else "ConnectionClosedEvent"
        else:
            log.debug("guest frame class %r ignored", klass)

    def _answer(self, frame: Mapping[str, Any]) -> bool:
        """Hand ``frame`` to the request it answers; False if it answers none."""
        tracing_id = frame.get("tracingId")
        if tracing_id:
            pending = self._pending.get(str(tracing_id))
            candidates = [pending] if pending is not None else []
        else:
            # Fixture error frames and some echoes carry no tracingId (NOTES 2): give it to
            # the oldest waiting request that expects this kind of frame.
            candidates = list(self._pending.values())
        for pending in candidates:
            if pending.accepts(frame) and not pending.future.done():
                pending.future.set_result(dict(frame))
                return True
        return False
