"""The one way out of the window: everything with something to close registers here.

Modelled on qutebrowser's misc/quitter.py. The window's close, the Quit action and
SIGINT/SIGTERM (which close the window) all end in `request_quit()`; the entry point then
awaits `shutdown()`, which runs every registered closer once, stage by stage in the fixed order
of `Stage`: the tasks are cancelled and awaited before the org clients they use are closed, the
clients before the sandbox org they talk to, and the window goes last.

The Quitter never quits Qt itself. Qt exits once, when the coroutine the window's loop runs
returns after the shutdown (qasync's `stop()` calls `QCoreApplication.exit()`, app.run_gui);
a second exit segfaults once a web view existed (DESIGN.md), so no closer may quit the
application or stop the loop.

No Qt import: the shutdown order is tested with plain asyncio.
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import logging
from collections.abc import Awaitable, Callable

__all__ = ["Closer", "Quitter", "Stage"]

log = logging.getLogger("inspector.init")

Closer = Callable[[], Awaitable[None] | None]


class Stage(enum.Enum):
    """The shutdown's stages, run in this order."""

    TASKS = "tasks"  # cancel and await the running tasks (runtime/tasks.py TaskRegistry)
    CLIENTS = "clients"  # close the org clients (HTTP, WebSocket)
    SANDBOX = "sandbox"  # stop the embedded sandbox org's server
    STORES = "stores"  # close the run history and other stores
    WINDOW = "window"  # delete the window (deleteLater)


class Quitter:
    """Registered closers, run once by `shutdown()` in the order of `Stage`.

    `timeout` bounds each closer, so one that hangs (a server that does not answer) cannot
    keep the process from ending; TaskRegistry.cancel_all has its own, shorter grace.
    """

    def __init__(self, timeout: float = 15.0) -> None:
        self._closers: dict[Stage, list[tuple[str, Closer]]] = {stage: [] for stage in Stage}
        self._timeout = timeout
        self._requested = asyncio.Event()
        self._stage: Stage | None = None  # the stage the shutdown is in, once it began
        self._shutting_down = False
        self._done = False

    def on_quit(self, stage: Stage, name: str, close: Closer) -> None:
        """Run `close()` (awaited if it returns an awaitable) in `stage` of the shutdown.

        Closers of a stage run in the order they were registered. One registered while the
        shutdown runs (by a task's cleanup) still runs, unless its stage is over.
        """
        if self._done or (self._stage is not None and _order(stage) < _order(self._stage)):
            log.warning("%s registered for the %s stage after it ran", name, stage.value)
        self._closers[stage].append((name, close))

    @property
    def requested(self) -> bool:
        return self._requested.is_set()

    def request_quit(self) -> None:
        """Ask for the shutdown; the first call wakes `wait_requested()`, later ones do nothing."""
        if self._requested.is_set():
            return
        log.info("Quitting")
        self._requested.set()

    async def wait_requested(self) -> None:
        await self._requested.wait()

    async def shutdown(self) -> None:
        """Run every closer once, stage by stage; a closer that fails is logged and the others
        still run. A second call returns at once."""
        if self._shutting_down:
            return
        self._shutting_down = True
        self.request_quit()
        for stage in Stage:
            self._stage = stage
            closers = self._closers[stage]
            index = 0
            while index < len(closers):  # the list may grow while a closer is awaited
                name, close = closers[index]
                index += 1
                await self._run(stage, name, close)
        self._done = True
        log.debug("Shutdown done")

    async def _run(self, stage: Stage, name: str, close: Closer) -> None:
        log.debug("Shutdown (%s): closing %s", stage.value, name)
        deadline = asyncio.timeout(self._timeout)
        try:
            result = close()
            if inspect.isawaitable(result):
                async with deadline:
                    await result
        except Exception:
            if deadline.expired():
                log.warning(
                    "Shutdown (%s): closing %s took more than %.0f s; going on without it",
                    stage.value,
                    name,
                    self._timeout,
                )
            else:
                log.exception("Shutdown (%s): closing %s failed", stage.value, name)


def _order(stage: Stage) -> int:
    return list(Stage).index(stage)
