"""`inspector sandbox`: serve the sandbox org for other clients until Ctrl-C."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from inspector.commands import EXIT_ERROR, add_fault_option

__all__ = ["register"]

MAX_PORT = 65535


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= MAX_PORT:
        raise argparse.ArgumentTypeError(f"must be 0 (a free port) to {MAX_PORT}, got {value}")
    return value


def _deployments_epilog() -> str:
    """The seeded deployments, one a line: kind, id, what it is (seed.SEEDED_DEPLOYMENTS)."""
    from inspector.sandbox import SEEDED_DEPLOYMENTS

    width = max(len(d.kind) for d in SEEDED_DEPLOYMENTS)
    lines = [f"  {d.kind:<{width}}  {d.id}  {d.description}" for d in SEEDED_DEPLOYMENTS]
    return "seeded deployments (kind, id, what it is):\n" + "\n".join(lines)


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "sandbox",
        help="serve the sandbox org until Ctrl-C",
        epilog=_deployments_epilog(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--port", type=_port, default=0, metavar="N", help="port, 0-65535 (default 0: a free one)"
    )
    add_fault_option(parser, "sandbox_faults")
    parser.add_argument(
        "--json", action="store_true", help="print the connection and the deployments as JSON"
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    import asyncio

    from inspector.sandbox import serve

    faults = args.sandbox_fault + args.sandbox_faults
    try:
        asyncio.run(serve(args.port, faults=faults, json_output=args.json))
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"inspector sandbox: cannot listen on port {args.port}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return 0
