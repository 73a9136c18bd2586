"""Page scenario files: launcher: page, what they expect, and how a run is judged against them."""

from pathlib import Path

import pytest
import yaml

from inspector.core.diff import Verdict
from inspector.core.expectations import page_outcome
from inspector.core.page_run import PageFrame, SnippetFacts, judge_page
from inspector.core.page_scenario import evaluate_page
from inspector.core.scenario import ScenarioError
from inspector.scenarios import load_scenario_file, load_scenario_text

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "website"
SNIPPET = SnippetFacts("d-1", "prod", "")


def page_scenario_from_data(data, default_name="s"):
    """A page scenario through the one scenario loader, from data written as YAML."""
    return load_scenario_text(yaml.safe_dump(data), "s.yaml", default_name=default_name).page


def test_every_website_example_has_a_scenario_naming_an_existing_page():
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert {p.stem for p in files} == {p.stem for p in EXAMPLES.glob("*.html")}
    for path in files:
        loaded = load_scenario_file(path)
        assert loaded.launcher == "page" and loaded.source == str(path)
        scenario = loaded.page
        assert (EXAMPLES / scenario.page).is_file()
        assert scenario.verdict is Verdict.PASS or scenario.diagnoses, path.name


def test_a_scenario_reads_its_fields_with_defaults():
    scenario = page_scenario_from_data(
        {
            "name": "late",
            "launcher": "page",
            "page": "late.html",
            "expect": {
                "attributes": {"crmCustomerId": "C-1"},
                "verdict": "fail",
                "diagnoses": ["attributes-after-first-message"],
            },
        }
    )
    assert scenario.origin == "https://shop.example.com" and scenario.kind == "native-ui"
    assert scenario.expected == {"crmCustomerId": "C-1"}
    assert scenario.verdict is Verdict.FAIL


@pytest.mark.parametrize(
    ("text", "line", "field"),
    [
        ("launcher: page\n", 1, "page"),
        ("launcher: page\npage: x\ndeployment: mars\n", 3, "deployment"),
        ("launcher: page\npage: x\nexpect:\n  verdict: maybe\n", 4, "expect.verdict"),
        ("launcher: page\npage: x\nexpect:\n  attributes: {id: 7}\n", 4, "expect.attributes.id"),
        ("launcher: page\npage: x\npages: y\n", 3, "pages"),
        ("launcher: page\npage: x\ncrmId: C-1\n", 3, "crmId"),
        ("launcher: page\npage: x\ntimeout: 0\n", 3, "timeout"),
        ("launcher: page\npage: x\norigin: shop.example.com\n", 3, "origin"),
        ("launcher: page\npage: x\nchat: {input: '#q'}\n", 3, "chat.send"),
        ("crmId: C-1\npage: x.html\n", 2, "page"),
    ],
)
def test_a_bad_scenario_names_its_file_line_and_field(text, line, field):
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "bad.yaml", default_name="n")
    assert (caught.value.file, caught.value.line, caught.value.field) == ("bad.yaml", line, field)


def test_every_problem_of_a_page_scenario_is_named_at_once():
    text = "launcher: page\ndeployment: mars\nexpect: {verdict: maybe}\n"
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "bad.yaml", default_name="n")
    assert [p.field for p in caught.value.problems] == ["page", "deployment", "expect.verdict"]


def test_a_scenario_passes_only_with_its_verdict_and_every_diagnosis():
    scenario = page_scenario_from_data(
        {
            "name": "late",
            "launcher": "page",
            "page": "late.html",
            "expect": {"verdict": "fail", "diagnoses": ["attributes-after-first-message"]},
        }
    )
    late = judge_page(SNIPPET, [PageFrame("Text", "a"), PageFrame("Text", "b", {"k": "v"})], {}, {})
    assert evaluate_page(scenario, late).passed
    good = judge_page(SNIPPET, [PageFrame("Text", "a", {"k": "v"})], {}, {"k": "v"})
    outcome = evaluate_page(scenario, good)
    assert not outcome.passed
    assert outcome.failures[0].startswith("verdict pass, expected fail")
    assert "no attributes-after-first-message diagnosis" in outcome.failures[1]


def test_a_page_run_becomes_a_scenario_outcome_for_reports_and_the_history():
    text = (EXAMPLES / "late.yaml").read_text()
    scenario = load_scenario_text(text, "website/late.yaml")
    frames = [PageFrame("Text", "a"), PageFrame("Text", "b", {"crmCustomerId": "C-10442"})]
    late = judge_page(SNIPPET, frames, {"crmCustomerId": "C-10442"}, {"crmCustomerId": "C-10442"})
    outcome = page_outcome(scenario, late)
    assert outcome.verdict is Verdict.PASS  # it failed as it should
    assert outcome.result.verdict is Verdict.FAIL
    assert outcome.summary.startswith("Failed as expected (attributes-after-first-message)")
    [row] = outcome.rows
    assert (row.row.key, row.row.sent, row.row.received) == ("crmCustomerId", None, "C-10442")
    assert row.failed and "first message did not carry it" in row.note
    body = outcome.to_json_dict()
    assert body["verdict"] == "pass" and body["verificationVerdict"] == "fail"
    assert body["file"] == "website/late.yaml"
    assert body["page"]["columns"] == {"expectedVsSent": "fail", "sentVsArrived": None}
    assert [f["attributes"] for f in body["page"]["frames"]] == [{}, {"crmCustomerId": "C-10442"}]


def test_a_page_run_that_did_not_come_as_expected_fails_and_one_that_could_not_judge_errs():
    scenario = load_scenario_text((EXAMPLES / "good.yaml").read_text(), "good.yaml")
    frames = [PageFrame("Text", "a", {"crmCustomerId": "C-1"})]
    wrong = judge_page(SNIPPET, frames, {"crmCustomerId": "C-10442"}, {"crmCustomerId": "C-1"})
    outcome = page_outcome(scenario, wrong)
    assert outcome.verdict is Verdict.FAIL
    assert outcome.summary.startswith("Not as expected: verdict fail, expected pass")
    assert outcome.other_failures == outcome.failures and outcome.failures
    unread = judge_page(SNIPPET, frames, {}, None, error="Timed out reading", error_code="timeout")
    assert page_outcome(scenario, unread).verdict is Verdict.ERROR
