"""When the attributes are read: the first read waits for the org's propagation estimate."""

from inspector.core import ReadBack, Verdict, VerificationRequest, run_verification
from inspector.core.polling import DEFAULT_PROPAGATION, MAX_PROPAGATION, propagation_estimate
from tests.fakes import FakeClock, FakeLauncher

SENT = {"crmCustomerId": "CRM-1", "source": "web"}
REQUEST = VerificationRequest(crm_id="CRM-1", attributes={"source": "web"}, timeout=10.0)


class TimedReader:
    """Attributes are on the participant from `lands_at` on (the fake clock's time)."""

    def __init__(self, clock, lands_at):
        self.clock = clock
        self.lands_at = lands_at
        self.read_times = []

    async def conversation_id_for_message(self, message_id):
        return "conv-1"

    async def find_conversation_by_run_id(self, run_id):
        raise AssertionError("not used")

    async def end_conversation(self, conversation_id, participant_id):
        pass

    async def read_customer_attributes(self, conversation_id):
        self.read_times.append(self.clock())
        attributes = SENT if self.clock() >= self.lands_at else {}
        return ReadBack(attributes, {"participants": []}, "GET", "participants[0]", "p1")


async def verify(lands_at, propagation, request=REQUEST):
    clock = FakeClock()
    reader = TimedReader(clock, lands_at)
    result = await run_verification(
        request, FakeLauncher(), reader, clock=clock, sleep=clock.sleep, propagation=propagation
    )
    return result, reader


async def test_the_first_read_waits_for_the_propagation_and_finds_the_attributes():
    result, reader = await verify(lands_at=0.3, propagation=0.35)
    assert result.verdict is Verdict.PASS
    assert reader.read_times == [0.35]


async def test_attributes_later_than_the_estimate_are_found_by_the_reads_after_it():
    result, reader = await verify(lands_at=4.0, propagation=0.3)
    assert result.verdict is Verdict.PASS
    assert reader.read_times[0] == 0.3
    assert 1 < len(reader.read_times) < 12
    assert reader.read_times[-1] >= 4.0


async def test_attributes_that_never_land_are_still_not_a_pass():
    result, reader = await verify(lands_at=1e9, propagation=0.3)
    assert result.verdict is not Verdict.PASS
    assert reader.read_times[-1] <= REQUEST.timeout


async def test_an_estimate_past_the_timeout_reads_at_the_deadline():
    request = VerificationRequest(crm_id="CRM-1", attributes={"source": "web"}, timeout=2.0)
    result, reader = await verify(lands_at=0.3, propagation=30.0, request=request)
    assert result.verdict is Verdict.PASS
    assert reader.read_times == [2.0]


def steps(read_ms, ok=True):
    return [
        {"name": "send", "ms": 50.0, "ok": True},
        {"name": "resolve", "ms": 20.0, "ok": True},
        {"name": "read", "ms": read_ms, "ok": ok},
    ]


def test_estimate_without_runs_is_the_default():
    assert propagation_estimate([]) == DEFAULT_PROPAGATION
    assert propagation_estimate([[{"name": "connect", "ms": 3.0, "ok": False}]]) == (
        DEFAULT_PROPAGATION
    )


def test_estimate_is_the_median_read_of_the_latest_runs():
    runs = [steps(300.0), steps(320.0), steps(5000.0, ok=False), steps(900.0), steps(310.0)]
    assert propagation_estimate(runs) == 0.315


def test_estimate_looks_only_at_the_latest_ten_runs_and_is_capped():
    assert propagation_estimate([steps(200.0)] * 10 + [steps(9000.0)] * 50) == 0.2
    assert propagation_estimate([steps(60_000.0)]) == MAX_PROPAGATION
