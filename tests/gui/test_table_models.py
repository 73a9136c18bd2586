"""The table models obey Qt's model contract (pytest-qt's qtmodeltester) and show their rows."""

from PySide6.QtCore import Qt

from inspector.core import diff_attributes
from inspector.store.history import RunRecord
from inspector.ui.history_view import HistoryModel
from inspector.ui.results_model import ResultsModel


def test_results_model_contract_and_colours(qtmodeltester):
    model = ResultsModel()
    model.set_rows(
        diff_attributes({"crmCustomerId": "C-1", "a": "1"}, {"crmCustomerid": "C-1", "z": "9"})
    )
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.data(model.index(0, 2)) == "crmCustomerid = C-1"
    assert model.data(model.index(0, 3)) == "⚠ case mismatch"
    assert model.data(model.index(1, 3)) == "✖ missing"
    assert model.data(model.index(2, 3)) == "+ extra"
    background = model.data(model.index(1, 0), Qt.ItemDataRole.BackgroundRole)
    assert background.color().name() == "#fbe3e3"


def test_results_show_a_pasted_newline_rather_than_hide_it():
    model = ResultsModel()
    model.set_rows(diff_attributes({"crmCustomerId": "C-1\n"}, {"crmCustomerId": "C-1"}))
    shown = [model.data(model.index(0, c)) for c in range(4)]
    assert shown == ["crmCustomerId", "C-1\\n", "C-1", "✖ mismatch"]


def test_history_model_contract(qtmodeltester):
    model = HistoryModel()
    record = RunRecord(
        scenario="plain",
        profile="sandbox",
        origin="https://shop.example.com",
        verdict="fail",
        summary="1 of 2 attributes did not arrive as sent",
        started_at="2026-11-25T10:00:00+00:00",
        finished_at="2026-11-25T10:00:01+00:00",
        sent={},
        received={},
        rows=[],
        diagnoses=[],
        steps=[],
    )
    model.set_records([record, record])
    qtmodeltester.check(model)
    assert model.data(model.index(0, 0)) == "2026-11-25 10:00:00"
    assert model.data(model.index(0, 2)) == "FAIL"
