"""Every sandbox fault, run through a whole headless verification over real sockets: the
verdict and the diagnosis code the user is shown."""

import httpx
import pytest

from inspector.core import StepError, Verdict, VerificationRequest, run_verification
from inspector.orgs.connection import sandbox_connection
from inspector.sandbox import FAULTS, SANDBOX_ORIGIN, SandboxOrg

CRM = "CRM-12345-XYZ"


def request(**kwargs):
    kwargs.setdefault("timeout", 8.0)
    return VerificationRequest(crm_id=CRM, attributes={"source": "web-portal"}, **kwargs)


async def verify(faults, req=None, *, placement="message", slow_after=None, **sandbox_args):
    sandbox_args.setdefault("propagation_delay", 0.05)
    sandbox_args.setdefault("bot_reply_delay", 0.05)
    async with SandboxOrg(faults=faults, **sandbox_args) as sandbox:
        org = sandbox_connection(sandbox)
        if slow_after is not None:
            org.reader.slow_after = slow_after
        try:
            return await run_verification(
                req or request(),
                org.guest_launcher(placement=placement),
                org.reader,
                preflight=org.preflight,
                poll_initial=0.05,
            )
        finally:
            await org.aclose()


def codes(result):
    return [d.code for d in result.diagnoses]


def only(result, code):
    found = [d for d in result.diagnoses if d.code == code]
    assert len(found) == 1, codes(result)
    assert found[0].fix, f"{code} has no fix"
    return found[0]


async def test_no_fault_passes_without_diagnoses():
    result = await verify([])
    assert result.verdict is Verdict.PASS
    assert codes(result) == []


async def test_lowercase_keys_is_a_case_mismatch_with_both_spellings():
    result = await verify(["lowercase-keys"])
    assert result.verdict is Verdict.FAIL
    d = only(result, "case-mismatch")
    assert "'crmCustomerId'" in d.message and "'crmCustomerid'" in d.message


async def test_drop_attributes_is_attributes_missing_with_the_size():
    result = await verify(["drop-attributes"], request(timeout=1.5))
    assert result.verdict is Verdict.FAIL
    assert "bytes (these take" in only(result, "attributes-missing").fix


async def test_late_attributes_says_when_they_arrived():
    # Attributes land 1.5 s after the message; the run times out after 0.8 s from its start,
    # so they are missing at the timeout and seen by the late check.
    result = await verify(
        ["late-attributes"], request(timeout=0.8, late_check=6.0), late_attributes_delay=1.5
    )
    assert result.verdict is Verdict.FAIL
    assert {r.status.value for r in result.rows} == {"missing"}
    d = only(result, "attributes-late")
    assert "crmCustomerId" in d.message and "s after the first message" in d.message
    assert "attributes-missing" not in codes(result)
    # the extra reading is a step of its own, so its time shows
    late = next(s for s in result.steps if s.name == "late")
    assert late.ok and late.ms > 0
    assert late.detail.startswith("2 of 2 missing keys arrived later")


async def test_late_check_off_leaves_attributes_missing():
    result = await verify(["late-attributes"], request(timeout=0.8), late_attributes_delay=1.5)
    assert result.verdict is Verdict.FAIL
    assert "attributes-missing" in codes(result)
    assert "late" not in [s.name for s in result.steps]


async def test_legacy_location_is_diagnosed_as_the_org_ignores_it_by_default():
    # Genesys ignores attributes in the top-level channel since 5 June 2026 (GENESYS.md):
    # the chat completes, nothing lands, and the diagnosis names the cause.
    req = request(timeout=1.5, attribute_location="legacy")
    result = await verify([], req, placement="legacy")
    assert result.verdict is Verdict.FAIL
    d = only(result, "attributes-legacy-location")
    assert "message.channel.metadata.customAttributes" in d.message


async def test_read_only_session_refuses_the_first_message_with_409():
    result = await verify(["read-only-session"], request(timeout=2.0))
    assert result.verdict is Verdict.ERROR
    [d] = result.diagnoses
    assert d.code == "read-only-session"
    assert "409" in d.message and "Session is read-only, no new messages allowed" in d.message


async def test_prechat_required_names_the_fields():
    result = await verify(["prechat-required"])
    assert result.verdict is Verdict.ERROR
    d = only(result, "prechat-required")
    assert "firstName, email" in d.message


async def test_prechat_answers_given_pass():
    req = VerificationRequest(
        crm_id=CRM, attributes={"firstName": "Ada", "email": "ada@example.com"}, timeout=8.0
    )
    result = await verify(["prechat-required"], req)
    assert result.verdict is Verdict.PASS


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        ("deployment-missing", "deployment-exists"),
        ("deployment-inactive", "deployment-active"),
        ("origin-denied", "origin-allowed"),
    ],
)
async def test_deployment_faults_are_refused_before_the_chat(fault, code):
    result = await verify([fault])
    assert result.verdict is Verdict.ERROR
    assert result.preflight_refused
    only(result, code)
    assert [s.name for s in result.steps] == ["preflight"]


