"""The history view: filters, export, compare of two runs, and re-run through the sidebar."""

import dataclasses
import json
from datetime import UTC, datetime, timedelta

import pytest
from PySide6.QtCore import QDate, QItemSelectionModel

from inspector.core import VerificationResult, diagnose_rows, diff_attributes, verdict_for_rows
from inspector.core.expectations import evaluate
from inspector.scenarios import load_scenario_text
from inspector.store.history import HistoryStore, RunRecord
from inspector.ui.history_view import HistoryView
from inspector.ui.scenario_sidebar import VERDICT_ROLE
from inspector.ui.scenarios_panel import attach_scenarios

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def record(name, received, start):
    s = load_scenario_text(f"name: {name}\ncrmId: C-1\n", f"{name}.yaml")
    sent = s.sent_attributes()
    rows = diff_attributes(sent, received)
    result = VerificationResult(
        verdict_for_rows(rows), "summary", sent, rows, diagnoses=tuple(diagnose_rows(rows, sent))
    )
    return RunRecord.from_outcome(
        evaluate(s, result), started_at=start, finished_at=start, origin="gui"
    )


@pytest.fixture
def store(tmp_path):
    s = HistoryStore(tmp_path / "history.sqlite3")
    s.record(record("alpha", {"crmCustomerId": "C-1"}, T0))
    s.record(record("beta", {"crmCustomerId": "C-1"}, T0 + timedelta(days=1)))
    s.record(record("alpha", {"crmCustomerid": "C-1"}, T0 + timedelta(days=2)))
    yield s
    s.close()


def visible(view):
    m = view.model
    return [tuple(m.data(m.index(r, c)) for c in (1, 2)) for r in range(m.rowCount())]


def test_filters_by_scenario_verdict_and_date(qtbot, aio, store):
    view = HistoryView(store)
    qtbot.addWidget(view)
    aio.run(view.refresh())
    assert visible(view) == [("alpha", "FAIL"), ("beta", "PASS"), ("alpha", "PASS")]
    assert [view.scenario.itemText(i) for i in range(view.scenario.count())] == [
        "All",
        "alpha",
        "beta",
    ]
    view.scenario.setCurrentText("alpha")
    aio.run(view.refresh())
    assert visible(view) == [("alpha", "FAIL"), ("alpha", "PASS")]
    view.verdict.setCurrentText("pass")
    aio.run(view.refresh())
    assert visible(view) == [("alpha", "PASS")]
    view.scenario.setCurrentText("All")
    view.verdict.setCurrentText("All")
    view.use_since.setChecked(True)
    view.since.setDate(QDate(2025, 3, 2))
    aio.run(view.refresh())
    assert visible(view) == [("alpha", "FAIL"), ("beta", "PASS")]
    assert view.message.text() == "2 run(s)"


def select_rows(view, *rows):
    selection = view.table.selectionModel()
    for row in rows:
        selection.select(
            view.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows,
        )


def test_compare_two_runs_of_one_scenario(qtbot, aio, store):
    view = HistoryView(store)
    qtbot.addWidget(view)
    view.scenario.setCurrentText("alpha")
    aio.run(view.refresh())
    view.scenario.setCurrentText("alpha")
    aio.run(view.refresh())
    select_rows(view, 0, 1)
    changes = view.compare_selected()
    assert changes is not None
    text = view.comparison.toPlainText().splitlines()
    assert text[0].startswith("alpha: 2025-03-01T09:00:00 → 2025-03-03T09:00:00")
    assert "verdict: pass → fail" in text
    assert "row crmCustomerId: match: C-1 → case-mismatch: C-1" in text


def test_compare_needs_two_runs_of_the_same_scenario(qtbot, aio, store):
    view = HistoryView(store)
    qtbot.addWidget(view)
    aio.run(view.refresh())
    select_rows(view, 0, 1)
    assert view.compare_selected() is None
    assert view.comparison.toPlainText() == "Select exactly two runs of the same scenario."


def test_export_what_is_shown(qtbot, aio, store, tmp_path):
    view = HistoryView(store)
    qtbot.addWidget(view)
    view.verdict.setCurrentText("pass")
    aio.run(view.refresh())
    assert aio.run(view.export("json", tmp_path / "runs.json")) == 2
    data = json.loads((tmp_path / "runs.json").read_text(encoding="utf-8"))
    assert sorted(d["scenario"] for d in data) == ["alpha", "beta"]
    aio.run(view.export("csv", tmp_path / "runs.csv"))
    assert (tmp_path / "runs.csv").read_text(encoding="utf-8").count("\n") == 3


