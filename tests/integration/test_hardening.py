"""Hardening under every sandbox fault: a verdict always, never an exception; cancel anywhere.

The faults come from FAULTS at run time, so a fault added to the sandbox is covered here too.
"""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

import aiohttp
import pytest

from inspector.core import Verdict, VerificationRequest, VerificationResult, run_verification
from inspector.core.run_types import StepEvent, StepState
from inspector.orgs.connection import sandbox_connection
from inspector.sandbox import FAULTS, SandboxOrg

REQUEST = VerificationRequest(
    crm_id="CRM-HARD-1", attributes={"cartValue": "12.50", "source": "hardening"}, timeout=4.0
)

STEPS = ["preflight", "connect", "send", "resolve", "read", "cleanup"]


def _fast_sandbox(faults: list[str]) -> SandboxOrg:
    return SandboxOrg(
        faults=faults, propagation_delay=0.05, bot_reply_delay=0.05, rate_limit_retry_after=0.1
    )


@pytest.fixture
async def loop_errors() -> list[dict[str, Any]]:
    """Collects what reaches the loop's exception handler: exceptions nothing awaited."""
    seen: list[dict[str, Any]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: seen.append(ctx))
    return seen


async def _verify_under(fault: str) -> VerificationResult | BaseException:
    try:
        async with _fast_sandbox([fault]) as sandbox:
            org = sandbox_connection(sandbox)
            try:
                return await run_verification(
                    REQUEST, org.guest_launcher(), org.reader, preflight=org.preflight
                )
            finally:
                await org.aclose()
    except Exception as exc:
        return exc


async def test_every_fault_ends_in_a_verdict_not_an_exception(
    loop_errors: list[dict[str, Any]],
) -> None:
    faults = sorted(FAULTS)
    outcomes = await asyncio.gather(*(_verify_under(f) for f in faults))
    problems = {}
    for fault, outcome in zip(faults, outcomes, strict=True):
        if not isinstance(outcome, VerificationResult):
            problems[fault] = f"raised {outcome!r}"
        elif outcome.verdict not in (Verdict.PASS, Verdict.FAIL, Verdict.ERROR):
            problems[fault] = f"verdict {outcome.verdict!r}"
        elif outcome.verdict is not Verdict.PASS and not outcome.diagnoses:
            problems[fault] = f"{outcome.verdict.value} without a diagnosis: {outcome.summary}"
        elif any(d.code == "internal-error" for d in outcome.diagnoses):
            problems[fault] = f"internal error: {outcome.summary}"
    assert not problems
    assert not loop_errors, [c.get("message") for c in loop_errors]


def _stray_tasks(baseline: set[asyncio.Task[Any]], sandbox: SandboxOrg) -> list[str]:
    """Tasks the run left behind, and guest sockets the org still has open.

    aiohttp's per-connection server task stays for HTTP keep-alive connections of the client's
    pool, which is expected; a guest socket left open would be a leak, so those are counted on
    the org side (the sandbox's own set of open sockets, which it closes on stop).
    """
    stray = [
        repr(t)
        for t in asyncio.all_tasks()
        if t not in baseline
        and not t.done()
        and "web_protocol.py" not in repr(t)  # aiohttp RequestHandler.start
    ]
    return stray + [f"open guest socket {ws!r}" for ws in sandbox._state.sockets]


