"""A scenario's expectations applied to a finished verification, as a pure post-processing step.

The verification compares what was sent with what arrived; a scenario may also say that a flow
adds or rewrites some keys, that some keys must never appear, that a bot must answer, or that
the platform must refuse the attributes. Sent keys the scenario does not hand to the flow keep
the strict rule: pass only when they arrived with the identical key and value.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from inspector.core.diagnoses import Diagnosis
from inspector.core.diff import Row, RowStatus, Verdict
from inspector.core.page_run import PageRow, PageRunResult
from inspector.core.page_scenario import evaluate_page
from inspector.core.run_types import VerificationRequest, VerificationResult
from inspector.core.scenario import DEFAULT_PROFILE, Scenario
from inspector.core.wording import counted

__all__ = [
    "BotReplyObservation",
    "CheckStatus",
    "CheckedRow",
    "ScenarioOutcome",
    "ScenarioRun",
    "error_outcome",
    "evaluate",
    "page_outcome",
    "unsaved_outcome",
]


class CheckStatus(StrEnum):
    """Row statuses of a scenario: the diff's, plus what expectations add."""

    MATCH = "match"
    MISSING = "missing"
    MISMATCH = "mismatch"
    CASE_MISMATCH = "case-mismatch"
    EXTRA = "extra"
    CHANGED_BY_FLOW = "changed-by-flow"
    FORBIDDEN = "forbidden"


@dataclass(frozen=True)
class CheckedRow:
    row: Row
    status: CheckStatus
    failed: bool
    note: str = ""


@dataclass(frozen=True)
class BotReplyObservation:
    """The outbound texts seen while waiting for the expected bot reply."""

    texts: tuple[str, ...]
    matched: bool
    waited_ms: float
    problem: str | None = None


@dataclass(frozen=True)
class ScenarioOutcome:
    """The scenario's verdict next to the verification it is based on."""

    scenario: Scenario
    verdict: Verdict
    summary: str
    result: VerificationResult
    rows: tuple[CheckedRow, ...]
    failures: tuple[str, ...] = ()
    bot_reply: BotReplyObservation | None = None
    # The failures not already shown by a row (bot reply, expected error), for reports.
    other_failures: tuple[str, ...] = ()
    # A website page scenario's page run: its snippet, frames and three columns.
    page: PageRunResult | None = None

    def received(self) -> dict[str, str]:
        """What arrived on the participant, by the key it arrived under."""
        return {
            (r.received_key or r.key): r.received
            for r in self.result.rows
            if r.received is not None
        }

    def to_json_dict(self) -> dict[str, Any]:
        """`verify --json` rows and steps, with the scenario's verdict and row statuses."""
        body = self.result.to_json_dict()
        for item, checked in zip(body["rows"], self.rows, strict=False):
            item["status"] = checked.status.value
            item["note"] = checked.note
        for checked in self.rows[len(body["rows"]) :]:
            row = checked.row
            body["rows"].append(
                {
                    "key": row.key,
                    "sent": row.sent,
                    "received": row.received,
                    "status": checked.status.value,
                    "receivedKey": row.received_key,
                    "source": row.source,
                    "note": checked.note,
                }
            )
        body["verificationVerdict"] = body["verdict"]
        body["verdict"] = self.verdict.value
        body["summary"] = self.summary
        body["scenario"] = self.scenario.name
        body["file"] = self.scenario.source
        body["profile"] = self.scenario.profile
        body["expectationFailures"] = list(self.failures)
        if self.page is not None:
            body["page"] = self.page.to_json_dict()  # the `inspector page --json` object
        if self.bot_reply is not None:
            body["botReply"] = {
                "texts": list(self.bot_reply.texts),
                "matched": self.bot_reply.matched,
                "ms": round(self.bot_reply.waited_ms, 1),
                "problem": self.bot_reply.problem,
            }
        return body


def error_outcome(scenario: Scenario, message: str, code: str = "could-not-run") -> ScenarioOutcome:
    """A scenario that could not run at all (unknown profile, unsupported option, timeout)."""
    result = VerificationResult(
        verdict=Verdict.ERROR,
        summary=message,
        sent=scenario.sent_attributes(),
        diagnoses=(Diagnosis(code, message),),
        error=message,
    )
    return ScenarioOutcome(scenario, Verdict.ERROR, message, result, ())


_PAGE_FAILED = (RowStatus.MISSING, RowStatus.MISMATCH, RowStatus.CASE_MISMATCH)


