"""The one object the chat page can reach over QWebChannel.

It carries a start command (attributes and first message) into the page and Messenger events
out of it, and nothing else: no tokens, no profile data (the page is a third-party widget).
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

__all__ = ["PageBridge"]

log = logging.getLogger("inspector.bridge")

# Events the page may post; anything else is logged and dropped.
KNOWN_EVENTS = frozenset(
    {
        "bridgeReady",
        "ready",
        "started",
        "attributesSet",
        "message",
        "sizeExceeded",
        "error",
        "disconnected",
        "scriptFailed",
        "pageError",
    }
)


class PageBridge(QObject):
    """Signals: `command(dict)` to the page; `event_received(str, dict)` from it."""

    # QWebChannel hands JS objects over as QVariantMap; the PySide stubs only know types.
    command = Signal("QVariantMap")  # type: ignore[arg-type]
    event_received = Signal(str, "QVariantMap")  # type: ignore[arg-type]

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ready = False
        self._queued: list[dict[str, Any]] = []

    @Slot("QVariantMap")
    def post(self, event: dict[str, Any]) -> None:
        name = str(event.get("event", ""))
        if name not in KNOWN_EVENTS:
            log.warning("Ignoring unknown event from the chat page: %r", name)
            return
        log.debug("page event %s", name)
        if name == "bridgeReady":
            self._ready = True
            for queued in self._queued:
                self.command.emit(queued)
            self._queued.clear()
        self.event_received.emit(name, dict(event))

    def send(self, command: dict[str, Any]) -> None:
        """Deliver now if the page's channel is up, else when it reports ready."""
        if self._ready:
            self.command.emit(command)
        else:
            self._queued.append(command)
