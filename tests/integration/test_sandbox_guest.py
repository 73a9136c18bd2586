"""The guest WebSocket (/v1) over real sockets: envelopes, errors, origins, session lifecycle."""

from __future__ import annotations

import asyncio
import json
import re
import uuid
from typing import Any

import aiohttp
import pytest

from inspector.sandbox import (
    SANDBOX_AUTH_DEPLOYMENT_ID,
    SANDBOX_DEPLOYMENT_ID,
    SANDBOX_ORIGIN,
    SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID,
    SandboxOrg,
)
from tests.recorded import recorded

DASHED_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


@pytest.fixture
async def org():
    async with SandboxOrg(propagation_delay=0.05, bot_reply_delay=0.05) as org:
        yield org


@pytest.fixture
async def session():
    async with aiohttp.ClientSession() as session:
        yield session


def socket_url(org: SandboxOrg, deployment_id: str = SANDBOX_DEPLOYMENT_ID) -> str:
    return f"ws://127.0.0.1:{org.port}/v1?deploymentId={deployment_id}"


@pytest.fixture
async def ws(org, session):
    async with session.ws_connect(socket_url(org), origin=SANDBOX_ORIGIN) as ws:
        yield ws


async def receive(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    message = await ws.receive(timeout=3)
    assert message.type == aiohttp.WSMsgType.TEXT, message
    return json.loads(message.data)


async def nothing_arrives(ws: aiohttp.ClientWebSocketResponse, seconds: float) -> None:
    with pytest.raises(asyncio.TimeoutError):
        await ws.receive(timeout=seconds)


async def configure(
    ws: aiohttp.ClientWebSocketResponse,
    token: str | None = None,
    deployment_id: str = SANDBOX_DEPLOYMENT_ID,
) -> str:
    token = token or str(uuid.uuid4())
    await ws.send_json(
        {"token": token, "deploymentId": deployment_id, "action": "configureSession"}
    )
    frame = await receive(ws)
    assert frame["class"] == "SessionResponse", frame
    return token


def text_message(token: str, text: str, attributes: dict[str, str] | None = None) -> dict:
    message: dict[str, Any] = {"type": "Text", "text": text}
    if attributes is not None:
        message["channel"] = {"metadata": {"customAttributes": attributes}}
    return {
        "token": token,
        "message": message,
        "tracingId": str(uuid.uuid4()),
        "action": "onMessage",
    }


# --- configureSession -------------------------------------------------------------------------


async def test_configure_session_answers_a_full_session_response(ws):
    request = recorded("guest/configureSession.request.json")
    request.update(token=str(uuid.uuid4()), deploymentId=SANDBOX_DEPLOYMENT_ID)
    await ws.send_json(request)
    frame = await receive(ws)
    assert set(frame) == {"type", "class", "code", "body", "tracingId"}
    assert (frame["type"], frame["class"], frame["code"]) == ("response", "SessionResponse", 200)
    assert frame["tracingId"] == "tracing_id"
    body = frame["body"]
    allowed = set(recorded("guest/SessionResponse.json")["body"]) | {
        "durationSeconds",
        "expirationDate",
    }
    assert set(body) == allowed
    assert body["connected"] is True and body["newSession"] is True and body["readOnly"] is False
    assert body["maxCustomDataBytes"] == 2048
    assert all(set(t) == {"type"} for t in body["allowedMedia"]["inbound"]["fileTypes"])
    assert isinstance(body["expirationDate"], int) and isinstance(body["durationSeconds"], int)


async def test_reconnecting_with_the_same_token_is_not_a_new_session(org, session, ws):
    token = await configure(ws)
    async with session.ws_connect(socket_url(org), origin=SANDBOX_ORIGIN) as second:
        await second.send_json(
            {"action": "configureSession", "token": token, "deploymentId": SANDBOX_DEPLOYMENT_ID}
        )
        frame = await receive(second)
        assert frame["body"]["newSession"] is False


async def test_minimal_request_in_any_key_order_with_unknown_fields(ws):
    await ws.send_json(
        {
            "action": "configureSession",
            "somethingNew": {"x": 1},
            "deploymentId": SANDBOX_DEPLOYMENT_ID,
            "token": "t-" + uuid.uuid4().hex,
        }
    )
    frame = await receive(ws)
    assert frame["class"] == "SessionResponse"
    assert "tracingId" not in frame


# --- errors -----------------------------------------------------------------------------------


async def test_on_message_before_configure_session_is_4007(ws):
    await ws.send_json(text_message("never-configured", "hi"))
    frame = await receive(ws)
    assert (frame["type"], frame["class"], frame["code"]) == ("response", "string", 4007)
    assert isinstance(frame["body"], str) and frame["body"]


@pytest.mark.parametrize("raw", ["not json", "[1, 2]", '{"action": "fly", "token": "x"}'])
async def test_malformed_or_unknown_action_is_400_request_failed(ws, raw):
    await ws.send_str(raw)
    frame = await receive(ws)
    assert frame == recorded("guest/error-400-request-failed.json")


async def test_errors_copy_the_tracing_id(ws):
    await ws.send_json({"action": "fly", "tracingId": "trace-me"})
    frame = await receive(ws)
    assert frame["code"] == 400 and frame["tracingId"] == "trace-me"


async def test_custom_attributes_over_2048_utf8_bytes_are_4013_and_refused(ws, org):
    token = await configure(ws)
    # 1 + 1024 * 2 = 2049 bytes in UTF-8 although only 1025 characters.
    await ws.send_json(text_message(token, "too big", {"k": "é" * 1024}))
    frame = await receive(ws)
    expected = recorded("guest/error-custom-attributes-too-large-4013.json")
    assert frame.pop("tracingId")
    assert frame == expected
    await nothing_arrives(ws, 0.3)  # no echo, no bot reply: the message was not accepted


async def test_custom_attributes_of_exactly_2048_bytes_are_accepted(ws):
    token = await configure(ws)
    await ws.send_json(text_message(token, "fits", {"k": "é" * 1023 + "a"}))
    frame = await receive(ws)
    assert frame["class"] == "StructuredMessage"
    assert frame["body"]["direction"] == "Inbound"


async def test_a_text_over_4000_characters_is_4011_message_too_long(ws, org):
    token = await configure(ws)
    await ws.send_json(text_message(token, "x" * 4000))
    assert (await receive(ws))["class"] == "StructuredMessage"
    request = text_message(token, "x" * 4001)
    await ws.send_json(request)
    frame = await receive(ws)
    assert frame == {
        **recorded("guest/error-message-too-long-4011.json"),
        "tracingId": request["tracingId"],
    }


async def test_custom_attributes_must_be_a_flat_map(ws):
    token = await configure(ws)
    await ws.send_json(text_message(token, "nested", {"k": {"deep": "x"}}))  # type: ignore[dict-item]
    frame = await receive(ws)
    assert (frame["class"], frame["code"]) == ("string", 400)


async def test_typing_and_presence_clear_are_feature_gated_403(ws):
    token = await configure(ws)
    typing = recorded("guest/typing.request.json")
    typing["token"] = token
    await ws.send_json(typing)
    assert await receive(ws) == {
        **recorded("guest/error-403-typing-feature-toggle.json"),
        "tracingId": "tracing_id",
    }
    clear = recorded("guest/onMessage.request.presence-clear.json")
    clear["token"] = token
    await ws.send_json(clear)
    frame = await receive(ws)
    assert frame["code"] == 403
    assert frame["body"] == recorded("guest/error-403-presence-clear-not-supported.json")["body"]


async def test_too_many_messages_per_second_is_the_429_frame(ws):
    token = await configure(ws)
    for i in range(11):
        await ws.send_json(text_message(token, f"m{i}"))
    frames = [await receive(ws) for _ in range(11)]
    limited = [f for f in frames if f["class"] == "TooManyRequestsErrorMessage"]
    assert len(limited) == 1
    expected = recorded("guest/error-too-many-requests-4029.json")
    assert limited[0]["code"] == 429
    assert set(limited[0]["body"]) == set(expected["body"])
    assert limited[0]["body"]["errorCode"] == 4029


# --- refusals ---------------------------------------------------------------------------------


async def _refused(session: aiohttp.ClientSession, url: str, origin: str | None) -> None:
    kwargs = {"origin": origin} if origin else {}
    async with session.ws_connect(url, **kwargs) as ws:
        frame = await receive(ws)
        assert frame == recorded("guest/error-403-http-authorization.json")
        closing = await ws.receive(timeout=3)
        assert closing.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
        assert ws.close_code == aiohttp.WSCloseCode.POLICY_VIOLATION


async def test_disallowed_origin_is_refused(org, session):
    await _refused(session, socket_url(org), "https://evil.example.net")


async def test_lookalike_origin_is_refused(org, session):
    await _refused(session, socket_url(org), "https://shop.example.com.evil.net")


async def test_missing_origin_is_refused(org, session):
    await _refused(session, socket_url(org), None)


async def test_unknown_deployment_is_refused(org, session):
    await _refused(session, socket_url(org, str(uuid.uuid4())), SANDBOX_ORIGIN)


@pytest.mark.parametrize("origin", ["https://shop.example.com:8443", "http://SHOP.example.com"])
async def test_origin_host_is_compared_without_scheme_port_or_case(org, session, origin):
    async with session.ws_connect(socket_url(org), origin=origin) as ws:
        await configure(ws)


async def test_a_subdomain_of_an_allowed_parent_domain_is_accepted(org, session):
    # parent-domain allows example.com; the page is on shop.example.com (MESSENGER.md)
    url = socket_url(org, SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID)
    async with session.ws_connect(url, origin=SANDBOX_ORIGIN) as ws:
        await configure(ws, deployment_id=SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID)


# --- authenticated deployments, read-only sessions, the deprecated location --------------------


async def test_an_authenticated_deployment_refuses_a_guest_session(org, session):
    url = socket_url(org, SANDBOX_AUTH_DEPLOYMENT_ID)
    async with session.ws_connect(url, origin=SANDBOX_ORIGIN) as ws:
        await ws.send_json(
            {
                "token": str(uuid.uuid4()),
                "deploymentId": SANDBOX_AUTH_DEPLOYMENT_ID,
                "tracingId": "t-1",
                "action": "configureSession",
            }
        )
        frame = await receive(ws)
        assert frame == {**recorded("guest/error-401-unauthorized.json"), "tracingId": "t-1"}
        request = recorded("guest/configureAuthenticatedSession.request.json")
        request.update(token=str(uuid.uuid4()), deploymentId=SANDBOX_AUTH_DEPLOYMENT_ID)
        await ws.send_json(request)
        frame = await receive(ws)
        assert (frame["class"], frame["code"]) == ("string", 401)


async def test_read_only_session_fault_resumes_read_only_and_refuses_messages_with_409(session):
    async with SandboxOrg(faults=["read-only-session"]) as org:
        async with session.ws_connect(socket_url(org), origin=SANDBOX_ORIGIN) as ws:
            token = str(uuid.uuid4())
            await ws.send_json(
                {
                    "token": token,
                    "deploymentId": SANDBOX_DEPLOYMENT_ID,
                    "action": "configureSession",
                }
            )
            answer = await receive(ws)
            assert answer["class"] == "SessionResponse"
            assert answer["body"]["readOnly"] is True
            assert answer["body"]["newSession"] is False
            request = text_message(token, "Hello")
            await ws.send_json(request)
            frame = await receive(ws)
            assert frame == {
                "type": "response",
                "class": "string",
                "code": 409,
                "body": "Session is read-only, no new messages allowed",
                "tracingId": request["tracingId"],
            }
            assert org._state.conversations == {}


async def test_attributes_in_the_top_level_channel_are_ignored_but_the_message_is_accepted(org, ws):
    token = await configure(ws)
    request = recorded("guest/onMessage.request.top-level-channel.ovotech.json")
    request.update(token=token)
    await ws.send_json(request)
    echo = await receive(ws)
    assert echo["class"] == "StructuredMessage" and echo["body"]["direction"] == "Inbound"
    await asyncio.sleep(0.3)  # well past the propagation delay
    [conversation] = org._state.conversations.values()
    assert conversation.customer.attributes == {}


async def test_autostart_join_echoes_like_the_recorded_presence_join(org, ws):
    token = await configure(ws)
    request = recorded("guest/onMessage.request.autostart-presence-join-with-customAttributes.json")
    request.update(token=token, tracingId="join-1")
    await ws.send_json(request)
    echo = await receive(ws)
    expected = recorded("guest/event-presence-join.json")
    assert {k for k in echo if k != "tracingId"} == set(expected)
    assert echo["tracingId"] == "join-1"
    assert set(echo["body"]) == set(expected["body"])
    assert echo["body"]["events"] == expected["body"]["events"]
    assert echo["body"]["direction"] == "Inbound" and echo["body"]["type"] == "Event"
    await asyncio.sleep(0.3)
    [conversation] = org._state.conversations.values()
    assert conversation.customer.attributes == {"A": "B"}


# --- other actions ----------------------------------------------------------------------------


async def test_echo_answers_like_the_recorded(ws):
    await ws.send_json(recorded("guest/echo.request.json"))
    frame = await receive(ws)
    expected = recorded("guest/echo.response.json")
    assert set(frame) == set(expected)
    assert (frame["type"], frame["class"], frame["tracingId"]) == (
        "response",
        "StructuredMessage",
        "SGVhbHRoQ2hlY2tNZXNzYWdlSWQ=",
    )
    assert set(frame["body"]) == set(expected["body"])
    assert frame["body"]["text"] == "ping"


async def test_get_configuration(ws):
    request = recorded("guest/getConfiguration.request.json")
    request.update(token=str(uuid.uuid4()), deploymentId=SANDBOX_DEPLOYMENT_ID)
    await ws.send_json(request)
    frame = await receive(ws)
    expected = recorded("guest/getConfiguration.response.json")
    assert set(frame) == set(expected)
    assert frame["class"] == "GetConfigurationResponse"
    assert set(frame["body"]) == set(expected["body"])
    assert frame["body"]["maxCustomDataBytes"] == 2048


async def test_close_session_needs_close_all_connections(ws):
    token = await configure(ws)
    await ws.send_json({"action": "closeSession", "token": token})
    frame = await receive(ws)
    assert (frame["class"], frame["code"]) == ("string", 400)


async def test_close_session_answers_then_closes_every_connection(org, session, ws):
    token = await configure(ws)
    async with session.ws_connect(socket_url(org), origin=SANDBOX_ORIGIN) as other_tab:
        await configure(other_tab, token)
        request = recorded("guest/closeSession.request.json")
        request["token"] = token
        await ws.send_json(request)
        response = await receive(ws)
        assert response == {
            **recorded("guest/closeSession.response.official-wiremock-mock.SessionResponse.json"),
            "tracingId": "tracing_id",
        }
        closed_event = recorded("guest/closeSession.response.ConnectionClosedEvent.json")
        assert await receive(ws) == closed_event
        assert await receive(other_tab) == closed_event
        for sock in (ws, other_tab):
            assert (await sock.receive(timeout=3)).type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
            )
    async with session.ws_connect(socket_url(org), origin=SANDBOX_ORIGIN) as again:
        await again.send_json(
            {"action": "configureSession", "token": token, "deploymentId": SANDBOX_DEPLOYMENT_ID}
        )
        assert (await receive(again))["body"]["newSession"] is True


