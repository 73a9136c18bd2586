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


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    async def sleep(self, seconds):
        self.now += seconds
        await asyncio.sleep(0)


class Launcher:
    def __init__(self, fail_on=None):
        self.fail_on = fail_on
        self.sent = None
        self.closed = False

    async def connect(self):
        if self.fail_on == "connect":
            raise StepError("The chat did not report ready", code="chat-timeout")

    async def send_first_message(self, text, attributes):
        self.sent = dict(attributes)
        return "msg-1"

    async def close(self):
        self.closed = True


class Reader:
    """Attributes appear on the participant after `appear_after` reads; ids unknown at first."""

    def __init__(self, attributes, *, appear_after=2, not_found_reads=1, error=None):
        self.attributes = attributes
        self.appear_after = appear_after
        self.not_found_reads = not_found_reads
        self.error = error
        self.reads = 0
        self.lookups = 0

    async def conversation_id_for_message(self, message_id):
        self.lookups += 1
        if self.lookups <= self.not_found_reads:
            raise StepError("not found yet", code="not-found", retryable=True)
        return f"conv-for-{message_id}"

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


async def run(reader, launcher=None, request=REQUEST, events=None):
    clock = FakeClock()
    launcher = launcher or Launcher()
    result = await run_verification(
        request,
        launcher,
        reader,
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
    assert [s.name for s in result.steps] == ["connect", "send", "resolve", "read"]
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
    result, launcher = await run(Reader({}), launcher=Launcher(fail_on="connect"))
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
    launcher = Launcher()
    request = VerificationRequest(crm_id="C", attributes={"big": "x" * 3000})
    result, _ = await run(Reader({}), launcher=launcher, request=request)
    assert result.verdict is Verdict.ERROR
    assert launcher.sent is None
    assert result.diagnoses[0].code == "too-large"


async def test_cancellation_propagates():
    class Hanging(Launcher):
        async def connect(self):
            await asyncio.Event().wait()

    launcher = Hanging()
    task = asyncio.ensure_future(run_verification(REQUEST, launcher, Reader({})))
    await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert launcher.closed
