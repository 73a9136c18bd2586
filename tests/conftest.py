"""Test-wide environment: Qt offscreen, a throwaway home, Chromium's sandbox off as root."""

import os
import tempfile
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Settings, history and logs of every test (and of the subprocesses they start) go to a
# throwaway folder, never to the real user folders.
os.environ.setdefault("INSPECTOR_HOME", tempfile.mkdtemp(prefix="inspector-tests-"))
if hasattr(os, "geteuid") and os.geteuid() == 0:
    # Chromium refuses to start as root with its sandbox (DESIGN.md, measured).
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")


# --- skips -------------------------------------------------------------------------------
# A skipped test proves nothing, and a missing tool on one machine must not pass unseen. So on
# CI (CI=true, or --fail-on-skip) any skip fails the run, unless its reason starts with
# SKIP_ANYWHERE: the test names why it cannot run on any machine that runs this suite.
SKIP_ANYWHERE = "cannot run anywhere:"
# Files whose skips are reported but do not fail the run, each with why. Keep this short.
SKIP_TOLERATED: dict[str, str] = {}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--fail-on-skip",
        action="store_true",
        default=os.environ.get("CI", "").lower() in ("1", "true", "yes"),
        help=f"fail the run when a test is skipped for a reason not starting {SKIP_ANYWHERE!r}"
        " (the default when CI=true)",
    )


def _skip_reason(report: pytest.TestReport | pytest.CollectReport) -> str:
    if isinstance(report.longrepr, tuple):
        reason = str(report.longrepr[2])
    else:
        reason = str(report.longrepr)
    return reason.removeprefix("Skipped: ")


_skipped: list[tuple[str, str]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and not hasattr(report, "wasxfail"):
        _skipped.append((report.nodeid, _skip_reason(report)))


def pytest_collectreport(report: pytest.CollectReport) -> None:
    # A module that skips itself while it is collected (pytest.skip(allow_module_level=True)).
    if report.skipped:
        _skipped.append((report.nodeid, _skip_reason(report)))


def _unexplained_skips() -> list[tuple[str, str]]:
    return [
        (nodeid, reason)
        for nodeid, reason in _skipped
        if not reason.startswith(SKIP_ANYWHERE) and nodeid.split("::")[0] not in SKIP_TOLERATED
    ]


def pytest_terminal_summary(terminalreporter: Any, exitstatus: int, config: pytest.Config) -> None:
    if not _skipped:
        return
    terminalreporter.section("skipped tests")
    for nodeid, reason in _skipped:
        path = nodeid.split("::")[0]
        note = f" [tolerated: {SKIP_TOLERATED[path]}]" if path in SKIP_TOLERATED else ""
        terminalreporter.write_line(f"SKIPPED {nodeid}: {reason}{note}")
    unexplained = _unexplained_skips()
    if unexplained and config.getoption("fail_on_skip"):
        terminalreporter.write_line(
            f"{len(unexplained)} skipped test(s) fail this run: a skip on CI must give a reason"
            f" starting {SKIP_ANYWHERE!r}, or the machine must provide what the test needs.",
            red=True,
        )


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if session.config.getoption("fail_on_skip") and _unexplained_skips() and exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
