"""Clients that talk to Genesys Cloud: regions, OAuth, the Platform API and the guest socket.

No Qt and no other inspector layer is imported here (DESIGN.md). Errors are all
``GenesysError`` subclasses (see :mod:`inspector.genesys.errors`); ``PlatformClient`` and
``GuestSession`` hold sockets and must be closed (``aclose()`` / ``close()``, or ``async with``).
"""

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
