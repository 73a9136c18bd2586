"""One module per `inspector` subcommand, each with `register(subparsers)`.

A command module adds its parser and sets `handler` (a function taking the parsed arguments
and returning the exit code) with `parser.set_defaults(handler=...)`. Heavy imports stay
inside the handlers so `inspector --help` is fast.
"""

from __future__ import annotations

import argparse
import difflib
import json
import re
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
    "FaultNames",
    "add_fault_option",
    "attribute_arg",
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
    `json_error` (by default `usage_error_json`) when `--json` is among the arguments, or
    an unambiguous abbreviation of it (`--js`), which is itself refused below.

    Abbreviations of long options are refused (`allow_abbrev=False`): `--js` taken for
    `--json`, or `--sand` for `--sandbox-fault`, would be a typo silently accepted, and would
    change meaning the day another option shares the prefix. An unknown option gets a
    did-you-mean instead.
    """

    json_error: JsonError | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # subcommand parsers are made the same way
        super().__init__(*args, **kwargs)
        self.arg_strings: list[str] = []

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        self.arg_strings = list(sys.argv[1:] if args is None else args)
        parsed, extras = super().parse_known_args(args, namespace)
        for action in self._actions:
            if isinstance(action, FaultNames):
                problem = action.problem(getattr(parsed, action.dest, None) or [])
                if problem:
                    self.error(f"argument {'/'.join(action.option_strings)}: {problem}")
        return parsed, extras

    def error(self, message: str) -> NoReturn:
        parser, arg_strings = self._command_parser(self.arg_strings)
        message = parser._with_suggestions(self._with_option_before(message), arg_strings)
        json_error = parser._json_error() if parser._wants_json(arg_strings) else None
        if json_error is not None:
            print(json.dumps(json_error(message), ensure_ascii=False))
            sys.stdout.flush()
        super().error(message)

    def _wants_json(self, arg_strings: list[str]) -> bool:
        """`--json`, or a prefix that can only be it, is among the options."""
        options = self._option_strings()
        for text in _options(arg_strings):
            if text == "--json":
                return True
            if len(text) > 2 and text.startswith("--"):
                if [o for o in options if o.startswith(text)] == ["--json"]:
                    return True
        return False

    def _option_strings(self) -> list[str]:
        return [o for action in self._actions for o in action.option_strings]

    def _with_suggestions(self, message: str, arg_strings: list[str]) -> str:
        """An unrecognized option, with the option it most likely stands for."""
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            hints = []
            for text in message[len(prefix) :].split():
                typed = text.split("=", 1)[0]
                near = self._near(typed) if typed.startswith("--") and typed != "--" else []
                if len(near) == 1:
                    hints.append(f"{near[0]} for {typed}")
                elif near:
                    hints.append(f"one of {', '.join(near)} for {typed}")
            if not hints:
                return message
            if len(hints) == 1:
                return f"{message} (did you mean {hints[0].rsplit(' for ', 1)[0]}?)"
            return f"{message} (did you mean {'; '.join(hints)}?)"
        return message

    def _with_option_before(self, message: str) -> str:
        """An invalid choice that is there because the option before it is not one: name it.

        An unknown option takes no value, so argparse reads the value after it as the next
        positional argument: `inspector --sand slow` is "invalid choice: 'slow'" for a command.
        """
        match = re.search(r" invalid choice: '((?:[^'\\]|\\.)*)'", message)
        args = _options(self.arg_strings)
        if match is None or match.group(1) not in args:
            return message
        index = args.index(match.group(1))
        typed = args[index - 1].split("=", 1)[0] if index > 0 else ""
        if not typed.startswith("--") or typed == "--" or typed in self._option_strings():
            return message
        near = self._near(typed)
        hint = f" (did you mean {' or '.join(near)}?)" if near else ""
        return f"{message}; {typed} is not an option{hint}"

    def _near(self, typed: str) -> list[str]:
        """The long options `typed` abbreviates, or else the one it is closest to."""
        options = [o for o in self._option_strings() if o.startswith("--")]
        near = sorted(o for o in options if o.startswith(typed))
        return near or difflib.get_close_matches(typed, options, n=1)

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


def attribute_arg(text: str) -> tuple[str, str]:
    """A `KEY=VALUE` option value as (key, value); the value may be empty, the key not."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def cancelled(command: str) -> int:
    """The one line a command stopped by Ctrl-C ends with."""
    print(f"inspector {command}: Cancelled", file=sys.stderr)
    return EXIT_CANCELLED


class FaultNames(argparse._AppendAction):
    """A repeatable option of fault names, all checked once parsing ends (CommandParser).

    argparse's `choices` stops at the first unknown name; this reports each of them, with a
    did-you-mean where a known name is close.
    """

    def __init__(self, *args: Any, known: Sequence[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known = tuple(known)

    def problem(self, names: Sequence[str]) -> str | None:
        """What is wrong with these names, as one line; None when all are known."""
        unknown = [name for name in dict.fromkeys(names) if name not in self.known]
        if not unknown:
            return None
        from inspector.core.scenario_parse import unknown_name

        parts = []
        option = self.option_strings[-1]
        for name in unknown:
            pieces = [p.strip() for p in name.split(",")]
            if len(pieces) > 1 and all(p in self.known for p in pieces):
                each = " ".join(f"{option} {p}" for p in pieces)
                parts.append(f"unknown fault {name!r} (give each its own: {each})")
            else:
                parts.append(unknown_name("fault", name, self.known))
        return "; ".join(parts) + "; known: " + ", ".join(self.known)


def add_fault_option(parser: argparse.ArgumentParser, dest: str = "sandbox_fault") -> None:
    """`--sandbox-fault NAME`, repeatable, with the sandbox's fault names as the known ones."""
    from inspector.sandbox.faults import FAULTS  # the names only, not the server

    names = sorted(FAULTS)
    parser.add_argument(
        "--sandbox-fault",
        dest=dest,
        action=FaultNames,
        default=[],
        known=names,
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
