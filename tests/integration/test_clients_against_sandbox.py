"""Our clients and the core steps against the sandbox org, over real sockets.

The same code path a real org gets: OrgEndpoints for a custom domain, client-credentials
auth, the Platform API client, the guest WebSocket with the deployment's Origin header.
"""

import asyncio

import pytest

from inspector.app import sandbox_connection
from inspector.core import RowStatus, Verdict, VerificationRequest, run_verification
from inspector.genesys import (
    ApiError,
    ClientCredentialsAuth,
    GuestError,
    GuestSession,
    OrgEndpoints,
    PlatformClient,
)
from inspector.sandbox import SANDBOX_DEPLOYMENT_ID, SANDBOX_ORIGIN, SandboxOrg

REQUEST = VerificationRequest(
    crm_id="CRM-12345-XYZ", attributes={"source": "web-portal"}, timeout=5.0
)


@pytest.fixture
async def sandbox():
    async with SandboxOrg(propagation_delay=0.1, bot_reply_delay=0.05) as org:
        yield org


@pytest.fixture
async def org(sandbox):
    connection = sandbox_connection(sandbox)
    yield connection
    await connection.aclose()


async def test_guest_session_and_platform_client_find_the_attributes(sandbox, org):
    async with GuestSession(org.endpoints, SANDBOX_DEPLOYMENT_ID, origin=SANDBOX_ORIGIN) as guest:
        info = await guest.configure()
        assert info.connected and info.max_custom_data_bytes == 2048
        echo = await guest.send_text("hi", {"crmCustomerId": "C-1"})
        assert echo.direction == "Inbound" and echo.id
        reply = await guest.next_message(timeout=5)
        assert reply.direction == "Outbound" and reply.text
    details = await org.platform.message_details(echo.id)
    conversation = await org.platform.conversation(details.conversation_id)
    assert conversation.id == details.conversation_id
    assert conversation.source == f"GET /api/v2/conversations/{conversation.id}"
    customer = conversation.customer()
    assert customer is not None and customer.purpose == "customer"
    # read right away the attributes may not have propagated; the core step polls for them
    readback = await org.reader.read_customer_attributes(conversation.id)
    assert readback.raw["id"] == conversation.id


async def test_headless_verification_passes(org):
    result = await run_verification(REQUEST, org.guest_launcher(), org.reader)
    assert result.verdict is Verdict.PASS, result.summary
    assert [(r.key, r.status) for r in result.rows] == [
        ("crmCustomerId", RowStatus.MATCH),
        ("source", RowStatus.MATCH),
    ]
    customer = next(p for p in result.raw["participants"] if p["purpose"] == "customer")
    assert customer["attributes"]["crmCustomerId"] == "CRM-12345-XYZ"
    assert org.platform.request_count >= 2


@pytest.mark.parametrize(
    ("fault", "status"),
    [("lowercase-keys", RowStatus.CASE_MISMATCH), ("drop-attributes", RowStatus.MISSING)],
)
async def test_faults_fail_with_the_right_row_status(sandbox, org, fault, status):
    sandbox.set_faults({fault})
    result = await run_verification(REQUEST, org.guest_launcher(), org.reader)
    assert result.verdict is Verdict.FAIL
    assert result.rows[0].status is status
    if status is RowStatus.CASE_MISMATCH:
        assert result.rows[0].received_key == "crmCustomerid"


async def test_oversized_attributes_refused_by_the_org_are_an_error(org):
    async with GuestSession(org.endpoints, SANDBOX_DEPLOYMENT_ID, origin=SANDBOX_ORIGIN) as guest:
        await guest.configure()
        with pytest.raises(GuestError) as caught:
            await guest.send_text("hi", {"notes": "x" * 2100})
    assert caught.value.code == 4013


async def test_disallowed_origin_is_refused(org):
    guest = GuestSession(org.endpoints, SANDBOX_DEPLOYMENT_ID, origin="https://evil.example")
    try:
        with pytest.raises(GuestError) as caught:
            await guest.connect()
            await guest.configure()
        assert caught.value.code == 403
    finally:
        await guest.close()


