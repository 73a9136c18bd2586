"""The sandbox's Messenger-compatible script, run by Node against a live sandbox org.

Node gives the script what a browser would (fetch, WebSocket, crypto) plus a tiny fake DOM;
the WebSocket sends the page's Origin header as a browser does. The page side is the official
snippet, and every command is queued before the script loads, as on a real page. Skipped when
no `node` (>= 20, for --experimental-websocket) is installed.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import time
import uuid
from typing import Any

import httpx
import pytest

from inspector.sandbox import (
    SANDBOX_CLIENT_ID,
    SANDBOX_CLIENT_SECRET,
    SANDBOX_DEPLOYMENT_ID,
    SANDBOX_ORIGIN,
    SandboxOrg,
)


def _node_with_websocket() -> str | None:
    """The node binary if it has a WebSocket (Node >= 20.10 with the flag, 22 without)."""
    node = shutil.which("node")
    if node is None:
        return None
    probe = subprocess.run(
        [
            node,
            "--experimental-websocket",
            "-e",
            "process.exit(typeof WebSocket === 'function' ? 0 : 1)",
        ],
        capture_output=True,
        timeout=30,
        check=False,
    )
    return node if probe.returncode == 0 else None


NODE = _node_with_websocket()
pytestmark = pytest.mark.skipif(NODE is None, reason="needs node >= 20.10 (WebSocket)")

HARNESS = r"""
const vm = require('vm');
const S = JSON.parse(process.env.SANDBOX_SCENARIO);
const out = { events: [], results: {}, bubbles: [], notes: [], status: null, error: null };

class El {
  constructor(tag) {
    this.tagName = tag.toUpperCase(); this.children = []; this.attrs = {}; this.listeners = {};
    this.textContent = ''; this.className = ''; this.hidden = false; this.value = '';
    this.disabled = false; this.scrollTop = 0; this.scrollHeight = 0;
  }
  appendChild(child) { this.children.push(child); return child; }
  setAttribute(k, v) { this.attrs[k] = String(v); }
  getAttribute(k) { return this.attrs[k]; }
  addEventListener(type, fn) { (this.listeners[type] = this.listeners[type] || []).push(fn); }
  dispatch(type) { (this.listeners[type] || []).forEach((fn) => fn({ preventDefault() {} })); }
  walk(fn) { fn(this); this.children.forEach((c) => c.walk(fn)); }
}
const document = {
  head: new El('head'), body: new El('body'), currentScript: null,
  createElement: (tag) => new El(tag), addEventListener() {},
};
globalThis.document = document;
globalThis.window = globalThis;
const NodeWebSocket = globalThis.WebSocket;
globalThis.WebSocket = class extends NodeWebSocket {
  constructor(url) { super(url, { headers: { Origin: S.origin } }); out.socketUrl = url; }
};

// The official snippet, minus appending the <script> element (done below with vm).
(function (g, e, n, es, ys) {
  g['_genesysJs'] = e;
  g[e] = g[e] || function () { (g[e].q = g[e].q || []).push(arguments) };
  g[e].t = 1 * new Date(); g[e].c = es;
})(window, 'Genesys', S.scriptUrl, { environment: 'prod', deploymentId: S.deploymentId });

const EVENTS = ['MessagingService.ready', 'MessagingService.started',
  'MessagingService.messagesReceived', 'MessagingService.error',
  'MessagingService.customAttributesSizeExceeded', 'MessagingService.conversationDisconnected',
  'MessagingService.conversationCleared'];
EVENTS.forEach((name) => Genesys('subscribe', name, (e) => out.events.push(e)));
const cmd = (name, arg) => new Promise((resolve) => Genesys('command', name, arg,
  (v) => resolve({ ok: true, value: v }), (e) => resolve({ ok: false, error: e })));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(pred, label) {
  for (let i = 0; i < 500; i++) { if (pred()) return; await sleep(10); }
  throw new Error('timed out waiting for ' + label);
}
const received = (direction) => out.events
  .filter((e) => e.event === 'MessagingService.messagesReceived')
  .map((e) => e.data.messages[0]).filter((m) => m.direction === direction);
const has = (name) => out.events.some((e) => e.event === name);

function finish() {
  const root = document.body.children[0];
  if (root) root.walk((n) => {
    if (n.attrs['data-direction']) {
      out.bubbles.push({ direction: n.attrs['data-direction'], text: n.textContent,
                         id: n.attrs['data-message-id'] });
    }
    if (n.className === 'gsm-note') out.notes.push(n.textContent);
    if (n.className === 'gsm-status') out.status = n.attrs['data-state'];
    if (n.className === 'gsm-error' && !n.hidden) out.error = n.textContent;
    if (n.className === 'gsm-title') out.title = n.textContent;
  });
  console.log(JSON.stringify(out));
  process.exit(0);
}

