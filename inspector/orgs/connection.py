"""One org as the app uses it: its long-lived clients, deployment facts and host page."""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Callable, Mapping
from dataclasses import replace

import httpx

from inspector.core import Launcher, VerificationRequest, VerificationResult
from inspector.core.expectations import ScenarioRun
from inspector.core.org_view import HostPageSpec
from inspector.core.polling import DEFAULT_PROPAGATION
from inspector.core.preflight import DeploymentFacts, PreflightCheck, run_preflight
from inspector.core.run_types import StepCallback
from inspector.core.scenario import DEFAULT_PROFILE, Scenario
from inspector.genesys import (
    ApiError,
    ClientCredentialsAuth,
    GenesysError,
    OrgEndpoints,
    PlatformClient,
)
from inspector.orgs.adapters import GuestLauncher, PlatformAdapter
from inspector.orgs.budget import DEFAULT_REQUESTS_PER_MINUTE, RateLimiter
from inspector.orgs.runs import run_on_org, run_scenario
from inspector.orgs.step_errors import step_error
from inspector.sandbox import SEEDED_DEPLOYMENTS, SandboxOrg

__all__ = ["OrgConnection", "sandbox_connection"]

log = logging.getLogger("inspector.app")


class OrgConnection:
    """The long-lived clients for one org. Create once, early (the SSL context is slow)."""

    def __init__(
        self,
        endpoints: OrgEndpoints,
        auth: httpx.Auth,
        *,
        deployment_id: str,
        origin: str,
        label: str,
        profile: str = DEFAULT_PROFILE,
    ) -> None:
        self.endpoints = endpoints
        self.deployment_id = deployment_id
        self.origin = origin
        self.label = label
        # The stored profile's name, as runs are recorded under it ("sandbox" for the sandbox).
        self.profile = profile
        self.platform = PlatformClient(endpoints, auth)
        self.reader = PlatformAdapter(self.platform)
        self.platform.wait_hooks.append(self.reader.record_wait)
        self.platform.on_response = self.reader.record_response
        from inspector.orgs.analytics import AnalyticsAdapter

        # The optional analytics check (run_verification(..., analytics=org.analytics)).
        self.analytics = AnalyticsAdapter(self.platform)
        # Send a run id with the attributes, for the search fallback (real orgs).
        self.tag_runs = False
        # Names that stand for a deployment id on this org (the sandbox's seeded kinds).
        self.deployment_aliases: dict[str, str] = {}
        # The embedded sandbox this connection reaches, if it is one: a website page run
        # sends the page's Genesys requests to it.
        self.sandbox: SandboxOrg | None = None
        # Seconds from a first message to its attributes on this org, from its past runs
        # (core.polling.propagation_estimate): when the first read of the attributes comes.
        self.propagation = DEFAULT_PROPAGATION
        # The org's Platform API budget, shared by the scenarios run on it.
        self.limiter = RateLimiter(DEFAULT_REQUESTS_PER_MINUTE)
        # Deployment facts by id, once remember_deployment_facts() asked for it (a suite).
        self._facts: dict[str, asyncio.Task[DeploymentFacts | None]] | None = None

    def remember_deployment_facts(self) -> None:
        """Read each deployment's public configuration once from now on, not once per run.

        For a suite: its scenarios start together and check the same deployments; the window
        keeps reading them per run (sandbox faults change them between runs).
        """
        if self._facts is None:
            self._facts = {}

    def tagged(self, request: VerificationRequest) -> VerificationRequest:
        """The request with a unique run id when this org may need the search fallback."""
        if not self.tag_runs or request.run_id is not None:
            return request
        return replace(request, run_id=f"inspector-{uuid.uuid4()}")

    @classmethod
    def with_client_credentials(
        cls,
        endpoints: OrgEndpoints,
        *,
        client_id: str,
        client_secret: str,
        deployment_id: str,
        origin: str,
        label: str,
    ) -> OrgConnection:
        auth = ClientCredentialsAuth(endpoints.token_url, client_id, client_secret)
        return cls(endpoints, auth, deployment_id=deployment_id, origin=origin, label=label)

    @property
    def host_page(self) -> HostPageSpec:
        return HostPageSpec(
            bootstrap_url=self.endpoints.bootstrap_script_url,
            environment=self.endpoints.environment or "prod",
            deployment_id=self.deployment_id,
            origin=self.origin,
        )

    def deployment_for(self, name: str | None) -> str:
        """The deployment id for a scenario's or a command's ``deployment`` (None: this org's).

        On the sandbox a seeded kind names its deployment (``headless``); elsewhere the name
        is the id itself.
        """
        if not name:
            return self.deployment_id
        return self.deployment_aliases.get(name.strip().lower(), name.strip())

    async def deployment_facts(self, deployment_id: str | None = None) -> DeploymentFacts | None:
        """What Messenger itself reads first: ``domains.json``, then ``config.json``.

        Both are public (MESSENGER.md, "Loading"), so this needs no token and no permission,
        and works for any deployment id; None when the deployment does not exist (404).
        """
        deployment_id = deployment_id or self.deployment_id
        if self._facts is None:
            return await self._read_deployment_facts(deployment_id)
        task = self._facts.get(deployment_id)
        if task is None:
            # Runs that start together share the one read in flight.
            task = asyncio.ensure_future(self._read_deployment_facts(deployment_id))
            self._facts[deployment_id] = task
        try:
            return await asyncio.shield(task)
        except Exception:
            if self._facts.get(deployment_id) is task:
                del self._facts[deployment_id]  # a failed read is tried again by the next run
            raise

    async def _read_deployment_facts(self, deployment_id: str) -> DeploymentFacts | None:
        try:
            domains = await self.platform.deployment_domains(deployment_id)
            config = await self.platform.deployment_config(deployment_id)
        except ApiError as exc:
            if exc.status != 404:
                raise step_error(exc, "Reading the deployment's public configuration") from exc
            return None
        except GenesysError as exc:
            raise step_error(exc, "Reading the deployment's public configuration") from exc
        return DeploymentFacts(
            id=deployment_id,
            status=config.status,
            allow_all_domains=domains.allow_all_domains,
            allowed_domains=domains.allowed_domains,
            headless=bool(config.headless),
            auto_start=bool(config.auto_start),
            auth=bool(config.auth),
        )

    async def preflight(
        self, attributes: Mapping[str, str], deployment_id: str | None = None
    ) -> list[PreflightCheck]:
        """Judge the deployment, the origin and the attributes before a chat."""
        facts = await self.deployment_facts(deployment_id)
        return run_preflight(facts, self.origin, attributes)

    def guest_launcher(
        self, *, placement: str = "message", deployment_id: str | None = None
    ) -> GuestLauncher:
        """A launcher for one run; ``placement`` is the request's ``attribute_location``."""
        return GuestLauncher(
            self.endpoints, deployment_id or self.deployment_id, self.origin, placement=placement
        )

    async def run(
        self,
        request: VerificationRequest,
        *,
        launcher: Launcher | None = None,
        on_step: StepCallback | None = None,
    ) -> VerificationResult:
        """One verification on this org's deployment, assembled as every run is (`orgs.runs`)."""
        return await run_on_org(self, request, launcher=launcher, on_step=on_step)

    async def run_scenario(
        self, scenario: Scenario, *, on_step: StepCallback | None = None
    ) -> ScenarioRun:
        """One scenario through the guest API, within this org's request budget."""
        return await run_scenario(scenario, self, self.limiter, on_step=on_step)

    def on_wait(self, show: Callable[[str], None]) -> None:
        """Have `show` told, in a sentence, whenever a request waits (a 429, a retry)."""
        self.platform.on_wait = lambda wait: show(wait.describe())

    async def aclose(self) -> None:
        for task in (self._facts or {}).values():
            task.cancel()
        if self._facts:
            await asyncio.wait(list(self._facts.values()))
        await self.platform.aclose()


def sandbox_connection(sandbox: SandboxOrg, deployment_id: str | None = None) -> OrgConnection:
    """The sandbox reached like any org: same clients, over its sockets."""
    info = sandbox.info
    org = OrgConnection.with_client_credentials(
        OrgEndpoints.for_custom_domain(info.base_url),
        client_id=info.client_id,
        client_secret=info.client_secret,
        deployment_id=info.deployment_id,
        origin=info.origin,
        label="Sandbox org",
    )
    org.deployment_aliases = {seeded.kind: seeded.id for seeded in SEEDED_DEPLOYMENTS}
    org.deployment_id = org.deployment_for(deployment_id)
    org.sandbox = sandbox
    return org
