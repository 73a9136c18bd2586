"""Cold start of Inspector vs a bare window holding only a QWebEngineView, in the same run.

For each: process start → window interactive (the app logs "Window ready"; the bare window
prints "ready" once its loop runs), and the peak RSS of the process tree (Python plus the
QtWebEngineProcess helpers) over a few seconds after that. Linux only (/proc). Both start
with Python's bytecode cache, as an installed app has it (one unmeasured start writes it
first, whatever PYTHONDONTWRITEBYTECODE says).
Usage: python bench/startup.py [ROUNDS]
"""

import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

BARE = """
import signal
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv)
view = QWebEngineView()
view.setHtml("<p>bare</p>")
view.resize(1320, 820)
view.show()
QTimer.singleShot(0, lambda: print("ready", flush=True))
# Quits on SIGINT like Inspector does (a timer lets Python run the handler while Qt runs), so
# that both end the same way: killed instead, its QtWebEngineProcess helpers outlive it and
# take the CPU from the next round's start.
signal.signal(signal.SIGINT, lambda *_: app.quit())
wake = QTimer()
wake.timeout.connect(lambda: None)
wake.start(250)
app.exec()
"""

SETTLE_SECONDS = 4.0


def tree_pids(pid: int) -> set[int]:
    found, todo = set(), [pid]
    while todo:
        current = todo.pop()
        found.add(current)
        try:
            for task in Path(f"/proc/{current}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def wait_gone(pids: set[int], timeout: float = 10.0) -> None:
    until = time.perf_counter() + timeout
    while time.perf_counter() < until:
        alive = [p for p in pids if Path(f"/proc/{p}").exists()]
        if not alive:
            return
        time.sleep(0.05)
    for pid in alive:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def tree_rss_kib(pid: int) -> int:
    total = 0
    for current in tree_pids(pid):
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(next(x for x in status.splitlines() if x.startswith("VmRSS")).split()[1])
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            continue
    return total


def measure(argv: list[str], marker: str, stream: str) -> tuple[float, int]:
    env = dict(os.environ)
    # Without the cache every start compiles Inspector's own modules from source, which no
    # installed app does (pip and PyInstaller write the bytecode) and the bare window has not.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    if os.geteuid() == 0:
        env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    started = time.perf_counter()
    proc = subprocess.Popen(
        argv,
        env=env,
        text=True,
        stdout=subprocess.PIPE if stream == "stdout" else subprocess.DEVNULL,
        stderr=subprocess.PIPE if stream == "stderr" else subprocess.DEVNULL,
    )
    pipe = proc.stdout if stream == "stdout" else proc.stderr
    assert pipe is not None
    ready_at = None
    for line in pipe:
        if marker in line:
            ready_at = time.perf_counter()
            break
    if ready_at is None:
        raise SystemExit(f"{argv} exited before it was ready")
    # Keep reading: a full pipe would block the app (and its exit) on its next log line.
    threading.Thread(target=pipe.read, daemon=True).start()
    peak = 0
    until = time.perf_counter() + SETTLE_SECONDS
    while time.perf_counter() < until:
        peak = max(peak, tree_rss_kib(proc.pid))
        time.sleep(0.05)
    tree = tree_pids(proc.pid)
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    wait_gone(tree)  # the next round starts on an idle machine, not beside this one's helpers
    return (ready_at - started) * 1000, peak


def main(rounds: int) -> None:
    inspector = [sys.executable, "-m", "inspector"]
    bare = [sys.executable, "-c", BARE]
    results: dict[str, list[tuple[float, int]]] = {"inspector": [], "bare web view": []}
    measure(inspector, "Window ready", "stderr")  # unmeasured: writes the bytecode cache
    for _ in range(rounds):
        results["inspector"].append(measure(inspector, "Window ready", "stderr"))
        results["bare web view"].append(measure(bare, "ready", "stdout"))
    summary = {}
    for name, runs in results.items():
        start = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs) / 1024
        summary[name] = (start, rss)
        print(f"{name:14s} cold start {start:6.0f} ms   peak RSS (tree) {rss:6.0f} MiB")
    (a_start, a_rss), (b_start, b_rss) = summary["inspector"], summary["bare web view"]
    print(f"ratio          cold start {a_start / b_start:6.2f}x     peak RSS {a_rss / b_rss:6.2f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
