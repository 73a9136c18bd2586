// Injected into the host page (main world, at document creation) after qwebchannel.js.
// It connects the page to Inspector and drives Messenger the way a website does, following
// how the real Messenger behaves (MESSENGER.md):
// - `window.Genesys` is replaced when genesys.min.js loads: it is looked up on every call.
// - Every subscriber gets an envelope {event, data, ...}; callbacks run asynchronously.
// - The deployment's config arrives as GenesysJS.configurationReceived (republished); a page on
//   a domain the deployment does not allow gets GenesysJS.domainNotAllowed and nothing else.
// - With the native UI on, MessagingService loads only when Messenger opens, so the bridge
//   opens it (Messenger.open); headless, MessagingService is there from the start.
// - Attributes travel with the next frame the page sends: Database.set comes first, before
//   Messenger opens (an autoStart Join carries them) and before the first text.
// - MessagingService.sendingMessage is what left the page; the org's echo of the first text
//   is found by that frame's tracingId, never by a presence event's id.
// - Errors come as {error: <guest response frame> + errorKey}.
// Inspector sends one "start" command with the attributes and the first message; events go
// back as plain values (raw objects as JSON text). Nothing else is exposed.
(function () {
  "use strict";
  if (window.__inspectorBridgeLoaded) { return; }
  window.__inspectorBridgeLoaded = true;

  var bridge = null;
  var pending = [];
  var config = null;      // deploymentConfig from GenesysJS.configurationReceived
  var run = null;         // {attributes, text, phase}
  var ready = false;      // MessagingService.ready seen (republished, so never missed)
  var started = false;    // MessagingService.started seen
  var databaseReady = false; // Database.ready seen: its commands are registered

  function post(event) {
    if (bridge) { bridge.post(event); } else { pending.push(event); }
  }

  function genesys() {
    var name = window._genesysJs || "Genesys";
    return window[name];
  }

  function json(value) {
    try { return JSON.stringify(value === undefined ? null : value); } catch (err) { return "null"; }
  }

  function text(value) { return value == null ? "" : String(value); }

  function reason(err) {
    if (err == null) { return ""; }
    if (typeof err === "string") { return err; }
    return text(err.message || err.error || json(err));
  }

  function setStatus(message) {
    var status = document.getElementById("inspector-host-status");
    if (status) { status.textContent = message; }
  }

  function command(name, options, onFulfilled, onRejected) {
    genesys()("command", name, options, onFulfilled, onRejected);
  }

  function subscribe(name, handler) {
    genesys()("subscribe", name, function (envelope) {
      try {
        handler((envelope && envelope.data) || {});
      } catch (err) {
        post({ event: "pageError", message: text(err && err.message || err) });
      }
    });
  }

  function enabled(object) { return !!(object && object.enabled); }

  function onConfig(data) {
    config = data.deploymentConfig || {};
    var conversations = ((config.messenger || {}).apps || {}).conversations || {};
    post({
      event: "config",
      status: text(config.status),
      headless: enabled(config.headlessMode),
      autoStart: enabled(conversations.autoStart),
      auth: enabled(config.auth),
      messengerEnabled: enabled(config.messenger)
    });
    if (text(config.status) !== "Active") {
      setStatus("The deployment is " + (text(config.status) || "not active") +
        ": Messenger loaded nothing.");
    } else if (enabled(config.auth)) {
      setStatus("This deployment needs a signed-in customer (authenticated Messenger).");
    }
    advance();
  }

  function attributesOf(message) {
    var channel = (message && message.channel) || {};
    return (channel.metadata || {}).customAttributes || {};
  }

  function onSending(data) {
    var message = data.message || {};
    if (run && run.late && run.phase === "sent" && message.type === "Text") {
      // The website's mistake: Database.set once the first text is on the wire. sendMessage
      // fulfils before its frame may leave (MESSENGER.md), so wait for the frame itself.
      run.phase = "lateSet";
      command("Database.set", { messaging: { customAttributes: run.attributes } }, function () {
        post({ event: "attributesSet", count: Object.keys(run.attributes).length });
      });
    }
    post({
      event: "sending",
      tracingId: text(message.tracingId),
      type: text(message.type),
      attributes: json(attributesOf(message)),
      message: json(message)
    });
  }

  function onReceived(data) {
    // One raw guest body per event, with the frame's tracingId beside it.
    var body = (data.messages || [])[0] || {};
    var events = (body.events || []).map(function (e) {
      return text(e && e.presence && e.presence.type || e && e.eventType);
    });
    post({
      event: "message",
      id: text(body.id),
      direction: text(body.direction),
      type: text(body.type),
      text: text(body.text),
      tracingId: text(data.tracingId || body.tracingId),
      events: events.join(",")
    });
  }

  function onError(data) {
    var error = data.error || {};
    post({
      event: "error",
      errorKey: text(error.errorKey),
      code: text(error.code),
      errorClass: text(error["class"]),
      body: typeof error.body === "string" ? error.body : (error.body == null ? "" : json(error.body)),
      tracingId: text(error.tracingId),
      message: text(error.message),
      raw: json(error)
    });
  }

  function watchMessenger() {
    subscribe("GenesysJS.configurationReceived", onConfig);
    subscribe("GenesysJS.domainNotAllowed", function () {
      setStatus("Messenger refused to run on this page's domain.");
      post({ event: "domainNotAllowed", host: text(document.location.hostname) });
    });
    subscribe("Database.ready", function () {
      post({ event: "databaseReady" });
      databaseReady = true;
      advance();
    });
    subscribe("MessagingService.ready", function () {
      post({ event: "ready" });
      ready = true;
      advance();
    });
    subscribe("MessagingService.started", function (data) {
      post({ event: "started", readOnly: !!data.readOnly, newSession: !!data.newSession });
      started = true;
      advance();
    });
    subscribe("MessagingService.readOnlyConversation", function () {
      post({ event: "readOnly" });
    });
    subscribe("MessagingService.sendingMessage", onSending);
    subscribe("MessagingService.messagesReceived", onReceived);
    subscribe("MessagingService.customAttributesSizeExceeded", function (data) {
      post({ event: "sizeExceeded", message: json(data) });
    });
    subscribe("MessagingService.error", onError);
    subscribe("MessagingService.conversationDisconnected", function (data) {
      post({ event: "disconnected", readOnly: !!data.readOnly });
    });
  }

  // The start, step by step; each step waits for what Messenger says, never for a timer.
  function advance() {
    // Database.set waits for the Database plugin, as public website code does (MESSENGER.md:
    // products load after the config; a command sent before its plugin may never settle).
    if (!run || !config || !databaseReady) { return; }
    if (run.phase === "new" && run.late) {
      run.phase = "set"; // the website's mistake: Database.set only after the first message
      advance();
    } else if (run.phase === "new") {
      run.phase = "setting";
      command("Database.set", { messaging: { customAttributes: run.attributes } },
        function () {
          post({ event: "attributesSet", count: Object.keys(run.attributes).length });
          run.phase = "set";
          advance();
        },
        function (err) { post({ event: "setFailed", message: reason(err) }); });
    } else if (run.phase === "set") {
      run.phase = "opening";
      if (enabled(config.headlessMode)) {
        advance();
        return;
      }
      // Native UI: MessagingService loads when Messenger opens (MESSENGER.md).
      setStatus("Opening Messenger…");
      post({ event: "opening" });
      run.phase = "open";
      command("Messenger.open", {},
        function () { post({ event: "opened" }); },
        function (err) { post({ event: "openFailed", message: reason(err) }); });
    } else if ((run.phase === "opening" || run.phase === "open") && ready) {
      run.phase = "starting";
      if (started) { advance(); return; }
      command("MessagingService.startConversation", {}, null, function (err) {
        // Already started (an autoStart or the UI did it): the started event still comes.
        post({ event: "pageWarning", message: "startConversation: " + reason(err) });
      });
    } else if (run.phase === "starting" && started) {
      run.phase = "sent";
      command("MessagingService.sendMessage", { message: run.text }, null, function (err) {
        post({ event: "sendFailed", message: reason(err) });
      });
    }
  }

  function start(cmd) {
    run = {
      attributes: cmd.attributes || {},
      text: text(cmd.text),
      late: !!cmd.late,
      phase: "new"
    };
    advance();
  }

  function onCommand(cmd) {
    if (cmd && cmd.type === "start" && run === null) { start(cmd); }
  }

  function checkScript() {
    if (window.__inspectorScriptFailed) {
      var url = text(window.__inspectorScriptFailed);
      // The host page still says "Loading the chat…": say what happened instead.
      setStatus("The chat script did not load from " + url);
      post({ event: "scriptFailed", url: url });
    }
  }

  // Subscribe on Messenger itself, not through the snippet's queue: the real Messenger drains
  // that queue only once its products load, so a queued subscriber never hears
  // GenesysJS.domainNotAllowed, nor anything on an inactive deployment (MESSENGER.md,
  // "Loading"). The snippet's assignment of window.Genesys is its queueing stub; the next one
  // is genesys.min.js replacing it.
  var current;
  var assignments = 0;
  Object.defineProperty(window, "Genesys", {
    configurable: true,
    enumerable: true,
    get: function () { return current; },
    set: function (value) {
      current = value;
      assignments += 1;
      if (assignments === 2) { setTimeout(watchMessenger, 0); }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    window.addEventListener("load", checkScript);
    new QWebChannel(qt.webChannelTransport, function (channel) {
      bridge = channel.objects.bridge;
      bridge.command.connect(onCommand);
      pending.splice(0).forEach(function (e) { bridge.post(e); });
      bridge.post({ event: "bridgeReady" });
      checkScript();
    });
  });
})();
