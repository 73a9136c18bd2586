"""Real-org code paths against the sandbox over real sockets: PKCE sign-in, rate limits,
retries, the run-id search fallback, cleanup, pre-flight and the connection test."""

import asyncio
import socket
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from inspector.core.preflight import (
    CHECK_ACTIVE,
    CHECK_ORIGIN,
    DeploymentFacts,
    failed,
    run_preflight,
)
from inspector.genesys import (
    ApiError,
    ClientCredentialsAuth,
    GuestSession,
    OrgEndpoints,
    PlatformClient,
)
from inspector.genesys.connection_check import check_connection
from inspector.genesys.errors import SignInError
from inspector.genesys.pkce import (
    AuthorizationCodeAuth,
    LoopbackRedirectListener,
    authorize_url,
    loopback_redirect_uri,
    new_pkce_pair,
    sign_in_with_pkce,
)
from inspector.genesys.retry import RetryPolicy
from inspector.sandbox import (
    SANDBOX_ALL_DOMAINS_DEPLOYMENT_ID,
    SANDBOX_DEPLOYMENT_ID,
    SANDBOX_INACTIVE_DEPLOYMENT_ID,
    SANDBOX_ORIGIN,
    SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID,
    SANDBOX_PKCE_CLIENT_ID,
    SandboxOrg,
)

DEPLOYMENT_PATH = f"/api/v2/webdeployments/deployments/{SANDBOX_DEPLOYMENT_ID}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
async def sandbox():
    async with SandboxOrg(propagation_delay=0.05, bot_reply_delay=0.05) as org:
        yield org


@pytest.fixture
def endpoints(sandbox):
    return OrgEndpoints.for_custom_domain(sandbox.base_url)


def client_for(sandbox, endpoints, **kwargs):
    info = sandbox.info
    auth = ClientCredentialsAuth(endpoints.token_url, info.client_id, info.client_secret)
    return PlatformClient(endpoints, auth, **kwargs)


def browser():
    """Follows the authorize redirect to the loopback listener, as a browser would."""
    tasks = []

    def open_url(url):
        async def visit():
            async with httpx.AsyncClient(follow_redirects=True) as http:
                return await http.get(url)

        tasks.append(asyncio.create_task(visit()))

    return open_url, tasks


# --- PKCE ------------------------------------------------------------------------------------


async def test_pkce_sign_in_end_to_end_then_api_calls_and_refresh(sandbox, endpoints):
    redirect_uri = loopback_redirect_uri(free_port())
    open_url, visits = browser()
    tokens = await sign_in_with_pkce(
        endpoints, SANDBOX_PKCE_CLIENT_ID, redirect_uri, open_browser=open_url, time_limit=10
    )
    landing = await visits[0]
    assert landing.status_code == 200 and "Signed in" in landing.text
    assert tokens.access_token and tokens.refresh_token
    assert tokens.access_token not in repr(tokens)
    token_calls = [r for r in sandbox.request_log if r.path == "/oauth/token"]
    assert [r.status for r in token_calls] == [200]

    rotated = []
    auth = AuthorizationCodeAuth(
        endpoints.token_url, SANDBOX_PKCE_CLIENT_ID, tokens, on_refresh_token=rotated.append
    )
    async with PlatformClient(endpoints, auth) as client:
        assert (await client.web_deployment(SANDBOX_DEPLOYMENT_ID)).status == "Active"
        assert auth.token_requests == 0  # the sign-in's token was used
        sandbox.revoke_tokens()  # the access token dies: 401, refresh once, retry once
        assert (await client.web_deployment(SANDBOX_DEPLOYMENT_ID)).status == "Active"
    assert auth.token_requests == 1
    assert len(rotated) == 1 and rotated[0] != tokens.refresh_token


