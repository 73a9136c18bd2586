"""Soak under faults: N headless verifications, a random sandbox fault on 20% of them.

Each run goes through the same path as `inspector run` (run_scenario, then the history), with
the faults switched on the shared sandbox before the run. Prints runs, unhandled exceptions,
history records lost or partial, 429s whose Retry-After was not honoured (from the sandbox's
request log) and the largest event-loop stall a 10 ms watchdog saw.
Usage: python bench/fault_soak.py [N] [--seed S]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from inspector.core.scenario_parse import scenario_from_data
from inspector.orgs.budget import RateLimiter
from inspector.orgs.connection import sandbox_connection
from inspector.orgs.runs import run_scenario
from inspector.sandbox import FAULTS, LoggedRequest, SandboxOrg
from inspector.store.history import HistoryStore, RunRecord

FAULT_SHARE = 0.2
RETRY_AFTER = 0.3  # seconds the rate-limit fault asks for; short so the soak stays quick
# Timers fire a little early or late; a retry this much before Retry-After still counts.
RETRY_TOLERANCE = 0.02
WATCHDOG_TICK = 0.010


class Watchdog:
    """Sleeps 10 ms in a loop and records how late each wake-up was (the loop's stall)."""

    def __init__(self) -> None:
        self.max_stall_ms = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            before = time.perf_counter()
            await asyncio.sleep(WATCHDOG_TICK)
            late = (time.perf_counter() - before - WATCHDOG_TICK) * 1000
            self.max_stall_ms = max(self.max_stall_ms, late)

    def start(self) -> None:
        self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass


def unhonoured_retry_after(log: list[LoggedRequest], retry_after: float) -> int:
    """429s after which the same request came back sooner than Retry-After.

    Runs are sequential, so the next request for the same method and path is the retry.
    """
    bad = 0
    for index, entry in enumerate(log):
        if entry.status != 429:
            continue
        retry = next(
            (r for r in log[index + 1 :] if (r.method, r.path) == (entry.method, entry.path)),
            None,
        )
        if retry is not None and retry.at - entry.at < retry_after - RETRY_TOLERANCE:
            bad += 1
    return bad


async def soak(runs: int, seed: int) -> int:
    rng = random.Random(seed)
    faults = sorted(FAULTS)
    unhandled = 0
    verdicts: Counter[str] = Counter()
    fault_runs: Counter[str] = Counter()
    written: dict[int, RunRecord] = {}
    watchdog = Watchdog()
    with tempfile.TemporaryDirectory(prefix="inspector-soak-") as folder:
        history = HistoryStore(Path(folder) / "history.sqlite3")
        async with SandboxOrg(
            propagation_delay=0.05, bot_reply_delay=0.05, rate_limit_retry_after=RETRY_AFTER
        ) as sandbox:
            org = sandbox_connection(sandbox)
            limiter = RateLimiter(100_000)
            watchdog.start()
            try:
                for index in range(runs):
                    chosen = [rng.choice(faults)] if rng.random() < FAULT_SHARE else []
                    sandbox.set_faults(chosen)
                    fault_runs[chosen[0] if chosen else "none"] += 1
                    scenario = scenario_from_data(
                        {
                            "name": f"soak {index:03d}",
                            "crmId": f"CRM-{index:05d}",
                            "attributes": {"source": "soak", "cartValue": str(index)},
                            "timeout": 3,
                        },
                        source="soak",
                    )
                    try:
                        run = await run_scenario(scenario, org, limiter)
                    except Exception as exc:  # what the user would have seen as a traceback
                        unhandled += 1
                        print(f"unhandled exception in run {index}: {exc!r}", file=sys.stderr)
                        continue
                    verdicts[run.outcome.verdict.value] += 1
                    record = RunRecord.from_outcome(
                        run.outcome,
                        started_at=run.started_at,
                        finished_at=run.finished_at,
                        origin="cli",
                    )
                    written[await history.record_async(record)] = record
            finally:
                await watchdog.stop()
                await org.aclose()
            request_log = sandbox.request_log
        lost = partial = 0
        for run_id, record in written.items():
            stored = history.get(run_id)
            if stored is None:
                lost += 1
            elif stored.to_json_dict() | {"id": None} != record.to_json_dict():
                partial += 1
        lost += runs - unhandled - len(written)
        history.close()
    rate_limited = sum(1 for r in request_log if r.status == 429)
    unhonoured = unhonoured_retry_after(request_log, RETRY_AFTER)
    print(f"runs: {runs} (seed {seed}; faulted runs: {runs - fault_runs['none']})")
    print(f"faults: {', '.join(f'{k} {v}' for k, v in sorted(fault_runs.items()))}")
    print(f"verdicts: {', '.join(f'{k} {v}' for k, v in sorted(verdicts.items()))}")
    print(f"unhandled exceptions: {unhandled}")
    print(f"history records lost or partial: {lost + partial}")
    print(f"429s answered: {rate_limited}; Retry-After not honoured: {unhonoured}")
    print(f"max event-loop stall: {watchdog.max_stall_ms:.1f} ms")
    return 1 if unhandled or lost or partial or unhonoured else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="?", type=int, default=200)
    parser.add_argument("--seed", type=int, default=None)
    args = parser.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    raise SystemExit(asyncio.run(soak(args.runs, seed)))


if __name__ == "__main__":
    main()
