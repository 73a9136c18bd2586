"""The sandbox's Messenger stand-in (genesys.min.js) in QtWebEngine, a real browser engine,
against a live SandboxOrg over real sockets: one test per behaviour of MESSENGER.md.

Each page is a website's page: the official snippet, loaded with the base URL
https://shop.example.com/, plus page code that records what it sees in window.__log.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from pytestqt.exceptions import TimeoutError

from inspector.sandbox import (
    SANDBOX_AUTOSTART_DEPLOYMENT_ID,
    SANDBOX_DEPLOYMENT_ID,
    SANDBOX_HEADLESS_DEPLOYMENT_ID,
    SANDBOX_INACTIVE_DEPLOYMENT_ID,
    SANDBOX_ORIGIN,
    SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID,
    SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID,
    SandboxOrg,
)
from inspector.sandbox.platform_json import snippet

LOAD_MS = 15_000
WAIT_S = 10.0
QUIET_S = 1.0  # how long "nothing else happens" is watched

# Page helpers, defined before the snippet. Genesys is looked up per call (MESSENGER.md: the
# script replaces the stub). `sync` says whether a callback ran inside the call that caused it.
PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title>
<script>
window.__log = [];
window.__inCall = false;
window.__note = function (kind, value) {
  window.__log.push(JSON.parse(JSON.stringify(
    {kind: kind, value: value === undefined ? null : value, sync: window.__inCall})));
};
window.__g = function () { return window[window._genesysJs || 'Genesys']; };
window.__sub = function (name) {
  window.__inCall = true;
  try {
    __g()('subscribe', name, function (e) { __note('event', e); });
  } finally { window.__inCall = false; }
};
// Run fn once genesys.min.js replaces the snippet's stub (the second assignment of
// window.Genesys), so it talks to Messenger itself: the snippet's queue is replayed only once
// the products load (MESSENGER.md, "Loading"), which a blocked page never sees.
window.__onMessenger = (function () {
  var current, assignments = 0, waiting = [];
  Object.defineProperty(window, 'Genesys', {
    configurable: true, enumerable: true,
    get: function () { return current; },
    set: function (value) {
      current = value;
      assignments += 1;
      if (assignments === 2) {
        setTimeout(function () { waiting.splice(0).forEach(function (fn) { fn(); }); }, 0);
      }
    }
  });
  return function (fn) { if (assignments >= 2) { fn(); } else { waiting.push(fn); } };
})();
window.__cmd = function (name, options, tag) {
  window.__inCall = true;
  try {
    __g()('command', name, options,
      function (v) { __note('fulfilled', {tag: tag || name, value: v === undefined ? null : v}); },
      function (r) {
        __note('rejected', {tag: tag || name, reason: String(r && r.message || r)});
      });
  } finally { window.__inCall = false; }
};
</script>
</head><body>
<h1>Shop</h1>
__SNIPPET__
<script>window.__stub = window.Genesys;</script>
__BEFORE__
__AFTER__
</body></html>
"""

LogEntry = dict[str, Any]


class ConsolePage(QWebEnginePage):
    """A page that keeps its console messages, to show them when a test fails."""

    def __init__(self, profile: QWebEngineProfile) -> None:
        super().__init__(profile)
        self.console: list[str] = []

    def javaScriptConsoleMessage(self, level: Any, message: str, line: int, source: str) -> None:
        self.console.append(f"{source}:{line}: {message}")


