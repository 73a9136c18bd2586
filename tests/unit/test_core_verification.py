"""The verification steps over in-memory implementations of the Launcher/PlatformReader protocols.

These doubles stand in for the other side of the wire (core has no I/O); the clients themselves
are tested over real sockets in tests/integration.
"""

import asyncio

import pytest

from inspector.core import (
    ReadBack,
    StepError,
    StepState,
    Verdict,
    VerificationRequest,
    run_verification,
)
from tests.fakes import FakeClock, FakeLauncher


class Reader:
    """Attributes appear on the participant after `appear_after` reads; ids unknown at first."""

    def __init__(
        self, attributes, *, appear_after=2, not_found_reads=1, error=None, details_error=None
    ):
        self.attributes = attributes
        self.appear_after = appear_after
        self.not_found_reads = not_found_reads
        self.error = error
        self.details_error = details_error
        self.reads = 0
        self.lookups = 0
        self.searches = []
        self.ended = []
        self.end_error = None

    async def conversation_id_for_message(self, message_id):
        self.lookups += 1
        if self.details_error:
            raise self.details_error
        if self.lookups <= self.not_found_reads:
            raise StepError("not found yet", code="not-found", retryable=True)
        return f"conv-for-{message_id}"

    async def find_conversation_by_run_id(self, run_id):
        self.searches.append(run_id)
        if len(self.searches) < 2:
            raise StepError("not indexed yet", code="not-found", retryable=True)
        return f"conv-for-{run_id}"

    async def end_conversation(self, conversation_id, participant_id):
        self.ended.append((conversation_id, participant_id))
        if self.end_error:
            raise self.end_error

    async def read_customer_attributes(self, conversation_id):
        if self.error:
            raise self.error
        self.reads += 1
        attrs = self.attributes if self.reads > self.appear_after else {}
        return ReadBack(
            attributes=attrs,
            raw={"id": conversation_id, "participants": [{"attributes": attrs}]},
            source=f"GET /api/v2/conversations/{conversation_id}",
            attributes_path="participants[0].attributes",
            participant_id="p1",
        )


REQUEST = VerificationRequest(crm_id="CRM-12345-XYZ", attributes={"source": "web-portal"})


async def run(reader, launcher=None, request=REQUEST, events=None, preflight=None):
    clock = FakeClock()
    launcher = launcher or FakeLauncher()
    result = await run_verification(
        request,
        launcher,
        reader,
        preflight=preflight,
        clock=clock,
        sleep=clock.sleep,
        on_step=events.append if events is not None else None,
    )
    return result, launcher


