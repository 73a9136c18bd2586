"""Web-view faults through the window: what the user sees when the chat page cannot run."""

import pytest
from PySide6.QtCore import Qt

from inspector.core import StepError
from inspector.core.org_view import HostPageSpec
from inspector.ui.chat_view import ChatView
from inspector.ui.web_launcher import WebLauncher

RUN_TIMEOUT_MS = 40_000


def press_start(qtbot, window, button=None):
    window.result = None
    qtbot.mouseClick(button or window.form.start_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.result is not None, timeout=RUN_TIMEOUT_MS)
    return window.result


def step_lines(window):
    return [line.split("|")[:2] for line in window.progress.step_texts()]


def test_script_404_shows_script_failed_with_the_url(qtbot, window, sandbox, run_js):
    window.fault_actions["script-404"].setChecked(True)
    result = press_start(qtbot, window)
    url = window.org.host_page.bootstrap_url
    assert result.verdict.value == "error"
    connect = step_lines(window)[1]
    assert connect[0].strip() == "✖  Connect the chat"
    assert f"The chat script did not load from {url}" in connect[1]
    assert "<b>script-failed</b>" in window.banner.details.text()
    assert url in window.banner.title.text()
    # the chat pane says it too, instead of "Loading the chat…"
    shown = run_js(window.chat.page, "document.getElementById('inspector-host-status').textContent")
    assert shown == {"ok": f"The chat script did not load from {url}"}


def test_origin_denied_is_refused_before_and_by_the_org_when_forced(qtbot, window, sandbox):
    window.fault_actions["origin-denied"].setChecked(True)
    press_start(qtbot, window)
    assert "shop.example.com is not in the deployment's allowed domains" in (
        window.banner.title.text()
    )
    assert window.force_button.isVisible()
    # Forced past the pre-flight, Messenger itself refuses to run on the page's domain.
    press_start(qtbot, window, window.force_button)
    connect = step_lines(window)[1]
    assert connect[0].strip() == "✖  Connect the chat"
    assert "GenesysJS.domainNotAllowed" in connect[1]
    assert "<b>domain-not-allowed</b>" in window.banner.details.text()
    assert "allowed domains" in window.banner.details.text()


def test_prechat_required_names_the_missing_fields(qtbot, window, sandbox):
    window.fault_actions["prechat-required"].setChecked(True)
    result = press_start(qtbot, window)
    assert result.verdict.value == "error"
    send = step_lines(window)[2]
    assert send[0].strip() == "✖  Send the first message"
    assert "Pre-chat form answers required: firstName, email" in send[1]
    assert "<b>prechat-required</b>" in window.banner.details.text()


@pytest.fixture
def chat():
    view = ChatView(devtools=False)
    view.show()
    yield view
    view.shutdown()
    view.close()
    view.deleteLater()


def spec_for(server) -> HostPageSpec:
    return HostPageSpec(
        bootstrap_url=server.base + "/genesys.js",
        environment="prod",
        deployment_id="dep-1",
        origin=server.base,
    )


def run_launcher(aio, launcher, attributes):
    async def go():
        try:
            await launcher.connect()
            return await launcher.send_first_message("hello", attributes)
        finally:
            await launcher.close()

    with pytest.raises(StepError) as caught:
        aio.run(go())
    return caught.value


# A headless Messenger in miniature: envelopes, the config, ready, and on start the error the
# org would send, as MessagingService.error {error: <frame> + errorKey} (MESSENGER.md, "Events").
FAKE_MESSENGER = """
(function () {
  var g = window[window._genesysJs], queued = (g.q || []).slice(), subs = {};
  function publish(name, data) {
    (subs[name] || []).forEach(function (f) {
      setTimeout(function () { f({ event: name, eventName: name, data: data }); }, 0);
    });
  }
  function handle(args) {
    if (args[0] === "subscribe") { (subs[args[1]] = subs[args[1]] || []).push(args[2]); }
    if (args[0] === "command" && typeof args[3] === "function") { setTimeout(args[3], 0); }
    if (args[0] === "command" && args[1] === "MessagingService.startConversation") {
      publish("MessagingService.error", { error: {
        type: "response", class: "string", code: 400, errorKey: "requestFailed",
        body: "Pre-chat form answers required: email", tracingId: "t-1" } });
    }
  }
  window[window._genesysJs] = function () { handle(arguments); };
  // Like Messenger: the config comes after a fetch, and the queue is replayed after that.
  setTimeout(function () {
  publish("GenesysJS.configurationReceived", { deploymentConfig: {
    status: "Active", headlessMode: { enabled: true } }, snippetConfig: g.c });
  publish("Database.ready", {});
  publish("MessagingService.ready", {});
  queued.forEach(handle);
  }, 50);
})();
"""


def test_an_error_posted_by_the_page_maps_to_its_diagnosis_code(aio, chat, page_server):
    page_server.pages["/genesys.js"] = FAKE_MESSENGER
    launcher = WebLauncher(chat, spec_for(page_server), timeout=20)
    error = run_launcher(aio, launcher, {"crmId": "1"})
    assert error.code == "prechat-required"
    assert "Pre-chat form answers required: email" in str(error)
    assert "requestFailed (code 400)" in str(error)
    assert ("ready", {"event": "ready"}) in launcher.events


def test_console_errors_are_kept_for_the_run_and_shown_on_timeout(aio, chat, page_server):
    page_server.pages["/genesys.js"] = "throw new Error('Messenger crashed: E17');"
    launcher = WebLauncher(chat, spec_for(page_server), timeout=3)
    error = run_launcher(aio, launcher, {"crmId": "1"})
    assert error.code == "chat-timeout"
    assert any("Messenger crashed: E17" in e for e in launcher.console_errors)
    assert launcher.console_errors[0].startswith(page_server.base + "/genesys.js:1: ")
    assert "The page reported: " in str(error) and "E17" in str(error)
    # and how far Messenger got: not even its configuration
    assert "never got GenesysJS.configurationReceived" in str(error)


def test_a_refused_widget_frame_is_named_when_the_chat_times_out(aio, chat, page_server):
    # A widget that needs a host the policy does not list never gets ready: the error says why.
    elsewhere = f"http://localhost:{page_server.port}/widget"
    page_server.pages["/genesys.js"] = (
        "var f = document.createElement('iframe');"
        f"f.src = '{elsewhere}';"
        "document.documentElement.appendChild(f);"
    )
    page_server.pages["/widget"] = "<p>widget</p>"
    launcher = WebLauncher(chat, spec_for(page_server), timeout=3)
    error = run_launcher(aio, launcher, {"crmId": "1"})
    assert error.code == "chat-timeout"
    assert f"The page was refused: navigation to {elsewhere}" in str(error)
    assert launcher.refusals and "/widget" not in page_server.hits


def test_a_dropped_chat_socket_is_an_error_with_the_network_fix(qtbot, window, sandbox):
    window.fault_actions["ws-drop"].setChecked(True)
    result = press_start(qtbot, window)
    assert result.verdict.value == "error"
    assert not result.rows
    send = step_lines(window)[2]
    assert send[0].strip() == "✖  Send the first message"
    assert "1006" in send[1]
    details = window.banner.details.text()
    assert "<b>ws-dropped</b>" in details
    assert "network path to webmessaging" in details
    # Not lost: without the fault the next run from the same window passes.
    window.fault_actions["ws-drop"].setChecked(False)
    assert press_start(qtbot, window).verdict.value == "pass"
