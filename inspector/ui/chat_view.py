"""The embedded chat: a fresh web profile per run, the host page, and the bridge into it.

A fresh off-the-record profile per run matters: Messenger keeps its guest session in
localStorage, so a shared profile would silently resume the previous chat instead of starting
a new one with the new attributes.

The page is a third-party widget running next to our bridge, so it is locked down: it may
show only the host page's origin and the org's Messenger origin (web_policy.py), opens no
windows, gets no permission (camera, microphone, location, clipboard, notifications), never
gets past a certificate error, and has no developer tools unless INSPECTOR_DEVTOOLS=1.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QFile,
    QIODevice,
    QObject,
    Qt,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEngineCertificateError,
    QWebEnginePage,
    QWebEnginePermission,
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineSettings,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QLabel, QStackedLayout, QVBoxLayout, QWidget

from inspector.core.org_view import HostPageSpec
from inspector.runtime.resources import read_text
from inspector.ui.bridge import PageBridge
from inspector.ui.web_policy import NavigationPolicy

__all__ = [
    "CHAT_ENDED_TEXT",
    "CHAT_IDLE_TEXT",
    "DEVTOOLS_ENV",
    "ChatPage",
    "ChatView",
    "channel_script",
    "devtools_requested",
    "release_page",
    "render_host_page",
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
js_log = logging.getLogger("inspector.js")


def _js_literal(value: str) -> str:
    # json.dumps gives a valid JS string; "</" must not close the <script> element early.
    return json.dumps(value).replace("</", "<\\/")


def render_host_page(spec: HostPageSpec) -> str:
    """The host page with the official snippet pointed at this org's Messenger script."""
    host = QUrl(spec.bootstrap_url).host() or spec.bootstrap_url
    return (
        read_text("host.html")
        .replace("__BOOTSTRAP_URL__", _js_literal(spec.bootstrap_url))
        .replace("__ENVIRONMENT__", _js_literal(spec.environment))
        .replace("__DEPLOYMENT_ID__", _js_literal(spec.deployment_id))
        .replace("__BOOTSTRAP_HOST__", host.replace("<", "&lt;"))
    )


def _bridge_script() -> QWebEngineScript:
    """qwebchannel.js plus our bootstrap, injected before the page's own scripts run."""
    return channel_script("inspector-bridge", read_text("bridge.js"))


def release_page(
    view: QWebEngineView, page: QWebEnginePage, profile: QWebEngineProfile, *, now: bool = False
) -> None:
    """Take `page` out of `view` and delete it, then its profile (now, or deferred).

    The page must go before its profile: Qt warns "Release of profile requested but
    WebEnginePage still not deleted" and may crash otherwise (QWebEngineProfile docs).
    """
    view.setPage(QWebEnginePage(view))
    if now:
        shiboken6.delete(page)
        shiboken6.delete(profile)
    else:
        page.destroyed.connect(profile.deleteLater)
        page.deleteLater()


def channel_script(name: str, source: str) -> QWebEngineScript:
    """qwebchannel.js plus ``source``, in the page's main world at document creation (before
    the page's own scripts), in the main frame only."""
    qwebchannel = QFile(":/qtwebchannel/qwebchannel.js")
    if not qwebchannel.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("Qt's qwebchannel.js resource is missing (PySide6 Addons install?)")
    channel = bytes(qwebchannel.readAll().data()).decode("utf-8")
    qwebchannel.close()
    script = QWebEngineScript()
    script.setName(name)
    script.setSourceCode(channel + "\n" + source)
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(False)
    return script


def devtools_requested() -> bool:
    """Developer tools stay off unless INSPECTOR_DEVTOOLS=1 asks for them."""
    return os.environ.get(DEVTOOLS_ENV, "").strip().lower() in {"1", "true", "yes", "on"}


# Off for the chat page: it is a third-party widget and needs none of these (QWebEngineSettings).
_SETTINGS_OFF = (
    QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows,
    QWebEngineSettings.WebAttribute.JavascriptCanAccessClipboard,
    QWebEngineSettings.WebAttribute.JavascriptCanPaste,
    QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls,
    QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls,
    QWebEngineSettings.WebAttribute.AllowRunningInsecureContent,
    QWebEngineSettings.WebAttribute.AllowGeolocationOnInsecureOrigins,
    QWebEngineSettings.WebAttribute.AllowWindowActivationFromJavaScript,
    QWebEngineSettings.WebAttribute.ScreenCaptureEnabled,
    QWebEngineSettings.WebAttribute.PluginsEnabled,
    QWebEngineSettings.WebAttribute.FullScreenSupportEnabled,
    QWebEngineSettings.WebAttribute.NavigateOnDropEnabled,
    QWebEngineSettings.WebAttribute.HyperlinkAuditingEnabled,
)


