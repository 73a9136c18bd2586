"""Properties of attribute validation, UTF-8 size counting, the diff and scenario parsing.

They add to the examples in test_core_attributes.py and test_core_diff.py: laws that hold for
any input (additivity, the exact limit, case-only renames, order independence), and the
promise of scenario parsing that any input gives a Scenario or a ScenarioError.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from inspector.core.attributes import custom_data_size, validate_attributes
from inspector.core.diff import RowStatus, Verdict, diff_attributes, verdict_for_rows
from inspector.core.scenario import (
    BOT_REPLY_FIELDS,
    EXPECT_FIELDS,
    FLOW_KEY_FIELDS,
    PRE_CHAT_FIELDS,
    SCENARIO_FIELDS,
    Scenario,
    ScenarioError,
)
from inspector.core.scenario_parse import scenario_from_data
from inspector.scenarios import load_scenario_text
from inspector.scenarios.loader import dump_scenario

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PROBLEM_CODES = {
    "no-attributes",
    "empty-key",
    "key-whitespace",
    "not-a-string",
    "empty-value",
    "case-clash",
    "too-large",
}

keys = st.text(min_size=1, max_size=12)
values = st.text(max_size=40)
attribute_maps = st.dictionaries(keys, values, max_size=8)
# Names a user would type: no surrounding spaces, no case twins.
clean_keys = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,15}", fullmatch=True)


def _utf8(text: str) -> int:
    return len(text.encode("utf-8"))


# --- UTF-8 size ----------------------------------------------------------------------------


@given(attribute_maps, attribute_maps)
def test_size_is_additive_over_disjoint_maps(first: dict[str, str], second: dict[str, str]) -> None:
    second = {k: v for k, v in second.items() if k not in first}
    assert custom_data_size({**first, **second}) == custom_data_size(first) + custom_data_size(
        second
    )


@given(keys, values)
def test_size_counts_bytes_not_characters(key: str, value: str) -> None:
    size = custom_data_size({key: value})
    assert size == _utf8(key) + _utf8(value)
    assert len(key) + len(value) <= size <= 4 * (len(key) + len(value))


@given(st.dictionaries(clean_keys, st.text(min_size=1, max_size=300), min_size=1, max_size=6))
def test_the_limit_is_exact(attrs: dict[str, str]) -> None:
    """At exactly the size it passes; one byte less and it is refused with the byte count."""
    if len({k.casefold() for k in attrs}) != len(attrs):
        return
    size = custom_data_size(attrs)
    assert "too-large" not in {p.code for p in validate_attributes(attrs, max_bytes=size)}
    refused = [p for p in validate_attributes(attrs, max_bytes=size - 1) if p.code == "too-large"]
    assert len(refused) == 1
    assert f"{size} bytes" in refused[0].message


# --- validation ----------------------------------------------------------------------------

any_value = st.one_of(
    st.text(max_size=10), st.integers(), st.none(), st.booleans(), st.lists(st.integers())
)


@given(st.dictionaries(st.text(max_size=10), any_value, max_size=8))
def test_validation_never_raises_and_uses_known_codes(attrs: dict[str, Any]) -> None:
    problems = validate_attributes(attrs)
    assert {p.code for p in problems} <= PROBLEM_CODES
    assert all(p.message for p in problems)
    assert validate_attributes(attrs) == problems  # deterministic


@given(st.dictionaries(clean_keys, st.text(min_size=1, max_size=40), min_size=1, max_size=8))
def test_clean_attributes_under_the_limit_have_no_problem(attrs: dict[str, str]) -> None:
    if len({k.casefold() for k in attrs}) != len(attrs):
        return
    assert validate_attributes(attrs, max_bytes=10_000) == []


@given(clean_keys.filter(lambda k: k.lower() != k.upper()), st.text(min_size=1, max_size=10))
def test_two_spellings_of_one_name_are_always_reported(key: str, value: str) -> None:
    twin = key.swapcase()
    problems = validate_attributes({key: value, twin: value})
    clash = [p for p in problems if p.code == "case-clash"]
    assert len(clash) == 1
    assert key in clash[0].message and twin in clash[0].message


def test_text_that_is_not_utf8_encodable_is_a_problem_not_a_crash() -> None:
    # a lone surrogate: a non-UTF-8 byte in argv, or "\ud800" in a scenario file
    problems = validate_attributes({"crmCustomerId": "CRM-\udcff"})
    assert [p.code for p in problems] == ["not-utf8"]


# --- the diff ------------------------------------------------------------------------------


@given(attribute_maps.filter(bool))
def test_diff_of_identical_maps_passes_with_only_matches(sent: dict[str, str]) -> None:
    rows = diff_attributes(sent, dict(sent))
    assert {r.status for r in rows} == {RowStatus.MATCH}
    assert verdict_for_rows(rows) is Verdict.PASS


@given(st.dictionaries(clean_keys.filter(lambda k: k.lower() != k.upper()), values, min_size=1))
def test_a_case_only_rename_is_a_case_mismatch_with_both_spellings(sent: dict[str, str]) -> None:
    if len({k.casefold() for k in sent}) != len(sent):
        return
    received = {k.swapcase(): v for k, v in sent.items()}
    rows = diff_attributes(sent, received)
    assert [r.status for r in rows] == [RowStatus.CASE_MISMATCH] * len(sent)
    assert [(r.key, r.received_key) for r in rows] == [(k, k.swapcase()) for k in sent]
    assert all(r.received_key in r.received_text for r in rows)
    assert verdict_for_rows(rows) is Verdict.FAIL


@given(attribute_maps.filter(bool), attribute_maps)
def test_keys_the_flow_adds_never_fail_a_run(sent: dict[str, str], added: dict[str, str]) -> None:
    added = {k: v for k, v in added.items() if k.casefold() not in {s.casefold() for s in sent}}
    rows = diff_attributes(sent, {**sent, **added})
    assert verdict_for_rows(rows) is Verdict.PASS
    assert sorted(r.key for r in rows if r.status is RowStatus.EXTRA) == sorted(added)


@given(attribute_maps, attribute_maps, st.randoms(use_true_random=False))
def test_received_order_does_not_change_the_rows(
    sent: dict[str, str], received: dict[str, str], rng: Any
) -> None:
    if len({k.casefold() for k in received}) != len(received):
        return  # with case twins the order decides which twin pairs up; covered elsewhere
    items = list(received.items())
    rng.shuffle(items)
    assert diff_attributes(sent, received) == diff_attributes(sent, dict(items))


@given(attribute_maps, attribute_maps)
def test_one_row_per_sent_key_plus_one_per_unused_received_key(
    sent: dict[str, str], received: dict[str, str]
) -> None:
    rows = diff_attributes(sent, received, source_prefix="participants[0].attributes")
    paired = {r.received_key for r in rows if r.sent is not None and r.received_key}
    assert len(rows) == len(sent) + len(set(received) - paired)
    for row in rows:
        if row.received_key is not None:
            assert row.source == f"participants[0].attributes[{row.received_key!r}]"
            assert received[row.received_key] == row.received


# --- scenario parsing ----------------------------------------------------------------------

leaf = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.floats(allow_nan=True),
    st.text(max_size=12),
    st.sampled_from(["guest", "form", "attributes", "lowercase-keys", "crmCustomerId", "("]),
)
ALL_FIELDS = SCENARIO_FIELDS | EXPECT_FIELDS | FLOW_KEY_FIELDS | BOT_REPLY_FIELDS | PRE_CHAT_FIELDS
field_names = st.sampled_from([*sorted(ALL_FIELDS), "crmCustomerId", "source", "", "x"])
nested = st.recursive(
    leaf,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(field_names, inner, max_size=5),
    max_leaves=25,
)
scenario_like = st.dictionaries(field_names, nested, max_size=10) | nested


def _parse(data: Any) -> None:
    try:
        scenario = scenario_from_data(data, source="fuzz.yaml", known_faults={"lowercase-keys"})
    except ScenarioError as exc:
        assert str(exc).startswith("fuzz.yaml")
    else:
        assert isinstance(scenario, Scenario)
        assert scenario.name and isinstance(scenario.crm_id, str)


@settings(max_examples=200, deadline=None)
@given(scenario_like)
def test_any_data_gives_a_scenario_or_a_scenario_error(data: Any) -> None:
    _parse(data)


@settings(max_examples=100, deadline=None)
@given(st.dictionaries(field_names, nested, max_size=10))
def test_valid_core_with_random_extras(extras: dict[str, Any]) -> None:
    _parse({"name": "n", "crmId": "CRM-1", **extras})


EXAMPLE_TEXTS = sorted(p.read_text(encoding="utf-8") for p in EXAMPLES.glob("*.yaml"))


@settings(max_examples=100, deadline=None)
@given(
    st.one_of(
        st.text(max_size=200),
        st.sampled_from(EXAMPLE_TEXTS).flatmap(
            lambda t: st.integers(0, len(t)).map(lambda cut: t[:cut])
        ),
        scenario_like.map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
        st.sampled_from(["a: &x *x", "{" * 50, "!!python/object:os.system x", "\t- a"]),
    )
)
def test_any_text_gives_a_scenario_or_a_scenario_error(text: str) -> None:
    try:
        load_scenario_text(text, "fuzz.yaml")
    except ScenarioError as exc:
        assert str(exc).startswith("fuzz.yaml")


@pytest.mark.parametrize("text", ["a: &x [*x]", "- " * 5000], ids=["self-alias", "deep"])
def test_hostile_yaml_is_a_scenario_error(text: str) -> None:
    with pytest.raises(ScenarioError):
        load_scenario_text(text, "fuzz.yaml")


@pytest.mark.parametrize("text", EXAMPLE_TEXTS)
def test_examples_survive_a_dump_and_load(text: str) -> None:
    scenario = load_scenario_text(text, "example.yaml")
    assert load_scenario_text(dump_scenario(scenario), "example.yaml") == scenario
