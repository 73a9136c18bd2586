"""Run history: survives reopening, filters, migrations with a backup, export and compare."""

import csv
import dataclasses
import json
import os
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from inspector.core import VerificationResult, diagnose_rows, diff_attributes, verdict_for_rows
from inspector.core.expectations import evaluate
from inspector.scenarios import load_scenario_text
from inspector.store.history import (
    MIGRATIONS,
    SCHEMA_VERSION,
    HistoryError,
    HistoryStore,
    RunRecord,
    StoredRequest,
    compare_runs,
    default_history_path,
    export_runs,
)

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def record(name="plain", received=None, start=T0, conversation="c-1"):
    s = load_scenario_text(f"name: {name}\ncrmId: C-1\nattributes: {{source: web}}\n", "p.yaml")
    sent = s.sent_attributes()
    got = {"crmCustomerId": "C-1", "source": "web"} if received is None else received
    rows = diff_attributes(sent, got)
    result = VerificationResult(
        verdict_for_rows(rows),
        "summary",
        sent,
        rows,
        diagnoses=tuple(diagnose_rows(rows, sent)),
        conversation_id=conversation,
    )
    outcome = evaluate(s, result)
    return RunRecord.from_outcome(
        outcome, started_at=start, finished_at=start + timedelta(seconds=1), origin="cli"
    )


@pytest.fixture
def store(tmp_path):
    s = HistoryStore(tmp_path / "history.sqlite3")
    yield s
    s.close()


def test_default_path_follows_inspector_home(tmp_path, monkeypatch):
    monkeypatch.setenv("INSPECTOR_HOME", str(tmp_path))
    assert default_history_path() == tmp_path.resolve() / "data" / "history.sqlite3"


def test_wal_mode_and_schema_version(store):
    assert store.schema_version == SCHEMA_VERSION == len(MIGRATIONS)
    db = sqlite3.connect(store.path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    db.close()


def test_a_run_survives_reopening(tmp_path):
    path = tmp_path / "history.sqlite3"
    first = HistoryStore(path)
    first.record(record())
    first.close()
    again = HistoryStore(path)
    runs = again.runs()
    again.close()
    assert len(runs) == 1
    run = runs[0]
    assert (run.scenario, run.profile, run.verdict, run.origin) == (
        "plain",
        "sandbox",
        "pass",
        "cli",
    )
    assert run.sent == {"crmCustomerId": "C-1", "source": "web"}
    assert run.received == {"crmCustomerId": "C-1", "source": "web"}
    assert [r["status"] for r in run.rows] == ["match", "match"]
    assert run.conversation_id == "c-1"
    assert run.started_at == "2025-03-01T09:00:00.000+00:00"


def test_filters(store):
    store.record(record("a", start=T0))
    store.record(
        record("b", {"crmCustomerid": "C-1", "source": "web"}, start=T0 + timedelta(days=2))
    )
    store.record(record("a", start=T0 + timedelta(days=3)))
    assert [r.scenario for r in store.runs()] == ["a", "b", "a"]
    assert len(store.runs(scenario="a")) == 2
    assert [r.scenario for r in store.runs(verdict="fail")] == ["b"]
    assert len(store.runs(since="2025-03-03")) == 2
    assert store.scenarios() == ["a", "b"]


def test_migration_from_version_1_keeps_rows_and_backs_up(tmp_path):
    path = tmp_path / "history.sqlite3"
    db = sqlite3.connect(path)
    for statement in MIGRATIONS[0]:
        db.execute(statement)
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO runs (scenario, profile, origin, verdict, summary, started_at, finished_at,"
        " sent, received, rows, diagnoses, steps) VALUES"
        " ('old', 'sandbox', 'cli', 'pass', 's', '2024-01-01', '2024-01-01',"
        " '{}', '{}', '[]', '[]', '[]')"
    )
    db.commit()
    db.close()
    store = HistoryStore(path)
    assert store.schema_version == SCHEMA_VERSION
    assert [r.scenario for r in store.runs()] == ["old"]
    backup = tmp_path / "history.sqlite3.v1.bak"
    assert open_files_under(tmp_path) == {path}  # the backup's connection is closed
    store.close()
    assert backup.exists()
    old = sqlite3.connect(backup)
    assert old.execute("PRAGMA user_version").fetchone()[0] == 1
    old.close()


def test_a_newer_database_is_refused(tmp_path):
    path = tmp_path / "history.sqlite3"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(HistoryError, match="newer Inspector"):
        HistoryStore(path)
    assert open_files_under(tmp_path) == set()  # refused, and not kept open


def open_files_under(folder):
    """Files of this process under `folder` (Linux /proc), to see a connection left open."""
    found = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = Path(os.readlink(fd))
        except OSError:
            continue
        if target.is_relative_to(folder) and target.suffix in {".sqlite3", ".bak"}:
            found.add(target)
    return found


def test_a_folder_in_the_way_is_a_clear_error(tmp_path):
    (tmp_path / "history.sqlite3").mkdir()
    with pytest.raises(HistoryError, match="Cannot open the run history"):
        HistoryStore(tmp_path / "history.sqlite3")


def test_export_json_and_csv(store, tmp_path):
    store.record(record("a"))
    store.record(record("Zoë 東京"))
    runs = store.runs()
    export_runs(runs, "json", tmp_path / "h.json")
    data = json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))
    assert {d["scenario"] for d in data} == {"a", "Zoë 東京"}
    assert data[0]["rows"][0]["key"] == "crmCustomerId"
    export_runs(runs, "csv", tmp_path / "h.csv")
    with (tmp_path / "h.csv").open(encoding="utf-8", newline="") as f:
        lines = list(csv.DictReader(f))
    assert {line["scenario"] for line in lines} == {"a", "Zoë 東京"}
    assert json.loads(lines[0]["sent"]) == {"crmCustomerId": "C-1", "source": "web"}
    with pytest.raises(ValueError):
        export_runs(runs, "xml", tmp_path / "h.xml")


