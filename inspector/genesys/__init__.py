"""Clients that talk to Genesys Cloud: regions, OAuth, the Platform API and the guest socket.

No Qt and no other inspector layer is imported here (DESIGN.md). Errors are all
``GenesysError`` subclasses (see :mod:`inspector.genesys.errors`); ``PlatformClient`` and
``GuestSession`` hold sockets and must be closed (``aclose()`` / ``close()``, or ``async with``).

Names are imported from their modules on first use: the headless guest path loads the
guest client and websockets, not aiohttp, httpx, OAuth or PKCE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from inspector import lazy_attribute

if TYPE_CHECKING:
    from .auth import BearerTokenAuth, ClientCredentialsAuth
    from .errors import (
        ApiError,
        AuthError,
        GenesysError,
        GuestConnectionClosed,
        GuestError,
        NetworkError,
        RateLimitPaused,
        RequestTimeout,
        ResponseFormatError,
        SignInError,
    )
    from .guest import GuestSession
    from .models import (
        AttributeSearchPage,
        AttributeSearchRow,
        Conversation,
        DeploymentConfig,
        DeploymentDomains,
        GuestMessage,
        MessageDetails,
        Participant,
        ParticipantData,
        SessionInfo,
        WebDeployment,
    )
    from .pkce import AuthorizationCodeAuth, TokenSet, sign_in_with_pkce
    from .platform import PlatformClient
    from .regions import REGIONS, SHORT_ENVIRONMENTS, OrgEndpoints
    from .retry import RateLimitInfo, RetryPolicy, RetryWait

_LAZY = {
    "BearerTokenAuth": "inspector.genesys.auth",
    "ClientCredentialsAuth": "inspector.genesys.auth",
    "ApiError": "inspector.genesys.errors",
    "AuthError": "inspector.genesys.errors",
    "GenesysError": "inspector.genesys.errors",
    "GuestConnectionClosed": "inspector.genesys.errors",
    "GuestError": "inspector.genesys.errors",
    "NetworkError": "inspector.genesys.errors",
    "RateLimitPaused": "inspector.genesys.errors",
    "RequestTimeout": "inspector.genesys.errors",
    "ResponseFormatError": "inspector.genesys.errors",
    "SignInError": "inspector.genesys.errors",
    "GuestSession": "inspector.genesys.guest",
    "AttributeSearchPage": "inspector.genesys.models",
    "AttributeSearchRow": "inspector.genesys.models",
    "Conversation": "inspector.genesys.models",
    "DeploymentConfig": "inspector.genesys.models",
    "DeploymentDomains": "inspector.genesys.models",
    "GuestMessage": "inspector.genesys.models",
    "MessageDetails": "inspector.genesys.models",
    "Participant": "inspector.genesys.models",
    "ParticipantData": "inspector.genesys.models",
    "SessionInfo": "inspector.genesys.models",
    "WebDeployment": "inspector.genesys.models",
    "AuthorizationCodeAuth": "inspector.genesys.pkce",
    "TokenSet": "inspector.genesys.pkce",
    "sign_in_with_pkce": "inspector.genesys.pkce",
    "PlatformClient": "inspector.genesys.platform",
    "REGIONS": "inspector.genesys.regions",
    "SHORT_ENVIRONMENTS": "inspector.genesys.regions",
    "OrgEndpoints": "inspector.genesys.regions",
    "RateLimitInfo": "inspector.genesys.retry",
    "RetryPolicy": "inspector.genesys.retry",
    "RetryWait": "inspector.genesys.retry",
}

__all__ = [
    "REGIONS",
    "SHORT_ENVIRONMENTS",
    "ApiError",
    "AttributeSearchPage",
    "AttributeSearchRow",
    "AuthError",
    "AuthorizationCodeAuth",
    "BearerTokenAuth",
    "ClientCredentialsAuth",
    "Conversation",
    "DeploymentConfig",
    "DeploymentDomains",
    "GenesysError",
    "GuestConnectionClosed",
    "GuestError",
    "GuestMessage",
    "GuestSession",
    "MessageDetails",
    "NetworkError",
    "OrgEndpoints",
    "Participant",
    "ParticipantData",
    "PlatformClient",
    "RateLimitInfo",
    "RateLimitPaused",
    "RequestTimeout",
    "ResponseFormatError",
    "RetryPolicy",
    "RetryWait",
    "SessionInfo",
    "SignInError",
    "TokenSet",
    "WebDeployment",
    "sign_in_with_pkce",
]


def __getattr__(name: str) -> Any:
    return lazy_attribute(__name__, _LAZY, name)
