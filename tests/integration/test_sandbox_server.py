"""The sandbox org's REST side over real sockets: OAuth, /api/v2 errors, public paths, serve()."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import httpx
import pytest

from inspector.sandbox import (
    FAULTS,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_DEPLOYMENT_ID,
    SANDBOX_ORIGIN,
    SANDBOX_OTHER_DOMAIN,
    SEEDED_DEPLOYMENTS,
    SandboxInfo,
    SandboxOrg,
    serve,
)
from tests.recorded import recorded

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
async def org():
    async with SandboxOrg(propagation_delay=0.05, bot_reply_delay=0.05) as org:
        yield org


@pytest.fixture
async def client(org):
    async with httpx.AsyncClient(base_url=org.base_url, timeout=5) as client:
        yield client


async def get_token(client: httpx.AsyncClient) -> str:
    response = await client.post(
        "/oauth/token",
        auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
        data={"grant_type": "client_credentials"},
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


@pytest.fixture
async def auth(client):
    return {"Authorization": f"Bearer {await get_token(client)}"}


# --- OAuth ------------------------------------------------------------------------------------


async def test_client_credentials_token_is_snake_case_like_the_recorded(client):
    response = await client.post(
        "/oauth/token",
        auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
        data={"grant_type": "client_credentials"},
    )
    body = response.json()
    assert response.status_code == 200
    assert set(body) == set(recorded("platform/oauth-token-response.json"))
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 86399
    assert len(body["access_token"]) >= 32


async def test_wrong_client_secret_is_401_invalid_client(client):
    response = await client.post(
        "/oauth/token", auth=(SANDBOX_CLIENT_ID, "wrong"), data={"grant_type": "client_credentials"}
    )
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "invalid_client"
    assert body["error_description"] and body["description"]


async def test_missing_basic_auth_is_401(client):
    response = await client.post("/oauth/token", data={"grant_type": "client_credentials"})
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


async def test_other_grant_type_is_400_unsupported(client):
    response = await client.post(
        "/oauth/token",
        auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
        data={"grant_type": "password"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


# --- /api/v2 authentication and ErrorBody -----------------------------------------------------


async def test_api_without_token_is_401_authentication_required(client, org):
    response = await client.get(f"/api/v2/webdeployments/deployments/{SANDBOX_DEPLOYMENT_ID}")
    body = response.json()
    expected = recorded("platform/ErrorBody-401-authentication-required.json")
    assert response.status_code == 401
    assert set(body) == set(expected)
    assert body["code"] == "authentication.required"
    assert body["status"] == 401
    assert body["details"] == [] and body["errors"] == []
    assert body["contextId"] == response.headers["inin-correlation-id"]
    assert org.api_request_count == 1


async def test_unknown_token_is_401_bad_credentials(client):
    response = await client.get(
        f"/api/v2/webdeployments/deployments/{SANDBOX_DEPLOYMENT_ID}",
        headers={"Authorization": "Bearer not-a-token"},
    )
    body = response.json()
    assert response.status_code == 401
    assert set(body) == set(recorded("platform/ErrorBody-401.json"))
    assert body["code"] == "bad.credentials"
    assert body["message"] == "Invalid login credentials."


async def test_bearer_scheme_is_case_insensitive(client):
    token = await get_token(client)
    response = await client.get(
        f"/api/v2/webdeployments/deployments/{SANDBOX_DEPLOYMENT_ID}",
        headers={"Authorization": f"bearer {token}"},
    )
    assert response.status_code == 200


async def test_basic_scheme_on_the_api_is_authentication_required(client):
    response = await client.get(
        f"/api/v2/webdeployments/deployments/{SANDBOX_DEPLOYMENT_ID}",
        auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
    )
    assert response.status_code == 401
    assert response.json()["code"] == "authentication.required"


async def test_revoked_token_is_401(client, org, auth):
    path = f"/api/v2/webdeployments/deployments/{SANDBOX_DEPLOYMENT_ID}"
    assert (await client.get(path, headers=auth)).status_code == 200
    org.revoke_tokens()
    response = await client.get(path, headers=auth)
    assert response.status_code == 401
    assert response.json()["code"] == "bad.credentials"


async def test_expired_token_is_401():
    async with (
        SandboxOrg(token_lifetime=0.2) as org,
        httpx.AsyncClient(base_url=org.base_url) as client,
    ):
        response = await client.post(
            "/oauth/token",
            auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
            data={"grant_type": "client_credentials"},
        )
        assert response.json()["expires_in"] == 0
        headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
        path = f"/api/v2/webdeployments/deployments/{SANDBOX_DEPLOYMENT_ID}"
        assert (await client.get(path, headers=headers)).status_code == 200
        await asyncio.sleep(0.3)
        assert (await client.get(path, headers=headers)).status_code == 401


async def test_api_responses_carry_correlation_and_rate_limit_headers(client, auth):
    first = await client.get(
        f"/api/v2/webdeployments/deployments/{SANDBOX_DEPLOYMENT_ID}", headers=auth
    )
    second = await client.get(f"/api/v2/conversations/{UNKNOWN_ID}", headers=auth)
    for response in (first, second):
        assert response.headers["inin-correlation-id"]
        assert response.headers["inin-ratelimit-allowed"] == "300"
        assert 0 <= int(response.headers["inin-ratelimit-reset"]) <= 60
    assert first.headers["inin-ratelimit-count"] == "1"
    assert second.headers["inin-ratelimit-count"] == "2"
    assert first.headers["inin-correlation-id"] != second.headers["inin-correlation-id"]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v2/conversations/{UNKNOWN_ID}",
        f"/api/v2/conversations/messages/{UNKNOWN_ID}",
        f"/api/v2/conversations/messages/{UNKNOWN_ID}/details",
        f"/api/v2/webdeployments/deployments/{UNKNOWN_ID}",
        "/api/v2/no/such/path",
    ],
)
async def test_unknown_ids_are_404_error_bodies_like_the_recorded(client, auth, path):
    response = await client.get(path, headers=auth)
    body = response.json()
    expected = recorded("platform/ErrorBody-404.json")
    assert response.status_code == 404
    assert set(body) == set(expected)
    assert (body["status"], body["code"], body["message"]) == (
        expected["status"],
        expected["code"],
        expected["message"],
    )
    assert body["contextId"] == response.headers["inin-correlation-id"]


async def test_api_request_count_counts_every_api_call(client, org, auth):
    before = org.api_request_count
    await client.get(f"/api/v2/conversations/{UNKNOWN_ID}", headers=auth)
    await client.get(f"/api/v2/conversations/{UNKNOWN_ID}")
    await client.get(f"/webdeployments/v1/deployments/{SANDBOX_DEPLOYMENT_ID}/config.json")
    assert org.api_request_count == before + 2


# --- deployment -------------------------------------------------------------------------------


async def test_web_deployment_has_exactly_the_example_fields(client, auth, org):
    response = await client.get(
        f"/api/v2/webdeployments/deployments/{SANDBOX_DEPLOYMENT_ID}", headers=auth
    )
    body = response.json()
    expected = recorded("platform/WebDeployment.json")
    assert response.status_code == 200
    assert set(body) == set(expected)
    for nested in ("flow", "configuration", "lastModifiedUser"):
        assert set(body[nested]) == set(expected[nested])
    assert body["status"] == "Active"
    assert body["allowAllDomains"] is False
    assert body["allowedDomains"] == ["shop.example.com"]
    assert f"{org.base_url}/genesys-bootstrap/genesys.min.js" in body["snippet"]
    assert SANDBOX_DEPLOYMENT_ID in body["snippet"]


def _config_keys(configs: list[dict[str, Any]], *path: str) -> set[str]:
    keys: set[str] = set()
    for config in configs:
        node: Any = config
        for part in path:
            node = node.get(part, {}) if isinstance(node, dict) else {}
        keys |= set(node)
    return keys


async def test_public_config_json_points_at_the_sandbox(client, org):
    response = await client.get(
        f"/webdeployments/v1/deployments/{SANDBOX_DEPLOYMENT_ID}/config.json"
    )
    body = response.json()
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert body["status"] == "Active"
    assert body["messenger"]["enabled"] is True
    assert body["apiEndpoint"] == org.base_url
    endpoint = body["messenger"]["apps"]["conversations"]["messagingEndpoint"]
    assert endpoint == f"ws://127.0.0.1:{org.port}"
    assert isinstance(body["version"], str)
    configs = [
        recorded("platform/deployment-config.json"),
        recorded("platform/deployment-config.official-wiremock-mock.json"),
        recorded("platform/deployment-config.with-notifications.json"),
    ]
    # Beyond the example files: the fields MESSENGER.md names ("Native UI vs headless").
    documented = {(): {"headlessMode"}, ("messenger", "apps", "conversations"): {"autoStart"}}
    for path in [(), ("messenger",), ("messenger", "apps", "conversations")]:
        node: Any = body
        for part in path:
            node = node[part]
        assert set(node) <= _config_keys(configs, *path) | documented.get(path, set()), path


@pytest.mark.parametrize("seeded", SEEDED_DEPLOYMENTS, ids=lambda d: d.kind)
async def test_config_json_carries_each_deployments_messenger_switches(client, seeded):
    response = await client.get(f"/webdeployments/v1/deployments/{seeded.id}/config.json")
    body = response.json()
    assert body["headlessMode"] == {"enabled": seeded.headless}
    conversations = body["messenger"]["apps"]["conversations"]
    assert conversations["autoStart"] == {"enabled": seeded.auto_start}
    assert body["auth"] == {"enabled": seeded.auth}
    assert body["status"] == seeded.status
    assert conversations["conversationDisconnect"] == {"enabled": True, "type": "Send"}


async def test_read_only_fault_configures_read_only_disconnects():
    async with SandboxOrg(faults=["read-only-session"]) as org:
        async with httpx.AsyncClient(base_url=org.base_url) as http:
            response = await http.get(
                f"/webdeployments/v1/deployments/{SANDBOX_DEPLOYMENT_ID}/config.json"
            )
    conversations = response.json()["messenger"]["apps"]["conversations"]
    assert conversations["conversationDisconnect"] == {"enabled": True, "type": "ReadOnly"}


@pytest.mark.parametrize("seeded", SEEDED_DEPLOYMENTS, ids=lambda d: d.kind)
async def test_public_domains_json_lists_each_deployments_domains(client, seeded):
    response = await client.get(f"/webdeployments/v1/deployments/{seeded.id}/domains.json")
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.json() == {
        "allowAllDomains": seeded.allow_all_domains,
        "allowedDomains": list(seeded.allowed_domains),
    }


async def test_domains_json_of_unknown_deployment_is_404(client):
    response = await client.get(f"/webdeployments/v1/deployments/{UNKNOWN_ID}/domains.json")
    assert response.status_code == 404
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("fault", "status", "domains"),
    [
        ("deployment-missing", 404, None),
        (
            "origin-denied",
            200,
            {"allowAllDomains": False, "allowedDomains": [SANDBOX_OTHER_DOMAIN]},
        ),
    ],
)
async def test_domains_json_follows_the_deployment_faults(fault, status, domains):
    async with SandboxOrg(faults=[fault]) as org:
        async with httpx.AsyncClient(base_url=org.base_url) as http:
            response = await http.get(
                f"/webdeployments/v1/deployments/{SANDBOX_DEPLOYMENT_ID}/domains.json"
            )
    assert response.status_code == status
    if domains is not None:
        assert response.json() == domains


async def test_config_json_of_unknown_deployment_is_404(client):
    response = await client.get(f"/webdeployments/v1/deployments/{UNKNOWN_ID}/config.json")
    assert response.status_code == 404


async def test_bootstrap_script_is_served_as_javascript(client):
    response = await client.get("/genesys-bootstrap/genesys.min.js")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/javascript")
    text = response.text
    for needle in ("_genesysJs", "domains.json", "configureSession", "customAttributes"):
        assert needle in text


# --- lifecycle and serve() --------------------------------------------------------------------


async def test_info_and_faults():
    org = SandboxOrg(faults=["lowercase-keys"])
    with pytest.raises(RuntimeError):
        _ = org.port
    async with org:
        info = org.info
        assert isinstance(info, SandboxInfo)
        assert info.base_url == f"http://127.0.0.1:{org.port}" == org.base_url
        assert info.to_json_dict() == {
            "baseUrl": org.base_url,
            "deploymentId": SANDBOX_DEPLOYMENT_ID,
            "origin": SANDBOX_ORIGIN,
            "clientId": SANDBOX_CLIENT_ID,
            "clientSecret": SANDBOX_CLIENT_SECRET,
        }
        assert org.faults == frozenset({"lowercase-keys"})
        org.set_faults(["drop-attributes"])
        assert org.faults == frozenset({"drop-attributes"})
        with pytest.raises(ValueError, match="no-such-fault"):
            org.set_faults(["no-such-fault"])
        assert org.faults == frozenset({"drop-attributes"})
        with pytest.raises(RuntimeError):
            await org.start()


def test_unknown_fault_is_refused_at_construction():
    with pytest.raises(ValueError, match="bogus"):
        SandboxOrg(faults=["bogus"])
    assert {"lowercase-keys", "drop-attributes"} <= set(FAULTS)
    assert all(isinstance(text, str) and text for text in FAULTS.values())


async def test_stop_releases_the_port():
    org = SandboxOrg()
    await org.start()
    url = org.base_url
    await org.stop()
    await org.stop()  # idempotent
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{url}/genesys-bootstrap/genesys.min.js")


async def _run_serve(**kwargs: Any) -> tuple[str, asyncio.Task[None]]:
    """Start serve() as a task and return what it printed once it printed its last line."""
    out = io.StringIO()
    task = asyncio.create_task(serve(out=out, **kwargs))
    last = "}\n" if kwargs.get("json_output") else "Ctrl-C to stop.\n"
    for _ in range(500):
        if out.getvalue().endswith(last) or task.done():
            break
        await asyncio.sleep(0.01)
    return out.getvalue(), task


async def test_serve_json_prints_one_line_and_serves_until_cancelled():
    text, task = await _run_serve(json_output=True, faults=["drop-attributes"])
    try:
        lines = text.splitlines()
        assert len(lines) == 1
        info = json.loads(lines[0])
        assert set(info) == {
            "baseUrl",
            "deploymentId",
            "origin",
            "clientId",
            "clientSecret",
            "deployments",
        }
        assert info["deploymentId"] == SANDBOX_DEPLOYMENT_ID
        assert info["deployments"] == [
            {"kind": d.kind, "id": d.id, "name": d.name, "description": d.description}
            for d in SEEDED_DEPLOYMENTS
        ]
        async with httpx.AsyncClient(base_url=info["baseUrl"]) as client:
            config = await client.get(
                f"/webdeployments/v1/deployments/{info['deploymentId']}/config.json"
            )
            assert config.status_code == 200
    finally:
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
    async with httpx.AsyncClient() as client:
        with pytest.raises(httpx.ConnectError):
            await client.get(f"{info['baseUrl']}/genesys-bootstrap/genesys.min.js")


async def test_serve_human_output_names_what_a_user_needs():
    text, task = await _run_serve()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert "http://127.0.0.1:" in text
    for value in (SANDBOX_DEPLOYMENT_ID, SANDBOX_ORIGIN, SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET):
        assert value in text
    # every seeded deployment is listed on a line of its own: kind, id, description
    lines = text.splitlines()
    for seeded in SEEDED_DEPLOYMENTS:
        [line] = [x for x in lines if x.split()[:2] == [seeded.kind, seeded.id]]
        assert line.rstrip().endswith(seeded.description)
