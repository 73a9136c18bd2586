"""Clients that talk to Genesys Cloud: regions, OAuth, the Platform API and the guest socket.

No Qt and no other inspector layer is imported here (DESIGN.md). Errors are all
``GenesysError`` subclasses (see :mod:`inspector.genesys.errors`); ``PlatformClient`` and
``GuestSession`` hold sockets and must be closed (``aclose()`` / ``close()``, or ``async with``).
"""

from .auth import ClientCredentialsAuth
from .errors import (
    ApiError,
    AuthError,
    GenesysError,
    GuestConnectionClosed,
    GuestError,
    NetworkError,
    RequestTimeout,
    ResponseFormatError,
)
from .guest import GuestSession
from .models import (
    Conversation,
    DeploymentConfig,
    GuestMessage,
    MessageDetails,
    Participant,
    SessionInfo,
    WebDeployment,
)
from .platform import PlatformClient
from .regions import REGIONS, SHORT_ENVIRONMENTS, OrgEndpoints

__all__ = [
    "REGIONS",
    "SHORT_ENVIRONMENTS",
    "ApiError",
    "AuthError",
    "ClientCredentialsAuth",
    "Conversation",
    "DeploymentConfig",
    "GenesysError",
    "GuestConnectionClosed",
    "GuestError",
    "GuestMessage",
    "GuestSession",
    "MessageDetails",
    "NetworkError",
    "OrgEndpoints",
    "Participant",
    "PlatformClient",
    "RequestTimeout",
    "ResponseFormatError",
    "SessionInfo",
    "WebDeployment",
]
