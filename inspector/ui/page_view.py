"""The admin's own website page in the locked-down web view, watched and never driven.

Each `load_page` builds a fresh off-the-record profile (Messenger keeps its guest session in
localStorage), injects the watcher (qwebchannel.js + watcher.js, main world, at document
creation, before the page's own scripts) and, on the sandbox, a request interceptor that sends
the page's Genesys requests to the sandbox org (page_redirect.py). The page is as locked down
as the chat host page (chat_page.ChatPage): listed origins only, no windows, no permissions.

The customer's part (open Messenger, type, send) is done the way a customer does it: clicks
and keystrokes in the page's DOM, from an isolated script world, so the page's own code sees
ordinary events and none of Inspector's objects.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal, Slot
from PySide6.QtWebChannel import QWebChannel
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineScript,
    QWebEngineUrlRequestInfo,
    QWebEngineUrlRequestInterceptor,
)
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QStackedLayout, QWidget

from inspector.runtime.resources import read_text
from inspector.ui.chat_page import ChatPage, channel_script, release_page
from inspector.ui.page_redirect import LocalFiles, SandboxRedirect, deployment_in_url
from inspector.ui.web_policy import NavigationPolicy

__all__ = ["PageChat", "PageSource", "PageView", "PageWatchBridge", "SandboxInterceptor"]

log = logging.getLogger("inspector.page")

# Events the watcher may post; anything else is logged and dropped.
KNOWN_EVENTS = frozenset(
    {
        "watchReady",
        "snippet",
        "config",
        "domainNotAllowed",
        "databaseReady",
        "ready",
        "started",
        "sending",
        "message",
        "error",
        "sizeExceeded",
        "disconnected",
        "guestFrame",
        "guestEcho",
        "watchError",
    }
)


@dataclass(frozen=True)
class PageSource:
    """A page to open: a URL, or a local file's HTML served under the origin the admin names."""

    url: str | None = None
    html: str | None = None
    origin: str = ""
    label: str = ""
    folder: str = ""  # a local file's folder: its own scripts and styles are served from there

    @property
    def page_origin(self) -> str:
        return self.origin if self.html is not None else (self.url or "")


@dataclass(frozen=True)
class PageChat:
    """The page's own chat, for a scripted customer: CSS selectors of its controls.

    For pages whose chat is not Messenger's window (a headless deployment, or a page with its
    own guest client): `open` is clicked once first (optional), then each message is typed
    into `input` and `send` is clicked.
    """

    input: str
    send: str
    open: str = ""


class PageWatchBridge(QObject):
    """The one object the page can reach: a post-only slot (QWebChannel shows it all)."""

    def __init__(self, on_event: Callable[[str, dict[str, Any]], None], parent: QObject) -> None:
        super().__init__(parent)
        self._on_event = on_event

    @Slot("QVariantMap")
    def post(self, event: dict[str, Any]) -> None:
        name = str(event.get("event", ""))
        if name not in KNOWN_EVENTS:
            log.warning("Ignoring unknown event from the website page: %r", name)
            return
        log.debug("page event %s", name)
        self._on_event(name, dict(event))


class SandboxInterceptor(QWebEngineUrlRequestInterceptor):
    """Sends the page's Genesys requests (script, config, socket) to the sandbox org.

    Before the first request that names a deployment goes out, `on_deployment` hears its id,
    so the sandbox can have that deployment before Messenger asks for it.
    """

    def __init__(
        self,
        redirect: SandboxRedirect | None,
        on_deployment: Callable[[str], None],
        parent: QObject | None = None,
        *,
        files: LocalFiles | None = None,
    ) -> None:
        super().__init__(parent)
        self._redirect = redirect
        self._files = files
        self._on_deployment = on_deployment
        self._deployments: set[str] = set()
        self.redirected: list[tuple[str, str]] = []

    def interceptRequest(self, info: QWebEngineUrlRequestInfo) -> None:
        url = info.requestUrl().toString()
        target = self._files.target(url) if self._files is not None else None
        redirect = self._redirect
        if target is None and redirect is not None:
            target = redirect.target(url)
            if target is not None or redirect.is_sandbox(url):
                deployment = deployment_in_url(url)
                if deployment and deployment not in self._deployments:
                    self._deployments.add(deployment)
                    self._on_deployment(deployment)
        if target is None:
            return
        self.redirected.append((url, target))
        log.info("Sandbox: %s → %s", url, target)
        info.redirect(QUrl(target))


def _watcher_script() -> QWebEngineScript:
    return channel_script("inspector-watcher", read_text("watcher.js"))


# The customer's part, run in an isolated world: the DOM is shared, the page's JS objects are
# not. It uses the sandbox stand-in's launcher and composer (inspector/sandbox/messenger.js).
_OPEN_MESSENGER = """
(function () {
  var launcher = document.getElementById('genesys-sandbox-launcher');
  var root = document.getElementById('genesys-sandbox-messenger');
  if (!launcher || !root) { return 'no-launcher'; }
  if (root.hidden) { launcher.click(); }
  return root.hidden ? 'closed' : 'open';
})()
"""

