"""PKCE pieces and AuthorizationCodeAuth refresh, over httpx.MockTransport."""

import httpx
import pytest

from inspector.genesys import OrgEndpoints, PlatformClient
from inspector.genesys.connection_check import check_connection
from inspector.genesys.errors import SignInError
from inspector.genesys.pkce import (
    AuthorizationCodeAuth,
    TokenSet,
    authorize_url,
    new_pkce_pair,
    parse_loopback_redirect,
    s256_challenge,
)
from tests.recorded import RECORDED

ENDPOINTS = OrgEndpoints.for_environment("prod-euw1")
DEPLOYMENT = (RECORDED / "platform/WebDeployment.json").read_bytes()
JSON = {"Content-Type": "application/json"}


def test_s256_matches_the_rfc_7636_example():
    # RFC 7636 Appendix B.
    assert (
        s256_challenge("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


def test_verifiers_are_long_random_and_hidden():
    first, second = new_pkce_pair(), new_pkce_pair()
    assert first.verifier != second.verifier
    assert 43 <= len(first.verifier) <= 128
    assert first.challenge == s256_challenge(first.verifier)
    assert first.verifier not in repr(first)


def test_authorize_url_has_every_parameter():
    url = httpx.URL(authorize_url(ENDPOINTS, "cid", "http://127.0.0.1:8765/callback", "chal", "st"))
    assert (url.scheme, url.host, url.path) == ("https", "login.mypurecloud.ie", "/oauth/authorize")
    assert dict(url.params) == {
        "response_type": "code",
        "client_id": "cid",
        "redirect_uri": "http://127.0.0.1:8765/callback",
        "code_challenge": "chal",
        "code_challenge_method": "S256",
        "state": "st",
    }


@pytest.mark.parametrize(
    "uri",
    [
        "https://127.0.0.1:8765/cb",
        "http://example.com:8765/cb",
        "http://127.0.0.1/cb",
        "http://127.0.0.1:x/cb",
    ],
)
def test_only_loopback_http_redirects_with_a_port_are_accepted(uri):
    with pytest.raises(ValueError, match="redirect URI must be"):
        parse_loopback_redirect(uri)
    assert parse_loopback_redirect("http://localhost:8765/callback") == (
        "localhost",
        8765,
        "/callback",
    )


class Org:
    def __init__(self, refresh_status=200):
        self.refresh_status = refresh_status
        self.forms = []
        self.valid = {"first-token"}

    def __call__(self, request):
        if request.url.path == "/oauth/token":
            form = dict(httpx.QueryParams(request.content.decode()))
            self.forms.append(form)
            assert "authorization" not in request.headers  # a public client: no Basic auth
            if self.refresh_status != 200:
                return httpx.Response(
                    self.refresh_status,
                    json={"error": "invalid_grant", "error_description": "revoked"},
                )
            token = f"token-{len(self.forms)}"
            self.valid.add(token)
            return httpx.Response(
                200,
                json={
                    "access_token": token,
                    "expires_in": 3600,
                    "refresh_token": f"refresh-{len(self.forms)}",
                },
            )
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid:
            return httpx.Response(
                401, json={"message": "expired", "code": "bad.credentials", "status": 401}
            )
        return httpx.Response(200, content=DEPLOYMENT, headers=JSON)


class Clock:
    now = 100.0

    def __call__(self):
        return self.now


def make(org, tokens, clock=None, **kwargs):
    auth = AuthorizationCodeAuth(
        ENDPOINTS.token_url, "cid", tokens, clock=clock or Clock(), **kwargs
    )
    return auth, PlatformClient(ENDPOINTS, auth, transport=httpx.MockTransport(org))


async def test_refresh_before_expiry_uses_the_refresh_token_and_rotates_it():
    org, clock, rotated = Org(), Clock(), []
    _auth, client = make(
        org, TokenSet("first-token", 600, "refresh-0"), clock, on_refresh_token=rotated.append
    )
    async with client:
        await client.web_deployment("d")
        assert org.forms == []
        clock.now += 600 - 30  # inside the refresh margin
        await client.web_deployment("d")
    assert org.forms == [
        {"grant_type": "refresh_token", "refresh_token": "refresh-0", "client_id": "cid"}
    ]
    assert rotated == ["refresh-1"]


async def test_a_401_refreshes_once():
    org = Org()
    org.valid.clear()  # the org revoked the access token
    auth, client = make(org, TokenSet("first-token", 3600, "refresh-0"))
    async with client:
        await client.web_deployment("d")
    assert [f["grant_type"] for f in org.forms] == ["refresh_token"]
    assert auth.token_requests == 1


async def test_without_a_refresh_token_an_expired_sign_in_asks_to_sign_in_again():
    org, clock = Org(), Clock()
    _auth, client = make(org, TokenSet("first-token", 600, None), clock)
    async with client:
        await client.web_deployment("d")
        clock.now += 1000
        with pytest.raises(SignInError) as caught:
            await client.web_deployment("d")
    assert caught.value.reason == "no-refresh" and "sign in again" in str(caught.value)


async def test_a_refused_refresh_asks_to_sign_in_again():
    org = Org(refresh_status=400)
    auth, client = make(org, None, refresh_token="stale")
    async with client:
        with pytest.raises(SignInError) as caught:
            await client.web_deployment("d")
    assert caught.value.reason == "refresh-refused" and "revoked" in str(caught.value)
    assert not auth.has_refresh_token


async def test_connection_check_names_the_missing_permission_on_403():
    body = (RECORDED / "platform/ErrorBody-403-missing-permissions.json").read_bytes()

    def handler(request):
        if request.url.path == "/oauth/token":
            return httpx.Response(200, json={"access_token": "t", "expires_in": 3600})
        if request.url.path.startswith("/api/v2/webdeployments/"):
            forbidden = body.replace(
                b"conversation:participant:attributesview", b"webdeployments:deployment:view"
            )
            return httpx.Response(403, content=forbidden, headers=JSON)
        return httpx.Response(404, json={"message": "Not Found"})

    from inspector.genesys import ClientCredentialsAuth

    auth = ClientCredentialsAuth(ENDPOINTS.token_url, "cid", "secret")
    async with PlatformClient(ENDPOINTS, auth, transport=httpx.MockTransport(handler)) as client:
        report = await check_connection(client, "dep-1")
    token, deployment, config = report.steps
    assert token.ok
    assert not deployment.ok and deployment.missing_permissions == (
        "webdeployments:deployment:view",
    )
    assert "lacks the permission webdeployments:deployment:view" in deployment.message
    assert deployment.context_id
    assert not config.ok
