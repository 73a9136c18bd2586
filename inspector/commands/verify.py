"""`inspector verify`: one verification through the guest API, as a table or JSON."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from typing import Any

from inspector.commands import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, add_fault_option

__all__ = ["register"]


def _attribute(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


def register(commands: Any) -> None:
    parser = commands.add_parser("verify", help="one verification through the guest API")
    parser.add_argument("--crm-id", required=True, help="the CRM id to send")
    parser.add_argument("--crm-key", default="crmCustomerId", help="attribute name of the CRM id")
    parser.add_argument(
        "--attr",
        action="append",
        default=[],
        type=_attribute,
        metavar="KEY=VALUE",
        help="another custom attribute (repeatable)",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="a stored org profile (see `inspector profile`); default: the built-in sandbox org",
    )
    parser.add_argument(
        "--deployment", metavar="ID", help="deployment id (default: the profile's first one)"
    )
    parser.add_argument(
        "--no-cleanup",
        dest="cleanup",
        action="store_false",
        help="leave the test conversation connected afterwards",
    )
    parser.add_argument(
        "--force", action="store_true", help="start even when the pre-flight checks fail"
    )
    parser.add_argument(
        "--late-check",
        type=float,
        default=0.0,
        metavar="SECONDS",
        help="after the timeout, keep reading this long to tell late attributes from missing ones",
    )
    parser.add_argument(
        "--legacy-location",
        action="store_true",
        help="send the attributes in the deprecated top-level channel, as some old clients do",
    )
    parser.add_argument(
        "--analytics",
        action="store_true",
        help="also check the analytics conversation details job (slow; data arrives late)",
    )
    add_fault_option(parser, "verify_faults")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds (default 20)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from inspector.app import verify_headless, verify_with_profile
    from inspector.core import Verdict, VerificationRequest
    from inspector.core.text_report import format_result
    from inspector.profile_connection import ProfileProblem
    from inspector.store.profiles import SANDBOX_PROFILE_NAME, ProfileError

    attributes = dict(args.attr)
    if len(attributes) != len(args.attr) or args.crm_key in attributes:
        print("inspector verify: each attribute name may be given once", file=sys.stderr)
        return EXIT_ERROR
    faults = args.sandbox_fault + args.verify_faults
    real_org = args.profile not in (None, SANDBOX_PROFILE_NAME)
    if real_org and faults:
        print("inspector verify: --sandbox-fault works with the sandbox org only", file=sys.stderr)
        return EXIT_ERROR
    request = VerificationRequest(
        crm_id=args.crm_id,
        attributes=attributes,
        crm_key=args.crm_key,
        timeout=args.timeout,
        cleanup=args.cleanup,
        force=args.force,
        late_check=args.late_check,
        attribute_location="legacy" if args.legacy_location else "message",
        analytics_check=args.analytics,
    )
    try:
        if real_org:
            result = asyncio.run(verify_with_profile(request, args.profile, args.deployment))
        else:
            result = asyncio.run(verify_headless(request, faults=faults))
    except (ProfileProblem, ProfileError) as exc:
        print(f"inspector verify: {exc}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print(json.dumps(result.to_json_dict(), ensure_ascii=False))
    else:
        print(format_result(result))
    return {Verdict.PASS: EXIT_PASS, Verdict.FAIL: EXIT_FAIL}.get(result.verdict, EXIT_ERROR)
