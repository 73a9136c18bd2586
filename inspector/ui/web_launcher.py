"""The chat in the web view as a core `Launcher`: Messenger's events become step results.

Connect = the deployment's config reached the page (or the page was refused); send = the
bridge sets the attributes, opens Messenger when it has a UI, starts the conversation and
sends the first text. The first message's id is the org's echo of that text, matched by the
`tracingId` of its `sendingMessage` (MESSENGER.md, "Events"): a presence event's id (an
autoStart Join) never resolves a conversation's messages.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from inspector.core import StepError
from inspector.core.org_view import HostPageSpec
from inspector.core.run_types import WireCapture
from inspector.ui.chat_view import ChatView
from inspector.ui.web_policy import messenger_error_code

__all__ = ["MessengerMode", "WebLauncher", "messenger_error"]

log = logging.getLogger("inspector.web")

T = TypeVar("T")

SENDING_SOURCE = "MessagingService.sendingMessage"


@dataclass(frozen=True)
class MessengerMode:
    """How Messenger runs on the deployment, from the config the page received."""

    status: str
    headless: bool
    auto_start: bool
    auth: bool
    enabled: bool = True  # messenger.enabled

    @classmethod
    def from_event(cls, data: Mapping[str, Any]) -> MessengerMode:
        return cls(
            status=str(data.get("status", "")),
            headless=bool(data.get("headless")),
            auto_start=bool(data.get("autoStart")),
            auth=bool(data.get("auth")),
            enabled=bool(data.get("messengerEnabled", True)),
        )

    def describe(self) -> str:
        mode = "headless" if self.headless else "native UI"
        return mode + (", autoStart" if self.auto_start else "")


# Guest error codes that end any chat, whichever frame they answer (GENESYS.md: 400 pre-chat,
# 401 authentication, 403 refused, 409 read-only, 4006/4007 session expired or unknown, 4011
# too long, 4013 attributes too large, 5000 unexpected), and the WebSocket close codes of a cut
# connection (RFC 6455 7.4.1; the stand-in does not reconnect).
_FATAL_CODES = frozenset(
    {"400", "401", "403", "409", "4006", "4007", "4011", "4013", "5000", "1001", "1006"}
)


def _json(text: Any) -> Any:
    try:
        return json.loads(str(text))
    except ValueError:
        return None


class WebLauncher:
    """Runs one chat in the web view and reports what Messenger did, in the page's own terms."""

    def __init__(
        self,
        chat: ChatView,
        spec: HostPageSpec,
        *,
        timeout: float = 20.0,
        attributes_late: bool = False,
    ) -> None:
        self._chat = chat
        self._spec = spec
        self._timeout = timeout
        # Reproduce a website that calls Database.set only after its first message.
        self._attributes_late = attributes_late
        self._configured: asyncio.Future[MessengerMode] | None = None
        self._inbound: asyncio.Future[str] | None = None
        self.mode: MessengerMode | None = None
        self.events: list[tuple[str, dict[str, Any]]] = []
        # Every frame Messenger wrote to the socket, in order (sendingMessage).
        self.sent: list[dict[str, Any]] = []
        self._text_tracing_id: str | None = None
        # The page's console errors during this run ("source:line: message"), for the run's
        # error text; they also go to the `inspector.js` log at WARNING.
        self.console_errors: list[str] = []
        # What the locked-down page was refused (navigations, windows, permissions, certificates).
        self.refusals: list[str] = []

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        self._configured = loop.create_future()
        self._inbound = loop.create_future()
        self._chat.page_event.connect(self._on_page_event)
        self._chat.console_error.connect(self._on_console_error)
        self._chat.refused.connect(self._on_refused)
        self._chat.load_chat(self._spec)
        self.mode = await self._wait(
            self._configured, "Messenger did not load the deployment's configuration"
        )
        log.info("Messenger configured (%s)", self.mode.describe())

    async def send_first_message(self, text: str, attributes: Mapping[str, str]) -> str:
        assert self._inbound is not None, "connect() first"
        if not text.strip():
            # Messenger sends nothing for "" and refuses blanks (MESSENGER.md, "Commands").
            raise StepError(
                "The first message is empty: Messenger sends no frame for it.",
                code="messenger-error",
            )
        self._chat.start_chat(attributes, text, late=self._attributes_late)
        return await self._wait(self._inbound, "The first message was not echoed by the org")

    def sent_on_wire(self) -> WireCapture | None:
        """The first frame that left the page (the autoStart Join, or the first text)."""
        if not self.sent:
            return None
        first = self.sent[0]
        attributes = _json(first.get("attributes")) or {}
        message = _json(first.get("message")) or {}
        return WireCapture(
            attributes={str(k): str(v) for k, v in dict(attributes).items()},
            message=dict(message),
            kind=str(first.get("type", "")),
            source=SENDING_SOURCE,
        )

    async def close(self) -> None:
        for future in (self._configured, self._inbound):
            if future is not None and future.done() and not future.cancelled():
                future.exception()  # retrieved: a failure nobody awaited is not an asyncio error
        if self._configured is not None:  # connect() ran, so the signal is connected
            try:
                self._chat.page_event.disconnect(self._on_page_event)
                self._chat.console_error.disconnect(self._on_console_error)
                self._chat.refused.disconnect(self._on_refused)
            except (RuntimeError, TypeError):
                pass  # the view is gone
        for future in (self._configured, self._inbound):
            if future is not None and not future.done():
                future.cancel()

    async def _wait(self, future: asyncio.Future[T], what: str) -> T:
        try:
            return await asyncio.wait_for(asyncio.shield(future), self._timeout)
        except TimeoutError:
            raise StepError(
                f"{what} within {self._timeout:.0f} s.{self._progress_hint()}"
                f"{self._console_hint()}",
                code="chat-timeout",
            ) from None

    def _seen(self, name: str) -> bool:
        return any(event == name for event, _ in self.events)

    def _progress_hint(self) -> str:
        """How far Messenger got: where a chat that never answered is stuck."""
        if not self._seen("config"):
            return (
                " The page never got GenesysJS.configurationReceived: Messenger did not get past "
                "domains.json and config.json."
            )
        if self._seen("sending"):
            return " The first message left the page, but no echo with its tracingId came back."
        if self._seen("opening") and not self._seen("opened"):
            return " Inspector asked Messenger to open, but it never did."
        if self._seen("opening") and not self._seen("ready"):
            return " Messenger opened, but its messaging service never reported ready."
        if self._seen("ready") and not self._seen("started"):
            return " The messaging service was ready, but the conversation never started."
        return ""

    def _console_hint(self) -> str:
        """The page's last error and refusal: why a chat that never answered may be stuck."""
        hint = ""
        for label, found in (
            ("The page reported", self.console_errors),
            ("The page was refused", self.refusals),
        ):
            if found:
                more = f" (and {len(found) - 1} more in the log)" if len(found) > 1 else ""
                hint += f" {label}: {found[-1]}{more}."
        return hint

    def _on_console_error(self, text: str) -> None:
        self.console_errors.append(text)

    def _on_refused(self, what: str) -> None:
        self.refusals.append(what)

    def _fail(self, error: StepError) -> None:
        for future in (self._configured, self._inbound):
            if future is not None and not future.done():
                future.set_exception(error)
                return

    def _on_config(self, mode: MessengerMode) -> None:
        """The page's own refusals, as Messenger shows them, each a coded diagnosis."""
        if mode.status != "Active":
            self._fail(
                StepError(
                    f"The deployment's status is {mode.status or 'unknown'}, not Active: "
                    "Messenger loaded no product in the page.",
                    code="deployment-active",
                )
            )
        elif not mode.enabled and not mode.headless:
            self._fail(
                StepError(
                    "Messenger is turned off in the deployment's configuration "
                    "(messenger.enabled false): there is no window to open.",
                    code="messenger-disabled",
                )
            )
        elif mode.auth:
            self._fail(
                StepError(
                    "Authenticated Messenger: a customer must sign in before a chat starts, "
                    "and Inspector cannot sign one in yet.",
                    code="deployment-auth",
                )
            )
        elif self._configured is not None and not self._configured.done():
            self._configured.set_result(mode)

    def _on_page_event(self, name: str, data: dict[str, Any]) -> None:
        self.events.append((name, data))
        if name == "config":
            self.mode = MessengerMode.from_event(data)
            self._on_config(self.mode)
        elif name == "domainNotAllowed":
            self._fail(
                StepError(
                    f"Messenger refused to run on {data.get('host') or self._spec.origin}: not "
                    "an allowed domain (GenesysJS.domainNotAllowed).",
                    code="domain-not-allowed",
                )
            )
        elif name == "sending":
            self.sent.append(data)
            if self._text_tracing_id is None and data.get("type") == "Text":
                self._text_tracing_id = str(data.get("tracingId", "")) or None
        elif name == "message":
            self._on_message(data)
        elif name in ("sendFailed", "setFailed"):
            what = "sending the first message" if name == "sendFailed" else "Database.set"
            self._fail(
                StepError(
                    f"Messenger refused {what}: {data.get('message', '')}", code="messenger-error"
                )
            )
        elif name == "openFailed":
            self._fail(
                StepError(
                    f"Messenger did not open: {data.get('message', '')}", code="messenger-error"
                )
            )
        elif name == "readOnly" or (name == "started" and data.get("readOnly")):
            self._fail(
                StepError(
                    "The guest session is read-only: its conversation ended with a read-only "
                    "disconnect, so Messenger sends no new message.",
                    code="read-only-session",
                )
            )
        elif name == "scriptFailed":
            self._fail(
                StepError(
                    f"The chat script did not load from {data.get('url')}: check the region "
                    "and that this machine can reach it.",
                    code="script-failed",
                )
            )
        elif name == "sizeExceeded":
            self._fail(
                StepError(
                    "Messenger refused the attributes: larger than the deployment allows.",
                    code="too-large",
                )
            )
        elif name == "error":
            self._on_error(data)

    def _on_message(self, data: Mapping[str, Any]) -> None:
        if data.get("direction") != "Inbound" or data.get("type") == "Event":
            return  # the bot's answers, and presence events (an autoStart Join) have no say
        tracing = str(data.get("tracingId", ""))
        if self._text_tracing_id is None or tracing != self._text_tracing_id:
            return
        if data.get("id") and self._inbound is not None and not self._inbound.done():
            self._inbound.set_result(str(data["id"]))

    def _on_error(self, data: Mapping[str, Any]) -> None:
        """Fail the run on an error that concerns it: one answering the first text, or one
        that ends any chat. ``{error: {}}`` and an answer to another frame (a 4029 on typing,
        say) are logged only (MESSENGER.md, "Events")."""
        tracing = str(data.get("tracingId", ""))
        error = messenger_error(data, ours=bool(tracing) and tracing == self._text_tracing_id)
        if error is not None:
            self._fail(error)


def messenger_error(data: Mapping[str, Any], *, ours: bool) -> StepError | None:
    """The run's error for a Messenger error event (the page's `error` event fields), or None
    when it neither answers the run's own frame (``ours``) nor ends any chat: then it is
    logged only."""
    code = str(data.get("code", ""))
    if not ours and code not in _FATAL_CODES:
        log.info("Messenger reported an error that does not end the run: %s", data.get("raw"))
        return None
    key = str(data.get("errorKey", ""))
    body = str(data.get("body") or data.get("message") or "")
    what = " ".join(part for part in (key, f"(code {code})" if code else "") if part)
    text = ": ".join(part for part in (what, body) if part) or "no details"
    return StepError(f"Messenger reported an error: {text}", code=messenger_error_code(code, body))