async def test_cancel_at_any_point_leaves_no_task_and_the_org_serving(
    loop_errors: list[dict[str, Any]],
) -> None:
    rng = random.Random()
    cancelled: list[str] = []
    async with _fast_sandbox([]) as sandbox:
        org = sandbox_connection(sandbox)
        try:
            baseline = set(asyncio.all_tasks())
            for target in [*STEPS, *STEPS]:
                reached = asyncio.Event()

                def on_step(event: StepEvent, target: str = target, reached: Any = reached) -> None:
                    if event.name == target and event.state is StepState.RUNNING:
                        reached.set()

                task = asyncio.create_task(
                    run_verification(
                        REQUEST,
                        org.guest_launcher(),
                        org.reader,
                        preflight=org.preflight,
                        on_step=on_step,
                    )
                )
                async with asyncio.timeout(10):
                    await reached.wait()
                # Somewhere inside the step: at its start or while it waits on the org.
                await asyncio.sleep(rng.uniform(0.0, 0.05))
                if task.cancel():
                    with pytest.raises(asyncio.CancelledError):
                        await task
                    assert task.cancelled()
                    cancelled.append(target)
                else:
                    assert task.result().verdict is Verdict.PASS
                # The client side and the sandbox's handlers for it wind down: nothing stays.
                for _ in range(250):  # up to 5 s
                    if not _stray_tasks(baseline, sandbox):
                        break
                    await asyncio.sleep(0.02)
                assert not _stray_tasks(baseline, sandbox)
            after = await run_verification(
                REQUEST, org.guest_launcher(), org.reader, preflight=org.preflight
            )
        finally:
            await org.aclose()
    assert set(cancelled) >= set(STEPS) - {"cleanup"}  # cut inside every step at least once
    assert after.verdict is Verdict.PASS, after.summary
    assert not loop_errors, [c.get("message") for c in loop_errors]


# --- the sandbox's own request parsing ------------------------------------------------------

ACTIONS = ["configureSession", "onMessage", "echo", "closeSession", "getConfiguration", "x", 5]


def _random_json(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.4:
        return rng.choice([None, True, 0, -1, 2**70, 1.5, "", "x", "é" * 3, "2026-01-01"])
    if roll < 0.6:
        return [_random_json(rng, depth + 1) for _ in range(rng.randrange(4))]
    keys = ["action", "token", "deploymentId", "message", "type", "text", "channel", "tracingId"]
    return {rng.choice(keys): _random_json(rng, depth + 1) for _ in range(rng.randrange(5))}


def _random_frame(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.6:
        frame = _random_json(rng)
        if isinstance(frame, dict) and rng.random() < 0.8:
            frame["action"] = rng.choice(ACTIONS)
        return json.dumps(frame)
    if kind < 0.8:
        text = json.dumps({"action": rng.choice(ACTIONS[:3]), "token": "t", "message": {}})
        return text[: rng.randrange(len(text))]
    return "".join(rng.choice('{}[]":,aé1 \\') for _ in range(rng.randrange(30)))


async def test_sandbox_answers_garbage_frames_and_keeps_serving() -> None:
    rng = random.Random()
    frames = [_random_frame(rng) for _ in range(150)]
    async with _fast_sandbox([]) as sandbox:
        info = sandbox.info
        url = info.base_url.replace("http", "ws", 1) + f"/v1?deploymentId={info.deployment_id}"
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(url, headers={"Origin": info.origin}) as ws:
                answers = 0
                for frame in frames:
                    await ws.send_str(frame)
                    # Each frame gets at least one answer (an error frame for garbage).
                    message = await ws.receive(timeout=5)
                    assert message.type is aiohttp.WSMsgType.TEXT, (frame, message)
                    assert isinstance(json.loads(message.data), dict)
                    answers += 1
                assert not ws.closed
            async with session.post(
                info.base_url + "/oauth/token", data=b"\xff\x00grant_type=%%%"
            ) as response:
                assert 400 <= response.status < 500
        org = sandbox_connection(sandbox)
        try:
            after = await run_verification(REQUEST, org.guest_launcher(), org.reader)
        finally:
            await org.aclose()
    assert answers == len(frames)
    assert after.verdict is Verdict.PASS, after.summary


async def test_sandbox_answers_a_frame_nested_too_deep() -> None:
    async with _fast_sandbox([]) as sandbox:
        info = sandbox.info
        url = info.base_url.replace("http", "ws", 1) + f"/v1?deploymentId={info.deployment_id}"
        async with aiohttp.ClientSession() as session:
            async with session.ws_connect(url, headers={"Origin": info.origin}) as ws:
                await ws.send_str("[" * 100_000)
                message = await ws.receive(timeout=5)
                assert message.type is aiohttp.WSMsgType.TEXT
