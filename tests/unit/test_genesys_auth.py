"""Client credentials: token caching, refresh, 401 retry, one refresh at a time."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from typing import Any

import httpx
import pytest

from inspector.genesys import (
    ApiError,
    AuthError,
    ClientCredentialsAuth,
    OrgEndpoints,
    PlatformClient,
    ResponseFormatError,
)
from tests.recorded import RECORDED

ENDPOINTS = OrgEndpoints.for_environment("prod")
CLIENT_ID = "client-id-1"
SECRET = "s3cret-value-never-logged"
MESSAGE_DATA = json.loads((RECORDED / "platform/MessageData.json").read_text(encoding="utf-8"))
UNAUTHORIZED = (RECORDED / "platform/ErrorBody-401-authentication-required.json").read_bytes()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class FakeOrg:
    """Token endpoint + one API route; tokens can be revoked server-side."""

    def __init__(self, *, expires_in: float = 3600, token_delay: float = 0.0) -> None:
        self.expires_in = expires_in
        self.token_delay = token_delay
        self.valid: set[str] = set()
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        self.api_auth: list[str] = []  # Authorization as sent (a retry reuses the request)
        self.token_status = 200
        self.token_body: Any = None

    async def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/token":
            self.token_requests.append(request)
            await asyncio.sleep(self.token_delay)
            if self.token_body is not None:
                return httpx.Response(self.token_status, json=self.token_body)
            token = f"token-{len(self.token_requests)}"
            self.valid.add(token)
            # Lower-case "bearer" as in oauth-token-response.json (NOTES 33).
            return httpx.Response(
                200,
                json={"access_token": token, "token_type": "bearer", "expires_in": self.expires_in},
            )
        self.api_requests.append(request)
        header = request.headers.get("Authorization", "")
        self.api_auth.append(header)
        if header.removeprefix("Bearer ") not in self.valid:
            return httpx.Response(401, content=UNAUTHORIZED)
        return httpx.Response(200, json=MESSAGE_DATA)

    def revoke_all(self) -> None:
        self.valid.clear()


def make(org: FakeOrg, clock: Clock | None = None) -> tuple[PlatformClient, ClientCredentialsAuth]:
    auth = ClientCredentialsAuth(
        ENDPOINTS.token_url, CLIENT_ID, SECRET, clock=clock or Clock(), refresh_margin=60.0
    )
    client = PlatformClient(ENDPOINTS, auth, transport=httpx.MockTransport(org.handler))
    return client, auth


async def test_token_request_shape() -> None:
    org = FakeOrg()
    client, auth = make(org)
    async with client:
        await client.message_details("m1")
    (token_request,) = org.token_requests
    assert str(token_request.url) == "https://login.mypurecloud.com/oauth/token"
    assert token_request.method == "POST"
    expected = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    assert token_request.headers["Authorization"] == f"Basic {expected}"
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert token_request.content == b"grant_type=client_credentials"
    # The token request borrows the API request's timeouts instead of having none.
    assert token_request.extensions["timeout"] == org.api_requests[0].extensions["timeout"]
    assert org.api_auth == ["Bearer token-1"]
    assert auth.token_requests == 1


async def test_token_is_cached() -> None:
    org = FakeOrg()
    client, auth = make(org)
    async with client:
        for _ in range(5):
            await client.message_details("m1")
    assert auth.token_requests == 1
    assert client.request_count == 5
    assert set(org.api_auth) == {"Bearer token-1"}


async def test_refresh_shortly_before_expiry() -> None:
    org = FakeOrg(expires_in=3600)
    clock = Clock()
    client, auth = make(org, clock)
    async with client:
        await client.message_details("m1")
        clock.now += 3600 - 61  # 61 s left: still good
        await client.message_details("m1")
        assert auth.token_requests == 1
        clock.now += 2  # 59 s left: inside the 60 s margin
        await client.message_details("m1")
        assert auth.token_requests == 2
        assert org.api_auth[-1] == "Bearer token-2"
        await client.message_details("m1")
    assert auth.token_requests == 2


async def test_short_lived_token_is_reused() -> None:
    # expires_in below the margin: refresh at half the lifetime instead of on every request.
    org = FakeOrg(expires_in=30)
    clock = Clock()
    client, auth = make(org, clock)
    async with client:
        await client.message_details("m1")
        clock.now += 14
        await client.message_details("m1")
        assert auth.token_requests == 1
        clock.now += 2
        await client.message_details("m1")
    assert auth.token_requests == 2


async def test_401_refreshes_once_and_retries_once() -> None:
    org = FakeOrg()
    client, auth = make(org)
    async with client:
        await client.message_details("m1")
        org.revoke_all()
        details = await client.message_details("m1")
    assert details.conversation_id == MESSAGE_DATA["conversationId"]
    assert auth.token_requests == 2
    assert client.request_count == 3  # the first call, the refused one, the retry
    assert org.api_auth == [
        "Bearer token-1",
        "Bearer token-1",
        "Bearer token-2",
    ]


async def test_401_after_refresh_is_an_api_error() -> None:
    org = FakeOrg()
    client, auth = make(org)
    original = org.handler

    async def always_401(request: httpx.Request) -> httpx.Response:
        response = await original(request)
        if request.url.path != "/oauth/token":
            return httpx.Response(401, content=UNAUTHORIZED)
        return response

    client = PlatformClient(ENDPOINTS, auth, transport=httpx.MockTransport(always_401))
    async with client:
        with pytest.raises(ApiError) as info:
            await client.message_details("m1")
    assert not isinstance(info.value, AuthError)
    assert info.value.status == 401
    assert info.value.code == "authentication.required"
    assert auth.token_requests == 2  # the first token, then one refresh: no loop
    assert client.request_count == 2


async def test_concurrent_requests_with_expired_token_refresh_once() -> None:
    org = FakeOrg(token_delay=0.02)
    clock = Clock()
    client, auth = make(org, clock)
    async with client:
        await client.message_details("m1")
        clock.now += 7200
        results = await asyncio.gather(*(client.message_details("m1") for _ in range(50)))
    assert len(results) == 50
    assert auth.token_requests == 2  # the first token and exactly one refresh
    assert len(org.token_requests) == 2
    assert set(org.api_auth[1:]) == {"Bearer token-2"}
    assert client.request_count == 51


async def test_concurrent_first_requests_fetch_one_token() -> None:
    org = FakeOrg(token_delay=0.02)
    client, auth = make(org)
    async with client:
        await asyncio.gather(*(client.message_details("m1") for _ in range(50)))
    assert auth.token_requests == 1


async def test_concurrent_401s_refresh_once() -> None:
    org = FakeOrg(token_delay=0.02)
    client, auth = make(org)
    async with client:
        await client.message_details("m1")
        org.revoke_all()
        await asyncio.gather(*(client.message_details("m1") for _ in range(50)))
    assert auth.token_requests == 2
    assert client.request_count == 1 + 50 + 50  # each refused once, retried once
    assert org.api_auth.count("Bearer token-1") == 1 + 50
    assert org.api_auth.count("Bearer token-2") == 50


async def test_cancelled_refresh_releases_the_lock() -> None:
    org = FakeOrg(token_delay=0.3)
    client, auth = make(org)
    async with client:
        first = asyncio.create_task(client.message_details("m1"))
        await asyncio.sleep(0.05)  # first is waiting for its token
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        async with asyncio.timeout(2):
            details = await client.message_details("m1")
    assert details.conversation_id == MESSAGE_DATA["conversationId"]
    assert auth.token_requests == 2


async def test_refused_credentials_raise_auth_error() -> None:
    org = FakeOrg()
    org.token_status = 401
    org.token_body = {
        "error": "invalid_client",
        "description": "client not found",
        "error_description": "client not found",
    }
    client, _ = make(org)
    async with client:
        with pytest.raises(AuthError) as info:
            await client.message_details("m1")
    assert info.value.status == 401
    assert info.value.code == "invalid_client"
    assert info.value.path == "/oauth/token"
    assert org.api_requests == []
    assert client.request_count == 0


async def test_token_response_without_access_token() -> None:
    org = FakeOrg()
    org.token_body = {"token_type": "bearer", "expires_in": 60}
    client, _ = make(org)
    async with client:
        with pytest.raises(ResponseFormatError, match="access_token"):
            await client.message_details("m1")


async def test_recorded_token_response_is_accepted() -> None:
    org = FakeOrg()
    org.token_body = json.loads(
        (RECORDED / "platform/oauth-token-response.json").read_text(encoding="utf-8")
    )
    org.valid.add(org.token_body["access_token"])
    client, auth = make(org)
    async with client:
        await client.message_details("m1")
    assert org.api_auth == ["Bearer <opaque-access-token>"]
    assert auth.token_requests == 1


async def test_secrets_never_logged_or_shown(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    org = FakeOrg()
    client, auth = make(org)
    async with client:
        await client.message_details("m1")
        org.revoke_all()
        await client.message_details("m1")
    text = caplog.text
    assert "/oauth/token" in text  # the token request is logged...
    assert "/api/v2/conversations/messages/m1/details" in text
    for secret in (SECRET, "token-1", "token-2", "Basic ", "Bearer "):
        assert secret not in text  # ...but never its secrets
    assert SECRET not in repr(auth)
    assert "token-2" not in repr(auth)
    assert CLIENT_ID in repr(auth)


def test_sync_client_is_refused() -> None:
    auth = ClientCredentialsAuth(ENDPOINTS.token_url, CLIENT_ID, SECRET)
    with (
        httpx.Client(auth=auth, transport=httpx.MockTransport(lambda r: httpx.Response(200))) as c,
        pytest.raises(TypeError, match="AsyncClient"),
    ):
        c.get("https://api.mypurecloud.com/x")


async def test_50_requests_meeting_a_401_at_once_refresh_once_over_sockets() -> None:
    """The sandbox org forgets its tokens; 50 requests in flight with the old one all get a
    401 and must share one token request (counted from the org's own request log)."""
    from inspector.orgs.connection import sandbox_connection
    from inspector.sandbox import SandboxOrg

    async with SandboxOrg() as sandbox:
        org = sandbox_connection(sandbox)
        try:
            await org.platform.web_deployment(org.deployment_id)
            tokens_before = len(sandbox.requests_to("/oauth/token", "POST"))
            sandbox.revoke_tokens()
            mark = len(sandbox.request_log)
            found = await asyncio.gather(
                *(org.platform.web_deployment(org.deployment_id) for _ in range(50))
            )
        finally:
            await org.aclose()
        served = sandbox.request_log[mark:]
    assert tokens_before == 1
    assert {d.id for d in found} == {org.deployment_id}
    assert [r.path for r in served].count("/oauth/token") == 1
    api = [r for r in served if r.path != "/oauth/token"]
    assert [r.status for r in api].count(401) == 50  # every request met the revoked token
    assert [r.status for r in api].count(200) == 50  # and went on with the one new token
