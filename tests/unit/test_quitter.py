"""The one exit path: closers run once, stage by stage, even when one of them fails."""

import asyncio
import logging

import pytest

from inspector.runtime.quitter import Closer, Quitter, Stage
from inspector.runtime.tasks import TaskRegistry


def _recorder(done: list[str], name: str, *, awaited: bool = False) -> Closer:
    if not awaited:
        return lambda: done.append(name)

    async def close() -> None:
        await asyncio.sleep(0)
        done.append(name)

    return close


async def test_the_stages_run_in_their_fixed_order_whatever_the_registration_order():
    done: list[str] = []
    quitter = Quitter()
    # Registered the other way round, as the start-up happens to create things.
    quitter.on_quit(Stage.WINDOW, "window", _recorder(done, "window"))
    quitter.on_quit(Stage.STORES, "history", _recorder(done, "history"))
    quitter.on_quit(Stage.SANDBOX, "sandbox", _recorder(done, "sandbox", awaited=True))
    quitter.on_quit(Stage.CLIENTS, "org", _recorder(done, "org", awaited=True))
    quitter.on_quit(Stage.CLIENTS, "second org", _recorder(done, "second org"))
    quitter.on_quit(Stage.TASKS, "tasks", _recorder(done, "tasks", awaited=True))
    await quitter.shutdown()
    assert done == ["tasks", "org", "second org", "sandbox", "history", "window"]


async def test_a_closer_that_raises_is_logged_and_the_others_still_run(caplog):
    done: list[str] = []
    quitter = Quitter()

    async def broken_close() -> None:
        raise ConnectionResetError("peer gone")

    def broken_stop() -> None:
        raise RuntimeError("already stopped")

    quitter.on_quit(Stage.CLIENTS, "org clients", broken_close)
    quitter.on_quit(Stage.CLIENTS, "other org", _recorder(done, "other org"))
    quitter.on_quit(Stage.SANDBOX, "sandbox org", broken_stop)
    quitter.on_quit(Stage.WINDOW, "window", _recorder(done, "window"))
    with caplog.at_level(logging.ERROR, logger="inspector.init"):
        await quitter.shutdown()
    assert done == ["other org", "window"]
    failures = [(r.name, r.getMessage(), r.exc_info) for r in caplog.records]
    assert [(name, message) for name, message, _ in failures] == [
        ("inspector.init", "Shutdown (clients): closing org clients failed"),
        ("inspector.init", "Shutdown (sandbox): closing sandbox org failed"),
    ]
    assert all(exc_info is not None for *_, exc_info in failures)  # with the traceback


async def test_a_closer_that_hangs_is_given_up_on_and_the_others_still_run(caplog):
    done: list[str] = []
    quitter = Quitter(timeout=0.05)

    async def hang() -> None:
        await asyncio.sleep(60)

    quitter.on_quit(Stage.SANDBOX, "sandbox org", hang)
    quitter.on_quit(Stage.WINDOW, "window", _recorder(done, "window"))
    with caplog.at_level(logging.WARNING, logger="inspector.init"):
        await asyncio.wait_for(quitter.shutdown(), 5)
    assert done == ["window"]
    assert "closing sandbox org took more than 0 s" in caplog.text


async def test_a_second_shutdown_does_nothing():
    done: list[str] = []
    quitter = Quitter()
    quitter.on_quit(Stage.STORES, "history", _recorder(done, "history", awaited=True))
    quitter.on_quit(Stage.WINDOW, "window", _recorder(done, "window"))
    await quitter.shutdown()
    await quitter.shutdown()
    assert done == ["history", "window"]


async def test_a_shutdown_started_while_one_runs_returns_without_running_anything():
    done: list[str] = []
    release = asyncio.Event()
    quitter = Quitter()

    async def slow() -> None:
        await release.wait()
        done.append("slow")

    quitter.on_quit(Stage.TASKS, "slow", slow)
    quitter.on_quit(Stage.WINDOW, "window", _recorder(done, "window"))
    first = asyncio.create_task(quitter.shutdown())
    await asyncio.sleep(0)
    await quitter.shutdown()
    assert done == []
    release.set()
    await first
    assert done == ["slow", "window"]


async def test_request_quit_is_idempotent(caplog):
    quitter = Quitter()
    waiter = asyncio.create_task(quitter.wait_requested())
    await asyncio.sleep(0)
    assert not waiter.done() and not quitter.requested
    with caplog.at_level(logging.INFO, logger="inspector.init"):
        quitter.request_quit()
        quitter.request_quit()
        quitter.request_quit()
    await asyncio.wait_for(waiter, 1)
    assert quitter.requested
    assert caplog.messages == ["Quitting"]  # once, however many times it was asked


async def test_request_quit_runs_no_closer_by_itself():
    done: list[str] = []
    quitter = Quitter()
    quitter.on_quit(Stage.WINDOW, "window", _recorder(done, "window"))
    quitter.request_quit()
    await asyncio.sleep(0)
    assert done == []
    await quitter.shutdown()
    assert done == ["window"]


async def test_the_shutdown_counts_as_a_request():
    quitter = Quitter()
    await quitter.shutdown()
    assert quitter.requested
    await asyncio.wait_for(quitter.wait_requested(), 1)


async def test_a_closer_registered_by_an_earlier_stage_still_runs():
    done: list[str] = []
    quitter = Quitter()

    def cleanup_of_a_task() -> None:  # a task's cleanup opening something to close later
        quitter.on_quit(Stage.STORES, "late store", _recorder(done, "late store"))
        quitter.on_quit(Stage.TASKS, "late task", _recorder(done, "late task"))

    quitter.on_quit(Stage.TASKS, "tasks", cleanup_of_a_task)
    await quitter.shutdown()
    assert done == ["late task", "late store"]


async def test_a_closer_registered_after_its_stage_ran_is_reported(caplog):
    quitter = Quitter()
    await quitter.shutdown()
    with caplog.at_level(logging.WARNING, logger="inspector.init"):
        quitter.on_quit(Stage.STORES, "history", lambda: None)
    assert caplog.messages == ["history registered for the stores stage after it ran"]


async def test_the_tasks_are_cancelled_and_awaited_before_the_clients_close():
    order: list[str] = []
    tasks = TaskRegistry()
    started = asyncio.Event()

    async def run() -> None:
        try:
            started.set()
            await asyncio.sleep(60)
        finally:
            await asyncio.sleep(0.01)  # its cleanup still uses the client
            order.append("run cleaned up")

    quitter = Quitter()
    quitter.on_quit(Stage.TASKS, "tasks", tasks.cancel_all)
    quitter.on_quit(Stage.CLIENTS, "org clients", lambda: order.append("client closed"))
    task = tasks.spawn("run", run())
    await started.wait()
    await quitter.shutdown()
    assert task.cancelled()
    assert order == ["run cleaned up", "client closed"]


@pytest.mark.parametrize("stage", list(Stage))
async def test_each_stage_runs_its_closers(stage):
    done: list[str] = []
    quitter = Quitter()
    quitter.on_quit(stage, stage.value, _recorder(done, stage.value))
    await quitter.shutdown()
    assert done == [stage.value]