def _page_row(row: PageRow) -> CheckedRow:
    """A page run's three columns as a sent/received row; the expected value in the note."""
    note = "" if row.expected is None else f"expected {row.expected_text}"
    if row.sent is None and row.expected is not None:
        status = RowStatus.MISSING
        note = f"expected {row.expected_text}; the page's first message did not carry it"
    elif row.sent_status in _PAGE_FAILED:
        status = row.sent_status or RowStatus.MISMATCH
        note = f"the page sent {row.sent_text}, expected {row.expected_text}"
    elif row.received_status is not None:
        status = row.received_status
    else:
        status = RowStatus.MISSING if row.received is None else RowStatus.EXTRA
    plain = Row(
        row.sent_key or row.key, row.sent, row.received, status, received_key=row.received_key
    )
    return CheckedRow(plain, CheckStatus(status.value), row.failed, note)


def page_outcome(scenario: Scenario, result: PageRunResult) -> ScenarioOutcome:
    """A website page scenario's run as a scenario outcome, for reports and the history.

    The scenario passes when the page run came to the verdict and diagnoses it expects (a
    page written wrong on purpose passes by failing as expected); a run that could not judge
    the page when it was not expected to is an error; anything else fails.
    """
    spec = scenario.page
    if spec is None:
        raise ValueError(f"{scenario.name} is not a website page scenario")
    judged = evaluate_page(spec, result)
    codes = [d.code for d in result.diagnoses]
    rows = tuple(_page_row(row) for row in result.rows)
    verification = VerificationResult(
        verdict=result.verdict,
        summary=result.summary,
        sent=dict(result.sent),
        rows=tuple(checked.row for checked in rows),
        diagnoses=result.diagnoses,
        message_id=result.message_id,
        conversation_id=result.conversation_id,
        error=result.error,
    )
    if judged.passed:
        verdict = Verdict.PASS
        summary = result.summary
        if spec.verdict is not Verdict.PASS:
            shown = ", ".join(c for c in codes if c in spec.diagnoses) or spec.verdict.value
            summary = f"{spec.verdict.value.capitalize()}ed as expected ({shown}): {summary}"
    else:
        unjudged = result.verdict is Verdict.ERROR and spec.verdict is not Verdict.ERROR
        verdict = Verdict.ERROR if unjudged else Verdict.FAIL
        summary = result.summary if unjudged else f"Not as expected: {judged.failures[0]}"
    failures = () if judged.passed else judged.failures
    return ScenarioOutcome(
        scenario,
        verdict,
        summary,
        verification,
        rows,
        failures,
        other_failures=failures,
        page=result,
    )


def _check_row(scenario: Scenario, row: Row, arrive: set[str]) -> CheckedRow:
    expect = scenario.expect
    status = CheckStatus(row.status.value)
    if row.sent is not None and row.key in arrive:
        return CheckedRow(row, status, row.failed)
    flow = expect.flow_key(row.received_key or row.key) or expect.flow_key(row.key)
    if flow is not None:
        if row.status is RowStatus.MATCH:
            return CheckedRow(row, status, False)
        if row.status in (RowStatus.MISMATCH, RowStatus.EXTRA) and row.received is not None:
            verb = "added" if row.sent is None else "changed"
            if flow.accepts(row.received):
                return CheckedRow(
                    row, CheckStatus.CHANGED_BY_FLOW, False, f"{verb} by the flow, as expected"
                )
            return CheckedRow(
                row,
                CheckStatus.MISMATCH,
                True,
                f"{verb} by the flow, but expected {flow.describe()}",
            )
        if row.status is RowStatus.MISSING and not flow.required:
            return CheckedRow(row, status, True, "the flow may change this key, not remove it")
        return CheckedRow(row, status, True)
    folded = (row.received_key or row.key).casefold()
    if row.sent is None and folded in {k.casefold() for k in expect.must_not_appear}:
        return CheckedRow(row, CheckStatus.FORBIDDEN, True, "this key must not appear")
    if row.sent is not None:
        # A sent key outside arrive and flowMayChange cannot pass validation; stay strict.
        return CheckedRow(row, status, row.failed)
    return CheckedRow(row, status, False)


@dataclass(frozen=True)
class ScenarioRun:
    """A scenario's outcome with when it ran: what the history and the reports keep."""

    outcome: ScenarioOutcome
    started_at: datetime
    finished_at: datetime

    @property
    def scenario(self) -> Scenario:
        return self.outcome.scenario

    @property
    def seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


