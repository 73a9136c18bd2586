"""The org's login host: /oauth/authorize and /oauth/token, as Genesys Cloud answers them.

Two clients are registered (seed.py): the confidential client-credentials client, and a public
client for authorization code + PKCE (RFC 7636, S256 only) whose redirect is loopback. The
sandbox's user is always signed in and always consents, so /oauth/authorize redirects at once:
that lets a test drive the sign-in with an HTTP client instead of a browser. Errors follow
RFC 6749: a bad client or redirect URI is a 400 page (never a redirect to an unverified URI);
other problems redirect back with ``error`` and the same ``state``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
from urllib.parse import urlencode, urlsplit

from aiohttp import BasicAuth, web

from inspector.sandbox import seed
from inspector.sandbox.appkeys import STATE_KEY
from inspector.sandbox.state import OrgState

log = logging.getLogger("inspector.sandbox")


def _oauth_error(status: int, error: str, description: str) -> web.Response:
    body = {"error": error, "description": description, "error_description": description}
    return web.json_response(body, status=status)


def _token_response(state: OrgState, *, refresh_for: str | None = None) -> web.Response:
    """snake_case, as every Genesys token response (NOTES 33)."""
    token = state.issue_token()
    body: dict[str, object] = {
        "access_token": token.value,
        "token_type": "bearer",
        "expires_in": int(state.token_lifetime),
    }
    if refresh_for is not None:
        body["refresh_token"] = state.issue_refresh_token(refresh_for)
    return web.json_response(body)


def redirect_allowed(state: OrgState, redirect_uri: str) -> bool:
    """The PKCE client's registration: http loopback + the callback path, any port unless the
    org was built with one (RFC 8252 §7.3: loopback ports are matched loosely)."""
    parts = urlsplit(redirect_uri)
    try:
        port = parts.port
    except ValueError:
        return False
    host = parts.netloc.rsplit(":", 1)[0] if port else parts.netloc
    return (
        parts.scheme == "http"
        and host in seed.LOOPBACK_REDIRECT_HOSTS
        and parts.path == seed.SANDBOX_PKCE_REDIRECT_PATH
        and not parts.query
        and not parts.fragment
        and port is not None
        and (state.pkce_redirect_port is None or port == state.pkce_redirect_port)
    )


def _bad_request_page(text: str) -> web.Response:
    return web.Response(status=400, text=f"Sign-in error: {text}", content_type="text/plain")


async def authorize(request: web.Request) -> web.StreamResponse:
    """GET /oauth/authorize?response_type=code&client_id&redirect_uri&code_challenge&
    code_challenge_method=S256&state: redirects with ``code`` and the same ``state``."""
    state = request.app[STATE_KEY]
    query = request.query
    client_id = query.get("client_id", "")
    redirect_uri = query.get("redirect_uri", "")
    if client_id != seed.SANDBOX_PKCE_CLIENT_ID:
        log.info("oauth authorize: unknown client %r", client_id)
        return _bad_request_page("unknown client_id")
    if not redirect_allowed(state, redirect_uri):
        log.info("oauth authorize: redirect_uri %r is not registered", redirect_uri)
        return _bad_request_page("redirect_uri is not registered for this client")
    back: dict[str, str] = {}
    if "state" in query:
        back["state"] = query["state"]
    challenge = query.get("code_challenge", "")
    if query.get("response_type") != "code":
        back["error"] = "unsupported_response_type"
    elif query.get("code_challenge_method") != "S256" or not challenge:
        back["error"] = "invalid_request"
        back["error_description"] = "code_challenge with code_challenge_method=S256 is required"
    else:
        back["code"] = state.issue_code(client_id, redirect_uri, challenge)
    raise web.HTTPFound(f"{redirect_uri}?{urlencode(back)}")


def _s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


async def token(request: web.Request) -> web.Response:
    """POST /oauth/token: client_credentials (Basic), authorization_code (PKCE), refresh_token."""
    state = request.app[STATE_KEY]
    form = await request.post()
    grant = form.get("grant_type")
    if grant == "authorization_code":
        return _code_grant(state, {k: str(v) for k, v in form.items()})
    if grant == "refresh_token":
        return _refresh_grant(state, {k: str(v) for k, v in form.items()})
    try:
        auth = BasicAuth.decode(request.headers.get("Authorization", ""))
    except ValueError:
        auth = None
    if auth is None or not (
        hmac.compare_digest(auth.login, seed.SANDBOX_CLIENT_ID)
        and hmac.compare_digest(auth.password, seed.SANDBOX_CLIENT_SECRET)
    ):
        log.info("oauth: invalid client credentials")
        return _oauth_error(401, "invalid_client", "client not found or bad client secret")
    if grant != "client_credentials":
        return _oauth_error(
            400,
            "unsupported_grant_type",
            "grant_type must be client_credentials, authorization_code or refresh_token",
        )
    return _token_response(state)


def _code_grant(state: OrgState, form: dict[str, str]) -> web.Response:
    client_id = form.get("client_id", "")
    if client_id != seed.SANDBOX_PKCE_CLIENT_ID:
        return _oauth_error(401, "invalid_client", "client not found")
    code = state.take_code(form.get("code", ""))
    if code is None or code.client_id != client_id:
        return _oauth_error(400, "invalid_grant", "authorization code is invalid or expired")
    if form.get("redirect_uri") != code.redirect_uri:
        return _oauth_error(400, "invalid_grant", "redirect_uri does not match the authorize")
    verifier = form.get("code_verifier", "")
    if not 43 <= len(verifier) <= 128 or not hmac.compare_digest(
        _s256(verifier), code.code_challenge
    ):
        log.info("oauth: PKCE verification failed")
        return _oauth_error(400, "invalid_grant", "code_verifier does not match code_challenge")
    return _token_response(state, refresh_for=client_id)


def _refresh_grant(state: OrgState, form: dict[str, str]) -> web.Response:
    client_id = form.get("client_id", "")
    owner = state.refresh_tokens.pop(form.get("refresh_token", ""), None)
    if owner is None or owner != client_id:
        return _oauth_error(400, "invalid_grant", "refresh token is invalid or revoked")
    return _token_response(state, refresh_for=client_id)  # rotated: the old one is spent


def add_routes(app: web.Application) -> None:
    app.router.add_get("/oauth/authorize", authorize)
    app.router.add_post("/oauth/token", token)
