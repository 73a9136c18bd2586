"""Command line: `inspector` opens the window; `verify` and `sandbox` run without one."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys

from inspector import __version__

__all__ = ["main"]

EXIT_PASS, EXIT_FAIL, EXIT_ERROR = 0, 1, 2


def _attribute(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def _add_fault_option(parser: argparse.ArgumentParser, dest: str) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="inspector",
        description="See whether the CRM id a website sends reaches the Genesys Cloud "
        "conversation. Without a command, opens the window on the built-in sandbox org.",
    )
    parser.add_argument("--version", action="version", version=f"inspector {__version__}")
    parser.add_argument("--debug", action="store_true", help="log everything to stderr")
    _add_fault_option(parser, "sandbox_fault")
    commands = parser.add_subparsers(dest="command")

    verify = commands.add_parser("verify", help="one verification through the guest API")
    verify.add_argument("--crm-id", required=True, help="the CRM id to send")
    verify.add_argument("--crm-key", default="crmCustomerId", help="attribute name of the CRM id")
    verify.add_argument(
        "--attr",
        action="append",
        default=[],
        type=_attribute,
        metavar="KEY=VALUE",
        help="another custom attribute (repeatable)",
    )
    _add_fault_option(verify, "verify_faults")
    verify.add_argument("--timeout", type=float, default=20.0, help="seconds (default 20)")
    verify.add_argument("--json", action="store_true", help="print one JSON object")

    sandbox = commands.add_parser("sandbox", help="serve the sandbox org until Ctrl-C")
    sandbox.add_argument("--port", type=int, default=0, help="port (default: a free one)")
    _add_fault_option(sandbox, "sandbox_faults")
    sandbox.add_argument("--json", action="store_true", help="print the connection as JSON")
    return parser


def _verify(args: argparse.Namespace) -> int:
    from inspector.app import verify_headless
    from inspector.core import Verdict, VerificationRequest
    from inspector.core.text_report import format_result

    attributes = dict(args.attr)
    if len(attributes) != len(args.attr) or args.crm_key in attributes:
        print("inspector verify: each attribute name may be given once", file=sys.stderr)
        return EXIT_ERROR
    request = VerificationRequest(
        crm_id=args.crm_id, attributes=attributes, crm_key=args.crm_key, timeout=args.timeout
    )
    result = asyncio.run(verify_headless(request, faults=args.sandbox_fault + args.verify_faults))
    if args.json:
        print(json.dumps(result.to_json_dict(), ensure_ascii=False))
    else:
        print(format_result(result))
    return {Verdict.PASS: EXIT_PASS, Verdict.FAIL: EXIT_FAIL}.get(result.verdict, EXIT_ERROR)


def _sandbox(args: argparse.Namespace) -> int:
    from inspector.sandbox import serve

    try:
        asyncio.run(
            serve(args.port, faults=args.sandbox_fault + args.sandbox_faults, json_output=args.json)
        )
    except KeyboardInterrupt:
        pass
    except OSError as exc:
        print(f"inspector sandbox: cannot listen on port {args.port}: {exc}", file=sys.stderr)
        return EXIT_ERROR
    return 0


def _gui(args: argparse.Namespace) -> int:
    from inspector.app import prepare_qt_environment, run_gui

    problem = prepare_qt_environment()
    if problem:
        print(f"inspector: {problem}", file=sys.stderr)
        return EXIT_ERROR
    return run_gui(args.sandbox_fault)


def main(argv: list[str] | None = None) -> int:
    from inspector.log import setup_logging

    args = build_parser().parse_args(argv)
    quiet = args.command in ("verify", "sandbox")
    setup_logging(logging.DEBUG if args.debug else (logging.WARNING if quiet else logging.INFO))
    if args.command == "verify":
        return _verify(args)
    if args.command == "sandbox":
        return _sandbox(args)
    return _gui(args)


if __name__ == "__main__":
    sys.exit(main())
