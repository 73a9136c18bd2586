"""The chat web view, locked down: real pages in the real ChatView, refused where they must be."""

import datetime
import ipaddress
import ssl

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineSettings

from inspector.core.org_view import HostPageSpec
from inspector.ui.chat_view import ChatView

from .conftest import PageServer

LOAD_MS = 15_000


@pytest.fixture
def chat(qtbot):
    view = ChatView(devtools=False)
    view.show()
    yield view
    # Not qtbot.addWidget: it closes the view before this runs, and the page must go first.
    view.shutdown()
    view.close()
    view.deleteLater()


def host_spec(server: PageServer, bootstrap_path: str = "/genesys.js") -> HostPageSpec:
    return HostPageSpec(
        bootstrap_url=server.base + bootstrap_path,
        environment="prod",
        deployment_id="dep-1",
        origin=server.base,
    )


def load(qtbot, chat: ChatView, spec: HostPageSpec) -> QWebEnginePage:
    with qtbot.waitSignal(
        chat.page_event, timeout=LOAD_MS, check_params_cb=lambda n, _d: n == "bridgeReady"
    ):
        chat.load_chat(spec)
    page = chat.page
    assert page is not None
    # Wait for the window's load event, which waits for the (async) Messenger script too.
    states: list[object] = []
    qtbot.waitUntil(
        lambda: page.runJavaScript("document.readyState", 0, states.append) or "complete" in states,
        timeout=LOAD_MS,
    )
    return page


def test_settings_that_open_doors_are_off(qtbot, chat, page_server):
    page_server.pages["/genesys.js"] = "window.loadedFromOrg = true;"
    page = load(qtbot, chat, host_spec(page_server))
    settings = page.settings()
    for attribute in (
        QWebEngineSettings.WebAttribute.JavascriptCanOpenWindows,
        QWebEngineSettings.WebAttribute.JavascriptCanAccessClipboard,
        QWebEngineSettings.WebAttribute.JavascriptCanPaste,
        QWebEngineSettings.WebAttribute.LocalContentCanAccessFileUrls,
        QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls,
    ):
        assert not settings.testAttribute(attribute), attribute.name
    assert page.devToolsPage() is None


def test_window_open_is_refused(qtbot, chat, page_server, run_js):
    page_server.pages["/genesys.js"] = "window.loadedFromOrg = true;"
    page_server.pages["/popup"] = "<p>popup</p>"
    page = load(qtbot, chat, host_spec(page_server))
    assert run_js(page, "window.loadedFromOrg") == {"ok": True}
    assert run_js(page, f"window.open('{page_server.base}/popup') === null") == {"ok": True}
    # The setting stops scripts; createWindow refuses what gets past it (links, target=_blank).
    assert page.createWindow(QWebEnginePage.WebWindowType.WebBrowserTab) is None
    assert any("new window" in r for r in page.refusals)
    assert "/popup" not in page_server.hits


def test_off_list_navigation_is_refused_and_listed_one_is_allowed(qtbot, chat, page_server, run_js):
    page_server.pages["/genesys.js"] = "window.loadedFromOrg = true;"
    page_server.pages["/allowed"] = "<title>allowed</title>"
    page_server.pages["/elsewhere"] = "<title>elsewhere</title>"
    page = load(qtbot, chat, host_spec(page_server))
    # Same server, other origin: "localhost" is not the host page's or the org's host.
    off_list = f"http://localhost:{page_server.port}/elsewhere"
    run_js(page, f"(location.href = '{off_list}', true)")
    qtbot.waitUntil(lambda: any("localhost" in r for r in page.refusals), timeout=LOAD_MS)
    frame = f"Object.assign(document.createElement('iframe'), {{src: '{off_list}?frame'}})"
    run_js(page, f"(document.body.appendChild({frame}), true)")
    qtbot.waitUntil(lambda: sum("localhost" in r for r in page.refusals) >= 2, timeout=LOAD_MS)
    assert "/elsewhere" not in page_server.hits
    with qtbot.waitSignal(page.loadFinished, timeout=LOAD_MS):
        run_js(page, f"(location.href = '{page_server.base}/allowed', true)")
    assert page_server.hits.count("/allowed") == 1
    assert page.url().toString() == page_server.base + "/allowed"


