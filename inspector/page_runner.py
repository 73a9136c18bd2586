"""One run of the admin's own website page: open it watched, let the customer chat, read back.

The one place a page run is assembled (the `page` command and, later, the window call it).
The page runs unchanged. On the sandbox org its Genesys requests go to the sandbox, and the
deployment its snippet names is created there as a sandbox deployment of the kind chosen
(`native-ui` by default), allowing the page's host, before Messenger first asks for it.

The customer is either the admin clicking through the page in the window, or (headless) a
script that does what a customer does: click Messenger's launcher, wait for the window to be
ready, type and send. It can only do that with the sandbox's Messenger, whose window is part
of the page; the real Messenger draws its window in a frame of its own origin.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from inspector.core import StepError
from inspector.core.page_run import PageRunResult, SnippetFacts, judge_page
from inspector.core.polling import Poller
from inspector.genesys.regions import REGIONS
from inspector.org import OrgConnection
from inspector.sandbox import SandboxOrg
from inspector.ui.page_redirect import SandboxRedirect
from inspector.ui.page_view import PageSource, PageView
from inspector.ui.page_watch import PageWatch

__all__ = ["DEFAULT_CUSTOMER_MESSAGES", "PageRunRequest", "run_page"]

log = logging.getLogger("inspector.page")

# A customer's first message, then a follow-up: page code that sets the attributes after the
# first message shows itself on the second frame.
DEFAULT_CUSTOMER_MESSAGES = ("Hello, I have a question about my order", "Are you still there?")
# Time for the page's own code to react to a message before the customer types the next one.
SETTLE_SECONDS = 1.0


@dataclass(frozen=True)
class PageRunRequest:
    source: PageSource
    expected: Mapping[str, str] = field(default_factory=dict)
    messages: tuple[str, ...] = DEFAULT_CUSTOMER_MESSAGES
    kind: str = "native-ui"  # on the sandbox: the kind of deployment the page's id stands for
    timeout: float = 30.0
    scripted_customer: bool = True


def _host(origin: str) -> str:
    return (urlsplit(origin).hostname or "").lower()


async def run_page(
    view: PageView,
    org: OrgConnection,
    request: PageRunRequest,
    *,
    sandbox: SandboxOrg | None = None,
) -> PageRunResult:
    """Open the page, watch it, read the conversation back and judge it; never raises a
    StepError (it becomes the result's error)."""
    watch = PageWatch(view)
    notes: list[str] = []
    conversation_id: str | None = None
    message_id: str | None = None
    received: Mapping[str, str] | None = None
    try:
        _load(view, org, request, sandbox, notes)
        await watch.until(
            lambda: watch.snippet is not None, request.timeout, "The page did not load"
        )
        snippet = watch.snippet or SnippetFacts()
        notes.append(snippet.describe())
        if not snippet.found:
            raise StepError(snippet.describe(), code="script-failed")
        if sandbox is None:
            notes.extend(
                snippet.differences(org.deployment_id, org.endpoints.environment or "prod")
            )
        else:
            notes.append(
                f"On the sandbox org, deployment {snippet.deployment_id} runs as a "
                f"{request.kind} deployment allowing {_host(request.source.page_origin)}."
            )
        await watch.until(
            lambda: watch.mode is not None,
            request.timeout,
            "Messenger did not load the deployment's configuration",
        )
        if request.scripted_customer:
            await _customer(view, watch, request)
        else:
            await watch.until(
                lambda: any(watch.echo_of(f) for f in watch.text_frames()),
                request.timeout,
                "No message of the customer was echoed by the org",
            )
        first = next(f for f in watch.text_frames() if watch.echo_of(f))
        message_id = watch.echo_of(first)
        assert message_id is not None
        clock = time.monotonic
        poller = Poller(clock() + request.timeout, clock, asyncio.sleep)
        conversation_id = await poller.retry(
            lambda: org.reader.conversation_id_for_message(message_id or "")
        )
        wanted = dict(request.expected)
        for frame in watch.frames:
            wanted.update(frame.attributes)
        readback = await poller.read_until_present(org.reader, conversation_id, wanted)
        received = dict(readback.attributes)
        if readback.participant_id:
            try:
                await org.reader.end_conversation(conversation_id, readback.participant_id)
            except StepError as exc:
                notes.append(f"The test conversation could not be ended: {exc.message}")
        return judge_page(
            snippet,
            watch.frames,
            request.expected,
            received,
            conversation_id=conversation_id,
            message_id=message_id,
            notes=notes,
        )
    except StepError as exc:
        log.info("Page run stopped: %s", exc.message)
        return judge_page(
            watch.snippet or SnippetFacts(),
            watch.frames,
            request.expected,
            received,
            conversation_id=conversation_id,
            message_id=message_id,
            error=exc.message,
            error_code=exc.code,
            notes=notes,
        )
    finally:
        watch.close()


def _load(
    view: PageView,
    org: OrgConnection,
    request: PageRunRequest,
    sandbox: SandboxOrg | None,
    notes: list[str],
) -> None:
    host = _host(request.source.page_origin)
    messenger_origins = [f"https://apps.{domain}" for domain in REGIONS.values()]
    messenger_origins.append(org.endpoints.bootstrap_script_url)
    if sandbox is None:
        view.load_page(request.source, messenger_origins=messenger_origins)
        return
    redirect = SandboxRedirect.for_domains(sandbox.base_url, REGIONS.values())

    def on_deployment(deployment_id: str) -> None:
        sandbox.add_deployment_like(deployment_id, request.kind, host)

    view.load_page(
        request.source,
        messenger_origins=[*messenger_origins, sandbox.base_url],
        redirect=redirect,
        on_deployment=on_deployment,
    )


async def _customer(view: PageView, watch: PageWatch, request: PageRunRequest) -> None:
    """Click the launcher, wait for the session, type each message and wait for its echo."""
    mode = watch.mode
    assert mode is not None
    if mode.headless:
        raise StepError(
            "The deployment is headless: the page draws its own chat, which a scripted "
            "customer cannot know. Open the page in the window and chat as a customer.",
            code="messenger-mode",
        )
    opened = await view.open_messenger()
    if opened == "no-launcher":
        raise StepError(
            "No Messenger launcher to click: a scripted customer needs the sandbox's Messenger. "
            "Open the page in the window and chat as a customer.",
            code="messenger-mode",
        )
    await watch.until(
        lambda: watch.seen("started"), request.timeout, "Messenger did not start a session"
    )
    for index, text in enumerate(request.messages):
        if index:
            await asyncio.sleep(SETTLE_SECONDS)
        count = len(watch.text_frames())
        if await view.type_and_send(text) != "sent":
            raise StepError(
                "Messenger's composer was not found in the page.", code="messenger-mode"
            )
        await watch.until(
            lambda count=count: (
                len(watch.text_frames()) > count  # type: ignore[misc]
                and watch.echo_of(watch.text_frames()[count]) is not None
            ),
            request.timeout,
            f"Message {index + 1} was not echoed by the org",
        )