class StandinPage:
    """One page in a fresh off-the-record profile, with the stand-in of a live sandbox."""

    def __init__(
        self, qtbot: Any, sandbox: SandboxOrg, deployment_id: str, before: str, after: str
    ):
        self.qtbot = qtbot
        self.profile = QWebEngineProfile()  # off the record: nothing carried between pages
        self.page = ConsolePage(self.profile)
        html = (
            PAGE.replace("__BEFORE__", before)
            .replace("__SNIPPET__", snippet(sandbox.base_url, deployment_id))
            .replace("__AFTER__", after)
        )
        with qtbot.waitSignal(self.page.loadFinished, timeout=LOAD_MS):
            self.page.setHtml(html, QUrl(SANDBOX_ORIGIN + "/"))

    def js(self, code: str) -> Any:
        box: list[Any] = []
        self.page.runJavaScript(code, 0, box.append)
        self.qtbot.waitUntil(lambda: bool(box), timeout=LOAD_MS)
        return box[0]

    def log(self) -> list[LogEntry]:
        return json.loads(self.js("JSON.stringify(window.__log)"))

    def wait_for(
        self, predicate: Callable[[list[LogEntry]], bool], timeout: float = WAIT_S
    ) -> list[LogEntry]:
        latest: dict[str, Any] = {}

        def check() -> bool:
            self.page.runJavaScript(
                "JSON.stringify(window.__log)", 0, lambda v: latest.__setitem__("log", v)
            )
            return "log" in latest and predicate(json.loads(latest["log"]))

        try:
            self.qtbot.waitUntil(check, timeout=int(timeout * 1000))
        except TimeoutError:
            raise AssertionError(
                f"never seen; log: {self.log()}; console: {self.page.console}"
            ) from None
        return self.log()

    def wait_event(self, name: str, count: int = 1) -> list[dict[str, Any]]:
        log = self.wait_for(lambda entries: len(events(entries, name)) >= count)
        return events(log, name)

    def wait_settled(self, tag: str) -> LogEntry:
        log = self.wait_for(lambda entries: settled(entries, tag) is not None)
        found = settled(log, tag)
        assert found is not None
        return found

    def quiet(self, seconds: float = QUIET_S) -> list[LogEntry]:
        """Let the page and the org run for a while, then read the log."""
        self.qtbot.wait(int(seconds * 1000))
        return self.log()

    def close(self) -> None:
        self.page.deleteLater()
        self.profile.deleteLater()


def events(log: list[LogEntry], name: str) -> list[dict[str, Any]]:
    return [e["value"] for e in log if e["kind"] == "event" and e["value"]["event"] == name]


def event_names(log: list[LogEntry]) -> list[str]:
    return [e["value"]["event"] for e in log if e["kind"] == "event"]


def settled(log: list[LogEntry], tag: str) -> LogEntry | None:
    return next(
        (e for e in log if e["kind"] in ("fulfilled", "rejected") and e["value"]["tag"] == tag),
        None,
    )


def subscribing(*names: str) -> str:
    """Subscribe on Messenger itself as soon as it replaces the stub (not through the queue)."""
    subs = "".join(f"__sub({json.dumps(n)});" for n in names)
    return f"<script>__onMessenger(function () {{ {subs} }});</script>"


@pytest.fixture
def standin(qtbot, sandbox):
    pages: list[StandinPage] = []

    def open_page(deployment_id: str, before: str = "", after: str = "") -> StandinPage:
        page = StandinPage(qtbot, sandbox, deployment_id, before, after)
        pages.append(page)
        return page

    yield open_page
    for page in pages:
        page.close()


def onmessage_frames(sandbox: SandboxOrg) -> list[dict[str, Any]]:
    return [f for f in sandbox.guest_requests if f.get("action") == "onMessage"]


def wait_until(qtbot: Any, predicate: Callable[[], bool], timeout: float = WAIT_S) -> None:
    qtbot.waitUntil(predicate, timeout=int(timeout * 1000))


# --- Loading ------------------------------------------------------------------------------------


def test_the_script_replaces_the_stub_and_drains_its_queue(standin):
    page = standin(SANDBOX_HEADLESS_DEPLOYMENT_ID, before=subscribing("Database.ready"))
    page.wait_event("Database.ready")
    assert page.js("window.Genesys !== window.__stub && typeof window.Genesys") == "function"


