/*
 * Sandbox Messenger: a dependency-free stand-in for Genesys Cloud Messenger's genesys.min.js,
 * served by the Inspector sandbox org at /genesys-bootstrap/genesys.min.js. It imitates the real
 * Messenger as MESSENGER.md (the project's notes on the published Messenger SDK) describes it,
 * by section in brackets; where MESSENGER.md is silent, the choice is the stand-in's own and
 * says so.
 *
 * Loading [Loading]
 *   - replaces window[window._genesysJs] (the snippet's queueing stub); its queue is replayed only
 *     once the products have loaded (never when blocked or not Active)
 *   - fetches domains.json, checks document.location.hostname (case-insensitive; exact or a
 *     subdomain of an entry; an entry with a scheme or port never matches; allowAllDomains);
 *     blocked: publishes GenesysJS.domainNotAllowed and does nothing else
 *   - fetches config.json, republishes GenesysJS.configurationReceived
 *     {deploymentConfig, snippetConfig}; status not Active: loads no product (commands to the
 *     products never settle)
 *   - loads Database (Database.ready), then the Messenger UI unless headlessMode.enabled
 *     (launcher button + window, Messenger.ready); MessagingService is loaded at once when
 *     headless, else only when Messenger opens [Native UI vs headless]
 * Events [Events]
 *   - every subscriber gets {time, publisher, event, eventName, data} in a setTimeout(0)
 *   - ready/started/restoring/restored and GenesysJS.configurationReceived are republished to
 *     late subscribers (the replay has no eventName); other events reach current subscribers
 *   - MessagingService.started {newSession, authenticated, readOnly, durationSeconds?,
 *     expirationDate?}; readOnlyConversation; sendingMessage {message} when a frame is written;
 *     messagesReceived {messages: [one raw body + tracingId]}, typing left out, de-duplicated by
 *     channel.time; error {error: copy of the frame + errorKey}; customAttributesSizeExceeded;
 *     conversationDisconnected {message, readOnly}; sessionCleared; conversationReset
 * Commands [Commands] Genesys("command", name, options, onFulfilled, onRejected), callbacks always
 *   asynchronous: Database.set/update/get, MessagingService.startConversation/sendMessage/
 *   clearConversation/resetConversation/clearSession, Messenger.open/close,
 *   GenesysJS.configuration.
 * The guest socket is the one GENESYS.md describes; frames follow genesys-examples/guest/.
 *
 * ES2017, no libraries. Text from users or the org only ever reaches the page via textContent.
 */
