"""The sandbox org's lifecycle: one aiohttp server on 127.0.0.1 for every Genesys host.

In a real org api, login, apps, webmessaging and api-cdn are different hosts; here they are
all the same base URL, so a profile only needs that one URL (GENESYS.md "custom base domain").
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from types import TracebackType
from typing import Any, Self, TextIO

from aiohttp import WSCloseCode, web

from inspector.sandbox import guest_ws, platform_api, seed
from inspector.sandbox.appkeys import FLOW_KEY, STATE_KEY
from inspector.sandbox.faults import check_faults
from inspector.sandbox.flow import SimulatedFlow
from inspector.sandbox.state import LoggedRequest, OrgState, seeded_deployments

log = logging.getLogger("inspector.sandbox")


@dataclass(frozen=True)
class SandboxInfo:
    """What a client needs to talk to a running sandbox."""

    base_url: str
    deployment_id: str
    origin: str
    client_id: str
    client_secret: str

    def to_json_dict(self) -> dict[str, str]:
        return {
            "baseUrl": self.base_url,
            "deploymentId": self.deployment_id,
            "origin": self.origin,
            "clientId": self.client_id,
            "clientSecret": self.client_secret,
        }


class SandboxOrg:
    """A simulated Genesys Cloud org served over real HTTP and WebSocket on a local port.

    Args:
        host: interface to bind; keep the loopback default.
        port: 0 picks a free port (read it from `port` after `start()`).
        faults: names from FAULTS to switch on (ValueError for an unknown name).
        propagation_delay: seconds before a guest's custom attributes show on the
            customer participant, as in a real org where clients must poll.
        bot_reply_delay: seconds before the simulated bot flow answers.
        token_lifetime: seconds an access token lives (expires_in).
        rate_limit_retry_after: the Retry-After (seconds) the rate-limit fault answers with.
        pkce_redirect_port: pin the PKCE client's registered loopback port; None accepts any
            port, as RFC 8252 §7.3 asks for loopback redirects.
        late_attributes_delay: seconds before attributes land under the late-attributes fault.
        slow_latency: seconds every answer waits under the slow fault.
    """

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        faults: Iterable[str] = (),
        propagation_delay: float = 0.3,
        bot_reply_delay: float = 0.4,
        token_lifetime: float = seed.DEFAULT_TOKEN_LIFETIME,
        rate_limit_retry_after: float = seed.RATE_LIMIT_RETRY_AFTER,
        pkce_redirect_port: int | None = None,
        late_attributes_delay: float = seed.LATE_ATTRIBUTES_DELAY,
        slow_latency: float = seed.SLOW_LATENCY,
    ) -> None:
        self._host = host
        self._requested_port = port
        self._state = OrgState(
            check_faults(faults),
            token_lifetime,
            rate_limit_retry_after=rate_limit_retry_after,
            pkce_redirect_port=pkce_redirect_port,
            late_attributes_delay=late_attributes_delay,
            slow_latency=slow_latency,
        )
        self._flow = SimulatedFlow(self._state, propagation_delay, bot_reply_delay)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    async def start(self) -> None:
        """Bind and serve; returns once the port is listening."""
        if self._runner is not None:
            raise RuntimeError("the sandbox org is already started")
        app = web.Application(
            middlewares=[platform_api.log_middleware, platform_api.api_middleware]
        )
        app[STATE_KEY] = self._state
        app[FLOW_KEY] = self._flow
        platform_api.add_routes(app)
        guest_ws.add_routes(app)
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(runner, self._host, self._requested_port)
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self._state.base_url = self.base_url
        log.info(
            "sandbox org listening on %s (faults: %s)",
            self.base_url,
            ", ".join(sorted(self._state.faults)) or "none",
        )

    async def stop(self) -> None:
        """Cancel pending flow tasks, close guest sockets, shut the server down."""
        runner, self._runner = self._runner, None
        if runner is None:
            return
        try:
            await self._flow.close()
            for ws in list(self._state.sockets):
                await ws.close(code=WSCloseCode.GOING_AWAY, message=b"sandbox org stopping")
        finally:
            # Even when stopping is cancelled half-way: the port must not stay open.
            await runner.cleanup()
        log.info("sandbox org on port %s stopped", self._port)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the sandbox org is not started")
        return self._port

    @property
    def base_url(self) -> str:
        host = f"[{self._host}]" if ":" in self._host else self._host
        return f"http://{host}:{self.port}"

    @property
    def info(self) -> SandboxInfo:
        return SandboxInfo(
            base_url=self.base_url,
            deployment_id=seed.SANDBOX_DEPLOYMENT_ID,
            origin=seed.SANDBOX_ORIGIN,
            client_id=seed.SANDBOX_CLIENT_ID,
            client_secret=seed.SANDBOX_CLIENT_SECRET,
        )

    def add_deployment_like(self, deployment_id: str, kind: str, host: str) -> None:
        """Give the org a deployment with ``deployment_id``, configured as the seeded ``kind``.

        For a website page run against the sandbox: the page's snippet names its own
        deployment, and the org then has one of that id, as if an admin had created it with
        that configuration. It allows the page's ``host`` besides the kind's own domains, except
        for ``other-domain``, whose point is that the page's domain is refused. A seeded id is
        left as it is.
        """
        if deployment_id in {d.id for d in seed.SEEDED_DEPLOYMENTS}:
            return
        seeded = seed.seeded_deployment(kind)
        if seeded is None:
            raise ValueError(f"no seeded deployment of kind {kind!r}")
        domains = list(seeded.allowed_domains)
        if kind != "other-domain" and host and host.lower() not in domains:
            domains.append(host.lower())
        template = next(d for d in seeded_deployments() if d.id == seeded.id)
        self._state.deployments[deployment_id] = replace(
            template, id=deployment_id, allowed_domains=domains
        )
        log.info("sandbox deployment %s added as a %s deployment", deployment_id, kind)

    @property
    def faults(self) -> frozenset[str]:
        return self._state.faults

    def set_faults(self, names: Iterable[str]) -> None:
        """Switch faults at run time; they apply to attributes landing from now on."""
        self._state.faults = check_faults(names)
        log.info("sandbox faults: %s", ", ".join(sorted(self._state.faults)) or "none")

    @property
    def api_request_count(self) -> int:
        """How many /api/v2 requests were served (all statuses)."""
        return self._state.api_request_count

    def revoke_tokens(self) -> None:
        """Forget every access token, as a revoked OAuth client would: the next call is 401."""
        self._state.revoke_tokens()

    @property
    def request_log(self) -> list[LoggedRequest]:
        """Every HTTP request served so far, in arrival order (a copy)."""
        return list(self._state.request_log)

    @property
    def guest_requests(self) -> list[dict[str, Any]]:
        """Every frame a guest socket sent, parsed, in arrival order (a copy)."""
        return list(self._state.guest_requests)

    def requests_to(self, path: str, method: str | None = None) -> list[LoggedRequest]:
        """The logged requests for one path (and method)."""
        return [
            r
            for r in self._state.request_log
            if r.path == path and (method is None or r.method == method)
        ]


def deployments_json() -> list[dict[str, str]]:
    """Every seeded deployment as `inspector sandbox --json` lists it: kind, id, description."""
    return [
        {"kind": d.kind, "id": d.id, "name": d.name, "description": d.description}
        for d in seed.SEEDED_DEPLOYMENTS
    ]


async def serve(
    port: int = 0,
    *,
    faults: Iterable[str] = (),
    json_output: bool = False,
    out: TextIO = sys.stdout,
) -> None:
    """Run a sandbox org until cancelled, after printing how to reach it on `out`."""
    org = SandboxOrg(port=port, faults=faults)
    await org.start()
    try:
        info = org.info
        if json_output:
            out.write(json.dumps({**info.to_json_dict(), "deployments": deployments_json()}))
            out.write("\n")
        else:
            kind_width = max(len(d.kind) for d in seed.SEEDED_DEPLOYMENTS)
            listed = "".join(
                f"    {d.kind:<{kind_width}}  {d.id}  {d.description}\n"
                for d in seed.SEEDED_DEPLOYMENTS
            )
            out.write(
                f"Sandbox Genesys Cloud org listening on {info.base_url}\n"
                f"  deployment id:  {info.deployment_id}\n"
                f"  allowed origin: {info.origin}\n"
                "  deployments (kind, id, what it is):\n"
                f"{listed}"
                f"  client id:      {info.client_id}\n"
                f"  client secret:  {info.client_secret}\n"
                f"  PKCE client id: {seed.SANDBOX_PKCE_CLIENT_ID} (redirect "
                f"http://127.0.0.1:<port>{seed.SANDBOX_PKCE_REDIRECT_PATH})\n"
                f"  faults:         {', '.join(sorted(org.faults)) or 'none'}\n"
                "Press Ctrl-C to stop.\n"
            )
        out.flush()
        await asyncio.Event().wait()
    finally:
        await org.stop()
