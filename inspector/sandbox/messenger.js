/*
 * Sandbox Messenger: a small, dependency-free stand-in for Genesys Cloud Messenger's
 * genesys.min.js, served by the Inspector sandbox org at /genesys-bootstrap/genesys.min.js.
 *
 * A page loads it with the official snippet, which defines window[window._genesysJs] as a stub
 * queueing its calls in `.q` and keeping {environment, deploymentId} in `.c`. This script
 * replaces the stub with a real Genesys(verb, name, arg, onSuccess, onError), replays the
 * queue in order, fetches the public deployment config from the origin it was served from and
 * speaks the guest WebSocket protocol. Custom attributes set with Database.set/update travel in
 * message.channel.metadata.customAttributes of every message sent afterwards, as in Messenger.
 *
 * Verbs: "subscribe" (event name, callback({event, data})) and "command".
 * Commands: Database.set, Database.update, Database.get, MessagingService.startConversation,
 *   MessagingService.sendMessage ({message}), MessagingService.clearSession,
 *   MessagingService.resetConversation, Messenger.open, Messenger.close.
 * Events: MessagingService.ready (sticky: late subscribers get it too), .started,
 *   .messagesReceived, .error, .customAttributesSizeExceeded, .conversationDisconnected,
 *   .conversationCleared.
 *
 * ES2017, no libraries. User text is only ever put into the page with textContent.
 */