async def test_pkce_redirect_with_a_wrong_state_is_refused(sandbox, endpoints):
    redirect_uri = loopback_redirect_uri(free_port())
    pair = new_pkce_pair()
    async with LoopbackRedirectListener(redirect_uri, "the-state-we-sent") as listener:
        forged = authorize_url(
            endpoints, SANDBOX_PKCE_CLIENT_ID, redirect_uri, pair.challenge, "forged-state"
        )
        async with httpx.AsyncClient(follow_redirects=True) as http:
            landing = await http.get(forged)
        assert landing.status_code == 400
        with pytest.raises(SignInError) as caught:
            await listener.wait(5)
    assert caught.value.reason == "state-mismatch"
    assert "does not match" in str(caught.value)
    assert not [r for r in sandbox.request_log if r.path == "/oauth/token"]  # no exchange


async def test_pkce_exchange_with_the_wrong_verifier_is_refused(sandbox, endpoints):
    redirect_uri = loopback_redirect_uri(free_port())
    pair, other = new_pkce_pair(), new_pkce_pair()
    url = authorize_url(endpoints, SANDBOX_PKCE_CLIENT_ID, redirect_uri, pair.challenge, "s1")
    async with httpx.AsyncClient() as http:
        redirect = await http.get(url)
        assert redirect.status_code == 302
        query = parse_qs(urlsplit(redirect.headers["Location"]).query)
        assert query["state"] == ["s1"]
        form = {
            "grant_type": "authorization_code",
            "code": query["code"][0],
            "code_verifier": other.verifier,
            "client_id": SANDBOX_PKCE_CLIENT_ID,
            "redirect_uri": redirect_uri,
        }
        refused = await http.post(endpoints.token_url, data=form)
        assert refused.status_code == 400 and refused.json()["error"] == "invalid_grant"
        form["code_verifier"] = pair.verifier  # the code was spent by the failed try
        assert (await http.post(endpoints.token_url, data=form)).status_code == 400


async def test_authorize_refuses_unregistered_redirects_without_redirecting(sandbox, endpoints):
    pair = new_pkce_pair()
    async with httpx.AsyncClient() as http:
        for uri in ("http://evil.example:8080/callback", "http://127.0.0.1:8080/other"):
            answer = await http.get(
                authorize_url(endpoints, SANDBOX_PKCE_CLIENT_ID, uri, pair.challenge, "s")
            )
            assert answer.status_code == 400 and "Location" not in answer.headers
        unknown = await http.get(
            authorize_url(endpoints, "nobody", loopback_redirect_uri(9), pair.challenge, "s")
        )
        assert unknown.status_code == 400


async def test_a_pinned_redirect_port_must_match():
    async with SandboxOrg(pkce_redirect_port=45678) as org:
        endpoints = OrgEndpoints.for_custom_domain(org.base_url)
        pair = new_pkce_pair()
        async with httpx.AsyncClient() as http:
            ok = await http.get(
                authorize_url(
                    endpoints,
                    SANDBOX_PKCE_CLIENT_ID,
                    loopback_redirect_uri(45678),
                    pair.challenge,
                    "s",
                )
            )
            wrong = await http.get(
                authorize_url(
                    endpoints,
                    SANDBOX_PKCE_CLIENT_ID,
                    loopback_redirect_uri(45679),
                    pair.challenge,
                    "s",
                )
            )
    assert ok.status_code == 302 and wrong.status_code == 400


async def test_sign_in_times_out_when_the_browser_never_answers(endpoints):
    with pytest.raises(SignInError) as caught:
        await sign_in_with_pkce(
            endpoints,
            SANDBOX_PKCE_CLIENT_ID,
            loopback_redirect_uri(free_port()),
            open_browser=lambda url: None,
            time_limit=0.2,
        )
    assert caught.value.reason == "timeout"


# --- rate limits and retries ------------------------------------------------------------------


