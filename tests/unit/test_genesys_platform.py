"""PlatformClient over httpx.MockTransport, replaying the recorded bodies."""

from __future__ import annotations

import json
from collections.abc import Callable

import httpx
import pytest

from inspector import __version__
from inspector.genesys import (
    ApiError,
    ClientCredentialsAuth,
    NetworkError,
    OrgEndpoints,
    PlatformClient,
    RequestTimeout,
    ResponseFormatError,
)
from tests.recorded import RECORDED

PROD = OrgEndpoints.for_environment("prod")
CONVERSATION_ID = "6f0c2b1e-8f5a-4f43-9d58-2c3a0f4b1a10"
DEPLOYMENT_ID = "df2ad262-7fe2-4fb2-9a83-e34be463713a"

NOT_FOUND = (RECORDED / "platform/ErrorBody-404.json").read_bytes()

Handler = Callable[[httpx.Request], httpx.Response]


def recorded_bytes(name: str) -> bytes:
    return (RECORDED / name).read_bytes()


class Recorder:
    """Serves recorded bodies by path and keeps every request it saw."""

    def __init__(self, routes: dict[str, tuple[int, bytes]]) -> None:
        self.routes = routes
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 86399})
        status, content = self.routes.get(request.url.path, (404, NOT_FOUND))
        return httpx.Response(status, content=content, headers={"Content-Type": "application/json"})


def client_for(
    handler: Handler, endpoints: OrgEndpoints = PROD, *, auth: httpx.Auth | None = None
) -> PlatformClient:
    """A client with client-credentials auth (a fresh one unless ``auth`` is given)."""
    auth = auth or ClientCredentialsAuth(endpoints.token_url, "id", "secret")
    return PlatformClient(endpoints, auth, transport=httpx.MockTransport(handler))


ROUTES = {
    "/api/v2/conversations/messages/9a8b/details": (
        200,
        recorded_bytes("platform/MessageData.json"),
    ),
    f"/api/v2/conversations/{CONVERSATION_ID}": (
        200,
        recorded_bytes("platform/Conversation.webmessaging.json"),
    ),
    f"/api/v2/conversations/messages/{CONVERSATION_ID}": (
        200,
        recorded_bytes("platform/MessageConversation.json"),
    ),
    f"/api/v2/webdeployments/deployments/{DEPLOYMENT_ID}": (
        200,
        recorded_bytes("platform/WebDeployment.json"),
    ),
    f"/webdeployments/v1/deployments/{DEPLOYMENT_ID}/config.json": (
        200,
        recorded_bytes("platform/deployment-config.json"),
    ),
}


async def test_message_details() -> None:
    recorder = Recorder(ROUTES)
    async with client_for(recorder) as client:
        details = await client.message_details("9a8b")
    assert details.conversation_id == CONVERSATION_ID
    assert details.source == "GET /api/v2/conversations/messages/9a8b/details"
    api = recorder.requests[-1]
    assert str(api.url) == "https://api.mypurecloud.com/api/v2/conversations/messages/9a8b/details"
    assert api.method == "GET"
    assert api.headers["Accept"] == "application/json"
    assert api.headers["User-Agent"] == f"Inspector/{__version__}"
    assert api.headers["Authorization"] == "Bearer tok"


async def test_conversation_and_message_conversation() -> None:
    recorder = Recorder(ROUTES)
    async with client_for(recorder) as client:
        conversation = await client.conversation(CONVERSATION_ID)
        messaging = await client.message_conversation(CONVERSATION_ID)
    for result, path in (
        (conversation, f"/api/v2/conversations/{CONVERSATION_ID}"),
        (messaging, f"/api/v2/conversations/messages/{CONVERSATION_ID}"),
    ):
        assert result.source == f"GET {path}"
        customer = result.customer()
        assert customer is not None
        assert customer.attributes["customerName"] == "John Doe"
    assert messaging.raw["participants"][0]["state"] == "connected"


async def test_web_deployment() -> None:
    async with client_for(Recorder(ROUTES)) as client:
        deployment = await client.web_deployment(DEPLOYMENT_ID)
    assert deployment.status == "Active"
    assert deployment.allow_all_domains is True
    assert deployment.source == f"GET /api/v2/webdeployments/deployments/{DEPLOYMENT_ID}"


