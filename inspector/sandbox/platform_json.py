"""JSON bodies of the Platform API, shaped like the files in genesys-examples/platform/.

Field names are those of the official models (purecloudplatformclientv2 269) as shown in the
example files; a builder may leave a key out but never adds one the model does not have.
"""

from __future__ import annotations

from typing import Any

from inspector.sandbox import seed
from inspector.sandbox.state import Conversation, Deployment, Participant, StoredMessage

PROVIDER = "PureCloud Messaging"

# NOTES 26: GET /api/v2/conversations/{id} lists every media array, even when empty.
MEDIA_ARRAYS = (
    "calls",
    "callbacks",
    "chats",
    "cobrowsesessions",
    "emails",
    "messages",
    "screenshares",
    "socialExpressions",
    "videos",
    "internalMessages",
)


def error_body(status: int, code: str, message: str, context_id: str) -> dict[str, Any]:
    """ErrorBody: status, code, message, contextId, details [], errors [] always (NOTES 23)."""
    return {
        "message": message,
        "code": code,
        "status": status,
        "contextId": context_id,
        "details": [],
        "errors": [],
    }


def _division() -> list[dict[str, Any]]:
    return [
        {
            "division": {
                "id": seed.DIVISION_ID,
                "selfUri": f"/api/v2/authorization/divisions/{seed.DIVISION_ID}",
            },
            "entities": [],
        }
    ]


def _addresses(conversation: Conversation) -> dict[str, dict[str, str]]:
    return {
        "toAddress": {
            "name": conversation.deployment.name,
            "addressNormalized": conversation.deployment.id,
        },
        "fromAddress": {"name": "Guest", "addressNormalized": conversation.customer_address},
    }


def _message_details(
    conversation: Conversation, message: StoredMessage, base_url: str
) -> dict[str, Any]:
    """MessageDetails as listed in a participant's messages[] (Conversation.webmessaging.json)."""
    return {
        "messageId": message.id,
        "messageURI": (
            f"{base_url}/api/v2/conversations/messages/{conversation.id}/messages/{message.id}"
        ),
        "messageStatus": "received" if message.direction == "inbound" else "sent",
        "messageSegmentCount": 1,
        "messageTime": message.time,
        "media": [],
        "stickers": [],
    }


def _listed_messages(
    conversation: Conversation,
    participant: Participant,
    messages: dict[str, StoredMessage],
    base_url: str,
) -> list[dict[str, Any]]:
    return [
        _message_details(conversation, messages[mid], base_url)
        for mid in participant.message_ids
        if mid in messages and messages[mid].type == "Text"
    ]


def _segments(participant: Participant) -> list[dict[str, str]]:
    segment = {"startTime": participant.start_time, "type": "Interact"}
    if participant.end_time:
        segment["endTime"] = participant.end_time
    return [segment]


def conversation_json(
    conversation: Conversation, messages: dict[str, StoredMessage], base_url: str
) -> dict[str, Any]:
    """GET /api/v2/conversations/{id}: a Conversation whose Participants have NO `state`."""
    participants = []
    for participant in conversation.participants():
        communication: dict[str, Any] = {
            "state": participant.state,
            "initialState": "connected",
            "id": participant.communication_id,
            "held": False,
            "segments": _segments(participant),
            "direction": "inbound",
            "connectedTime": participant.start_time,
            "provider": PROVIDER,
            "authenticated": False,
            "type": "webmessaging",
        }
        if participant is not conversation.customer:
            communication["peerId"] = conversation.customer.communication_id
        communication.update(_addresses(conversation))
        communication["messages"] = _listed_messages(conversation, participant, messages, base_url)
        if participant is conversation.customer:
            communication["journeyContext"] = conversation.journey_context
        communication["afterCallWorkRequired"] = False

        body: dict[str, Any] = {
            "id": participant.id,
            "startTime": participant.start_time,
            "connectedTime": participant.start_time,
        }
        if participant.end_time:
            body["endTime"] = participant.end_time
        body.update(
            {
                "name": participant.name,
                "purpose": participant.purpose,
                "wrapupRequired": False,
                "mediaRoles": ["full"],
                "attributes": dict(participant.attributes),
            }
        )
        for media in MEDIA_ARRAYS:
            body[media] = [communication] if media == "messages" else []
        participants.append(body)

    result: dict[str, Any] = {"id": conversation.id, "startTime": conversation.start_time}
    if conversation.end_time:
        result["endTime"] = conversation.end_time
    result.update(
        {
            "participants": participants,
            "recordingState": "NONE",  # upper case, unlike the other enums (NOTES 27)
            "divisions": _division(),
            "selfUri": f"/api/v2/conversations/{conversation.id}",
        }
    )
    return result


