"""`inspector run PATH...`: a suite of scenario files, headless, with reports for CI.

A suite with website page scenarios (`launcher: page`) runs on a qasync loop, where those
get the page mode's run in a web view (offscreen without a display); one without them never
loads Qt.

Exit 0 when every scenario passed, 1 when some failed, 2 when something could not run (an
invalid file, an unreachable org, an `error` verdict, a report that could not be written).
Progress goes to stderr: a bar on a terminal, one line per scenario otherwise (CI logs); the
summary goes to stdout. Ctrl-C stops the suite with `Cancelled` and exit 130, writing no
report (a report of part of a suite would pass for a whole one); the scenarios that finished
are in the history.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Coroutine
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from inspector.commands import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, cancelled

if TYPE_CHECKING:
    from inspector.store.stores import Stores

__all__ = ["ProgressPrinter", "exit_code", "register", "run"]

BAR_WIDTH = 28


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "run",
        help="run scenario files headless and write CI reports",
        description="Run scenario files (a folder is a suite: its own files, not its "
        "subfolders) through the guest API; a website page scenario (launcher: page) runs "
        "its page in a web view, offscreen without a display.",
    )
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="file or folder")
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="run every scenario against this org profile (see `inspector profile`); "
        "default: each scenario's own, the built-in sandbox org unless it names one",
    )
    parser.add_argument(
        "--concurrency", type=_positive, default=4, metavar="N", help="scenarios at once (4)"
    )
    parser.add_argument(
        "--rate",
        type=_positive,
        default=None,
        metavar="N",
        help="Platform API requests per minute per org, shared by all scenarios (240)",
    )
    parser.add_argument("--junit", type=Path, metavar="FILE", help="write JUnit XML")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    parser.add_argument("--html", type=Path, metavar="FILE", help="write an HTML report")
    parser.add_argument(
        "--no-history", action="store_true", help="do not record the runs in the history"
    )
    parser.set_defaults(handler=run)


class ProgressPrinter:
    """Progress on a stream: a redrawn bar on a terminal, plain lines otherwise."""

    def __init__(self, stream: TextIO, *, tty: bool | None = None) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.running: list[str] = []

    def __call__(self, event: Any) -> None:
        from inspector.orgs.suite import ProgressKind

        name = event.scenario.name
        if event.kind is ProgressKind.STARTED:
            self.running.append(name)
            if self.tty:
                self._bar(event.done, event.total)
            return
        if name in self.running:
            self.running.remove(name)
        outcome = event.run.outcome
        line = (
            f"[{event.done}/{event.total}] {outcome.verdict.value.upper():5} {name}"
            f" ({event.run.seconds:.1f} s): {outcome.summary}"
        )
        if self.tty:
            self.stream.write("\r\033[K" + line + "\n")
            if event.done < event.total:
                self._bar(event.done, event.total)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def _bar(self, done: int, total: int) -> None:
        filled = BAR_WIDTH * done // max(total, 1)
        current = ", ".join(self.running[:2]) + (" …" if len(self.running) > 2 else "")
        self.stream.write(
            f"\r\033[K[{'#' * filled}{'-' * (BAR_WIDTH - filled)}] {done}/{total} {current}"[:160]
        )
        self.stream.flush()


def exit_code(verdicts: list[str], invalid: int) -> int:
    if invalid or "error" in verdicts or not verdicts:
        return EXIT_ERROR
    return EXIT_FAIL if "fail" in verdicts else EXIT_PASS


def run(args: argparse.Namespace) -> int:
    """The suite; on Ctrl-C asyncio.run cancels it, each scenario cleans up, none is reported."""
    try:
        return _run(args)
    except KeyboardInterrupt:
        return cancelled("run")


def _run(args: argparse.Namespace) -> int:
    from inspector.store.stores import Stores

    unwritable = _unwritable_reports(args)
    for reason in unwritable:
        print(f"inspector run: cannot write the report {reason}", file=sys.stderr)
    if unwritable:
        return EXIT_ERROR
    stores = Stores()
    try:
        return _run_suite(args, stores)
    finally:
        stores.close()


def _run_suite(args: argparse.Namespace, stores: Stores) -> int:
    import asyncio

    from inspector.core.expectations import ScenarioRun
    from inspector.core.polling import propagation_estimate
    from inspector.orgs.budget import DEFAULT_REQUESTS_PER_MINUTE
    from inspector.orgs.providers import StoredProfileProvider
    from inspector.orgs.suite import SuiteResult, run_suite
    from inspector.scenarios import load_suite
    from inspector.store.history import HistoryError
    from inspector.store.profiles import ProfileError, is_sandbox_name

    if args.profile is not None and not is_sandbox_name(args.profile):
        try:
            stores.profiles.get(args.profile)  # a typo fails here, not once per scenario
        except ProfileError as exc:
            print(f"inspector run: {exc}", file=sys.stderr)
            return EXIT_ERROR
    suite = load_suite(args.paths)
    for error in suite.errors:
        for problem in error.problems:  # each problem of a file on its own line
            print(f"inspector run: {problem}", file=sys.stderr)
    scenarios = suite.scenarios
    if args.profile is not None:
        scenarios = [replace(s, profile=args.profile) for s in scenarios]
    if not scenarios:
        print("inspector run: no scenario could be loaded", file=sys.stderr)
        return EXIT_ERROR
    with_pages = any(s.page is not None for s in scenarios)
    unusable = _web_view_problem() if with_pages else None
    if unusable:
        print(f"inspector run: website page scenarios cannot run: {unusable}", file=sys.stderr)
        return EXIT_ERROR

    history = None if args.no_history else stores.history
    if not args.no_history and history is None:
        print(f"inspector run: {stores.history_problem} (running without history)", file=sys.stderr)
    propagation: dict[str, float] = {}
    if history is not None:
        for name in {s.profile for s in scenarios}:
            propagation[name] = propagation_estimate(history.recent_steps(name))

    async def record(scenario_run: ScenarioRun) -> None:
        if history is None:
            return
        try:
            await history.record_run_async(scenario_run, origin="cli")
        except HistoryError as exc:
            print(f"inspector run: {exc}", file=sys.stderr)

    printer = ProgressPrinter(sys.stderr)

    def run_all() -> Coroutine[Any, Any, SuiteResult]:
        run_page = None
        if with_pages:
            from inspector.website.scenarios import PageScenarios

            run_page = PageScenarios()
        return run_suite(
            scenarios,
            concurrency=args.concurrency,
            requests_per_minute=args.rate or DEFAULT_REQUESTS_PER_MINUTE,
            on_progress=printer,
            record=record,
            provider=StoredProfileProvider(stores),
            propagation=propagation,
            run_page=run_page,
        )

    if with_pages:
        from inspector.website.scenarios import run_with_web_view

        result = run_with_web_view(run_all)
    else:
        result = asyncio.run(run_all())
    reports_written = _write_reports(args, result.runs, suite.errors)
    verdicts = [r.outcome.verdict.value for r in result.runs]
    counts = ", ".join(f"{verdicts.count(v)} {v}" for v in ("pass", "fail", "error"))
    invalid = f", {len(suite.errors)} invalid file(s)" if suite.errors else ""
    for scenario_run in result.runs:
        outcome = scenario_run.outcome
        print(f"{outcome.verdict.value.upper():5}  {outcome.scenario.name}: {outcome.summary}")
    print(f"{len(result.runs)} scenarios: {counts}{invalid}")
    if not reports_written:
        return EXIT_ERROR
    return exit_code(verdicts, len(suite.errors))


def _web_view_problem() -> str | None:
    """Website page scenarios run in a web view: offscreen without a display."""
    from inspector.app import prepare_qt_environment
    from inspector.runtime.earlyinit import prefer_offscreen

    prefer_offscreen()
    return prepare_qt_environment()


def _report_paths(args: argparse.Namespace) -> list[Path]:
    return [p for p in (args.junit, args.json, args.html) if p is not None]


def _unwritable_reports(args: argparse.Namespace) -> list[str]:
    """Checked before the suite runs: a CI job must not learn after it that no report came."""
    problems = []
    for path in _report_paths(args):
        folder = path.parent  # "." for a bare file name
        if path.is_dir():
            problems.append(f"{path} is a folder")
        elif not folder.is_dir():
            problems.append(f"{path}: folder {folder} does not exist")
    return problems


def _write_reports(args: argparse.Namespace, runs: list[Any], errors: list[Any]) -> bool:
    """Writes every report asked for; False when one could not be written."""
    from inspector.reports import write_html, write_json, write_junit

    written = True
    for path, writer in (
        (args.junit, write_junit),
        (args.json, write_json),
        (args.html, write_html),
    ):
        if path is None:
            continue
        try:
            writer(path, runs, errors)
        except OSError as exc:
            print(f"inspector run: cannot write {path}: {exc.strerror}", file=sys.stderr)
            written = False
    return written
