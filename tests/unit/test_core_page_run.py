"""The page run: snippet facts, the three columns and the page's mistakes, as pure logic."""

from inspector.core.diff import RowStatus, Verdict
from inspector.core.page_run import PageFrame, SnippetFacts, judge_page, page_rows, read_back_keys

SNIPPET = SnippetFacts("7c3f9a52-0e1b-4d8a-9c64-5b2e8f1a3d70", "prod-euw1", "https://x/g.js")


def text(attributes: dict[str, str] | None = None, words: str = "Hello") -> PageFrame:
    return PageFrame("Text", words, attributes or {})


def codes(result) -> list[str]:
    return [d.code for d in result.diagnoses]


def test_snippet_facts_say_what_was_found_and_how_it_differs_from_the_profile():
    assert "prod-euw1" in SNIPPET.describe()
    assert not SnippetFacts().found
    assert "No Messenger snippet" in SnippetFacts().describe()
    assert SNIPPET.differences(SNIPPET.deployment_id, "prod-euw1") == []
    found = SNIPPET.differences("other-id", "prod")
    assert len(found) == 2 and "other-id" in found[0] and "prod" in found[1]


def test_frame_from_a_sending_message_reads_the_documented_location_only():
    message = {
        "type": "Text",
        "text": "Hi",
        "tracingId": "t-1",
        "channel": {"metadata": {"customAttributes": {"crmCustomerId": 7}}},
    }
    frame = PageFrame.from_message(message)
    assert frame.attributes == {"crmCustomerId": "7"}
    assert frame.tracing_id == "t-1"
    assert PageFrame.from_message({"type": "Text"}).attributes == {}


def test_three_columns_line_up_expected_sent_and_arrived_by_key():
    rows = page_rows(
        {"crmCustomerId": "C-1", "tier": "gold"},
        {"crmCustomerid": "C-1", "source": "web"},
        {"crmCustomerid": "C-1", "source": "web", "flowKey": "x"},
    )
    by_key = {r.key: r for r in rows}
    crm = by_key["crmCustomerId"]
    assert crm.sent_status is RowStatus.CASE_MISMATCH
    assert crm.sent_key == "crmCustomerid" and crm.received_status is RowStatus.MATCH
    assert crm.sent_text == "crmCustomerid = C-1"
    assert by_key["tier"].sent_status is RowStatus.MISSING and by_key["tier"].received is None
    assert by_key["source"].expected is None and by_key["source"].received == "web"
    assert by_key["flowKey"].received_status is RowStatus.EXTRA
    assert [r.key for r in rows] == ["crmCustomerId", "tier", "source", "flowKey"]


def test_a_page_that_sends_what_was_expected_and_arrives_passes():
    sent = {"crmCustomerId": "C-1"}
    result = judge_page(SNIPPET, [text(sent)], sent, dict(sent, flowKey="x"))
    assert result.verdict is Verdict.PASS, result.diagnoses
    assert result.expected_vs_sent is Verdict.PASS and result.sent_vs_arrived is Verdict.PASS
    assert codes(result) == []


def test_without_an_expectation_the_page_is_judged_on_what_it_sent():
    sent = {"crmCustomerId": "C-1"}
    result = judge_page(SNIPPET, [text(sent)], {}, sent)
    assert result.verdict is Verdict.PASS
    assert result.expected_vs_sent is None


def test_attributes_set_after_the_first_message_are_named_with_their_frames():
    frames = [text({}, "Hi"), text({"crmCustomerId": "C-1"}, "Still there?")]
    result = judge_page(SNIPPET, frames, {"crmCustomerId": "C-1"}, {"crmCustomerId": "C-1"})
    assert result.verdict is Verdict.FAIL
    assert codes(result)[0] == "attributes-after-first-message"
    assert "frame 2" in result.diagnoses[0].message
    # Even with no expectation, and although the org has them by the end.
    alone = judge_page(SNIPPET, frames, {}, {"crmCustomerId": "C-1"})
    assert alone.verdict is Verdict.FAIL
    assert codes(alone) == ["attributes-after-first-message"]


def test_expected_attributes_never_sent_are_named():
    result = judge_page(SNIPPET, [text()], {"crmCustomerId": "C-1"}, {})
    assert result.verdict is Verdict.FAIL
    assert "attributes-not-sent" in codes(result)
    assert result.expected_vs_sent is Verdict.FAIL


def test_a_key_spelled_two_ways_by_the_page_fails_even_when_it_arrives_as_sent():
    sent = {"crmCustomerId": "C-1", "crmCustomerid": "C-1"}
    result = judge_page(SNIPPET, [text(sent)], {}, sent)
    assert result.verdict is Verdict.FAIL
    assert codes(result) == ["key-spelled-two-ways"]
    against_expected = judge_page(
        SNIPPET,
        [text({"crmCustomerid": "C-1"})],
        {"crmCustomerId": "C-1"},
        {"crmCustomerid": "C-1"},
    )
    assert against_expected.verdict is Verdict.FAIL
    assert "key-spelled-two-ways" in codes(against_expected)