def test_other_domain_publishes_domain_not_allowed_and_nothing_else(standin, sandbox):
    names = (
        "GenesysJS.domainNotAllowed",
        "GenesysJS.configurationReceived",
        "Database.ready",
        "Messenger.ready",
        "MessagingService.ready",
    )
    page = standin(SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID, before=subscribing(*names))
    page.wait_event("GenesysJS.domainNotAllowed")
    log = page.quiet()
    assert event_names(log) == ["GenesysJS.domainNotAllowed"]
    path = f"/webdeployments/v1/deployments/{SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID}"
    assert len(sandbox.requests_to(f"{path}/domains.json")) == 1
    assert sandbox.requests_to(f"{path}/config.json") == []
    assert sandbox.guest_requests == []
    assert page.js("document.getElementById('genesys-sandbox-launcher') === null") is True


def test_a_subdomain_of_an_allowed_parent_domain_loads_messenger(standin, sandbox):
    page = standin(
        SANDBOX_PARENT_DOMAIN_DEPLOYMENT_ID,
        before=subscribing("GenesysJS.domainNotAllowed", "Messenger.ready"),
    )
    page.wait_event("Messenger.ready")
    assert events(page.log(), "GenesysJS.domainNotAllowed") == []


def test_configuration_received_carries_the_untrimmed_config_and_the_snippet(standin):
    page = standin(SANDBOX_DEPLOYMENT_ID, before=subscribing("GenesysJS.configurationReceived"))
    [envelope] = page.wait_event("GenesysJS.configurationReceived")
    data = envelope["data"]
    assert data["snippetConfig"] == {"environment": "prod", "deploymentId": SANDBOX_DEPLOYMENT_ID}
    assert data["deploymentConfig"]["headlessMode"] == {"enabled": False}
    assert "styles" in data["deploymentConfig"]["messenger"]
    # republished: a later subscriber gets it too, without eventName
    page.js("__sub('GenesysJS.configurationReceived')")
    first, replay = page.wait_event("GenesysJS.configurationReceived", 2)
    assert replay["data"] == first["data"] and "eventName" not in replay


def test_configuration_command_rejects_before_config_then_gives_a_trimmed_copy(standin):
    page = standin(
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        after="<script>__onMessenger(function () {"
        " __cmd('GenesysJS.configuration', {}, 'early'); });</script>",
    )
    early = page.wait_settled("early")
    assert early["kind"] == "rejected"
    assert early["value"]["reason"] == "Deployment config is not available"
    page.wait_for(lambda log: True)
    page.js("__sub('Database.ready')")
    page.wait_event("Database.ready")
    page.js("__cmd('GenesysJS.configuration', {}, 'late')")
    late = page.wait_settled("late")
    assert late["kind"] == "fulfilled"
    config = late["value"]["value"]
    assert config["status"] == "Active"
    for trimmed in ("styles", "launcherButton"):
        assert trimmed not in config["messenger"]


def test_an_inactive_deployment_loads_no_product(standin, sandbox):
    names = ("GenesysJS.configurationReceived", "Database.ready", "Messenger.ready")
    page = standin(
        SANDBOX_INACTIVE_DEPLOYMENT_ID,
        before=subscribing(*names, "MessagingService.ready"),
        after="<script>__cmd('Database.get'); __cmd('MessagingService.startConversation');"
        "__cmd('Messenger.open');</script>",
    )
    [received] = page.wait_event("GenesysJS.configurationReceived")
    assert received["data"]["deploymentConfig"]["status"] == "Inactive"
    log = page.quiet()
    assert event_names(log) == ["GenesysJS.configurationReceived"]
    assert [e for e in log if e["kind"] in ("fulfilled", "rejected")] == []  # never settle
    assert sandbox.guest_requests == []
    assert page.js("document.getElementById('genesys-sandbox-launcher') === null") is True


# --- Native UI vs headless ----------------------------------------------------------------------


