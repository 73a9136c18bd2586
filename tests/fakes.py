"""Fakes for core's verification: a virtual clock and a launcher that needs no chat."""

import asyncio

from inspector.core import StepError


class FakeClock:
    """Time that moves only when the code under test sleeps."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now

    async def sleep(self, seconds):
        self.now += seconds
        await asyncio.sleep(0)


class FakeLauncher:
    """Connects and sends at once; `fail_on="connect"` or `connect_error` make it fail."""

    def __init__(self, fail_on=None):
        self.fail_on = fail_on
        self.sent = None
        self.closed = False
        self.connect_error = None

    async def connect(self):
        if self.connect_error is not None:
            raise self.connect_error
        if self.fail_on == "connect":
            raise StepError("The chat did not report ready", code="chat-timeout")

    async def send_first_message(self, text, attributes):
        self.sent = dict(attributes)
        return "msg-1"

    async def close(self):
        self.closed = True