def message_conversation_json(
    conversation: Conversation, messages: dict[str, StoredMessage], base_url: str
) -> dict[str, Any]:
    """GET /api/v2/conversations/messages/{id}: MessageMediaParticipants DO have `state`."""
    participants = []
    for participant in conversation.participants():
        body: dict[str, Any] = {"id": participant.id, "name": participant.name}
        if participant is conversation.customer:
            body["address"] = conversation.customer_address
        body.update({"startTime": participant.start_time, "connectedTime": participant.start_time})
        if participant.end_time:
            body["endTime"] = participant.end_time
        body.update(
            {
                "purpose": participant.purpose,
                "state": participant.state,
                "direction": "inbound",
                "held": False,
                "wrapupRequired": False,
                "mediaRoles": ["full"],
                "attributes": dict(participant.attributes),
                "provider": PROVIDER,
            }
        )
        if participant is conversation.customer:
            body["journeyContext"] = conversation.journey_context
        else:
            body["peer"] = conversation.customer.communication_id
        body.update(_addresses(conversation))
        body["messages"] = _listed_messages(conversation, participant, messages, base_url)
        body.update({"type": "webmessaging", "authenticated": False})
        participants.append(body)
    return {
        "id": conversation.id,
        "participants": participants,
        "otherMediaUris": [],
        "divisions": _division(),
        "selfUri": f"/api/v2/conversations/messages/{conversation.id}",
    }


def message_data_json(conversation: Conversation, message: StoredMessage) -> dict[str, Any]:
    """GET /api/v2/conversations/messages/{messageId}/details: MessageData (MessageData.json).

    `id` is the id the caller looked up (the guest echo's body.id for inbound messages);
    `providerMessageId` and normalizedMessage.channel.messageId are the echo's channel.messageId.
    No `textBody`: the current models (purecloudplatformclientv2 269, NPM 262) no longer
    have it (NOTES 28); the text is in normalizedMessage.text.
    """
    guest = {"nickname": "Guest", "id": conversation.customer_address, "idType": "Opaque"}
    deployment = {"id": conversation.deployment.id}
    inbound = message.direction == "inbound"
    normalized: dict[str, Any] = {
        "id": message.id,
        "channel": {
            "platform": "WebMessaging",
            "type": "Private",
            "messageId": message.provider_message_id,
            "to": deployment if inbound else guest,
            "from": guest if inbound else deployment,
            "time": message.time,
        },
        "type": message.type,
    }
    if message.text is not None:
        normalized["text"] = message.text
    if message.events is not None:
        normalized["events"] = message.events
    normalized["originatingEntity"] = "Human" if inbound else "Bot"
    normalized["direction"] = "Inbound" if inbound else "Outbound"

    body: dict[str, Any] = {
        "id": message.id,
        "providerMessageId": message.provider_message_id,
        "timestamp": message.time,
        "fromAddress": conversation.customer_address if inbound else conversation.deployment.id,
        "toAddress": conversation.deployment.id if inbound else conversation.customer_address,
        "direction": message.direction,
        "messengerType": "webmessaging",
    }
    body.update(
        {
            "status": "received" if inbound else "sent",
            "normalizedMessage": normalized,
            "conversationId": conversation.id,
            "selfUri": (f"/api/v2/conversations/messages/{conversation.id}/messages/{message.id}"),
        }
    )
    return body


def snippet(base_url: str, deployment_id: str) -> str:
    """The official Messenger snippet, pointing at this sandbox's bootstrap script."""
    return (
        '<script type="text/javascript" charset="utf-8">\n'
        "  (function (g, e, n, es, ys) {\n"
        "    g['_genesysJs'] = e;\n"
        "    g[e] = g[e] || function () {\n"
        "      (g[e].q = g[e].q || []).push(arguments)\n"
        "    };\n"
        "    g[e].t = 1 * new Date();\n"
        "    g[e].c = es;\n"
        "    ys = document.createElement('script'); ys.async = 1; ys.src = n;"
        " ys.charset = 'utf-8'; document.head.appendChild(ys);\n"
        f"  }})(window, 'Genesys', '{base_url}/genesys-bootstrap/genesys.min.js', {{\n"
        "    environment: 'prod',\n"
        f"    deploymentId: '{deployment_id}'\n"
        "  });\n"
        "</script>"
    )