def test_native_ui_loads_messaging_service_only_when_messenger_opens(standin, sandbox):
    page = standin(
        SANDBOX_DEPLOYMENT_ID,
        before=subscribing("Messenger.ready", "MessagingService.ready", "Messenger.opened"),
        after="<script>__cmd('MessagingService.startConversation', {}, 'start');</script>",
    )
    page.wait_event("Messenger.ready")
    log = page.quiet()
    assert events(log, "MessagingService.ready") == []
    assert settled(log, "start") is None  # queued until MessagingService loads
    assert sandbox.guest_requests == []
    assert page.js("document.getElementById('genesys-sandbox-messenger').hidden") is True
    label = "document.getElementById('genesys-sandbox-launcher').getAttribute('aria-label')"
    assert page.js(label) == "Open Messenger"

    page.js("__cmd('Messenger.open', {}, 'open')")
    page.wait_event("MessagingService.ready")
    page.wait_event("Messenger.opened")
    assert page.wait_settled("start")["kind"] == "fulfilled"
    assert page.wait_settled("open")["kind"] == "fulfilled"
    assert page.js("document.getElementById('genesys-sandbox-messenger').hidden") is False


def test_a_launcher_click_opens_messenger_and_loads_messaging_service(standin):
    page = standin(
        SANDBOX_DEPLOYMENT_ID, before=subscribing("Messenger.ready", "MessagingService.ready")
    )
    page.wait_event("Messenger.ready")
    page.js("document.getElementById('genesys-sandbox-launcher').click()")
    page.wait_event("MessagingService.ready")
    state = "document.querySelector('#genesys-sandbox-messenger .gsm-status').dataset.state"
    wait_until(page.qtbot, lambda: page.js(state) == "ready")


def test_headless_publishes_ready_and_rejects_messenger_open_with_the_real_text(standin):
    page = standin(
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        before=subscribing("MessagingService.ready", "Messenger.ready"),
        after="<script>__cmd('Messenger.open', {}, 'open');</script>",
    )
    page.wait_event("MessagingService.ready")
    rejected = page.wait_settled("open")
    assert rejected["kind"] == "rejected"
    assert rejected["value"]["reason"] == (
        "Messenger user interface must be enabled in your configuration."
    )
    assert page.js("document.getElementById('genesys-sandbox-launcher') === null") is True


# --- Events -------------------------------------------------------------------------------------


def test_every_subscriber_gets_the_envelope_asynchronously(standin):
    page = standin(
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        before=subscribing("MessagingService.ready", "MessagingService.ready"),
    )
    first, second = page.wait_event("MessagingService.ready", 2)
    assert first == second
    assert set(first) == {"time", "publisher", "event", "eventName", "data"}
    assert (first["publisher"], first["event"], first["eventName"], first["data"]) == (
        "MessagingService",
        "MessagingService.ready",
        "ready",
        {},
    )
    # a late subscriber gets the republished ready, never inside its own subscribe call
    page.js("__sub('MessagingService.ready')")
    log = page.wait_for(lambda entries: len(events(entries, "MessagingService.ready")) == 3)
    replay = [e for e in log if e["kind"] == "event"][-1]
    assert replay["sync"] is False
    assert "eventName" not in replay["value"] and replay["value"]["event"] == first["event"]


def test_other_events_reach_only_current_subscribers(standin):
    page = standin(SANDBOX_HEADLESS_DEPLOYMENT_ID, before=subscribing("MessagingService.ready"))
    page.wait_event("MessagingService.ready")
    page.js(
        "__sub('MessagingService.sendingMessage'); __cmd('MessagingService.sendMessage',"
        " {message: 'Hello'})"
    )
    page.wait_event("MessagingService.sendingMessage")
    page.js("__sub('MessagingService.sendingMessage'); __sub('MessagingService.started')")
    log = page.quiet()
    assert len(events(log, "MessagingService.sendingMessage")) == 1  # no replay
    [started] = events(log, "MessagingService.started")  # republished
    assert "eventName" not in started


