"""Start→verdict time of headless verifications against the sandbox org.

Prints the median and p95 over N runs and the Platform API calls each verification made.
Usage: python bench/verify_latency.py [N]
"""

import asyncio
import statistics
import sys
import time

from inspector.app import sandbox_connection
from inspector.core import Verdict, VerificationRequest, run_verification
from inspector.sandbox import SandboxOrg


async def main(n: int) -> None:
    request = VerificationRequest(crm_id="CRM-12345-XYZ", attributes={"source": "web-portal"})
    times: list[float] = []
    calls: list[int] = []
    async with SandboxOrg() as sandbox:
        org = sandbox_connection(sandbox)
        try:
            for _ in range(n):
                before = org.platform.request_count
                started = time.perf_counter()
                result = await run_verification(request, org.guest_launcher(), org.reader)
                times.append((time.perf_counter() - started) * 1000)
                calls.append(org.platform.request_count - before)
                if result.verdict is not Verdict.PASS:
                    raise SystemExit(f"run failed: {result.summary}")
        finally:
            await org.aclose()
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(f"verifications: {n} (sandbox propagation delay 300 ms)")
    print(f"start→verdict median: {statistics.median(times):.0f} ms")
    print(f"start→verdict p95:    {p95:.0f} ms")
    print(f"Platform API calls per verification: {statistics.mean(calls):.1f} (max {max(calls)})")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 20))
