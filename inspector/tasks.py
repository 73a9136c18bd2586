"""Strong references to running tasks, so none is garbage-collected mid-flight.

asyncio keeps only weak references to tasks; a run started from a button and then forgotten
can vanish. Shutdown cancels and awaits everything still here.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

__all__ = ["TaskRegistry"]

log = logging.getLogger("inspector.app")


class TaskRegistry:
    def __init__(self) -> None:
        self._tasks: dict[str, asyncio.Task[Any]] = {}

    def spawn(self, name: str, coro: Coroutine[Any, Any, Any]) -> asyncio.Task[Any]:
        """Start `coro` as the task `name`, cancelling a previous task of that name."""
        previous = self._tasks.get(name)
        if previous is not None and not previous.done():
            previous.cancel()
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

    async def cancel_all(self, grace: float = 5.0) -> None:
        tasks = [t for t in self._tasks.values() if not t.done()]
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=grace)
