"""One module per `inspector` subcommand, each with `register(subparsers)`.

A command module adds its parser and sets `handler` (a function taking the parsed arguments
and returning the exit code) with `parser.set_defaults(handler=...)`. Heavy imports stay
inside the handlers so `inspector --help` is fast.
"""

from __future__ import annotations

import argparse
import uuid

__all__ = [
    "EXIT_ERROR",
    "EXIT_FAIL",
    "EXIT_PASS",
    "add_fault_option",
    "deployment_arg",
    "deployment_id_arg",
    "is_deployment_id",
]

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


_UUID_LENGTH = 36  # 8-4-4-4-12 hex digits, as Genesys Cloud shows deployment ids


def deployment_id_arg(text: str) -> str:
    """A deployment id as Genesys Cloud writes it (a UUID, lower case); a clear error if not.

    A name or a pasted URL would otherwise be accepted here and fail later as "not found".
    """
    value = text.strip()
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        parsed = None
    if parsed is None or len(value) != _UUID_LENGTH:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a deployment id: expected a UUID such as "
            "7c3f9a52-0e1b-4d8a-9c64-5b2e8f1a3d70 (Admin > Message > Messenger Deployments)"
        )
    return str(parsed)


def deployment_arg(text: str) -> str:
    """A deployment id, or on the sandbox org the kind of one it seeds (``headless``)."""
    from inspector.sandbox.seed import SEEDED_DEPLOYMENTS

    kinds = {seeded.kind for seeded in SEEDED_DEPLOYMENTS}
    if text.strip().lower() in kinds:
        return text.strip().lower()
    try:
        return deployment_id_arg(text)
    except argparse.ArgumentTypeError as exc:
        raise argparse.ArgumentTypeError(
            f"{exc} or, on the sandbox org, one of: {', '.join(sorted(kinds))}"
        ) from None


def is_deployment_id(text: str) -> bool:
    """Whether ``text`` is a deployment id rather than a sandbox deployment kind."""
    return len(text) == _UUID_LENGTH
