"""Sign-in without a client secret: authorization code + PKCE in the system browser.

RFC 7636 (PKCE, S256) and RFC 8252 (native apps: the system browser, never an embedded view,
and a loopback redirect). The caller opens the browser through the callable it passes, so this
module stays free of Qt and of ``webbrowser``. The flow, in GENESYS.md's words: open
``https://login.<domain>/oauth/authorize?response_type=code&client_id&redirect_uri&
code_challenge&code_challenge_method=S256&state``; the org redirects to the loopback URI
registered on the OAuth client with ``code`` and ``state``; ``POST /oauth/token`` with
``grant_type=authorization_code``, ``code``, ``code_verifier``, ``client_id``, ``redirect_uri``
and no Basic auth.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import inspect
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import httpx
from aiohttp import web

from .auth import BearerTokenAuth, parse_token_response
from .errors import ApiError, AuthError, GenesysError, NetworkError, RequestTimeout, SignInError
from .regions import OrgEndpoints, parse_loopback_redirect

__all__ = [
    "AuthorizationCodeAuth",
    "LoopbackRedirectListener",
    "PkcePair",
    "TokenSet",
    "authorize_url",
    "exchange_code",
    "loopback_redirect_uri",
    "new_pkce_pair",
    "new_state",
    "parse_loopback_redirect",
    "s256_challenge",
    "sign_in_with_pkce",
]

log = logging.getLogger("inspector.genesys")
DEFAULT_SIGN_IN_TIMEOUT = 300.0

_PAGE = (
    "<!doctype html><meta charset='utf-8'><title>Inspector sign-in</title>"
    "<body style='font-family: sans-serif'><h1>{title}</h1><p>{text}</p></body>"
)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def s256_challenge(verifier: str) -> str:
    """``BASE64URL(SHA256(ASCII(verifier)))`` without padding (RFC 7636 §4.2)."""
    return _b64url(hashlib.sha256(verifier.encode("ascii")).digest())


@dataclass(frozen=True)
class PkcePair:
    """A code verifier and its S256 challenge; the verifier never leaves this process."""

    verifier: str = field(repr=False)
    challenge: str
    method: str = "S256"


def new_pkce_pair() -> PkcePair:
    """A fresh verifier: 64 random bytes, 86 URL-safe characters (RFC 7636 asks 43..128)."""
    verifier = secrets.token_urlsafe(64)
    return PkcePair(verifier=verifier, challenge=s256_challenge(verifier))


def new_state() -> str:
    """An unguessable ``state`` that ties the redirect to this sign-in (RFC 6749 §10.12)."""
    return secrets.token_urlsafe(24)


def loopback_redirect_uri(port: int, path: str = "/callback") -> str:
    """The loopback redirect URI on the IP literal, as RFC 8252 §7.3 recommends."""
    return f"http://127.0.0.1:{port}{path}"


def authorize_url(
    endpoints: OrgEndpoints, client_id: str, redirect_uri: str, challenge: str, state: str
) -> str:
    """The URL to open in the system browser."""
    query = urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "state": state,
        }
    )
    return f"{endpoints.login}/oauth/authorize?{query}"


@dataclass(frozen=True)
class TokenSet:
    """What the token endpoint gave; ``repr`` never shows a token."""

    access_token: str = field(repr=False)
    expires_in: float
    refresh_token: str | None = field(default=None, repr=False)
    token_type: str = "bearer"


class LoopbackRedirectListener:
    """A one-shot HTTP server on the loopback redirect URI that waits for ``code`` + ``state``.

    A redirect whose ``state`` differs from the expected one is refused and ends the wait
    with ``SignInError("state-mismatch")``: it did not come from the sign-in we started.
    """

    def __init__(self, redirect_uri: str, state: str) -> None:
        self.redirect_uri = redirect_uri
        self._host, self._port, self._path = parse_loopback_redirect(redirect_uri)
        self._state = state
        self._runner: web.AppRunner | None = None
        self._answer: asyncio.Future[str] | None = None

    async def start(self) -> None:
        self._answer = asyncio.get_running_loop().create_future()
        app = web.Application()
        app.router.add_get(self._path, self._on_redirect)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        bind = "127.0.0.1" if self._host == "localhost" else self._host
        try:
            await web.TCPSite(runner, bind, self._port).start()
        except OSError as exc:
            await runner.cleanup()
            raise SignInError(
                "port-in-use",
                f"Cannot listen for the sign-in answer on {bind}:{self._port} ({exc.strerror}). "
                "Close what uses that port, or register another redirect port on the OAuth "
                "client.",
            ) from exc
        self._runner = runner
        log.debug("listening for the sign-in redirect on %s", self.redirect_uri)

    async def wait(self, time_limit: float = DEFAULT_SIGN_IN_TIMEOUT) -> str:
        """The authorization code, or ``SignInError`` (refused, wrong state, timeout)."""
        if self._answer is None:
            raise RuntimeError("start() the listener first")
        try:
            return await asyncio.wait_for(asyncio.shield(self._answer), time_limit)
        except TimeoutError:
            raise SignInError(
                "timeout",
                f"No sign-in answer from the browser within {time_limit:g} s. Sign in again.",
            ) from None

    async def close(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        if self._answer is not None and not self._answer.done():
            self._answer.cancel()

    async def __aenter__(self) -> LoopbackRedirectListener:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    async def _on_redirect(self, request: web.Request) -> web.Response:
        answer = self._answer
        if answer is None or answer.done():
            return _page(409, "Already handled", "This sign-in has finished; close this tab.")
        query = request.query
        if not secrets.compare_digest(query.get("state", ""), self._state):
            answer.set_exception(
                SignInError(
                    "state-mismatch",
                    "The sign-in answer carried a state that does not match the sign-in "
                    "Inspector started: refused. Sign in again.",
                )
            )
            return _page(400, "Sign-in refused", "The answer did not match this sign-in.")
        if "error" in query:
            detail = query.get("error_description") or query["error"]
            answer.set_exception(SignInError("denied", f"The org refused the sign-in: {detail}"))
            return _page(400, "Sign-in refused", "The org refused the sign-in.")
        code = query.get("code", "")
        if not code:
            answer.set_exception(
                SignInError("bad-redirect", "The sign-in answer carried no authorization code.")
            )
            return _page(400, "Sign-in failed", "No authorization code arrived.")
        answer.set_result(code)
        return _page(200, "Signed in", "Inspector is signed in. You can close this tab.")


def _page(status: int, title: str, text: str) -> web.Response:
    return web.Response(
        status=status, text=_PAGE.format(title=title, text=text), content_type="text/html"
    )


async def exchange_code(
    client: httpx.AsyncClient,
    token_url: str,
    *,
    client_id: str,
    code: str,
    verifier: str,
    redirect_uri: str,
) -> TokenSet:
    """``POST /oauth/token`` with ``grant_type=authorization_code``; no Basic auth."""
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "code_verifier": verifier,
        "client_id": client_id,
        "redirect_uri": redirect_uri,
    }
    return await _token_call(client, token_url, form)


async def _token_call(client: httpx.AsyncClient, token_url: str, form: dict[str, str]) -> TokenSet:
    path = urlsplit(token_url).path
    try:
        request = client.build_request(
            "POST", token_url, data=form, headers={"Accept": "application/json"}
        )
        response = await client.send(request, auth=None)  # no Basic auth: a public client
    except httpx.TimeoutException as exc:
        raise RequestTimeout(f"POST {path}") from exc
    except httpx.RequestError as exc:
        raise NetworkError(urlsplit(token_url).netloc, f"{type(exc).__name__}: {exc}") from exc
    log.debug("POST %s -> %d (token, %s)", path, response.status_code, form["grant_type"])
    if not response.is_success:
        raise AuthError.from_response(response, method="POST", path=path)
    token, lifetime, body = parse_token_response(response, path)
    refresh = body.get("refresh_token")
    return TokenSet(
        access_token=token,
        expires_in=lifetime,
        refresh_token=refresh if isinstance(refresh, str) and refresh else None,
        token_type=str(body.get("token_type") or "bearer"),
    )


async def sign_in_with_pkce(
    endpoints: OrgEndpoints,
    client_id: str,
    redirect_uri: str,
    *,
    open_browser: Callable[[str], object],
    time_limit: float = DEFAULT_SIGN_IN_TIMEOUT,
    client: httpx.AsyncClient | None = None,
) -> TokenSet:
    """The whole sign-in: listen, open the browser on the authorize URL, exchange the code.

    ``open_browser`` gets the URL; it may be a plain function or return an awaitable.
    ``time_limit`` is how long the user has to finish signing in, in seconds.
    """
    pair = new_pkce_pair()
    state = new_state()
    async with LoopbackRedirectListener(redirect_uri, state) as listener:
        url = authorize_url(endpoints, client_id, redirect_uri, pair.challenge, state)
        opened = open_browser(url)
        if inspect.isawaitable(opened):
            await opened
        code = await listener.wait(time_limit)
    own = client is None
    http = client or httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
    try:
        return await exchange_code(
            http,
            endpoints.token_url,
            client_id=client_id,
            code=code,
            verifier=pair.verifier,
            redirect_uri=redirect_uri,
        )
    finally:
        if own:
            await http.aclose()


class AuthorizationCodeAuth(BearerTokenAuth):
    """Bearer auth over a browser sign-in's tokens, refreshed with the refresh token if any.

    Without a refresh token, an expired token raises ``SignInError("no-refresh")``: the user
    must sign in again. ``on_refresh_token`` receives every new refresh token (Genesys may
    rotate it) so the caller can keep it in the keychain.
    """

    def __init__(
        self,
        token_url: str,
        client_id: str,
        tokens: TokenSet | None = None,
        *,
        refresh_token: str | None = None,
        on_refresh_token: Callable[[str], None] | None = None,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(token_url, client_id, refresh_margin=refresh_margin, clock=clock)
        self._refresh_token = tokens.refresh_token if tokens else None
        self._refresh_token = self._refresh_token or refresh_token
        self._on_refresh_token = on_refresh_token
        if tokens is not None:
            lifetime = tokens.expires_in
            self._token = tokens.access_token
            self._refresh_at = clock() + lifetime - min(refresh_margin, lifetime / 2)

    @property
    def has_refresh_token(self) -> bool:
        return self._refresh_token is not None

    def _token_form(self) -> dict[str, str]:
        if self._refresh_token is None:
            raise SignInError(
                "no-refresh",
                "The sign-in has expired and the org gave no refresh token: sign in again.",
            )
        return {
            "grant_type": "refresh_token",
            "refresh_token": self._refresh_token,
            "client_id": self._client_id,
        }

    def _refused(self, response: httpx.Response, path: str) -> GenesysError:
        error = ApiError.from_response(response, method="POST", path=path)
        self._refresh_token = None
        return SignInError(
            "refresh-refused",
            f"The org refused to renew the sign-in ({error}): sign in again.",
        )

    def _on_token_body(self, body: dict[str, object]) -> None:
        refresh = body.get("refresh_token")
        if isinstance(refresh, str) and refresh and refresh != self._refresh_token:
            self._refresh_token = refresh
            if self._on_refresh_token is not None:
                self._on_refresh_token(refresh)