async def test_pass_after_polling_until_attributes_propagate():
    reader = Reader({"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}, appear_after=2)
    events = []
    result, launcher = await run(reader, events=events)
    assert result.verdict is Verdict.PASS
    assert result.summary == "All 2 sent attributes arrived"
    assert launcher.sent == {"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}
    assert launcher.closed
    assert reader.reads == 3 and reader.lookups == 2
    assert result.conversation_id == "conv-for-msg-1"
    assert [s.name for s in result.steps] == ["connect", "send", "resolve", "read", "cleanup"]
    assert reader.ended == [("conv-for-msg-1", "p1")]
    assert result.lookup == "message details"
    assert result.raw_source == "GET /api/v2/conversations/conv-for-msg-1"
    assert result.rows[0].source == "participants[0].attributes['crmCustomerId']"
    assert [(e.name, e.state) for e in events][:2] == [
        ("connect", StepState.RUNNING),
        ("connect", StepState.DONE),
    ]
    body = result.to_json_dict()
    assert body["verdict"] == "pass"
    assert body["rows"][0] == {
        "key": "crmCustomerId",
        "sent": "CRM-12345-XYZ",
        "received": "CRM-12345-XYZ",
        "status": "match",
        "receivedKey": "crmCustomerId",
        "source": "participants[0].attributes['crmCustomerId']",
    }


async def test_attributes_never_arriving_is_a_fail_with_missing_rows():
    reader = Reader({}, appear_after=0)
    result, _ = await run(reader)
    assert result.verdict is Verdict.FAIL
    assert [r.status.value for r in result.rows] == ["missing", "missing"]
    assert [d.code for d in result.diagnoses] == ["attributes-missing"]
    assert reader.reads > 3  # it kept polling until the deadline


async def test_case_mismatch_stops_polling_and_fails():
    reader = Reader({"crmCustomerid": "CRM-12345-XYZ", "source": "web-portal"}, appear_after=0)
    result, _ = await run(reader)
    assert result.verdict is Verdict.FAIL
    assert reader.reads == 1
    assert result.rows[0].status.value == "case-mismatch"
    assert result.diagnoses[0].code == "case-mismatch"


async def test_launcher_failure_is_an_error_verdict():
    result, launcher = await run(Reader({}), launcher=FakeLauncher(fail_on="connect"))
    assert result.verdict is Verdict.ERROR
    assert result.rows == ()
    assert "did not report ready" in result.summary
    assert result.steps[0].ok is False
    assert launcher.closed


async def test_conversation_never_found_times_out_as_error():
    reader = Reader({}, not_found_reads=10_000)
    result, _ = await run(reader)
    assert result.verdict is Verdict.ERROR
    assert result.diagnoses[0].code == "timeout"


async def test_non_retryable_api_error_is_an_error_verdict():
    reader = Reader({}, error=StepError("permission missing", code="permission-missing"))
    result, _ = await run(reader)
    assert result.verdict is Verdict.ERROR
    assert result.diagnoses[0].code == "permission-missing"


async def test_unexpected_exception_is_logged_and_reported_as_error(caplog):
    reader = Reader({}, error=ZeroDivisionError("boom"))
    result, _ = await run(reader)
    assert result.verdict is Verdict.ERROR
    assert result.diagnoses[0].code == "internal-error"
    assert "Verification failed unexpectedly" in caplog.text


async def test_invalid_attributes_are_not_sent():
    launcher = FakeLauncher()
    request = VerificationRequest(crm_id="C", attributes={"big": "x" * 3000})
    result, _ = await run(Reader({}), launcher=launcher, request=request)
    assert result.verdict is Verdict.ERROR
    assert launcher.sent is None
    assert result.diagnoses[0].code == "too-large"


async def test_cancellation_propagates():
    class Hanging(FakeLauncher):
        async def connect(self):
            await asyncio.Event().wait()

    launcher = Hanging()
    task = asyncio.ensure_future(run_verification(REQUEST, launcher, Reader({})))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert launcher.closed


async def test_run_id_search_finds_the_conversation_when_details_are_forbidden():
    reader = Reader(
        {"crmCustomerId": "CRM-1", "inspectorRunId": "run-42"},
        appear_after=0,
        details_error=StepError("permission missing", code="permission-missing"),
    )
    request = VerificationRequest(crm_id="CRM-1", run_id="run-42")
    result, launcher = await run(reader, request=request)
    assert launcher.sent == {"crmCustomerId": "CRM-1", "inspectorRunId": "run-42"}
    assert result.verdict is Verdict.PASS
    assert result.conversation_id == "conv-for-run-42"
    assert result.lookup == "run-id search"
    assert reader.searches == ["run-42", "run-42"]
    assert "lookup-fallback" in [d.code for d in result.diagnoses]
    resolve = next(s for s in result.steps if s.name == "resolve")
    assert resolve.detail == "conversation conv-for-run-42 (via run-id search)"


async def test_without_a_run_id_a_forbidden_lookup_is_an_error():
    reader = Reader({}, details_error=StepError("permission missing", code="permission-missing"))
    result, _ = await run(reader)
    assert result.verdict is Verdict.ERROR
    assert reader.searches == []


class Finding:
    def __init__(self, code, ok, message):
        self.code, self.ok, self.message = code, ok, message


def preflight_with(*findings):
    seen = []

    async def check(sent):
        seen.append(dict(sent))
        return list(findings)

    check.seen = seen
    return check


async def test_failed_preflight_stops_before_the_chat_starts():
    launcher = FakeLauncher()
    check = preflight_with(
        Finding("deployment-active", True, "Active"),
        Finding("origin-not-allowed", False, "https://x.test is not an allowed domain"),
    )
    result, _ = await run(Reader({}), launcher=launcher, preflight=check)
    assert result.verdict is Verdict.ERROR
    assert launcher.sent is None
    assert result.summary == "Not started: https://x.test is not an allowed domain"
    assert result.preflight_refused
    assert [d.code for d in result.diagnoses] == ["origin-not-allowed"]
    assert check.seen == [{"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}]


async def test_forced_start_runs_and_keeps_the_preflight_problem_as_a_note():
    reader = Reader({"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}, appear_after=0)
    check = preflight_with(Finding("origin-not-allowed", False, "origin refused"))
    request = VerificationRequest(
        crm_id="CRM-12345-XYZ", attributes={"source": "web-portal"}, force=True
    )
    result, _ = await run(reader, request=request, preflight=check)
    assert result.verdict is Verdict.PASS
    assert result.steps[0].name == "preflight"
    assert "origin-not-allowed" in [d.code for d in result.diagnoses]


async def test_a_forced_preflight_says_how_many_checks_failed_and_is_not_a_clean_pass():
    reader = Reader({"crmCustomerId": "C-1"}, appear_after=0)
    check = preflight_with(
        Finding("deployment-active", True, "Active"),
        Finding("origin-not-allowed", False, "origin refused"),
        Finding("attributes-size", False, "too big"),
    )
    events = []
    request = VerificationRequest(crm_id="C-1", force=True)
    result, _ = await run(reader, request=request, preflight=check, events=events)
    step = result.steps[0]
    assert step.detail == "2 of 3 checks failed; started anyway"
    assert step.ok and step.warned
    done = [e for e in events if e.name == "preflight" and e.state is not StepState.RUNNING]
    assert [e.state for e in done] == [StepState.WARNED]
    assert result.to_json_dict()["steps"][0]["warned"] is True
    # a clean pre-flight is not marked
    clean, _ = await run(reader, preflight=preflight_with(Finding("deployment-active", True, "ok")))
    assert not clean.steps[0].warned and "warned" not in clean.to_json_dict()["steps"][0]


async def test_cleanup_failure_is_noted_and_never_changes_the_verdict():
    reader = Reader({"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}, appear_after=0)
    reader.end_error = StepError("403 missing permission", code="permission-missing")
    result, _ = await run(reader)
    assert result.verdict is Verdict.PASS
    assert result.steps[-1].name == "cleanup" and result.steps[-1].ok is False
    assert "cleanup-failed" in [d.code for d in result.diagnoses]


async def test_cleanup_can_be_switched_off():
    reader = Reader({"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}, appear_after=0)
    request = VerificationRequest(
        crm_id="CRM-12345-XYZ", attributes={"source": "web-portal"}, cleanup=False
    )
    result, _ = await run(reader, request=request)
    assert reader.ended == []
    assert "cleanup" not in [s.name for s in result.steps]


def step_detail(result, name):
    return next(s for s in result.steps if s.name == name).detail


async def test_step_details_count_one_in_the_singular():
    reader = Reader({"crmCustomerId": "C-1"}, appear_after=0)
    check = preflight_with(Finding("deployment-active", True, "Active"))
    result, _ = await run(reader, request=VerificationRequest(crm_id="C-1"), preflight=check)
    assert step_detail(result, "read") == "1 attribute on the participant"
    assert step_detail(result, "preflight") == "1 of 1 check passed"


async def test_step_details_count_more_in_the_plural():
    reader = Reader({"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}, appear_after=0)
    check = preflight_with(
        Finding("deployment-active", True, "Active"), Finding("origin-allowed", True, "ok")
    )
    result, _ = await run(reader, preflight=check)
    assert step_detail(result, "read") == "2 attributes on the participant"
    assert step_detail(result, "preflight") == "2 of 2 checks passed"


async def test_an_inactive_deployment_is_said_once_in_full_and_short_elsewhere():
    full = "The deployment's status is Inactive, not Active: Messenger will not start a chat on it."
    check = preflight_with(
        Finding("deployment-exists", True, "exists"),
        Finding("deployment-active", False, full),
        Finding("origin-allowed", True, "ok"),
    )
    result, _ = await run(Reader({}), preflight=check)
    assert result.summary == "Not started: The deployment's status is Inactive, not Active"
    step = result.steps[0]
    assert step.detail == "1 of 3 checks failed; not started" and not step.ok
    assert [d.message for d in result.diagnoses] == [full]
    texts = [result.summary, step.detail, *(d.message for d in result.diagnoses)]
    assert sum("Messenger will not start a chat" in t for t in texts) == 1


async def test_a_forced_run_failing_for_the_preflights_reason_names_it_once():
    launcher = FakeLauncher()
    launcher.connect_error = StepError("Inactive: no product loaded", code="deployment-active")
    check = preflight_with(Finding("deployment-active", False, "Inactive: no chat on it"))
    request = VerificationRequest(crm_id="C-1", force=True)
    result, _ = await run(Reader({}), launcher=launcher, request=request, preflight=check)
    assert result.verdict is Verdict.ERROR
    assert [(d.code, d.message) for d in result.diagnoses] == [
        ("deployment-active", "Inactive: no product loaded")
    ]


@pytest.mark.parametrize(
    ("problems", "more"),
    [(2, " (and 1 more pre-flight problem)"), (3, " (and 2 more pre-flight problems)")],
)
async def test_a_refusal_counts_the_other_problems(problems, more):
    findings = [Finding(f"check-{i}", False, f"problem {i}") for i in range(problems)]
    result, _ = await run(Reader({}), preflight=preflight_with(*findings))
    assert result.summary == "Not started: problem 0" + more


async def test_a_pasted_newline_passes_as_sent_with_a_note_that_shows_it():
    request = VerificationRequest(crm_id="CRM-1\n", attributes={"source": " web"})
    reader = Reader({"crmCustomerId": "CRM-1\n", "source": " web"}, appear_after=0)
    result, _ = await run(reader, request=request)
    assert result.verdict is Verdict.PASS  # it did arrive exactly as sent
    [note] = [d for d in result.diagnoses if d.code == "hidden-characters"]
    assert "crmCustomerId = 'CRM-1\\n'" in note.message
    assert "source = ' web'" in note.message
    assert note.fix.startswith("Trim the value where it comes from")


async def test_plain_values_get_no_hidden_characters_note():
    reader = Reader({"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}, appear_after=0)
    result, _ = await run(reader)
    assert "hidden-characters" not in [d.code for d in result.diagnoses]


class WireLauncher(FakeLauncher):
    """A launcher that saw its first frame leave, as the web view's sendingMessage shows it."""

    def __init__(self, wire_attributes, kind="Text"):
        super().__init__()
        self.wire_attributes = wire_attributes
        self.kind = kind

    def sent_on_wire(self):
        from inspector.core.run_types import WireCapture

        message = {
            "type": self.kind,
            "channel": {"metadata": {"customAttributes": self.wire_attributes}},
        }
        return WireCapture(
            self.wire_attributes, message, self.kind, "MessagingService.sendingMessage"
        )


async def test_what_left_the_page_is_shown_beside_the_form_and_in_the_json():
    sent = {"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}
    result, _ = await run(Reader(sent), launcher=WireLauncher(dict(sent)))
    assert result.verdict is Verdict.PASS
    assert all(r.wire_known and r.wire == r.sent and not r.wire_differs for r in result.rows)
    data = result.to_json_dict()
    assert data["sentOnWire"]["attributes"] == sent
    assert data["sentOnWire"]["source"] == "MessagingService.sendingMessage"
    assert [r["wire"] for r in data["rows"]] == ["CRM-12345-XYZ", "web-portal"]


async def test_a_page_that_sent_another_value_is_blamed_not_the_flow():
    wire = {"crmCustomerId": "CRM-12345-XYZ ", "source": "web-portal"}
    result, _ = await run(Reader(wire), launcher=WireLauncher(wire))
    assert result.verdict is Verdict.FAIL
    row = result.rows[0]
    # The trailing space left the page; the form's value stands beside it.
    assert row.wire_differs and row.sent_text == "CRM-12345-XYZ  (form: CRM-12345-XYZ)"
    codes = [d.code for d in result.diagnoses]
    assert "page-changed-attributes" in codes and "changed-by-flow" not in codes
    page = next(d for d in result.diagnoses if d.code == "page-changed-attributes")
    assert "'crmCustomerId' left as 'CRM-12345-XYZ ', not 'CRM-12345-XYZ'" in page.message


async def test_a_first_frame_without_attributes_says_they_were_set_too_late():
    result, _ = await run(Reader({}), launcher=WireLauncher({}, kind="Event"))
    assert result.verdict is Verdict.FAIL
    codes = [d.code for d in result.diagnoses]
    assert codes[0] == "attributes-not-sent" and "attributes-missing" not in codes
    assert "The autoStart Join event left the page without" in result.diagnoses[0].message
    assert result.rows[0].sent_text == "— (form: CRM-12345-XYZ)"


async def test_a_flow_change_after_the_page_sent_it_right_is_still_the_flows():
    wire = {"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}
    arrived = {"crmCustomerId": "CRM-12345-XYZ-flow", "source": "web-portal"}
    result, _ = await run(Reader(arrived), launcher=WireLauncher(wire))
    codes = [d.code for d in result.diagnoses]
    assert "changed-by-flow" in codes and "page-changed-attributes" not in codes
