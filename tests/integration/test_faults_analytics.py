"""The optional analytics check over the conversation details job endpoints of the sandbox."""

from datetime import UTC, datetime, timedelta

from inspector.core import Verdict, VerificationRequest, run_verification
from inspector.genesys.platform import genesys_time
from inspector.orgs.connection import sandbox_connection
from inspector.sandbox import SandboxOrg

JOBS = "/api/v2/analytics/conversations/details/jobs"


async def verify(faults, *, analytics_check=True):
    req = VerificationRequest(
        crm_id="CRM-1", attributes={"source": "web"}, timeout=8.0, analytics_check=analytics_check
    )
    async with SandboxOrg(faults=faults, propagation_delay=0.05, bot_reply_delay=0.05) as org:
        conn = sandbox_connection(org)
        try:
            result = await run_verification(
                req,
                conn.guest_launcher(),
                conn.reader,
                preflight=conn.preflight,
                analytics=conn.analytics,
                poll_initial=0.05,
            )
        finally:
            await conn.aclose()
        return result, org.request_log


def note(result, code):
    found = [d for d in result.diagnoses if d.code == code]
    assert len(found) == 1, [d.code for d in result.diagnoses]
    return found[0]


async def test_analytics_shows_the_attributes():
    result, log = await verify([])
    assert result.verdict is Verdict.PASS
    assert "all 2 attributes" in note(result, "analytics-attributes").message
    # The job was polled: QUEUED first, then FULFILLED, then its results were read.
    status_reads = [r for r in log if r.path.startswith(JOBS + "/") and r.path.count("/") == 7]
    assert len(status_reads) >= 2


async def test_analytics_delay_reports_not_available_yet_with_the_time():
    result, _ = await verify(["analytics-delay"])
    assert result.verdict is Verdict.PASS
    d = note(result, "analytics-pending")
    assert "data up to 20" in d.message and "not available" in d.message


async def test_analytics_check_is_off_by_default():
    result, log = await verify([], analytics_check=False)
    assert result.verdict is Verdict.PASS
    assert not [d for d in result.diagnoses if d.code.startswith("analytics")]
    assert not [r for r in log if r.path.startswith("/api/v2/analytics")]


async def test_job_endpoints_use_the_sdk_field_names():
    async with SandboxOrg() as org:
        conn = sandbox_connection(org)
        try:
            client = conn.platform
            now = datetime.now(UTC)
            job = await client.start_conversation_details_job(now - timedelta(hours=1), now)
            assert await client.conversation_details_job_state(job) == "QUEUED"
            assert await client.conversation_details_job_state(job) == "FULFILLED"
            page = await client.conversation_details_job_results(job)
            assert page.conversations == [] and page.data_availability
            assert (await client.analytics_data_availability()).endswith("Z")
            # Raw shapes: jobId, state, conversations, dataAvailabilityDate.
            interval = f"{genesys_time(now - timedelta(hours=1))}/{genesys_time(now)}"
            raw = await client._client.post(JOBS, json={"interval": interval})
            assert raw.status_code == 202 and set(raw.json()) == {"jobId"}
            bad = await client._client.post(JOBS, json={})
            assert bad.status_code == 400 and bad.json()["code"] == "bad.request"
        finally:
            await conn.aclose()


async def test_analytics_names_attributes_the_flow_changed():
    result, _ = await verify(["flow-overwrite"])
    assert result.verdict is Verdict.FAIL
    assert "crmCustomerId" in note(result, "analytics-missing").message
