"""Page scenario files: launcher: page, what they expect, and how a run is judged against them."""

from pathlib import Path

import pytest
import yaml

from inspector.core.diff import Verdict
from inspector.core.page_run import PageFrame, SnippetFacts, judge_page
from inspector.core.page_scenario import (
    PageScenarioError,
    evaluate_page,
    page_scenario_from_data,
)

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "website"
SNIPPET = SnippetFacts("d-1", "prod", "")


def test_every_website_example_has_a_scenario_naming_an_existing_page():
    files = sorted(EXAMPLES.glob("*.yaml"))
    assert {p.stem for p in files} == {p.stem for p in EXAMPLES.glob("*.html")}
    for path in files:
        scenario = page_scenario_from_data(yaml.safe_load(path.read_text()), path.stem)
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
    ("data", "field"),
    [
        ({"launcher": "guest", "page": "x.html"}, "launcher"),
        ({"launcher": "page"}, "page"),
        ({"launcher": "page", "page": "x", "deployment": "mars"}, "deployment"),
        ({"launcher": "page", "page": "x", "expect": {"verdict": "maybe"}}, "expect.verdict"),
        ({"launcher": "page", "page": "x", "expect": {"attributes": {"id": 7}}}, "attributes"),
        ({"launcher": "page", "page": "x", "pages": "y"}, "pages"),
        ({"launcher": "page", "page": "x", "timeout": 0}, "timeout"),
    ],
)
def test_a_bad_scenario_names_its_field(data, field):
    with pytest.raises(PageScenarioError, match=field):
        page_scenario_from_data({"name": "n", **data})


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


def test_the_host_page_scenario_loader_points_a_page_scenario_to_inspector_page():
    from inspector.core.scenario import ScenarioError
    from inspector.scenarios import load_scenario_text

    text = (EXAMPLES / "late.yaml").read_text()
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, "website/late.yaml")
    assert caught.value.field == "launcher"
    assert "inspector page FILE" in caught.value.message