async def test_429_retry_after_is_honoured_as_measured_by_the_sandbox_log():
    async with SandboxOrg(faults={"rate-limit"}, rate_limit_retry_after=1) as org:
        endpoints = OrgEndpoints.for_custom_domain(org.base_url)
        waits = []
        async with client_for(org, endpoints, on_wait=waits.append) as client:
            assert (await client.web_deployment(SANDBOX_DEPLOYMENT_ID)).status == "Active"
        first, second = org.requests_to(DEPLOYMENT_PATH)
    assert (first.status, second.status) == (429, 200)
    gap = second.at - first.at
    print(f"Retry-After 1 s; the sandbox saw the retry {gap:.3f} s after the 429")
    assert gap >= 1.0
    assert [w.describe() for w in waits] == ["waiting 1.0 s (rate limited)"]
    assert client.rate_limit is not None and client.rate_limit.allowed == 300


async def test_a_long_retry_after_pauses_instead_of_retrying():
    async with SandboxOrg(faults={"rate-limit"}, rate_limit_retry_after=600) as org:
        endpoints = OrgEndpoints.for_custom_domain(org.base_url)
        async with client_for(org, endpoints) as client:
            with pytest.raises(ApiError) as caught:
                await client.web_deployment(SANDBOX_DEPLOYMENT_ID)
        assert len(org.requests_to(DEPLOYMENT_PATH)) == 1
    assert "rate limited for 600 s: paused" in caught.value.user_message()


async def test_server_errors_retry_gets_but_not_posts():
    async with SandboxOrg(faults={"server-error"}) as org:
        endpoints = OrgEndpoints.for_custom_domain(org.base_url)
        policy = RetryPolicy(backoff_initial=0.01, backoff_max=0.05)
        async with client_for(org, endpoints, retry=policy) as client:
            assert (await client.web_deployment(SANDBOX_DEPLOYMENT_ID)).status == "Active"
            assert [r.status for r in org.requests_to(DEPLOYMENT_PATH)] == [503, 200]
            now = datetime.now(UTC)
            with pytest.raises(ApiError) as caught:
                await client.find_by_attribute("k", "v", start=now - timedelta(minutes=5), end=now)
        assert caught.value.status == 503
        assert len(org.requests_to("/api/v2/conversations/participants/attributes/search")) == 1


# --- the run-id fallback and cleanup ------------------------------------------------------------


async def start_chat(endpoints, attributes):
    guest = GuestSession(endpoints, SANDBOX_DEPLOYMENT_ID, origin=SANDBOX_ORIGIN)
    await guest.connect()
    await guest.configure()
    echo = await guest.send_text("hello", attributes)
    return guest, echo


async def test_search_finds_the_conversation_by_its_run_id_in_a_time_window(sandbox, endpoints):
    start = datetime.now(UTC) - timedelta(minutes=1)
    mine, _ = await start_chat(endpoints, {"crmCustomerId": "C-1", "inspectorRunId": "run-A"})
    other, _ = await start_chat(endpoints, {"crmCustomerId": "C-2", "inspectorRunId": "run-B"})
    try:
        async with client_for(sandbox, endpoints) as client:
            for _ in range(50):  # attributes land after the propagation delay
                rows = await client.find_by_attribute(
                    "inspectorRunId", "run-A", start=start, end=datetime.now(UTC)
                )
                if rows:
                    break
                await asyncio.sleep(0.05)
            [row] = rows
            assert row.customer().attributes == {"crmCustomerId": "C-1", "inspectorRunId": "run-A"}
            assert row.raw["conversationId"] == row.conversation_id
            assert not await client.find_by_attribute(
                "inspectorRunId", "RUN-A", start=start, end=datetime.now(UTC)
            )
            later = datetime.now(UTC) + timedelta(minutes=5)
            assert not await client.find_by_attribute(
                "inspectorRunId", "run-A", start=later, end=later + timedelta(minutes=1)
            )
    finally:
        await mine.close()
        await other.close()


