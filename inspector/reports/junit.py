"""JUnit XML through junitparser: one test case per scenario, one error per unreadable file.

Failures carry the failed rows as text, so a CI page shows which key went wrong without
opening another report.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from junitparser import Error, Failure, JUnitXml, TestCase, TestSuite

from inspector.core import Verdict
from inspector.core.scenario import ScenarioError

if TYPE_CHECKING:
    from inspector.core.expectations import ScenarioRun

__all__ = ["build_junit", "write_junit"]

SUITE_NAME = "inspector scenarios"


def _classname(source: str) -> str:
    return f"scenarios.{Path(source).stem}" if source else "scenarios"


def _details(run: ScenarioRun) -> str:
    outcome = run.outcome
    lines = [f"{outcome.verdict.value.upper()}: {outcome.summary}"]
    if outcome.result.conversation_id:
        lines.append(f"Conversation: {outcome.result.conversation_id}")
    for checked in outcome.rows:
        row = checked.row
        lines.append(
            f"  {row.key_text}: sent {row.sent_text} | received {row.received_text}"
            f" | {checked.status}"
        )
    lines += [f"  expectation: {f}" for f in outcome.failures]
    lines += [f"  [{d.code}] {d.message}" for d in outcome.result.diagnoses]
    steps = " · ".join(f"{s.name} {s.ms:.0f} ms" for s in outcome.result.steps)
    if steps:
        lines.append(f"Steps: {steps}")
    return "\n".join(lines)


def build_junit(runs: Sequence[ScenarioRun], load_errors: Sequence[ScenarioError] = ()) -> JUnitXml:
    suite = TestSuite(SUITE_NAME)
    for run in runs:
        outcome = run.outcome
        case = TestCase(outcome.scenario.name, _classname(outcome.scenario.source), run.seconds)
        details = _details(run)
        if outcome.verdict is Verdict.FAIL:
            case.result = [Failure(outcome.summary, "fail")]
            case.result[0].text = details
        elif outcome.verdict is Verdict.ERROR:
            case.result = [Error(outcome.summary, "error")]
            case.result[0].text = details
        case.system_out = details
        suite.add_testcase(case)
    for problem in load_errors:
        case = TestCase(Path(problem.file).name, "scenarios.files", 0.0)
        case.result = [Error(str(problem), "invalid-scenario")]
        suite.add_testcase(case)
    suite.update_statistics()  # type: ignore[no-untyped-call]
    xml = JUnitXml(SUITE_NAME)
    xml.add_testsuite(suite)
    xml.update_statistics()  # type: ignore[no-untyped-call]
    return xml


def write_junit(
    path: Path, runs: Sequence[ScenarioRun], load_errors: Sequence[ScenarioError] = ()
) -> None:
    build_junit(runs, load_errors).write(str(path), pretty=True)
