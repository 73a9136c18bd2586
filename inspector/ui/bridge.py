"""The one object the chat page can reach over QWebChannel.

It carries a start command (attributes and first message) into the page and Messenger events
out of it, and nothing else: no tokens, no profile data (the page is a third-party widget).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

__all__ = ["PageBridge"]

log = logging.getLogger("inspector.bridge")

# Events the page may post; anything else is logged and dropped.
KNOWN_EVENTS = frozenset(
    {
        "bridgeReady",
        "config",
        "domainNotAllowed",
        "databaseReady",
        "opening",
        "opened",
        "openFailed",
        "ready",
        "started",
        "readOnly",
        "attributesSet",
        "sending",
        "message",
        "sizeExceeded",
        "error",
        "sendFailed",
        "setFailed",
        "disconnected",
        "scriptFailed",
        "pageError",
        "pageWarning",
    }
)


class PageBridge(QObject):
    """Signal `command(dict)` to the page; events from it go to the `on_event` callback.

    QWebChannel shows the page every signal, slot and property of this object, so it has
    only `command` and `post` (plus QObject's own `deleteLater`, `destroyed`, `objectName`).
    Events leave through a plain callback, not a signal the page could listen to.
    """

    # QWebChannel hands JS objects over as QVariantMap; the PySide stubs only know types.
    command = Signal("QVariantMap")  # type: ignore[arg-type]

    def __init__(
        self,
        on_event: Callable[[str, dict[str, Any]], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._on_event = on_event
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
        self._on_event(name, dict(event))

    def send(self, command: dict[str, Any]) -> None:
        """Deliver now if the page's channel is up, else when it reports ready."""
        if self._ready:
            self.command.emit(command)
        else:
            self._queued.append(command)
