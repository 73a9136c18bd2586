"""Pre-flight checks: each failure with its message, from plain values."""

import pytest

from inspector.core.preflight import (
    CHECK_ACTIVE,
    CHECK_AUTH,
    CHECK_EXISTS,
    CHECK_KEY_CASE,
    CHECK_ORIGIN,
    CHECK_SIZE,
    CHECK_UI,
    DeploymentFacts,
    failed,
    origin_allowed,
    origin_host,
    run_preflight,
)

ACTIVE = DeploymentFacts("dep-1", "Active", False, ("shop.example.com",))
ATTRS = {"crmCustomerId": "C-1"}


def by_code(checks):
    return {check.code: check for check in checks}


def test_everything_fine_passes_every_check_in_order():
    checks = run_preflight(ACTIVE, "https://shop.example.com", ATTRS)
    assert [c.code for c in checks] == [
        CHECK_EXISTS,
        CHECK_ACTIVE,
        CHECK_ORIGIN,
        CHECK_SIZE,
        CHECK_KEY_CASE,
    ]
    assert failed(checks) == []
    assert all(c.message for c in checks)


def test_missing_deployment_fails_and_skips_the_other_deployment_checks():
    checks = run_preflight(None, "https://shop.example.com", ATTRS)
    codes = by_code(checks)
    assert not codes[CHECK_EXISTS].ok
    assert "not found" in codes[CHECK_EXISTS].message
    assert CHECK_ACTIVE not in codes and CHECK_ORIGIN not in codes
    assert codes[CHECK_SIZE].ok


@pytest.mark.parametrize("status", ["Inactive", "Pending", "Error", "Deleting", None])
def test_a_deployment_that_is_not_active_fails(status):
    facts = DeploymentFacts("dep-1", status, False, ("shop.example.com",))
    [check] = [c for c in failed(run_preflight(facts, "https://shop.example.com", ATTRS))]
    assert check.code == CHECK_ACTIVE
    assert (status or "unknown") in check.message and "not Active" in check.message


def test_an_origin_outside_the_allowed_domains_fails_naming_host_and_domains():
    [check] = failed(run_preflight(ACTIVE, "https://evil.example", ATTRS))
    assert check.code == CHECK_ORIGIN
    assert "evil.example" in check.message and "shop.example.com" in check.message


@pytest.mark.parametrize(
    "origin",
    [
        "https://SHOP.Example.com",
        "http://shop.example.com:8443",
        "shop.example.com",
        "https://shop.example.com/",
    ],
)
def test_origin_host_is_compared_case_insensitively_without_scheme_or_port(origin):
    assert origin_allowed(origin, ["shop.example.com"], False)
    assert not failed(run_preflight(ACTIVE, origin, ATTRS))


def test_allowed_domains_match_in_any_case_but_never_with_a_scheme_or_port():
    # MESSENGER.md, "Domain check": the hostname against each entry as written.
    assert origin_allowed("https://shop.example.com", ["Shop.Example.COM"], False)
    assert not origin_allowed("https://shop.example.com", ["https://shop.example.com"], False)
    assert not origin_allowed("https://shop.example.com", ["shop.example.com:443"], False)


def test_an_entry_with_a_scheme_is_named_as_the_reason_it_never_matches():
    facts = DeploymentFacts("dep-1", "Active", False, ("https://shop.example.com",))
    [check] = failed(run_preflight(facts, "https://shop.example.com", ATTRS))
    assert check.code == CHECK_ORIGIN
    assert "never match a host name: https://shop.example.com" in check.message


@pytest.mark.parametrize(
    ("host", "entry", "allowed"),
    [
        ("shop.example.com", "example.com", True),
        ("a.b.shop.example.com", "example.com", True),
        ("shop.example.com", "shop.example.com", True),
        ("example.com", "shop.example.com", False),
        ("badexample.com", "example.com", False),
        ("example.com.evil.test", "example.com", False),
    ],
)
def test_a_subdomain_of_an_allowed_domain_is_allowed_and_nothing_else(host, entry, allowed):
    assert origin_allowed(f"https://{host}:8443", [entry], False) is allowed


