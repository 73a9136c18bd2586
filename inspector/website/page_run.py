"""One run of the admin's own website page: open it watched, let the customer chat, read back.

The one place a page run is assembled: the `page` command and the window both call it.
The page runs unchanged. On the sandbox org its Genesys requests go to the sandbox, and the
deployment its snippet names is created there as a sandbox deployment of the kind chosen
(`native-ui` by default), allowing the page's host, before Messenger first asks for it.

The customer is either the admin clicking through the page in the window, or a script that
does what a customer does: click Messenger's launcher, wait for the window to be ready, type
and send (or type in the page's own chat controls, named by CSS selectors). Messenger's window
can only be scripted with the sandbox's Messenger, whose window is part of the page; the real
Messenger draws its window in a frame of its own origin.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

from inspector.core import StepError
from inspector.core.page_run import (
    PageFrame,
    PageRunResult,
    SnippetFacts,
    judge_page,
    read_back_keys,
)
from inspector.core.polling import Poller
from inspector.core.scenario import Scenario
from inspector.genesys.regions import REGIONS, SHORT_ENVIRONMENTS
from inspector.orgs.connection import OrgConnection
from inspector.sandbox import SandboxOrg
from inspector.ui.page_redirect import LocalFiles, SandboxRedirect
from inspector.ui.page_view import PageChat, PageSource, PageView
from inspector.ui.page_watch import PageWatch
from inspector.website.local_files import PageFileServer, page_files

__all__ = [
    "DEFAULT_CUSTOMER_MESSAGES",
    "PageRun",
    "PageRunRequest",
    "fresh_page_view",
    "page_source",
    "request_for_scenario",
    "run_page",
]

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
    # The page's own chat, when the customer does not use Messenger's window.
    chat: PageChat | None = None


@asynccontextmanager
async def fresh_page_view() -> AsyncIterator[PageView]:
    """A page view of its own for one headless page run (a fresh browser profile: no guest
    session carried over), shown (offscreen without a display) and deleted afterwards."""
    view = PageView()
    view.setWindowTitle("Inspector: your website page, with a scripted customer")
    view.resize(1000, 760)
    view.show()
    try:
        yield view
    finally:
        view.shutdown()
        view.deleteLater()


def page_source(target: str, origin: str, base: Path | None = None) -> PageSource:
    """A URL as it is; a file (relative to `base`) read, served under `origin` with its folder.

    Raises OSError when the file cannot be read.
    """
    if urlsplit(target).scheme in ("http", "https"):
        return PageSource(url=target, label=target)
    path = Path(target) if base is None else base / target
    return PageSource(
        html=path.read_text(encoding="utf-8"),
        origin=origin,
        label=str(path),
        folder=str(path.parent),
    )


def request_for_scenario(scenario: Scenario) -> PageRunRequest:
    """The run a `launcher: page` scenario asks for; its page is next to its file.

    Raises OSError when the page file cannot be read.
    """
    spec = scenario.page
    if spec is None:
        raise ValueError(f"{scenario.name}: not a website page scenario")
    chat = spec.chat
    base = Path(scenario.source).parent if scenario.source else None
    return PageRunRequest(
        chat=None if chat is None else PageChat(chat["input"], chat["send"], chat.get("open", "")),
        source=page_source(spec.page, spec.origin, base),
        expected=dict(spec.expected),
        messages=spec.messages or DEFAULT_CUSTOMER_MESSAGES,
        kind=spec.kind,
        timeout=spec.timeout,
    )


def _host(origin: str) -> str:
    return (urlsplit(origin).hostname or "").lower()


class PageRun:
    """One page run in steps, for the window (the admin chats) and `run_page` (a script does).

    `open()` loads the page and waits for its snippet and Messenger's config; `customer()`
    chats as a scripted customer; `first_echo()` waits for the org's echo of the first text
    the page sent; `judge()` resolves the conversation, reads it back and judges every frame
    seen so far (call it again after more frames: the verdict then covers them too). A step's
    StepError ends the run: `failed(error)` gives its result.
    """

    def __init__(
        self,
        view: PageView,
        org: OrgConnection,
        request: PageRunRequest,
        *,
        sandbox: SandboxOrg | None = None,
    ) -> None:
        self.view = view
        self.org = org
        self.request = request
        self.sandbox = sandbox
        self.watch = PageWatch(view)
        self.notes: list[str] = []
        self.conversation_id: str | None = None
        self.message_id: str | None = None
        self.received: Mapping[str, str] | None = None
        self._files: PageFileServer | None = None

    async def open(self) -> SnippetFacts:
        request, watch = self.request, self.watch
        files = None
        if request.source.html is not None and request.source.folder:
            folder = Path(request.source.folder)
            self._files = PageFileServer(folder)
            base_url = await self._files.start()
            files = LocalFiles(request.source.origin.rstrip("/"), base_url, page_files(folder))
        _load(self.view, self.org, request, self.sandbox, files)
        await watch.until(
            lambda: watch.snippet is not None, request.timeout, "The page did not load"
        )
        snippet = watch.snippet or SnippetFacts()
        self.notes.append(snippet.describe())
        if not snippet.found and (request.chat is not None or not request.scripted_customer):
            # A page with its own guest client (or so the admin chatting by hand will find):
            # its socket is watched.
            self.notes.append("Watching the page's own guest socket instead.")
            return snippet
        if not snippet.found:
            raise StepError(snippet.describe(), code="script-failed")
        if self.sandbox is None:
            # Short names are the same region ("euw1" is "prod-euw1", MESSENGER.md "Loading");
            # a profile with a custom domain has no environment to compare.
            named = replace(
                snippet,
                environment=SHORT_ENVIRONMENTS.get(snippet.environment, snippet.environment),
            )
            environment = self.org.endpoints.environment or ""
            self.notes.extend(named.differences(self.org.deployment_id, environment))
        else:
            self.notes.append(
                f"On the sandbox org, deployment {snippet.deployment_id} runs as a sandbox "
                f"deployment of kind {request.kind}, allowing {_host(request.source.page_origin)}."
            )
        await watch.until(
            lambda: watch.mode is not None,
            request.timeout,
            "Messenger did not load the deployment's configuration",
        )
        return snippet

    async def customer(self) -> None:
        await _customer(self.view, self.watch, self.request)

    async def first_echo(self, seconds: float | None = None) -> str:
        watch = self.watch
        await watch.until(
            lambda: any(watch.echo_of(f) for f in watch.text_frames()),
            self.request.timeout if seconds is None else seconds,
            "No message of the customer was echoed by the org",
        )
        first = next(f for f in watch.text_frames() if watch.echo_of(f))
        self.message_id = watch.echo_of(first)
        assert self.message_id is not None
        return self.message_id

    @property
    def frames(self) -> list[PageFrame]:
        """Every frame the page sent so far, in order (Messenger's and its own socket's)."""
        return list(self.watch.frames)

    def echoed(self) -> int:
        """How many of the customer's texts the org has echoed so far."""
        return sum(1 for f in self.watch.text_frames() if self.watch.echo_of(f))

    async def next_echo(self, seen: int, seconds: float) -> int:
        """Wait until more than `seen` texts are echoed; the new count."""
        await self.watch.until(lambda: self.echoed() > seen, seconds, "No further message")
        return self.echoed()

    async def judge(self) -> PageRunResult:
        """Resolve and read the conversation back (once resolved, read again), then judge."""
        org, request, watch = self.org, self.request, self.watch
        message_id = self.message_id or await self.first_echo()
        clock = time.monotonic
        poller = Poller(clock() + request.timeout, clock, asyncio.sleep)
        if self.conversation_id is None:
            self.conversation_id = await poller.retry(
                lambda: org.reader.conversation_id_for_message(message_id)
            )
        # Only what the page really sent can arrive: an expected key it never sent is not
        # waited for until the timeout (the verdict names that mistake).
        wanted = dict.fromkeys(read_back_keys(watch.frames), "")
        readback = await poller.read_until_present(org.reader, self.conversation_id, wanted)
        self.received = dict(readback.attributes)
        return self.result()

    async def end_conversation(self) -> None:
        """End the test conversation's customer side (best effort, noted when it fails)."""
        if self.conversation_id is None:
            return
        try:
            readback = await self.org.reader.read_customer_attributes(self.conversation_id)
            if readback.participant_id:
                await self.org.reader.end_conversation(
                    self.conversation_id, readback.participant_id
                )
        except StepError as exc:
            self.notes.append(f"The test conversation could not be ended: {exc.message}")

    def failed(self, error: StepError) -> PageRunResult:
        log.info("Page run stopped: %s", error.message)
        return self.result(error)

    def result(self, error: StepError | None = None) -> PageRunResult:
        return judge_page(
            self.watch.snippet or SnippetFacts(),
            self.watch.frames,
            self.request.expected,
            self.received,
            conversation_id=self.conversation_id,
            message_id=self.message_id,
            error=None if error is None else error.message,
            error_code=None if error is None else error.code,
            notes=self.notes,
        )

    async def aclose(self) -> None:
        """Stop watching, and stop serving the page's files."""
        self.watch.close()
        files, self._files = self._files, None
        if files is not None:
            await files.stop()


