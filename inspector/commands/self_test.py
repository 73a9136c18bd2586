"""`inspector --self-test`: prove that this install (source or frozen) really works.

It does what a user does on first start, unattended: starts the embedded sandbox org, opens
the real window with the web view, runs one verification through the Messenger host page in
that view, and reports the verdict and the time each step took. Exit status 0 only on pass.
Where there is no display it renders offscreen, so CI runs it on every build of the bundle.

The report goes to the given stream and to `self-test.txt` in the log folder: a Windows GUI
build has no stdout, and CI prints that file instead.
"""

from __future__ import annotations

import asyncio
import logging
import os
import platform
import sys
import time
from collections.abc import Iterable
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from inspector import __version__
from inspector.core import Verdict, VerificationRequest, VerificationResult
from inspector.store.paths import app_paths

if TYPE_CHECKING:
    from inspector.ui.main_window import MainWindow

__all__ = ["REPORT_FILE_NAME", "SELF_TEST_REQUEST", "SelfTestReport", "run_self_test"]

log = logging.getLogger("inspector.selftest")

REPORT_FILE_NAME = "self-test.txt"
SELF_TEST_REQUEST = VerificationRequest(crm_id="CRM-12345-XYZ", attributes={"source": "web-portal"})
EXIT_PASS, EXIT_FAIL = 0, 1


@dataclass
class SelfTestReport:
    """What the self-test found, as lines a person (or a CI log) reads."""

    lines: list[str] = field(default_factory=list)
    passed: bool = False

    def add(self, line: str, level: int = logging.DEBUG) -> None:
        # The report itself goes to the stream; the log keeps a copy (INFO for versions).
        log.log(level, "%s", line)
        self.lines.append(line)

    def text(self) -> str:
        return "\n".join(self.lines) + "\n"


def environment_lines() -> list[str]:
    """Versions that decide whether the bundle works: Python, Qt, QtWebEngine, keyring."""
    import keyring
    import PySide6
    from PySide6.QtCore import qVersion
    from PySide6.QtWebEngineCore import qWebEngineChromiumVersion, qWebEngineVersion

    from inspector.ui.about_dialog import qt_text

    frozen = "frozen bundle" if getattr(sys, "frozen", False) else "source install"
    return [
        f"Inspector {__version__} ({frozen}) on {platform.platform()}",
        f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, Qt {qVersion()}",
        f"QtWebEngine {qt_text(qWebEngineVersion())} "
        f"(Chromium {qt_text(qWebEngineChromiumVersion())})",
        f"Keyring backend: {_keyring_name(keyring.get_keyring())}",
        f"Qt platform: {os.environ.get('QT_QPA_PLATFORM') or 'default'}",
    ]


def _keyring_name(backend: object) -> str:
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def result_lines(result: VerificationResult) -> list[str]:
    lines = [f"Verdict: {result.verdict.value.upper()} — {result.summary}"]
    for step in result.steps:
        lines.append(f"  {step.name:<10} {step.ms:8.0f} ms" + ("" if step.ok else "  (failed)"))
    for row in result.rows:
        lines.append(f"  {row.key} = {row.received_text} [{row.status.value}]")
    lines.extend(f"  [{d.code}] {d.message}" for d in result.diagnoses)
    if result.error:
        lines.append(f"  Error: {result.error}")
    return lines


def run_self_test(
    out: TextIO | None = None, *, timeout: float = 90.0, faults: Iterable[str] = ()
) -> int:
    """Run the self-test on one qasync loop; returns the process exit status (0 = pass).

    `faults` switches sandbox faults on, to prove that a failing run exits non-zero.

    The loop runs Qt once, as in app.run_gui: QtWebEngine segfaults on a second Qt exit,
    which qasync.run() and asyncio.Runner both cause (DESIGN.md, measured).
    """
    stream = out if out is not None else sys.stdout
    from inspector.runtime.earlyinit import prefer_offscreen

    prefer_offscreen()
    from inspector.app import prepare_qt_environment

    problem = prepare_qt_environment()
    report = SelfTestReport()
    if problem:
        report.add(f"Self-test cannot start: {problem}")
        return _finish(report, stream)

    import qasync
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 (before QApplication)
    from PySide6.QtWidgets import QApplication

    from inspector.ui.app_icon import app_icon

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Inspector")
    app.setWindowIcon(app_icon())
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        loop.run_until_complete(_self_test_main(report, timeout, frozenset(faults)))
    return _finish(report, stream)


def _finish(report: SelfTestReport, stream: TextIO | None) -> int:
    report.add("Self-test passed" if report.passed else "Self-test FAILED")
    text = report.text()
    if stream is not None:  # None in a Windows GUI build
        stream.write(text)
        stream.flush()
    try:
        folder = app_paths().ensure().log
        (folder / REPORT_FILE_NAME).write_text(text, encoding="utf-8")
    except OSError as exc:
        log.warning("Could not write the self-test report: %s", exc)
    return EXIT_PASS if report.passed else EXIT_FAIL


async def _self_test_main(report: SelfTestReport, limit: float, faults: frozenset[str]) -> None:
    from inspector.orgs.connection import sandbox_connection
    from inspector.runtime.tasks import TaskRegistry
    from inspector.sandbox import FAULTS, SandboxOrg
    from inspector.ui.main_window import MainWindow

    for line in environment_lines():
        report.add(line, logging.INFO)
    started = time.monotonic()
    tasks = TaskRegistry()
    sandbox = SandboxOrg(faults=faults)
    await sandbox.start()
    # Each step of the shutdown runs even when an earlier one raises (last pushed, first run).
    async with AsyncExitStack() as shutdown:
        shutdown.push_async_callback(sandbox.stop)
        org = sandbox_connection(sandbox)
        shutdown.push_async_callback(org.aclose)
        window = MainWindow(org, tasks, sandbox=sandbox, fault_descriptions=FAULTS)
        shutdown.callback(window.deleteLater)
        shutdown.push_async_callback(tasks.cancel_all)
        shutdown.callback(window.close)
        await _run_in_window(report, window, limit, started)


async def _run_in_window(
    report: SelfTestReport, window: MainWindow, limit: float, started: float
) -> None:
    try:
        window.show()
        report.add(f"Window open with the web view after {_ms(started)} ms")
        icon_sizes = window.windowIcon().availableSizes()
        report.add(f"Window icon: {len(icon_sizes)} sizes" if icon_sizes else "Window icon: none")
        task = window.start(SELF_TEST_REQUEST)
        result = await asyncio.wait_for(asyncio.shield(task), limit)
        if result is None:
            report.add("The verification ended without a result")
            return
        for line in result_lines(result):
            report.add(line)
        shown = window.banner.isVisible() and window.model.rowCount() == len(result.rows)
        report.add(f"Result shown in the window: {'yes' if shown else 'no'}")
        report.passed = result.verdict is Verdict.PASS and shown and bool(icon_sizes)
    except TimeoutError:
        report.add(f"No result within {limit:.0f} s")
    except Exception as exc:  # a broken install must still end in a report, not a traceback
        log.debug("Self-test run raised", exc_info=exc)
        report.add(f"The verification raised {type(exc).__name__}: {exc}")
    finally:
        report.add(f"Total {_ms(started)} ms")


def _ms(since: float) -> str:
    return f"{(time.monotonic() - since) * 1000:.0f}"
