"""Scenario files: examples load and match the schema; bad files name file, line and field."""

import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from inspector.core.scenario import SCENARIO_FIELDS, Scenario, ScenarioError
from inspector.scenarios import dump_scenario, load_scenario_text, load_suite

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
SCHEMA = json.loads((ROOT / "resources/scenario.schema.json").read_text())


def example_files():
    return sorted(EXAMPLES.glob("*.yaml"))


def test_there_are_at_least_eight_examples():
    assert len(example_files()) >= 8


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_every_example_matches_the_schema(path):
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    errors = [e.message for e in jsonschema.Draft202012Validator(SCHEMA).iter_errors(data)]
    assert errors == []


def test_all_examples_load_without_errors():
    suite = load_suite([EXAMPLES])
    assert suite.errors == []
    assert len(suite.scenarios) == len(example_files())
    failing = [s for s in suite.scenarios if s.faults]
    assert [s.name for s in failing] == ["Deliberately failing (flow re-keys the CRM id)"]
    assert failing[0].faults == {"lowercase-keys"}


def test_schema_and_loader_know_the_same_fields():
    assert set(SCHEMA["else"]["propertyNames"]["enum"]) == SCENARIO_FIELDS


def test_schema_refuses_what_the_loader_refuses():
    validator = jsonschema.Draft202012Validator(SCHEMA)
    assert list(validator.iter_errors({"crmId": "x", "colour": "red"}))
    assert list(validator.iter_errors({"crmId": 12345}))
    assert not list(validator.iter_errors({"crmId": "x"}))


def test_defaults():
    scenario = load_scenario_text("crmId: C-1\n", "plain.yaml", default_name="plain")
    assert scenario.name == "plain"
    assert scenario.profile == "sandbox"
    assert scenario.launcher == "guest"
    assert scenario.faults == frozenset()
    assert scenario.sent_attributes() == {"crmCustomerId": "C-1"}
    assert scenario.arrive_keys() == ("crmCustomerId",)


def error_for(text, source="suite/bad.yaml"):
    with pytest.raises(ScenarioError) as caught:
        load_scenario_text(text, source)
    return caught.value


def test_wrong_type_names_file_line_and_field():
    error = error_for("name: n\ncrmId: C-1\nattributes:\n  source: web\n  cartValue: 149.90\n")
    assert (error.file, error.line, error.field) == ("suite/bad.yaml", 5, "attributes.cartValue")
    assert "expected text, got a number" in error.message
    assert str(error).startswith("suite/bad.yaml:5: attributes.cartValue: ")


def test_unknown_field_suggests_the_known_one():
    error = error_for("name: n\ncrmId: C-1\nattribute:\n  a: b\n")
    assert (error.line, error.field) == (3, "attribute")
    assert "unknown field (did you mean 'attributes'?)" in error.message


def test_nested_wrong_type_points_at_its_own_line():
    text = "name: n\ncrmId: C-1\nexpect:\n  botReply:\n    contains: hi\n    within: soon\n"
    error = error_for(text)
    assert (error.line, error.field) == (6, "expect.botReply.within")


def test_bad_yaml_names_the_line():
    error = error_for("name: n\ncrmId: C-1\nattributes:\n  source: [web\n  page: x\n")
    assert error.line in (4, 5, 6)
    assert error.message.startswith("not valid YAML")


def test_duplicate_field_is_refused():
    error = error_for("name: n\ncrmId: C-1\ncrmId: C-2\n")
    assert (error.line, error.field) == (3, "crmId")


def test_unknown_fault_lists_the_known_ones():
    error = error_for("name: n\ncrmId: C-1\nfaults: [slow-flow]\n")
    assert error.field == "faults[0]" and "lowercase-keys" in error.message


def test_each_unknown_fault_is_reported_on_its_own_line_with_a_did_you_mean():
    error = error_for("name: n\ncrmId: C-1\nfaults:\n  - nope1\n  - slow\n  - lowercase-key\n")
    assert [(p.line, p.field) for p in error.problems] == [(4, "faults[0]"), (6, "faults[2]")]
    first, second = (p.message for p in error.problems)
    assert first.startswith("unknown fault 'nope1'; known: analytics-delay, ")
    assert second.startswith(
        "unknown fault 'lowercase-key' (did you mean 'lowercase-keys'?); known: "
    )


THREE_PROBLEMS = (
    "name: n\ncrmId: 12345\natributes:\n  source: web\nfaults: [slow-flow]\ntimeout: 5\n"
)


def test_every_problem_of_a_file_is_reported_at_once():
    error = error_for(THREE_PROBLEMS)
    assert [(p.line, p.field) for p in error.problems] == [
        (2, "crmId"),
        (3, "atributes"),
        (5, "faults[0]"),
    ]
    lines = str(error).splitlines()
    assert len(lines) == 3
    assert lines[0].startswith("suite/bad.yaml:2: crmId: expected text, got a number (quote it")
    assert lines[1].startswith(
        "suite/bad.yaml:3: atributes: unknown field (did you mean 'attributes'?)"
    )
    assert lines[2].startswith("suite/bad.yaml:5: faults[0]: unknown fault 'slow-flow'")
    assert (error.line, error.field) == (2, "crmId")  # as a ScenarioError: the first


