"""REST side of the org: the Platform API (/api/v2) and the public CDN paths (OAuth: oauth.py).

Every /api/v2 response carries `inin-correlation-id` (== ErrorBody.contextId, NOTES 23) and,
once the token is known, the `inin-ratelimit-*` headers (NOTES 24).
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import uuid
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from inspector.sandbox import analytics_api, oauth, seed
from inspector.sandbox.appkeys import FLOW_KEY, STATE_KEY
from inspector.sandbox.platform_json import (
    conversation_json,
    deployment_config_json,
    deployment_domains_json,
    error_body,
    message_conversation_json,
    message_data_json,
    participant_search_row,
    web_deployment_json,
)
from inspector.sandbox.state import (
    AccessToken,
    Conversation,
    Deployment,
    LoggedRequest,
    OrgState,
    utc_now_iso,
)

log = logging.getLogger("inspector.sandbox")

NOT_FOUND_MESSAGE = "The requested operation failed with status 404"  # ErrorBody-404.json
SEARCHABLE_FIELDS = {"conversationId", "startTime", "endTime", "divisionId"}  # NOTES 30
SEARCH_PAGE_SIZE = 25  # rows per attribute-search page; more pages come by cursor (NOTES 30)


class ApiError(Exception):
    """An ErrorBody answer raised from a handler."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def not_found() -> ApiError:
    return ApiError(404, "not.found", NOT_FOUND_MESSAGE)


def _error_response(context_id: str, error: ApiError) -> web.Response:
    body = error_body(error.status, error.code, error.message, context_id)
    return web.json_response(body, status=error.status)


# --- /api/v2 middleware -----------------------------------------------------------------------


def _bearer(request: web.Request) -> str | None:
    """The token of `Authorization: Bearer x`; the scheme is case-insensitive (NOTES 33)."""
    scheme, _, value = request.headers.get("Authorization", "").strip().partition(" ")
    value = value.strip()
    return value if scheme.lower() == "bearer" and value else None


CLIENT_CLOSED_REQUEST = 499  # as nginx logs a request its client gave up on