@pytest.mark.parametrize(
    ("expression", "permission"),
    [
        (
            "navigator.mediaDevices.getUserMedia({video: true}).then(() => 'granted')",
            "MediaVideoCapture",
        ),
        (
            "navigator.mediaDevices.getUserMedia({audio: true}).then(() => 'granted')",
            "MediaAudioCapture",
        ),
        (
            "new Promise((ok, no) => navigator.geolocation.getCurrentPosition("
            "() => ok('granted'), e => no(e.code === 1 ? 'PermissionDenied' : 'other ' + e.code)))",
            "Geolocation",
        ),
        (
            "navigator.permissions.query({name: 'clipboard-read'}).then(s => s.state === 'granted'"
            " ? 'granted' : navigator.clipboard.readText().then(() => 'granted'))",
            "ClipboardReadWrite",
        ),
    ],
)
def test_permission_requests_are_denied(qtbot, chat, page_server, run_js, expression, permission):
    page_server.pages["/genesys.js"] = "window.loadedFromOrg = true;"
    page = load(qtbot, chat, host_spec(page_server))
    chat.view.setFocus()
    outcome = run_js(page, expression)
    assert outcome != {"ok": "granted"}
    assert "error" in outcome
    assert any(f"permission {permission}" in r for r in page.refusals), page.refusals


def _self_signed(tmp_path) -> ssl.SSLContext:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "cert.pem", tmp_path / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_file, key_file)
    return context


def test_a_self_signed_certificate_is_refused(qtbot, aio, chat, tmp_path):
    server = PageServer(ssl_context=_self_signed(tmp_path))
    server.pages["/genesys.js"] = "window.loadedFromOrg = true;"
    server.pages["/secure"] = "<title>secure</title>"
    aio.run(server.start())
    try:
        failed = []
        chat.page_event.connect(
            lambda name, data: failed.append(data) if name == "scriptFailed" else None
        )
        load(qtbot, chat, host_spec(server))
        page = chat.page
        # The Messenger script from the self-signed host did not load...
        qtbot.waitUntil(lambda: bool(failed), timeout=LOAD_MS)
        assert failed[0]["url"] == server.base + "/genesys.js"
        # ...and neither does a page from it in the main frame.
        with qtbot.waitSignal(page.loadFinished, timeout=LOAD_MS) as finished:
            page.load(QUrl(server.base + "/secure"))
        assert finished.args == [False]
        assert any("certificate" in r for r in page.refusals), page.refusals
        assert "/secure" not in server.hits
        assert "/genesys.js" not in server.hits
    finally:
        aio.run(server.stop())


def test_console_errors_reach_the_log_with_their_source_line(
    qtbot, chat, page_server, run_js, caplog
):
    page_server.pages["/genesys.js"] = "window.loadedFromOrg = true;"
    page = load(qtbot, chat, host_spec(page_server))
    errors = []
    chat.console_error.connect(errors.append)
    with caplog.at_level("WARNING", logger="inspector.js"):
        run_js(page, "(console.error('widget broke: E42'), true)")
        qtbot.waitUntil(lambda: bool(errors), timeout=LOAD_MS)
    assert "widget broke: E42" in errors[0]
    assert errors[0].split(": ", 1)[0].rsplit(":", 1)[1].isdigit()  # source:line
    assert any(
        "widget broke: E42" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records
    )


def test_developer_tools_only_when_asked_for(qtbot, page_server, monkeypatch):
    page_server.pages["/genesys.js"] = "window.loadedFromOrg = true;"
    monkeypatch.delenv("INSPECTOR_DEVTOOLS", raising=False)
    assert ChatView().devtools is False
    monkeypatch.setenv("INSPECTOR_DEVTOOLS", "1")
    view = ChatView()
    assert view.devtools is True
    try:
        page = load(qtbot, view, host_spec(page_server))
        assert page.devToolsPage() is not None
    finally:
        view.shutdown()
        view.deleteLater()


def test_the_bridge_offers_the_page_only_post_and_command(qtbot, chat, page_server, run_js):
    page_server.pages["/genesys.js"] = "window.loadedFromOrg = true;"
    page = load(qtbot, chat, host_spec(page_server))
    members = run_js(
        page,
        "new Promise(ok => new QWebChannel(qt.webChannelTransport, c => ok("
        "Object.getOwnPropertyNames(c.objects.bridge).sort())))",
    )["ok"]
    # qwebchannel.js's own helpers, and QObject's members no QObject can hide.
    plumbing = {"__id__", "__objectSignals__", "__propertyCache__", "propertyUpdate"}
    plumbing |= {"signalEmitted", "unwrapProperties", "unwrapQObject"}
    qobject = {"deleteLater", "deleteLater()", "destroyed", "destroyed()", "destroyed(QObject*)"}
    qobject |= {"objectName", "objectNameChanged"}
    ours = set(members) - plumbing - qobject
    assert ours == {"command", "command(QVariantMap)", "post", "post(QVariantMap)"}