def unsaved_outcome(
    name: str,
    request: VerificationRequest,
    result: VerificationResult,
    *,
    profile: str = DEFAULT_PROFILE,
    deployment: str | None = None,
    faults: Iterable[str] = (),
) -> ScenarioOutcome:
    """A run from the form or `verify`, judged as a scenario expecting what was sent.

    What was sent includes the run id a real org adds, so every sent row is checked.
    """
    scenario = Scenario(
        name=name,
        crm_id=request.crm_id,
        crm_key=request.crm_key,
        attributes={k: v for k, v in result.sent.items() if k != request.crm_key},
        profile=profile,
        deployment=deployment,
        faults=frozenset(faults),
        timeout=request.timeout,
    )
    return evaluate(scenario, result)


def evaluate(
    scenario: Scenario,
    result: VerificationResult,
    bot_reply: BotReplyObservation | None = None,
) -> ScenarioOutcome:
    """Apply the scenario's expectations; pass only when every one of them holds."""
    expect = scenario.expect
    codes = [d.code for d in result.diagnoses]
    if expect.error is not None:
        rows = tuple(CheckedRow(r, CheckStatus(r.status.value), False) for r in result.rows)
        if result.verdict is Verdict.ERROR and expect.error in codes:
            summary = f"Refused as expected ({expect.error}): {result.summary}"
            return ScenarioOutcome(scenario, Verdict.PASS, summary, result, rows)
        if result.verdict is Verdict.ERROR:
            summary = f"Expected error {expect.error!r}, got: {result.summary}"
            return ScenarioOutcome(scenario, Verdict.ERROR, summary, result, rows)
        failure = f"Expected the run to be refused with {expect.error!r}, but it completed"
        return ScenarioOutcome(
            scenario, Verdict.FAIL, failure, result, rows, (failure,), other_failures=(failure,)
        )
    if result.verdict is Verdict.ERROR:
        rows = tuple(CheckedRow(r, CheckStatus(r.status.value), r.failed) for r in result.rows)
        return ScenarioOutcome(scenario, Verdict.ERROR, result.summary, result, rows, (), bot_reply)

    arrive = set(scenario.arrive_keys())
    checked = [_check_row(scenario, row, arrive) for row in result.rows]
    present = {(r.received_key or r.key) for r in result.rows if r.received is not None}
    for flow in expect.flow_may_change:
        if flow.required and flow.key not in present and flow.key not in scenario.sent_attributes():
            missing = Row(flow.key, None, None, RowStatus.MISSING)
            note = f"the flow should add it ({flow.describe()})"
            checked.append(CheckedRow(missing, CheckStatus.MISSING, True, note))
    failures = [_describe_failure(c) for c in checked if c.failed]
    others: list[str] = []
    if expect.bot_reply is not None:
        if bot_reply is None or not bot_reply.matched:
            seen = ", ".join(repr(t) for t in bot_reply.texts) if bot_reply else ""
            why = bot_reply.problem if bot_reply and bot_reply.problem else None
            others.append(
                f"No bot reply containing {expect.bot_reply.contains!r} within "
                f"{expect.bot_reply.within:g} s"
                + (f" (seen: {seen})" if seen else "")
                + (f" ({why})" if why else "")
            )
    failures += others
    verdict = Verdict.FAIL if failures else Verdict.PASS
    return ScenarioOutcome(
        scenario,
        verdict,
        _summary(checked, failures, result.summary),
        result,
        tuple(checked),
        tuple(failures),
        bot_reply,
        tuple(others),
    )


def _describe_failure(checked: CheckedRow) -> str:
    row = checked.row
    text = f"{row.key}: {checked.status.value}"
    if checked.status is CheckStatus.CASE_MISMATCH:
        text += f" (arrived as {row.received_key!r})"
    elif row.received is not None and row.sent is not None:
        text += f" (sent {row.sent!r}, received {row.received!r})"
    return text + (f": {checked.note}" if checked.note else "")


def _summary(checked: list[CheckedRow], failures: list[str], base: str) -> str:
    if not failures:
        changed = sum(1 for c in checked if c.status is CheckStatus.CHANGED_BY_FLOW)
        return base + (
            f"; {counted(changed, 'key')} set by the flow as expected" if changed else ""
        )
    return f"{counted(len(failures), 'expectation')} not met: {failures[0]}"
