"""A suite reads each deployment's public configuration once, however many scenarios run."""

from contextlib import asynccontextmanager

from inspector.app import sandbox_connection
from inspector.core import Verdict
from inspector.orgs.suite import run_suite
from inspector.sandbox import SandboxOrg
from inspector.scenarios import load_scenario_text


class OneSandbox:
    def __init__(self, sandbox):
        self.sandbox = sandbox

    @asynccontextmanager
    async def org(self, profile, faults):
        connection = sandbox_connection(self.sandbox)
        try:
            yield connection
        finally:
            await connection.aclose()


def scenarios(n, deployment=None):
    extra = f"deployment: {deployment}\n" if deployment else ""
    return [
        load_scenario_text(f"name: s{i}\ncrmId: C-{i}\n{extra}", f"s{i}.yaml") for i in range(n)
    ]


def public_reads(sandbox, what):
    return [r for r in sandbox.request_log if r.path.endswith(f"/{what}")]


async def test_concurrent_scenarios_share_one_read_of_the_deployment():
    async with SandboxOrg(propagation_delay=0.05, bot_reply_delay=0.05) as sandbox:
        result = await run_suite(
            scenarios(6) + scenarios(2, "inactive"),
            concurrency=8,
            requests_per_minute=6000,
            provider=OneSandbox(sandbox),
        )
        verdicts = [r.outcome.verdict for r in result.runs]
        assert verdicts[:6] == [Verdict.PASS] * 6
        # The inactive deployment is still refused, by the one read of its configuration.
        assert all(r.outcome.result.preflight_refused for r in result.runs[6:])
        assert len(public_reads(sandbox, "domains.json")) == 2
        assert len(public_reads(sandbox, "config.json")) == 2


async def test_the_window_reads_the_deployment_again_for_every_run():
    from inspector.core import VerificationRequest, run_verification

    async with SandboxOrg(propagation_delay=0.05, bot_reply_delay=0.05) as sandbox:
        org = sandbox_connection(sandbox)
        try:
            request = VerificationRequest(crm_id="C-1", attributes={})
            for _ in range(2):
                await run_verification(
                    request, org.guest_launcher(), org.reader, preflight=org.preflight
                )
        finally:
            await org.aclose()
        assert len(public_reads(sandbox, "config.json")) == 2


async def test_scenarios_start_apart_so_their_requests_do_not_arrive_in_one_burst():
    import itertools
    import time

    from inspector.orgs.suite import ProgressKind

    starts = []

    def on_progress(event):
        if event.kind is ProgressKind.STARTED:
            starts.append(time.monotonic())

    async with SandboxOrg(propagation_delay=0.05, bot_reply_delay=0.05) as sandbox:
        result = await run_suite(
            scenarios(4),
            concurrency=4,
            requests_per_minute=6000,
            provider=OneSandbox(sandbox),
            on_progress=on_progress,
            start_spacing=0.1,
        )
    assert [r.outcome.verdict for r in result.runs] == [Verdict.PASS] * 4
    gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
    assert len(gaps) == 3 and min(gaps) >= 0.099  # a lower bound the runner guarantees
