"""One module per `inspector` subcommand, each with `register(subparsers)`.

A command module adds its parser and sets `handler` (a function taking the parsed arguments
and returning the exit code) with `parser.set_defaults(handler=...)`. Heavy imports stay
inside the handlers so `inspector --help` is fast.
"""

from __future__ import annotations

import argparse
import json
import sys
import uuid
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

__all__ = [
    "EXIT_CANCELLED",
    "EXIT_ERROR",
    "EXIT_FAIL",
    "EXIT_PASS",
    "CommandParser",
    "add_fault_option",
    "deployment_arg",
    "deployment_id_arg",
    "is_deployment_id",
]

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2
EXIT_CANCELLED = 130  # 128 + SIGINT, as shells report a command stopped by Ctrl-C

JsonError = Callable[[str], dict[str, Any]]


def usage_error_json(message: str) -> dict[str, Any]:
    """What a `--json` command prints on stdout when its options are refused."""
    return {"verdict": "error", "error": message, "usage": True}


class CommandParser(argparse.ArgumentParser):
    """An argument parser whose option errors also reach stdout as JSON under `--json`.

    argparse exits 2 before any handler runs, so a script reading stdout would otherwise get
    nothing. A parser whose `--json` is a flag (not `run --json FILE`) answers with its
    `json_error` (by default `usage_error_json`) when `--json` is among the arguments.
    """

    json_error: JsonError | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arg_strings: list[str] = []

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self.arg_strings = list(sys.argv[1:] if args is None else args)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        parser, arg_strings = self._command_parser(self.arg_strings)
        json_error = parser._json_error() if "--json" in _options(arg_strings) else None
        if json_error is not None:
            print(json.dumps(json_error(message), ensure_ascii=False))
            sys.stdout.flush()
        super().error(message)

    def _json_error(self) -> JsonError | None:
        for action in self._actions:
            if "--json" in action.option_strings:
                return (self.json_error or usage_error_json) if action.nargs == 0 else None
        return None

    def _command_parser(self, arg_strings: list[str]) -> tuple[CommandParser, list[str]]:
        """The innermost (sub)command parser the arguments name, and the arguments after it.

        An unknown option is reported by the top-level parser, so it looks down for the
        command the user meant.
        """
        for action in self._actions:
            if not isinstance(action, argparse._SubParsersAction):
                continue
            for index, text in enumerate(arg_strings):
                if text == "--":
                    break
                sub = action.choices.get(text)
                if isinstance(sub, CommandParser):
                    return sub._command_parser(arg_strings[index + 1 :])
        return self, arg_strings


def _options(arg_strings: list[str]) -> list[str]:
    return arg_strings[: arg_strings.index("--")] if "--" in arg_strings else arg_strings


def cancelled(command: str) -> int:
    """The one line a command stopped by Ctrl-C ends with."""
    print(f"inspector {command}: Cancelled", file=sys.stderr)
    return EXIT_CANCELLED


def add_fault_option(parser: argparse.ArgumentParser, dest: str = "sandbox_fault") -> None:
    """`--sandbox-fault NAME`, repeatable, with the sandbox's fault names as choices."""
    from inspector.sandbox.faults import FAULTS  # the names only, not the server

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