def test_started_data_and_command_callback_timing(standin, sandbox):
    page = standin(
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        before=subscribing("MessagingService.ready", "MessagingService.started"),
    )
    page.wait_event("MessagingService.ready")
    page.js("__cmd('MessagingService.startConversation', {}, 'start')")
    log = page.wait_for(lambda entries: bool(events(entries, "MessagingService.started")))
    start = settled(log, "start")
    assert start is not None and start["kind"] == "fulfilled" and start["sync"] is False
    # startConversation fulfils when the socket opens, before the session is started
    kinds = [e["kind"] if e["kind"] != "event" else e["value"]["event"] for e in log]
    assert kinds.index("fulfilled") < kinds.index("MessagingService.started")
    [started] = events(log, "MessagingService.started")
    data = started["data"]
    assert (data["newSession"], data["authenticated"], data["readOnly"]) == (True, False, False)
    assert data["durationSeconds"] == 3600 and isinstance(data["expirationDate"], int)
    # sendMessage fulfils at once, asynchronously; "" sends nothing; whitespace is rejected
    page.js(
        "__cmd('MessagingService.sendMessage', {message: ''}, 'empty');"
        "__cmd('MessagingService.sendMessage', {message: '   '}, 'blank')"
    )
    assert page.wait_settled("empty")["kind"] == "fulfilled"
    blank = page.wait_settled("blank")
    assert blank["kind"] == "rejected" and blank["sync"] is False
    page.quiet(0.5)
    assert onmessage_frames(sandbox) == []


def test_send_message_alone_opens_a_session(standin, sandbox):
    page = standin(
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        after="<script>__cmd('MessagingService.sendMessage', {message: 'Hi'}, 'send');</script>",
    )
    assert page.wait_settled("send")["kind"] == "fulfilled"
    wait_until(page.qtbot, lambda: len(onmessage_frames(sandbox)) == 1)
    assert onmessage_frames(sandbox)[0]["message"]["text"] == "Hi"


def test_sending_message_is_exactly_what_the_sandbox_received(standin, sandbox):
    page = standin(
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        before=subscribing("MessagingService.sendingMessage"),
        after="<script>"
        "__cmd('Database.set', {messaging: {customAttributes: {crmCustomerId: 'C-1', n: 7}}});"
        "__cmd('MessagingService.sendMessage', {message: 'Hello'});"
        "</script>",
    )
    [sending] = page.wait_event("MessagingService.sendingMessage")
    wait_until(page.qtbot, lambda: len(onmessage_frames(sandbox)) == 1)
    [frame] = onmessage_frames(sandbox)
    message = sending["data"]["message"]
    assert message == frame["message"]
    assert message["tracingId"] == frame["tracingId"]
    assert message["type"] == "Text" and message["text"] == "Hello"
    assert message["channel"] == {
        "metadata": {"customAttributes": {"crmCustomerId": "C-1", "n": "7"}}
    }
    assert message["metadata"]["id"]


def test_messages_received_gives_one_raw_body_with_the_tracing_id(standin, sandbox):
    page = standin(
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        before=subscribing("MessagingService.sendingMessage", "MessagingService.messagesReceived"),
        after="<script>__cmd('MessagingService.sendMessage', {message: 'Hello'});</script>",
    )
    received = page.wait_event("MessagingService.messagesReceived", 2)  # the echo, the bot
    [sending] = events(page.log(), "MessagingService.sendingMessage")
    for envelope in received:
        assert len(envelope["data"]["messages"]) == 1
    echo = received[0]["data"]["messages"][0]
    assert echo["direction"] == "Inbound" and echo["text"] == "Hello" and echo["type"] == "Text"
    assert echo["tracingId"] == sending["data"]["message"]["tracingId"]
    assert {"id", "channel", "metadata", "originatingEntity"} <= set(echo)
    bot = received[1]["data"]["messages"][0]
    assert bot["direction"] == "Outbound" and bot["originatingEntity"] == "Bot"
    assert "tracingId" not in bot  # pushed messages have no tracingId (NOTES 2)
    bubbles = page.js(
        "JSON.stringify(Array.from(document.querySelectorAll('.gsm-msg'), b => b.textContent))"
    )
    assert bubbles == "[]"  # headless: no UI at all


