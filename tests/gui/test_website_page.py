"""The admin's own website page, watched in the real web view against a live sandbox org.

Each example page under examples/website/ runs unchanged: its snippet names a deployment of
its own on a real region (apps.mypurecloud.ie), which the sandbox redirect serves; a scripted
customer clicks Messenger's launcher and types. The verdict and the diagnosis come from what
Messenger really wrote to the socket and what the sandbox org really stored.
"""

from pathlib import Path

import pytest

from inspector.app import sandbox_connection
from inspector.core.diff import Verdict
from inspector.ui.page_view import PageChat, PageSource, PageView
from inspector.website.page_run import PageRunRequest, run_page

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "website"
EXPECTED = {"crmCustomerId": "C-10442"}
PAGE_DEPLOYMENT = "9a4e6b1c-2d3f-4e5a-8b7c-0d1e2f3a4b5c"


@pytest.fixture
def page_view(qtbot):
    view = PageView()
    qtbot.addWidget(view)
    view.resize(900, 700)
    view.show()
    yield view
    view.shutdown()


def run_example(aio, sandbox, view, name, **changes):
    org = sandbox_connection(sandbox)
    source = PageSource(
        html=(EXAMPLES / name).read_text(encoding="utf-8"),
        origin="https://shop.example.com",
        label=name,
        folder=str(EXAMPLES),
    )
    request = PageRunRequest(source=source, expected=changes.pop("expected", EXPECTED), **changes)
    try:
        return aio.run(run_page(view, org, request, sandbox=sandbox), timeout=60)
    finally:
        aio.run(org.aclose())


def codes(result):
    return [d.code for d in result.diagnoses]


def test_a_page_written_the_right_way_passes_with_its_snippet_found(aio, sandbox, page_view):
    result = run_example(aio, sandbox, page_view, "good.html")
    assert result.verdict is Verdict.PASS, (result.error, codes(result))
    assert result.snippet.deployment_id == PAGE_DEPLOYMENT
    assert result.snippet.environment == "prod-euw1"
    assert result.snippet.script_url.startswith("https://apps.mypurecloud.ie/")
    first = result.frames[0]
    assert first.attributes == {"crmCustomerId": "C-10442", "tier": "gold"}
    assert result.received is not None and result.received["crmCustomerId"] == "C-10442"
    # What the sandbox stored came through the socket, from the page's own Database.set.
    frames = [f for f in sandbox.guest_requests if f.get("action") == "onMessage"]
    sent = frames[0]["message"]["channel"]["metadata"]["customAttributes"]
    assert sent == {"crmCustomerId": "C-10442", "tier": "gold"}
    # The page's own script came from its folder; its Genesys requests went to the sandbox;
    # nothing else was redirected.
    assert page_view.interceptor is not None
    redirected = [src for src, _ in page_view.interceptor.redirected]
    assert redirected[0] == "https://shop.example.com/js/shop.js"
    assert redirected[1:] and all("mypurecloud.ie" in src for src in redirected[1:])


@pytest.mark.parametrize(
    ("page", "verdict", "code"),
    [
        ("late.html", Verdict.FAIL, "attributes-after-first-message"),
        ("spelling.html", Verdict.FAIL, "key-spelled-two-ways"),
        ("hidden.html", Verdict.FAIL, "hidden-characters"),
        ("too-large.html", Verdict.FAIL, "too-large"),
    ],
)
def test_each_mistaken_page_gets_its_diagnosis(aio, sandbox, page_view, page, verdict, code):
    result = run_example(aio, sandbox, page_view, page)
    assert result.verdict is verdict, (result.error, codes(result))
    assert code in codes(result)


def test_a_page_with_its_own_guest_client_is_caught_sending_the_deprecated_location(
    aio, sandbox, page_view
):
    chat = PageChat(input="#chat-text", send="#chat-send", open="#chat-open")
    result = run_example(aio, sandbox, page_view, "legacy.html", chat=chat, timeout=8.0)
    assert not result.snippet.found
    assert result.frames and result.frames[0].legacy_attributes == {"crmCustomerId": "C-10442"}
    assert result.frames[0].attributes == {}
    # The chat worked: the sandbox stored the message, and put no attribute on the customer.
    assert result.conversation_id is not None
    assert result.received is not None and "crmCustomerId" not in result.received
    assert result.verdict is Verdict.FAIL
    assert codes(result)[0] == "attributes-legacy-location"
    frames = [f for f in sandbox.guest_requests if f.get("action") == "onMessage"]
    assert frames[0]["channel"]["metadata"]["customAttributes"] == {"crmCustomerId": "C-10442"}


def test_messenger_frames_seen_on_the_socket_too_are_counted_once(aio, sandbox, page_view):
    result = run_example(aio, sandbox, page_view, "good.html")
    assert result.verdict is Verdict.PASS
    assert [f.text for f in result.frames] == [
        "Hello, I have a question about my order",
        "Are you still there?",
    ]


def test_attributes_set_late_are_on_the_second_frame_not_the_first(aio, sandbox, page_view):
    result = run_example(aio, sandbox, page_view, "late.html", expected={})
    assert result.frames[0].attributes == {}
    assert result.frames[1].attributes == {"crmCustomerId": "C-10442"}
    assert codes(result)[0] == "attributes-after-first-message"


