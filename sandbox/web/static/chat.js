// The sandbox chat page: plain JS over the control API (/_sandbox/...), polling every 700 ms.
"use strict";
(() => {
  const API = "/_sandbox";
  const POLL_MS = 700;
  const FAST_POLL_MS = 150;  // for a few seconds after the user acts, the reply is due soon
  const FAST_FOR_MS = 3000;
  const T = JSON.parse(document.body.dataset.texts);
  const BOT = document.body.dataset.bot;
  const userId = new URLSearchParams(location.search).get("user");
  const $ = (id) => document.getElementById(id);

  async function api(method, path, body) {
    const response = await fetch(API + path, {
      method,
      headers: body ? { "Content-Type": "application/json" } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(data.message || data.description || String(response.status));
    return data;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs)) {
      if (key === "class") node.className = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (value !== null && value !== undefined) node.setAttribute(key, value);
    }
    for (const child of children) if (child !== null) node.append(child);
    return node;
  }

  const escapeHtml = (s) =>
    s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const ageKey = (id) => `sandbox-age-${id}`;
  const fullName = (u) => [u.first_name, u.last_name].filter(Boolean).join(" ");

  // A t.me link to this bot with ?start=... opens in this chat, as Telegram would do.
  function startParam(url) {
    const match = /^(?:https?:\/\/)?t\.me\/([\w]+)\?start=([\w-]+)/.exec(url || "");
    return match && match[1].toLowerCase() === BOT.toLowerCase() ? match[2] : null;
  }

  function safeHref(url) {
    return /^(https?:|tg:|mailto:)/i.test(url) ? url : null;
  }

  // Telegram entities (UTF-16 offsets, like JS strings) to HTML; nested entities nest.
  function formatEntities(text, entities) {
    const sorted = (entities || []).slice().sort((a, b) => a.offset - b.offset || b.length - a.length);
    function build(start, end, list) {
      let html = "";
      let pos = start;
      let i = 0;
      while (i < list.length) {
        const entity = list[i];
        if (entity.offset < pos) { i++; continue; }  // overlapping: shown as plain text
        html += escapeHtml(text.slice(pos, entity.offset));
        const stop = Math.min(entity.offset + entity.length, end);
        const inner = [];
        let j = i + 1;
        while (j < list.length && list[j].offset < stop) {
          if (list[j].offset + list[j].length <= stop) inner.push(list[j]);
          j++;
        }
        html += wrap(entity, build(entity.offset, stop, inner), text.slice(entity.offset, stop));
        pos = stop;
        i = j;
      }
      return html + escapeHtml(text.slice(pos, end));
    }
    return build(0, text.length, sorted);
  }

  function wrap(entity, inner, raw) {
    const link = (href) => {
      const start = startParam(href);
      if (start) return `<a href="#" class="bot-link" data-start="${escapeHtml(start)}" title="${escapeHtml(T.bot_link_hint)}">${inner}</a>`;
      const safe = safeHref(href);
      return safe ? `<a href="${escapeHtml(safe)}" target="_blank" rel="noopener">${inner}</a>` : inner;
    };
    switch (entity.type) {
      case "bold": return `<b>${inner}</b>`;
      case "italic": return `<i>${inner}</i>`;
      case "underline": return `<u>${inner}</u>`;
      case "strikethrough": return `<s>${inner}</s>`;
      case "spoiler": return `<span class="spoiler" tabindex="0">${inner}</span>`;
      case "code": return `<code>${inner}</code>`;
      case "pre": return `<pre><code>${inner}</code></pre>`;
      case "blockquote":
      case "expandable_blockquote": return `<blockquote>${inner}</blockquote>`;
      case "text_link": return link(entity.url);
      case "url": return link(/^https?:/i.test(raw) ? raw : `https://${raw}`);
      case "bot_command": return `<a href="#" class="command" data-command="${escapeHtml(raw)}">${inner}</a>`;
      default: return `<span class="entity ${escapeHtml(entity.type)}">${inner}</span>`;
    }
  }

  // --- the user picker ---------------------------------------------------------------
  async function showPicker() {
    $("picker").hidden = false;
    const { users } = await api("GET", "/users");
    const list = $("users");
    if (users.length) list.replaceChildren();
    for (const user of users) {
      const age = localStorage.getItem(ageKey(user.id));
      const meta = [user.language_code || "—", age ? T.age_hint.replace("{age}", age) : null].filter(Boolean).join(", ");
      list.append(el("li", {},
        el("a", { href: `?user=${user.id}`, class: "user-link" }, fullName(user)),
        el("span", { class: "muted" }, ` ${meta} · `),
        el("a", { href: `?user=${user.id}`, target: "_blank", rel: "noopener" }, T.open_tab)));
    }
    $("new-user").addEventListener("submit", async (event) => {
      event.preventDefault();
      const form = new FormData(event.target);
      const user = await api("POST", "/users", {
        first_name: form.get("first_name").trim(),
        last_name: form.get("last_name").trim() || null,
        language_code: form.get("language_code"),
      });
      if (form.get("age")) localStorage.setItem(ageKey(user.id), form.get("age"));
      location.search = `?user=${user.id}`;
    });
  }

  // --- the chat ----------------------------------------------------------------------
  let lastKey = "";
  let lastCount = 0;
  let firstView = true;
  const toasted = new Set();
  let commands = [];
  let fastUntil = 0;

  async function send(text) {
    fastUntil = Date.now() + FAST_FOR_MS;
    await api("POST", `/users/${userId}/messages`, { text });
    await refresh();
  }

  async function press(messageId, data) {
    fastUntil = Date.now() + FAST_FOR_MS;
    await api("POST", `/users/${userId}/press`, { message_id: messageId, data });
    await refresh();
  }

  function fileNode(file) {
    if (file.kind === "photo") return el("img", { src: file.url, alt: "", class: "photo" });
    if (file.kind === "sticker") return el("div", { class: "sticker" }, file.emoji || "🖼");
    if (file.kind === "voice") {
      const seconds = file.duration || 0;
      return el("div", { class: "voice" }, `▶ ${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`);
    }
    const size = file.file_size ? ` · ${Math.max(1, Math.round(file.file_size / 1024))} KB` : "";
    let name = file.file_name || "file";
    try { name = decodeURIComponent(name); } catch (error) { /* a literal % in the name */ }
    return el("a", { href: file.url, class: "document", target: "_blank", rel: "noopener" },
      el("span", { class: "doc-icon" }, (/\.(\w{1,4})$/.exec(name) || [null, "FILE"])[1].toUpperCase()),
      el("span", {}, name + size));
  }

  function keyboardNode(message) {
    if (!message.keyboard.length) return null;
    const rows = message.keyboard.map((row) => el("div", { class: "kb-row" }, ...row.map((button) => {
      const node = el("button", { type: "button", class: "kb-button" }, button.text);
      if (button.callback_data !== null) {
        node.addEventListener("click", () => press(message.message_id, button.callback_data));
      } else if (button.url) {
        node.classList.add("url");
        node.addEventListener("click", () => {
          const start = startParam(button.url);
          if (start) send(`/start ${start}`);
          else if (safeHref(button.url)) window.open(button.url, "_blank", "noopener");
        });
      }
      return node;
    })));
    return el("div", { class: "keyboard" }, ...rows);
  }

  function messageNode(message) {
    const body = el("div", { class: "bubble" });
    if (message.file) body.append(fileNode(message.file));
    const text = message.text ?? message.caption;
    if (text) {
      const node = el("div", { class: "text" });
      node.innerHTML = formatEntities(text, message.entities);
      body.append(node);
    }
    const time = new Date(message.date * 1000).toTimeString().slice(0, 5);
    body.append(el("div", { class: "meta" }, message.edit_date ? `${T.edited} ${time}` : time));
    return el("div", { class: `message ${message.sender}`, "data-message-id": message.message_id },
      body, keyboardNode(message));
  }

  function render(view) {
    const key = JSON.stringify([view.messages, view.reply_keyboard]);
    if (key !== lastKey) {
      const box = $("messages");
      const nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
      if (view.messages.length) box.replaceChildren(...view.messages.map(messageNode));
      if (nearBottom || view.messages.length > lastCount) box.scrollTop = box.scrollHeight;
      lastKey = key;
      lastCount = view.messages.length;
      const replyKeyboard = $("reply-keyboard");
      replyKeyboard.replaceChildren(...(view.reply_keyboard || []).map((row) => el("div", { class: "kb-row" },
        ...row.map((label) => el("button", { type: "button", class: "kb-button", onclick: () => send(label) }, label)))));
    }
    for (const callback of view.callbacks) {
      if (firstView) toasted.add(callback.id);
      if (callback.answered && !toasted.has(callback.id)) {
        toasted.add(callback.id);
        if (callback.text) toast(callback.text, callback.show_alert);
      }
    }
    firstView = false;
  }

  function toast(text, alert) {
    const node = $("toast");
    node.textContent = text;
    node.className = alert ? "alert" : "";
    node.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { node.hidden = true; }, alert ? 6000 : 2500);
  }

  async function refresh() {
    try {
      render(await api("GET", `/users/${userId}/chat?files=0`));
      $("offline").hidden = true;
    } catch (error) {
      $("offline").hidden = false;
    }
  }

  async function poll() {
    await refresh();
    setTimeout(poll, Date.now() < fastUntil ? FAST_POLL_MS : POLL_MS);
  }

  async function loadCommands() {
    try {
      const { commands: sets } = await api("GET", "/commands");
      const own = sets.find((set) => set.scope.type === "chat" && String(set.scope.chat_id) === userId);
      const fallback = sets.find((set) => set.scope.type === "default");
      commands = (own || fallback || { commands: [] }).commands;
    } catch (error) {
      commands = [];
    }
  }

  async function toggleMenu() {
    const menu = $("menu");
    if (!menu.hidden) { menu.hidden = true; return; }
    await loadCommands();
    menu.replaceChildren(...commands.map((c) => el("button", {
      type: "button", class: "menu-item",
      onclick: () => { menu.hidden = true; send(`/${c.command}`); },
    }, el("b", {}, `/${c.command}`), ` — ${c.description}`)));
    menu.hidden = commands.length === 0;
  }

  function readAsBase64(file) {
    return new Promise((resolve, reject) => {
      const reader = new FileReader();
      reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
      reader.onerror = reject;
      reader.readAsDataURL(file);
    });
  }

  async function showChat() {
    $("chat").hidden = false;
    const user = await api("GET", `/users/${userId}`);
    const age = localStorage.getItem(ageKey(user.id));
    $("chat-name").textContent = fullName(user);
    $("chat-meta").textContent = [` · ${user.language_code || "—"}`, age ? T.age_hint.replace("{age}", age) : null]
      .filter(Boolean).join(", ");
    document.title = `${fullName(user)} — ${T.title}`;
    $("composer").addEventListener("submit", async (event) => {
      event.preventDefault();
      const input = $("text");
      const text = input.value.trim();
      if (!text) return;
      input.value = "";
      await send(text);
    });
    $("invite").addEventListener("submit", async (event) => {
      event.preventDefault();
      const raw = $("invite-input").value.trim();
      const code = (/start=([\w-]+)/.exec(raw) || /^([\w-]+)$/.exec(raw) || [])[1];
      if (!code) return;
      $("invite-input").value = "";
      await send(`/start ${code}`);
    });
    $("menu-button").addEventListener("click", toggleMenu);
    $("file").addEventListener("change", async (event) => {
      const file = event.target.files[0];
      if (!file) return;
      await api("POST", `/users/${userId}/messages`, {
        kind: file.type.startsWith("image/") ? "photo" : "document",
        file_name: file.name,
        mime_type: file.type || null,
        data_base64: await readAsBase64(file),
      });
      event.target.value = "";
      await refresh();
    });
    $("messages").addEventListener("click", (event) => {
      const target = event.target.closest("a.command, a.bot-link, .spoiler");
      if (!target) return;
      if (target.classList.contains("spoiler")) { target.classList.add("shown"); return; }
      event.preventDefault();
      send(target.classList.contains("command") ? target.dataset.command : `/start ${target.dataset.start}`);
    });
    poll();
  }

  (userId ? showChat() : showPicker()).catch(() => { $("offline") && ($("offline").hidden = false); });
})();