async def run_page(
    view: PageView,
    org: OrgConnection,
    request: PageRunRequest,
    *,
    sandbox: SandboxOrg | None = None,
) -> PageRunResult:
    """Open the page, chat (scripted or not), read back and judge; a StepError becomes the
    result's error, never an exception."""
    run = PageRun(view, org, request, sandbox=sandbox)
    try:
        await run.open()
        if request.scripted_customer:
            await run.customer()
        await run.judge()
        await run.end_conversation()
        return run.result()  # with a note if the conversation could not be ended
    except StepError as exc:
        return run.failed(exc)
    finally:
        await run.aclose()


def _load(
    view: PageView,
    org: OrgConnection,
    request: PageRunRequest,
    sandbox: SandboxOrg | None,
    files: LocalFiles | None,
) -> None:
    host = _host(request.source.page_origin)
    messenger_origins = [f"https://apps.{domain}" for domain in REGIONS.values()]
    messenger_origins.append(org.endpoints.bootstrap_script_url)
    if sandbox is None:
        view.load_page(request.source, messenger_origins=messenger_origins, files=files)
        return
    redirect = SandboxRedirect.for_domains(sandbox.base_url, REGIONS.values())

    def on_deployment(deployment_id: str) -> None:
        sandbox.add_deployment_like(deployment_id, request.kind, host)

    view.load_page(
        request.source,
        messenger_origins=[*messenger_origins, sandbox.base_url],
        redirect=redirect,
        on_deployment=on_deployment,
        files=files,
    )


