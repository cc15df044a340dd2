// The host's live chat panel: the same websocket viewers use, joined with the session cookie.
// Messages arrive as {type: chat|donation|system|moderation|viewer_count|pinned|error}; the host moderates
// with {type: "moderate", action, ...} frames, which the server runs through livestream's services.
"use strict";

(() => {
  const panel = document.getElementById("chat");
  if (!panel) return;
  const log = document.getElementById("chat-log");
  const state = document.getElementById("chat-state");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-body");
  let socket = null;
  let canModerate = false;

  const send = (payload) => { if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(payload)); };

  function moderationButtons(li) {
    if (!canModerate || li.querySelector(".mod")) return;
    const userId = li.dataset.userId;
    const tools = document.createElement("span");
    tools.className = "mod actions";
    const add = (label, payload) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", () => send({ type: "moderate", ...payload }));
      tools.append(b);
    };
    add("Delete", { action: "delete_message", message_id: li.dataset.messageId });
    if (userId) {
      add("Time out 10 min", { action: "timeout", user: userId, minutes: 10 });
      add("Ban", { action: "ban", user: userId });
    }
    li.append(tools);
  }

  function addMessage(message) {
    const li = document.createElement("li");
    li.dataset.messageId = message.id;
    li.dataset.userId = message.user ? message.user.id : "";
    const author = document.createElement("span");
    author.className = "author";
    author.textContent = message.user ? `@${message.user.username}` : message.kind;
    const body = document.createElement("span");
    body.className = "body";
    body.textContent = message.body; // text, never HTML
    li.append(author, " ", body);
    log.append(li);
    moderationButtons(li);
    log.scrollTop = log.scrollHeight;
  }

  function removeMessages(ids) {
    (ids || []).forEach((id) => { const li = log.querySelector(`li[data-message-id="${CSS.escape(id)}"]`); if (li) li.remove(); });
  }

  function onEvent(event) {
    switch (event.type) {
      case "chat":
      case "donation":
        addMessage(event.message);
        break;
      case "system":
        if (event.event === "joined") {
          canModerate = Boolean(event.you && event.you.is_moderator);
          state.textContent = "Chat connected.";
          log.querySelectorAll("li").forEach(moderationButtons);
        } else if (event.event === "status") {
          document.getElementById("stream-status").textContent = event.status;
        } else if (event.message) {
          addMessage(event.message);
        }
        break;
      case "moderation":
        removeMessages(event.message_ids);
        if (event.action === "clear_chat") log.replaceChildren();
        break;
      case "viewer_count":
        document.getElementById("viewers-now").textContent = event.current;
        document.getElementById("viewers-peak").textContent = event.peak;
        break;
      case "error":
        state.textContent = `Chat: ${event.detail}`;
        break;
      default:
        break;
    }
  }

  function connect() {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${window.location.host}${panel.dataset.socket}`);
    state.textContent = "Connecting to chat…";
    socket.addEventListener("message", (e) => { try { onEvent(JSON.parse(e.data)); } catch { /* ignore malformed frames */ } });
    socket.addEventListener("close", () => { state.textContent = "Chat disconnected. Reload the page to reconnect."; });
  }

  if (form) {
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const body = input.value.trim();
      if (!body) return;
      send({ type: "chat", body });
      input.value = "";
    });
  }
  setInterval(() => send({ type: "heartbeat" }), 30000);
  connect();
})();
