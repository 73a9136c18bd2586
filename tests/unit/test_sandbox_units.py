"""Pure parts of the sandbox: fault rules, attribute parsing and sizing, layering, resources."""

from __future__ import annotations

import subprocess
import sys

import pytest

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
    assert custom_attributes(top) == {"b": "2"}
    assert custom_attributes(both) == {"a": "1"}  # the documented place wins
    assert custom_attributes({"message": {"text": "x"}}) == {}
    assert custom_attributes(
        {"channel": {"metadata": {"customAttributes": {"t": True, "f": 1.5}}}}
    ) == {"t": "true", "f": "1.5"}
    for bad in ([1], {"k": None}, {"k": ["x"]}):
        with pytest.raises(RequestRejected):
            custom_attributes({"channel": {"metadata": {"customAttributes": bad}}})


def test_custom_data_size_counts_utf8_bytes_of_keys_and_values():
    assert custom_data_size({}) == 0
    assert custom_data_size({"ab": "cd"}) == 4
    assert custom_data_size({"é": "✓"}) == 2 + 3


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        ("https://shop.example.com", True),
        ("http://shop.example.com:8080", True),
        ("https://SHOP.EXAMPLE.COM", True),
        ("https://www.shop.example.com", False),
        ("https://shop.example.com.evil.net", False),
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


def test_messenger_script_is_package_data():
    script = messenger_script()
    assert "window._genesysJs" in script
    assert "MessagingService.customAttributesSizeExceeded" in script


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
