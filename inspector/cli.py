"""Command line: `inspector` opens the window; subcommands run without one."""

from __future__ import annotations

import logging
import os
import sys
from typing import TYPE_CHECKING

from inspector import __version__

if TYPE_CHECKING:
    # The parser's module comes with the commands: a plain `inspector` builds no parser.
    import argparse

__all__ = ["build_parser", "main"]

# The same name as inspector.ui.chat_view.DEVTOOLS_ENV; not imported, to keep --help fast.
DEVTOOLS_ENV = "INSPECTOR_DEVTOOLS"

# Exit status when the window cannot start (inspector.commands.EXIT_ERROR, not imported: a
# plain `inspector` loads no command module).
_EXIT_ERROR = 2

# Commands whose stdout is for machines: log only warnings unless --debug.
QUIET_COMMANDS = frozenset({"verify", "sandbox", "run", "history", "profile", "page"})


def build_parser() -> argparse.ArgumentParser:
    from inspector.commands import CommandParser, add_fault_option
    from inspector.commands import history as history_command
    from inspector.commands import page as page_command
    from inspector.commands import profile as profile_command
    from inspector.commands import run as run_command
    from inspector.commands import sandbox as sandbox_command
    from inspector.commands import verify as verify_command

    parser = CommandParser(
        prog="inspector",
        description="See whether the CRM id a website sends reaches the Genesys Cloud "
        "conversation. Without a command, opens the window on the built-in sandbox org.",
    )
    parser.add_argument("--version", action="version", version=f"inspector {__version__}")
    parser.add_argument("--debug", action="store_true", help="log everything to stderr")
    parser.add_argument(
        "--devtools", action="store_true", help="open developer tools for the chat page"
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="start the sandbox org, run one verification in the window (offscreen without a "
        "display), print the verdict and step timings; exit 0 only on pass",
    )
    add_fault_option(parser)
    commands = parser.add_subparsers(dest="command")
    for module in (
        verify_command,
        run_command,
        history_command,
        sandbox_command,
        profile_command,
        page_command,
    ):
        module.register(commands)
    return parser


def _gui(args: argparse.Namespace) -> int:
    return _open_window(devtools=args.devtools, faults=args.sandbox_fault)


def _open_window(*, devtools: bool = False, faults: list[str] | None = None) -> int:
    from inspector.runtime.earlyinit import (
        broken_package_problem,
        missing_packages,
        missing_packages_message,
    )

    missing = missing_packages()  # found without importing them: before anything heavy loads
    if missing:
        return _cannot_start(missing_packages_message(missing))

    from inspector.app import CannotStart, prepare_qt_environment, run_gui

    if devtools:
        os.environ[DEVTOOLS_ENV] = "1"  # read by ChatView when it builds each page
    problem = prepare_qt_environment() or broken_package_problem()
    if problem:
        return _cannot_start(problem)
    try:
        return run_gui(faults or [])
    except CannotStart as exc:  # found once the window showed (qasync loads after the paint)
        return _cannot_start(str(exc))


def _cannot_start(problem: str) -> int:
    print(f"inspector: {problem}", file=sys.stderr)
    return _EXIT_ERROR


def main(argv: list[str] | None = None) -> int:
    # First, before anything a newer Python is needed for (this module and the ones it has
    # imported so far parse and run on Python 3.7 and newer: runtime/earlyinit.py).
    from inspector.runtime.python_version import python_problem

    too_old = python_problem()
    if too_old:
        return _cannot_start(too_old)
    if not (sys.argv[1:] if argv is None else argv):
        # A plain `inspector` opens the window: no parser to build, no command to import
        # (together ~50 ms of a cold start).
        from inspector.runtime.log import setup_logging

        setup_logging(logging.INFO)
        return _open_window()
    args = build_parser().parse_args(argv)  # --version and --help end here, before logging

    from inspector.runtime.log import setup_logging

    quiet = args.command in QUIET_COMMANDS
    setup_logging(logging.DEBUG if args.debug else (logging.WARNING if quiet else logging.INFO))
    if args.self_test and args.command is None:
        from inspector.commands.self_test import run_self_test

        return run_self_test(faults=args.sandbox_fault)
    handler = getattr(args, "handler", _gui)
    try:
        status: int = handler(args)
    except KeyboardInterrupt:  # outside the part a command cancels itself (an import, a write)
        if args.command is None:
            raise
        from inspector.commands import cancelled

        return cancelled(args.command)
    return status


if __name__ == "__main__":
    sys.exit(main())
