"""The embedded chat: a fresh web profile per run, the host page, and the bridge into it.

A fresh off-the-record profile per run matters: Messenger keeps its guest session in
localStorage, so a shared profile would silently resume the previous chat instead of starting
a new one with the new attributes.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QFile, QIODevice, QUrl, Signal
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile, QWebEngineScript
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QLabel, QStackedLayout, QWidget

from inspector.org import HostPageSpec
from inspector.resources import read_text
from inspector.ui.bridge import PageBridge

__all__ = ["ChatPage", "ChatView", "render_host_page"]

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
    qwebchannel = QFile(":/qtwebchannel/qwebchannel.js")
    if not qwebchannel.open(QIODevice.OpenModeFlag.ReadOnly):
        raise RuntimeError("Qt's qwebchannel.js resource is missing (PySide6 Addons install?)")
    source = bytes(qwebchannel.readAll().data()).decode("utf-8")
    qwebchannel.close()
    script = QWebEngineScript()
    script.setName("inspector-bridge")
    script.setSourceCode(source + "\n" + read_text("bridge.js"))
    script.setInjectionPoint(QWebEngineScript.InjectionPoint.DocumentCreation)
    script.setWorldId(QWebEngineScript.ScriptWorldId.MainWorld)
    script.setRunsOnSubFrames(False)
    return script


class ChatPage(QWebEnginePage):
    """Routes the page's console into the `inspector.js` log."""

    _LEVELS: ClassVar[dict[QWebEnginePage.JavaScriptConsoleMessageLevel, int]] = {
        QWebEnginePage.JavaScriptConsoleMessageLevel.InfoMessageLevel: logging.DEBUG,
        QWebEnginePage.JavaScriptConsoleMessageLevel.WarningMessageLevel: logging.INFO,
        QWebEnginePage.JavaScriptConsoleMessageLevel.ErrorMessageLevel: logging.WARNING,
    }

    def javaScriptConsoleMessage(
        self,
        level: QWebEnginePage.JavaScriptConsoleMessageLevel,
        message: str,
        line: int,
        source: str,
    ) -> None:
        js_log.log(self._LEVELS.get(level, logging.INFO), "%s:%d: %s", source, line, message)


class ChatView(QWidget):
    """Holds the web view; each `load_chat` builds a new profile, page and bridge.

    Signals:
        page_event(str, dict): an event the chat page posted through the bridge.
    """

    page_event = Signal(str, "QVariantMap")  # type: ignore[arg-type]

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._placeholder = QLabel(
            "The chat widget appears here when you press Start.\n\n"
            "It is the deployment's Messenger, started with the attributes on the right.",
            self,
        )
        self._placeholder.setWordWrap(True)
        self._placeholder.setStyleSheet("color: #5f6b7a; padding: 24px; font-size: 13px;")
        self._placeholder.setAlignment(self._placeholder.alignment().AlignCenter)
        self.view = QWebEngineView(self)
        self._stack = QStackedLayout(self)
        self._stack.addWidget(self._placeholder)
        self._stack.addWidget(self.view)
        self._profile: QWebEngineProfile | None = None
        self._page: ChatPage | None = None
        self._bridge: PageBridge | None = None

    @property
    def page(self) -> ChatPage | None:
        return self._page

    def load_chat(self, spec: HostPageSpec) -> None:
        """Start from a clean browser state: new off-the-record profile, page and bridge."""
        self._drop_page()
        # No storage name: off-the-record. Parented to the application, not to this widget:
        # children die in creation order, and a profile must outlive its pages (Qt warns
        # "Release of profile requested but WebEnginePage still not deleted").
        profile = QWebEngineProfile(QCoreApplication.instance())
        profile.scripts().insert(_bridge_script())
        page = ChatPage(profile, self)
        bridge = PageBridge(page)
        bridge.event_received.connect(self.page_event)
        channel = QWebChannel(page)
        channel.registerObject("bridge", bridge)
        page.setWebChannel(channel)
        self._profile, self._page, self._bridge = profile, page, bridge
        self.view.setPage(page)
        self._stack.setCurrentWidget(self.view)
        base = QUrl(spec.origin.rstrip("/") + "/")
        log.info(
            "Loading the chat host page as %s (Messenger from %s)",
            base.toString(),
            spec.bootstrap_url,
        )
        page.setHtml(render_host_page(spec), base)

    def start_chat(self, attributes: Mapping[str, str], first_message: str) -> None:
        if self._bridge is None:
            raise RuntimeError("load_chat() first")
        command: dict[str, Any] = {
            "type": "start",
            "attributes": dict(attributes),
            "text": first_message,
        }
        self._bridge.send(command)

    def _drop_page(self, *, now: bool = False) -> None:
        # The page must go before its profile: Qt warns "Release of profile requested but
        # WebEnginePage still not deleted" and may crash otherwise (QWebEngineProfile docs).
        if self._page is None or self._profile is None:
            return
        page, profile = self._page, self._profile
        self._page = self._profile = self._bridge = None
        self.view.setPage(QWebEnginePage(self.view))
        if now:
            shiboken6.delete(page)
            shiboken6.delete(profile)
        else:
            page.destroyed.connect(profile.deleteLater)
            page.deleteLater()

    def shutdown(self) -> None:
        """Delete the chat's page and profile now: deferred deletes may never run at exit."""
        self._drop_page(now=True)
