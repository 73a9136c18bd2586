"""What the watcher saw in the admin's page, as core values, with waits for what comes next.

It listens to a `PageView` for one page run: the snippet's facts, the deployment's mode, every
frame Messenger wrote (`sendingMessage`), the org's echoes (by `tracingId`, MESSENGER.md
"Events") and the refusals that end the run (domain not allowed, an inactive deployment, an
org error answering the page's frame).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from inspector.core import StepError
from inspector.core.page_run import PageFrame, SnippetFacts
from inspector.ui.page_view import PageView
from inspector.ui.web_launcher import MessengerMode, messenger_error

__all__ = ["PageWatch"]

log = logging.getLogger("inspector.page")


def _json_object(text: Any) -> dict[str, Any] | None:
    try:
        value = json.loads(str(text or "{}"))
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class PageWatch:
    """One page run's observations. Create it before `load_page`; `close()` when done."""

    def __init__(self, view: PageView) -> None:
        self._view = view
        self.snippet: SnippetFacts | None = None
        self.mode: MessengerMode | None = None
        self.frames: list[PageFrame] = []
        self.echoes: dict[str, str] = {}  # tracingId -> the org's message id
        self.events: list[tuple[str, dict[str, Any]]] = []
        self.console_errors: list[str] = []
        self.refusals: list[str] = []
        self.failure: StepError | None = None
        self._changed = asyncio.Event()
        view.page_event.connect(self._on_event)
        view.console_error.connect(self.console_errors.append)
        view.refused.connect(self.refusals.append)

    def close(self) -> None:
        try:
            self._view.page_event.disconnect(self._on_event)
            self._view.console_error.disconnect(self.console_errors.append)
            self._view.refused.disconnect(self.refusals.append)
        except (RuntimeError, TypeError):
            pass  # the view is gone

    def seen(self, name: str) -> bool:
        return any(event == name for event, _ in self.events)

    async def until(self, test: Callable[[], bool], seconds: float, what: str) -> None:
        """Wait until `test()` holds; a refusal seen meanwhile is raised instead."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while True:
            if self.failure is not None:
                raise self.failure
            if test():
                return
            left = deadline - loop.time()
            if left <= 0:
                raise StepError(
                    f"{what} within {seconds:.0f} s.{self._hint()}", code="chat-timeout"
                )
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), left)
            except TimeoutError:
                pass

    def text_frames(self) -> list[PageFrame]:
        return [f for f in self.frames if f.type == "Text"]

    def echo_of(self, frame: PageFrame) -> str | None:
        return self.echoes.get(frame.tracing_id) if frame.tracing_id else None

    def _hint(self) -> str:
        hint = ""
        if self.console_errors:
            hint += f" The page reported: {self.console_errors[-1]}."
        if self.refusals:
            hint += f" The page was refused: {self.refusals[-1]}."
        return hint

    def _fail(self, error: StepError) -> None:
        if self.failure is None:
            self.failure = error

    def _on_event(self, name: str, data: dict[str, Any]) -> None:
        self.events.append((name, data))
        if name == "snippet":
            self.snippet = SnippetFacts(
                deployment_id=str(data.get("deploymentId", "")),
                environment=str(data.get("environment", "")),
                script_url=str(data.get("scriptUrl", "")),
            )
            log.info("%s", self.snippet.describe())
        elif name == "config":
            self.mode = MessengerMode.from_event(data)
            if self.mode.status != "Active":
                self._fail(
                    StepError(
                        f"The deployment's status is {self.mode.status or 'unknown'}, not "
                        "Active: Messenger loaded no product in the page.",
                        code="deployment-active",
                    )
                )
        elif name == "domainNotAllowed":
            self._fail(
                StepError(
                    f"Messenger refused to run on {data.get('host')}: not an allowed domain "
                    "(GenesysJS.domainNotAllowed).",
                    code="domain-not-allowed",
                )
            )
        elif name == "sending":
            message = _json_object(data.get("message"))
            if message is not None:
                self._add(PageFrame.from_message(message), from_messenger=True)
        elif name == "guestFrame":
            frame = _json_object(data.get("frame"))
            if frame is not None:
                key = str(data.get("key", ""))
                self._add(PageFrame.from_guest_frame(frame, key), from_messenger=False)
        elif name == "guestEcho":
            if data.get("key") and data.get("id"):
                self.echoes.setdefault(str(data["key"]), str(data["id"]))
        elif name == "message":
            if data.get("direction") == "Inbound" and data.get("tracingId") and data.get("id"):
                self.echoes.setdefault(str(data["tracingId"]), str(data["id"]))
        elif name == "error":
            self._on_error(data)
        elif name == "sizeExceeded":
            self._fail(
                StepError(
                    "The org refused the page's attributes: larger than the deployment allows.",
                    code="too-large",
                )
            )
        self._changed.set()

    def _add(self, frame: PageFrame, *, from_messenger: bool) -> None:
        """One frame per tracingId: Messenger's sendingMessage and the socket's copy of the same
        frame are one (Messenger's message, with any top-level attributes the socket saw)."""
        for index, known in enumerate(self.frames):
            if frame.tracing_id and known.tracing_id == frame.tracing_id:
                ours, other = (frame, known) if from_messenger else (known, frame)
                legacy = ours.legacy_attributes or other.legacy_attributes
                self.frames[index] = replace(ours, legacy_attributes=legacy)
                return
        self.frames.append(frame)

    def _on_error(self, data: dict[str, Any]) -> None:
        tracing = str(data.get("tracingId", ""))
        ours = bool(tracing) and any(f.tracing_id == tracing for f in self.frames)
        error = messenger_error(data, ours=ours)
        if error is not None:
            self._fail(error)
