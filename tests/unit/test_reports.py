"""Reports: JUnit XML a reader library parses, JSON in the --json row format, escaped HTML."""

import json
from datetime import UTC, datetime, timedelta

from junitparser import Error, Failure, JUnitXml

from inspector.core import (
    Diagnosis,
    StepTiming,
    Verdict,
    VerificationResult,
    diff_attributes,
    verdict_for_rows,
)
from inspector.core.expectations import ScenarioRun, evaluate
from inspector.core.scenario import ScenarioError
from inspector.reports import render_html, suite_json, write_html, write_json, write_junit
from inspector.scenarios import load_scenario_text

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


def run(name, received, *, error=None):
    s = load_scenario_text(
        f"name: '{name}'\ncrmId: C-1\nattributes: {{source: web}}\n", f"{name}.yaml"
    )
    sent = s.sent_attributes()
    if error:
        result = VerificationResult(
            Verdict.ERROR, error, sent, diagnoses=(Diagnosis("network", error),), error=error
        )
    else:
        rows = diff_attributes(sent, received)
        steps = (StepTiming("connect", "Connect the chat", 12.0), StepTiming("read", "Read", 250.0))
        result = VerificationResult(
            verdict_for_rows(rows), "summary", sent, rows, steps, conversation_id="conv-1"
        )
    return ScenarioRun(evaluate(s, result), T0, T0 + timedelta(seconds=1.5))


def suite():
    runs = [
        run("ok", {"crmCustomerId": "C-1", "source": "web"}),
        run("re-keyed", {"crmCustomerid": "C-1", "source": "web"}),
        run("down", {}, error="Could not reach the org"),
    ]
    errors = [ScenarioError("suite/bad.yaml", 4, "timeout", "expected a number of seconds")]
    return runs, errors


def test_junit_parses_with_junitparser(tmp_path):
    runs, errors = suite()
    path = tmp_path / "out.xml"
    write_junit(path, runs, errors)
    xml = JUnitXml.fromfile(str(path))
    suites = list(xml)
    assert len(suites) == 1
    cases = {case.name: case for case in suites[0]}
    assert set(cases) == {"ok", "re-keyed", "down", "bad.yaml"}
    assert cases["ok"].is_passed
    assert isinstance(cases["re-keyed"].result[0], Failure)
    assert "crmCustomerId: sent C-1 | received crmCustomerid = C-1 | case-mismatch" in (
        cases["re-keyed"].result[0].text
    )
    assert isinstance(cases["down"].result[0], Error)
    assert "suite/bad.yaml:4: timeout" in cases["bad.yaml"].result[0].message
    assert (suites[0].tests, suites[0].failures, suites[0].errors) == (4, 1, 2)
    assert cases["ok"].time == 1.5


def test_json_rows_have_the_verify_format(tmp_path):
    runs, errors = suite()
    write_json(tmp_path / "out.json", runs, errors)
    body = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert body["counts"] == {"pass": 1, "fail": 1, "error": 1, "invalid": 1}
    rekeyed = body["scenarios"][1]
    assert rekeyed["scenario"] == "re-keyed" and rekeyed["verdict"] == "fail"
    row = rekeyed["rows"][0]
    assert {k: row[k] for k in ("key", "sent", "received", "status", "receivedKey")} == {
        "key": "crmCustomerId",
        "sent": "C-1",
        "received": "C-1",
        "status": "case-mismatch",
        "receivedKey": "crmCustomerid",
    }
    plain = runs[1].outcome.result.to_json_dict()
    assert set(plain["rows"][0]) <= set(row)
    assert [s["name"] for s in body["scenarios"][0]["steps"]] == ["connect", "read"]
    assert body["invalidFiles"][0] == {
        "file": "suite/bad.yaml",
        "line": 4,
        "field": "timeout",
        "message": "expected a number of seconds",
        "problems": [{"line": 4, "field": "timeout", "message": "expected a number of seconds"}],
    }
    assert suite_json([], [])["total"] == 0


def test_html_is_self_contained_with_coloured_rows_and_steps(tmp_path):
    runs, errors = suite()
    write_html(tmp_path / "out.html", runs, errors)
    html = (tmp_path / "out.html").read_text(encoding="utf-8")
    assert "<script" not in html and "<link" not in html and "http://" not in html
    assert '<tr class="ok"><td class="key">crmCustomerId</td>' in html
    assert '<tr class="warn"><td class="key">crmCustomerId</td>' in html
    assert "crmCustomerid = C-1" in html
    assert "250 ms" in html
    assert "suite/bad.yaml:4: timeout" in html


def test_html_escapes_what_came_from_the_org():
    s = load_scenario_text("name: x\ncrmId: C-1\n", "x.yaml")
    sent = s.sent_attributes()
    rows = diff_attributes(sent, {"crmCustomerId": "C-1", "note": "<script>alert(1)</script>"})
    result = VerificationResult(verdict_for_rows(rows), "s", sent, rows)
    html = render_html([ScenarioRun(evaluate(s, result), T0, T0)])
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_names_the_letters_a_case_mismatch_differs_by(tmp_path):
    recased = run("recased", {"crmCustomerid": "C-1", "source": "web"})
    html = render_html([recased])
    assert "letter 12: sent &#x27;I&#x27;, received &#x27;i&#x27;" in html
