"""Strong references to running tasks, so none is garbage-collected mid-flight.

asyncio keeps only weak references to tasks; a run started from a button and then forgotten
can vanish. Shutdown cancels and awaits everything still here.
"""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from inspector.runtime.lazy import lazy_module

if TYPE_CHECKING:
    import asyncio
else:
    # With the event loop, after the window's first paint (runtime/lazy.py).
    asyncio = lazy_module("asyncio")

__all__ = ["TaskRegistry"]

log = logging.getLogger("inspector.app")


class TaskRegistry:
    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[Any]] = {}
        # Replaced tasks, cancelled but maybe still in their cleanup (closing a chat).
        self._winding_down: set[asyncio.Task[Any]] = set()

    def spawn(self, name: str, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Start `coro` as the task `name`, cancelling a previous task of that name."""
        previous = self._tasks.get(name)
        if previous is not None and not previous.done():
            previous.cancel()
            self._winding_down.add(previous)
            previous.add_done_callback(self._winding_down.discard)
        task = asyncio.get_running_loop().create_task(coro, name=name)
        self._tasks[name] = task
        task.add_done_callback(self._finished)
        return task

    def get(self, name: str) -> asyncio.Task[Any] | None:
        return self._tasks.get(name)

    def _finished(self, task: asyncio.Task[Any]) -> None:
        if self._tasks.get(task.get_name()) is task:
            del self._tasks[task.get_name()]
        if task.cancelled():
            log.debug("Task %s cancelled", task.get_name())
        elif (exc := task.exception()) is not None:
            log.error("Task %s failed", task.get_name(), exc_info=exc)

    async def cancel(self, *names: str, grace: float = 10.0) -> None:
        """Cancel the tasks of these names, replaced ones too, and wait for their cleanup."""
        tasks = [*self._tasks.values(), *self._winding_down]
        await self._cancel_and_wait([t for t in tasks if t.get_name() in names], grace)

    async def cancel_all(self, grace: float = 10.0) -> None:
        """Cancel every task and wait for their cleanup, replaced ones included."""
        await self._cancel_and_wait([*self._tasks.values(), *self._winding_down], grace)

    async def _cancel_and_wait(self, candidates: list[asyncio.Task[Any]], grace: float) -> None:
        current = asyncio.current_task()
        tasks = [t for t in candidates if not t.done() and t is not current]
        for task in tasks:
            # A second cancel would cut short the cleanup the first one started.
            if not task.cancelling():
                task.cancel()
        if not tasks:
            return
        _, pending = await asyncio.wait(tasks, timeout=grace)
        for task in pending:
            log.warning(
                "Task %s still running %.0f s after it was cancelled", task.get_name(), grace
            )