@web.middleware
async def log_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Record every request with its arrival time, so tests can measure client waits."""
    state = request.app[STATE_KEY]
    arrived = time.monotonic()
    wall = utc_now_iso()
    status = 500
    try:
        response = await handler(request)
        status = response.status
        return response
    except web.HTTPException as exc:
        status = exc.status
        raise
    except ConnectionResetError:
        # The client went away mid-request (a cancelled run): nobody is left to answer, and
        # aiohttp would log it as a server error with a traceback.
        status = CLIENT_CLOSED_REQUEST
        log.debug("%s %s: the client closed the connection", request.method, request.path)
        return web.Response(status=status)
    finally:
        state.request_log.append(LoggedRequest(arrived, wall, request.method, request.path, status))


@web.middleware
async def api_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith("/api/v2/"):
        return await handler(request)
    state = request.app[STATE_KEY]
    state.api_request_count += 1
    context_id = str(uuid.uuid4())
    token: AccessToken | None = None
    value = _bearer(request)
    response: web.StreamResponse
    if value is None:
        response = _error_response(
            context_id,
            ApiError(
                401,
                "authentication.required",
                "No authentication bearer token specified in authorization header.",
            ),
        )
    elif (token := state.lookup_token(value)) is None:
        response = _error_response(
            context_id, ApiError(401, "bad.credentials", "Invalid login credentials.")
        )
    elif (
        "token-expired" in state.faults
        and not state.token_expired_done
        and token.request_count >= 2
    ):
        # The token dies mid-run, as an expired or revoked one would: 401, then a new one works.
        state.token_expired_done = True
        state.tokens.pop(token.value, None)
        token = None
        response = _error_response(
            context_id, ApiError(401, "bad.credentials", "Invalid login credentials.")
        )
    else:
        now = time.monotonic()
        token.count_request(now)
        if "slow" in state.faults:
            await asyncio.sleep(state.slow_latency)
        if "rate-limit" in state.faults and token.request_count % 2 == 1:
            wait = f"{state.rate_limit_retry_after:g}"
            response = _error_response(
                context_id,
                ApiError(
                    429,
                    "too.many.requests.retry.after",
                    f"Rate limit exceeded the maximum. Retry the request in [{wait}] seconds",
                ),
            )
            response.headers["Retry-After"] = wait
        elif "server-error" in state.faults and token.request_count % 2 == 1:
            response = _error_response(
                context_id,
                ApiError(503, "service.unavailable", "The service is currently unavailable."),
            )
        else:
            response = await _call(request, handler, context_id)
    response.headers["inin-correlation-id"] = context_id
    if token is not None:
        now = time.monotonic()
        response.headers["inin-ratelimit-count"] = str(token.window_count)
        response.headers["inin-ratelimit-allowed"] = str(seed.RATE_LIMIT_ALLOWED)
        response.headers["inin-ratelimit-reset"] = str(token.seconds_to_reset(now))
    log.debug("%s %s -> %s", request.method, request.path, response.status)
    return response


async def _call(request: web.Request, handler: Handler, context_id: str) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return _error_response(context_id, exc)
    except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
        return _error_response(context_id, not_found())


# --- Platform API handlers --------------------------------------------------------------------


def _conversation(request: web.Request, conversation_id: str) -> Conversation:
    conversation = request.app[STATE_KEY].conversations.get(conversation_id)
    if conversation is None:
        raise not_found()
    return conversation


async def get_conversation(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    conversation = _conversation(request, request.match_info["conversation_id"])
    body = conversation_json(conversation, state.messages, state.base_url)
    if "malformed-json" in state.faults:
        # A body cut short, as a gateway dropping the connection mid-answer would leave it.
        text = json.dumps(body)
        return web.Response(text=text[: len(text) // 2], content_type="application/json")
    return web.json_response(body)


async def get_message_conversation(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    conversation = _conversation(request, request.match_info["conversation_id"])
    body = message_conversation_json(conversation, state.messages, state.base_url)
    return web.json_response(body)


async def get_message_details(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    # The permission check comes before the lookup, as in a real org (NOTES 25).
    if "no-details-permission" in state.faults:
        raise ApiError(
            403,
            "missing.any.permissions",
            "Unable to perform the requested action. You must have at least one of the "
            "following permissions assigned: [conversation:message:view]",
        )
    message = state.messages.get(request.match_info["message_id"])
    if message is None:
        raise not_found()
    conversation = _conversation(request, message.conversation_id)
    return web.json_response(message_data_json(conversation, message))


async def _json_object(request: web.Request) -> dict[str, Any]:
    try:
        body = await request.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict):
        raise ApiError(
            400,
            "bad.request",
            "The request could not be understood by the server due to malformed syntax.",
        )
    return body


async def patch_participant_attributes(request: web.Request) -> web.Response:
    """PATCH /api/v2/conversations/{id}/participants/{pid}/attributes: what flows/agents do."""
    conversation = _conversation(request, request.match_info["conversation_id"])
    participant = conversation.participant(request.match_info["participant_id"])
    if participant is None:
        raise not_found()
    attributes = (await _json_object(request)).get("attributes")
    if not isinstance(attributes, dict) or not all(isinstance(v, str) for v in attributes.values()):
        raise ApiError(400, "bad.request", "attributes must be a map of strings")
    participant.attributes.update(attributes)
    return web.Response(status=202)


async def patch_message_participant(request: web.Request) -> web.Response:
    """PATCH .../messages/{id}/participants/{pid} {"state": "disconnected"}: end a test chat."""
    state = request.app[STATE_KEY]
    conversation = _conversation(request, request.match_info["conversation_id"])
    participant = conversation.participant(request.match_info["participant_id"])
    if participant is None:
        raise not_found()
    if (await _json_object(request)).get("state") != "disconnected":
        raise ApiError(400, "bad.request", "only state 'disconnected' is supported")
    was_active = conversation.end_time is None
    state.end_participant(conversation, participant)
    if was_active and conversation.end_time is not None:
        await request.app[FLOW_KEY].disconnect_customer(conversation)
    return web.Response(status=202)


async def get_web_deployment(request: web.Request) -> web.Response:
    state = request.app[STATE_KEY]
    deployment = state.find_deployment(request.match_info["deployment_id"])
    if deployment is None:
        raise not_found()
    return web.json_response(web_deployment_json(deployment, state.base_url))


async def search_participant_attributes(request: web.Request) -> web.Response:
    """POST /api/v2/conversations/participants/attributes/search, as NOTES 30 describes it:
    only conversationId/startTime/endTime/divisionId are searchable, never attributes."""
    state = request.app[STATE_KEY]
    body = await _json_object(request)
    query = body.get("query")
    if not isinstance(query, list) or not query:
        raise ApiError(400, "bad.request", "query is required")
    rows = list(state.conversations.values())
    for criterion in query:
        if not isinstance(criterion, dict):
            raise ApiError(400, "bad.request", "Search not supported.")
        rows = [c for c in rows if _matches(c, criterion)]
    rows.sort(key=lambda c: c.start_time, reverse=body.get("sortOrder") != "ASC")
    offset = _cursor_offset(body.get("cursor"))
    page = rows[offset : offset + SEARCH_PAGE_SIZE]
    answer: dict[str, Any] = {"results": [participant_search_row(c) for c in page]}
    if offset + SEARCH_PAGE_SIZE < len(rows):
        answer["cursor"] = f"offset-{offset + SEARCH_PAGE_SIZE}"
    return web.json_response(answer)


def _cursor_offset(cursor: Any) -> int:
    """Our opaque cursor is "offset-N"; anything else is a 400, as a stale cursor would be."""
    if cursor is None:
        return 0
    if isinstance(cursor, str) and cursor.startswith("offset-") and cursor[7:].isdigit():
        return int(cursor[7:])
    raise ApiError(400, "bad.request", "invalid cursor")


def _matches(conversation: Conversation, criterion: dict[str, Any]) -> bool:
    fields = criterion.get("fields")
    if not isinstance(fields, list) or not fields or not set(fields) <= SEARCHABLE_FIELDS:
        raise ApiError(400, "bad.request", "Search not supported.")
    values = {
        "conversationId": conversation.id,
        "startTime": conversation.start_time,
        "endTime": conversation.end_time,
        "divisionId": seed.DIVISION_ID,
    }
    kind = criterion.get("type")
    if kind == "EXACT":
        wanted = criterion.get("values") or [criterion.get("value")]
        return any(values[f] in wanted for f in fields)
    if kind == "DATE_RANGE":
        start = _instant(criterion.get("startValue"), datetime.min.replace(tzinfo=UTC))
        end = _instant(criterion.get("endValue"), datetime.max.replace(tzinfo=UTC))
        return any(
            values[f] is not None and start <= _instant(values[f], start) <= end for f in fields
        )
    raise ApiError(400, "bad.request", "Search not supported.")


def _instant(value: Any, default: datetime) -> datetime:
    """An ISO 8601 timestamp ("…Z" or with an offset) as an aware datetime."""
    if value is None:
        return default
    try:
        parsed = datetime.fromisoformat(str(value))
    except ValueError:
        raise ApiError(400, "bad.request", f"invalid date: {value}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# --- public, unauthenticated ------------------------------------------------------------------

CORS = {"Access-Control-Allow-Origin": "*"}


def _public_deployment(request: web.Request) -> tuple[OrgState, Deployment]:
    """The deployment a public api-cdn file is asked for; 404 (with CORS) when unknown."""
    state = request.app[STATE_KEY]
    deployment = state.find_deployment(request.match_info["deployment_id"])
    if deployment is None:
        raise web.HTTPNotFound(
            text=json.dumps({"message": "Not Found"}),
            content_type="application/json",
            headers=CORS,
        )
    return state, deployment


async def deployment_config(request: web.Request) -> web.Response:
    """GET /webdeployments/v1/deployments/{id}/config.json (api-cdn, no auth, NOTES 32)."""
    state, deployment = _public_deployment(request)
    read_only = "read-only-session" in state.faults
    body = deployment_config_json(deployment, state.base_url, read_only_disconnect=read_only)
    return web.json_response(body, headers=CORS)


async def deployment_domains(request: web.Request) -> web.Response:
    """GET /webdeployments/v1/deployments/{id}/domains.json (api-cdn, no auth).

    Messenger reads it before config.json to run its domain check (MESSENGER.md, "Loading").
    Unknown deployment: 404, as config.json; the deployment faults apply through
    find_deployment (origin-denied shows its one other domain here too).
    """
    _, deployment = _public_deployment(request)
    return web.json_response(deployment_domains_json(deployment), headers=CORS)


def messenger_script() -> str:
    # resources/messenger.js, beside the host page and the bridge it must satisfy; the package
    # holds data only, so the sandbox takes nothing of the app's code from it.
    return resources.files("inspector.resources").joinpath("messenger.js").read_text("utf-8")


async def bootstrap_script(request: web.Request) -> web.Response:
    """GET /genesys-bootstrap/genesys.min.js: the Messenger-compatible script."""
    if "script-404" in request.app[STATE_KEY].faults:
        raise web.HTTPNotFound(text="Not Found", headers=CORS)
    # The script fetches the deployment's config from the org that served it (messenger.js).
    origin = request.app[STATE_KEY].base_url
    return web.Response(
        text=messenger_script().replace("__SANDBOX_ORG_ORIGIN__", origin, 1),
        content_type="application/javascript",
        charset="utf-8",
        headers={**CORS, "Cache-Control": "no-cache"},
    )


def add_routes(app: web.Application) -> None:
    r = app.router
    oauth.add_routes(app)
    r.add_get("/webdeployments/v1/deployments/{deployment_id}/config.json", deployment_config)
    r.add_get("/webdeployments/v1/deployments/{deployment_id}/domains.json", deployment_domains)
    r.add_get("/genesys-bootstrap/genesys.min.js", bootstrap_script)
    api = "/api/v2"
    r.add_post(f"{api}/conversations/participants/attributes/search", search_participant_attributes)
    r.add_get(f"{api}/conversations/messages/{{message_id}}/details", get_message_details)
    r.add_get(f"{api}/conversations/messages/{{conversation_id}}", get_message_conversation)
    r.add_patch(
        f"{api}/conversations/messages/{{conversation_id}}/participants/{{participant_id}}",
        patch_message_participant,
    )
    r.add_patch(
        f"{api}/conversations/{{conversation_id}}/participants/{{participant_id}}/attributes",
        patch_participant_attributes,
    )
    r.add_get(f"{api}/conversations/{{conversation_id}}", get_conversation)
    r.add_get(f"{api}/webdeployments/deployments/{{deployment_id}}", get_web_deployment)
    analytics_api.add_routes(app)
    r.add_route("*", f"{api}/{{tail:.*}}", _unknown_api_path)


async def _unknown_api_path(request: web.Request) -> web.Response:
    raise not_found()