(function () {
  'use strict';

  const globalName = window._genesysJs || 'Genesys';
  const stub = window[globalName];
  if (stub && stub.sandboxMessenger) {
    return; // loaded twice: the first copy owns the page
  }
  const snippetConfig = Object.assign({}, (stub && stub.c) || {});
  const queued = stub && Array.isArray(stub.q) ? stub.q.slice() : [];
  const script = document.currentScript;
  const scriptOrigin = script && script.src ? new URL(script.src).origin : window.location.origin;
  // Where domains.json and config.json come from. The real script knows its region's hosts
  // from its own region table (MESSENGER.md, "Loading": api-cdn.<domain>), not from where it
  // was loaded; the sandbox serves this script with its own origin, where all its hosts are
  // (even when a website's request for apps.<domain> was sent here by Inspector).
  const SERVED_BY = '__SANDBOX_ORG_ORIGIN__';
  const configOrigin = /^https?:\/\//.test(SERVED_BY) ? SERVED_BY : scriptOrigin;
  const deploymentId = String(snippetConfig.deploymentId || '');

  // Texts the real Messenger uses (MESSENGER.md, "Native UI vs headless", "Commands").
  const TEXT_UI_DISABLED = 'Messenger user interface must be enabled in your configuration.';
  const TEXT_NO_CONFIG = 'Deployment config is not available';

  // errorKey per guest error code. messageLengthExceeded (4011) is the real Messenger's
  // (MESSENGER.md, "Events"); the others are the stand-in's own names, unverified.
  const ERROR_KEYS = {
    400: 'requestFailed',
    401: 'unauthorized',
    403: 'forbidden',
    409: 'sessionReadOnly',
    429: 'tooManyRequests',
    4006: 'sessionExpired',
    4007: 'sessionNotFound',
    4011: 'messageLengthExceeded',
    4013: 'customAttributesSizeExceeded',
    4029: 'tooManyRequests',
    5000: 'unexpectedError',
  };

  function deepCopy(value) {
    return value === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }

  function later(fn) {
    setTimeout(fn, 0);
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

  function newUuid() {
    if (window.crypto && typeof window.crypto.randomUUID === 'function') {
      return window.crypto.randomUUID();
    }
    const b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  // --- events [Events] ------------------------------------------------------------------------

  const subscribers = {};
  const republished = {}; // event -> last envelope
  const REPUBLISHED = /\.(ready|started|restoring|restored)$|^GenesysJS\.configurationReceived$/;

  function publish(publisher, eventName, data) {
    const event = `${publisher}.${eventName}`;
    // time: epoch milliseconds (the format is not documented; the stand-in's choice)
    const envelope = { time: Date.now(), publisher, event, eventName, data: data || {} };
    if (REPUBLISHED.test(event)) {
      republished[event] = envelope;
    }
    (subscribers[event] || []).slice().forEach((cb) => later(() => safeCall(cb, envelope)));
  }

  function subscribe(event, callback) {
    if (typeof callback !== 'function') {
      return;
    }
    (subscribers[event] = subscribers[event] || []).push(callback);
    const last = republished[event];
    if (last) {
      // A replay has no eventName: read event and data (MESSENGER.md, "Events").
      const replay = { time: last.time, publisher: last.publisher, event: last.event,
        data: last.data };
      later(() => safeCall(callback, replay));
    }
  }

  // --- plugins and commands [Commands] --------------------------------------------------------

  // A plugin's commands queue until it is loaded; a plugin that never loads never settles them.
  const plugins = {}; // name -> {command: fn}
  const waiting = {}; // name -> [[command, options, resolve, reject]]

  function settle(fn, value) {
    later(() => safeCall(fn, value));
  }

  function registerPlugin(name, commands) {
    plugins[name] = commands;
    const pending = waiting[name] || [];
    delete waiting[name];
    pending.forEach((call) => runCommand(name, call[0], call[1], call[2], call[3]));
  }

  function runCommand(pluginName, commandName, options, onFulfilled, onRejected) {
    const handler = plugins[pluginName][commandName];
    const resolve = (value) => settle(onFulfilled, value);
    const reject = (reason) => settle(onRejected, reason);
    if (typeof handler !== 'function') {
      // The wording is the stand-in's own.
      reject(new Error(`Command ${pluginName}.${commandName} is not supported`));
      return;
    }
    try {
      handler(options, resolve, reject);
    } catch (err) {
      reject(err);
    }
  }

  function command(name, options, onFulfilled, onRejected) {
    const dot = String(name).indexOf('.');
    const pluginName = dot > 0 ? name.slice(0, dot) : String(name);
    const commandName = dot > 0 ? name.slice(dot + 1) : '';
    if (plugins[pluginName]) {
      runCommand(pluginName, commandName, options, onFulfilled, onRejected);
    } else {
      (waiting[pluginName] = waiting[pluginName] || []).push(
        [commandName, options, onFulfilled, onRejected]);
    }
  }

  function Genesys(verb, name, options, onFulfilled, onRejected) {
    if (verb === 'subscribe') {
      subscribe(String(name), options);
    } else if (verb === 'command') {
      command(String(name), options, onFulfilled, onRejected);
    } else {
      console.warn('[sandbox messenger] unsupported verb', verb);
    }
    // returns nothing: results only through the callbacks (MESSENGER.md, "Commands")
  }

  // --- GenesysJS: the loader's own command ----------------------------------------------------

  const state = {
    config: null,
    customAttributes: {}, // Database: messaging.customAttributes
    attributesPending: false, // set since the last frame the page sent
    ws: null,
    opening: [], // startConversation callbacks waiting for the socket to open
    sessionReady: false,
    readOnly: false,
    outbox: [], // guest messages waiting for the session
    seenTimes: {}, // channel.time of every delivered message (de-duplication)
    lastServerError: 0,
    closing: null, // {resolve, reset} while clearSession / resetConversation runs
    resetting: false, // resetConversation: the next started is preceded by conversationReset
    started: false, // MessagingService.started published for this session
    messengerOpen: false,
  };

  // Removed from GenesysJS.configuration's copy (MESSENGER.md, "Commands").
  const TRIMMED = ['styles', 'position', 'launcherButton', 'markdown', 'homeScreen'];

  registerPlugin('GenesysJS', {
    configuration: (options, resolve, reject) => {
      if (!state.config) {
        reject(new Error(TEXT_NO_CONFIG));
        return;
      }
      const copy = deepCopy(state.config);
      TRIMMED.forEach((key) => {
        delete copy[key];
        if (copy.messenger) {
          delete copy.messenger[key];
        }
      });
      resolve(copy);
    },
  });

  // --- Database [Commands] --------------------------------------------------------------------

  function databaseValue() {
    return { messaging: { customAttributes: Object.assign({}, state.customAttributes) } };
  }

  function mergeAttributes(options, resolve, reject) {
    const attrs = options && options.messaging && options.messaging.customAttributes;
    if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) {
      // The wording is the stand-in's own.
      reject(new Error('Expected {messaging: {customAttributes: {...}}}'));
      return;
    }
    // Shallow merge; values are sent as strings.
    Object.keys(attrs).forEach((key) => {
      state.customAttributes[key] = String(attrs[key]);
    });
    state.attributesPending = true;
    resolve(databaseValue());
  }

  function loadDatabase() {
    registerPlugin('Database', {
      set: mergeAttributes,
      update: mergeAttributes,
      get: (options, resolve) => resolve(databaseValue()),
    });
    publish('Database', 'ready', {});
  }

  // --- the guest socket (GENESYS.md, "Guest API") ---------------------------------------------

  const TOKEN_KEY = `_sandboxMessenger:${deploymentId}:token`;

  function sessionToken(renew) {
    let token = null;
    try {
      token = renew ? null : window.localStorage.getItem(TOKEN_KEY);
      if (!token) {
        token = newUuid();
        window.localStorage.setItem(TOKEN_KEY, token);
      }
    } catch (err) {
      token = token || newUuid(); // storage refused: a session for this page only
    }
    return token;
  }
  let token = sessionToken(false);

  function conversationsConfig() {
    const messenger = (state.config && state.config.messenger) || {};
    return (messenger.apps && messenger.apps.conversations) || {};
  }

  function socketUrl() {
    let endpoint = String(conversationsConfig().messagingEndpoint || '').replace(/\/+$/, '');
    if (!/\/v1$/.test(endpoint)) {
      endpoint += '/v1'; // given with or without /v1 (NOTES 32)
    }
    return `${endpoint}?deploymentId=${encodeURIComponent(deploymentId)}`;
  }

  function writeFrame(frame) {
    state.ws.send(JSON.stringify(frame));
  }

  function connect() {
    if (state.ws) {
      return;
    }
    let ws;
    try {
      ws = new WebSocket(socketUrl());
    } catch (err) {
      publishConnectionError({ message: String(err && err.message || err) });
      return;
    }
    state.ws = ws;
    state.sessionReady = false;
    ui.setStatus('connecting', 'Connecting…');
    ws.onopen = () => {
      // startConversation fulfils when the socket opens, before the session is configured.
      state.opening.splice(0).forEach((resolve) => resolve({}));
      writeFrame({
        token: token,
        deploymentId: deploymentId,
        journeyContext: { customer: { id: token, idType: 'cookie' },
          customerSession: { id: '', type: 'web' } },
        tracingId: newUuid(),
        action: 'configureSession',
      });
    };
    ws.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (err) {
        return;
      }
      if (frame && typeof frame === 'object') {
        onFrame(frame);
      }
    };
    ws.onclose = (event) => onClosed(ws, event);
  }

  function publishConnectionError(detail) {
    ui.showError(detail.message || `connection closed (${detail.code})`);
    publish('MessagingService', 'error', { error: Object.assign({ errorKey: 'connectionError' },
      detail) });
  }

  function onClosed(ws, event) {
    if (state.ws !== ws) {
      return;
    }
    state.ws = null;
    state.sessionReady = false;
    if (state.closing) {
      const closing = state.closing;
      state.closing = null;
      finishClearing(closing);
      return;
    }
    ui.setStatus('error', 'Disconnected');
    // A refusal comes as an error frame, then the close: report the frame only.
    if (Date.now() - state.lastServerError > 1000) {
      publishConnectionError({ code: event.code, reason: event.reason, wasClean: event.wasClean,
        message: `The messaging connection closed (code ${event.code})` });
    }
  }

  function onFrame(frame) {
    const body = frame.body;
    switch (frame.class) {
      case 'SessionResponse':
        if (body && body.connected) {
          onSessionStarted(body);
        }
        break;
      case 'StructuredMessage':
        if (frame.type === 'message' && body && typeof body === 'object') {
          onStructuredMessage(frame);
        }
        break;
      case 'string':
      case 'TooManyRequestsErrorMessage':
      case 'SessionExpiredEvent':
        onServerError(frame);
        break;
      case 'ConnectionClosedEvent':
        break; // the close that follows finishes a clearSession
      default:
        break;
    }
  }

  function onSessionStarted(body) {
    const first = !state.started;
    state.started = true;
    state.sessionReady = true;
    state.readOnly = !!body.readOnly;
    const data = { newSession: !!body.newSession, authenticated: false, readOnly: state.readOnly };
    if (body.durationSeconds !== undefined) {
      data.durationSeconds = body.durationSeconds;
    }
    if (body.expirationDate !== undefined) {
      data.expirationDate = body.expirationDate;
    }
    if (first) {
      if (state.resetting) {
        state.resetting = false;
        publish('MessagingService', 'conversationReset', data);
      }
      publish('MessagingService', 'started', data);
      if (state.readOnly) {
        publish('MessagingService', 'readOnlyConversation', {});
      }
    }
    ui.setStatus(state.readOnly ? 'ended' : 'ready', state.readOnly ? 'Read only' : 'Online');
    // autoStart: a new session starts the conversation with a Join presence event carrying the
    // attributes (MESSENGER.md, "Native UI vs headless";
    // genesys-examples/guest/onMessage.request.autostart-presence-join-with-customAttributes.json).
    const autoStart = conversationsConfig().autoStart;
    if (body.newSession && autoStart && autoStart.enabled && !state.readOnly) {
      state.outbox.unshift({ type: 'Event',
        events: [{ eventType: 'Presence', presence: { type: 'Join' } }] });
    }
    flushOutbox();
  }

  function flushOutbox() {
    while (state.sessionReady && state.ws && state.ws.readyState === 1 && state.outbox.length) {
      sendGuestMessage(state.outbox.shift());
    }
  }

  function sendGuestMessage(message) {
    const tracingId = newUuid();
    message.metadata = Object.assign({ id: newUuid() }, message.metadata || {});
    if (state.attributesPending && Object.keys(state.customAttributes).length > 0) {
      // Attributes travel with the next frame the page sends (MESSENGER.md, "Commands").
      message.channel = { metadata: { customAttributes: Object.assign({},
        state.customAttributes) } };
    }
    state.attributesPending = false;
    message.tracingId = tracingId;
    writeFrame({ token: token, message: message, tracingId: tracingId, action: 'onMessage' });
    // sendingMessage: the exact message, published when its frame is written.
    publish('MessagingService', 'sendingMessage', { message: deepCopy(message) });
  }

  function isTyping(body) {
    const events = Array.isArray(body.events) ? body.events : [];
    return body.type === 'Event' && events.length > 0 &&
      events.every((e) => e && e.eventType === 'Typing');
  }

  function presenceOf(body) {
    const events = Array.isArray(body.events) ? body.events : [];
    const presence = events.find((e) => e && e.eventType === 'Presence' && e.presence);
    return presence ? presence.presence.type : null;
  }

  function onStructuredMessage(frame) {
    const body = frame.body;
    if (isTyping(body)) {
      return; // typing does not reach messagesReceived
    }
    const time = body.channel && body.channel.time;
    if (time) {
      if (state.seenTimes[time]) {
        return; // the transport de-duplicates by channel.time
      }
      state.seenTimes[time] = true;
    }
    const message = deepCopy(body);
    if (frame.tracingId !== undefined) {
      message.tracingId = frame.tracingId;
    }
    ui.addMessage(body);
    publish('MessagingService', 'messagesReceived', { messages: [message] });
    if (presenceOf(body) === 'Disconnect' && body.direction === 'Outbound') {
      const readOnly = !!(body.metadata && body.metadata.readOnly === 'true');
      ui.setStatus('ended', 'Conversation ended');
      publish('MessagingService', 'conversationDisconnected', { message: deepCopy(body),
        readOnly: readOnly });
      if (readOnly && !state.readOnly) {
        state.readOnly = true;
        publish('MessagingService', 'readOnlyConversation', {});
      }
    }
  }

  function onServerError(frame) {
    state.lastServerError = Date.now();
    const error = deepCopy(frame);
    let code = frame.code;
    if (frame.class === 'SessionExpiredEvent') {
      code = 4006;
    }
    error.errorKey = ERROR_KEYS[code] || 'unexpectedError';
    ui.showError(typeof frame.body === 'string' ? `${frame.body} (code ${frame.code})`
      : `Error ${frame.code}`);
    publish('MessagingService', 'error', { error: error });
    if (code === 4013) {
      publish('MessagingService', 'customAttributesSizeExceeded', { error: deepCopy(error) });
    }
  }

  // --- MessagingService [Commands] ------------------------------------------------------------

  function startConversation(options, resolve) {
    if (state.ws && state.ws.readyState === 1) {
      resolve({});
      return;
    }
    state.opening.push(resolve);
    connect();
  }

  function sendMessage(options, resolve, reject) {
    const text = options && options.message;
    if (typeof text !== 'string') {
      reject(new Error('Expected {message: "text"}')); // the stand-in's wording
      return;
    }
    if (text === '') {
      resolve({}); // nothing is sent, and it still fulfils
      return;
    }
    if (!text.trim()) {
      reject(new Error('Message cannot be empty')); // the stand-in's wording
      return;
    }
    state.outbox.push({ type: 'Text', text: text });
    resolve({}); // at once: the frame may still be queued
    connect(); // sendMessage alone also opens a session
    flushOutbox();
  }

  function closeSession(closing) {
    if (!state.ws || state.ws.readyState !== 1 || !state.sessionReady) {
      if (state.ws) {
        state.ws.onclose = null;
        state.ws.close();
        state.ws = null;
      }
      finishClearing(closing);
      return;
    }
    state.closing = closing;
    writeFrame({ token: token, closeAllConnections: true, tracingId: newUuid(),
      action: 'closeSession' });
  }

  function finishClearing(closing) {
    token = sessionToken(true);
    state.sessionReady = false;
    state.started = false;
    state.readOnly = false;
    state.outbox = [];
    ui.clearLog();
    ui.setStatus('cleared', 'Conversation cleared');
    if (closing.reset) {
      state.resetting = true;
      connect();
    } else {
      publish('MessagingService', 'sessionCleared', {});
    }
    closing.resolve({});
  }

  function loadMessagingService() {
    if (plugins.MessagingService) {
      return;
    }
    registerPlugin('MessagingService', {
      startConversation: startConversation,
      sendMessage: sendMessage,
      clearConversation: (options, resolve, reject) => {
        const clear = conversationsConfig().conversationClear;
        if (!clear || !clear.enabled) {
          reject(new Error('Conversation clear is not enabled')); // the stand-in's wording
          return;
        }
        state.outbox.push({ type: 'Event',
          events: [{ eventType: 'Presence', presence: { type: 'Clear' } }] });
        resolve({});
        connect();
        flushOutbox();
      },
      resetConversation: (options, resolve, reject) => {
        const disconnect = conversationsConfig().conversationDisconnect;
        if (!disconnect || !disconnect.enabled) {
          reject(new Error('Conversation disconnect is not enabled')); // the stand-in's wording
          return;
        }
        closeSession({ resolve: resolve, reset: true });
      },
      clearSession: (options, resolve) => closeSession({ resolve: resolve, reset: false }),
    });
    publish('MessagingService', 'ready', {});
  }

  // --- Messenger UI [Native UI vs headless] ---------------------------------------------------

  const CSS = `
#genesys-sandbox-launcher { position: fixed; right: 20px; bottom: 20px; z-index: 2147483001;
  width: 56px; height: 56px; border: 0; border-radius: 50%; background: #1f6feb; color: #fff;
  font: 600 22px/1 system-ui, sans-serif; cursor: pointer; box-shadow: 0 2px 8px rgba(0,0,0,.25); }
#genesys-sandbox-messenger { position: fixed; top: 8px; right: 8px; left: 8px; bottom: 88px;
  z-index: 2147483000; display: flex; flex-direction: column; box-sizing: border-box;
  max-width: 420px; margin-left: auto; overflow: hidden; border-radius: 12px;
  background: #fff; border: 1px solid #d0d7de; box-shadow: 0 4px 16px rgba(0,0,0,.12);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2328; }
#genesys-sandbox-messenger[hidden] { display: none; }
#genesys-sandbox-messenger * { box-sizing: border-box; }
.gsm-header { display: flex; align-items: center; justify-content: space-between; gap: 8px;
  padding: 12px 16px; background: #1f6feb; color: #fff; }
.gsm-title { font-weight: 600; }
.gsm-status { font-size: 12px; opacity: .9; }
.gsm-close { border: 0; background: transparent; color: #fff; font-size: 18px; cursor: pointer; }
.gsm-error { margin: 8px 12px 0; padding: 8px 10px; border-radius: 6px; background: #ffebe9;
  color: #82071e; border: 1px solid #ff8182; font-size: 13px; }
.gsm-log { flex: 1; overflow-y: auto; margin: 0; padding: 12px; list-style: none;
  display: flex; flex-direction: column; gap: 6px; background: #f6f8fa; }
.gsm-msg { max-width: 80%; padding: 8px 12px; border-radius: 14px; white-space: pre-wrap;
  word-wrap: break-word; }
.gsm-msg[data-direction="Inbound"] { align-self: flex-end; background: #1f6feb; color: #fff; }
.gsm-msg[data-direction="Outbound"] { align-self: flex-start; background: #fff;
  border: 1px solid #d0d7de; }
.gsm-note { align-self: center; color: #59636e; font-size: 12px; }
.gsm-form { display: flex; gap: 8px; padding: 10px 12px; border-top: 1px solid #d0d7de; }
.gsm-input { flex: 1; padding: 8px 10px; border: 1px solid #d0d7de; border-radius: 6px;
  font: inherit; }
.gsm-send { padding: 8px 14px; border: 0; border-radius: 6px; background: #1f6feb; color: #fff;
  font: inherit; cursor: pointer; }
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

  // The window and launcher exist only with the UI on; until then the helpers do nothing.
  const ui = {
    root: null,
    setStatus(key, text) {
      if (this.status) {
        this.status.textContent = text;
        this.status.setAttribute('data-state', key);
      }
    },
    showError(text) {
      if (this.error) {
        this.error.textContent = text;
        this.error.hidden = false;
      }
    },
    addMessage(body) {
      if (!this.log) {
        return;
      }
      const presence = presenceOf(body);
      if (body.type === 'Event') {
        if (presence === 'Disconnect') {
          this.log.appendChild(el('li', 'gsm-note', 'The conversation has ended'));
        }
        return;
      }
      const item = el('li', 'gsm-msg', typeof body.text === 'string' ? body.text : '');
      item.setAttribute('data-direction', String(body.direction || ''));
      item.setAttribute('data-message-id', String(body.id || ''));
      this.log.appendChild(item);
      this.log.scrollTop = this.log.scrollHeight;
    },
    clearLog() {
      if (this.log) {
        this.log.textContent = '';
      }
    },
  };

  function buildUi() {
    const launcher = el('button', null, '✉');
    launcher.setAttribute('id', 'genesys-sandbox-launcher');
    launcher.setAttribute('type', 'button');
    launcher.setAttribute('aria-label', 'Open Messenger');
    launcher.addEventListener('click', () => {
      command(state.messengerOpen ? 'Messenger.close' : 'Messenger.open');
    });
    const root = el('div');
    root.setAttribute('id', 'genesys-sandbox-messenger');
    root.setAttribute('role', 'dialog');
    root.setAttribute('aria-label', 'Messenger');
    root.hidden = true;
    const header = el('div', 'gsm-header');
    const status = el('span', 'gsm-status', 'Not connected');
    status.setAttribute('data-state', 'idle');
    const close = el('button', 'gsm-close', '×');
    close.setAttribute('type', 'button');
    close.setAttribute('aria-label', 'Close Messenger');
    close.addEventListener('click', () => command('Messenger.close'));
    header.appendChild(el('span', 'gsm-title', 'Messenger · sandbox org'));
    header.appendChild(status);
    header.appendChild(close);
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
      const text = String(input.value || '');
      if (!text.trim()) {
        return;
      }
      input.value = '';
      command('MessagingService.sendMessage', { message: text });
    });
    root.appendChild(header);
    root.appendChild(error);
    root.appendChild(log);
    root.appendChild(form);
    document.head.appendChild(el('style', null, CSS));
    document.body.appendChild(root);
    document.body.appendChild(launcher);
    Object.assign(ui, { root, status, error, log, launcher });
  }

  function loadMessengerUi() {
    buildUi();
    registerPlugin('Messenger', {
      open: (options, resolve) => {
        // Opening again while open fulfils (unverified; the stand-in's choice).
        if (!state.messengerOpen) {
          state.messengerOpen = true;
          ui.root.hidden = false;
          ui.launcher.setAttribute('aria-label', 'Close Messenger');
          ui.launcher.textContent = '✕';
          // MessagingService loads when Messenger opens; the window then connects.
          loadMessagingService();
          connect();
          publish('Messenger', 'opened', {});
        }
        resolve({});
      },
      close: (options, resolve) => {
        if (state.messengerOpen) {
          state.messengerOpen = false;
          ui.root.hidden = true;
          ui.launcher.setAttribute('aria-label', 'Open Messenger');
          ui.launcher.textContent = '✉';
          publish('Messenger', 'closed', {});
        }
        resolve({});
      },
    });
    publish('Messenger', 'ready', {});
  }

  function loadHeadlessMessenger() {
    const refuse = (options, resolve, reject) => reject(new Error(TEXT_UI_DISABLED));
    registerPlugin('Messenger', { open: refuse, close: refuse });
  }

  // --- boot [Loading] -------------------------------------------------------------------------

  function hostAllowed(domains) {
    if (domains && domains.allowAllDomains === true) {
      return true;
    }
    const host = String(document.location.hostname || '').toLowerCase();
    const entries = (domains && Array.isArray(domains.allowedDomains)) ? domains.allowedDomains : [];
    return host !== '' && entries.some((entry) => {
      const domain = String(entry).toLowerCase();
      if (!domain || domain.indexOf(':') >= 0) {
        return false; // a scheme or a port never matches
      }
      return host === domain || host.endsWith(`.${domain}`);
    });
  }

  async function fetchJson(path) {
    const url = `${configOrigin}/webdeployments/v1/deployments/${encodeURIComponent(deploymentId)}/${path}`;
    const response = await fetch(url, { cache: 'no-store', credentials: 'omit' });
    if (!response.ok) {
      throw new Error(`${path}: HTTP ${response.status}`);
    }
    return response.json();
  }

  async function boot() {
    let domains;
    try {
      domains = await fetchJson('domains.json');
    } catch (err) {
      console.error('[sandbox messenger] cannot load the deployment domains:', err.message);
      return;
    }
    if (!hostAllowed(domains)) {
      publish('GenesysJS', 'domainNotAllowed', {});
      return; // nothing else: no config, no ready, no socket
    }
    let config;
    try {
      config = await fetchJson('config.json');
    } catch (err) {
      console.error('[sandbox messenger] cannot load the deployment config:', err.message);
      return;
    }
    state.config = config;
    publish('GenesysJS', 'configurationReceived', { deploymentConfig: deepCopy(config),
      snippetConfig: deepCopy(snippetConfig) });
    if (config.status !== 'Active') {
      return; // no product loads
    }
    await new Promise((resolve) => setTimeout(resolve, 0));
    loadDatabase();
    const headless = !!(config.headlessMode && config.headlessMode.enabled);
    if (headless) {
      loadHeadlessMessenger();
      loadMessagingService();
      drainQueue();
    } else if (document.body) {
      loadMessengerUi();
      drainQueue();
    } else {
      document.addEventListener('DOMContentLoaded', () => {
        loadMessengerUi();
        drainQueue();
      });
    }
  }

  // The snippet's queue is replayed once the products have loaded [Loading]: a page blocked by
  // the domain check, or on a deployment that is not Active, never has its queued calls run,
  // so a subscription queued before the script loaded hears nothing there.
  function drainQueue() {
    queued.splice(0).forEach((args) => Genesys.apply(null, Array.prototype.slice.call(args)));
  }

  Genesys.sandboxMessenger = true;
  Genesys.c = snippetConfig;
  Genesys.t = stub && stub.t;
  window[globalName] = Genesys;
  boot();
})();
