"""`inspector page FILE|URL`: run the admin's own website page, watched, and judge what it sent.

The page runs offscreen in the locked-down web view against the sandbox org; a scripted
customer opens Messenger, types and sends the messages. Inspector shows what the page's
snippet names, each frame the page sent, and three columns (expected, sent, arrived). Exit
status as `verify`: 0 pass, 1 fail, 2 error or bad options.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from inspector.commands import EXIT_ERROR, EXIT_FAIL, EXIT_PASS

if TYPE_CHECKING:
    from inspector.core.page_run import PageRunResult
    from inspector.page_runner import PageRunRequest

__all__ = ["register", "run"]

DEFAULT_ORIGIN = "https://shop.example.com"
PAGE_KINDS = ("native-ui", "autostart", "headless")


def _attribute(text: str) -> tuple[str, str]:
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE, got {text!r}")
    return key, value


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
    parser.add_argument("page", help="an HTML file, or the URL of a page (your staging site)")
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
        type=_attribute,
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
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds per wait")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.set_defaults(handler=run)


def _request(args: argparse.Namespace) -> PageRunRequest:
    from inspector.page_runner import DEFAULT_CUSTOMER_MESSAGES, PageRunRequest
    from inspector.ui.page_view import PageSource

    target = str(args.page)
    if urlsplit(target).scheme in ("http", "https"):
        source = PageSource(url=target, label=target)
    else:
        path = Path(target)
        source = PageSource(
            html=path.read_text(encoding="utf-8"), origin=args.origin, label=str(path)
        )
    return PageRunRequest(
        source=source,
        expected=dict(args.expect),
        messages=tuple(args.message) or DEFAULT_CUSTOMER_MESSAGES,
        kind=args.kind,
        timeout=args.timeout,
    )


def run(args: argparse.Namespace) -> int:
    try:
        request = _request(args)
    except OSError as exc:
        return _print_error(args, f"Cannot read {args.page}: {exc.strerror or exc}")
    from inspector.self_test import _prefer_offscreen

    _prefer_offscreen()
    from inspector.app import prepare_qt_environment

    problem = prepare_qt_environment()
    if problem:
        return _print_error(args, problem)
    result = run_offscreen(request)
    if args.json:
        print(json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2))
    else:
        print(result_text(result))
    return {"pass": EXIT_PASS, "fail": EXIT_FAIL}.get(result.verdict.value, EXIT_ERROR)


def run_offscreen(request: PageRunRequest) -> PageRunResult:
    """The page run on one qasync loop, as the self-test does (one Qt exit only)."""
    import qasync
    from PySide6.QtWebEngineWidgets import QWebEngineView  # noqa: F401 (before QApplication)
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setQuitOnLastWindowClosed(False)
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    with loop:
        result: PageRunResult = loop.run_until_complete(_main(request))
    return result


async def _main(request: PageRunRequest) -> PageRunResult:
    from inspector.org import sandbox_connection
    from inspector.page_runner import run_page
    from inspector.sandbox import SandboxOrg
    from inspector.ui.page_view import PageView

    async with SandboxOrg(bot_reply_delay=0.2) as sandbox:
        org = sandbox_connection(sandbox)
        view = PageView()
        view.resize(1000, 760)
        view.show()
        try:
            return await run_page(view, org, request, sandbox=sandbox)
        finally:
            view.shutdown()
            view.deleteLater()
            await org.aclose()


def result_text(result: PageRunResult) -> str:
    lines = [f"Verdict: {result.verdict.value.upper()} — {result.summary}"]
    lines.extend(f"  {note}" for note in result.notes)
    for index, frame in enumerate(result.frames):
        shown = json.dumps(dict(frame.attributes), ensure_ascii=False)
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
