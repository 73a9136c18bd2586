"""The one org the sandbox simulates: fixed credentials and a seeded web messaging deployment.

The constants are documented on purpose (README, GUI, tests use them); they are not secrets.
"""

from __future__ import annotations

from dataclasses import dataclass

SANDBOX_CLIENT_ID = "inspector-sandbox"
SANDBOX_CLIENT_SECRET = "sandbox-secret-not-for-production"
SANDBOX_DEPLOYMENT_ID = "7c3f9a52-0e1b-4d8a-9c64-5b2e8f1a3d70"
SANDBOX_ORIGIN = "https://shop.example.com"
SANDBOX_ALLOWED_DOMAIN = "shop.example.com"

# A public OAuth client for the browser sign-in (authorization code + PKCE, no secret). Its
# registered redirect is loopback on any port, as RFC 8252 §7.3 asks of loopback IP redirects
# (SandboxOrg(pkce_redirect_port=...) pins one port, as a real org's registration does).
SANDBOX_PKCE_CLIENT_ID = "inspector-sandbox-pkce"
SANDBOX_PKCE_REDIRECT_PATH = "/callback"
LOOPBACK_REDIRECT_HOSTS = ("127.0.0.1", "localhost", "[::1]")
AUTHORIZATION_CODE_LIFETIME = 60.0  # seconds a code may wait for its exchange

# More deployments, for pre-flight checks: one per way a deployment refuses a page.
SANDBOX_INACTIVE_DEPLOYMENT_ID = "0b6c1d2e-3f40-4a51-8b62-7c83d94ea5f6"
SANDBOX_ALL_DOMAINS_DEPLOYMENT_ID = "1c7d2e3f-4051-4b62-9c73-8d94ea5fb607"
SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID = "2d8e3f40-5162-4c73-ad84-9ea5fb60c718"
SANDBOX_OTHER_DOMAIN = "support.example.org"
# One per Messenger configuration that changes how the page behaves (MESSENGER.md, "Native UI vs
# headless"): the main deployment above has the native UI on, as on most orgs.
SANDBOX_HEADLESS_DEPLOYMENT_ID = "3e9f4051-6273-4d84-be95-afb60c7d8e29"
SANDBOX_AUTOSTART_DEPLOYMENT_ID = "4fa05162-7384-4e95-8fa6-b0c7d8e9fa3a"
SANDBOX_AUTH_DEPLOYMENT_ID = "5ab16273-8495-4fa6-90b7-c1d8e9fa0b4b"
# Allows the parent domain of the page's host: shop.example.com matches it (MESSENGER.md,
# "Domain check": an entry allows itself and every subdomain).
SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID = "6bc27384-95a6-4ab7-a1c8-d2e9fa0b1c5c"
SANDBOX_PARENT_DOMAIN = "example.com"

DEPLOYMENT_NAME = "Sandbox Web Messenger Deployment"
DEPLOYMENT_CREATED = "2024-01-10T09:00:00.000Z"
DEPLOYMENT_MODIFIED = "2024-03-01T12:00:00.000Z"
CONFIGURATION_ID = "5b3d2f90-6a41-4c1e-8f0d-0c0f19e5a7b2"
CONFIGURATION_NAME = "Sandbox Messenger Configuration"
CONFIGURATION_VERSION = "3"  # a string, as in WebDeployment.json and config.json (NOTES 32)
FLOW_ID = "4a2c1e8f-9b7d-4e21-8c53-00000000f10e"
FLOW_NAME = "Sandbox Inbound Message Flow"
ADMIN_USER_ID = "7d92d64c-4b62-4c42-9faa-ef6d5d6456d1"
DIVISION_ID = "235a0cf9-7d53-43e1-928e-520327a7e38f"

# Guest session limits advertised in SessionResponse / GetConfigurationResponse.
MAX_CUSTOM_DATA_BYTES = 2048
# Longest guest text before 4011 "message too long" (error-message-too-long-4011.json). The
# web messaging limit is not published in the sources; 4000 characters is the documented limit
# of Genesys Cloud message bodies in web chat (SDK model CreateWebChatMessageRequest.body).
MAX_MESSAGE_CHARACTERS = 4000
SESSION_DURATION_SECONDS = 3600  # the value in echo.response.with-session-duration.json
ALLOWED_FILE_TYPES = ("image/png", "image/jpeg", "image/gif")
MAX_FILE_SIZE_KB = 10240
BLOCKED_EXTENSIONS = (".ade", ".adp", ".bat", ".exe", ".js", ".vbs")

