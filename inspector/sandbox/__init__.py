"""The sandbox org: a simulated Genesys Cloud org on 127.0.0.1 speaking the real JSON contract.

It serves OAuth, the Platform API paths the inspector reads, the public deployment config,
the guest (web messaging) WebSocket and a Messenger-compatible bootstrap script, all on one
base URL. It is the other side of the wire: it never imports inspector.core, inspector.ui,
inspector.genesys or Qt.

The server (and aiohttp under it) is imported on first use of ``SandboxOrg``, ``serve``,
``SandboxInfo`` or ``LoggedRequest``: the fault names and the seeded deployments are read by
``inspector --help`` and must not cost the HTTP stack.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inspector import lazy_attribute
from inspector.sandbox.faults import FAULTS
from inspector.sandbox.seed import (
    SANDBOX_ALL_DOMAINS_DEPLOYMENT_ID,
    SANDBOX_AUTH_DEPLOYMENT_ID,
    SANDBOX_AUTOSTART_DEPLOYMENT_ID,
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_DEPLOYMENT_ID,
    SANDBOX_HEADLESS_DEPLOYMENT_ID,
    SANDBOX_INACTIVE_DEPLOYMENT_ID,
    SANDBOX_ORIGIN,
    SANDBOX_OTHER_DOMAIN,
    SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID,
    SANDBOX_PARENT_DOMAIN,
    SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID,
    SANDBOX_PKCE_CLIENT_ID,
    SANDBOX_PKCE_REDIRECT_PATH,
    SEEDED_DEPLOYMENTS,
    SeededDeployment,
    seeded_deployment,
)

if TYPE_CHECKING:
    from inspector.sandbox.server import SandboxInfo, SandboxOrg, serve
    from inspector.sandbox.state import LoggedRequest

_LAZY = {
    "SandboxInfo": "inspector.sandbox.server",
    "SandboxOrg": "inspector.sandbox.server",
    "serve": "inspector.sandbox.server",
    "LoggedRequest": "inspector.sandbox.state",
}

__all__ = [
    "FAULTS",
    "SANDBOX_ALL_DOMAINS_DEPLOYMENT_ID",
    "SANDBOX_AUTH_DEPLOYMENT_ID",
    "SANDBOX_AUTOSTART_DEPLOYMENT_ID",
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "SANDBOX_DEPLOYMENT_ID",
    "SANDBOX_HEADLESS_DEPLOYMENT_ID",
    "SANDBOX_INACTIVE_DEPLOYMENT_ID",
    "SANDBOX_ORIGIN",
    "SANDBOX_OTHER_DOMAIN",
    "SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID",
    "SANDBOX_PARENT_DOMAIN",
    "SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID",
    "SANDBOX_PKCE_CLIENT_ID",
    "SANDBOX_PKCE_REDIRECT_PATH",
    "SEEDED_DEPLOYMENTS",
    "LoggedRequest",
    "SandboxInfo",
    "SandboxOrg",
    "SeededDeployment",
    "seeded_deployment",
    "serve",
]


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _LAZY, name)
