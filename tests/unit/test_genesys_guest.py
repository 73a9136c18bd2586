"""GuestSession against a tiny aiohttp WebSocket server that replays the recorded frames.

A real socket on 127.0.0.1, not a mock: each test scripts what the server answers per action.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import web

from inspector.genesys import (
    GenesysError,
    GuestConnectionClosed,
    GuestError,
    GuestSession,
    NetworkError,
    OrgEndpoints,
    RequestTimeout,
)
from tests.recorded import RECORDED

DEPLOYMENT_ID = "df2ad262-7fe2-4fb2-9a83-e34be463713a"
ORIGIN = "https://shop.example.com"


def frame(name: str, tracing_id: str | None = None, **body: Any) -> dict[str, Any]:
    """A recorded guest frame, with the request's tracingId copied onto the envelope."""
    data = json.loads((RECORDED / "guest" / name).read_text(encoding="utf-8"))
    data.pop("tracingId", None)
    if tracing_id is not None:
        data["tracingId"] = tracing_id
    data["body"] = {**data["body"], **body} if body else data["body"]
    return data


Action = Callable[[web.WebSocketResponse, dict[str, Any]], Awaitable[None]]


async def answer_configure(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
    await ws.send_json(frame("SessionResponse.json", request["tracingId"]))


async def answer_message(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
    """Echo the message (inbound) with a fresh id, then push the bot's reply."""
    echo = frame(
        "StructuredMessage.inbound-echo.json",
        request["tracingId"],
        id=str(uuid.uuid4()),
        text=request["message"]["text"],
    )
    await ws.send_json(echo)
    await ws.send_json(frame("StructuredMessage.outbound-text.json"))


async def answer_close(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
    # Genesys' mock: a SessionResponse, then ConnectionClosedEvent, then the socket closes.
    name = "closeSession.response.official-wiremock-mock.SessionResponse.json"
    await ws.send_json(frame(name, request["tracingId"]))
    await ws.send_json(frame("closeSession.response.ConnectionClosedEvent.json"))
    await ws.close()


class GuestServer:
    """Records requests, Origin headers and query strings; answers per action."""

    def __init__(self) -> None:
        self.actions: dict[str, Action] = {
            "configureSession": answer_configure,
            "onMessage": answer_message,
            "closeSession": answer_close,
        }
        self.requests: list[dict[str, Any]] = []
        self.origins: list[str | None] = []
        self.queries: list[dict[str, str]] = []
        self.refuse_status: int | None = None
        self.endpoints: OrgEndpoints | None = None
        self.upgrades: list[web.Request] = []

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.origins.append(request.headers.get("Origin"))
        self.queries.append(dict(request.query))
        if self.refuse_status is not None:
            return web.Response(status=self.refuse_status, text="origin not allowed")
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.upgrades.append(request)
        async for message in ws:
            data = json.loads(message.data)
            self.requests.append(data)
            action = self.actions.get(data["action"])
            if action is not None:
                await action(ws, data)
        return ws

    def actions_seen(self) -> list[str]:
        return [r["action"] for r in self.requests]


@pytest.fixture
async def server() -> AsyncIterator[GuestServer]:
    fake = GuestServer()
    app = web.Application()
    app.router.add_get("/v1", fake.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    fake.endpoints = OrgEndpoints.for_custom_domain(f"http://{host}:{port}")
    yield fake
    await runner.cleanup()


def guest(server: GuestServer, **kwargs: Any) -> GuestSession:
    assert server.endpoints is not None
    kwargs.setdefault("origin", ORIGIN)
    kwargs.setdefault("timeout", 2.0)
    return GuestSession(server.endpoints, DEPLOYMENT_ID, **kwargs)


def reader_tasks() -> list[asyncio.Task[Any]]:
    return [t for t in asyncio.all_tasks() if t.get_name() == "inspector-guest-reader"]


async def test_configure_sends_the_session_request(server: GuestServer) -> None:
    async with guest(server) as session:
        info = await session.configure()
    assert info.connected is True
    assert info.new_session is True
    assert info.max_custom_data_bytes == 100  # from SessionResponse.json
    assert server.origins == [ORIGIN]
    assert server.queries == [{"deploymentId": DEPLOYMENT_ID}]
    configure = server.requests[0]
    assert configure["action"] == "configureSession"
    assert configure["deploymentId"] == DEPLOYMENT_ID
    assert str(uuid.UUID(configure["token"])) == configure["token"]  # client-made (NOTES 21)
    assert configure["token"] == session.token


async def test_every_request_has_a_fresh_tracing_id(
    server: GuestServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="inspector.genesys")
    async with guest(server, token="guest-token-1") as session:
        await session.configure()
        await session.send_text("one")
        await session.send_text("two")
    assert server.actions_seen() == ["configureSession", "onMessage", "onMessage", "closeSession"]
    tracing_ids = [r["tracingId"] for r in server.requests]
    assert len(set(tracing_ids)) == 4
    assert {r["token"] for r in server.requests} == {"guest-token-1"}
    assert "onMessage" in caplog.text
    assert "guest-token-1" not in caplog.text  # the guest token resumes the session: secret


async def test_the_socket_library_logs_no_frames(
    server: GuestServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # every logger, as the log file keeps DEBUG
    async with guest(server, token="guest-token-2") as session:
        await session.configure()
        await session.send_text("Hello", {"crmCustomerId": "CRM-SECRET-1"})
    assert "guest <- " in caplog.text
    assert "guest-token-2" not in caplog.text
    assert "CRM-SECRET-1" not in caplog.text


async def test_send_text_puts_attributes_in_channel_metadata(server: GuestServer) -> None:
    attributes = {"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}
    async with guest(server) as session:
        await session.configure()
        echo = await session.send_text("Hello", attributes)
    sent = server.requests[1]
    assert sent["message"] == {
        "type": "Text",
        "text": "Hello",
        "channel": {"metadata": {"customAttributes": attributes}},
    }
    assert "channel" not in sent  # not the deprecated top-level placement (NOTES 14)
    assert echo.direction == "Inbound"
    assert echo.text == "Hello"
    assert echo.id != "test_id"  # the server's fresh id, not a fixture constant
    assert echo.raw["channel"]["messageId"] == "message_id"


async def test_send_text_without_attributes_omits_channel(server: GuestServer) -> None:
    async with guest(server) as session:
        await session.configure()
        await session.send_text("Hello")
    assert server.requests[1]["message"] == {"type": "Text", "text": "Hello"}


async def test_bot_reply_arrives_on_the_queue(server: GuestServer) -> None:
    async with guest(server) as session:
        await session.configure()
        echo = await session.send_text("Hello")
        reply = await session.next_message()
    assert reply.direction == "Outbound"
    assert reply.originating_entity == "Bot"
    assert reply.text == "Hello world"
    assert reply.id != echo.id


async def test_replies_are_matched_by_tracing_id(server: GuestServer) -> None:
    """Two messages in flight; the server answers the second one first."""
    held: list[dict[str, Any]] = []

    async def answer_in_reverse(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        held.append(request)
        if len(held) == 2:
            for pending in reversed(held):
                echo = frame(
                    "StructuredMessage.inbound-echo.json",
                    pending["tracingId"],
                    id=f"id-{pending['message']['text']}",
                    text=pending["message"]["text"],
                )
                await ws.send_json(echo)

    server.actions["onMessage"] = answer_in_reverse
    async with guest(server) as session:
        await session.configure()
        first, second = await asyncio.gather(session.send_text("a"), session.send_text("b"))
    assert (first.id, second.id) == ("id-a", "id-b")


async def test_echo_without_tracing_id_still_answers(server: GuestServer) -> None:
    async def ovotech_echo(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        await ws.send_json(frame("StructuredMessage.inbound-echo.ovotech.json"))

    server.actions["onMessage"] = ovotech_echo
    async with guest(server) as session:
        await session.configure()
        echo = await session.send_text("hello world")
    assert echo.id == "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
    assert echo.originating_entity == ""


@pytest.mark.parametrize("with_tracing_id", [True, False])
async def test_custom_attributes_too_large(server: GuestServer, with_tracing_id: bool) -> None:
    async def too_large(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        tracing_id = request["tracingId"] if with_tracing_id else None
        await ws.send_json(frame("error-custom-attributes-too-large-4013.json", tracing_id))

    server.actions["onMessage"] = too_large
    async with guest(server) as session:
        await session.configure()
        with pytest.raises(GuestError) as info:
            await session.send_text("Hello", {"big": "x" * 3000})
    error = info.value
    assert error.code == 4013
    assert error.klass == "string"
    assert error.body == "Custom Attributes in channel metadata is larger than 2048 bytes"
    assert error.action == "onMessage"
    assert not error.session_expired


async def test_rate_limited(server: GuestServer) -> None:
    async def too_many(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        await ws.send_json(frame("error-too-many-requests-4029.json", request["tracingId"]))

    server.actions["onMessage"] = too_many
    async with guest(server) as session:
        await session.configure()
        with pytest.raises(GuestError) as info:
            await session.send_text("Hello")
    assert info.value.code == 429
    assert info.value.klass == "TooManyRequestsErrorMessage"
    assert info.value.retry_after == 3.0
    assert info.value.body["errorCode"] == 4029
    assert "Retry after 3 s" in info.value.user_message()


@pytest.mark.parametrize(
    "name", ["SessionExpiredEvent.json", "error-session-expired-4006.json"]
)  # both shapes (NOTES 5)
async def test_session_expired_answers_configure(server: GuestServer, name: str) -> None:
    async def expired(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        await ws.send_json(frame(name, request["tracingId"]))

    server.actions["configureSession"] = expired
    async with guest(server) as session:
        with pytest.raises(GuestError) as info:
            await session.configure()
    assert info.value.session_expired
    assert "session expired" in str(info.value)
    assert "closeSession" not in server.actions_seen()  # never connected: nothing to close


async def test_pushed_session_expiry_raises_from_next_message(server: GuestServer) -> None:
    async def expire_after_echo(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        await ws.send_json(frame("StructuredMessage.inbound-echo.json", request["tracingId"]))
        await ws.send_json(frame("event-typing.json"))
        await ws.send_json(frame("SessionExpiredEvent.json"))

    server.actions["onMessage"] = expire_after_echo
    async with guest(server) as session:
        await session.configure()
        await session.send_text("Hello")
        with pytest.raises(GuestError) as info:
            await session.next_message()
    assert info.value.session_expired


async def test_events_are_skipped_unless_asked_for(server: GuestServer) -> None:
    async def chatty(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        await ws.send_json(frame("StructuredMessage.inbound-echo.json", request["tracingId"]))
        await ws.send_json(frame("event-typing.json"))
        await ws.send_json(frame("StructuredMessage.outbound-quickreplies.json"))
        await ws.send_json(frame("event-presence-disconnect.json"))

    server.actions["onMessage"] = chatty
    async with guest(server) as session:
        await session.configure()
        await session.send_text("Hello")
        reply = await session.next_message()
        event = await session.next_message(include_events=True)
    assert (reply.type, reply.text) == ("Structured", "What would you like to do?")
    assert event.type == "Event"
    assert event.raw["events"][0]["presence"]["type"] == "Disconnect"


async def test_unknown_and_malformed_frames_are_ignored(server: GuestServer) -> None:
    async def noisy(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        await ws.send_str("not json at all")
        await ws.send_str("[1, 2, 3]")
        await ws.send_bytes(b"\x00\x01")
        extra = json.loads((RECORDED / "guest/extra/UploadSuccessEvent.json").read_text())
        await ws.send_json(extra)
        await ws.send_json({"type": "message", "class": "FutureEvent", "code": 200, "body": {}})
        await answer_configure(ws, request)

    server.actions["configureSession"] = noisy
    async with guest(server) as session:
        info = await session.configure()
    assert info.connected


async def test_abrupt_close_while_waiting(server: GuestServer) -> None:
    async def hang_up(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        await ws.close(code=4000, message=b"gone")

    server.actions["onMessage"] = hang_up
    async with guest(server) as session:
        await session.configure()
        with pytest.raises(GuestConnectionClosed) as info:
            await session.send_text("Hello")
        assert info.value.close_code == 4000
        # Every later wait fails the same way instead of hanging.
        for _ in range(2):
            with pytest.raises(GuestConnectionClosed):
                await session.next_message(timeout=1)
        with pytest.raises(GuestConnectionClosed):
            await session.send_text("again")


async def test_close_while_waiting_for_a_reply(server: GuestServer) -> None:
    async def echo_then_hang_up(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        await ws.send_json(frame("StructuredMessage.inbound-echo.json", request["tracingId"]))
        await asyncio.sleep(0.2)  # the client is waiting in next_message by now
        await ws.close(code=1001)

    server.actions["onMessage"] = echo_then_hang_up
    async with guest(server, timeout=5) as session:
        await session.configure()
        await session.send_text("Hello")
        async with asyncio.timeout(2):  # fails fast, not after the 5 s message timeout
            with pytest.raises(GuestConnectionClosed) as info:
                await session.next_message()
    assert info.value.close_code == 1001


async def test_transport_lost_while_waiting(server: GuestServer) -> None:
    async def drop(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        transport = server.upgrades[-1].transport
        assert transport is not None
        transport.abort()  # no close frame at all

    server.actions["onMessage"] = drop
    async with guest(server) as session:
        await session.configure()
        with pytest.raises(GuestConnectionClosed):
            await session.send_text("Hello")


async def test_signed_in_elsewhere_reason(server: GuestServer) -> None:
    async def signed_in(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        await ws.send_json(frame("StructuredMessage.inbound-echo.json", request["tracingId"]))
        await ws.send_json(frame("ConnectionClosedEvent.signedIn.json"))
        await ws.close()

    server.actions["onMessage"] = signed_in
    async with guest(server) as session:
        await session.configure()
        await session.send_text("Hello")
        with pytest.raises(GuestConnectionClosed) as info:
            await session.next_message()
    assert info.value.reason == "signedIn"


async def test_no_answer_is_a_timeout(server: GuestServer) -> None:
    async def silent(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        return None

    server.actions["configureSession"] = silent
    async with guest(server, timeout=0.2) as session:
        with pytest.raises(RequestTimeout, match="configureSession"):
            await session.configure()


async def test_next_message_timeout(server: GuestServer) -> None:
    async with guest(server) as session:
        await session.configure()
        with pytest.raises(RequestTimeout) as info:
            await session.next_message(timeout=0.1)
    assert info.value.timeout == 0.1


async def test_refused_upgrade_is_a_guest_error(server: GuestServer) -> None:
    server.refuse_status = 403
    session = guest(server)
    with pytest.raises(GuestError) as info:
        await session.connect()
    assert info.value.code == 403
    assert info.value.klass == "HandshakeRefused"
    assert ORIGIN in str(info.value)
    assert "allowed" in info.value.user_message()
    await session.close()  # safe after a failed connect


async def test_nothing_listening_is_a_network_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    endpoints = OrgEndpoints.for_custom_domain(f"http://127.0.0.1:{port}")
    with pytest.raises(NetworkError) as info:
        async with GuestSession(endpoints, DEPLOYMENT_ID, origin=ORIGIN, timeout=2):
            pass
    assert info.value.host == f"127.0.0.1:{port}"


async def test_close_ends_the_session_and_the_reader(server: GuestServer) -> None:
    session = guest(server)
    await session.connect()
    await session.configure()
    assert len(reader_tasks()) == 1
    await session.close()
    close = server.requests[-1]
    assert close["action"] == "closeSession"
    assert close["closeAllConnections"] is True
    assert close["token"] == session.token
    assert reader_tasks() == []
    await session.close()  # idempotent
    assert server.actions_seen().count("closeSession") == 1


async def test_close_without_an_answer_does_not_hang(server: GuestServer) -> None:
    async def ignore(ws: web.WebSocketResponse, request: dict[str, Any]) -> None:
        return None

    server.actions["closeSession"] = ignore
    session = guest(server, timeout=0.3)
    await session.connect()
    await session.configure()
    async with asyncio.timeout(3):
        await session.close()
    assert reader_tasks() == []


async def test_close_before_configure_sends_nothing(server: GuestServer) -> None:
    async with guest(server):
        pass
    assert server.requests == []


async def test_errors_are_genesys_errors(server: GuestServer) -> None:
    server.actions["configureSession"] = lambda ws, request: ws.send_json(
        frame("error-400-request-failed.json", request["tracingId"])
    )
    async with guest(server) as session:
        with pytest.raises(GenesysError) as info:
            await session.configure()
    assert isinstance(info.value, GuestError)
    assert info.value.code == 400
    assert info.value.body == "Request failed."