def test_a_file_with_one_problem_reports_just_that_one():
    error = error_for("name: n\ncrmId: C-1\ntimeout: soon\n")
    assert error.problems == (error,)
    assert str(error) == "suite/bad.yaml:3: timeout: expected a number of seconds, got text"


def test_a_refused_field_does_not_drag_checks_that_need_it_along():
    text = "name: n\ncrmId: C-1\nattributes: 5\nexpect:\n  arrive: [a]\n  mustNotAppear: [a]\n"
    error = error_for(text)
    assert [p.field for p in error.problems] == ["attributes"]  # not "'a' is not sent"


def test_problems_in_several_expect_fields_are_all_reported():
    text = (
        "name: n\ncrmId: C-1\nexpect:\n  arrive: [nope]\n  mustNotAppear: [crmCustomerId]\n"
        "  botReply: {contains: hi, within: soon}\n  eror: x\n"
    )
    fields = [p.field for p in error_for(text).problems]
    assert fields == [
        "expect.arrive[0]",
        "expect.mustNotAppear[0]",
        "expect.botReply.within",
        "expect.eror",
    ]


def test_a_suite_lists_every_problem_of_a_file_and_runs_the_rest(tmp_path):
    (tmp_path / "a.yaml").write_text(THREE_PROBLEMS)
    (tmp_path / "b.yaml").write_text("name: fine\ncrmId: C-2\n")
    suite = load_suite([tmp_path])
    assert [s.name for s in suite.scenarios] == ["fine"]
    assert len(suite.errors) == 1 and len(suite.errors[0].problems) == 3


def test_missing_crm_id():
    assert error_for("name: n\n").field == "crmId"


def test_empty_file():
    assert error_for("").message == "the file is empty"


def test_a_sent_key_cannot_go_unchecked():
    error = error_for(
        "name: n\ncrmId: C-1\nattributes: {a: b}\nexpect:\n  arrive: [crmCustomerId]\n"
    )
    assert error.field == "expect.arrive" and "'a' would go unchecked" in error.message


def test_a_sent_key_cannot_be_forbidden():
    error = error_for("name: n\ncrmId: C-1\nexpect:\n  mustNotAppear: [CRMCUSTOMERID]\n")
    assert error.field == "expect.mustNotAppear[0]"


def test_bad_pattern_is_refused():
    text = "name: n\ncrmId: C-1\nexpect:\n  flowMayChange:\n    q: {matches: '[a-'}\n"
    assert error_for(text).field == "expect.flowMayChange.q.matches"


def test_pre_chat_answers_travel_as_attributes():
    scenario = load_scenario_text(
        "name: n\ncrmId: C-1\npreChat:\n  answers: {firstName: Ada}\n", "p.yaml"
    )
    assert scenario.sent_attributes() == {"crmCustomerId": "C-1", "firstName": "Ada"}


def test_a_broken_file_does_not_stop_the_suite(tmp_path):
    (tmp_path / "a-good.yaml").write_text("name: good\ncrmId: C-1\n")
    (tmp_path / "b-bad.yaml").write_text("name: bad\ncrmId: [\n")
    (tmp_path / "c-wrong.yaml").write_text("name: wrong\ncrmId: C-1\ntimeout: soon\n")
    (tmp_path / "notes.txt").write_text("not a scenario")
    suite = load_suite([tmp_path])
    assert [s.name for s in suite.scenarios] == ["good"]
    assert [Path(e.file).name for e in suite.errors] == ["b-bad.yaml", "c-wrong.yaml"]
    assert suite.errors[1].line == 3 and suite.errors[1].field == "timeout"


def test_same_name_twice_in_a_suite_is_an_error(tmp_path):
    (tmp_path / "a.yaml").write_text("name: same\ncrmId: C-1\n")
    (tmp_path / "b.yaml").write_text("name: same\ncrmId: C-2\n")
    suite = load_suite([tmp_path])
    assert len(suite.scenarios) == 1 and suite.errors[0].field == "name"


def test_missing_path_is_reported(tmp_path):
    suite = load_suite([tmp_path / "nope"])
    assert suite.errors[0].message == "no such file or folder"


@pytest.mark.parametrize("path", example_files(), ids=lambda p: p.name)
def test_dump_then_load_gives_the_same_scenario(path, tmp_path):
    original = load_scenario_text(path.read_text(encoding="utf-8"), "x.yaml")
    again = load_scenario_text(dump_scenario(original), "x.yaml")
    assert again == original
    assert isinstance(again, Scenario)


def test_an_empty_folder_names_both_suffixes_it_looks_for(tmp_path):
    (tmp_path / "notes.txt").write_text("not a scenario")
    [error] = load_suite([tmp_path]).errors
    assert error.message == "no scenario files here (*.yaml or *.yml)"


def test_a_yml_file_in_a_folder_is_loaded(tmp_path):
    (tmp_path / "only.yml").write_text("name: only\ncrmId: C-1\n")
    suite = load_suite([tmp_path])
    assert suite.errors == [] and [s.name for s in suite.scenarios] == ["only"]
