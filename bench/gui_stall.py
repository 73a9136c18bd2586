"""Event-loop stalls of the window while it runs verifications through the web view.

The real window (MainWindow, Messenger in QtWebEngine) on the sandbox org in a process of its
own, as a real org is remote. Once the window is up (shown, then 1 s to settle), a ticker on
the one qasync loop wakes every 5 ms and records the gap since its last tick; RUNS
verifications then run one after another from the form. Prints the longest gap between ticks
per run and over all runs (goal: 25 ms or less), with the 99th percentile.
With --why, a thread samples the loop thread's Python stack while a tick is overdue and
prints the most frequent stacks of the stalls (where to look; Qt's own C++ time shows as the
Python call that entered it).
Usage: python bench/gui_stall.py [RUNS] [--why]
"""

import asyncio
import collections
import os
import statistics
import sys
import threading
import time
import traceback

from remote_sandbox import remote_connection, remote_sandbox

TICK = 0.005
SETTLE = 1.0


class Ticker:
    def __init__(self, why=False):
        self.gaps: list[float] = []
        self._task = None
        self.last = time.perf_counter()
        self.active = False
        self.stalls: collections.Counter[str] = collections.Counter()
        self.why = why
        self.events: list[tuple[float, str]] = []
        if why:
            loop_thread = threading.get_ident()
            threading.Thread(target=self._sample, args=(loop_thread,), daemon=True).start()

    def _sample(self, loop_thread):
        while True:
            time.sleep(0.002)
            if self.active and time.perf_counter() - self.last > TICK + 0.008:
                frame = sys._current_frames().get(loop_thread)
                if frame is not None:
                    stack = traceback.format_list(traceback.extract_stack(frame)[-9:])
                    self.stalls["".join(stack)] += 1

    async def _tick(self):
        self.last = last = time.perf_counter()
        while True:
            await asyncio.sleep(TICK)
            now = time.perf_counter()
            self.gaps.append((now - last) * 1000)
            if self.why and now - last > 0.015:
                self.events.append((now, f"gap {(now - last) * 1000:.1f} ms"))
            self.last = last = now

    def start(self):
        self.active = True
        self.gaps = []
        self._task = asyncio.get_running_loop().create_task(self._tick())

    async def stop(self):
        self.active = False
        self._task.cancel()
        try:
            await self._task
        except asyncio.CancelledError:
            pass
        return self.gaps


async def measure(runs, info, why):
    from inspector.app import import_org_stack
    from inspector.core import Verdict
    from inspector.runtime.tasks import TaskRegistry
    from inspector.sandbox.faults import FAULTS
    from inspector.ui.main_window import MainWindow

    tasks = TaskRegistry()
    org = remote_connection(info)
    window = MainWindow(org, tasks, fault_descriptions=FAULTS)
    window.show()
    await asyncio.sleep(0.1)
    window.build_after_paint()
    # As the app does once the window is up: the HTTP stack imported in a thread, the first
    # chat's page made ahead.
    await asyncio.to_thread(import_org_stack)
    window.chat.prepare_next()
    await asyncio.sleep(SETTLE)
    ticker = Ticker(why)
    if why:
        on_step = window.progress.on_step

        def traced(event):
            ticker.events.append((time.perf_counter(), f"{event.name} {event.state.value}"))
            on_step(event)

        window.progress.on_step = traced
        window.chat.page_event.connect(
            lambda name, _data: ticker.events.append((time.perf_counter(), f"page {name}"))
        )
    worst: list[float] = []
    every: list[float] = []
    try:
        for index in range(runs):
            ticker.start()
            began = time.perf_counter()
            ticker.events = []
            request, problems = window.form.build_request()
            assert request is not None, problems
            result = await window.start(request)
            gaps = await ticker.stop()
            if result is None or result.verdict is not Verdict.PASS:
                raise SystemExit(f"run {index + 1} did not pass: {result and result.summary}")
            worst.append(max(gaps))
            if why:
                print("  " + "; ".join(f"{(t - began) * 1000:.0f} {e}" for t, e in ticker.events))
            every += gaps
            print(
                f"run {index + 1}: {result.steps and sum(s.ms for s in result.steps):.0f} ms "
                f"of steps, longest gap between ticks {max(gaps):.1f} ms"
            )
            await asyncio.sleep(0.2)
    finally:
        window.close()
        await tasks.cancel_all()
        await org.aclose()
        window.deleteLater()
    every.sort()
    p99 = every[min(len(every) - 1, round(0.99 * (len(every) - 1)))]
    print(f"runs: {runs}, ticker every {TICK * 1000:.0f} ms, {len(every)} ticks")
    print(
        f"longest gap between event-loop ticks: {max(worst):.1f} ms "
        f"(median of the runs' longest {statistics.median(worst):.1f} ms; p99 gap {p99:.1f} ms)"
    )
    for stack, samples in ticker.stalls.most_common(8):
        print(f"--- {samples * 2} ms sampled in stalls at:\n{stack}")


def main(runs, why):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from inspector.app import prepare_qt_environment

    problem = prepare_qt_environment()
    if problem:
        raise SystemExit(problem)
    import qasync
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 (before QApplication)
    from PySide6.QtWidgets import QApplication

    with remote_sandbox() as info:
        app = QApplication(sys.argv[:1])
        app.setQuitOnLastWindowClosed(False)
        loop = qasync.QEventLoop(app)
        asyncio.set_event_loop(loop)
        with loop:
            loop.run_until_complete(measure(runs, info, why))


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--why"]
    main(int(args[0]) if args else 5, "--why" in sys.argv)
