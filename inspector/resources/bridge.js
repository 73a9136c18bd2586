// Injected into the host page (main world, at document creation) after qwebchannel.js.
// It connects the page to Inspector: Inspector sends one "start" command with the attributes,
// the page sets them with Database.set *before* the first message (they travel with the next
// message the customer sends), and reports Messenger events back. Nothing else is exposed.
(function () {
  "use strict";
  if (window.__inspectorBridgeLoaded) { return; }
  window.__inspectorBridgeLoaded = true;

  var bridge = null;
  var pending = [];
  var startedOnce = false;
  var firstText = null;

  function post(event) {
    if (bridge) { bridge.post(event); } else { pending.push(event); }
  }

  function genesys() {
    var name = window._genesysJs || "Genesys";
    return window[name];
  }

  function subscribe(name, handler) {
    genesys()("subscribe", name, function (payload) {
      try { handler(payload || {}); } catch (err) {
        post({ event: "pageError", message: String(err && err.message || err) });
      }
    });
  }

  function watchMessenger() {
    subscribe("MessagingService.ready", function () { post({ event: "ready" }); });
    subscribe("MessagingService.started", function () {
      post({ event: "started" });
      if (firstText !== null && !startedOnce) {
        startedOnce = true;
        genesys()("command", "MessagingService.sendMessage", { message: firstText });
      }
    });
    subscribe("MessagingService.messagesReceived", function (payload) {
      var messages = (payload.data && payload.data.messages) || [];
      messages.forEach(function (m) {
        post({
          event: "message",
          id: String(m.id || ""),
          direction: String(m.direction || ""),
          text: m.text == null ? "" : String(m.text),
          type: String(m.type || "")
        });
      });
    });
    subscribe("MessagingService.customAttributesSizeExceeded", function (payload) {
      post({ event: "sizeExceeded", message: JSON.stringify(payload.data || {}) });
    });
    subscribe("MessagingService.error", function (payload) {
      var data = payload.data || {};
      post({ event: "error", code: String(data.code || ""), message: String(data.message || "") });
    });
    subscribe("MessagingService.conversationDisconnected", function () {
      post({ event: "disconnected" });
    });
  }

  function start(command) {
    firstText = String(command.text || "");
    var attrs = command.attributes || {};
    genesys()("command", "Database.set", { messaging: { customAttributes: attrs } },
      function () { post({ event: "attributesSet", count: Object.keys(attrs).length }); },
      function (err) { post({ event: "error", code: "database", message: String(err) }); });
    genesys()("command", "MessagingService.startConversation");
  }

  function onCommand(command) {
    if (command && command.type === "start") { start(command); }
  }

  function checkScript() {
    if (window.__inspectorScriptFailed) {
      var url = String(window.__inspectorScriptFailed);
      // The host page still says "Loading the chat…": say what happened instead.
      var status = document.getElementById("inspector-host-status");
      if (status) { status.textContent = "The chat script did not load from " + url; }
      post({ event: "scriptFailed", url: url });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    watchMessenger();
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
