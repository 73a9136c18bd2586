// Injected into the admin's own website page (main world, at document creation, before the
// page's scripts) after qwebchannel.js. It watches Messenger and never drives it: no command,
// no Database.set, no change to the page. What it relies on is how the real Messenger behaves
// (MESSENGER.md):
// - The snippet assigns window.Genesys its queueing stub, with Genesys.c = {environment,
//   deploymentId}; genesys.min.js replaces window.Genesys when it loads ("Loading"). The second
//   assignment is Messenger itself: the watcher subscribes on it, not through the snippet's
//   queue, which Messenger drains only once its products load (so a blocked or inactive page
//   is still heard).
// - Subscribing adds a listener; callbacks get an envelope {event, data} asynchronously
//   ("Events"). A subscriber changes nothing for the page's own subscribers.
// - MessagingService.sendingMessage {message} is the frame written to the socket: what left the
//   page, attributes included; messagesReceived {messages: [body]} carries the org's echo with
//   the frame's tracingId; errors come as {error: frame + errorKey}.
// - A page with its own guest client (an SDK that speaks the guest WebSocket itself) has no
//   Messenger to publish anything. For it, and only for sockets to a guest endpoint
//   (/v1?deploymentId=), the watcher wraps WebSocket.prototype.send: it reads each onMessage
//   frame, then hands it on unchanged, and listens for the org's echo on that socket. This is
//   the one thing of the page the watcher replaces; the page's frames and socket are the same.
//   A frame without a tracingId (some clients send none, genesys-examples
//   onMessage.request.top-level-channel.ovotech.json) is matched to the next inbound echo.
// Events go to Inspector as plain values (raw objects as JSON text) through one post-only
// object; nothing of Inspector's is exposed to the page beyond it.
(function () {
  "use strict";
  if (window.__inspectorWatcherLoaded) { return; }
  window.__inspectorWatcherLoaded = true;

  var bridge = null;
  var pending = [];
  var started = Date.now();

  function post(event) {
    event.ms = Date.now() - started;
    if (bridge) { bridge.post(event); } else { pending.push(event); }
  }

  function json(value) {
    try { return JSON.stringify(value === undefined ? null : value); } catch (err) { return "null"; }
  }

  function text(value) { return value == null ? "" : String(value); }

  function enabled(object) { return !!(object && object.enabled); }

  var stub = null;
  var messenger = null;
  var snippetPosted = false;

  function scriptUrl() {
    var scripts = document.getElementsByTagName("script");
    for (var i = 0; i < scripts.length; i += 1) {
      if (/genesys-bootstrap\/genesys(\.min)?\.js/.test(scripts[i].src || "")) {
        return scripts[i].src;
      }
    }
    return "";
  }

  function postSnippet(final) {
    if (snippetPosted) { return; }
    var holder = stub || messenger || {};
    var c = holder.c || {};
    if (!c.deploymentId && !final) { return; }
    snippetPosted = true;
    post({
      event: "snippet",
      deploymentId: text(c.deploymentId),
      environment: text(c.environment),
      scriptUrl: text(scriptUrl())
    });
  }

  function subscribe(name, handler) {
    messenger("subscribe", name, function (envelope) {
      try {
        handler((envelope && envelope.data) || {});
      } catch (err) {
        post({ event: "watchError", message: text(err && err.message || err) });
      }
    });
  }

  function watch() {
    postSnippet(false);
    subscribe("GenesysJS.configurationReceived", function (data) {
      var config = data.deploymentConfig || {};
      var conversations = ((config.messenger || {}).apps || {}).conversations || {};
      post({
        event: "config",
        status: text(config.status),
        headless: enabled(config.headlessMode),
        autoStart: enabled(conversations.autoStart),
        auth: enabled(config.auth),
        messengerEnabled: enabled(config.messenger)
      });
    });
    subscribe("GenesysJS.domainNotAllowed", function () {
      post({ event: "domainNotAllowed", host: text(document.location.hostname) });
    });
    subscribe("Database.ready", function () { post({ event: "databaseReady" }); });
    subscribe("MessagingService.ready", function () { post({ event: "ready" }); });
    subscribe("MessagingService.started", function (data) {
      post({ event: "started", readOnly: !!data.readOnly, newSession: !!data.newSession });
    });
    subscribe("MessagingService.sendingMessage", function (data) {
      var message = data.message || {};
      post({
        event: "sending",
        type: text(message.type),
        tracingId: text(message.tracingId),
        message: json(message)
      });
    });
    subscribe("MessagingService.messagesReceived", function (data) {
      var body = (data.messages || [])[0] || {};
      post({
        event: "message",
        id: text(body.id),
        direction: text(body.direction),
        type: text(body.type),
        text: text(body.text),
        tracingId: text(data.tracingId || body.tracingId)
      });
    });
    subscribe("MessagingService.error", function (data) {
      var error = data.error || {};
      post({
        event: "error",
        errorKey: text(error.errorKey),
        code: text(error.code),
        body: typeof error.body === "string" ? error.body : (error.body == null ? "" : json(error.body)),
        tracingId: text(error.tracingId),
        message: text(error.message),
        raw: json(error)
      });
    });
    subscribe("MessagingService.customAttributesSizeExceeded", function (data) {
      post({ event: "sizeExceeded", raw: json(data) });
    });
    subscribe("MessagingService.conversationDisconnected", function (data) {
      post({ event: "disconnected", readOnly: !!data.readOnly });
    });
  }

  var GUEST_SOCKET = /\/v1\/?\?(.*&)?deploymentId=/;
  var socketFrames = 0;
  var nativeSend = WebSocket.prototype.send;
  var pendingBySocket = new WeakMap(); // nothing is added to the page's own socket objects

  function watchSocket(ws) {
    pendingBySocket.set(ws, []);
    ws.addEventListener("message", function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (err) { return; }
      var body = frame && frame.body;
      if (!frame || frame["class"] !== "StructuredMessage" || !body || body.direction !== "Inbound" ||
          body.type === "Event") { return; }
      var pending = pendingBySocket.get(ws);
      var index = -1;
      for (var i = 0; i < pending.length; i += 1) {
        if (frame.tracingId ? pending[i].tracingId === frame.tracingId : !pending[i].tracingId) {
          index = i;
          break;
        }
      }
      if (index < 0) { return; }
      var sent = pending.splice(index, 1)[0];
      post({ event: "guestEcho", id: text(body.id), key: sent.key });
    });
  }

  WebSocket.prototype.send = function (data) {
    try {
      if (typeof data === "string" && GUEST_SOCKET.test(String(this.url)) &&
          data.indexOf("onMessage") >= 0) {
        var frame = JSON.parse(data);
        if (frame && frame.action === "onMessage" && frame.message) {
          if (!pendingBySocket.has(this)) { watchSocket(this); }
          socketFrames += 1;
          var tracingId = text(frame.tracingId || frame.message.tracingId);
          var key = tracingId || "socket-frame-" + socketFrames;
          if (frame.message.type === "Text") {
            pendingBySocket.get(this).push({ key: key, tracingId: tracingId });
          }
          post({ event: "guestFrame", key: key, frame: data });
        }
      }
    } catch (err) {
      // never in the way of the page's own frame
    }
    return nativeSend.apply(this, arguments);
  };

  var current;
  var assignments = 0;
  Object.defineProperty(window, "Genesys", {
    configurable: true,
    enumerable: true,
    get: function () { return current; },
    set: function (value) {
      current = value;
      assignments += 1;
      if (assignments === 1) {
        stub = value;
      } else if (assignments === 2 && typeof value === "function") {
        messenger = value;
        setTimeout(watch, 0);
      }
    }
  });

  window.addEventListener("load", function () {
    // A page without a snippet, or whose script never loaded: say what was found.
    setTimeout(function () { postSnippet(true); }, 0);
  });

  document.addEventListener("DOMContentLoaded", function () {
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.inspectorWatch;
      pending.splice(0).forEach(function (e) { bridge.post(e); });
      bridge.post({ event: "watchReady", ms: Date.now() - started });
    });
  });
})();