async def test_details_permission_missing_is_a_clear_error(sandbox, org):
    sandbox.set_faults({"no-details-permission"})
    result = await run_verification(REQUEST, org.guest_launcher(), org.reader)
    assert result.verdict is Verdict.ERROR
    assert result.diagnoses[0].code == "permission-missing"
    assert "conversation:message:view" in result.summary


async def test_unknown_message_is_a_404_api_error(org):
    with pytest.raises(ApiError) as caught:
        await org.platform.message_details("00000000-0000-4000-8000-000000000000")
    assert caught.value.status == 404 and caught.value.context_id


async def test_revoked_token_is_refreshed_once_and_the_call_succeeds(sandbox):
    endpoints = OrgEndpoints.for_custom_domain(sandbox.base_url)
    info = sandbox.info
    auth = ClientCredentialsAuth(endpoints.token_url, info.client_id, info.client_secret)
    async with PlatformClient(endpoints, auth) as client:
        assert (await client.web_deployment(SANDBOX_DEPLOYMENT_ID)).status == "Active"
        assert auth.token_requests == 1
        sandbox.revoke_tokens()
        assert (await client.web_deployment(SANDBOX_DEPLOYMENT_ID)).status == "Active"
        assert auth.token_requests == 2


async def test_wrong_client_secret_is_an_auth_error(sandbox):
    endpoints = OrgEndpoints.for_custom_domain(sandbox.base_url)
    auth = ClientCredentialsAuth(endpoints.token_url, sandbox.info.client_id, "wrong")
    async with PlatformClient(endpoints, auth) as client:
        with pytest.raises(ApiError) as caught:
            await client.conversation("00000000-0000-4000-8000-000000000000")
    assert caught.value.status == 401


async def test_public_deployment_config_needs_no_token(sandbox):
    endpoints = OrgEndpoints.for_custom_domain(sandbox.base_url)
    async with PlatformClient(endpoints, None) as client:
        config = await client.deployment_config(SANDBOX_DEPLOYMENT_ID)
    assert config.messaging_endpoint == endpoints.webmessaging


async def test_run_id_search_finds_the_chat_when_details_are_forbidden(sandbox, org):
    sandbox.set_faults({"no-details-permission"})
    request = VerificationRequest(crm_id="CRM-7", run_id="inspector-run-77", timeout=6.0)
    result = await run_verification(request, org.guest_launcher(), org.reader)
    assert result.verdict is Verdict.PASS, result.summary
    assert result.lookup == "run-id search"
    assert "lookup-fallback" in [d.code for d in result.diagnoses]
    assert [r.key for r in result.rows] == ["crmCustomerId", "inspectorRunId"]


async def test_cleanup_disconnects_the_customer(sandbox, org):
    result = await run_verification(REQUEST, org.guest_launcher(), org.reader)
    assert result.steps[-1].name == "cleanup" and result.steps[-1].ok
    conversation = await org.platform.message_conversation(result.conversation_id)
    [customer] = [p for p in conversation.raw["participants"] if p["purpose"] == "customer"]
    assert customer["state"] == "disconnected"


@pytest.mark.parametrize("ticks", [0, 1, 2, 3, 5, 8, 13])
async def test_a_caller_cancelled_again_while_closing_still_releases_the_guest(org, ticks):
    """Shutdown cancels twice: the second cancel lands somewhere inside close()."""
    guest = GuestSession(org.endpoints, SANDBOX_DEPLOYMENT_ID, origin=SANDBOX_ORIGIN)
    ready = asyncio.Event()

    async def chat() -> None:
        try:
            await guest.connect()
            await guest.configure()
            ready.set()
            await asyncio.sleep(30)
        finally:
            await guest.close()

    task = asyncio.create_task(chat())
    await ready.wait()
    assert not guest.released
    task.cancel()
    for _ in range(ticks):
        await asyncio.sleep(0)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert guest.released
