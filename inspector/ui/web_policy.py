"""What the chat page may navigate to, decided in plain Python so it can be tested without Qt.

The chat page is a third-party widget running with our bridge. It may load frames from the host
page's own origin and from the org's Messenger host (the bootstrap script's origin); anything
else (an ad, a phishing link, a redirect off the org) is refused and logged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

__all__ = ["NavigationDecision", "NavigationPolicy", "messenger_error_code", "origin_of"]

_DEFAULT_PORTS = {"http": 80, "https": 443}
# Blank frames carry no content of their own; Messenger-style widgets create them to write into.
_BLANK_FRAMES = frozenset({"about:blank", "about:srcdoc"})


def origin_of(url: str) -> str | None:
    """`scheme://host:port` with the default port filled in, or None for non-web URLs."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:  # an out-of-range or non-numeric port
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    return f"{scheme}://{parts.hostname.lower()}:{port or _DEFAULT_PORTS[scheme]}"


@dataclass(frozen=True)
class NavigationDecision:
    allowed: bool
    reason: str


@dataclass(frozen=True)
class NavigationPolicy:
    """The origins the chat page may show, in its main frame or in sub-frames."""

    allowed_origins: frozenset[str]

    @classmethod
    def for_host_page(cls, page_origin: str, *org_urls: str) -> NavigationPolicy:
        """The host page's origin plus the origin of each org URL (the Messenger script's)."""
        origins = {origin_of(url) for url in (page_origin, *org_urls)}
        return cls(frozenset(o for o in origins if o is not None))

    def decide(self, url: str, *, main_frame: bool) -> NavigationDecision:
        """Allow only the listed origins; blank sub-frames are harmless and allowed."""
        text = url.strip()
        if not main_frame and text.lower() in _BLANK_FRAMES:
            return NavigationDecision(True, "blank sub-frame")
        origin = origin_of(text)
        if origin is None:
            scheme = urlsplit(text).scheme or "no scheme"
            return NavigationDecision(False, f"scheme {scheme!r} is not allowed")
        if origin in self.allowed_origins:
            return NavigationDecision(True, f"{origin} is the host page's or the org's")
        return NavigationDecision(False, f"{origin} is neither the host page's nor the org's")


_PRECHAT = re.compile(r"pre-?chat", re.IGNORECASE)
# WebSocket close codes for a connection lost rather than refused: 1001 going away,
# 1006 closed without a close frame (RFC 6455, section 7.4.1).
_DROPPED = frozenset({"1001", "1006"})


def messenger_error_code(code: str, message: str) -> str:
    """The diagnosis code for an error Messenger reported in the page.

    Messenger passes on the org's answer: a 403 on the guest connection means the deployment
    or the origin was refused (GENESYS.md, pitfalls); a refusal naming the pre-chat form means
    the deployment wants its answers; a 409 is a read-only session and 4013 attributes over
    maxCustomDataBytes; a socket closed with 1001/1006 was cut on the way.
    Anything else stays a plain Messenger error.
    """
    if _PRECHAT.search(message):
        return "prechat-required"
    if code.strip() == "409":
        # GENESYS.md: "Session is read-only, no new messages allowed".
        return "read-only-session"
    if code.strip() == "4013":
        return "too-large"
    if code.strip() == "403":
        return "guest-refused"
    if code.strip() in _DROPPED:
        return "ws-dropped"
    return "messenger-error"
