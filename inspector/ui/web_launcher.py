"""The chat in the web view as a core `Launcher`: Messenger's events become step results."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any, TypeVar

from inspector.core import StepError
from inspector.org import HostPageSpec
from inspector.ui.chat_view import ChatView
from inspector.ui.web_policy import messenger_error_code

__all__ = ["WebLauncher"]

log = logging.getLogger("inspector.web")

T = TypeVar("T")


class WebLauncher:
    """Connect = Messenger ready in the page; send = Database.set, start, first message."""

    def __init__(self, chat: ChatView, spec: HostPageSpec, *, timeout: float = 20.0) -> None:
        self._chat = chat
        self._spec = spec
        self._timeout = timeout
        self._ready: asyncio.Future[None] | None = None
        self._inbound: asyncio.Future[str] | None = None
        self.events: list[tuple[str, dict[str, Any]]] = []
        # The page's console errors during this run ("source:line: message"), for the run's
        # error text; they also go to the `inspector.js` log at WARNING.
        self.console_errors: list[str] = []
        # What the locked-down page was refused (navigations, windows, permissions, certificates).
        self.refusals: list[str] = []

    async def connect(self) -> None:
        loop = asyncio.get_running_loop()
        self._ready = loop.create_future()
        self._inbound = loop.create_future()
        self._chat.page_event.connect(self._on_page_event)
        self._chat.console_error.connect(self._on_console_error)
        self._chat.refused.connect(self._on_refused)
        self._chat.load_chat(self._spec)
        await self._wait(self._ready, "The chat did not report ready")

    async def send_first_message(self, text: str, attributes: Mapping[str, str]) -> str:
        assert self._inbound is not None, "connect() first"
        self._chat.start_chat(attributes, text)
        return await self._wait(self._inbound, "The first message was not echoed by the org")

    async def close(self) -> None:
        if self._ready is not None:  # connect() ran, so the signal is connected
            try:
                self._chat.page_event.disconnect(self._on_page_event)
                self._chat.console_error.disconnect(self._on_console_error)
                self._chat.refused.disconnect(self._on_refused)
            except (RuntimeError, TypeError):
                pass  # the view is gone
        for future in (self._ready, self._inbound):
            if future is not None and not future.done():
                future.cancel()

    async def _wait(self, future: asyncio.Future[T], what: str) -> T:
        try:
            return await asyncio.wait_for(asyncio.shield(future), self._timeout)
        except TimeoutError:
            raise StepError(
                f"{what} within {self._timeout:.0f} s.{self._console_hint()}", code="chat-timeout"
            ) from None

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
        for future in (self._ready, self._inbound):
            if future is not None and not future.done():
                future.set_exception(error)
                return

    def _on_page_event(self, name: str, data: dict[str, Any]) -> None:
        self.events.append((name, data))
        if name == "ready" and self._ready is not None and not self._ready.done():
            self._ready.set_result(None)
        elif name == "message" and data.get("direction") == "Inbound" and data.get("id"):
            if self._inbound is not None and not self._inbound.done():
                self._inbound.set_result(str(data["id"]))
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
            code, message = str(data.get("code", "")), str(data.get("message", ""))
            self._fail(
                StepError(
                    f"Messenger reported an error: {code} {message}".strip(),
                    code=messenger_error_code(code, message),
                )
            )
