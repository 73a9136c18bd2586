"""Logging for every area, with secrets redacted before any handler sees a record.

Area loggers are children of `inspector` (inspector.genesys, inspector.sandbox, inspector.ui,
inspector.web, inspector.js, ...). httpx logs full request lines at INFO; it is kept at WARNING.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import sys
from pathlib import Path
from typing import TextIO

__all__ = [
    "LOG_FILE_NAME",
    "RedactingFilter",
    "add_file_handler",
    "install_qt_message_handler",
    "redact",
    "setup_logging",
]

LOG_FILE_NAME = "inspector.log"
_FORMAT = "%(asctime)s %(levelname)-7s %(name)s: %(message)s"

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
    handler.setFormatter(logging.Formatter(_FORMAT, "%H:%M:%S"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "aiohttp.access", "asyncio", "qasync"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def add_file_handler(
    log_dir: Path, level: int = logging.DEBUG, *, max_bytes: int = 2_000_000, backups: int = 4
) -> Path:
    """A rotating `inspector.log` in `log_dir` next to the console; returns the file's path.

    The file keeps DEBUG even when the console is quiet, so a user can send it after a
    problem. Records below `level` that the root logger already drops never reach it: the root
    is lowered to `level` and the console handler keeps its own threshold.
    """
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / LOG_FILE_NAME
    handler = logging.handlers.RotatingFileHandler(
        path, maxBytes=max_bytes, backupCount=backups, encoding="utf-8", delay=True
    )
    handler.setFormatter(logging.Formatter(_FORMAT))
    handler.setLevel(level)
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for existing in root.handlers:
        if existing.level == logging.NOTSET:
            # The console was set up to follow the root's level; pin it before lowering the root.
            existing.setLevel(root.level)
    root.addHandler(handler)
    root.setLevel(min(root.level, level))
    return path


# Qt and QtWebEngine messages that are expected without a GPU or on the offscreen platform
# (measured on Debian 12, PySide6 6.11.3): logged at DEBUG so real warnings stand out, as
# qutebrowser's utils/qtlog.py does for its known noise.
_QT_NOISE = (
    "This plugin does not support propagateSizeHints()",
    "This plugin does not support createPlatformVulkanInstance",
    "QVulkanInstance: Failed to initialize Vulkan",
    "GBM is not supported with the current configuration",
    "QRhiGles2: Failed to create",
    "Failed to create RHI for backend",
    "GPUInfo not initialized",
    "Sandboxing disabled by user.",
)


def install_qt_message_handler() -> None:
    """Route Qt's own warnings (qWarning, QtWebEngine, plugins) into the `inspector.qt` log.

    Without it they go straight to stderr and never reach the log file. Imports Qt lazily so
    the rest of this module stays usable before, or without, Qt.
    """
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    qt_log = logging.getLogger("inspector.qt")
    levels = {
        QtMsgType.QtDebugMsg: logging.DEBUG,
        QtMsgType.QtInfoMsg: logging.INFO,
        QtMsgType.QtWarningMsg: logging.WARNING,
        QtMsgType.QtCriticalMsg: logging.ERROR,
        QtMsgType.QtFatalMsg: logging.CRITICAL,
    }

    def handler(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        category = context.category or ""
        prefix = f"[{category}] " if category and category != "default" else ""
        level = levels.get(kind, logging.WARNING)
        if level < logging.ERROR and message.startswith(_QT_NOISE):
            level = logging.DEBUG
        qt_log.log(level, "%s%s", prefix, message)

    qInstallMessageHandler(handler)