def test_autostart_sends_join_with_the_attributes_and_they_land(standin, sandbox):
    page = standin(
        SANDBOX_AUTOSTART_DEPLOYMENT_ID,
        before=subscribing(
            "Messenger.ready",
            "MessagingService.sendingMessage",
            "MessagingService.messagesReceived",
        ),
        after="<script>"
        "__cmd('Database.set', {messaging: {customAttributes: {crmCustomerId: 'C-42'}}});"
        "__cmd('Messenger.open');"
        "</script>",
    )
    [sending] = page.wait_event("MessagingService.sendingMessage")
    join = sending["data"]["message"]
    assert join["type"] == "Event"
    assert join["events"] == [{"eventType": "Presence", "presence": {"type": "Join"}}]
    assert join["channel"] == {"metadata": {"customAttributes": {"crmCustomerId": "C-42"}}}
    [received] = page.wait_event("MessagingService.messagesReceived")
    presence = received["data"]["messages"][0]
    assert presence["type"] == "Event" and presence["direction"] == "Inbound"
    assert presence["events"] == join["events"]
    assert presence["tracingId"] == join["tracingId"]
    wait_until(page.qtbot, lambda: customer_attributes(sandbox) == {"crmCustomerId": "C-42"})
    # the attributes travelled with that frame: a later text does not carry them again
    page.js("__cmd('MessagingService.sendMessage', {message: 'Hello'})")
    wait_until(page.qtbot, lambda: len(onmessage_frames(sandbox)) == 2)
    assert "channel" not in onmessage_frames(sandbox)[1]["message"]


def customer_attributes(sandbox: SandboxOrg) -> dict[str, str] | None:
    conversations = list(sandbox._state.conversations.values())
    return conversations[0].customer.attributes if len(conversations) == 1 else None


def test_database_set_merges_shallowly_and_update_too(standin):
    page = standin(
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        after="<script>"
        "__cmd('Database.set', {messaging: {customAttributes: {a: '1', b: '2'}}});"
        "__cmd('Database.set', {messaging: {customAttributes: {b: 3}}});"
        "__cmd('Database.update', {messaging: {customAttributes: {c: true}}});"
        "__cmd('Database.get', {}, 'get');"
        "</script>",
    )
    got = page.wait_settled("get")
    assert got["value"]["value"] == {
        "messaging": {"customAttributes": {"a": "1", "b": "3", "c": "true"}}
    }


@pytest.mark.parametrize(
    ("message", "attributes", "code", "error_key"),
    [
        ("x" * 4001, {}, 4011, "messageLengthExceeded"),
        ("Hello", {"big": "x" * 2100}, 4013, "customAttributesSizeExceeded"),
    ],
)
def test_an_error_is_the_guest_frame_with_an_error_key(
    standin, message, attributes, code, error_key
):
    page = standin(
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        before=subscribing(
            "MessagingService.sendingMessage",
            "MessagingService.error",
            "MessagingService.customAttributesSizeExceeded",
        ),
        after="<script>"
        f"__cmd('Database.set', {{messaging: {{customAttributes: {json.dumps(attributes)}}}}});"
        f"__cmd('MessagingService.sendMessage', {{message: {json.dumps(message)}}});"
        "</script>",
    )
    [error] = page.wait_event("MessagingService.error")
    [sending] = events(page.log(), "MessagingService.sendingMessage")
    frame = error["data"]["error"]
    assert frame["type"] == "response" and frame["class"] == "string"
    assert frame["code"] == code and frame["errorKey"] == error_key
    assert isinstance(frame["body"], str) and frame["body"]
    assert frame["tracingId"] == sending["data"]["message"]["tracingId"]
    exceeded = events(page.quiet(0.3), "MessagingService.customAttributesSizeExceeded")
    assert len(exceeded) == (1 if code == 4013 else 0)


@pytest.fixture
def read_only_sandbox(aio):
    org = SandboxOrg(faults=["read-only-session"])
    aio.run(org.start())
    yield org
    aio.run(org.stop())