_TYPE_AND_SEND = """
(function (text) {
  var root = document.getElementById('genesys-sandbox-messenger');
  var input = root && root.querySelector('.gsm-input');
  var form = root && root.querySelector('.gsm-form');
  if (!input || !form) { return 'no-composer'; }
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  form.requestSubmit();
  return 'sent';
})(%s)
"""


_PAGE_CHAT = """
(function (selectors, text) {
  if (selectors.open) {
    var opener = document.querySelector(selectors.open);
    if (!opener) { return 'no-open'; }
    if (!opener.__inspectorClicked) { opener.__inspectorClicked = true; opener.click(); }
  }
  var input = document.querySelector(selectors.input);
  var send = document.querySelector(selectors.send);
  if (!input || !send) { return 'no-composer'; }
  if (input.disabled || send.disabled) { return 'disabled'; }
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  send.click();
  return 'sent';
})(%s, %s)
"""


class PageView(QWidget):
    """Holds the web view of the admin's page; each `load_page` starts a clean browser state.

    Signals:
        page_event(str, dict): an event the watcher posted.
        console_error(str): an error in the page's console, as "source:line: message".
        refused(str): a navigation, window, permission or certificate the page was refused.
    """

    page_event = Signal(str, "QVariantMap")  # type: ignore[arg-type]
    console_error = Signal(str)
    refused = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = QWebEngineView(self)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        layout = QStackedLayout(self)
        layout.addWidget(self.view)
        self._profile: QWebEngineProfile | None = None
        self._page: ChatPage | None = None
        self.interceptor: SandboxInterceptor | None = None

    @property
    def page(self) -> ChatPage | None:
        return self._page

    def load_page(
        self,
        source: PageSource,
        *,
        messenger_origins: Iterable[str] = (),
        redirect: SandboxRedirect | None = None,
        on_deployment: Callable[[str], None] | None = None,
        files: LocalFiles | None = None,
    ) -> None:
        """Open the page with the watcher in it; on the sandbox, with the redirect; a local
        page with its own files served."""
        self._drop_page()
        profile = QWebEngineProfile(QCoreApplication.instance())
        profile.scripts().insert(_watcher_script())
        interceptor = None
        if redirect is not None or files is not None:
            interceptor = SandboxInterceptor(
                redirect, on_deployment or (lambda _id: None), profile, files=files
            )
            profile.setUrlRequestInterceptor(interceptor)
        policy = NavigationPolicy.for_host_page(source.page_origin, *messenger_origins)
        page = ChatPage(profile, policy, self)
        page.console_error.connect(self.console_error)
        page.refused.connect(self.refused)
        bridge = PageWatchBridge(self.page_event.emit, page)
        channel = QWebChannel(page)
        channel.registerObject("inspectorWatch", bridge)
        page.setWebChannel(channel)
        self._profile, self._page, self.interceptor = profile, page, interceptor
        self.view.setPage(page)
        if source.html is not None:
            base = QUrl(source.origin.rstrip("/") + "/")
            log.info("Opening %s as %s", source.label or "the page", base.toString())
            page.load_host_page(source.html, base)
        else:
            log.info("Opening %s", source.url)
            page.load(QUrl(source.url or ""))

    async def run_in_page(self, script: str) -> Any:
        """Run a script in an isolated world (the page's objects are not visible to it)."""
        page = self._page
        if page is None:
            raise RuntimeError("load_page() first")
        done: asyncio.Future[Any] = asyncio.get_running_loop().create_future()

        def finished(value: Any) -> None:
            if not done.done():
                done.set_result(value)

        page.runJavaScript(script, QWebEngineScript.ScriptWorldId.ApplicationWorld, finished)
        return await done

    async def open_messenger(self) -> str:
        """Click the Messenger launcher, as a customer does; 'open', 'closed' or 'no-launcher'."""
        return str(await self.run_in_page(_OPEN_MESSENGER))

    async def type_and_send(self, text: str) -> str:
        """Type a message in Messenger's composer and send it; 'sent' or 'no-composer'."""
        return str(await self.run_in_page(_TYPE_AND_SEND % json.dumps(text)))

    async def chat_in_page(self, chat: PageChat, text: str) -> str:
        """Type and send in the page's own chat; 'sent', 'no-open', 'no-composer', or
        'disabled' while the page keeps its controls disabled (nothing typed then)."""
        selectors = json.dumps({"open": chat.open, "input": chat.input, "send": chat.send})
        return str(await self.run_in_page(_PAGE_CHAT % (selectors, json.dumps(text))))

    def _drop_page(self, *, now: bool = False) -> None:
        if self._page is None or self._profile is None:
            return
        page, profile = self._page, self._profile
        self._page = self._profile = self.interceptor = None
        release_page(self.view, page, profile, now=now)

    def shutdown(self) -> None:
        """Delete the page and profile now: deferred deletes may never run at exit."""
        self._drop_page(now=True)