async def test_deployment_config_is_public_and_on_the_cdn() -> None:
    recorder = Recorder(ROUTES)
    auth = ClientCredentialsAuth(PROD.token_url, "id", "secret")
    async with client_for(recorder, auth=auth) as client:
        config = await client.deployment_config(DEPLOYMENT_ID)
        assert client.request_count == 1
    assert config.messaging_endpoint == "wss://webmessaging.inindca.com"
    (request,) = recorder.requests
    assert str(request.url) == (
        f"https://api-cdn.mypurecloud.com/webdeployments/v1/deployments/{DEPLOYMENT_ID}/config.json"
    )
    assert "Authorization" not in request.headers
    assert auth.token_requests == 0
    assert config.source == f"GET {request.url}"


async def test_deployment_config_reads_the_switches_that_change_messenger_in_a_page() -> None:
    # deployment-config.json: auth on, no headlessMode, no autoStart (MESSENGER.md defaults).
    async with client_for(Recorder(ROUTES)) as client:
        config = await client.deployment_config(DEPLOYMENT_ID)
    assert (config.auth, config.headless, config.auto_start, config.messenger_enabled) == (
        True,
        None,
        None,
        True,
    )
    mock = json.loads(recorded_bytes("platform/deployment-config.official-wiremock-mock.json"))
    mock["headlessMode"] = {"enabled": True}
    routes = {
        f"/webdeployments/v1/deployments/{DEPLOYMENT_ID}/config.json": (
            200,
            json.dumps(mock).encode(),
        )
    }
    async with client_for(Recorder(routes)) as client:
        config = await client.deployment_config(DEPLOYMENT_ID)
    assert (config.auth, config.headless, config.auto_start) == (False, True, True)


async def test_deployment_domains_are_public_and_on_the_cdn() -> None:
    body = b'{"allowAllDomains": false, "allowedDomains": ["example.com", "shop.example.org"]}'
    path = f"/webdeployments/v1/deployments/{DEPLOYMENT_ID}/domains.json"
    recorder = Recorder({path: (200, body)})
    auth = ClientCredentialsAuth(PROD.token_url, "id", "secret")
    async with client_for(recorder, auth=auth) as client:
        domains = await client.deployment_domains(DEPLOYMENT_ID)
    assert domains.allowed_domains == ("example.com", "shop.example.org")
    assert domains.allow_all_domains is False
    (request,) = recorder.requests
    assert str(request.url) == f"https://api-cdn.mypurecloud.com{path}"
    assert "Authorization" not in request.headers and auth.token_requests == 0


async def test_deployment_domains_of_a_wrong_type_name_the_field() -> None:
    path = f"/webdeployments/v1/deployments/{DEPLOYMENT_ID}/domains.json"
    async with client_for(Recorder({path: (200, b'{"allowedDomains": "example.com"}')})) as client:
        with pytest.raises(ResponseFormatError, match="allowedDomains is a str, expected a list"):
            await client.deployment_domains(DEPLOYMENT_ID)


async def test_unknown_deployment_config_is_404() -> None:
    async with client_for(Recorder({})) as client:
        with pytest.raises(ApiError) as info:
            await client.deployment_config("nope")
    assert info.value.status == 404
    assert info.value.path == "/webdeployments/v1/deployments/nope/config.json"


async def test_custom_domain_puts_everything_on_one_host() -> None:
    endpoints = OrgEndpoints.for_custom_domain("http://127.0.0.1:8123")
    recorder = Recorder(ROUTES)
    async with client_for(recorder, endpoints) as client:
        await client.message_details("9a8b")
        await client.deployment_config(DEPLOYMENT_ID)
    urls = [str(r.url) for r in recorder.requests]
    assert urls == [
        "http://127.0.0.1:8123/oauth/token",
        "http://127.0.0.1:8123/api/v2/conversations/messages/9a8b/details",
        f"http://127.0.0.1:8123/webdeployments/v1/deployments/{DEPLOYMENT_ID}/config.json",
    ]


async def test_path_segments_are_quoted() -> None:
    recorder = Recorder({})
    async with client_for(recorder) as client:
        with pytest.raises(ApiError):
            await client.conversation("a/b c?d")
    assert recorder.requests[-1].url.raw_path == b"/api/v2/conversations/a%2Fb%20c%3Fd"


async def test_empty_id_is_refused_before_sending() -> None:
    recorder = Recorder({})
    async with client_for(recorder) as client:
        with pytest.raises(ValueError, match="empty"):
            await client.message_details("")
    assert recorder.requests == []


