"""The embedded chat: a fresh web profile per run, the host page, and the bridge into it.

A fresh off-the-record profile per run matters: Messenger keeps its guest session in
localStorage, so a shared profile would silently resume the previous chat instead of starting
a new one with the new attributes.

The page itself, locked down, is chat_page.ChatPage; it has no developer tools unless
INSPECTOR_DEVTOOLS=1.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from inspector.core.org_view import HostPageSpec

if TYPE_CHECKING:
    from PySide6.QtWebEngineCore import QWebEngineProfile

    from inspector.ui.bridge import PageBridge
    from inspector.ui.chat_page import ChatPage

__all__ = [
    "CHAT_ENDED_TEXT",
    "CHAT_IDLE_TEXT",
    "DEVTOOLS_ENV",
    "ChatView",
    "devtools_requested",
]

CHAT_IDLE_TEXT = (
    "The chat widget appears here when you press Start.\n\n"
    "It is the deployment's Messenger, started with the attributes on the right."
)
CHAT_ENDED_TEXT = "Conversation ended: this test chat takes no more messages. Start runs a new one."

# Set to 1 to get Chromium's developer tools for the chat page (a separate window).
DEVTOOLS_ENV = "INSPECTOR_DEVTOOLS"
# QtWebEngine's own switch for remote developer tools (Qt WebEngine Debugging docs).
_REMOTE_DEBUGGING_ENV = "QTWEBENGINE_REMOTE_DEBUGGING"

log = logging.getLogger("inspector.web")


def devtools_requested() -> bool:
    """Developer tools stay off unless INSPECTOR_DEVTOOLS=1 asks for them."""
    return os.environ.get(DEVTOOLS_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


class ChatView(QWidget):
    """Holds the web view; each `load_chat` uses a new profile, page and bridge.

    Making a profile and a page and deleting the last ones block the event loop for tens of
    milliseconds, so they happen between runs (`prepare_next`, when the window is idle): the
    next chat's profile and page wait ready, and a dropped chat is parked, hidden and
    silenced, until then.

    Signals:
        page_event(str, dict): an event the chat page posted through the bridge.
        console_error(str): an error in the page's console, as "source:line: message".
        refused(str): a navigation, window, permission or certificate the page was refused.
    """

    page_event = Signal(str, "QVariantMap")  # type: ignore[arg-type]
    console_error = Signal(str)
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None, *, devtools: bool | None = None) -> None:
        super().__init__(parent)
        self.devtools = devtools_requested() if devtools is None else devtools
        self._placeholder = QLabel(CHAT_IDLE_TEXT, self)
        self._placeholder.setWordWrap(True)
        self._placeholder.setStyleSheet("color: #5f6b7a; padding: 24px; font-size: 13px;")
        self._placeholder.setAlignment(self._placeholder.alignment().AlignCenter)
        self.view = QWebEngineView(self)
        if not self.devtools:
            # The default menu offers "Inspect", "Open link in new window", "Save page".
            self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self._devtools_view: QWebEngineView | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        self._stack = QStackedLayout()
        outer.addLayout(self._stack, 1)
        self._stack.addWidget(self._placeholder)
        self._stack.addWidget(self.view)
        # Once the conversation ended, a veil over the page greys its input box and Send and
        # takes the clicks meant for them: a message typed there would start a conversation
        # no run reads. MESSENGER.md does not say what Messenger's composer does after a
        # disconnect (only that conversationDisconnect is of type Send or ReadOnly), so the
        # stand-in's is left as it is and the window veils it, whatever the widget does.
        # Qt composes widgets over a QWebEngineView: a translucent child raised above the
        # view's own render widget shows over the page.
        self._veil = QWidget(self.view)
        self._veil.setObjectName("chat-ended-veil")
        self._veil.setAttribute(Qt.WidgetAttribute.WA_StyledBackground)
        self._veil.setStyleSheet("#chat-ended-veil { background: rgba(246, 248, 250, 150); }")
        self._veil.hide()
        # Said under the page, not over it, where it would hide Messenger's own launcher.
        self.ended_note = QLabel(CHAT_ENDED_TEXT, self)
        self.ended_note.setWordWrap(True)
        self.ended_note.setStyleSheet("color: #3b4654; font-weight: 600; padding: 6px 12px;")
        self.ended_note.hide()
        outer.addWidget(self.ended_note)
        self.view.installEventFilter(self)
        self.page_event.connect(self._on_own_page_event)
        self._profile: QWebEngineProfile | None = None
        self._page: ChatPage | None = None
        self._bridge: PageBridge | None = None
        # The next chat, made ahead: its profile, page and bridge.
        self._spare: tuple[QWebEngineProfile, ChatPage, PageBridge] | None = None
        # Chats dropped during a run: deleted by prepare_next, not while a run waits.
        self._parked: list[tuple[ChatPage, QWebEngineProfile]] = []

    @property
    def page(self) -> ChatPage | None:
        return self._page

    def placeholder_text(self) -> str:
        """What the chat pane says when no chat is shown."""
        return self._placeholder.text()

    @property
    def ended(self) -> bool:
        """True once the page said its conversation ended (the input is veiled)."""
        return self._veil.isVisible()

    @Slot(str, "QVariantMap")
    def _on_own_page_event(self, name: str, _data: dict[str, Any]) -> None:
        if name == "disconnected" and self._page is not None:
            self._veil.setGeometry(self.view.rect())
            self._veil.show()
            self._veil.raise_()
            self.ended_note.show()
            # Keys too: a disabled view (and its render widget) gets no input; it still paints.
            self.view.setEnabled(False)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.view and event.type() == QEvent.Type.Resize:
            self._veil.setGeometry(self.view.rect())
        return super().eventFilter(watched, event)

    def _lift_veil(self) -> None:
        self._veil.hide()
        self.ended_note.hide()
        self.view.setEnabled(True)

    def _new_chat(self) -> tuple[QWebEngineProfile, ChatPage, PageBridge]:
        """A fresh off-the-record profile with its page and bridge (not shown yet)."""
        from inspector.ui.chat_page import new_chat  # with the first chat, not the window

        return new_chat(self, self._page_event)

    def _page_event(self, bridge: PageBridge, name: str, data: dict[str, Any]) -> None:
        if bridge is self._bridge:  # a dropped chat's page is not heard any more
            self.page_event.emit(name, data)

    def prepare_next(self) -> None:
        """Delete the dropped chats and make the next one: call when the window is idle."""
        if self._spare is None:
            self._spare = self._new_chat()
        parked, self._parked = self._parked, []
        if any(page is self.view.page() for page, _ in parked):
            self.view.setPage(self._spare[1])  # blank, behind the placeholder
        for page, profile in parked:
            page.destroyed.connect(profile.deleteLater)
            page.deleteLater()

    def load_chat(self, spec: HostPageSpec) -> None:
        """Start from a clean browser state: new off-the-record profile, page and bridge."""
        self._drop_page()
        self._lift_veil()
        profile, page, bridge = self._spare or self._new_chat()
        self._spare = None
        from inspector.ui.chat_page import render_host_page
        from inspector.ui.web_policy import NavigationPolicy

        page.policy = NavigationPolicy.for_host_page(spec.origin, spec.bootstrap_url)
        page.console_error.connect(self.console_error)
        page.refused.connect(self.refused)
        self._profile, self._page, self._bridge = profile, page, bridge
        self.view.setPage(page)
        self._stack.setCurrentWidget(self.view)
        base = QUrl(spec.origin.rstrip("/") + "/")
        log.info(
            "Loading the chat host page as %s (Messenger from %s)",
            base.toString(),
            spec.bootstrap_url,
        )
        if self.devtools:
            self._show_devtools(page)
        elif os.environ.get(_REMOTE_DEBUGGING_ENV):
            # Chromium serves every page on this port, whatever the settings here say.
            log.warning(
                "%s is set: the chat page is open to remote debugging", _REMOTE_DEBUGGING_ENV
            )
        page.load_host_page(render_host_page(spec), base)

    def reset(self, text: str) -> None:
        """Drop the previous run's chat and say what comes instead (a new run's first step)."""
        self._drop_page()
        self._lift_veil()
        self._placeholder.setText(text)
        self._stack.setCurrentWidget(self._placeholder)

    def _show_devtools(self, page: ChatPage) -> None:
        if self._devtools_view is None:
            self._devtools_view = QWebEngineView()
            self._devtools_view.setWindowTitle("Inspector chat page: developer tools")
            self._devtools_view.resize(900, 600)
        page.setDevToolsPage(self._devtools_view.page())
        self._devtools_view.show()

    def start_chat(
        self, attributes: Mapping[str, str], first_message: str, *, late: bool = False
    ) -> None:
        """Start the chat; ``late`` sets the attributes after the first message, as a website
        with that mistake does."""
        if self._bridge is None:
            raise RuntimeError("load_chat() first")
        command: dict[str, Any] = {
            "type": "start",
            "attributes": dict(attributes),
            "text": first_message,
            "late": late,
        }
        self._bridge.send(command)

    def _drop_page(self, *, now: bool = False) -> None:
        if self._page is None or self._profile is None:
            return
        page, profile = self._page, self._profile
        self._page = self._profile = self._bridge = None
        page.console_error.disconnect(self.console_error)
        page.refused.disconnect(self.refused)
        if not now:
            # Hidden behind the placeholder, stopped and unheard until prepare_next.
            page.triggerAction(page.WebAction.Stop)
            self._parked.append((page, profile))
            return
        from inspector.ui.chat_page import release_page

        release_page(self.view, page, profile, now=True)

    def shutdown(self) -> None:
        """Delete the chat's pages and profiles now: deferred deletes may never run at exit."""
        self._drop_page(now=True)
        chats = list(self._parked)
        if self._spare is not None:
            profile, page, _ = self._spare
            chats.append((page, profile))
        self._spare = None
        self._parked = []
        if chats:
            from PySide6.QtWebEngineCore import QWebEnginePage

            self.view.setPage(QWebEnginePage(self.view))
        for page, profile in chats:
            shiboken6.delete(page)
            shiboken6.delete(profile)
        if self._devtools_view is not None:
            view, self._devtools_view = self._devtools_view, None
            view.close()
            shiboken6.delete(view)
