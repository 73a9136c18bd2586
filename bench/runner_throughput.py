"""Scenarios per second of the suite runner: 50 sandbox scenarios at concurrency 1 and 8.

The sandbox org runs in a process of its own (`inspector sandbox`), as a real org is remote:
in this process it would share the runner's event loop and measure itself as well.
`--in-process` runs it embedded instead (one sandbox per suite, as `inspector run` does).
The rate budget is set high (6000 requests a minute) so the figure is the runner's own
throughput; with the default budget (240 a minute) the budget, not the runner, sets the pace,
which the last line shows.
Usage: python bench/runner_throughput.py [N] [--in-process]
"""

import asyncio
import sys
import time
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from inspector.core import Verdict
from inspector.orgs.budget import DEFAULT_REQUESTS_PER_MINUTE
from inspector.orgs.suite import SandboxProvider, run_suite
from inspector.scenarios import load_scenario_text


class CountingProvider(SandboxProvider):
    """Sandbox orgs whose Platform API requests are counted after the suite; with `remote`
    (what `inspector sandbox --json` printed) the org is that sandbox in its own process."""

    def __init__(self, remote=None):
        self.requests = 0
        self.remote = remote

    @asynccontextmanager
    async def org(self, profile, faults):
        if self.remote is None:
            async with super().org(profile, faults) as connection:
                yield self._counted(connection)
                self.requests += connection.platform.request_count - connection.counted_from
            return
        from remote_sandbox import remote_connection

        connection = self._counted(remote_connection(self.remote))
        try:
            yield connection
        finally:
            self.requests += connection.platform.request_count - connection.counted_from
            await connection.aclose()

    @staticmethod
    def _counted(connection):
        connection.counted_from = connection.platform.request_count
        return connection


def scenarios(n):
    return [
        load_scenario_text(
            f"name: bench-{i:03d}\ncrmId: CRM-{i:05d}\nattributes: {{source: bench, n: '{i}'}}\n",
            f"bench-{i:03d}.yaml",
        )
        for i in range(n)
    ]


async def measure(n, concurrency, per_minute, remote):
    provider = CountingProvider(remote)
    started = time.perf_counter()
    result = await run_suite(
        scenarios(n), concurrency=concurrency, requests_per_minute=per_minute, provider=provider
    )
    seconds = time.perf_counter() - started
    passed = result.count(Verdict.PASS)
    if passed != n:
        raise SystemExit(f"only {passed} of {n} scenarios passed")
    return seconds, provider.requests


async def main(n, remote):
    where = "in this process" if remote is None else "in its own process"
    print(
        f"{n} sandbox scenarios (the sandbox {where}), each: check the deployment, connect, "
        "send, resolve, read, end the conversation"
    )
    rates = {}
    for concurrency in (1, 8):
        seconds, requests = await measure(n, concurrency, 6000, remote)
        rates[concurrency] = n / seconds
        print(
            f"concurrency {concurrency}: {n / seconds:6.2f} scenarios/s "
            f"({seconds:5.1f} s, {requests} Platform API requests, {requests / seconds:.1f}/s)"
        )
    print(f"concurrency 8 vs 1: {rates[8] / rates[1]:.2f}x")
    seconds, requests = await measure(n, 8, DEFAULT_REQUESTS_PER_MINUTE, remote)
    print(
        f"concurrency 8, default budget {DEFAULT_REQUESTS_PER_MINUTE}/min: "
        f"{n / seconds:6.2f} scenarios/s ({seconds:5.1f} s, {requests} requests, "
        f"on average {requests * 60 / seconds:.0f} a minute)"
    )


@contextmanager
def sandbox_process(in_process):
    if in_process:
        yield None
        return
    sys.path.insert(0, str(Path(__file__).parent))
    from remote_sandbox import remote_sandbox

    with remote_sandbox() as info:
        yield info


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--in-process"]
    with sandbox_process("--in-process" in sys.argv) as info:
        asyncio.run(main(int(args[0]) if args else 50, info))
