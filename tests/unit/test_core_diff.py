import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector.core import Row, RowStatus, Verdict, diff_attributes, summarize, verdict_for_rows
from inspector.core.diff import visible


def statuses(rows: tuple[Row, ...]) -> dict[str, str]:
    return {r.key: r.status.value for r in rows}


def test_all_match_passes():
    sent = {"crmCustomerId": "CRM-12345-XYZ", "source": "web-portal"}
    rows = diff_attributes(sent, dict(sent))
    assert statuses(rows) == {"crmCustomerId": "match", "source": "match"}
    assert verdict_for_rows(rows) is Verdict.PASS
    assert summarize(rows) == "All 2 sent attributes arrived"


def test_case_mismatch_keeps_both_spellings():
    rows = diff_attributes(
        {"crmCustomerId": "CRM-1", "source": "web"}, {"crmCustomerid": "CRM-1", "source": "web"}
    )
    crm = rows[0]
    assert crm.status is RowStatus.CASE_MISMATCH
    assert crm.key == "crmCustomerId"
    assert crm.received_key == "crmCustomerid"
    assert crm.received == "CRM-1"
    assert crm.received_text == "crmCustomerid = CRM-1"
    assert [r.key for r in rows] == ["crmCustomerId", "source"]  # not also listed as extra
    assert verdict_for_rows(rows) is Verdict.FAIL
    assert summarize(rows) == "1 of 2 attributes did not arrive as sent"


def test_missing_mismatch_and_extra():
    rows = diff_attributes(
        {"a": "1", "b": "2"}, {"b": "two", "flowAdded": "yes"}, source_prefix="participants[0]"
    )
    assert statuses(rows) == {"a": "missing", "b": "mismatch", "flowAdded": "extra"}
    missing = rows[0]
    assert missing.received is None and missing.source is None
    assert rows[1].source == "participants[0]['b']"
    assert summarize(rows) == "2 of 2 attributes did not arrive as sent"


def test_extra_keys_alone_do_not_fail():
    rows = diff_attributes({"a": "1"}, {"a": "1", "z": "flow"})
    assert verdict_for_rows(rows) is Verdict.PASS


def test_exact_bytes_unicode_normal_forms_differ():
    composed = "Zoë"
    decomposed = unicodedata.normalize("NFD", composed)
    rows = diff_attributes({"name": composed}, {"name": decomposed})
    assert rows[0].status is RowStatus.MISMATCH


def test_trailing_space_is_a_mismatch():
    rows = diff_attributes({"crm": "C-1"}, {"crm": "C-1 "})
    assert rows[0].status is RowStatus.MISMATCH


def test_nothing_sent_is_an_error_not_a_pass():
    assert verdict_for_rows(diff_attributes({}, {"x": "1"})) is Verdict.ERROR


keys = st.text(min_size=1, max_size=12)
values = st.text(max_size=20)


@given(st.dictionaries(keys, values, max_size=6), st.dictionaries(keys, values, max_size=6))
def test_every_sent_key_has_one_row_and_pass_means_exact(sent, received):
    rows = diff_attributes(sent, received)
    assert [r.key for r in rows if r.sent is not None] == list(sent)
    exact = all(k in received and received[k] == v for k, v in sent.items())
    if sent:
        assert (verdict_for_rows(rows) is Verdict.PASS) == exact
    # every received key is shown exactly once, as a match/mismatch/case row or an extra
    shown = [r.received_key for r in rows if r.received_key is not None]
    assert len(shown) == len(set(shown))
    assert set(shown) == set(received)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("CRM-1", "CRM-1"),
        ("CRM-1\n", "CRM-1\\n"),
        ("\tCRM-1\r", "\\tCRM-1\\r"),
        ("CRM\u200b-1", "CRM\\u200b-1"),  # zero-width space
        ("CRM\u00a01", "CRM\\xa01"),  # no-break space
        ("ünïcödé 名前 😀", "ünïcödé 名前 😀"),  # printable stays as it is
        ("a\x00b", "a\\x00b"),
    ],
)
def test_visible_escapes_only_hidden_characters(text, shown):
    assert visible(text) == shown


def test_rows_show_a_pasted_newline_in_sent_received_and_key():
    sent = {"crmCustomerId": "C-1\n", "note\t": "x"}
    rows = {r.key: r for r in diff_attributes(sent, {"crmCustomerId": "C-1", "note\t": "x"})}
    crm = rows["crmCustomerId"]
    assert crm.status is RowStatus.MISMATCH
    assert (crm.sent_text, crm.received_text) == ("C-1\\n", "C-1")
    assert rows["note\t"].key_text == "note\\t"
    assert crm.sent == "C-1\n"  # the value itself is untouched