def test_the_origin_check_says_when_the_host_is_allowed_as_a_subdomain():
    facts = DeploymentFacts("dep-1", "Active", False, ("example.com",))
    checks = by_code(run_preflight(facts, "https://shop.example.com", ATTRS))
    assert checks[CHECK_ORIGIN].ok
    assert "shop.example.com is a subdomain of example.com" in checks[CHECK_ORIGIN].message


def test_an_empty_list_blocks_every_page():
    facts = DeploymentFacts("dep-1", "Active", False, ())
    [check] = failed(run_preflight(facts, "https://shop.example.com", ATTRS))
    assert "allows no domain at all" in check.message


def test_an_authenticated_deployment_fails_and_the_mode_is_said():
    facts = DeploymentFacts(
        "dep-1", "Active", False, ("shop.example.com",), headless=True, auto_start=True, auth=True
    )
    checks = by_code(run_preflight(facts, "https://shop.example.com", ATTRS))
    assert not checks[CHECK_AUTH].ok and "cannot sign one in yet" in checks[CHECK_AUTH].message
    assert checks[CHECK_UI].ok
    assert "Headless" in checks[CHECK_UI].message and "autoStart" in checks[CHECK_UI].message
    ui = DeploymentFacts(
        "dep-1", "Active", False, ("shop.example.com",), headless=False, auth=False
    )
    checks = by_code(run_preflight(ui, "https://shop.example.com", ATTRS))
    assert checks[CHECK_AUTH].ok and "opens it" in checks[CHECK_UI].message


def test_allow_all_domains_accepts_any_origin():
    facts = DeploymentFacts("dep-1", "Active", True, ())
    checks = by_code(run_preflight(facts, "https://anything.example", ATTRS))
    assert checks[CHECK_ORIGIN].ok
    assert "all domains" in checks[CHECK_ORIGIN].message


def test_an_invalid_origin_fails():
    assert origin_host("   ") is None
    assert not by_code(run_preflight(ACTIVE, "", ATTRS))[CHECK_ORIGIN].ok


def test_attributes_over_the_limit_fail_with_the_byte_count():
    attributes = {"notes": "é" * 1100}  # 5 + 2200 bytes in UTF-8
    [check] = failed(run_preflight(ACTIVE, "https://shop.example.com", attributes))
    assert check.code == CHECK_SIZE
    assert "2205 bytes" in check.message and "2048" in check.message and "157 more" in check.message


def test_attributes_at_exactly_the_limit_pass_and_a_custom_limit_is_used():
    attributes = {"k": "x" * 2047}
    assert by_code(run_preflight(ACTIVE, "https://shop.example.com", attributes))[CHECK_SIZE].ok
    small = run_preflight(ACTIVE, "https://shop.example.com", attributes, max_bytes=100)
    assert not by_code(small)[CHECK_SIZE].ok


def test_keys_differing_only_by_case_fail_naming_both():
    attributes = {"crmCustomerId": "C-1", "crmcustomerid": "C-2"}
    [check] = failed(run_preflight(ACTIVE, "https://shop.example.com", attributes))
    assert check.code == CHECK_KEY_CASE
    assert "crmCustomerId" in check.message and "crmcustomerid" in check.message


def test_a_failed_check_says_what_was_found_and_leaves_the_fix_to_the_table():
    from inspector.core.diagnosis_codes import fix_for

    inactive = DeploymentFacts("dep-1", "Inactive", False, ("shop.example.com",))
    checks = [
        *run_preflight(None, "https://shop.example.com", {}),
        *run_preflight(inactive, "https://elsewhere.example", {}),
    ]
    found = {c.code: c.message for c in checks if not c.ok}
    assert found == {
        "deployment-exists": "The deployment was not found in this org.",
        "deployment-active": (
            "The deployment's status is Inactive, not Active: Messenger will not start a chat "
            "on it."
        ),
        "origin-allowed": (
            "The page's host elsewhere.example is not in the deployment's allowed domains "
            "(shop.example.com), nor a subdomain of one: Messenger refuses to run "
            "(GenesysJS.domainNotAllowed)."
        ),
    }
    assert all(fix_for(code) for code in found)  # the fix is shown once, from the table
