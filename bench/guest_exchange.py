"""The guest chat exchange as a whole process, against the sandbox org in another process.

Each round starts a fresh interpreter that imports Inspector's guest client, opens the guest
WebSocket, configures a session, sends the first message with custom attributes, waits for
its echo and the bot's reply, closes the session and exits; the time is spawn to exit. The
same exchange is also timed in this process (no start-up, no imports) for comparison. The
peer's published figure for the same exchange as a whole process is 0.66 s.
Usage: python bench/guest_exchange.py [ROUNDS]
"""

import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

PEER_SECONDS = 0.66


async def exchange(info: dict) -> None:
    from inspector.genesys.guest import GuestSession
    from inspector.genesys.regions import OrgEndpoints

    endpoints = OrgEndpoints.for_custom_domain(info["baseUrl"])
    async with GuestSession(endpoints, info["deploymentId"], origin=info["origin"]) as session:
        await session.configure()
        echo = await session.send_text("Hello", {"crmCustomerId": "CRM-12345-XYZ"})
        assert echo.id
        reply = await session.next_message(direction="Outbound", timeout=10)
        assert reply.text


def client(info_json: str) -> None:
    asyncio.run(exchange(json.loads(info_json)))


def main(rounds: int) -> None:
    sys.path.insert(0, str(Path(__file__).parent))
    from remote_sandbox import remote_sandbox

    with remote_sandbox() as info:
        argv = [sys.executable, __file__, "--client", json.dumps(info)]
        subprocess.run(argv, check=True, timeout=60)  # warm the file cache once
        whole: list[float] = []
        for _ in range(rounds):
            started = time.perf_counter()
            subprocess.run(argv, check=True, timeout=60)
            whole.append(time.perf_counter() - started)
        inside: list[float] = []
        for _ in range(rounds):
            started = time.perf_counter()
            asyncio.run(exchange(info))
            inside.append(time.perf_counter() - started)
    process, exchange_only = statistics.median(whole), statistics.median(inside)
    print(f"rounds: {rounds} (sandbox bot reply delay 0.4 s)")
    print(
        f"whole process (start, session, echo, bot reply, exit): median {process:.3f} s, "
        f"min {min(whole):.3f} s; vs the peer's {PEER_SECONDS} s: {process / PEER_SECONDS:.2f}x"
    )
    print(
        f"the exchange alone, in process: median {exchange_only:.3f} s "
        f"({exchange_only / PEER_SECONDS:.2f}x the peer's whole process)"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--client":
        client(sys.argv[2])
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