def test_the_watcher_leaves_the_page_s_own_genesys_and_subscribers_alone(
    aio, sandbox, page_view, run_js
):
    result = run_example(aio, sandbox, page_view, "good.html")
    assert result.verdict is Verdict.PASS
    page = page_view.page
    # The page sees Messenger itself (the stand-in's marker), not a wrapper of Inspector's.
    assert run_js(page, "window.Genesys.sandboxMessenger === true") == {"ok": True}
    assert run_js(page, "typeof window.Genesys.q") == {"ok": "undefined"}
    # The page's own Database.set reached Messenger's database unchanged.
    value = run_js(
        page,
        "new Promise(r => Genesys('command', 'Database.get', {}, v => r(v)))"
        ".then(v => v.messaging.customAttributes.crmCustomerId)",
    )
    assert value == {"ok": "C-10442"}


def test_a_page_on_a_domain_the_deployment_refuses_is_an_error_not_a_timeout(
    aio, sandbox, page_view
):
    result = run_example(aio, sandbox, page_view, "good.html", kind="other-domain")
    assert result.verdict is Verdict.ERROR
    assert result.error_code == "domain-not-allowed"


def test_a_guest_socket_to_a_region_host_is_sent_to_the_sandbox(
    aio, sandbox, page_view, run_js, qtbot
):
    """QtWebEngine 6.11 shows WebSocket handshakes to the interceptor (ResourceTypeWebSocket),
    and a wss:// request redirected to ws://127.0.0.1 opens: a page with its own guest client
    reaches the sandbox too."""
    html = (
        "<!doctype html><html><body><script>"
        "window.opened = new Promise(function (resolve) {"
        f"  var ws = new WebSocket('wss://webmessaging.mypurecloud.ie/v1?deploymentId={PAGE_DEPLOYMENT}');"
        "  ws.onopen = function () { resolve('open'); };"
        "  ws.onclose = function (e) { resolve('closed ' + e.code); };"
        "});"
        "</script></body></html>"
    )
    from inspector.sandbox.seed import SANDBOX_ALLOWED_DOMAIN
    from inspector.ui.page_redirect import SandboxRedirect

    redirect = SandboxRedirect.for_domains(sandbox.base_url, ["mypurecloud.ie"])
    page_view.load_page(
        PageSource(html=html, origin="https://shop.example.com"),
        redirect=redirect,
        on_deployment=lambda d: sandbox.add_deployment_like(d, "native-ui", SANDBOX_ALLOWED_DOMAIN),
    )
    seen = []

    def settled() -> None:
        seen.append(run_js(page_view.page, "window.opened || null"))
        assert seen[-1]["ok"] is not None

    qtbot.waitUntil(settled, timeout=10_000)
    assert seen[-1] == {"ok": "open"}
    assert page_view.interceptor is not None
    source, target = page_view.interceptor.redirected[-1]
    assert source.startswith("wss://webmessaging.mypurecloud.ie/v1")
    assert target.startswith(sandbox.base_url.replace("http://", "ws://") + "/v1")


def test_a_headless_page_drawing_its_own_chat_passes(aio, sandbox, page_view):
    chat = PageChat(input="#help-text", send="#help-send")
    result = run_example(aio, sandbox, page_view, "headless.html", chat=chat, kind="headless")
    assert result.verdict is Verdict.PASS, (result.error, codes(result))
    assert result.frames[0].attributes == {"crmCustomerId": "C-10442"}


def test_an_expected_key_the_page_never_sent_is_not_waited_for(aio, sandbox, page_view):
    """The legacy page sends its id only where Genesys ignores it: the read-back stops once
    what the page did send is there, well before the window's 30 s read timeout, and the
    verdict still names the page's mistake."""
    import time

    chat = PageChat(input="#chat-text", send="#chat-send", open="#chat-open")
    started = time.monotonic()
    result = run_example(aio, sandbox, page_view, "legacy.html", chat=chat, timeout=30.0)
    seconds = time.monotonic() - started
    assert result.verdict is Verdict.FAIL, (result.error, codes(result))
    assert codes(result)[0] == "attributes-legacy-location"
    assert result.received is not None and "crmCustomerId" not in result.received
    assert seconds < 15, f"the read waited for a key that was never sent ({seconds:.1f} s)"


def test_a_page_scenario_whose_page_cannot_be_read_is_an_error_and_the_suite_goes_on(
    aio, sandbox, tmp_path
):
    from inspector.orgs.suite import run_suite
    from inspector.scenarios import load_suite
    from inspector.website.scenarios import PageScenarios

    (tmp_path / "a-gone.yaml").write_text("name: gone\nlauncher: page\npage: gone.html\n")
    (tmp_path / "b-good.yaml").write_text((EXAMPLES / "good.yaml").read_text())
    (tmp_path / "good.html").write_text((EXAMPLES / "good.html").read_text())
    (tmp_path / "js").mkdir()
    (tmp_path / "js" / "shop.js").write_text((EXAMPLES / "js" / "shop.js").read_text())
    suite = load_suite([tmp_path])
    assert not suite.errors
    result = aio.run(run_suite(suite.scenarios, run_page=PageScenarios()), timeout=120)
    gone, good = (r.outcome for r in result.runs)
    assert gone.verdict is Verdict.ERROR
    assert gone.summary.startswith(f"Cannot read the page {tmp_path / 'gone.html'}")
    assert good.verdict is Verdict.PASS, good.summary
