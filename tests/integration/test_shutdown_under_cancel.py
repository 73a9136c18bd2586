"""Cleanup that must run even when the task doing it is cancelled, or a sibling fails.

Each test cancels at the point where a resource was once left open: the guest session of a
scenario waiting for a bot reply, the scenarios of a suite when one of them raises, the
sandbox's listening socket, a replaced task of the window.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest

from inspector.orgs.adapters import GuestLauncher
from inspector.orgs.connection import sandbox_connection
from inspector.orgs.runs import ScenarioLauncher
from inspector.orgs.suite import run_suite
from inspector.runtime.tasks import TaskRegistry
from inspector.sandbox import SANDBOX_DEPLOYMENT_ID, SANDBOX_ORIGIN, SandboxOrg
from inspector.scenarios import load_scenario_text

WAITS_FOR_A_REPLY = "expect:\n  botReply: {contains: never-said, within: 5}\n"


def scenario(name: str, extra: str = "") -> Any:
    return load_scenario_text(f"name: {name}\ncrmId: C-1\n{extra}", f"{name}.yaml")


async def test_a_scenario_cancelled_while_waiting_for_the_bot_still_closes_its_chat() -> None:
    async with SandboxOrg() as sandbox:
        org = sandbox_connection(sandbox)
        try:
            launcher = ScenarioLauncher(
                GuestLauncher(org.endpoints, SANDBOX_DEPLOYMENT_ID, SANDBOX_ORIGIN),
                scenario("waits", WAITS_FOR_A_REPLY),
            )
            await launcher.connect()
            await launcher.send_first_message("hello", {"crmCustomerId": "C-1"})
            closing = asyncio.create_task(launcher.close())
            await asyncio.sleep(0.3)  # inside the wait for a reply that never comes
            assert not closing.done()
            closing.cancel()
            with pytest.raises(asyncio.CancelledError):
                await closing
            assert launcher.inner.session.released
        finally:
            await org.aclose()


async def test_when_one_scenario_raises_the_others_stop_before_their_org_closes() -> None:
    scenarios = [
        scenario("s0"),
        scenario("s1", WAITS_FOR_A_REPLY),
        scenario("s2", WAITS_FOR_A_REPLY),
    ]

    async def record(run: Any) -> None:
        if run.scenario.name == "s0":
            raise RuntimeError("the history write failed")

    before = asyncio.all_tasks()
    with pytest.raises(RuntimeError, match="the history write failed"):
        await run_suite(scenarios, concurrency=3, record=record, requests_per_minute=6000)
    left = [t for t in asyncio.all_tasks() - before if not t.done()]
    assert not left, [t.get_name() for t in left]


async def test_a_cancelled_stop_still_closes_the_sandbox_port() -> None:
    sandbox = SandboxOrg()
    await sandbox.start()
    port = sandbox.port
    async with aiohttp.ClientSession() as http:
        # A guest socket nobody reads: the server's close handshake waits on it.
        ws = await http.ws_connect(
            f"http://127.0.0.1:{port}/v1",
            params={"deploymentId": SANDBOX_DEPLOYMENT_ID},
            origin=SANDBOX_ORIGIN,
        )
        stop = asyncio.create_task(sandbox.stop())
        await asyncio.sleep(0)
        assert not stop.done()
        stop.cancel()
        with pytest.raises(asyncio.CancelledError):
            await stop
        with pytest.raises(OSError):
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
        await ws.close()


async def test_cancel_all_waits_for_the_cleanup_of_a_replaced_task() -> None:
    cleaned: list[str] = []

    async def job(name: str, cleanup: float) -> None:
        try:
            await asyncio.sleep(100)
        finally:
            await asyncio.sleep(cleanup)  # closing a chat, say
            cleaned.append(name)

    registry = TaskRegistry()
    first = registry.spawn("verification", job("first", 0.3))
    await asyncio.sleep(0)
    registry.spawn("verification", job("second", 0.0))  # replaces and cancels the first
    await asyncio.sleep(0)
    await registry.cancel_all()
    assert first.done()
    assert sorted(cleaned) == ["first", "second"]


async def test_cancel_by_name_waits_for_a_replaced_task_of_that_name_too() -> None:
    cleaned: list[str] = []

    async def job(name: str, cleanup: float) -> None:
        try:
            await asyncio.sleep(100)
        finally:
            await asyncio.sleep(cleanup)
            cleaned.append(name)

    registry = TaskRegistry()
    first = registry.spawn("verification", job("first", 0.3))
    await asyncio.sleep(0)
    registry.spawn("verification", job("second", 0.0))
    other = registry.spawn("history", job("other", 0.0))
    await asyncio.sleep(0)
    await registry.cancel("verification")
    assert first.done() and sorted(cleaned) == ["first", "second"]
    assert not other.done()  # another name is left alone
    await registry.cancel_all()