def web_deployment_json(deployment: Deployment, base_url: str) -> dict[str, Any]:
    """GET /api/v2/webdeployments/deployments/{id}: WebDeployment (WebDeployment.json)."""
    return {
        "id": deployment.id,
        "name": deployment.name,
        "description": "Simulated by the Inspector sandbox org",
        "allowAllDomains": deployment.allow_all_domains,
        "allowedDomains": list(deployment.allowed_domains),
        "snippet": snippet(base_url, deployment.id),
        "dateCreated": seed.DEPLOYMENT_CREATED,
        "dateModified": seed.DEPLOYMENT_MODIFIED,
        "lastModifiedUser": {
            "id": seed.ADMIN_USER_ID,
            "selfUri": f"/api/v2/users/{seed.ADMIN_USER_ID}",
        },
        "flow": {
            "id": seed.FLOW_ID,
            "name": seed.FLOW_NAME,
            "selfUri": f"/api/v2/flows/{seed.FLOW_ID}",
        },
        "status": deployment.status,
        "configuration": {
            "id": seed.CONFIGURATION_ID,
            "name": seed.CONFIGURATION_NAME,
            "version": seed.CONFIGURATION_VERSION,
            "selfUri": f"/api/v2/webdeployments/configurations/{seed.CONFIGURATION_ID}",
        },
        "selfUri": f"/api/v2/webdeployments/deployments/{deployment.id}",
    }


def deployment_config_json(
    deployment: Deployment, base_url: str, *, read_only_disconnect: bool = False
) -> dict[str, Any]:
    """Public config.json (deployment-config.json). messagingEndpoint has no /v1 (NOTES 32).

    The fields Messenger acts on (MESSENGER.md, "Native UI vs headless"): headlessMode.enabled
    (the User Interface toggle off), messenger.apps.conversations.autoStart.enabled,
    conversationDisconnect {enabled, type: Send | ReadOnly} (ReadOnly under the
    read-only-session fault, the configuration that makes read-only sessions), conversationClear,
    auth.enabled (shape of deployment-config.json).
    """
    ws_endpoint = "ws://" + base_url.removeprefix("http://")
    disconnect_type = "ReadOnly" if read_only_disconnect else "Send"
    return {
        "id": seed.CONFIGURATION_ID,
        "version": seed.CONFIGURATION_VERSION,
        "languages": ["en-us"],
        "defaultLanguage": "en-us",
        "apiEndpoint": base_url,
        "messenger": {
            "enabled": True,
            "apps": {
                "conversations": {
                    "messagingEndpoint": ws_endpoint,
                    "conversationDisconnect": {"enabled": True, "type": disconnect_type},
                    "conversationClear": {"enabled": False},
                    "autoStart": {"enabled": deployment.auto_start},
                }
            },
            "styles": {"primaryColor": "#1f6feb"},
            "launcherButton": {"visibility": "On"},
            "fileUpload": {
                "modes": [
                    {
                        "fileTypes": list(seed.ALLOWED_FILE_TYPES),
                        "maxFileSizeKB": seed.MAX_FILE_SIZE_KB,
                    }
                ]
            },
        },
        "headlessMode": {"enabled": deployment.headless},
        "journeyEvents": {"enabled": False},
        "status": deployment.status,
        "auth": {"enabled": deployment.auth},
    }


def deployment_domains_json(deployment: Deployment) -> dict[str, Any]:
    """Public domains.json, fetched by Messenger before config.json (MESSENGER.md, "Loading")."""
    return {
        "allowAllDomains": deployment.allow_all_domains,
        "allowedDomains": list(deployment.allowed_domains),
    }


def participant_search_row(conversation: Conversation) -> dict[str, Any]:
    """One row of POST /api/v2/conversations/participants/attributes/search (NOTES 30)."""
    row: dict[str, Any] = {"conversationId": conversation.id, "startTime": conversation.start_time}
    if conversation.end_time:
        row["endTime"] = conversation.end_time
    row.update(
        {
            "divisionIds": [seed.DIVISION_ID],
            "participantData": [
                {
                    "participantPurpose": p.purpose,
                    "participantAttributes": dict(p.attributes),
                    "participantId": p.id,
                    "sessionIds": [p.communication_id],
                }
                for p in conversation.participants()
            ],
            "truncatedData": False,
            "_type": "participant_attributes",
        }
    )
    return row