async def test_error_body_becomes_api_error() -> None:
    body = recorded_bytes("platform/ErrorBody-403-missing-any-permissions.json")
    routes = {"/api/v2/conversations/messages/m/details": (403, body)}
    async with client_for(Recorder(routes)) as client:
        with pytest.raises(ApiError) as info:
            await client.message_details("m")
    error = info.value
    assert error.status == 403
    assert error.code == "missing.any.permissions"
    assert error.context_id == "00000000-0000-0000-0000-000000000000"
    assert error.method == "GET"
    assert error.path == "/api/v2/conversations/messages/m/details"
    assert str(error).startswith("403 missing.any.permissions: Unable to perform")


async def test_success_without_json_is_a_format_error() -> None:
    routes = {f"/api/v2/conversations/{CONVERSATION_ID}": (200, b"<html>maintenance</html>")}
    async with client_for(Recorder(routes)) as client:
        with pytest.raises(ResponseFormatError, match="not JSON") as info:
            await client.conversation(CONVERSATION_ID)
    assert info.value.path == f"GET /api/v2/conversations/{CONVERSATION_ID}"


async def test_success_with_wrong_shape_is_a_format_error() -> None:
    body = json.loads(recorded_bytes("platform/MessageData.json"))
    del body["conversationId"]
    routes = {"/api/v2/conversations/messages/m/details": (200, json.dumps(body).encode())}
    async with client_for(Recorder(routes)) as client:
        with pytest.raises(ResponseFormatError, match="conversationId"):
            await client.message_details("m")


def raising(exc_type: type[httpx.RequestError]) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "tok", "expires_in": 86399})
        raise exc_type("boom", request=request)

    return handler


@pytest.mark.parametrize(
    ("exc_type", "kind", "limit"),
    [
        (httpx.ReadTimeout, "read", 10.0),
        (httpx.ConnectTimeout, "connect", 5.0),
        (httpx.WriteTimeout, "write", 10.0),
        (httpx.PoolTimeout, "pool", 10.0),
    ],
)
async def test_timeouts_become_request_timeout(
    exc_type: type[httpx.TimeoutException], kind: str, limit: float
) -> None:
    async with client_for(raising(exc_type)) as client:
        with pytest.raises(RequestTimeout) as info:
            await client.conversation("c1")
    assert info.value.what.startswith(f"{kind} timeout on GET /api/v2/conversations/c1")
    assert "api.mypurecloud.com" in info.value.what
    assert info.value.timeout == limit


async def test_explicit_timeout_is_used() -> None:
    seen: list[dict[str, float]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"])
        return httpx.Response(200, content=recorded_bytes("platform/WebDeployment.json"))

    timeout = httpx.Timeout(3.0, connect=1.0)
    transport = httpx.MockTransport(handler)
    async with PlatformClient(PROD, None, transport=transport, timeout=timeout) as client:
        await client.web_deployment("d")
    assert seen == [{"connect": 1.0, "read": 3.0, "write": 3.0, "pool": 3.0}]


@pytest.mark.parametrize(
    "exc_type",
    [httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError, httpx.DecodingError],
)
async def test_transport_errors_become_network_error(exc_type: type[httpx.RequestError]) -> None:
    async with client_for(raising(exc_type)) as client:
        with pytest.raises(NetworkError) as info:
            await client.conversation("c1")
    assert info.value.host == "api.mypurecloud.com"
    assert exc_type.__name__ in info.value.detail


async def test_token_host_failure_names_the_login_host() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("dns failure", request=request)

    async with client_for(handler) as client:
        with pytest.raises(NetworkError) as info:
            await client.conversation("c1")
    assert info.value.host == "login.mypurecloud.com"


async def test_no_auth_sends_no_authorization() -> None:
    recorder = Recorder(ROUTES)
    client = PlatformClient(PROD, None, transport=httpx.MockTransport(recorder))
    async with client:
        await client.web_deployment(DEPLOYMENT_ID)
    assert [str(r.url.path) for r in recorder.requests] == [
        f"/api/v2/webdeployments/deployments/{DEPLOYMENT_ID}"
    ]
    assert "Authorization" not in recorder.requests[0].headers


async def test_request_count_and_close() -> None:
    recorder = Recorder(ROUTES)
    client = client_for(recorder)
    await client.message_details("9a8b")
    await client.web_deployment(DEPLOYMENT_ID)
    with pytest.raises(ApiError):
        await client.conversation("missing")
    assert client.request_count == 3
    await client.aclose()
    with pytest.raises(RuntimeError):
        await client.message_details("9a8b")
