"""The window as its own process: started, waited for until it is ready, closed with Ctrl-C."""

import signal
import subprocess
import sys
import time
from dataclasses import dataclass

INSPECTOR = [sys.executable, "-m", "inspector"]


@dataclass
class WindowRun:
    returncode: int
    until_ready: str  # stderr up to "Window ready"
    after: str  # stderr from then until the process ended

    @property
    def output(self) -> str:
        return self.until_ready + self.after


def open_window_and_interrupt(
    env: dict[str, str],
    ready_within: float = 30.0,
    *,
    ready: str = "Window ready",
    interrupts: int = 1,
) -> WindowRun:
    """Start the window, wait for its "Window ready" line (logged once it takes input), or
    another `ready` line, then send SIGINT as Ctrl-C in its terminal would (`interrupts`
    times, as an impatient user would), and wait for it to end."""
    proc = subprocess.Popen(
        INSPECTOR, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env
    )
    seen: list[str] = []
    deadline = time.monotonic() + ready_within
    try:
        assert proc.stderr is not None
        for line in proc.stderr:
            seen.append(line)
            if ready in line or time.monotonic() > deadline:
                break
        assert any(ready in line for line in seen), "".join(seen)
    finally:
        for _ in range(interrupts):
            proc.send_signal(signal.SIGINT)
        rest = proc.communicate(timeout=30)[1]
    return WindowRun(proc.returncode, "".join(seen), rest)
