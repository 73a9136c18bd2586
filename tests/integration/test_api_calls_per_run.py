"""How many Platform API requests one verification costs a real org, counted by the sandbox.

With the token cached, a run makes three: the message details, one read that finds the
attributes (the first read waits for the org's propagation), and the cleanup.
"""

from inspector.core import Verdict, VerificationRequest, run_verification
from inspector.orgs.connection import sandbox_connection
from inspector.sandbox import SandboxOrg

REQUEST = VerificationRequest(
    crm_id="CRM-12345-XYZ", attributes={"source": "web-portal"}, timeout=8.0
)


def platform_calls(log, since):
    return [(r.method, r.path) for r in log[since:] if r.path.startswith("/api/v2/")]


async def test_a_run_with_a_cached_token_makes_three_platform_api_calls():
    async with SandboxOrg(propagation_delay=0.3, bot_reply_delay=0.05) as sandbox:
        org = sandbox_connection(sandbox)
        try:
            warm = await run_verification(REQUEST, org.guest_launcher(), org.reader)
            assert warm.verdict is Verdict.PASS
            before = len(sandbox.request_log)
            result = await run_verification(
                REQUEST, org.guest_launcher(), org.reader, propagation=0.4
            )
        finally:
            await org.aclose()
    assert result.verdict is Verdict.PASS, result.summary
    calls = platform_calls(sandbox.request_log, before)
    conversation = result.conversation_id
    assert calls == [
        ("GET", f"/api/v2/conversations/messages/{result.message_id}/details"),
        ("GET", f"/api/v2/conversations/{conversation}"),
        (
            "PATCH",
            f"/api/v2/conversations/messages/{conversation}/participants/"
            f"{result.raw and _customer_id(result.raw)}",
        ),
    ]


async def test_attributes_later_than_the_estimate_are_still_found_within_the_timeout():
    async with SandboxOrg(propagation_delay=1.2, bot_reply_delay=0.05) as sandbox:
        org = sandbox_connection(sandbox)
        try:
            result = await run_verification(
                REQUEST, org.guest_launcher(), org.reader, propagation=0.2, poll_initial=0.1
            )
        finally:
            await org.aclose()
    assert result.verdict is Verdict.PASS, result.summary
    reads = [
        r
        for r in sandbox.request_log
        if r.method == "GET" and r.path == f"/api/v2/conversations/{result.conversation_id}"
    ]
    assert len(reads) > 1


def _customer_id(raw):
    return next(p["id"] for p in raw["participants"] if p.get("purpose") == "customer")