def test_rerun_runs_the_scenario_in_the_sidebar(qtbot, aio, window, tmp_path):
    folder = tmp_path / "suite"
    folder.mkdir()
    (folder / "alpha.yaml").write_text("name: alpha\ncrmId: C-1\n")
    store = HistoryStore(tmp_path / "h.sqlite3")
    store.record(record("alpha", {"crmCustomerid": "C-1"}, T0))
    panel = attach_scenarios(window, history=store)
    aio.run(panel.sidebar.open_folder(folder))
    aio.run(panel.history_view.refresh())
    select_rows(panel.history_view, 0)
    panel.history_view.rerun_button.click()
    item = panel.sidebar.item_for("alpha")
    qtbot.waitUntil(lambda: item.data(VERDICT_ROLE) == "pass", timeout=60_000)
    qtbot.waitUntil(lambda: len(store.runs()) == 2, timeout=10_000)
    assert [r.verdict for r in store.runs(scenario="alpha")] == ["pass", "fail"]
    qtbot.waitUntil(lambda: panel.history_view.model.rowCount() == 2, timeout=10_000)
    store.close()


def test_a_run_from_the_form_is_recorded(qtbot, aio, window, tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3")
    panel = attach_scenarios(window, history=store)
    window.form.request_start()
    qtbot.waitUntil(lambda: len(store.runs()) == 1, timeout=60_000)
    run = store.runs()[0]
    assert run.scenario == "(form) CRM-12345-XYZ"
    assert run.verdict == "pass" and run.origin == "gui"
    assert run.conversation_id == window.result.conversation_id
    assert panel.history is store
    store.close()


def test_export_button_saves_csv_or_json(qtbot, aio, store, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QFileDialog

    view = HistoryView(store)
    qtbot.addWidget(view)
    assert view.export_button.text() == "Export…" and not view.export_button.isEnabled()
    aio.run(view.refresh())
    assert view.export_button.isEnabled()
    # the JSON one is typed without a suffix: the chosen filter gives it
    for name, chosen_filter, saved in (
        ("runs.csv", "CSV (*.csv)", "runs.csv"),
        ("runs", "JSON (*.json)", "runs.json"),
    ):
        target = tmp_path / name
        monkeypatch.setattr(
            QFileDialog, "getSaveFileName", lambda *a, t=target, f=chosen_filter, **k: (str(t), f)
        )
        qtbot.mouseClick(view.export_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda s=saved: view.message.text() == f"Exported 3 run(s) to {s}")
    assert (tmp_path / "runs.csv").read_text(encoding="utf-8").count("\n") == 4
    data = json.loads((tmp_path / "runs.json").read_text(encoding="utf-8"))
    assert [d["scenario"] for d in data] == ["alpha", "beta", "alpha"]


def test_double_clicking_a_run_shows_it_in_the_window(qtbot, aio, window, tmp_path):
    import dataclasses

    from PySide6.QtCore import Qt

    raw = {"participants": [{"purpose": "customer", "attributes": {"crmCustomerid": "C-1"}}]}
    past = dataclasses.replace(
        record("alpha", {"crmCustomerid": "C-1"}, T0),
        conversation_id="conv-old",
        steps=[
            {"name": "preflight", "ms": 12.0, "ok": True, "detail": "7 of 7 checks passed"},
            {"name": "read", "ms": 340.0, "ok": True, "detail": "1 attribute"},
        ],
        raw=raw,
        raw_source="GET /api/v2/conversations/conv-old",
    )
    store = HistoryStore(tmp_path / "h.sqlite3")
    store.record(past)
    panel = attach_scenarios(window, history=store)
    view = panel.history_view
    aio.run(view.refresh())
    rect = view.table.visualRect(view.model.index(0, 1))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: window.result is not None)
    model = window.model
    assert [model.data(model.index(0, c)) for c in range(4)] == [
        "crmCustomerId",
        "C-1",
        "crmCustomerid = C-1",
        "⚠ case mismatch",
    ]
    assert window.banner.title.text().startswith("FAIL · 1 expectation not met")
    assert [line.split("|")[0].strip() for line in window.progress.step_texts()] == [
        "✔  Check the deployment",
        "✔  Read the customer's attributes",
    ]
    assert "2025-03-01 09:00:00" in window.conversation_label.text()
    assert "conv-old" in window.conversation_label.text()
    assert window.raw_button.isEnabled()
    dialog = window.show_raw_json("crmCustomerid")
    assert '"crmCustomerid": "C-1"' in dialog.text
    dialog.close()
    # showing a past run does not record it again
    qtbot.wait(200)
    assert len(store.runs()) == 1
    assert (
        view.open_action.text() == "&Open in the window" and view.rerun_action.text() == "&Re-run"
    )
    store.close()


def _sent_rows(run):
    return [(r["key"], r["sent"]) for r in run.rows if r.get("sent") is not None]


def test_a_form_run_is_re_run_from_the_history_with_its_values_and_faults(
    qtbot, aio, window, tmp_path
):
    store = HistoryStore(tmp_path / "h.sqlite3")
    panel = attach_scenarios(window, history=store)
    view = panel.history_view
    window.form.fill("CRM-777-abc", "crmCustomerId", {"source": "kiosk", "tier": "gold"})
    window.set_faults(frozenset({"lowercase-keys"}))
    window.form.request_start()
    qtbot.waitUntil(lambda: len(store.runs()) == 1, timeout=60_000)
    first = store.runs()[0]
    assert first.scenario == "(form) CRM-777-abc" and first.verdict == "fail"
    assert first.request["faults"] == ["lowercase-keys"]

    # The form and the faults move on; the history still has the first run's values.
    window.set_faults(frozenset())
    window.form.fill("CRM-other", "crmCustomerId", {})
    panel.actions["history"].trigger()  # Scenarios ▸ Show run history
    qtbot.waitUntil(lambda: view.isVisible() and view.model.rowCount() == 1, timeout=10_000)
    select_rows(view, 0)
    view.rerun_button.click()
    qtbot.waitUntil(lambda: len(store.runs()) == 2, timeout=60_000)
    shown = [(row.key, row.sent) for row in window.result.rows]
    assert shown == [
        ("crmCustomerId", "CRM-777-abc"),
        ("source", "kiosk"),
        ("tier", "gold"),
    ]
    again = store.runs()[0]
    assert again.scenario == first.scenario
    assert (
        _sent_rows(again)
        == _sent_rows(first)
        == [
            ("crmCustomerId", "CRM-777-abc"),
            ("source", "kiosk"),
            ("tier", "gold"),
        ]
    )
    assert again.verdict == "fail"  # the fault was on again for the re-run...
    statuses = [(r["key"], r["status"]) for r in again.rows]
    assert statuses == [(r["key"], r["status"]) for r in first.rows]
    assert ("crmCustomerId", "case-mismatch") in statuses
    assert window.sandbox.faults == frozenset()  # ...and is off again after it
    assert window.form.crm_id.text() == "CRM-777-abc"  # the form shows what ran
    qtbot.waitUntil(lambda: view.model.rowCount() == 2, timeout=10_000)
    store.close()


def test_a_form_run_recorded_before_requests_were_kept_re_runs_from_what_it_sent(
    qtbot, aio, window, tmp_path
):
    store = HistoryStore(tmp_path / "h.sqlite3")
    panel = attach_scenarios(window, history=store)
    old = dataclasses.replace(
        record("(form) CRM-9", {"crmCustomerId": "CRM-9"}, T0),
        sent={"crmCustomerId": "CRM-9", "channel": "web", "inspectorRunId": "inspector-old"},
        request=None,
    )
    store.record(old)
    aio.run(panel.history_view.refresh())
    select_rows(panel.history_view, 0)
    panel.history_view.rerun_button.click()
    qtbot.waitUntil(lambda: len(store.runs()) == 2, timeout=60_000)
    again = store.runs()[0]
    assert again.verdict == "pass"
    assert _sent_rows(again) == [("crmCustomerId", "CRM-9"), ("channel", "web")]
    store.close()


def test_a_form_run_of_another_org_is_not_re_run_here(qtbot, aio, window, tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3")
    panel = attach_scenarios(window, history=store)
    elsewhere = dataclasses.replace(
        record("(form) CRM-9", {"crmCustomerId": "CRM-9"}, T0), profile="acme-prod"
    )
    store.record(elsewhere)
    aio.run(panel.history_view.refresh())
    select_rows(panel.history_view, 0)
    panel.history_view.rerun_button.click()
    assert "acme-prod" in panel.history_view.message.text()
    assert window.tasks.get("verification") is None
    assert window.form.crm_id.text() != "CRM-9"  # the form keeps what the user typed
    store.close()


def test_a_form_run_on_another_deployment_asks_to_switch_first(qtbot, aio, window, tmp_path):
    store = HistoryStore(tmp_path / "h.sqlite3")
    panel = attach_scenarios(window, history=store)
    base = record("(form) CRM-9", {"crmCustomerId": "CRM-9"}, T0)
    headless = dataclasses.replace(base, request={**base.request, "deployment": "headless"})
    store.record(headless)
    aio.run(panel.history_view.refresh())
    select_rows(panel.history_view, 0)
    panel.history_view.rerun_button.click()
    assert panel.history_view.message.text() == (
        "This run was on the deployment headless: switch to it, then re-run."
    )
    assert window.tasks.get("verification") is None
    store.close()
