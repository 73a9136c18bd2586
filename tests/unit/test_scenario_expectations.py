"""Expectations applied to a verification result: flow keys, forbidden keys, bot reply, errors."""

from inspector.core import Diagnosis, Verdict, VerificationResult, diff_attributes, verdict_for_rows
from inspector.core.expectations import BotReplyObservation, CheckStatus, error_outcome, evaluate
from inspector.scenarios import load_scenario_text


def scenario(text):
    return load_scenario_text("name: s\ncrmId: C-1\n" + text, "s.yaml")


def result_for(s, received):
    sent = s.sent_attributes()
    rows = diff_attributes(sent, received)
    return VerificationResult(verdict_for_rows(rows), "summary", sent, rows)


def statuses(outcome):
    return {c.row.key: c.status for c in outcome.rows}


def test_everything_arrived_passes():
    s = scenario("attributes: {source: web}\n")
    outcome = evaluate(s, result_for(s, {"crmCustomerId": "C-1", "source": "web"}))
    assert outcome.verdict is Verdict.PASS
    assert outcome.failures == ()


def test_case_mismatch_of_a_sent_key_fails():
    s = scenario("")
    outcome = evaluate(s, result_for(s, {"crmCustomerid": "C-1"}))
    assert outcome.verdict is Verdict.FAIL
    assert statuses(outcome)["crmCustomerId"] is CheckStatus.CASE_MISMATCH
    assert "arrived as 'crmCustomerid'" in outcome.failures[0]


def test_extra_keys_do_not_fail():
    s = scenario("")
    outcome = evaluate(s, result_for(s, {"crmCustomerId": "C-1", "queue": "Q-1"}))
    assert outcome.verdict is Verdict.PASS
    assert statuses(outcome)["queue"] is CheckStatus.EXTRA


def test_flow_added_key_matching_its_pattern_is_changed_by_flow():
    s = scenario("expect:\n  flowMayChange:\n    routingQueue: {matches: 'Q-[A-Za-z]+'}\n")
    outcome = evaluate(s, result_for(s, {"crmCustomerId": "C-1", "routingQueue": "Q-Billing"}))
    assert outcome.verdict is Verdict.PASS
    assert statuses(outcome)["routingQueue"] is CheckStatus.CHANGED_BY_FLOW
    assert outcome.to_json_dict()["rows"][1]["status"] == "changed-by-flow"


def test_flow_added_key_with_the_wrong_value_fails():
    s = scenario("expect:\n  flowMayChange:\n    routingQueue: {matches: 'Q-[A-Za-z]+'}\n")
    outcome = evaluate(s, result_for(s, {"crmCustomerId": "C-1", "routingQueue": "billing"}))
    assert outcome.verdict is Verdict.FAIL
    assert statuses(outcome)["routingQueue"] is CheckStatus.MISMATCH


def test_required_flow_key_that_never_came_fails():
    s = scenario("expect:\n  flowMayChange:\n    routingQueue: {required: true}\n")
    outcome = evaluate(s, result_for(s, {"crmCustomerId": "C-1"}))
    assert outcome.verdict is Verdict.FAIL
    assert statuses(outcome)["routingQueue"] is CheckStatus.MISSING


def test_sent_key_the_flow_may_overwrite():
    s = scenario(
        "attributes: {tier: gold}\nexpect:\n  flowMayChange:\n    tier: {equals: platinum}\n"
    )
    changed = evaluate(s, result_for(s, {"crmCustomerId": "C-1", "tier": "platinum"}))
    assert changed.verdict is Verdict.PASS
    assert statuses(changed)["tier"] is CheckStatus.CHANGED_BY_FLOW
    wrong = evaluate(s, result_for(s, {"crmCustomerId": "C-1", "tier": "bronze"}))
    assert wrong.verdict is Verdict.FAIL


def test_forbidden_key_fails_in_any_case():
    s = scenario("expect:\n  mustNotAppear: [creditCardNumber]\n")
    outcome = evaluate(s, result_for(s, {"crmCustomerId": "C-1", "CreditCardNumber": "4111"}))
    assert outcome.verdict is Verdict.FAIL
    assert statuses(outcome)["CreditCardNumber"] is CheckStatus.FORBIDDEN


def test_expected_error_that_happened_passes():
    s = scenario("expect:\n  error: too-large\n")
    result = VerificationResult(
        Verdict.ERROR, "too big", s.sent_attributes(), diagnoses=(Diagnosis("too-large", "x"),)
    )
    outcome = evaluate(s, result)
    assert outcome.verdict is Verdict.PASS
    assert outcome.to_json_dict()["verificationVerdict"] == "error"


def test_expected_error_that_did_not_happen_fails():
    s = scenario("expect:\n  error: too-large\n")
    outcome = evaluate(s, result_for(s, {"crmCustomerId": "C-1"}))
    assert outcome.verdict is Verdict.FAIL


def test_another_error_than_expected_stays_an_error():
    s = scenario("expect:\n  error: too-large\n")
    result = VerificationResult(
        Verdict.ERROR, "down", s.sent_attributes(), diagnoses=(Diagnosis("network", "x"),)
    )
    assert evaluate(s, result).verdict is Verdict.ERROR


def test_an_unexpected_error_is_never_a_pass():
    s = scenario("")
    result = VerificationResult(Verdict.ERROR, "timed out", s.sent_attributes())
    assert evaluate(s, result).verdict is Verdict.ERROR
    assert error_outcome(s, "profile missing").verdict is Verdict.ERROR


def test_bot_reply_missing_fails_and_says_what_was_seen():
    s = scenario("expect:\n  botReply: {contains: route you, within: 2}\n")
    seen = BotReplyObservation(("Got it.",), False, 2000.0)
    outcome = evaluate(s, result_for(s, {"crmCustomerId": "C-1"}), seen)
    assert outcome.verdict is Verdict.FAIL
    assert "No bot reply containing 'route you' within 2 s (seen: 'Got it.')" in outcome.failures
    ok = BotReplyObservation(("Please hold, route you now",), True, 400.0)
    assert evaluate(s, result_for(s, {"crmCustomerId": "C-1"}), ok).verdict is Verdict.PASS


def test_an_unsaved_run_expects_what_was_sent_and_keeps_where_it_ran():
    from inspector.core import VerificationRequest, VerificationResult, diff_attributes
    from inspector.core.diff import verdict_for_rows
    from inspector.core.expectations import unsaved_outcome

    request = VerificationRequest(crm_id="C-1", attributes={"a": "1"}, run_id="inspector-x")
    sent = request.sent_attributes()
    rows = diff_attributes(
        sent, {"crmCustomerId": "C-1", "a": "2", "inspectorRunId": "inspector-x"}
    )
    result = VerificationResult(verdict_for_rows(rows), "s", sent, rows)
    outcome = unsaved_outcome("(form) C-1", request, result, profile="Acme EU")
    assert outcome.scenario.name == "(form) C-1"
    assert outcome.scenario.profile == "Acme EU"
    assert outcome.scenario.sent_attributes() == sent  # the run id is expected too
    assert outcome.verdict.value == "fail"
    assert [c.row.key for c in outcome.rows if c.failed] == ["a"]
