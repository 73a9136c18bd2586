"""Parsing the recorded Platform bodies and guest frames into the typed models."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector.genesys import (
    Conversation,
    DeploymentConfig,
    GuestMessage,
    MessageDetails,
    Participant,
    ResponseFormatError,
    SessionInfo,
    WebDeployment,
)
from tests.recorded import RECORDED, recorded

CONVERSATION_ID = "6f0c2b1e-8f5a-4f43-9d58-2c3a0f4b1a10"
CUSTOMER_ATTRIBUTES = {
    "customerAccountId": "079fd5fe-03f8-434d-a2cb-0a9946849bd6",
    "customerName": "John Doe",
}


# --- MessageData --------------------------------------------------------------------------


def test_message_details_from_recorded_body() -> None:
    body = recorded("platform/MessageData.json")
    source = "GET /api/v2/conversations/messages/9a8b/details"
    details = MessageDetails.parse(body, source)
    assert details.id == "9a8b7c6d5e4f30211203948576abcdef"
    assert details.conversation_id == CONVERSATION_ID
    assert details.direction == "inbound"
    assert details.text == "Hello world"
    assert details.raw == body
    assert details.source == source


def test_message_details_text_prefers_normalized_message() -> None:
    body = recorded("platform/MessageData.json")
    body["normalizedMessage"]["text"] = "normalized"
    body["textBody"] = "legacy"
    assert MessageDetails.parse(body, "s").text == "normalized"


def test_message_details_falls_back_to_text_body() -> None:
    body = recorded("platform/MessageData.json")
    del body["normalizedMessage"]
    assert MessageDetails.parse(body, "s").text == "Hello world"


def test_message_details_without_any_text() -> None:
    body = recorded("platform/MessageData.json")
    del body["normalizedMessage"]["text"]
    del body["textBody"]
    assert MessageDetails.parse(body, "s").text is None


def test_message_details_without_conversation_id() -> None:
    body = recorded("platform/MessageData.json")
    del body["conversationId"]
    with pytest.raises(ResponseFormatError, match="conversationId") as info:
        MessageDetails.parse(body, "GET /api/v2/conversations/messages/x/details")
    assert info.value.path == "GET /api/v2/conversations/messages/x/details"


def test_message_details_body_not_an_object() -> None:
    with pytest.raises(ResponseFormatError, match="expected an object"):
        MessageDetails.parse(["not", "an", "object"], "s")


# --- Conversation / MessageConversation ---------------------------------------------------


@pytest.mark.parametrize(
    "name", ["platform/Conversation.webmessaging.json", "platform/MessageConversation.json"]
)
def test_conversation_customer_by_purpose(name: str) -> None:
    body = recorded(name)
    conversation = Conversation.parse(body, f"GET /x/{CONVERSATION_ID}")
    assert conversation.id == CONVERSATION_ID
    assert [p.purpose for p in conversation.participants] == ["customer", "agent"]
    customer = conversation.customer()
    assert customer is not None
    assert customer.id == "a1b2c3d4-0000-4000-8000-000000000001"
    assert customer.attributes == CUSTOMER_ATTRIBUTES
    assert customer.path == "participants[0]"
    assert conversation.participants[1].name == "Jane Agent"
    assert conversation.participants[1].attributes == {}
    assert conversation.raw is body


def test_participant_path_points_into_raw() -> None:
    body = recorded("platform/Conversation.webmessaging.json")
    body["participants"].reverse()
    conversation = Conversation.parse(body, "s")
    customer = conversation.customer()
    assert customer is not None
    assert customer.path == "participants[1]"
    assert conversation.raw["participants"][1]["attributes"] == customer.attributes


def test_customer_is_found_by_purpose_not_type() -> None:
    body = recorded("platform/MessageConversation.json")
    # The tutorial's filter (p.type == "customer") would pick this agent: purpose decides.
    body["participants"][1]["type"] = "customer"
    body["participants"][0]["purpose"] = "external"
    conversation = Conversation.parse(body, "s")
    assert conversation.customer() is None


def test_legacy_webchat_conversation_keeps_context_keys() -> None:
    body = recorded("platform/reference/Conversation.webchat.official-blog-excerpt.json")
    customer = Conversation.parse(body, "s").customer()
    assert customer is not None
    assert customer.name == "Blanche Stokes"
    assert customer.attributes["context.customerId"] == "123456"


def test_conversation_without_participants_has_no_customer() -> None:
    conversation = Conversation.parse({"id": "c"}, "s")
    assert conversation.participants == ()
    assert conversation.customer() is None


def test_attribute_values_must_be_strings() -> None:
    body = recorded("platform/Conversation.webmessaging.json")
    body["participants"][0]["attributes"]["crmCustomerId"] = 42
    with pytest.raises(ResponseFormatError, match=r"participants\[0\]\.attributes\.crmCustomerId"):
        Conversation.parse(body, "s")


def test_participants_must_be_a_list() -> None:
    with pytest.raises(ResponseFormatError, match="participants"):
        Conversation.parse({"id": "c", "participants": {"id": "p"}}, "s")


def test_participant_without_id() -> None:
    body = recorded("platform/MessageConversation.json")
    del body["participants"][1]["id"]
    with pytest.raises(ResponseFormatError, match=r"participants\[1\]\.id"):
        Conversation.parse(body, "s")


@given(st.dictionaries(st.text(), st.text(), max_size=20))
def test_any_string_attributes_are_kept_exactly(attributes: dict[str, str]) -> None:
    participant = Participant.parse(
        {"id": "p", "purpose": "customer", "attributes": attributes}, "s", "participants[0]"
    )
    assert participant.attributes == attributes


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
_participantish = st.fixed_dictionaries(
    {},
    optional={
        "id": _json,
        "purpose": st.sampled_from(["customer", "agent"]) | _json,
        "name": _json,
        "attributes": st.dictionaries(st.text(max_size=5), _json, max_size=3) | _json,
    },
)


@given(st.fixed_dictionaries({"id": _json, "participants": st.lists(_participantish)}) | _json)
def test_conversation_parse_fails_only_with_response_format_error(data: Any) -> None:
    try:
        conversation = Conversation.parse(copy.deepcopy(data), "s")
    except ResponseFormatError:
        return
    for participant in conversation.participants:
        assert all(isinstance(v, str) for v in participant.attributes.values())


# --- WebDeployment / deployment config ----------------------------------------------------


def test_web_deployment_from_recorded_body() -> None:
    body = recorded("platform/WebDeployment.json")
    deployment = WebDeployment.parse(body, "GET /api/v2/webdeployments/deployments/df2a")
    assert deployment.id == "df2ad262-7fe2-4fb2-9a83-e34be463713a"
    assert deployment.name == "My Web Messenger Deployment"
    assert deployment.status == "Active"
    assert deployment.allow_all_domains is True
    assert deployment.allowed_domains == ()
    assert deployment.raw is body


def test_web_deployment_allowed_domains() -> None:
    body = recorded("platform/WebDeployment.json")
    body["allowAllDomains"] = False
    body["allowedDomains"] = ["shop.example.com", "*.example.org"]
    deployment = WebDeployment.parse(body, "s")
    assert deployment.allow_all_domains is False
    assert deployment.allowed_domains == ("shop.example.com", "*.example.org")


def test_web_deployment_rejects_non_boolean_flag() -> None:
    body = recorded("platform/WebDeployment.json")
    body["allowAllDomains"] = "true"
    with pytest.raises(ResponseFormatError, match="allowAllDomains"):
        WebDeployment.parse(body, "s")


@pytest.mark.parametrize(
    ("name", "config_id", "version", "endpoint"),
    [
        (
            "platform/deployment-config.json",
            "test_config_id",
            "3",
            "wss://webmessaging.inindca.com",
        ),
        (
            "platform/deployment-config.official-wiremock-mock.json",
            "test-deployment-id",
            "1",
            "wss://webmessaging.example.com/v1",
        ),
        ("platform/deployment-config.with-notifications.json", "id", "1", "messaging_endpoint"),
    ],
)
def test_deployment_config_from_recorded_bodies(
    name: str, config_id: str, version: str, endpoint: str
) -> None:
    config = DeploymentConfig.parse(recorded(name), "GET https://api-cdn/x/config.json")
    assert config.id == config_id
    assert config.version == version
    assert config.status == "Active"
    assert config.messaging_endpoint == endpoint


def test_deployment_config_minimal() -> None:
    config = DeploymentConfig.parse({"id": "d", "version": 4}, "s")
    assert config.version == "4"
    assert config.status is None
    assert config.messaging_endpoint is None


def test_deployment_config_without_version() -> None:
    with pytest.raises(ResponseFormatError, match="version"):
        DeploymentConfig.parse({"id": "d"}, "s")


# --- guest frames -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "new_session", "max_bytes"),
    [
        ("guest/SessionResponse.json", True, 100),
        ("guest/SessionResponse.minimal.json", True, None),
        ("guest/SessionResponse.existing-session.json", False, None),
        ("guest/SessionResponse.official-wiremock-mock.json", True, 2048),
    ],
)
def test_session_info_from_recorded_frames(
    name: str, new_session: bool, max_bytes: int | None
) -> None:
    body = recorded(name)["body"]
    info = SessionInfo.parse(body)
    assert info.connected is True
    assert info.new_session is new_session
    assert info.read_only is False
    assert info.max_custom_data_bytes == max_bytes
    assert info.raw == body


def test_session_info_closed_session() -> None:
    body = recorded("guest/closeSession.response.official-wiremock-mock.SessionResponse.json")
    assert SessionInfo.parse(body["body"]).connected is False


STRUCTURED = sorted(
    str(path.relative_to(RECORDED))
    for path in (RECORDED / "guest").glob("*.json")
    if path.name.startswith(("StructuredMessage", "event-", "echo.response"))
)


def test_structured_examples_were_found() -> None:
    assert len(STRUCTURED) >= 14


@pytest.mark.parametrize("name", STRUCTURED)
def test_every_structured_message_example_parses(name: str) -> None:
    frame = recorded(name)
    body = frame.get("body", frame)  # echo.response.body-with-channel.json is a bare body
    message = GuestMessage.parse(body)
    assert message.id == body["id"]
    assert message.direction in ("Inbound", "Outbound")
    assert message.type in ("Text", "Event", "Structured")
    assert message.raw == body


def test_inbound_echo_fields() -> None:
    message = GuestMessage.parse(
        recorded("guest/StructuredMessage.inbound-echo.ovotech.json")["body"]
    )
    assert message.direction == "Inbound"
    assert message.text == "hello world"
    assert message.originating_entity == ""  # NOTES 9: empty string on inbound echoes


def test_outbound_bot_reply_fields() -> None:
    message = GuestMessage.parse(recorded("guest/StructuredMessage.outbound-text.json")["body"])
    assert message.direction == "Outbound"
    assert message.type == "Text"
    assert message.text == "Hello world"
    assert message.originating_entity == "Bot"


def test_event_without_text() -> None:
    message = GuestMessage.parse(recorded("guest/event-typing.json")["body"])
    assert message.type == "Event"
    assert message.text is None
    assert message.originating_entity is None


def test_guest_message_without_direction() -> None:
    body = recorded("guest/StructuredMessage.inbound-echo.json")["body"]
    del body["direction"]
    with pytest.raises(ResponseFormatError, match="direction"):
        GuestMessage.parse(body)