def test_a_read_only_session_reports_started_read_only_and_the_409(qtbot, read_only_sandbox):
    page = StandinPage(
        qtbot,
        read_only_sandbox,
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        subscribing(
            "MessagingService.started",
            "MessagingService.readOnlyConversation",
            "MessagingService.error",
        ),
        "<script>__cmd('MessagingService.sendMessage', {message: 'Hello'});</script>",
    )
    try:
        [started] = page.wait_event("MessagingService.started")
        assert started["data"]["readOnly"] is True and started["data"]["newSession"] is False
        page.wait_event("MessagingService.readOnlyConversation")
        [error] = page.wait_event("MessagingService.error")
        frame = error["data"]["error"]
        assert frame["code"] == 409
        assert frame["body"] == "Session is read-only, no new messages allowed"
        assert frame["errorKey"] == "sessionReadOnly"
    finally:
        page.close()


# --- a page written the way public website code uses Messenger ----------------------------------

WEBSITE_CODE = """<script>
  // As the Messenger docs and public integrations do it: attributes once Database is ready,
  // first message text from data.messages[0].
  Genesys('subscribe', 'Database.ready', function () {
    Genesys('command', 'Database.set',
      {messaging: {customAttributes: {crmCustomerId: 'CRM-7', source: 'website'}}});
  });
  Genesys('subscribe', 'MessagingService.messagesReceived', function (e) {
    var m = e.data.messages[0];
    __note('website-saw', {direction: m.direction, text: m.text || null, type: m.type});
  });
</script>"""


def test_a_website_page_sets_attributes_opens_the_launcher_and_types(standin, sandbox):
    page = standin(SANDBOX_DEPLOYMENT_ID, after=WEBSITE_CODE + subscribing("Messenger.ready"))
    page.wait_event("Messenger.ready")
    page.js("document.getElementById('genesys-sandbox-launcher').click()")
    status = "document.querySelector('#genesys-sandbox-messenger .gsm-status').dataset.state"
    wait_until(page.qtbot, lambda: page.js(status) == "ready")
    page.js(
        "(function () {"
        " var input = document.querySelector('#genesys-sandbox-messenger .gsm-input');"
        " input.value = 'I need help with my order';"
        " document.querySelector('#genesys-sandbox-messenger .gsm-send').click();"
        "})()"
    )
    log = page.wait_for(lambda entries: sum(e["kind"] == "website-saw" for e in entries) >= 2)
    seen = [e["value"] for e in log if e["kind"] == "website-saw"]
    assert seen[0] == {"direction": "Inbound", "text": "I need help with my order", "type": "Text"}
    assert seen[1]["direction"] == "Outbound"
    bubbles = page.js(
        "JSON.stringify(Array.from(document.querySelectorAll("
        "'#genesys-sandbox-messenger li.gsm-msg'), b => [b.dataset.direction, b.textContent]))"
    )
    assert json.loads(bubbles)[0] == ["Inbound", "I need help with my order"]
    deadline = time.monotonic() + WAIT_S
    wait_until(
        page.qtbot,
        lambda: (
            customer_attributes(sandbox) == {"crmCustomerId": "CRM-7", "source": "website"}
            or time.monotonic() > deadline
        ),
    )
    assert customer_attributes(sandbox) == {"crmCustomerId": "CRM-7", "source": "website"}


def test_a_subscription_queued_before_the_script_loads_hears_nothing_on_a_blocked_page(standin):
    # MESSENGER.md, "Loading": the queue is drained only once the products load, so a page
    # that subscribed through the snippet's stub never hears domainNotAllowed. The bridge
    # subscribes on Messenger itself for this reason.
    queued = "<script>__sub('GenesysJS.domainNotAllowed');</script>"
    direct = subscribing("GenesysJS.domainNotAllowed")
    page = standin(SANDBOX_OTHER_DOMAIN_DEPLOYMENT_ID, before=queued + direct)
    page.wait_event("GenesysJS.domainNotAllowed")
    log = page.quiet()
    assert len(events(log, "GenesysJS.domainNotAllowed")) == 1  # the direct one only


def test_a_queued_command_runs_once_the_products_load(standin):
    page = standin(
        SANDBOX_HEADLESS_DEPLOYMENT_ID,
        before="<script>__cmd('Database.set', {messaging: {customAttributes: {a: 'b'}}}, 'q');"
        "</script>",
    )
    assert page.wait_settled("q")["kind"] == "fulfilled"