def test_compare_shows_what_changed():
    before = record("a")
    after = record("a", {"crmCustomerid": "C-1", "source": "web"})
    changes = {c.what: (c.before, c.after) for c in compare_runs(before, after)}
    assert changes["verdict"] == ("pass", "fail")
    assert changes["row crmCustomerId"] == ("match: C-1", "case-mismatch: C-1")
    assert changes["diagnoses"] == ("—", "case-mismatch")
    assert "row source" not in changes
    assert compare_runs(before, record("a")) == []


async def test_async_access_goes_through_a_thread(store):
    await store.record_async(record("a"))
    runs = await store.runs_async(scenario="a")
    assert len(runs) == 1


def test_text_that_is_not_utf8_is_kept_escaped_not_lost(store):
    # A CRM id or file name given as undecodable bytes reaches Python as lone surrogates.
    entry = dataclasses.replace(
        record(received={"crmCustomerId": "C-\udcff"}), scenario_file="/tmp/s\udcff.yaml"
    )
    store.record(entry)
    [kept] = store.runs()
    assert kept.scenario_file == "/tmp/s\\udcff.yaml"
    # JSON columns read the escape back: the value round-trips exactly
    assert kept.received["crmCustomerId"] == "C-\udcff"


def test_the_raw_response_is_kept_with_the_run(store):
    raw = {"participants": [{"purpose": "customer", "attributes": {"crmCustomerId": "C-1"}}]}
    entry = dataclasses.replace(record(), raw=raw, raw_source="GET /conversations/c-1")
    store.record(entry)
    (back,) = store.runs()
    assert back.raw == raw and back.raw_source == "GET /conversations/c-1"
    store.record(record())
    assert store.runs()[0].raw is None


