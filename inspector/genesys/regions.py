"""Genesys Cloud regions and the hosts an org is reached on.

Every host is ``<prefix>.<domain>``; the Messenger snippet names the region by ``environment``,
in a long (``prod-euw1``) or short (``euw1``) form, so both are accepted (GENESYS.md, Regions).
A custom base URL (the local simulated org, private hosts) puts every service on one origin.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = [
    "LOOPBACK_HOSTS",
    "REGIONS",
    "SHORT_ENVIRONMENTS",
    "OrgEndpoints",
    "parse_loopback_redirect",
]

#: environment name -> DNS domain, the table in GENESYS.md.
REGIONS: dict[str, str] = {
    "prod": "mypurecloud.com",
    "prod-usw2": "usw2.pure.cloud",
    "prod-cac1": "cac1.pure.cloud",
    "prod-sae1": "sae1.pure.cloud",
    "prod-mxc1": "mxc1.pure.cloud",
    "prod-euw1": "mypurecloud.ie",
    "prod-euw2": "euw2.pure.cloud",
    "prod-euc1": "mypurecloud.de",
    "prod-euc2": "euc2.pure.cloud",
    "prod-aps1": "aps1.pure.cloud",
    "prod-apne1": "mypurecloud.jp",
    "prod-apne2": "apne2.pure.cloud",
    "prod-apne3": "apne3.pure.cloud",
    "prod-apse1": "apse1.pure.cloud",
    "prod-apse2": "mypurecloud.com.au",
    "prod-mec1": "mec1.pure.cloud",
    "fedramp-use2-core": "use2.us-gov-pure.cloud",
}


def _short_name(environment: str) -> str:
    if environment == "prod":
        return "use1"
    return environment.removeprefix("prod-")


#: snippet short name -> environment ("use1" -> "prod", "euw1" -> "prod-euw1"; fedramp as is).
SHORT_ENVIRONMENTS: dict[str, str] = {_short_name(env): env for env in REGIONS}


@dataclass(frozen=True)
class OrgEndpoints:
    """The base URLs of one org's services, without trailing slashes."""

    environment: str | None  # None for a custom domain
    api: str
    login: str
    apps: str
    webmessaging: str
    api_cdn: str

    @classmethod
    def for_environment(cls, environment: str) -> OrgEndpoints:
        """Endpoints of a Genesys Cloud region, by its long or short environment name."""
        name = environment.strip().lower()
        name = SHORT_ENVIRONMENTS.get(name, name)
        domain = REGIONS.get(name)
        if domain is None:
            valid = ", ".join([*REGIONS, *(s for s in SHORT_ENVIRONMENTS if s not in REGIONS)])
            raise ValueError(f"unknown Genesys Cloud environment {environment!r}; valid: {valid}")
        return cls(
            environment=name,
            api=f"https://api.{domain}",
            login=f"https://login.{domain}",
            apps=f"https://apps.{domain}",
            webmessaging=f"wss://webmessaging.{domain}",
            api_cdn=f"https://api-cdn.{domain}",
        )

    @classmethod
    def for_custom_domain(cls, base_url: str) -> OrgEndpoints:
        """Every service on one base URL, e.g. the simulated org at ``http://127.0.0.1:8123``.

        The WebSocket URL follows the scheme (http -> ws, https -> wss), as the transport SDK's
        custom endpoint does (NOTES 21).
        """
        base = base_url.strip().rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(
                f"custom domain must be an http:// or https:// URL with a host, got {base_url!r}"
            )
        ws_scheme = "wss" if parts.scheme == "https" else "ws"
        return cls(
            environment=None,
            api=base,
            login=base,
            apps=base,
            webmessaging=ws_scheme + base[len(parts.scheme) :],
            api_cdn=base,
        )

    @property
    def bootstrap_script_url(self) -> str:
        """The Messenger bootstrap script the snippet loads."""
        return f"{self.apps}/genesys-bootstrap/genesys.min.js"

    @property
    def token_url(self) -> str:
        """The OAuth token endpoint (client credentials, authorization code)."""
        return f"{self.login}/oauth/token"


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def parse_loopback_redirect(redirect_uri: str) -> tuple[str, int, str]:
    """(host, port, path) of an ``http://`` loopback redirect URI with an explicit port."""
    parts = urlsplit(redirect_uri)
    host = (parts.hostname or "").lower()
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme != "http" or host not in LOOPBACK_HOSTS or not port:
        raise ValueError(
            f"the redirect URI must be http://127.0.0.1:PORT/... (or localhost) with the port "
            f"registered on the OAuth client, got {redirect_uri!r}"
        )
    return host, port, parts.path or "/"
