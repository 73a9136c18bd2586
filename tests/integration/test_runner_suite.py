"""The suite runner against real sandbox orgs over sockets."""

from contextlib import asynccontextmanager
from pathlib import Path

from inspector.app import sandbox_connection
from inspector.core import Verdict
from inspector.core.expectations import CheckStatus
from inspector.orgs.budget import RateLimiter
from inspector.orgs.runs import run_scenario
from inspector.orgs.suite import ProgressKind, SandboxProvider, run_suite
from inspector.sandbox import SandboxOrg
from inspector.scenarios import load_scenario_text, load_suite

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def scenario(text, name="s"):
    return load_scenario_text(f"name: {name}\ncrmId: C-1\n" + text, f"{name}.yaml")


async def test_examples_pass_except_the_deliberately_failing_one():
    suite = load_suite([EXAMPLES])
    events, recorded = [], []

    async def record(run):
        recorded.append(run.scenario.name)

    result = await run_suite(
        suite.scenarios,
        concurrency=4,
        on_progress=events.append,
        record=record,
        requests_per_minute=6000,
    )
    verdicts = {r.scenario.name: r.outcome.verdict for r in result.runs}
    failing = "Deliberately failing (flow re-keys the CRM id)"
    assert verdicts.pop(failing) is Verdict.FAIL
    assert set(verdicts.values()) == {Verdict.PASS}
    run = next(r for r in result.runs if r.scenario.name == failing)
    rows = {c.row.key: c for c in run.outcome.rows}
    assert rows["crmCustomerId"].status is CheckStatus.CASE_MISMATCH
    assert rows["crmCustomerId"].row.received_key == "crmCustomerid"
    assert rows["source"].status is CheckStatus.MATCH
    assert [r.scenario.name for r in result.runs] == [s.name for s in suite.scenarios]
    finished = [e for e in events if e.kind is ProgressKind.FINISHED]
    assert [e.done for e in finished] == list(range(1, len(suite.scenarios) + 1))
    assert sorted(recorded) == sorted(s.name for s in suite.scenarios)
    flow = next(r for r in result.runs if r.scenario.name == "Flow-added attribute")
    assert flow.outcome.bot_reply is not None and flow.outcome.bot_reply.matched


async def test_every_platform_call_is_paid_from_the_shared_budget():
    async with SandboxOrg() as sandbox:
        org = sandbox_connection(sandbox)
        limiter = RateLimiter(6000)
        try:
            for i in range(3):
                run = await run_scenario(scenario("attributes: {a: b}\n", f"s{i}"), org, limiter)
                assert run.outcome.verdict is Verdict.PASS
        finally:
            await org.aclose()
        assert limiter.acquired == sandbox.api_request_count > 0


async def test_a_missing_bot_reply_fails_with_what_was_said():
    s = scenario("expect:\n  botReply: {contains: 'agent Smith', within: 1.5}\n")
    result = await run_suite([s])
    outcome = result.runs[0].outcome
    assert outcome.verdict is Verdict.FAIL
    assert "No bot reply containing 'agent Smith' within 1.5 s" in outcome.failures[0]
    assert "sandbox bot" in outcome.failures[0]


async def test_another_profile_is_an_error_and_the_rest_still_runs():
    other = scenario("profile: production\n", "elsewhere")
    here = scenario("", "here")
    result = await run_suite([other, here])
    first, second = result.runs
    assert first.outcome.verdict is Verdict.ERROR
    assert "only the sandbox org runs here" in first.outcome.summary
    assert second.outcome.verdict is Verdict.PASS


async def test_faults_are_per_group_of_scenarios():
    started = []

    class CountingProvider(SandboxProvider):
        @asynccontextmanager
        async def org(self, profile, faults):
            started.append(faults)
            async with super().org(profile, faults) as connection:
                yield connection

    plain = [scenario("", f"p{i}") for i in range(2)]
    faulty = [scenario("faults: [drop-attributes]\ntimeout: 2\n", f"f{i}") for i in range(2)]
    result = await run_suite(
        [plain[0], faulty[0], plain[1], faulty[1]], provider=CountingProvider()
    )
    assert sorted(started, key=len) == [frozenset(), frozenset({"drop-attributes"})]
    verdicts = [r.outcome.verdict for r in result.runs]
    assert verdicts == [Verdict.PASS, Verdict.FAIL, Verdict.PASS, Verdict.FAIL]


async def test_a_later_message_does_not_change_the_attributes():
    s = scenario(
        "attributes: {a: b}\nmessages: [hi, again]\n"
        "expect:\n  botReply: {contains: Got it., within: 4}\n"
    )
    result = await run_suite([s])
    assert result.runs[0].outcome.verdict is Verdict.PASS


async def test_a_scenario_picks_a_sandbox_deployment_by_kind():
    result = await run_suite(
        [
            scenario("deployment: headless\n", "headless"),
            scenario("deployment: parent-domain\n", "parent"),
            scenario("deployment: other-domain\n", "other"),
        ]
    )
    outcomes = {r.scenario.name: r.outcome for r in result.runs}
    assert outcomes["headless"].verdict is Verdict.PASS
    assert outcomes["parent"].verdict is Verdict.PASS
    other = outcomes["other"]
    assert other.verdict is Verdict.ERROR
    assert "support.example.org" in other.summary