class ChatPage(QWebEnginePage):
    """The chat page, locked down: listed origins only, no windows, permissions or bad certs.

    Signals:
        console_error(str): a console error, as "source:line: message".
        refused(str): something the page asked for and did not get (what and why).
    """

    console_error = Signal(str)
    refused = Signal(str)

    _LEVELS: ClassVar[dict[QWebEnginePage.JavaScriptConsoleMessageLevel, int]] = {
        QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.DEBUG,
        QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.INFO,
        QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.WARNING,
    }

    def __init__(
        self,
        profile: QWebEngineProfile,
        policy: NavigationPolicy,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(profile, parent)
        self.policy = policy
        self.refusals: list[str] = []
        self._host_page_pending = False
        settings = self.settings()
        for attribute in _SETTINGS_OFF:
            settings.setAttribute(attribute, False)
        self.permissionRequested.connect(self._deny_permission)
        self.certificateError.connect(self._reject_certificate)

    def load_host_page(self, html: str, base: QUrl) -> None:
        """setHtml navigates the main frame to a data: URL once; allow exactly that one."""
        self._host_page_pending = True
        self.setHtml(html, base)

    def acceptNavigationRequest(
        self,
        url: QUrl | str,
        type: QWebEnginePage.NavigationType,
        isMainFrame: bool,
    ) -> bool:
        text = url.toString() if isinstance(url, QUrl) else str(url)
        if isMainFrame and self._host_page_pending and text.startswith("data:"):
            self._host_page_pending = False
            return True
        decision = self.policy.decide(text, main_frame=isMainFrame)
        if decision.allowed:
            return True
        shown = text if len(text) <= 200 else text[:200] + "…"
        self._refuse(f"navigation to {shown} ({type.name}): {decision.reason}")
        return False

    # PySide's stub says a page must be returned; Qt documents None (nullptr) as "refused".
    def createWindow(  # type: ignore[override]
        self, type: QWebEnginePage.WebWindowType
    ) -> QWebEnginePage | None:
        # Returning no page refuses window.open, target=_blank links and the like.
        self._refuse(f"a new window ({type.name})")
        return None

    @Slot(QWebEnginePermission)
    def _deny_permission(self, permission: QWebEnginePermission) -> None:
        self._refuse(
            f"permission {permission.permissionType().name} for {permission.origin().toString()}"
        )
        permission.deny()

    @Slot(QWebEngineCertificateError)
    def _reject_certificate(self, error: QWebEngineCertificateError) -> None:
        self._refuse(f"certificate of {error.url().toString()}: {error.description()}")
        error.rejectCertificate()

    def _refuse(self, what: str) -> None:
        self.refusals.append(what)
        log.warning("Chat page: refused %s", what)
        self.refused.emit(what)

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        js_log.log(self._LEVELS.get(level, logging.INFO), "%s:%d: %s", source, line, message)
        if level == QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel:
            self.console_error.emit(f"{source}:{line}: {message}")


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
        # No storage name: off-the-record. Parented to the application, not to this widget:
        # children die in creation order, and a profile must outlive its pages (Qt warns
        # "Release of profile requested but WebEnginePage still not deleted").
        profile = QWebEngineProfile(QCoreApplication.instance())
        profile.scripts().insert(_bridge_script())
        # Refuses every navigation until load_chat gives it the host page's policy.
        page = ChatPage(profile, NavigationPolicy(frozenset()), self)
        bridge = PageBridge(lambda name, data: self._page_event(bridge, name, data), page)
        channel = QWebChannel(page)
        channel.registerObject("bridge", bridge)
        page.setWebChannel(channel)
        return profile, page, bridge

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
            page.triggerAction(QWebEnginePage.WebAction.Stop)
            self._parked.append((page, profile))
            return
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
            self.view.setPage(QWebEnginePage(self.view))
        for page, profile in chats:
            shiboken6.delete(page)
            shiboken6.delete(profile)
        if self._devtools_view is not None:
            view, self._devtools_view = self._devtools_view, None
            view.close()
            shiboken6.delete(view)
