"""The diagnosis table and the diagnoses made from rows, waits, late reads and analytics."""

import pytest

from inspector.core.analytics import AnalyticsReadBack, judge_analytics
from inspector.core.diagnoses import (
    KNOWN,
    LEGACY_LOCATION,
    diagnose_rows,
    explain,
    late_attributes,
    script_failed,
    wait_notes,
)
from inspector.core.diagnosis_codes import FOR_DEVELOPER
from inspector.core.diff import diff_attributes
from inspector.sandbox import FAULTS

# Each sandbox fault and the diagnosis code a run under it shows (tests/integration/
# test_faults_headless.py proves each one end to end; script-404 is shown by the web view).
FAULT_DIAGNOSES = {
    "lowercase-keys": "case-mismatch",
    "drop-attributes": "attributes-missing",
    "late-attributes": "attributes-late",
    "prechat-required": "prechat-required",
    "deployment-missing": "deployment-exists",
    "deployment-inactive": "deployment-active",
    "origin-denied": "origin-allowed",
    "rate-limit": "rate-limited",
    "token-expired": "token-refreshed",
    "server-error": "server-retried",
    "slow": "slow-org",
    "malformed-json": "bad-response",
    "ws-drop": "guest-reconnected",
    "script-404": "script-failed",
    "flow-overwrite": "changed-by-flow",
    # core has no read-only diagnosis yet: the 409 is shown as a failed send
    "read-only-session": "read-only-session",
    "analytics-delay": "analytics-pending",
    "no-details-permission": "permission-missing",
}


def test_every_fault_has_a_known_diagnosis_with_cause_and_fix():
    assert set(FAULT_DIAGNOSES) == set(FAULTS)
    for code in FAULT_DIAGNOSES.values():
        assert KNOWN[code].cause and KNOWN[code].fix, code


def test_every_entry_says_what_kind_it_is():
    assert {k.kind for k in KNOWN.values()} <= {"error", "fail", "note"}


def test_explain_uses_the_table_fix_unless_given_one():
    assert explain("rate-limited", "m").fix == KNOWN["rate-limited"].fix
    assert explain("rate-limited", "m", "do this").fix == "do this"
    assert explain("no-such-code", "m").fix == ""


def test_script_failed_names_the_url_and_error():
    d = script_failed("https://apps.example/genesys.min.js", "HTTP 404")
    assert d.code == "script-failed"
    assert "https://apps.example/genesys.min.js" in d.message and "HTTP 404" in d.message


def test_late_attributes_gives_the_time_after_the_message():
    d = late_attributes(["crmCustomerId"], 21.26, 20.0)
    assert d.code == "attributes-late"
    assert "21.3 s after the first message" in d.message and "20 s timeout" in d.message


def test_wait_notes_sum_rate_limit_waits_and_retries_separately():
    notes = wait_notes([(1.0, "rate limited"), (2.0, "rate limited"), (0.5, "HTTP 503")])
    by_code = {n.code: n.message for n in notes}
    assert by_code["rate-limited"].startswith("Rate limited 2 times (429): waited 3.0 s in all")
    assert "HTTP 503" in by_code["server-retried"] and "0.5 s" in by_code["server-retried"]
    assert wait_notes([]) == []


def test_a_changed_value_shows_old_and_new():
    sent = {"crmCustomerId": "C-1"}
    rows = diff_attributes(sent, {"crmCustomerId": "C-1-flow"})
    [d] = diagnose_rows(rows, sent)
    assert d.code == "changed-by-flow"
    assert "'C-1' → 'C-1-flow'" in d.message


def test_a_recased_key_with_a_changed_value_is_both_findings():
    sent = {"crmCustomerId": "C-1"}
    rows = diff_attributes(sent, {"crmCustomerid": "C-1-flow"})
    case, changed = diagnose_rows(rows, sent)
    assert case.code == "case-mismatch"
    assert changed.code == "changed-by-flow"
    assert "(as 'crmCustomerid'): 'C-1' → 'C-1-flow'" in changed.message
    # only re-keyed, same value: one finding
    assert [
        d.code for d in diagnose_rows(diff_attributes(sent, {"crmcustomerid": "C-1"}), sent)
    ] == ["case-mismatch"]


@pytest.mark.parametrize(
    ("location", "code"),
    [("message", "attributes-missing"), (LEGACY_LOCATION, "attributes-legacy-location")],
)
def test_all_missing_names_the_location_used(location, code):
    sent = {"a": "1", "b": "2"}
    [d] = diagnose_rows(diff_attributes(sent, {}), sent, location=location)
    assert d.code == code


def test_analytics_judgement():
    sent = {"a": "1"}
    pending = judge_analytics(AnalyticsReadBack(None, "2026-01-01T00:00:00.000Z"), sent)
    assert pending.code == "analytics-pending" and "2026-01-01T00:00:00.000Z" in pending.message
    assert judge_analytics(AnalyticsReadBack({"a": "1"}, None), sent).code == (
        "analytics-attributes"
    )
    missing = judge_analytics(AnalyticsReadBack({"a": "2"}, None), sent)
    assert missing.code == "analytics-missing" and "a" in missing.message


