"""The chat page's navigation policy and Messenger error codes, as plain functions."""

import pytest

from inspector.ui.web_policy import NavigationPolicy, messenger_error_code, origin_of

POLICY = NavigationPolicy.for_host_page(
    "https://shop.example.com",
    "https://apps.mypurecloud.com/genesys-bootstrap/genesys.min.js",
)


@pytest.mark.parametrize(
    ("url", "origin"),
    [
        ("https://Shop.Example.com/x?y", "https://shop.example.com:443"),
        ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
        ("http://example.com", "http://example.com:80"),
        ("https://example.com:444/", "https://example.com:444"),
        ("file:///etc/passwd", None),
        ("javascript:alert(1)", None),
        ("data:text/html,hi", None),
        ("https://example.com:99999/", None),
        ("https:///nohost", None),
    ],
)
def test_origin_of(url, origin):
    assert origin_of(url) == origin


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example.com/",
        "https://shop.example.com:443/checkout",
        "https://apps.mypurecloud.com/messenger/index.html",
    ],
)
def test_the_host_page_and_the_org_are_allowed(url):
    assert POLICY.decide(url, main_frame=True).allowed
    assert POLICY.decide(url, main_frame=False).allowed


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example.net/",
        "http://shop.example.com/",  # same host, other scheme
        "https://shop.example.com:8443/",  # same host, other port
        "https://api.mypurecloud.com/",  # another of the org's hosts: not the Messenger's
        "https://shop.example.com.evil.net/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "about:blank",  # as the main frame
        "",
    ],
)
def test_everything_else_is_refused_with_a_reason(url):
    decision = POLICY.decide(url, main_frame=True)
    assert not decision.allowed
    assert decision.reason


def test_blank_sub_frames_are_allowed_but_not_other_schemes_in_frames():
    assert POLICY.decide("about:blank", main_frame=False).allowed
    assert POLICY.decide("about:srcdoc", main_frame=False).allowed
    assert not POLICY.decide("data:text/html,x", main_frame=False).allowed
    assert not POLICY.decide("https://ads.example.net/", main_frame=False).allowed


def test_unusable_urls_give_no_origin_to_allow():
    policy = NavigationPolicy.for_host_page("not a url", "file:///x")
    assert policy.allowed_origins == frozenset()
    assert not policy.decide("https://shop.example.com/", main_frame=True).allowed


@pytest.mark.parametrize(
    ("code", "message", "expected"),
    [
        ("400", "Pre-chat form answers required: firstName, email", "prechat-required"),
        ("400", "The prechat form is required", "prechat-required"),
        ("403", "HTTP authorization error", "guest-refused"),
        (" 403 ", "", "guest-refused"),
        ("404", "Deployment x was not found (HTTP 404)", "messenger-error"),
        ("DeploymentInactive", "Deployment x is not active", "messenger-error"),
        ("", "", "messenger-error"),
        ("1006", "The messaging connection closed (code 1006)", "ws-dropped"),
        ("1001", "Going away", "ws-dropped"),
        ("1000", "Normal closure", "messenger-error"),
    ],
)
def test_messenger_error_codes(code, message, expected):
    assert messenger_error_code(code, message) == expected


def test_every_code_the_page_can_map_to_has_a_fix():
    from inspector.core.diagnoses import KNOWN

    samples = [("403", ""), ("400", "prechat"), ("1006", ""), ("500", "boom")]
    for code, message in samples:
        assert KNOWN[messenger_error_code(code, message)].fix