@pytest.mark.parametrize("fault", ["deployment-missing", "deployment-inactive", "origin-denied"])
async def test_deployment_faults_refuse_the_socket_on_a_forced_run(fault):
    result = await verify([fault], request(force=True))
    assert result.verdict is Verdict.ERROR
    d = only(result, "guest-refused")
    assert "403" in d.message and SANDBOX_ORIGIN in d.message


async def test_origin_denied_preflight_names_the_host():
    result = await verify(["origin-denied"])
    assert "shop.example.com" in only(result, "origin-allowed").message


async def test_deployment_missing_answers_404_on_config_and_deployment():
    async with SandboxOrg(faults=["deployment-missing"]) as sandbox:
        info = sandbox.info
        async with httpx.AsyncClient(base_url=info.base_url) as http:
            config = await http.get(
                f"/webdeployments/v1/deployments/{info.deployment_id}/config.json"
            )
    assert config.status_code == 404


async def test_rate_limit_passes_and_says_how_long_it_waited():
    result = await verify(["rate-limit"], rate_limit_retry_after=0.2)
    assert result.verdict is Verdict.PASS
    d = only(result, "rate-limited")
    assert "waited" in d.message and "429" in d.message


async def test_server_error_passes_after_retries():
    result = await verify(["server-error"])
    assert result.verdict is Verdict.PASS
    assert "HTTP 503" in only(result, "server-retried").message


async def test_token_expired_refreshes_once_and_goes_on():
    result = await verify(["token-expired"])
    assert result.verdict is Verdict.PASS
    assert "fetched once" in only(result, "token-refreshed").message


async def test_slow_org_passes_with_a_note():
    result = await verify(["slow"], request(timeout=20.0), slow_latency=0.6, slow_after=0.5)
    assert result.verdict is Verdict.PASS
    assert "slowest" in only(result, "slow-org").message


async def test_malformed_json_is_an_error_not_a_crash():
    result = await verify(["malformed-json"])
    assert result.verdict is Verdict.ERROR
    assert "not valid JSON" in only(result, "bad-response").message
    assert "internal-error" not in codes(result)


async def test_ws_drop_reconnects_once_and_passes():
    result = await verify(["ws-drop"])
    assert result.verdict is Verdict.PASS
    assert "resumed" in only(result, "guest-reconnected").message


async def test_flow_overwrite_is_a_mismatch_showing_old_and_new():
    result = await verify(["flow-overwrite"])
    assert result.verdict is Verdict.FAIL
    row = next(r for r in result.rows if r.key == "crmCustomerId")
    assert row.status.value == "mismatch"
    d = only(result, "changed-by-flow")
    assert f"'{CRM}' → '{CRM}-flow'" in d.message


async def test_no_details_permission_without_run_id_names_the_permission():
    result = await verify(["no-details-permission"])
    assert result.verdict is Verdict.ERROR
    assert "conversation:message:view" in only(result, "permission-missing").message


async def test_no_details_permission_with_run_id_falls_back_to_search():
    result = await verify(["no-details-permission"], request(run_id="run-123"))
    assert result.verdict is Verdict.PASS
    only(result, "lookup-fallback")


async def test_script_404_answers_404_for_the_bootstrap_script():
    async with SandboxOrg(faults=["script-404"]) as sandbox:
        async with httpx.AsyncClient(base_url=sandbox.base_url) as http:
            script = await http.get("/genesys-bootstrap/genesys.min.js")
    assert script.status_code == 404


def test_every_fault_is_described():
    assert all(FAULTS[name] for name in FAULTS)
    assert {
        "late-attributes",
        "prechat-required",
        "read-only-session",
        "deployment-missing",
        "deployment-inactive",
        "origin-denied",
        "rate-limit",
        "token-expired",
        "server-error",
        "slow",
        "malformed-json",
        "ws-drop",
        "script-404",
        "flow-overwrite",
        "analytics-delay",
    } <= FAULTS.keys()


async def test_ws_drop_with_a_refused_reconnect_ends_with_a_clear_error():
    async with SandboxOrg(propagation_delay=0.05, bot_reply_delay=0.05) as sandbox:
        org = sandbox_connection(sandbox)
        launcher = org.guest_launcher()
        try:
            await launcher.connect()
            # The socket is cut at the first message, and the org now refuses the origin.
            sandbox.set_faults(["ws-drop", "origin-denied"])
            with pytest.raises(StepError) as caught:
                await launcher.send_first_message("Hello", {"crmCustomerId": CRM})
        finally:
            await launcher.close()
            await org.aclose()
    assert caught.value.code == "guest-refused"
    assert SANDBOX_ORIGIN in caught.value.message


async def test_token_expired_asks_for_exactly_one_new_token():
    async with SandboxOrg(
        faults=["token-expired"], propagation_delay=0.05, bot_reply_delay=0.05
    ) as sandbox:
        org = sandbox_connection(sandbox)
        try:
            result = await run_verification(
                request(), org.guest_launcher(), org.reader, preflight=org.preflight
            )
        finally:
            await org.aclose()
        token_requests = sandbox.requests_to("/oauth/token", "POST")
        refused = [r for r in sandbox.request_log if r.status == 401]
    assert result.verdict is Verdict.PASS
    assert len(token_requests) == 2 and len(refused) == 1