# Platform API rate limit reported in the inin-ratelimit-* headers (GENESYS.md: ~300/min/token).
RATE_LIMIT_ALLOWED = 300
RATE_LIMIT_WINDOW_SECONDS = 60
RATE_LIMIT_RETRY_AFTER = 1  # seconds, the rate-limit fault's default Retry-After

# The guest API allows "a few messages per second" per session (GENESYS.md).
GUEST_MESSAGES_PER_SECOND = 10
GUEST_RETRY_AFTER_SECONDS = 3  # as in error-too-many-requests-4029.json

DEFAULT_TOKEN_LIFETIME = 86399  # oauth-token-response.json expires_in

# Fault tuning: the late-attributes fault lands attributes after longer than the default
# 20 s timeout; the slow fault delays every answer by this much.
LATE_ATTRIBUTES_DELAY = 25.0
SLOW_LATENCY = 1.0


@dataclass(frozen=True)
class SeededDeployment:
    """One deployment of the sandbox org, by the kind of Messenger configuration it has.

    `kind` is the name a user picks it by (`--deployment headless`, `deployment: headless` in a
    scenario file, the window's deployment list); `id` is what a real org would use.
    """

    kind: str
    id: str
    name: str
    description: str
    allowed_domains: tuple[str, ...] = (SANDBOX_ALLOWED_DOMAIN,)
    allow_all_domains: bool = False
    status: str = "Active"
    headless: bool = False  # config.json headlessMode.enabled
    auto_start: bool = False  # messenger.apps.conversations.autoStart.enabled
    auth: bool = False  # auth.enabled


SEEDED_DEPLOYMENTS: tuple[SeededDeployment, ...] = (
    SeededDeployment(
        "native-ui",
        SANDBOX_DEPLOYMENT_ID,
        DEPLOYMENT_NAME,
        "Messenger with its own launcher and window, as on most orgs",
    ),
    SeededDeployment(
        "headless",
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        "Sandbox Headless Deployment",
        "the User Interface toggle off: the page drives MessagingService itself",
        headless=True,
    ),
    SeededDeployment(
        "autostart",
        SANDBOX_AUTOSTART_DEPLOYMENT_ID,
        "Sandbox Auto-start Deployment",
        "the conversation starts with a Join event carrying the attributes",
        auto_start=True,
    ),
    SeededDeployment(
        "authenticated",
        SANDBOX_AUTH_DEPLOYMENT_ID,
        "Sandbox Authenticated Deployment",
        "authenticated Messenger: the page needs an AuthProvider sign-in",
        auth=True,
    ),
    SeededDeployment(
        "parent-domain",
        SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID,
        "Sandbox Parent Domain Deployment",
        f"allows {SANDBOX_PARENT_DOMAIN}, so {SANDBOX_ALLOWED_DOMAIN} is allowed as a subdomain",
        allowed_domains=(SANDBOX_PARENT_DOMAIN,),
    ),
    SeededDeployment(
        "inactive",
        SANDBOX_INACTIVE_DEPLOYMENT_ID,
        "Sandbox Inactive Deployment",
        "status Inactive: Messenger loads no product",
        status="Inactive",
    ),
    SeededDeployment(
        "other-domain",
        SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID,
        "Sandbox Support Site Deployment",
        f"allows only {SANDBOX_OTHER_DOMAIN}: the page's domain is not allowed",
        allowed_domains=(SANDBOX_OTHER_DOMAIN,),
    ),
    SeededDeployment(
        "all-domains",
        SANDBOX_ALL_DOMAINS_DEPLOYMENT_ID,
        "Sandbox All Domains Deployment",
        "allows every domain",
        allowed_domains=(),
        allow_all_domains=True,
    ),
)


def seeded_deployment(kind_or_id: str) -> SeededDeployment | None:
    """The seeded deployment with this kind name or id (case-insensitive), or None."""
    wanted = kind_or_id.strip().lower()
    for seeded in SEEDED_DEPLOYMENTS:
        if wanted in (seeded.kind, seeded.id):
            return seeded
    return None
