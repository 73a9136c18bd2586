"""`inspector verify`: one verification through the guest API, as a table or JSON.

Each run is recorded in the run history (as `(verify) <crm id>`, origin `cli`) unless
`--no-history`; a history that cannot be written costs one line on stderr, never the verdict.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from inspector.commands import (
    EXIT_ERROR,
    EXIT_FAIL,
    EXIT_PASS,
    add_fault_option,
    attribute_arg,
    cancelled,
    deployment_arg,
    is_deployment_id,
)
from inspector.core.run_types import MIN_TIMEOUT

if TYPE_CHECKING:
    from inspector.core import VerificationRequest, VerificationResult
    from inspector.store.history import HistoryStore
    from inspector.store.stores import Stores

__all__ = ["MIN_TIMEOUT", "register", "run"]


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds, got {text!r}")
    return value


def _timeout(text: str) -> float:
    value = _seconds(text)
    if value < MIN_TIMEOUT:
        raise argparse.ArgumentTypeError(
            f"must be at least {MIN_TIMEOUT:g} second, got {text}: it covers the deployment "
            "check, the chat connection, the lookup and the read, and the platform applies the "
            "attributes about a second after the first message, so a shorter wait would "
            "report them missing"
        )
    return value


def _late_check(text: str) -> float:
    value = _seconds(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be 0 (off) or more seconds, got {text}")
    return value


def register(commands: Any) -> None:
    parser = commands.add_parser("verify", help="one verification through the guest API")
    parser.add_argument("--crm-id", required=True, help="the CRM id to send")
    parser.add_argument("--crm-key", default="crmCustomerId", help="attribute name of the CRM id")
    parser.add_argument(
        "--attr",
        action="append",
        default=[],
        type=attribute_arg,
        metavar="KEY=VALUE",
        help="another custom attribute (repeatable)",
    )
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="a stored org profile (see `inspector profile`); default: the built-in sandbox org",
    )
    parser.add_argument(
        "--deployment",
        type=deployment_arg,
        metavar="ID|KIND",
        help="deployment id (default: the profile's first one); on the sandbox org also the "
        "kind of one it seeds: native-ui (the default), headless, autostart, authenticated, "
        "parent-domain, inactive, other-domain, all-domains (`inspector sandbox` lists them)",
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
        type=_late_check,
        default=0.0,
        metavar="SECONDS",
        help="after the timeout, keep reading this long to tell late attributes from missing "
        "ones (0, the default, turns it off)",
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
    parser.add_argument(
        "--timeout",
        type=_timeout,
        default=20.0,
        metavar="SECONDS",
        help=f"seconds for the whole run, at least {MIN_TIMEOUT:g} (default 20)",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument(
        "--no-history", action="store_true", help="do not record the run in the history"
    )
    parser.json_error = _usage_json
    parser.set_defaults(handler=run)


def _error_json(message: str, **extra: Any) -> dict[str, Any]:
    """The `--json` object of a run that did not happen, the shape of every other result."""
    from inspector.core import Verdict, VerificationResult

    result = VerificationResult(Verdict.ERROR, message, {}, error=message)
    return {**result.to_json_dict(), **extra}


def _usage_json(message: str) -> dict[str, Any]:
    return _error_json(message, usage=True)


def _not_run(args: argparse.Namespace, message: str, *, usage: bool = True) -> int:
    """A problem found before anything ran; with --json, stdout still gets one JSON object.

    `usage` tells a script the options were wrong, not the org (a profile that cannot be
    reached is not a usage problem).
    """
    print(f"inspector verify: {message}", file=sys.stderr)
    if args.json:
        print(json.dumps(_error_json(message, usage=usage), ensure_ascii=False))
    return EXIT_ERROR


def _cancelled(args: argparse.Namespace) -> int:
    """Ctrl-C: the run's own clean-up (socket, clients, sandbox) has run by now."""
    if args.json:
        body = _error_json("Cancelled", usage=False, cancelled=True)
        print(json.dumps(body, ensure_ascii=False))
    return cancelled("verify")


def _key_problems(crm_key: str, attributes: Sequence[tuple[str, str]]) -> list[str]:
    """Attribute names given twice, each named, so the user knows which --attr to drop."""
    counts = Counter(key for key, _ in attributes)
    problems = []
    if crm_key in counts:
        problems.append(
            f"--attr {crm_key} is the CRM id's attribute name (--crm-key {crm_key}): give its "
            "value with --crm-id, or choose another --crm-key"
        )
    repeated = [key for key, count in counts.items() if count > 1 and key != crm_key]
    if repeated:
        names = ", ".join(repeated)
        problems.append(f"attribute name(s) given more than once with --attr: {names}")
    return problems