async def _customer(view: PageView, watch: PageWatch, request: PageRunRequest) -> None:
    """Click the launcher, wait for the session, type each message and wait for its echo
    (or type in the page's own chat, when the request names it)."""
    chat = request.chat
    if chat is not None:
        await _each_message(
            watch, request, lambda text: _type_in_page_chat(view, chat, text, request)
        )
        return
    mode = watch.mode
    assert mode is not None
    if mode.headless:
        raise StepError(
            "The deployment is headless: the page draws its own chat, which a scripted "
            "customer cannot know. Name its controls (--chat-input, --chat-send), or open the "
            "page in the window and chat as a customer.",
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

    async def type_in_messenger(text: str) -> None:
        if await view.type_and_send(text) != "sent":
            raise StepError(
                "Messenger's composer was not found in the page.", code="messenger-mode"
            )

    await _each_message(watch, request, type_in_messenger)


async def _each_message(
    watch: PageWatch, request: PageRunRequest, type_one: Callable[[str], Awaitable[None]]
) -> None:
    """Type each message with `type_one` and wait for the org's echo of the frame it made."""
    for index, text in enumerate(request.messages):
        if index:
            await asyncio.sleep(SETTLE_SECONDS)
        count = len(watch.text_frames())
        await type_one(text)
        await watch.until(
            lambda count=count: (
                len(watch.text_frames()) > count  # type: ignore[misc]
                and watch.echo_of(watch.text_frames()[count]) is not None
            ),
            request.timeout,
            f"Message {index + 1} was not echoed by the org",
        )


async def _type_in_page_chat(
    view: PageView, chat: PageChat, text: str, request: PageRunRequest
) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + request.timeout
    # A customer types once the page lets them: it may keep its chat disabled until ready.
    while (done := await view.chat_in_page(chat, text)) == "disabled":
        if loop.time() > deadline:
            raise StepError(
                f"The page's chat ({chat.input}) stayed disabled for {request.timeout:.0f} s.",
                code="chat-timeout",
            )
        await asyncio.sleep(0.2)
    if done != "sent":
        missing = chat.open if done == "no-open" else f"{chat.input} or {chat.send}"
        raise StepError(f"The page's chat has no {missing}.", code="messenger-mode")
