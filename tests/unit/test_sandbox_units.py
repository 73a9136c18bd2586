"""Pure parts of the sandbox: fault rules, attribute parsing and sizing, layering, resources."""

from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from inspector.sandbox import FAULTS
from inspector.sandbox.faults import check_faults, land_attributes, lower_last_word
from inspector.sandbox.guest_ws import RequestRejected, custom_attributes, custom_data_size
from inspector.sandbox.platform_api import messenger_script
from inspector.sandbox.state import Deployment


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("crmCustomerId", "crmCustomerid"),
        ("customerAccountId", "customerAccountid"),
        ("source", "source"),
        ("user_id", "user_id"),
        ("CRMId", "CRMid"),
        ("crmID", "crmid"),
        ("orderNumber2", "ordernumber2"),
        ("A", "A"),
        ("", ""),
    ],
)
def test_lower_last_word(key, expected):
    assert lower_last_word(key) == expected


def test_land_attributes_per_fault():
    sent = {"crmCustomerId": "C-1", "source": "web"}
    assert land_attributes(sent, frozenset()) == sent
    assert land_attributes(sent, frozenset({"lowercase-keys"})) == {
        "crmCustomerid": "C-1",
        "source": "web",
    }
    assert land_attributes(sent, frozenset({"drop-attributes"})) == {}
    assert land_attributes(sent, frozenset({"drop-attributes", "lowercase-keys"})) == {}


def test_check_faults():
    assert check_faults(["drop-attributes", "drop-attributes"]) == {"drop-attributes"}
    assert check_faults(FAULTS) == frozenset(FAULTS)
    with pytest.raises(ValueError, match="nope"):
        check_faults(["nope", "drop-attributes"])


def test_custom_attributes_location_and_coercion():
    nested = {"message": {"channel": {"metadata": {"customAttributes": {"a": "1"}}}}}
    top = {"message": {"type": "Text"}, "channel": {"metadata": {"customAttributes": {"b": 2}}}}
    both = {**nested, "channel": {"metadata": {"customAttributes": {"c": "3"}}}}
    assert custom_attributes(nested) == {"a": "1"}
    # the deprecated top-level channel is ignored since 5 June 2026 (GENESYS.md)
    assert custom_attributes(top) == {}
    assert custom_attributes(both) == {"a": "1"}
    assert custom_attributes({"message": {"text": "x"}}) == {}
    assert custom_attributes(
        {"message": {"channel": {"metadata": {"customAttributes": {"t": True, "f": 1.5}}}}}
    ) == {"t": "true", "f": "1.5"}
    for bad in ([1], {"k": None}, {"k": ["x"]}):
        with pytest.raises(RequestRejected):
            custom_attributes({"message": {"channel": {"metadata": {"customAttributes": bad}}}})


def test_custom_data_size_counts_utf8_bytes_of_keys_and_values():
    assert custom_data_size({}) == 0
    assert custom_data_size({"ab": "cd"}) == 4
    assert custom_data_size({"é": "✓"}) == 2 + 3


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://shop.example.com", True),
        ("http://shop.example.com:8080", True),  # scheme and port are not checked
        ("https://SHOP.EXAMPLE.COM", True),
        ("https://www.shop.example.com", True),  # a subdomain of an entry
        ("https://shop.example.com.evil.net", False),
        ("https://evilshop.example.com", False),  # ends with the entry, but not after a dot
        ("https://example.com", False),  # the parent of an entry is not allowed
        ("null", False),
        ("", False),
        (None, False),
    ],
)
def test_deployment_origin_check(origin, allowed):
    deployment = Deployment(id="d", name="n", allowed_domains=["shop.example.com"])
    assert deployment.allows_origin(origin) is allowed
    everyone = Deployment(id="d", name="n", allowed_domains=[], allow_all_domains=True)
    assert everyone.allows_origin(origin) is True


@pytest.mark.parametrize(
    "entry", ["https://shop.example.com", "shop.example.com:443", "http://shop.example.com:80"]
)
def test_an_entry_with_a_scheme_or_port_never_matches(entry):
    deployment = Deployment(id="d", name="n", allowed_domains=[entry])
    assert deployment.allows_origin("https://shop.example.com") is False
    assert deployment.allows_host("shop.example.com") is False


def test_no_entry_blocks_every_host_unless_all_domains_are_allowed():
    assert Deployment(id="d", name="n", allowed_domains=[]).allows_host("shop.example.com") is False
    assert Deployment(id="d", name="n", allowed_domains=[], allow_all_domains=True).allows_host(
        "shop.example.com"
    )


_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?", fullmatch=True)
_HOST = st.lists(_LABEL, min_size=1, max_size=4).map(".".join)


@given(entry=_HOST, prefix=st.lists(_LABEL, max_size=3).map(".".join), upper=st.booleans())
def test_an_entry_allows_itself_and_its_subdomains_in_any_case(entry, prefix, upper):
    host = f"{prefix}.{entry}" if prefix else entry
    host = host.upper() if upper else host
    deployment = Deployment(id="d", name="n", allowed_domains=[entry.upper() if upper else entry])
    assert deployment.allows_host(host)
    assert deployment.allows_origin(f"https://{host}:8443")


@given(entry=_HOST, host=_HOST)
def test_a_host_is_allowed_only_as_the_entry_or_below_it(entry, host):
    deployment = Deployment(id="d", name="n", allowed_domains=[entry])
    expected = host == entry or host.endswith("." + entry)
    assert deployment.allows_host(host) is expected


def test_messenger_script_is_package_data():
    script = messenger_script()
    assert "window._genesysJs" in script
    assert "customAttributesSizeExceeded" in script


def test_sandbox_never_imports_the_client_side_or_qt():
    code = (
        "import sys, inspector.sandbox, inspector.sandbox.__main__\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] == 'PySide6' or "
        "m.startswith(('inspector.core', 'inspector.ui', 'inspector.genesys')))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == ""
