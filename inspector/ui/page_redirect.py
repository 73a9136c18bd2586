"""Which of a website page's requests go to the sandbox org, decided in plain Python.

On the sandbox, the admin's page runs unchanged: only the requests Messenger makes to a
region's Genesys hosts are sent to the sandbox instead. Those hosts are `apps.<domain>` (the
bootstrap script and Messenger's assets), `api-cdn.<domain>` (domains.json, config.json) and
`webmessaging.<domain>` (the guest WebSocket), for any region's domain (GENESYS.md, "Regions";
MESSENGER.md, "Loading"). The path and query are kept: the sandbox serves the same paths on one
origin. Everything else of the page (its own scripts, images, analytics) is left alone.

Measured with QtWebEngine 6.11.3 (tests/gui/test_website_page.py):
- The profile's request interceptor sees WebSocket handshakes (ResourceTypeWebSocket), and a
  `wss://webmessaging.<domain>` request redirected to `ws://127.0.0.1:<port>` opens, with the
  page's `Origin` header kept: a page's own guest client reaches the sandbox as it is.
- Scripts redirected this way load (styles and images are fetched without CORS too; not
  measured). A `fetch()` redirected to another origin does not: Qt answers the redirect
  itself with an `Access-Control-Allow-Origin` of the target's origin, which the page's CORS
  check refuses. So the sandbox's Messenger reads
  domains.json and config.json from the sandbox's own origin (it is served knowing it, as the
  real script knows its region's hosts), and config.json names the sandbox as the messaging
  endpoint; a local page's own `fetch()` of its own origin is left unserved for the same
  reason (only the page's files: scripts, styles, images).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

__all__ = ["GENESYS_PREFIXES", "LocalFiles", "SandboxRedirect", "deployment_in_url"]

GENESYS_PREFIXES = ("apps", "api-cdn", "webmessaging")

_DEPLOYMENT_PATH = re.compile(r"/deployments/([^/?#]+)/")
_DEPLOYMENT_QUERY = re.compile(r"(?:^|&)deploymentId=([^&#]+)")


def deployment_in_url(url: str) -> str | None:
    """The deployment id a Messenger request names (config path or socket query), if any."""
    parts = urlsplit(url)
    found = _DEPLOYMENT_PATH.search(parts.path) or _DEPLOYMENT_QUERY.search(parts.query)
    return found.group(1) if found else None


@dataclass(frozen=True)
class SandboxRedirect:
    """Maps Genesys hosts of the given region domains to the sandbox's base URL."""

    base_url: str  # http://127.0.0.1:<port>
    domains: frozenset[str]

    @classmethod
    def for_domains(cls, base_url: str, domains: Iterable[str]) -> SandboxRedirect:
        return cls(base_url.rstrip("/"), frozenset(d.lower() for d in domains))

    def is_genesys(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        prefix, _, domain = host.partition(".")
        return prefix in GENESYS_PREFIXES and domain in self.domains

    def is_sandbox(self, url: str) -> bool:
        """A request already for the sandbox (its script fetches the config from there)."""
        return urlsplit(url).netloc == urlsplit(self.base_url).netloc

    def target(self, url: str) -> str | None:
        """The sandbox URL for a Genesys request, or None to leave the request alone."""
        if not self.is_genesys(url):
            return None
        parts = urlsplit(url)
        base = urlsplit(self.base_url)
        if parts.scheme.lower() in ("ws", "wss"):
            scheme = "wss" if base.scheme == "https" else "ws"
        else:
            scheme = base.scheme
        return urlunsplit((scheme, base.netloc, parts.path, parts.query, ""))


@dataclass(frozen=True)
class LocalFiles:
    """A local page's own files (scripts, styles, images next to it), served under its origin.

    A page opened from a file asks its origin for `app.js`; the files that exist in its folder
    come from a local server instead, so the page's own code runs as on the website. Only
    those files: any other request to the origin goes where it would go.
    """

    origin: str  # https://shop.example.com
    base_url: str  # http://127.0.0.1:<port>
    names: frozenset[str]  # paths relative to the page's folder, with "/"

    def target(self, url: str) -> str | None:
        parts = urlsplit(url)
        here = urlsplit(self.origin)
        if (parts.scheme, parts.netloc) != (here.scheme, here.netloc):
            return None
        name = parts.path.lstrip("/")
        if name not in self.names:
            return None
        base = urlsplit(self.base_url)
        return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, ""))
