"""Regions, endpoints, and the package boundary of inspector.genesys."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import inspector.genesys as genesys
from inspector.genesys import REGIONS, SHORT_ENVIRONMENTS, OrgEndpoints


def test_region_table_matches_genesys_md() -> None:
    assert len(REGIONS) == 17
    assert REGIONS["prod"] == "mypurecloud.com"
    assert REGIONS["prod-euw1"] == "mypurecloud.ie"
    assert REGIONS["prod-euc1"] == "mypurecloud.de"
    assert REGIONS["prod-apne1"] == "mypurecloud.jp"
    assert REGIONS["prod-apse2"] == "mypurecloud.com.au"
    assert REGIONS["prod-mec1"] == "mec1.pure.cloud"
    assert REGIONS["fedramp-use2-core"] == "use2.us-gov-pure.cloud"


def test_short_names_map_every_region_once() -> None:
    assert SHORT_ENVIRONMENTS["use1"] == "prod"
    assert SHORT_ENVIRONMENTS["usw2"] == "prod-usw2"
    assert SHORT_ENVIRONMENTS["euw1"] == "prod-euw1"
    assert SHORT_ENVIRONMENTS["apse2"] == "prod-apse2"
    assert SHORT_ENVIRONMENTS["fedramp-use2-core"] == "fedramp-use2-core"
    assert sorted(SHORT_ENVIRONMENTS.values()) == sorted(REGIONS)


def test_prod_endpoints() -> None:
    endpoints = OrgEndpoints.for_environment("prod")
    assert endpoints == OrgEndpoints(
        environment="prod",
        api="https://api.mypurecloud.com",
        login="https://login.mypurecloud.com",
        apps="https://apps.mypurecloud.com",
        webmessaging="wss://webmessaging.mypurecloud.com",
        api_cdn="https://api-cdn.mypurecloud.com",
    )
    assert endpoints.bootstrap_script_url == (
        "https://apps.mypurecloud.com/genesys-bootstrap/genesys.min.js"
    )
    assert endpoints.token_url == "https://login.mypurecloud.com/oauth/token"


@pytest.mark.parametrize(
    ("name", "environment", "api"),
    [
        ("euw1", "prod-euw1", "https://api.mypurecloud.ie"),
        ("prod-euw1", "prod-euw1", "https://api.mypurecloud.ie"),
        ("use1", "prod", "https://api.mypurecloud.com"),
        (" USW2 ", "prod-usw2", "https://api.usw2.pure.cloud"),
        ("fedramp-use2-core", "fedramp-use2-core", "https://api.use2.us-gov-pure.cloud"),
    ],
)
def test_long_and_short_names(name: str, environment: str, api: str) -> None:
    endpoints = OrgEndpoints.for_environment(name)
    assert endpoints.environment == environment
    assert endpoints.api == api


def test_every_region_builds_all_hosts() -> None:
    for environment, domain in REGIONS.items():
        endpoints = OrgEndpoints.for_environment(environment)
        assert endpoints.webmessaging == f"wss://webmessaging.{domain}"
        assert endpoints.api_cdn == f"https://api-cdn.{domain}"
        assert endpoints.apps == f"https://apps.{domain}"


def test_unknown_environment_lists_valid_names() -> None:
    with pytest.raises(ValueError, match="prod-euw1") as info:
        OrgEndpoints.for_environment("mars1")
    assert "mars1" in str(info.value)
    assert "use1" in str(info.value)


def test_custom_domain_http_uses_ws() -> None:
    endpoints = OrgEndpoints.for_custom_domain("http://127.0.0.1:8123/")
    assert endpoints.environment is None
    assert endpoints.api == endpoints.login == endpoints.apps == endpoints.api_cdn
    assert endpoints.api == "http://127.0.0.1:8123"
    assert endpoints.webmessaging == "ws://127.0.0.1:8123"
    assert endpoints.bootstrap_script_url == (
        "http://127.0.0.1:8123/genesys-bootstrap/genesys.min.js"
    )


def test_custom_domain_https_uses_wss() -> None:
    endpoints = OrgEndpoints.for_custom_domain("https://genesys.internal.example:8443/org")
    assert endpoints.webmessaging == "wss://genesys.internal.example:8443/org"
    assert endpoints.token_url == "https://genesys.internal.example:8443/org/oauth/token"


@pytest.mark.parametrize("bad", ["127.0.0.1:8123", "ftp://host", "http://", ""])
def test_custom_domain_needs_http_url(bad: str) -> None:
    with pytest.raises(ValueError, match="http"):
        OrgEndpoints.for_custom_domain(bad)


def test_all_exports_exist() -> None:
    for name in genesys.__all__:
        assert hasattr(genesys, name), name
    expected = {
        "REGIONS", "SHORT_ENVIRONMENTS", "OrgEndpoints", "GenesysError", "ApiError",
        "AuthError", "NetworkError", "RequestTimeout", "ResponseFormatError", "GuestError",
        "GuestConnectionClosed", "ClientCredentialsAuth", "MessageDetails", "Participant",
        "Conversation", "WebDeployment", "DeploymentConfig", "SessionInfo", "GuestMessage",
        "PlatformClient", "GuestSession",
    }  # fmt: skip
    assert expected <= set(genesys.__all__)


def test_package_imports_no_qt_and_no_other_layer() -> None:
    code = (
        "import json, sys; import inspector.genesys; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'qasync') or m.startswith(('inspector.ui', 'inspector.core', "
        "'inspector.sandbox')))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert json.loads(out.stdout) == []