async def test_inbound_echo_shape(ws):
    token = await configure(ws)
    request = recorded("guest/onMessage.request.text-only.json")
    request["token"] = token
    await ws.send_json(request)
    frame = await receive(ws)
    expected = recorded("guest/StructuredMessage.inbound-echo.ovotech.json")
    assert set(frame) == set(expected) | {"tracingId"}
    assert frame["tracingId"] == "tracing_id"
    assert (frame["type"], frame["class"], frame["code"]) == ("message", "StructuredMessage", 200)
    body = frame["body"]
    assert set(body) == set(expected["body"])
    assert set(body["channel"]) == {"time", "messageId"}
    assert body["originatingEntity"] == ""
    assert body["direction"] == "Inbound" and body["type"] == "Text"
    assert body["text"] == "Hello world"
    assert DASHED_UUID.match(body["id"]) and DASHED_UUID.match(body["channel"]["messageId"])
    assert DASHED_UUID.match(body["metadata"]["correlationId"])
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", body["channel"]["time"])


async def test_server_closes_guest_sockets_on_stop(session):
    org = SandboxOrg()
    await org.start()
    try:
        async with session.ws_connect(socket_url(org), origin=SANDBOX_ORIGIN) as ws:
            await configure(ws)
            await org.stop()
            message = await ws.receive(timeout=3)
            assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
            assert ws.close_code == aiohttp.WSCloseCode.GOING_AWAY
    finally:
        await org.stop()