def test_by_importance_puts_failures_then_errors_then_notes_keeping_their_order():
    from inspector.core.diagnoses import by_importance

    found = [
        explain("rate-limited", "n1"),
        explain("case-mismatch", "f1"),
        explain("timeout", "e1"),
        explain("slow-org", "n2"),
        explain("changed-by-flow", "f2"),
        explain("no-such-code", "unknown counts as an error"),
    ]
    assert [d.message for d in by_importance(found)] == [
        "f1",
        "f2",
        "e1",
        "unknown counts as an error",
        "n1",
        "n2",
    ]


def test_one_retry_or_rate_limit_is_once():
    notes = wait_notes([(1.0, "rate limited"), (0.5, "HTTP 503")])
    by_code = {n.code: n.message for n in notes}
    assert by_code["rate-limited"].startswith("Rate limited once (429):")
    assert by_code["server-retried"].startswith("Retried once (HTTP 503):")


def test_one_missing_attribute_is_named_in_the_singular():
    sent = {"crmCustomerId": "C-1"}
    [d] = diagnose_rows(diff_attributes(sent, {}), sent)
    assert d.code == "attributes-missing"
    assert d.message == "The sent attribute did not reach the customer participant."
    assert d.fix.startswith("Have the website set it before the chat's first message")
    assert "(it takes 16)" in d.fix and "so it goes in message.channel" in d.fix


def test_several_missing_attributes_are_counted_in_the_plural():
    sent = {"crmCustomerId": "C-1", "source": "web"}
    [d] = diagnose_rows(diff_attributes(sent, {}), sent)
    assert d.message == "None of the 2 sent attributes reached the customer participant."
    assert d.fix.startswith("Have the website set them before the chat's first message")
    assert "(these take 25)" in d.fix and "so they go in message.channel" in d.fix


def test_one_attribute_in_the_legacy_location_is_singular():
    sent = {"crmCustomerId": "C-1"}
    rows = diff_attributes(sent, {})
    [d] = diagnose_rows(rows, sent, location=LEGACY_LOCATION)
    assert d.message.startswith("The attribute did not arrive: it was sent in the deprecated")
    two = {"crmCustomerId": "C-1", "source": "web"}
    [d] = diagnose_rows(diff_attributes(two, {}), two, location=LEGACY_LOCATION)
    assert d.message.startswith("None of the 2 attributes arrived: they were sent in the")


def test_one_missing_key_among_others_is_this_key():
    sent = {"crmCustomerId": "C-1", "source": "web"}
    [d] = diagnose_rows(diff_attributes(sent, {"crmCustomerId": "C-1"}), sent)
    assert d.code == "some-attributes-missing" and "sets this key before" in d.fix
    sent = {**sent, "page": "p"}
    [d] = diagnose_rows(diff_attributes(sent, {"crmCustomerId": "C-1"}), sent)
    assert "sets these keys before" in d.fix


def test_one_late_key_is_it_several_are_they():
    one = late_attributes(["crmCustomerId"], 21.26, 20.0).message
    assert one.endswith("it was set after the first message or the flow writes it late.")
    two = late_attributes(["crmCustomerId", "source"], 21.26, 20.0).message
    assert two.endswith("they were set after the first message or the flow writes them late.")


# Words an admin does not act on: the website's code and Messenger's API, not the org's UI.
_DEVELOPER_WORDS = (
    "Database.set",
    "channel.metadata",
    "customAttributes",
    "MessagingService",
    "clearSession",
    "configureAuthenticatedSession",
    "AuthProvider",
    "maxCustomDataBytes",
    "--devtools",
    "conversationDisconnect",
    "sendMessage",
)


def _admin_part(fix: str) -> str:
    return fix.split(FOR_DEVELOPER, 1)[0]


@pytest.mark.parametrize("code", sorted(KNOWN))
def test_every_fix_leads_with_the_admins_action_in_plain_words(code):
    fix = KNOWN[code].fix
    plain = _admin_part(fix)
    assert not [w for w in _DEVELOPER_WORDS if w in plain], (code, plain)
    if plain != fix:
        # the technical line is kept, after the plain one
        assert plain.endswith(". ") and any(w in fix for w in _DEVELOPER_WORDS), fix


def test_a_missing_attributes_fix_made_for_the_run_leads_plainly_too():
    for sent in ({"crmCustomerId": "C-1"}, {"crmCustomerId": "C-1", "source": "web"}):
        [d] = diagnose_rows(diff_attributes(sent, {}), sent)
        assert not [w for w in _DEVELOPER_WORDS if w in _admin_part(d.fix)], d.fix
        assert FOR_DEVELOPER + "call Database.set before the first message" in d.fix