async function main() {
  // Queued on the stub before the script exists, as a page does.
  const set = cmd('Database.set', { messaging: { customAttributes: S.attributes } });
  const start = cmd('MessagingService.startConversation');
  const first = cmd('MessagingService.sendMessage', { message: 'Hello from the page' });

  const code = await (await fetch(S.scriptUrl)).text();
  document.currentScript = { src: S.scriptUrl };
  vm.runInThisContext(code, { filename: 'genesys.min.js' });
  document.currentScript = null;

  out.results.set = await set;
  out.results.start = await start;
  out.results.first = await first;
  if (S.name === 'happy') {
    await waitFor(() => received('Outbound').length >= 1, 'the bot greeting');
    out.results.update = await cmd('Database.update',
                                   { messaging: { customAttributes: { tier: 'gold' } } });
    out.results.get = await cmd('Database.get');
    // The user types into the widget.
    let input, form;
    document.body.children[0].walk((n) => {
      if (n.className === 'gsm-input') input = n;
      if (n.tagName === 'FORM') form = n;
    });
    input.value = 'Typed by a person';
    form.dispatch('submit');
    await waitFor(() => received('Inbound').length >= 2 && received('Outbound').length >= 2,
                  'the typed message and its ack');
    let late = null;
    Genesys('subscribe', 'MessagingService.ready', (e) => { late = e; });
    out.results.lateReady = late;
  } else if (S.name === 'clear') {
    await waitFor(() => received('Inbound').length >= 1, 'the first echo');
    out.results.clear = await cmd('MessagingService.clearSession');
    await waitFor(() => has('MessagingService.conversationCleared'), 'conversationCleared');
    out.results.second = await cmd('MessagingService.sendMessage', { message: 'After clearing' });
  } else {
    await waitFor(() => has('MessagingService.error'), 'an error event');
    await sleep(100);
  }
  finish();
}
setTimeout(() => { out.timeout = true; finish(); }, 8000);
main().catch((err) => { out.crash = String(err && err.stack || err); finish(); });
"""


async def run_page(org: SandboxOrg, name: str, **overrides: Any) -> dict[str, Any]:
    scenario = {
        "name": name,
        "scriptUrl": f"{org.base_url}/genesys-bootstrap/genesys.min.js",
        "deploymentId": SANDBOX_DEPLOYMENT_ID,
        "origin": SANDBOX_ORIGIN,
        "attributes": {"crmCustomerId": "C-900", "source": "messenger-js"},
        **overrides,
    }
    assert NODE is not None
    process = await asyncio.create_subprocess_exec(
        NODE,
        "--experimental-websocket",
        "--no-warnings",
        "-e",
        HARNESS,
        env={"SANDBOX_SCENARIO": json.dumps(scenario), "PATH": "/usr/bin:/bin"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=30)
    assert process.returncode == 0, stderr.decode()
    result = json.loads(stdout.decode().strip().splitlines()[-1])
    assert "crash" not in result, result["crash"]
    assert not result.get("timeout"), result
    return result


def events(result: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [e for e in result["events"] if e["event"] == name]


@pytest.fixture
async def org():
    async with SandboxOrg(propagation_delay=0.05, bot_reply_delay=0.05) as org:
        yield org


async def customer_attributes_of(org: SandboxOrg, message_id: str) -> dict[str, str]:
    async with httpx.AsyncClient(base_url=org.base_url) as api:
        token = (
            await api.post(
                "/oauth/token",
                auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
                data={"grant_type": "client_credentials"},
            )
        ).json()["access_token"]
        api.headers["Authorization"] = f"Bearer {token}"
        details = await api.get(f"/api/v2/conversations/messages/{message_id}/details")
        assert details.status_code == 200, details.text
        conversation_id = details.json()["conversationId"]
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            body = (await api.get(f"/api/v2/conversations/{conversation_id}")).json()
            customer = next(p for p in body["participants"] if p["purpose"] == "customer")
            if customer["attributes"]:
                return customer["attributes"]
            await asyncio.sleep(0.02)
        return {}


async def test_page_queues_commands_sends_attributes_and_renders_the_chat(org):
    result = await run_page(org, "happy")
    assert result["socketUrl"] == (
        f"ws://127.0.0.1:{org.port}/v1?deploymentId={SANDBOX_DEPLOYMENT_ID}"
    )
    names = [e["event"] for e in result["events"]]
    assert names.index("MessagingService.ready") < names.index("MessagingService.started")
    assert not events(result, "MessagingService.error")
    assert result["results"]["set"]["ok"] and result["results"]["start"]["ok"]
    assert result["results"]["first"]["ok"]
    assert result["results"]["get"]["value"] == {
        "messaging": {
            "customAttributes": {"crmCustomerId": "C-900", "source": "messenger-js", "tier": "gold"}
        }
    }
    assert result["results"]["lateReady"]["event"] == "MessagingService.ready"

    received = events(result, "MessagingService.messagesReceived")
    messages = [e["data"]["messages"][0] for e in received]
    inbound = [m for m in messages if m["direction"] == "Inbound"]
    outbound = [m for m in messages if m["direction"] == "Outbound"]
    assert [m["text"] for m in inbound] == ["Hello from the page", "Typed by a person"]
    assert "sandbox bot" in outbound[0]["text"]
    for message in messages:
        assert set(message) == {"id", "type", "text", "direction", "channel"}
        assert message["type"] == "Text" and message["channel"]["time"]

    assert result["title"] == "Messenger · sandbox org"
    assert result["status"] == "ready"
    assert result["error"] is None
    assert [b["direction"] for b in result["bubbles"]][:2] == ["Inbound", "Outbound"]
    assert result["bubbles"][0]["id"] == inbound[0]["id"]

    # What the page set arrived on the conversation, with the update sent by the later message.
    attributes = await customer_attributes_of(org, inbound[0]["id"])
    await asyncio.sleep(0.2)
    attributes = await customer_attributes_of(org, inbound[0]["id"])
    assert attributes == {"crmCustomerId": "C-900", "source": "messenger-js", "tier": "gold"}


async def test_unknown_deployment_is_reported_as_an_error(org):
    result = await run_page(org, "missing", deploymentId=str(uuid.uuid4()))
    [error] = events(result, "MessagingService.error")
    assert error["data"]["code"] == 404
    assert not events(result, "MessagingService.ready")
    assert result["results"]["start"]["ok"] is False
    assert result["results"]["first"]["ok"] is False
    assert result["results"]["set"]["ok"] is True  # Database works without a connection
    assert result["error"] and "404" in result["error"]
    assert result["status"] == "error"


async def test_page_origin_not_in_allowed_domains_is_reported(org):
    result = await run_page(org, "refused", origin="https://not-the-shop.example.org")
    errors = events(result, "MessagingService.error")
    assert errors[0]["data"] == {"code": 403, "message": "HTTP authorization error"}
    assert len(errors) == 1  # the close that follows the error frame is not a second error
    assert not events(result, "MessagingService.ready")
    assert result["results"]["start"]["ok"] is False
    assert "HTTP authorization error" in result["error"]


async def test_too_large_attributes_publish_size_exceeded(org):
    result = await run_page(org, "too-large", attributes={"blob": "x" * 3000})
    [exceeded] = events(result, "MessagingService.customAttributesSizeExceeded")
    assert exceeded["data"]["code"] == 4013
    assert exceeded["data"]["message"] == (
        "Custom Attributes in channel metadata is larger than 2048 bytes"
    )
    assert events(result, "MessagingService.error")[0]["data"]["code"] == 4013
    assert result["results"]["first"] == {"ok": False, "error": exceeded["data"]}
    assert not events(result, "MessagingService.messagesReceived")


async def test_clear_session_then_a_new_message_starts_a_new_session(org):
    result = await run_page(org, "clear")
    assert result["results"]["clear"]["ok"]
    assert result["results"]["second"]["ok"]
    assert not events(result, "MessagingService.error")
    inbound = [
        e["data"]["messages"][0]
        for e in events(result, "MessagingService.messagesReceived")
        if e["data"]["messages"][0]["direction"] == "Inbound"
    ]
    assert [m["text"] for m in inbound] == ["Hello from the page", "After clearing"]
    assert len(events(result, "MessagingService.ready")) == 1
    async with httpx.AsyncClient(base_url=org.base_url) as api:
        token = (
            await api.post(
                "/oauth/token",
                auth=(SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET),
                data={"grant_type": "client_credentials"},
            )
        ).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        ids = set()
        for message in inbound:
            details = await api.get(
                f"/api/v2/conversations/messages/{message['id']}/details", headers=headers
            )
            ids.add(details.json()["conversationId"])
    assert len(ids) == 2
