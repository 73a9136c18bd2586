"""A check added once to the run assembly (orgs.runs.RUN_CHECKS) runs everywhere a run starts.

The window, `inspector verify` and `inspector run` each start a real run on the sandbox; the
added check must show as a step in each, with the conversation it read.
"""

import json

import pytest

from inspector.cli import build_parser
from inspector.core import VerificationRequest
from inspector.core.verification import CheckInput, RunCheck
from inspector.orgs import runs

LABEL = "Count the received keys"


@pytest.fixture
def added_check():
    """A new step, registered the one way a step is added for every run."""
    seen: list[CheckInput] = []

    async def count_keys(found: CheckInput) -> None:
        seen.append(found)

    check = RunCheck("count-keys", LABEL, count_keys)
    runs.RUN_CHECKS.append(check)
    yield seen
    runs.RUN_CHECKS.remove(check)


def _step(steps, name):
    return next((s for s in steps if s["name"] == name), None)


def test_the_window_runs_the_added_check(qtbot, window, added_check):
    task = window.start(VerificationRequest(crm_id="CRM-ASSEMBLY-1", timeout=20))
    qtbot.waitUntil(task.done, timeout=40_000)
    result = task.result()
    assert result.verdict.value == "pass", result.summary
    assert [s.label for s in result.steps][-1] == LABEL
    shown = [
        window.progress.topLevelItem(i).text(0) for i in range(window.progress.topLevelItemCount())
    ]
    assert any(text.endswith(LABEL) and text.startswith("✔") for text in shown), shown
    assert [c.conversation_id for c in added_check] == [result.conversation_id]
    assert added_check[0].sent["crmCustomerId"] == "CRM-ASSEMBLY-1"


def test_verify_runs_the_added_check(capsys, added_check):
    args = build_parser().parse_args(
        ["verify", "--crm-id", "CRM-ASSEMBLY-2", "--json", "--no-history"]
    )
    assert args.handler(args) == 0
    body = json.loads(capsys.readouterr().out)
    step = _step(body["steps"], "count-keys")
    assert step is not None and step["ok"], body["steps"]
    assert [c.conversation_id for c in added_check] == [body["conversationId"]]


def test_run_runs_the_added_check(tmp_path, capsys, added_check):
    (tmp_path / "one.yaml").write_text("name: Assembly\ncrmId: CRM-ASSEMBLY-3\n")
    report = tmp_path / "report.json"
    args = build_parser().parse_args(
        ["run", str(tmp_path / "one.yaml"), "--json", str(report), "--no-history"]
    )
    assert args.handler(args) == 0, capsys.readouterr().err
    written = json.loads(report.read_text())
    steps = written["scenarios"][0]["steps"]
    step = _step(steps, "count-keys")
    assert step is not None and step["ok"], steps
    assert len(added_check) == 1 and added_check[0].sent["crmCustomerId"] == "CRM-ASSEMBLY-3"


def test_a_check_that_breaks_is_a_note_and_the_verdict_stands(qtbot, window):
    async def broken(found: CheckInput) -> None:
        raise RuntimeError("the check's own bug")

    check = RunCheck("broken", "A broken check", broken)
    runs.RUN_CHECKS.append(check)
    try:
        task = window.start(VerificationRequest(crm_id="CRM-ASSEMBLY-4", timeout=20))
        qtbot.waitUntil(task.done, timeout=40_000)
    finally:
        runs.RUN_CHECKS.remove(check)
    result = task.result()
    assert result.verdict.value == "pass"
    notes = [d for d in result.diagnoses if d.code == "check-failed"]
    assert len(notes) == 1 and "A broken check" in notes[0].message
    assert window.banner.isVisible()