def test_the_request_is_kept_with_the_run(store):
    s = load_scenario_text(
        "name: kept\ncrmId: C-7\ncrmKey: customerRef\nattributes: {source: web}\n"
        "deployment: headless\nfaults: [slow, lowercase-keys]\ntimeout: 12\n",
        "kept.yaml",
    )
    result = VerificationResult(verdict_for_rows(()), "summary", s.sent_attributes())
    store.record(
        RunRecord.from_outcome(evaluate(s, result), started_at=T0, finished_at=T0, origin="cli")
    )
    (back,) = store.runs()
    assert back.request == {
        "crmId": "C-7",
        "crmKey": "customerRef",
        "attributes": {"source": "web"},
        "deployment": "headless",
        "faults": ["lowercase-keys", "slow"],
        "timeout": 12.0,
        "firstMessage": s.messages[0],
    }
    assert back.stored_request() == StoredRequest(
        "C-7", "customerRef", {"source": "web"}, "headless", ("lowercase-keys", "slow"), 12.0,
        s.messages[0],
    )  # fmt: skip


def test_migration_from_version_3_keeps_rows_and_adds_no_request(tmp_path):
    path = tmp_path / "history.sqlite3"
    db = sqlite3.connect(path)
    for step in MIGRATIONS[:3]:
        for statement in step:
            db.execute(statement)
    db.execute("PRAGMA user_version = 3")
    db.execute(
        "INSERT INTO runs (scenario, profile, origin, verdict, summary, started_at, finished_at,"
        " sent, received, rows, diagnoses, steps) VALUES"
        " ('(form) C-1', 'sandbox', 'gui', 'pass', 's', '2024-01-01', '2024-01-01',"
        """ '{"crmCustomerId": "C-1", "source": "web", "inspectorRunId": "r-1"}', '{}',"""
        " '[]', '[]', '[]')"
    )
    db.commit()
    db.close()
    store = HistoryStore(path)
    try:
        assert store.schema_version == SCHEMA_VERSION == 4
        (old,) = store.runs()
        assert old.request is None and old.from_form
        # Rebuilt from what was sent: CRM id first, the run id left out.
        assert old.stored_request() == StoredRequest("C-1", "crmCustomerId", {"source": "web"})
    finally:
        store.close()
    assert (tmp_path / "history.sqlite3.v3.bak").exists()


@pytest.mark.parametrize(
    "data",
    [
        "not a dict",
        {"crmKey": "k"},
        {"crmId": 5},
        {"crmId": "C", "attributes": {"a": 1}},
        {"crmId": "C", "faults": "slow"},
        {"crmId": "C", "timeout": -1},
        {"crmId": "C", "deployment": ["x"]},
    ],
)
def test_a_stored_request_that_is_not_one_is_none_not_an_error(data):
    assert StoredRequest.from_json_dict(data) is None


def test_a_scenario_run_is_not_a_form_run():
    assert not record("alpha").from_form
    assert dataclasses.replace(record(), scenario="(verify) C-1").from_form


def test_recent_steps_are_the_profiles_passing_runs_newest_first(store):
    def with_steps(rec, read_ms, profile="sandbox"):
        steps = [{"name": "read", "label": "Read", "ms": read_ms, "ok": True, "detail": ""}]
        return dataclasses.replace(rec, steps=steps, profile=profile)

    store.record(with_steps(record(start=T0), 300.0))
    store.record(with_steps(record(start=T0 + timedelta(minutes=1)), 320.0))
    store.record(with_steps(record(received={}, start=T0 + timedelta(minutes=2)), 9000.0))
    store.record(with_steps(record(start=T0 + timedelta(minutes=3)), 50.0, profile="other"))
    assert [s[0]["ms"] for s in store.recent_steps("sandbox")] == [320.0, 300.0]
    assert [s[0]["ms"] for s in store.recent_steps("sandbox", limit=1)] == [320.0]