async def test_search_follows_the_cursor_across_pages(sandbox, endpoints):
    start = datetime.now(UTC) - timedelta(minutes=1)
    guests = [await start_chat(endpoints, {"inspectorRunId": f"run-{i}"}) for i in range(30)]
    try:
        await asyncio.sleep(0.3)
        async with client_for(sandbox, endpoints) as client:
            from inspector.genesys.platform import date_range_query

            first = await client.search_participant_attributes(
                date_range_query(start, datetime.now(UTC))
            )
            assert len(first.rows) == 25 and first.cursor
            rows = await client.find_by_attribute(
                "inspectorRunId", "run-0", start=start, end=datetime.now(UTC)
            )
        assert len(rows) == 1  # the oldest conversation is on the second page
    finally:
        for guest, _ in guests:
            await guest.close()


async def test_disconnect_customer_ends_the_conversation(sandbox, endpoints):
    guest, echo = await start_chat(endpoints, {"crmCustomerId": "C-1"})
    try:
        async with client_for(sandbox, endpoints) as client:
            details = await client.message_details(echo.id)
            conversation = await client.message_conversation(details.conversation_id)
            await client.disconnect_customer(conversation.id, conversation.customer().id)
            ended = await client.message_conversation(conversation.id)
        assert {p["state"] for p in ended.raw["participants"]} == {"disconnected"}
    finally:
        await guest.close()


# --- pre-flight and the connection test against the seeded deployments ------------------------


@pytest.mark.parametrize(
    ("deployment_id", "origin", "failing"),
    [
        (SANDBOX_DEPLOYMENT_ID, SANDBOX_ORIGIN, []),
        (SANDBOX_INACTIVE_DEPLOYMENT_ID, SANDBOX_ORIGIN, [CHECK_ACTIVE]),
        (SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID, SANDBOX_ORIGIN, [CHECK_ORIGIN]),
        (SANDBOX_ALL_DOMAINS_DEPLOYMENT_ID, "https://anything.example", []),
    ],
)
async def test_preflight_on_the_seeded_deployments(
    sandbox, endpoints, deployment_id, origin, failing
):
    async with client_for(sandbox, endpoints) as client:
        deployment = await client.web_deployment(deployment_id)
    facts = DeploymentFacts(
        deployment.id, deployment.status, deployment.allow_all_domains, deployment.allowed_domains
    )
    assert [
        c.code for c in failed(run_preflight(facts, origin, {"crmCustomerId": "C-1"}))
    ] == failing


async def test_the_org_refuses_what_preflight_refuses(endpoints):
    for deployment_id in (SANDBOX_INACTIVE_DEPLOYMENT_ID, SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID):
        guest = GuestSession(endpoints, deployment_id, origin=SANDBOX_ORIGIN)
        try:
            with pytest.raises(Exception) as caught:
                await guest.connect()
                await guest.configure()
            assert getattr(caught.value, "code", None) == 403
        finally:
            await guest.close()


async def test_connection_check_reports_token_deployment_and_config(sandbox, endpoints):
    async with client_for(sandbox, endpoints) as client:
        report = await check_connection(client, SANDBOX_DEPLOYMENT_ID)
        missing = await check_connection(client, "00000000-0000-4000-8000-000000000000")
    assert report.ok and [s.code for s in report.steps] == ["token", "deployment", "public-config"]
    assert report.deployment.status == "Active"
    assert not missing.ok and "not found" in missing.steps[1].message


async def test_connection_check_stops_at_a_refused_token(sandbox, endpoints):
    auth = ClientCredentialsAuth(endpoints.token_url, sandbox.info.client_id, "wrong")
    async with PlatformClient(endpoints, auth) as client:
        report = await check_connection(client, SANDBOX_DEPLOYMENT_ID)
    [step] = report.steps
    assert (
        step.code == "token"
        and not step.ok
        and "refused the OAuth client credentials" in step.message
    )
