"""`inspector page FILE|URL`: run the admin's own website page, watched, and judge what it sent.

The page runs offscreen in the locked-down web view against the sandbox org; a scripted
customer opens Messenger, types and sends the messages. Inspector shows what the page's
snippet names, each frame the page sent, and three columns (expected, sent, arrived). Exit
status as `verify`: 0 pass, 1 fail, 2 error or bad options.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from inspector.commands import EXIT_ERROR, EXIT_FAIL, EXIT_PASS, attribute_arg
from inspector.core.page_kinds import PAGE_KINDS

if TYPE_CHECKING:
    from inspector.core.page_run import PageRunResult
    from inspector.core.page_scenario import PageScenario
    from inspector.orgs.connection import OrgConnection
    from inspector.sandbox import SandboxOrg
    from inspector.website.page_run import PageRunRequest

__all__ = ["register", "run"]

DEFAULT_ORIGIN = "https://shop.example.com"


def _origin(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise argparse.ArgumentTypeError(
            f"expected an origin like https://shop.example.com, got {text!r}"
        )
    return f"{parts.scheme}://{parts.netloc}"


def register(commands: Any) -> None:
    parser = commands.add_parser(
        "page",
        help="run your own website page (a file or a URL) and check the attributes it sends",
    )
    parser.add_argument(
        "page",
        help="an HTML file, the URL of a page (your staging site), or a page scenario file "
        "(launcher: page) or a folder of them",
    )
    parser.add_argument(
        "--origin",
        type=_origin,
        default=DEFAULT_ORIGIN,
        help=f"the origin a local file is served under (default {DEFAULT_ORIGIN})",
    )
    parser.add_argument(
        "--expect",
        action="append",
        default=[],
        type=attribute_arg,
        metavar="KEY=VALUE",
        help="an attribute the page should send (repeatable); the first column",
    )
    parser.add_argument(
        "--kind",
        choices=PAGE_KINDS,
        default="native-ui",
        help="on the sandbox: the kind of deployment the page's own deployment id stands for",
    )
    parser.add_argument(
        "--message",
        action="append",
        default=[],
        help="what the customer types, in order (repeatable; default: a question, then a "
        "follow-up, so attributes set after the first message show)",
    )
    parser.add_argument(
        "--chat-input",
        metavar="CSS",
        help="the page's own chat: where the customer types (for pages without Messenger's "
        "window: headless, or their own guest client)",
    )
    parser.add_argument("--chat-send", metavar="CSS", help="the page's own chat: its send button")
    parser.add_argument(
        "--chat-open", metavar="CSS", help="the page's own chat: clicked once first (optional)"
    )
    parser.add_argument(
        "--profile",
        help="a stored org profile (see `inspector profile`): the page's own Messenger talks to "
        "that org, unchanged; default: the built-in sandbox org, with the page's Genesys "
        "requests sent to it",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per wait")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def _request(args: argparse.Namespace) -> PageRunRequest:
    from inspector.ui.page_view import PageChat
    from inspector.website.page_run import DEFAULT_CUSTOMER_MESSAGES, PageRunRequest, page_source

    chat = None
    if args.chat_input or args.chat_send:
        if not (args.chat_input and args.chat_send):
            raise ValueError("--chat-input and --chat-send go together")
        chat = PageChat(args.chat_input, args.chat_send, args.chat_open or "")
    return PageRunRequest(
        chat=chat,
        source=page_source(str(args.page), args.origin),
        expected=dict(args.expect),
        messages=tuple(args.message) or DEFAULT_CUSTOMER_MESSAGES,
        kind=args.kind,
        timeout=args.timeout,
    )


def _scenarios(target: Path) -> list[tuple[PageScenario, PageRunRequest]]:
    """The page scenarios of a file, or of every scenario file in a folder (not below it),
    read by the scenario loader; ValueError names each problem, a `file:line` line each."""
    from inspector.scenarios import load_suite
    from inspector.website.page_run import request_for_scenario

    suite = load_suite([target])
    problems = [str(p) for error in suite.errors for p in error.problems]
    found: list[tuple[PageScenario, PageRunRequest]] = []
    for scenario in suite.scenarios:
        if scenario.page is None:
            problems.append(
                f"{scenario.source}: launcher: not a website page scenario (launcher: "
                f"{scenario.launcher}); run it with `inspector run`"
            )
            continue
        found.append((scenario.page, request_for_scenario(scenario)))
    if problems:
        raise ValueError("\n".join(problems))
    return found


def _is_scenario(target: str) -> bool:
    from inspector.scenarios import SCENARIO_SUFFIXES

    path = Path(target)
    return path.is_dir() or path.suffix in SCENARIO_SUFFIXES


def run(args: argparse.Namespace) -> int:
    scenarios: list[tuple[PageScenario, PageRunRequest]] = []
    try:
        if _is_scenario(str(args.page)):
            scenarios = _scenarios(Path(args.page))
            requests = [request for _, request in scenarios]
        else:
            requests = [_request(args)]
    except OSError as exc:
        return _print_error(args, f"Cannot read {exc.filename or args.page}: {exc.strerror or exc}")
    except ValueError as exc:
        return _print_error(args, str(exc))
    from inspector.runtime.earlyinit import prefer_offscreen

    prefer_offscreen()
    from inspector.app import prepare_qt_environment

    problem = prepare_qt_environment()
    if problem:
        return _print_error(args, problem)
    try:
        results = run_offscreen(requests, args.profile)
    except ProfileUnusable as exc:
        return _print_error(args, str(exc))
    if scenarios:
        return _report_scenarios(args, [s for s, _ in scenarios], results)
    result = results[0]
    if args.json:
        print(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print(result_text(result))
    return {"pass": EXIT_PASS, "fail": EXIT_FAIL}.get(result.verdict.value, EXIT_ERROR)


def _report_scenarios(
    args: argparse.Namespace, scenarios: list[PageScenario], results: list[PageRunResult]
) -> int:
    from inspector.core.page_scenario import evaluate_page

    outcomes = [evaluate_page(s, r) for s, r in zip(scenarios, results, strict=True)]
    if args.json:
        data = {
            "passed": sum(o.passed for o in outcomes),
            "failed": sum(not o.passed for o in outcomes),
            "scenarios": [o.to_json_dict() for o in outcomes],
        }
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for outcome in outcomes:
            mark = "PASS" if outcome.passed else "FAIL"
            print(f"{mark}  {outcome.scenario.name} ({outcome.scenario.page})")
            print("\n".join("      " + line for line in result_text(outcome.result).splitlines()))
            for failure in outcome.failures:
                print(f"      ✗ {failure}")
    return EXIT_PASS if all(o.passed for o in outcomes) else EXIT_FAIL


class ProfileUnusable(Exception):
    """The profile named cannot be used (unknown, broken, or its org or keychain refused)."""


def run_offscreen(
    requests: list[PageRunRequest], profile: str | None = None
) -> list[PageRunResult]:
    """The pages run on one qasync loop and one sandbox, as the self-test does (one Qt exit)."""
    from inspector.website.scenarios import run_with_web_view

    return run_with_web_view(lambda: _main(requests, profile))


async def _main(requests: list[PageRunRequest], profile: str | None) -> list[PageRunResult]:
    from inspector.store.profiles import is_sandbox_name

    if profile is not None and not is_sandbox_name(profile):
        org = await _profile_org(profile)
        try:
            return await _run_all(requests, org, None)
        finally:
            await org.aclose()
    from inspector.orgs.connection import sandbox_connection
    from inspector.sandbox import SandboxOrg

    async with SandboxOrg(bot_reply_delay=0.2) as sandbox:
        org = sandbox_connection(sandbox)
        try:
            return await _run_all(requests, org, sandbox)
        finally:
            await org.aclose()


async def _profile_org(name: str) -> OrgConnection:
    import asyncio

    from inspector.orgs.sign_in import ProfileProblem, open_profile
    from inspector.store.profiles import ProfileError
    from inspector.store.stores import Stores

    stores = Stores()  # a page run keeps no history: the profiles and the keychain only
    try:
        stored = await asyncio.to_thread(stores.profiles.get, name)
        secrets = await asyncio.to_thread(lambda: stores.secrets)
        return await open_profile(stored, secrets)
    except (ProfileError, ProfileProblem) as exc:
        raise ProfileUnusable(str(exc)) from exc
    finally:
        stores.close()


async def _run_all(
    requests: list[PageRunRequest], org: OrgConnection, sandbox: SandboxOrg | None
) -> list[PageRunResult]:
    from inspector.website.page_run import fresh_page_view, run_page

    results: list[PageRunResult] = []
    for request in requests:
        async with fresh_page_view() as view:
            results.append(await run_page(view, org, request, sandbox=sandbox))
    return results


def result_text(result: PageRunResult) -> str:
    lines = [f"Verdict: {result.verdict.value.upper()} — {result.summary}"]
    lines.extend(f"  {note}" for note in result.notes)
    for index, frame in enumerate(result.frames):
        shown = json.dumps(dict(frame.attributes), ensure_ascii=False)
        if frame.legacy_attributes:
            legacy = json.dumps(dict(frame.legacy_attributes), ensure_ascii=False)
            shown += f", top-level channel {legacy}"
        lines.append(f"  {frame.label(index)}: {frame.text!r} attributes {shown}")
    if result.rows:
        lines.append(f"  {'key':<20} {'expected':<20} {'page sent':<24} arrived")
        for row in result.rows:
            lines.append(
                f"  {row.key:<20} {row.expected_text:<20} {row.sent_text:<24} {row.received_text}"
            )
    pairs = (
        ("expected → sent", result.expected_vs_sent),
        ("sent → arrived", result.sent_vs_arrived),
    )
    lines.append("  " + "; ".join(f"{name}: {v.value if v else 'not judged'}" for name, v in pairs))
    lines.extend(f"  [{d.code}] {d.message}" for d in result.diagnoses)
    if result.error:
        lines.append(f"  Error: {result.error}")
    return "\n".join(lines)


def _print_error(args: argparse.Namespace, message: str) -> int:
    if getattr(args, "json", False):
        print(json.dumps({"verdict": "error", "error": message}))
    else:
        print(f"inspector page: {message}", file=sys.stderr)
    return EXIT_ERROR