def test_hidden_characters_in_a_sent_value_are_shown_escaped():
    sent = {"crmCustomerId": "C-1\u200b"}
    result = judge_page(SNIPPET, [text(sent)], {"crmCustomerId": "C-1"}, sent)
    assert result.verdict is Verdict.FAIL
    assert result.expected_vs_sent is Verdict.FAIL and result.sent_vs_arrived is Verdict.PASS
    hidden = next(d for d in result.diagnoses if d.code == "hidden-characters")
    assert "\\u200b" in hidden.message
    assert result.rows[0].sent_text == "C-1\\u200b"


def test_attributes_over_the_limit_refused_by_the_org_fail_with_the_size_counted():
    sent = {"crmCustomerId": "C-1", "notes": "x" * 2100}
    result = judge_page(SNIPPET, [text(sent)], {}, None, error="refused", error_code="too-large")
    assert result.verdict is Verdict.FAIL
    too_large = next(d for d in result.diagnoses if d.code == "too-large")
    assert "2121 bytes" in too_large.message


def test_runs_that_could_not_judge_are_errors():
    sent = {"crmCustomerId": "C-1"}
    timed_out = judge_page(SNIPPET, [text(sent)], sent, None, error="no echo", error_code="x")
    assert timed_out.verdict is Verdict.ERROR
    assert judge_page(SNIPPET, [], sent, None).verdict is Verdict.ERROR
    assert judge_page(SNIPPET, [text()], {}, {}).verdict is Verdict.ERROR
    assert judge_page(SNIPPET, [text(sent)], sent, None).verdict is Verdict.ERROR


def test_a_value_changed_after_the_page_sent_it_fails_the_second_pair():
    sent = {"crmCustomerId": "C-1"}
    result = judge_page(SNIPPET, [text(sent)], sent, {"crmCustomerId": "C-2"})
    assert result.verdict is Verdict.FAIL
    assert result.expected_vs_sent is Verdict.PASS and result.sent_vs_arrived is Verdict.FAIL
    assert codes(result) == ["changed-by-flow"]


def test_json_has_the_three_columns_and_both_verdicts():
    sent = {"crmCustomerId": "C-1"}
    data = judge_page(SNIPPET, [text(sent)], sent, sent).to_json_dict()
    assert data["verdict"] == "pass"
    assert data["columns"] == {"expectedVsSent": "pass", "sentVsArrived": "pass"}
    assert data["rows"][0]["expected"] == "C-1" and data["rows"][0]["received"] == "C-1"
    assert data["snippet"]["environment"] == "prod-euw1"


def test_an_expected_key_sent_only_later_shows_what_arrived_on_its_own_row():
    rows = page_rows({"crmCustomerId": "C-1"}, {}, {"crmCustomerId": "C-1"})
    assert len(rows) == 1
    assert rows[0].sent is None and rows[0].received == "C-1"
    assert rows[0].sent_status is RowStatus.MISSING and rows[0].received_status is None


def test_a_frame_from_the_page_s_own_socket_keeps_top_level_attributes_apart():
    frame = {
        "action": "onMessage",
        "token": "t",
        "message": {"type": "Text", "text": "hello world"},
        "channel": {"metadata": {"customAttributes": {"crmCustomerId": "C-1"}}},
    }
    parsed = PageFrame.from_guest_frame(frame, "socket-frame-1")
    assert parsed.attributes == {} and parsed.legacy_attributes == {"crmCustomerId": "C-1"}
    result = judge_page(SNIPPET, [parsed], {"crmCustomerId": "C-1"}, {})
    assert result.verdict is Verdict.FAIL
    assert codes(result) == ["attributes-legacy-location"]
    assert "deprecated location" in result.summary


def test_the_read_back_waits_only_for_keys_a_frame_carried_where_genesys_reads_them():
    late = [text(), text({"crmCustomerId": "C-1"}, "Still there?")]
    assert read_back_keys(late) == {"crmCustomerId"}
    legacy = PageFrame("Text", "Hi", {}, legacy_attributes={"crmCustomerId": "C-1"})
    assert read_back_keys([legacy]) == frozenset()
    assert read_back_keys([text({"crmCustomerId": "C-1", "tier": "gold"})]) == {
        "crmCustomerId",
        "tier",
    }
    # Not waiting does not make the verdict kinder: a key expected and never sent fails.
    result = judge_page(SNIPPET, [legacy], {"crmCustomerId": "C-1"}, {})
    assert result.verdict is Verdict.FAIL
    assert codes(result)[0] == "attributes-legacy-location"
