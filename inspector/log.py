"""Logging for every area, with secrets redacted before any handler sees a record.

Area loggers are children of `inspector` (inspector.genesys, inspector.sandbox, inspector.ui,
inspector.web, inspector.js, ...). httpx logs full request lines at INFO; it is kept at WARNING.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

__all__ = ["RedactingFilter", "redact", "setup_logging"]

_PATTERNS = [
    # Authorization headers in any casing, Bearer or Basic.
    (
        re.compile(r"(?i)(authorization['\"]?\s*[:=]\s*['\"]?)(bearer|basic)\s+[^\s'\",}]+"),
        r"\1\2 [redacted]",
    ),
    (re.compile(r"(?i)\b(bearer)\s+[A-Za-z0-9._~+/=-]{8,}"), r"\1 [redacted]"),
    # Token and secret fields in JSON, form bodies and query strings.
    (
        re.compile(
            r"(?i)([\"']?(?:access_token|refresh_token|client_secret|id_token|code_verifier)"
            r"[\"']?\s*[:=]\s*[\"']?)[^\s&\"',}]+"
        ),
        r"\1[redacted]",
    ),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites the formatted message so no handler ever writes a token or secret."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return True


def setup_logging(level: int = logging.INFO, stream: TextIO | None = None) -> None:
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)-7s %(name)s: %(message)s", "%H:%M:%S")
    )
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "aiohttp.access", "asyncio", "qasync"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))
