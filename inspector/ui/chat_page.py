"""The chat page: a third-party widget beside our bridge, so it is locked down.

It may show only the host page's origin and the org's Messenger origin (web_policy.py),
opens no windows, gets no permission (camera, microphone, location, clipboard,
notifications) and never gets past a certificate error.

Imported when the first chat is made, not with the window: its QtWebEngineCore classes cost
their set-up (~6 ms, measured) that no first paint needs.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QFile, QIODevice, QUrl, Signal, Slot
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
from PySide6.QtWidgets import QWidget

from inspector.core.org_view import HostPageSpec
from inspector.runtime.resources import read_text
from inspector.ui.bridge import PageBridge
from inspector.ui.web_policy import NavigationPolicy

__all__ = [
    "ChatPage",
    "bridge_script",
    "channel_script",
    "new_chat",
    "release_page",
    "render_host_page",
]

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


def bridge_script() -> QWebEngineScript:
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


def new_chat(
    parent: QWidget, on_event: Callable[[PageBridge, str, dict[str, Any]], None]
) -> tuple[QWebEngineProfile, ChatPage, PageBridge]:
    """A fresh off-the-record profile with its page and bridge; `on_event` hears the page."""
    # No storage name: off-the-record. Parented to the application, not to the view:
    # children die in creation order, and a profile must outlive its pages (Qt warns
    # "Release of profile requested but WebEnginePage still not deleted").
    profile = QWebEngineProfile(QCoreApplication.instance())
    profile.scripts().insert(bridge_script())
    # Refuses every navigation until the chat is loaded with the host page's policy.
    page = ChatPage(profile, NavigationPolicy(frozenset()), parent)
    bridge = PageBridge(lambda name, data: on_event(bridge, name, data), page)
    channel = QWebChannel(page)
    channel.registerObject("bridge", bridge)
    page.setWebChannel(channel)
    return profile, page, bridge