(function () {
  'use strict';

  const globalName = window._genesysJs || 'Genesys';
  const stub = window[globalName];
  if (stub && stub.sandboxMessenger) {
    return; // loaded twice: the first copy already owns the page
  }
  const snippetConfig = (stub && stub.c) || {};
  const queued = stub && Array.isArray(stub.q) ? stub.q.slice() : [];
  const script = document.currentScript;
  const scriptOrigin = script && script.src ? new URL(script.src).origin : window.location.origin;

  const STICKY_EVENTS = ['MessagingService.ready'];
  const subscribers = {};
  const firedSticky = {};

  const state = {
    config: null,
    ws: null,
    token: newUuid(),
    sessionReady: false,
    everReady: false,
    started: false,
    clearing: false,
    fatal: null,
    serverErrorSinceOpen: false,
    customAttributes: {},
    waitingForReady: [], // {run, fail}
    pending: {}, // tracingId -> {onSuccess, onError}
  };

  // --- helpers ----------------------------------------------------------------------------

  function newUuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    // Pages that are not a secure context have no randomUUID: build a v4 UUID by hand.
    const b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function safeCall(fn, value) {
    if (typeof fn !== 'function') {
      return;
    }
    try {
      fn(value);
    } catch (err) {
      console.error('[sandbox messenger] callback failed', err);
    }
  }

  function publish(name, data) {
    const payload = { event: name, data: data };
    if (STICKY_EVENTS.indexOf(name) >= 0) {
      firedSticky[name] = payload;
    }
    (subscribers[name] || []).slice().forEach((cb) => safeCall(cb, payload));
  }

  function subscribe(name, callback) {
    if (typeof callback !== 'function') {
      console.warn('[sandbox messenger] subscribe needs a callback for', name);
      return;
    }
    (subscribers[name] = subscribers[name] || []).push(callback);
    if (firedSticky[name]) {
      safeCall(callback, firedSticky[name]);
    }
  }

  function copy(obj) {
    return Object.assign({}, obj);
  }

  // --- UI -----------------------------------------------------------------------------------

  const CSS = `
#genesys-sandbox-messenger { position: fixed; top: 0; right: 0; bottom: 0; z-index: 2147483000;
  width: 100%; display: flex; flex-direction: column; box-sizing: border-box;
  background: #fff; border-left: 1px solid #d0d7de; box-shadow: -2px 0 12px rgba(0,0,0,.08);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; }
#genesys-sandbox-messenger * { box-sizing: border-box; }
.gsm-header { display: flex; align-items: center; justify-content: space-between; gap: 8px;
  padding: 12px 16px; background: #1f6feb; color: #fff; }
.gsm-title { font-weight: 600; }
.gsm-status { font-size: 12px; opacity: .9; }
.gsm-error { margin: 8px 12px 0; padding: 8px 10px; border-radius: 6px; background: #ffebe9;
  color: #82071e; border: 1px solid #ff8182; font-size: 13px; }
.gsm-log { flex: 1; overflow-y: auto; margin: 0; padding: 12px; list-style: none;
  display: flex; flex-direction: column; gap: 6px; background: #f6f8fa; }
.gsm-msg { max-width: 80%; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap;
  word-wrap: break-word; }
.gsm-in { align-self: flex-end; background: #1f6feb; color: #fff; border-bottom-right-radius: 4px; }
.gsm-out { align-self: flex-start; background: #fff; border: 1px solid #d0d7de;
  border-bottom-left-radius: 4px; }
.gsm-note { align-self: center; color: #59636e; font-size: 12px; }
.gsm-form { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid #d0d7de; }
.gsm-input { flex: 1; padding: 8px 10px; border: 1px solid #d0d7de; border-radius: 6px;
  font: inherit; }
.gsm-send { padding: 8px 14px; border: 0; border-radius: 6px; background: #1f6feb; color: #fff;
  font: inherit; cursor: pointer; }
.gsm-send:disabled { background: #8c959f; cursor: default; }
`;

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined) {
      node.textContent = text;
    }
    return node;
  }

  const ui = (function buildUi() {
    const root = el('div');
    root.setAttribute('id', 'genesys-sandbox-messenger');
    root.setAttribute('role', 'complementary');
    root.setAttribute('aria-label', 'Messenger');
    const header = el('div', 'gsm-header');
    const status = el('span', 'gsm-status', 'Connecting…');
    status.setAttribute('data-state', 'connecting');
    header.appendChild(el('span', 'gsm-title', 'Messenger · sandbox org'));
    header.appendChild(status);
    const error = el('div', 'gsm-error');
    error.setAttribute('role', 'alert');
    error.hidden = true;
    const log = el('ol', 'gsm-log');
    log.setAttribute('aria-live', 'polite');
    const form = el('form', 'gsm-form');
    const input = el('input', 'gsm-input');
    input.setAttribute('type', 'text');
    input.setAttribute('placeholder', 'Type a message');
    input.setAttribute('aria-label', 'Message');
    input.setAttribute('autocomplete', 'off');
    const send = el('button', 'gsm-send', 'Send');
    send.setAttribute('type', 'submit');
    form.appendChild(input);
    form.appendChild(send);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const text = String(input.value || '').trim();
      if (!text) {
        return;
      }
      input.value = '';
      command('MessagingService.sendMessage', { message: text });
    });
    root.appendChild(header);
    root.appendChild(error);
    root.appendChild(log);
    root.appendChild(form);
    const style = el('style', null, CSS);
    return { root, status, error, log, input, send, style };
  })();

  function mountUi() {
    document.head.appendChild(ui.style);
    document.body.appendChild(ui.root);
  }

  function setStatus(key, text) {
    ui.status.textContent = text;
    ui.status.setAttribute('data-state', key);
    ui.send.disabled = key === 'error';
  }

  function showError(data) {
    ui.error.textContent = `${data.message} (code ${data.code})`;
    ui.error.hidden = false;
  }

  function addBubble(message) {
    const inbound = message.direction === 'Inbound';
    const item = el('li', `gsm-msg ${inbound ? 'gsm-in' : 'gsm-out'}`, message.text);
    item.setAttribute('data-direction', message.direction);
    item.setAttribute('data-message-id', message.id);
    ui.log.appendChild(item);
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  function addNote(text) {
    ui.log.appendChild(el('li', 'gsm-note', text));
    ui.log.scrollTop = ui.log.scrollHeight;
  }

  // --- errors -------------------------------------------------------------------------------

  function reportError(code, message) {
    const data = { code: code, message: String(message) };
    showError(data);
    publish('MessagingService.error', data);
    return data;
  }

  function fail(onError, code, message) {
    const data = reportError(code, message);
    safeCall(onError, data);
  }

  function fatal(code, message) {
    state.fatal = { code: code, message: String(message) };
    setStatus('error', 'Unavailable');
    reportError(code, message);
    const waiting = state.waitingForReady.splice(0);
    waiting.forEach((entry) => entry.fail(state.fatal));
  }

  // --- the guest WebSocket ------------------------------------------------------------------

  function socketUrl() {
    const apps = (state.config.messenger && state.config.messenger.apps) || {};
    let endpoint = String((apps.conversations || {}).messagingEndpoint || '').replace(/\/+$/, '');
    // The endpoint comes with or without /v1 depending on the source (NOTES 32).
    if (!/\/v1$/.test(endpoint)) {
      endpoint += '/v1';
    }
    return `${endpoint}?deploymentId=${encodeURIComponent(snippetConfig.deploymentId)}`;
  }

  function sendFrame(frame) {
    if (!state.ws || state.ws.readyState !== 1) {
      return false;
    }
    state.ws.send(JSON.stringify(frame));
    return true;
  }

  function connect() {
    if (state.fatal || (state.ws && state.ws.readyState <= 1)) {
      return;
    }
    setStatus('connecting', 'Connecting…');
    let ws;
    try {
      ws = new WebSocket(socketUrl());
    } catch (err) {
      fatal('WebSocketError', `Cannot open the messaging connection: ${err.message || err}`);
      return;
    }
    state.ws = ws;
    state.serverErrorSinceOpen = false;
    ws.onopen = () => {
      sendFrame({
        action: 'configureSession',
        deploymentId: snippetConfig.deploymentId,
        token: state.token,
        tracingId: newUuid(),
      });
    };
    ws.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (err) {
        console.warn('[sandbox messenger] ignoring a frame that is not JSON');
        return;
      }
      if (frame && typeof frame === 'object') {
        onFrame(frame);
      }
    };
    ws.onclose = (event) => onSocketClosed(ws, event);
  }

  function onSocketClosed(ws, event) {
    if (state.ws !== ws) {
      return;
    }
    state.ws = null;
    state.sessionReady = false;
    if (state.clearing) {
      // clearSession closes every connection; the next command starts a new session.
      state.clearing = false;
      state.token = newUuid();
      setStatus('cleared', 'Conversation cleared');
      return;
    }
    const data = {
      code: event.code || 1006,
      message: `The messaging connection closed (code ${event.code || 1006})`,
    };
    setStatus('error', 'Disconnected');
    if (!state.serverErrorSinceOpen) {
      reportError(data.code, data.message);
    }
    Object.keys(state.pending).forEach((id) => settle(id, 'onError', data));
    const waiting = state.waitingForReady.splice(0);
    waiting.forEach((entry) => entry.fail(data));
  }

  function settle(tracingId, which, value) {
    const entry = tracingId && state.pending[tracingId];
    if (!entry) {
      return;
    }
    delete state.pending[tracingId];
    safeCall(entry[which], value);
  }

  function onFrame(frame) {
    const body = frame.body;
    switch (frame.class) {
      case 'SessionResponse':
        if (body && body.connected) {
          onSessionReady(body);
        } else {
          settle(frame.tracingId, 'onSuccess', {});
        }
        break;
      case 'StructuredMessage':
        if (frame.type === 'message' && body && typeof body === 'object') {
          onStructuredMessage(body, frame.tracingId);
        }
        break;
      case 'string':
        onServerError(frame.code, body, frame.tracingId);
        break;
      case 'TooManyRequestsErrorMessage':
        onServerError((body && body.errorCode) || 4029,
          (body && body.errorMessage) || 'Too many requests', frame.tracingId);
        break;
      case 'SessionExpiredEvent':
        onServerError(4006, 'The session expired', frame.tracingId);
        break;
      case 'ConnectionClosedEvent':
        if (state.clearing) {
          state.started = false;
          addNote('Conversation cleared');
          publish('MessagingService.conversationCleared', {});
        }
        break;
      default:
        break; // GetConfigurationResponse and friends: nothing to do
    }
  }

  function onSessionReady(body) {
    state.sessionReady = true;
    setStatus('ready', 'Online');
    if (!state.everReady) {
      state.everReady = true;
      publish('MessagingService.ready', { newSession: !!body.newSession });
    }
    const waiting = state.waitingForReady.splice(0);
    waiting.forEach((entry) => entry.run());
  }

  function onStructuredMessage(body, tracingId) {
    if (body.type === 'Event') {
      const events = Array.isArray(body.events) ? body.events : [];
      const ended = events.some((e) => e && e.eventType === 'Presence' && e.presence &&
        e.presence.type === 'Disconnect');
      if (ended && body.direction === 'Outbound') {
        state.started = false;
        setStatus('ended', 'Conversation ended');
        addNote('The conversation has ended');
        publish('MessagingService.conversationDisconnected', {});
      }
      settle(tracingId, 'onSuccess', {});
      return;
    }
    const message = {
      id: body.id,
      type: body.type,
      text: typeof body.text === 'string' ? body.text : '',
      direction: body.direction,
      channel: { time: body.channel && body.channel.time },
    };
    addBubble(message);
    publish('MessagingService.messagesReceived', { messages: [message] });
    settle(tracingId, 'onSuccess', { message: message });
  }

  function onServerError(code, text, tracingId) {
    state.serverErrorSinceOpen = true;
    const data = { code: code, message: String(text) };
    if (code === 4013) {
      publish('MessagingService.customAttributesSizeExceeded', data);
    }
    reportError(data.code, data.message);
    settle(tracingId, 'onError', data);
  }

  // --- commands -----------------------------------------------------------------------------

  function whenReady(run, onError) {
    if (state.fatal) {
      safeCall(onError, state.fatal);
      return;
    }
    if (state.sessionReady) {
      run();
      return;
    }
    state.waitingForReady.push({ run: run, fail: (data) => safeCall(onError, data) });
    if (state.config) {
      connect();
    }
  }

  function attributesOf(arg) {
    const attrs = arg && arg.messaging && arg.messaging.customAttributes;
    return attrs && typeof attrs === 'object' && !Array.isArray(attrs) ? attrs : null;
  }

  function databaseResult() {
    return { messaging: { customAttributes: copy(state.customAttributes) } };
  }

  function ensureStarted() {
    if (!state.started) {
      state.started = true;
      publish('MessagingService.started', {});
    }
  }

  const COMMANDS = {
    'Database.set': (arg, onSuccess, onError) => {
      const attrs = attributesOf(arg);
      if (!attrs) {
        fail(onError, 'InvalidArgument', 'Database.set needs {messaging: {customAttributes}}');
        return;
      }
      state.customAttributes = copy(attrs);
      safeCall(onSuccess, databaseResult());
    },
    'Database.update': (arg, onSuccess, onError) => {
      const attrs = attributesOf(arg);
      if (!attrs) {
        fail(onError, 'InvalidArgument', 'Database.update needs {messaging: {customAttributes}}');
        return;
      }
      state.customAttributes = Object.assign(copy(state.customAttributes), attrs);
      safeCall(onSuccess, databaseResult());
    },
    'Database.get': (arg, onSuccess) => safeCall(onSuccess, databaseResult()),
    'MessagingService.startConversation': (arg, onSuccess, onError) => {
      whenReady(() => {
        ensureStarted();
        safeCall(onSuccess, {});
      }, onError);
    },
    'MessagingService.sendMessage': (arg, onSuccess, onError) => {
      const text = arg && typeof arg.message === 'string' ? arg.message : '';
      if (!text.trim()) {
        fail(onError, 'InvalidArgument', 'MessagingService.sendMessage needs {message: "text"}');
        return;
      }
      whenReady(() => {
        ensureStarted();
        const message = { type: 'Text', text: text };
        if (Object.keys(state.customAttributes).length > 0) {
          message.channel = { metadata: { customAttributes: copy(state.customAttributes) } };
        }
        const tracingId = newUuid();
        state.pending[tracingId] = { onSuccess: onSuccess, onError: onError };
        sendFrame({ action: 'onMessage', token: state.token, message: message, tracingId });
      }, onError);
    },
    'MessagingService.clearSession': clearSession,
    // Here the same as clearSession: the next message starts a new session and conversation.
    'MessagingService.resetConversation': clearSession,
    'Messenger.open': (arg, onSuccess) => {
      ui.root.hidden = false;
      safeCall(onSuccess, {});
    },
    'Messenger.close': (arg, onSuccess) => {
      ui.root.hidden = true;
      safeCall(onSuccess, {});
    },
  };

  function clearSession(arg, onSuccess, onError) {
    whenReady(() => {
      const tracingId = newUuid();
      state.clearing = true;
      state.pending[tracingId] = { onSuccess: onSuccess, onError: onError };
      sendFrame({ action: 'closeSession', token: state.token, closeAllConnections: true,
        tracingId });
    }, onError);
  }

  function command(name, arg, onSuccess, onError) {
    const handler = COMMANDS[name];
    if (!handler) {
      console.warn('[sandbox messenger] unsupported command', name);
      safeCall(onError, { code: 'UnsupportedCommand', message: `Unsupported command ${name}` });
      return;
    }
    handler(arg, onSuccess, onError);
  }

  function Genesys(verb, name, arg, onSuccess, onError) {
    if (verb === 'subscribe') {
      subscribe(name, arg);
    } else if (verb === 'command') {
      command(name, arg, onSuccess, onError);
    } else {
      console.warn('[sandbox messenger] unsupported verb', verb);
    }
  }

  // --- boot ---------------------------------------------------------------------------------

  async function loadConfig() {
    const id = snippetConfig.deploymentId;
    if (!id) {
      fatal('MissingDeploymentId', 'The Messenger snippet gives no deploymentId');
      return;
    }
    const url = `${scriptOrigin}/webdeployments/v1/deployments/${encodeURIComponent(id)}/config.json`;
    let config;
    try {
      const response = await fetch(url, { cache: 'no-store' });
      if (!response.ok) {
        fatal(response.status, `Deployment ${id} was not found (HTTP ${response.status})`);
        return;
      }
      config = await response.json();
    } catch (err) {
      fatal('ConfigUnavailable', `Cannot load the deployment configuration: ${err.message || err}`);
      return;
    }
    if (config.status !== 'Active' || !config.messenger || !config.messenger.enabled) {
      fatal('DeploymentInactive', `Deployment ${id} is not active (status ${config.status})`);
      return;
    }
    state.config = config;
    connect();
  }

  Genesys.sandboxMessenger = true;
  Genesys.c = snippetConfig;
  Genesys.t = stub && stub.t;
  Genesys.q = [];
  window[globalName] = Genesys;
  queued.forEach((args) => Genesys.apply(null, Array.prototype.slice.call(args)));

  if (document.body) {
    mountUi();
  } else {
    document.addEventListener('DOMContentLoaded', mountUi);
  }
  loadConfig();
})();
