"""Scenarios per second of the suite runner: 50 sandbox scenarios at concurrency 1 and 8.

The rate budget is set high (6000 requests a minute) so the figure is the runner's own
throughput; with the default budget (240 a minute) the budget, not the runner, sets the pace,
which the last line shows.
Usage: python bench/runner_throughput.py [N]
"""

import asyncio
import sys
import time
from contextlib import asynccontextmanager

from inspector.core import Verdict
from inspector.runner import DEFAULT_REQUESTS_PER_MINUTE, SandboxProvider, run_suite
from inspector.scenarios import load_scenario_text


class CountingProvider(SandboxProvider):
    """Sandbox orgs whose Platform API requests are counted after the suite."""

    def __init__(self):
        self.requests = 0

    @asynccontextmanager
    async def org(self, profile, faults):
        async with super().org(profile, faults) as connection:
            before = connection.platform.request_count
            try:
                yield connection
            finally:
                self.requests += connection.platform.request_count - before


def scenarios(n):
    return [
        load_scenario_text(
            f"name: bench-{i:03d}\ncrmId: CRM-{i:05d}\nattributes: {{source: bench, n: '{i}'}}\n",
            f"bench-{i:03d}.yaml",
        )
        for i in range(n)
    ]


async def measure(n, concurrency, per_minute):
    provider = CountingProvider()
    started = time.perf_counter()
    result = await run_suite(
        scenarios(n), concurrency=concurrency, requests_per_minute=per_minute, provider=provider
    )
    seconds = time.perf_counter() - started
    passed = result.count(Verdict.PASS)
    if passed != n:
        raise SystemExit(f"only {passed} of {n} scenarios passed")
    return seconds, provider.requests


async def main(n):
    print(f"{n} sandbox scenarios, each: connect, send, resolve, read, end the conversation")
    for concurrency in (1, 8):
        seconds, requests = await measure(n, concurrency, 6000)
        print(
            f"concurrency {concurrency}: {n / seconds:6.2f} scenarios/s "
            f"({seconds:5.1f} s, {requests} Platform API requests, {requests / seconds:.1f}/s)"
        )
    seconds, requests = await measure(n, 8, DEFAULT_REQUESTS_PER_MINUTE)
    print(
        f"concurrency 8, default budget {DEFAULT_REQUESTS_PER_MINUTE}/min: "
        f"{n / seconds:6.2f} scenarios/s ({seconds:5.1f} s, {requests} requests, "
        f"on average {requests * 60 / seconds:.0f} a minute)"
    )


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 50))
