"""The shared rate budget: never more calls in any 60 s window than configured."""

import asyncio
import bisect

import pytest

from inspector.orgs.budget import RateLimiter


class VirtualTime:
    def __init__(self):
        self.now = 0.0

    def clock(self):
        return self.now

    async def sleep(self, seconds):
        self.now += seconds
        await asyncio.sleep(0)


def max_in_any_window(times, window=60.0):
    return max(bisect.bisect_left(times, t + window) - i for i, t in enumerate(times))


@pytest.mark.parametrize(("per_minute", "burst"), [(60, 10), (240, 10), (5, 10), (300, 1)])
async def test_no_window_exceeds_the_budget(per_minute, burst):
    time = VirtualTime()
    limiter = RateLimiter(per_minute, burst=burst, clock=time.clock, sleep=time.sleep)
    stamps = []

    async def worker():
        for _ in range(per_minute):
            await limiter.acquire()
            stamps.append(time.now)

    await asyncio.gather(*(worker() for _ in range(8)))
    stamps.sort()
    assert len(stamps) == 8 * per_minute
    assert max_in_any_window(stamps) <= per_minute
    # and the budget is used, not wasted: after the burst, calls come at the refill rate
    assert stamps[-1] <= (len(stamps) - limiter.capacity) / limiter.rate + 1e-6
    if per_minute >= 60:
        assert stamps[-1] <= 8 * 60 * 1.2


async def test_a_burst_goes_through_without_waiting():
    time = VirtualTime()
    limiter = RateLimiter(240, burst=10, clock=time.clock, sleep=time.sleep)
    for _ in range(10):
        await limiter.acquire()
    assert time.now == 0.0
    await limiter.acquire()
    assert time.now > 0.0
    assert limiter.acquired == 11


def test_a_budget_below_one_is_refused():
    with pytest.raises(ValueError):
        RateLimiter(0)
