from hypothesis import given
from hypothesis import strategies as st

from inspector.core import case_clashes, custom_data_size, validate_attributes


def codes(attrs):
    return [p.code for p in validate_attributes(attrs)]


def test_plain_attributes_are_valid():
    assert codes({"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}) == []


def test_size_counts_utf8_bytes_of_keys_and_values():
    assert custom_data_size({"k": "é"}) == 1 + 2
    assert custom_data_size({"ключ": "😀"}) == 8 + 4


def test_limit_is_inclusive():
    at_limit = {"k": "x" * 2047}
    assert custom_data_size(at_limit) == 2048
    assert codes(at_limit) == []
    assert codes({"k": "x" * 2048}) == ["too-large"]


def test_multibyte_values_hit_the_limit_earlier_than_characters_suggest():
    attrs = {"k": "é" * 1100}  # 1,100 characters, 2,200 bytes
    problems = validate_attributes(attrs)
    assert [p.code for p in problems] == ["too-large"]
    assert "2201 bytes" in problems[0].message


def test_keys_differing_only_by_case_are_refused():
    problems = validate_attributes({"crmCustomerId": "1", "crmCustomerid": "1"})
    assert [p.code for p in problems] == ["case-clash"]
    assert "crmCustomerId" in problems[0].message and "crmCustomerid" in problems[0].message


def test_non_string_values_and_empty_names():
    assert codes({"n": 5}) == ["not-a-string"]
    assert codes({"": "x"}) == ["empty-key"]
    assert codes({" crm": "x"}) == ["key-whitespace"]
    assert codes({}) == ["no-attributes"]


@given(st.dictionaries(st.text(min_size=1, max_size=10), st.text(max_size=10), max_size=8))
def test_case_clashes_groups_only_real_clashes(attrs):
    for group in case_clashes(attrs):
        assert len(group) > 1
        assert len({k.casefold() for k in group}) == 1


@given(st.dictionaries(st.text(min_size=1, max_size=30), st.text(max_size=600), max_size=8))
def test_too_large_exactly_when_utf8_size_exceeds_limit(attrs):
    size = sum(len(k.encode()) + len(v.encode()) for k, v in attrs.items())
    assert ("too-large" in codes(attrs)) == (size > 2048)
