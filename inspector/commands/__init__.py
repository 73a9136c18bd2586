"""One module per `inspector` subcommand, each with `register(subparsers)`.

A command module adds its parser and sets `handler` (a function taking the parsed arguments
and returning the exit code) with `parser.set_defaults(handler=...)`. Heavy imports stay
inside the handlers so `inspector --help` is fast.
"""

from __future__ import annotations

import argparse

__all__ = ["EXIT_ERROR", "EXIT_FAIL", "EXIT_PASS", "add_fault_option"]

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


def add_fault_option(parser: argparse.ArgumentParser, dest: str = "sandbox_fault") -> None:
    """`--sandbox-fault NAME`, repeatable, with the sandbox's fault names as choices."""
    from inspector.sandbox import FAULTS

    names = sorted(FAULTS)
    parser.add_argument(
        "--sandbox-fault",
        dest=dest,
        action="append",
        default=[],
        choices=names,
        metavar="NAME",
        help="make the sandbox org misbehave this way (repeatable): " + ", ".join(names),
    )
