"""Every seeded deployment kind through a whole headless verification over real sockets.

The window runs the same kinds through the real web view (tests/gui/test_deployment_kinds.py);
both must give the same verdict and diagnosis code, as a user comparing `verify` with the window
would expect.
"""

import pytest

from inspector.core import Verdict, VerificationRequest, run_verification
from inspector.orgs.connection import sandbox_connection
from inspector.sandbox import SEEDED_DEPLOYMENTS, SandboxOrg

# kind -> (verdict, first diagnosis code or None, refused by pre-flight)
EXPECTED = {
    "native-ui": (Verdict.PASS, None, False),
    "headless": (Verdict.PASS, None, False),
    "autostart": (Verdict.PASS, None, False),
    "parent-domain": (Verdict.PASS, None, False),
    "all-domains": (Verdict.PASS, None, False),
    "inactive": (Verdict.ERROR, "deployment-active", True),
    "other-domain": (Verdict.ERROR, "origin-allowed", True),
    "authenticated": (Verdict.ERROR, "deployment-auth", True),
}


def test_every_seeded_kind_has_an_expectation():
    assert set(EXPECTED) == {seeded.kind for seeded in SEEDED_DEPLOYMENTS}


async def verify(kind, **request_args):
    request = VerificationRequest(
        crm_id="CRM-12345-XYZ", attributes={"source": "web-portal"}, timeout=8.0, **request_args
    )
    async with SandboxOrg(propagation_delay=0.05, bot_reply_delay=0.05) as sandbox:
        org = sandbox_connection(sandbox, kind)
        try:
            return await run_verification(
                request,
                org.guest_launcher(),
                org.reader,
                preflight=org.preflight,
                poll_initial=0.05,
            )
        finally:
            await org.aclose()


@pytest.mark.parametrize("kind", sorted(EXPECTED))
async def test_each_kind_gives_its_verdict_and_diagnosis(kind):
    verdict, code, refused = EXPECTED[kind]
    result = await verify(kind)
    assert result.verdict is verdict, result.summary
    assert result.preflight_refused is refused
    if code is None:
        assert [r.status.value for r in result.rows] == ["match", "match"]
        assert result.to_json_dict()["sentOnWire"]["attributes"] == {
            "crmCustomerId": "CRM-12345-XYZ",
            "source": "web-portal",
        }
    else:
        assert result.diagnoses[0].code == code, [d.code for d in result.diagnoses]
        # Refused before sign-in: nothing left for the org.
        assert result.message_id is None and result.wire is None


@pytest.mark.parametrize("kind", ["inactive", "other-domain"])
async def test_forcing_a_refused_kind_meets_the_orgs_own_refusal(kind):
    result = await verify(kind, force=True)
    assert result.verdict is Verdict.ERROR
    codes = [d.code for d in result.diagnoses]
    assert "guest-refused" in codes, codes


async def test_forcing_the_authenticated_kind_says_a_sign_in_is_needed():
    result = await verify("authenticated", force=True)
    assert result.verdict is Verdict.ERROR
    assert result.diagnoses[0].code == "deployment-auth"
    assert "configureAuthenticatedSession" in result.summary
