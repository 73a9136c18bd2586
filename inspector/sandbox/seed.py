"""The one org the sandbox simulates: fixed credentials and a seeded web messaging deployment.

The constants are documented on purpose (README, GUI, tests use them); they are not secrets.
"""

from __future__ import annotations

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