def run(args: argparse.Namespace) -> int:
    """One verification; Ctrl-C ends it with `Cancelled` and exit 130, never a traceback.

    asyncio.run cancels the verification on the first Ctrl-C, so its `finally` clean-ups (the
    guest socket, the Platform client, the sandbox) run before KeyboardInterrupt reaches here.
    """
    try:
        return _run(args)
    except KeyboardInterrupt:
        return _cancelled(args)


def _run(args: argparse.Namespace) -> int:
    import asyncio

    from inspector.core import Verdict, VerificationRequest
    from inspector.core.text_report import format_result
    from inspector.orgs.headless import verify_on_profile, verify_on_sandbox
    from inspector.orgs.sign_in import ProfileProblem
    from inspector.store.profiles import SANDBOX_PROFILE_NAME, ProfileError, is_sandbox_name
    from inspector.store.stores import Stores

    problems = _key_problems(args.crm_key, args.attr)
    if problems:
        return _not_run(args, "; ".join(problems))
    faults = args.sandbox_fault + args.verify_faults
    real_org = args.profile is not None and not is_sandbox_name(args.profile)
    if real_org and faults:
        return _not_run(args, "--sandbox-fault works with the sandbox org only")
    if real_org and args.deployment and not is_deployment_id(args.deployment):
        return _not_run(
            args,
            f"--deployment {args.deployment} names a sandbox deployment kind: give a real org's "
            "deployment by its id",
        )
    request = VerificationRequest(
        crm_id=args.crm_id,
        attributes=dict(args.attr),
        crm_key=args.crm_key,
        timeout=args.timeout,
        cleanup=args.cleanup,
        force=args.force,
        late_check=args.late_check,
        attribute_location="legacy" if args.legacy_location else "message",
        analytics_check=args.analytics,
    )
    profile = args.profile if real_org else SANDBOX_PROFILE_NAME
    stores = Stores()
    try:
        history = None if args.no_history else stores.history
        propagation = _propagation(history, profile)
        started_at = datetime.now(UTC)
        try:
            if real_org:
                stored = stores.profiles.get(args.profile)
                secrets = stores.secrets
                result = asyncio.run(
                    verify_on_profile(request, stored, secrets, args.deployment, propagation)
                )
            else:
                result = asyncio.run(
                    verify_on_sandbox(
                        request,
                        faults=faults,
                        deployment_id=args.deployment,
                        propagation=propagation,
                    )
                )
        except ProfileError as exc:  # no such profile, or a broken profiles file
            return _not_run(args, str(exc))
        except ProfileProblem as exc:  # the profile is fine, the org or the keychain is not
            return _not_run(args, str(exc), usage=False)
        finished_at = datetime.now(UTC)
        if args.json:
            print(json.dumps(result.to_json_dict(), ensure_ascii=False))
        else:
            print(format_result(result))
        if not args.no_history:
            _record(args, request, result, profile, faults, (started_at, finished_at), stores)
    finally:
        stores.close()
    return {Verdict.PASS: EXIT_PASS, Verdict.FAIL: EXIT_FAIL}.get(result.verdict, EXIT_ERROR)


def _propagation(history: HistoryStore | None, profile: str) -> float | None:
    """The org's propagation estimate from its past runs; None without a history."""
    from inspector.core.polling import propagation_estimate
    from inspector.store.history import HistoryError

    if history is None:
        return None
    try:
        return propagation_estimate(history.recent_steps(profile))
    except HistoryError:
        return None  # said when the run is recorded


def _record(
    args: argparse.Namespace,
    request: VerificationRequest,
    result: VerificationResult,
    profile: str,
    faults: list[str],
    times: tuple[datetime, datetime],
    stores: Stores,
) -> None:
    """Keep the run in the history, as the window keeps a form run; never changes the verdict."""
    from inspector.core.expectations import ScenarioRun, unsaved_outcome
    from inspector.store.history import HistoryError

    history = stores.history
    if history is None:
        print(
            f"inspector verify: {stores.history_problem} (the run is not in the history)",
            file=sys.stderr,
        )
        return
    outcome = unsaved_outcome(
        f"(verify) {request.crm_id}",
        request,
        result,
        profile=profile,
        deployment=args.deployment,
        faults=faults,
    )
    try:
        history.record_run(ScenarioRun(outcome, *times), origin="cli")
    except HistoryError as exc:
        print(f"inspector verify: {exc} (the run is not in the history)", file=sys.stderr)
