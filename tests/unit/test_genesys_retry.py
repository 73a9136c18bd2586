"""Retries: 429 + Retry-After, 5xx and connect errors for idempotent requests only."""

import httpx
import pytest

from inspector.genesys import ApiError, NetworkError, OrgEndpoints, PlatformClient
from inspector.genesys.errors import RateLimitPaused
from inspector.genesys.retry import RateLimitInfo, RetryPolicy, RetryWait
from tests.recorded import RECORDED

ENDPOINTS = OrgEndpoints.for_environment("prod")
DEPLOYMENT = (RECORDED / "platform/WebDeployment.json").read_bytes()
TOO_MANY = (RECORDED / "platform/ErrorBody-429.json").read_bytes()
FAST = RetryPolicy(backoff_initial=0.01, backoff_max=0.05, backoff_jitter=0.01)
JSON = {"Content-Type": "application/json"}
DEP_PATH = "/api/v2/webdeployments/deployments/dep-1"
SEARCH_PATH = "/api/v2/conversations/participants/attributes/search"


class Script:
    """Answers requests from a list of (status, headers) or exceptions, then 200s."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.requests = []

    def __call__(self, request):
        self.requests.append(request)
        answer = self.answers.pop(0) if self.answers else (200, {})
        if isinstance(answer, Exception):
            raise answer
        status, headers = answer
        if status == 200:
            body = DEPLOYMENT if request.method == "GET" else b'{"results": []}'
            return httpx.Response(200, content=body, headers={**JSON, **headers})
        if status == 429:
            return httpx.Response(429, content=TOO_MANY, headers={**JSON, **headers})
        return httpx.Response(
            status, json={"message": "gateway", "code": "bad.gateway", "status": status}
        )


def client(script, **kwargs):
    waits = []
    platform = PlatformClient(
        ENDPOINTS,
        None,
        transport=httpx.MockTransport(script),
        retry=kwargs.pop("retry", FAST),
        on_wait=waits.append,
    )
    return platform, waits


@pytest.mark.parametrize("status", [502, 503, 504])
async def test_gets_are_retried_on_gateway_errors(status):
    script = Script((status, {}), (status, {}))
    platform, waits = client(script)
    async with platform:
        deployment = await platform.web_deployment("dep-1")
    assert deployment.status == "Active"
    assert len(script.requests) == 3
    assert [w.reason for w in waits] == [f"HTTP {status}"] * 2
    assert all(isinstance(w, RetryWait) and w.seconds <= FAST.backoff_max for w in waits)


async def test_gateway_errors_stop_after_max_attempts():
    script = Script(*[(503, {})] * 10)
    platform, _waits = client(script)
    async with platform:
        with pytest.raises(ApiError) as caught:
            await platform.web_deployment("dep-1")
    assert caught.value.status == 503
    assert len(script.requests) == FAST.max_attempts


async def test_a_post_is_never_retried_on_a_gateway_error():
    script = Script((502, {}))
    platform, waits = client(script)
    async with platform:
        with pytest.raises(ApiError) as caught:
            await platform.search_participant_attributes(
                [{"type": "EXACT", "fields": ["conversationId"], "value": "x"}]
            )
    assert caught.value.status == 502
    assert len(script.requests) == 1 and waits == []


async def test_the_disconnect_patch_sets_a_state_so_a_gateway_error_is_retried():
    script = Script((503, {}), (503, {}))
    platform, waits = client(script)
    async with platform:
        await platform.disconnect_customer("conv-1", "part-1")
    assert [r.method for r in script.requests] == ["PATCH"] * 3
    assert {r.url.path for r in script.requests} == {
        "/api/v2/conversations/messages/conv-1/participants/part-1"
    }
    assert {r.content for r in script.requests} == {b'{"state":"disconnected"}'}
    assert [w.reason for w in waits] == ["HTTP 503"] * 2


async def test_connect_errors_are_retried_for_gets_but_not_posts():
    script = Script(httpx.ConnectError("refused"))
    platform, waits = client(script)
    async with platform:
        assert (await platform.web_deployment("dep-1")).status == "Active"
    assert [w.reason for w in waits] == ["connection failed"]

    script = Script(httpx.ConnectError("refused"))
    platform, waits = client(script)
    async with platform:
        with pytest.raises(NetworkError):
            await platform.search_participant_attributes(
                [{"type": "EXACT", "fields": ["conversationId"], "value": "x"}]
            )
    assert len(script.requests) == 1


async def test_a_read_error_after_sending_is_not_retried():
    script = Script(httpx.ReadError("reset"))
    platform, _ = client(script)
    async with platform:
        with pytest.raises(NetworkError):
            await platform.web_deployment("dep-1")
    assert len(script.requests) == 1


async def test_429_waits_retry_after_for_any_method_and_reports_it():
    script = Script((429, {"Retry-After": "0.2"}))
    platform, waits = client(script)
    async with platform:
        page = await platform.search_participant_attributes(
            [{"type": "EXACT", "fields": ["conversationId"], "value": "x"}]
        )
    assert page.rows == ()
    assert len(script.requests) == 2
    [wait] = waits
    assert (wait.seconds, wait.reason, wait.method, wait.path) == (
        0.2,
        "rate limited",
        "POST",
        SEARCH_PATH,
    )
    assert wait.describe() == "waiting 0.2 s (rate limited)"


def test_wait_descriptions():
    assert (
        RetryWait(12.0, "rate limited", 1, "GET", "/x").describe() == "waiting 12 s (rate limited)"
    )
    assert RetryWait(0.45, "HTTP 503", 1, "GET", "/x").describe() == "waiting 0.5 s (HTTP 503)"


async def test_429_longer_than_the_cap_pauses_without_retrying():
    script = Script((429, {"Retry-After": "300"}))
    platform, waits = client(script, retry=RetryPolicy(max_retry_after=120))
    async with platform:
        with pytest.raises(RateLimitPaused) as caught:
            await platform.web_deployment("dep-1")
    assert len(script.requests) == 1 and waits == []
    error = caught.value
    assert (
        error.retry_after == 300
        and error.status == 429
        and error.code == "too.many.requests.retry.after"
    )
    assert "rate limited for 300 s: paused" in str(error)
    assert "rate limited for 300 s: paused" in error.user_message()
    assert error.context_id  # kept for support


async def test_429_without_retry_after_waits_the_sdk_default():
    script = Script((429, {}))
    platform, waits = client(script, retry=RetryPolicy(default_retry_after=0.05))
    async with platform:
        await platform.web_deployment("dep-1")
    assert [w.seconds for w in waits] == [0.05]


async def test_rate_limit_headers_are_exposed():
    script = Script(
        (
            200,
            {
                "inin-ratelimit-count": "7",
                "inin-ratelimit-allowed": "300",
                "inin-ratelimit-reset": "42",
            },
        )
    )
    platform, _ = client(script)
    async with platform:
        assert platform.rate_limit is None
        await platform.web_deployment("dep-1")
    info = platform.rate_limit
    assert isinstance(info, RateLimitInfo)
    assert (info.count, info.allowed, info.reset_seconds, info.remaining) == (7, 300, 42.0, 293)


def test_rate_limit_info_ignores_missing_or_garbled_headers():
    assert RateLimitInfo.from_headers({}) is None
    info = RateLimitInfo.from_headers({"inin-ratelimit-count": "x", "inin-ratelimit-allowed": "5"})
    assert info is not None and info.count is None and info.remaining is None


def test_missing_permissions_are_read_from_a_403():
    body = (RECORDED / "platform/ErrorBody-403-missing-permissions.json").read_bytes()
    response = httpx.Response(
        403, content=body, headers=JSON, request=httpx.Request("GET", "https://x/y")
    )
    error = ApiError.from_response(response, method="GET", path="/y")
    assert error.missing_permissions == ["conversation:participant:attributesview"]
    assert error.context_id
