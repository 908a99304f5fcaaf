// The inbox page's behaviour. Rules: every value from the server is written with textContent
// (Node.append with strings), never as markup; no eval, no inline handlers (the page's CSP forbids
// them). Changes are POSTed as JSON with the page's token; the page polls a version number and
// redraws what it shows when it changes.
"use strict";

(() => {
  const token = document.querySelector('meta[name="inbox-token"]').getAttribute("content");
  const $ = (id) => document.getElementById(id);
  const POLL_MS = 400;
  const ui = {
    account: "",
    tab: "messages",
    convPage: 0,
    threadId: null,
    threadPage: 0,
    logPage: 0,
    version: null,
    open: new Set(),
    busy: false,
  };

  // -- helpers ---------------------------------------------------------------------------------

  function el(tag, className, ...children) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    for (const child of children) {
      if (child === null || child === undefined || child === false) continue;
      node.append(typeof child === "string" || typeof child === "number" ? String(child) : child);
    }
    return node;
  }

  function clock(iso) {
    return iso ? iso.slice(11, 19) : "";
  }

  function stamp(node, iso) {
    if (iso) node.title = iso;
    return node;
  }

  function notice(text, isError) {
    const box = $("notice");
    box.textContent = text;
    box.className = isError ? "error" : "info";
    box.hidden = false;
    clearTimeout(notice.timer);
    notice.timer = setTimeout(() => { box.hidden = true; }, 5000);
  }

  async function get(view, params) {
    const query = new URLSearchParams({ account: ui.account, ...params });
    const answer = await fetch(`/__inbox/api/${view}?${query}`, { headers: { Accept: "application/json" } });
    const data = await answer.json();
    if (!answer.ok) throw new Error(data.error || `HTTP ${answer.status}`);
    return data;
  }

  async function post(path, data) {
    const answer = await fetch(`/__inbox/api/${path}`, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Inbox-Token": token },
      body: JSON.stringify(data || {}),
    });
    const result = await answer.json();
    if (!answer.ok) throw new Error(result.error || `HTTP ${answer.status}`);
    return result;
  }

  async function act(path, data, done) {
    try {
      const result = await post(path, data);
      if (done) done(result);
      await refresh();
    } catch (error) {
      notice(error.message, true);
    }
  }

  // -- header ----------------------------------------------------------------------------------

  function drawHeader(state) {
    const select = $("account");
    select.replaceChildren(...state.accounts.map((account) => {
      const name = account.test ? "Test account" : account.friendly_name;
      const option = el("option", null, `${name} · ${account.sid}`);
      option.value = account.sid;
      return option;
    }));
    select.value = state.account;
    $("now").textContent = state.now.replace("T", " ").replace("+00:00", " UTC");
    document.body.classList.toggle("manual-clock", state.manual_clock);
    $("mode").value = state.mode;
    $("account-numbers").replaceChildren(...state.numbers.map((n) => {
      const option = el("option");
      option.value = n.number;
      return option;
    }));
  }

  // -- conversations ---------------------------------------------------------------------------

  function filters() {
    return {
      number: $("filter-number").value.trim(),
      status: $("filter-status").value,
      q: $("filter-text").value.trim(),
    };
  }

  function statusBadge(status) {
    return el("span", `status status-${status}`, status);
  }

  async function drawConversations() {
    const data = await get("conversations", { page: ui.convPage, ...filters() });
    const list = $("conversations");
    list.replaceChildren(...data.conversations.map((c) => {
      const last = c.last || {};
      const item = el("li", c.id === ui.threadId ? "conv selected" : "conv",
        el("div", "conv-top", el("strong", "phone", c.phone || "?"),
          stamp(el("time", null, clock(last.date_created)), last.date_created)),
        el("div", "conv-preview", last.direction && last.direction.startsWith("inbound") ? "← " : "→ ",
          last.body || "(no body)"),
        el("div", "conv-bottom", statusBadge(last.status || ""), el("span", "dim", `${c.count} message${c.count === 1 ? "" : "s"} · ${c.ours || ""}`)));
      item.dataset.id = c.id;
      item.tabIndex = 0;
      item.addEventListener("click", () => openThread(c.id));
      item.addEventListener("keydown", (event) => { if (event.key === "Enter") openThread(c.id); });
      return item;
    }));
    if (!data.conversations.length) list.append(el("li", "empty", "No conversations yet."));
    const first = data.page * data.size + 1;
    const shown = data.conversations.length;
    $("conv-range").textContent = shown
      ? `${first}–${first + shown - 1}${data.total === null ? "" : ` of ${data.total}`}` : "";
    $("conv-prev").disabled = data.page === 0;
    $("conv-next").disabled = !data.more;
  }

  function openThread(id) {
    ui.threadId = id;
    ui.threadPage = 0;
    refresh();
  }

  // -- one conversation ------------------------------------------------------------------------

  function field(name, value) {
    if (value === null || value === undefined || value === "" ) return null;
    return el("div", "field", el("dt", null, name), el("dd", null, String(value)));
  }

  function bubble(m) {
    const outgoing = !m.direction.startsWith("inbound");
    const item = el("li", `bubble ${outgoing ? "out" : "in"}`);
    item.dataset.sid = m.sid;
    item.dataset.status = m.status;
    const facts = [m.dialect, m.direction,
      `${m.segments || 1} segment${m.segments === 1 ? "" : "s"}${m.encoding ? ` · ${m.encoding}` : ""}`];
    if (m.price) facts.push(`${m.price} ${m.price_unit || ""}`.trim());
    const meta = el("div", "meta", statusBadge(m.status), el("span", "facts", facts.join(" · ")));
    if (m.error_code) meta.append(el("span", "error-code", `error ${m.error_code}`));
    const history = el("ol", "history", ...m.history.map((step) => {
      const entry = el("li", step.inferred ? "step inferred" : "step", el("span", null, step.status), " ",
        stamp(el("time", null, clock(step.at)), step.at));
      if (step.inferred) entry.title = "not seen on its own: dated as the lifecycle takes it";
      return entry;
    }));
    const details = el("details", "more", el("summary", null, "Details"),
      el("dl", null, field("SID", m.sid), field("From", m.from), field("To", m.to),
        field("Messaging service", m.messaging_service_sid), field("Created", m.date_created),
        field("Sent", m.date_sent), field("Error", m.error_code ? `${m.error_code} ${m.error_message || ""}` : null),
        field("Media", m.media_urls.join(" ")), field("Reply to", m.reply_to),
        field("Replies", m.replies.join(" "))));
    details.open = ui.open.has(m.sid);
    details.addEventListener("toggle", () => {
      if (details.open) ui.open.add(m.sid); else ui.open.delete(m.sid);
    });
    item.append(el("p", "body", m.body || "(no body)"), meta, history, details);
    if (m.steppable) {
      const advance = el("button", "step-advance", "Advance");
      advance.type = "button";
      advance.addEventListener("click", () => act(`messages/${m.sid}/advance`));
      const finish = el("button", "step-finish", "Finish");
      finish.type = "button";
      finish.addEventListener("click", () => act(`messages/${m.sid}/finish`));
      item.append(el("div", "actions", advance, finish));
    }
    const f = filters();
    if ((f.status && m.status === f.status) || (f.q && m.body.toLowerCase().includes(f.q.toLowerCase()))) {
      item.classList.add("match");
    }
    return item;
  }

  async function drawThread() {
    if (!ui.threadId) {
      $("thread-empty").hidden = false;
      $("thread-body").hidden = true;
      return;
    }
    let data;
    try {
      data = await get("thread", { id: ui.threadId, page: ui.threadPage });
    } catch (error) {
      ui.threadId = null;
      return drawThread();
    }
    $("thread-empty").hidden = true;
    $("thread-body").hidden = false;
    $("thread-phone").textContent = data.phone || "";
    $("thread-ours").textContent = data.ours || "";
    if (document.activeElement !== $("outcome")) $("outcome").value = data.outcome || "delivered";
    $("thread-older").hidden = !data.older;
    $("thread-newer").hidden = data.page === 0;
    $("bubbles").replaceChildren(...data.messages.map(bubble));
    ui.thread = data;
  }

  // -- the callback and webhook log ------------------------------------------------------------

  function logEntry(e) {
    const item = el("li", e.ok ? "entry ok" : "entry failed");
    item.dataset.n = e.n;
    item.dataset.kind = e.kind;
    const outcome = e.error ? e.error : `HTTP ${e.status}`;
    const said = Object.fromEntries(e.params);
    const summary = e.kind === "status"
      ? (said.MessageStatus || said.SmsStatus || "")
      : (said.Body !== undefined ? `“${said.Body}” from ${said.From || "?"}` : "");
    item.append(el("div", "entry-head", el("span", `kind kind-${e.kind}`, e.kind),
      el("span", "entry-summary", summary), el("code", "url", `${e.method} ${e.url}`),
      el("span", "answer-status", outcome)));
    if (e.message_sid) item.append(el("div", "dim", `message ${e.message_sid}`));
    const params = el("table", "params", ...e.params.map(([k, v]) => el("tr", null, el("th", null, k), el("td", null, v))));
    item.append(el("details", "sent", el("summary", null, `Sent ${e.params.length} parameters`), params));
    if (e.answer) {
      const kind = e.answer.content_type ? ` (${e.answer.content_type})` : "";
      const body = el("pre", "answer-body", e.answer.body || "(empty)");
      item.append(el("div", "answer", el("div", "dim", `The app answered ${e.answer.status}${kind}${e.answer.truncated ? ", cut short" : ""}:`), body));
    } else {
      item.append(el("div", "answer dim", "No answer."));
    }
    if (e.led_to.length) {
      item.append(el("div", "led-to", el("span", "dim", "Its TwiML sent: "),
        el("ul", null, ...e.led_to.map((m) => el("li", "reply-message", `${m.body || "(no body)"} → ${m.to} (${m.status})`)))));
    }
    return item;
  }

  async function drawLog() {
    const data = await get("log", { page: ui.logPage });
    $("log").replaceChildren(...data.entries.map(logEntry));
    if (!data.entries.length) $("log").append(el("li", "empty", "The emulator has sent no requests yet."));
    const first = data.page * data.size + 1;
    $("log-range").textContent = data.entries.length ? `${first}–${first + data.entries.length - 1} of ${data.total}` : "";
    $("log-prev").disabled = data.page === 0;
    $("log-next").disabled = !data.more;
  }

  // -- refreshing ------------------------------------------------------------------------------

  async function refresh() {
    const state = await get("state", {});
    ui.account = state.account;
    drawHeader(state);
    if (ui.tab === "messages") {
      await Promise.all([drawConversations(), drawThread()]);
    } else {
      await drawLog();
    }
    ui.version = state.version;
    document.body.dataset.version = state.version;
  }

  async function poll() {
    try {
      const { version } = await get("version", {});
      if (version !== ui.version) await refresh();
    } catch (error) {
      notice(`The emulator did not answer: ${error.message}`, true);
    } finally {
      setTimeout(poll, document.hidden ? 4 * POLL_MS : POLL_MS);
    }
  }

  // -- wiring ----------------------------------------------------------------------------------

  function showTab(tab) {
    ui.tab = tab;
    $("messages-view").hidden = tab !== "messages";
    $("log-view").hidden = tab !== "log";
    $("tab-messages").classList.toggle("active", tab === "messages");
    $("tab-log").classList.toggle("active", tab === "log");
    refresh();
  }

  let typing = null;
  function refilter() {
    clearTimeout(typing);
    typing = setTimeout(() => { ui.convPage = 0; refresh(); }, 200);
  }

  function wire() {
    $("account").addEventListener("change", (event) => {
      ui.account = event.target.value;
      ui.threadId = null;
      ui.convPage = 0;
      ui.logPage = 0;
      refresh();
    });
    $("advance-1").addEventListener("click", () => act("clock", { advance: 1 }));
    $("advance-10").addEventListener("click", () => act("clock", { advance: 10 }));
    $("mode").addEventListener("change", (event) => act("mode", { mode: event.target.value }));
    $("reset").addEventListener("click", () => act("reset", {}, () => {
      ui.threadId = null;
      notice("The emulator was reset.");
    }));
    $("tab-messages").addEventListener("click", () => showTab("messages"));
    $("tab-log").addEventListener("click", () => showTab("log"));
    $("filters").addEventListener("submit", (event) => { event.preventDefault(); refilter(); });
    for (const id of ["filter-number", "filter-text"]) $(id).addEventListener("input", refilter);
    $("filter-status").addEventListener("change", refilter);
    $("conv-prev").addEventListener("click", () => { ui.convPage = Math.max(0, ui.convPage - 1); refresh(); });
    $("conv-next").addEventListener("click", () => { ui.convPage += 1; refresh(); });
    $("log-prev").addEventListener("click", () => { ui.logPage = Math.max(0, ui.logPage - 1); refresh(); });
    $("log-next").addEventListener("click", () => { ui.logPage += 1; refresh(); });
    $("thread-older").addEventListener("click", () => { ui.threadPage += 1; refresh(); });
    $("thread-newer").addEventListener("click", () => { ui.threadPage = Math.max(0, ui.threadPage - 1); refresh(); });
    $("outcome").addEventListener("change", (event) => {
      if (!ui.thread || !ui.thread.phone) return;
      act("outcome", { to: ui.thread.phone, status: event.target.value },
        (r) => notice(`Messages to ${r.to} created from now on end ${r.status}.`));
    });
    $("reply-form").addEventListener("submit", (event) => {
      event.preventDefault();
      if (!ui.thread) return;
      const body = $("reply-body").value;
      act("receive", { from: ui.thread.phone, to: ui.thread.ours, body }, (r) => {
        $("reply-body").value = "";
        if (r.errors.length) notice(r.errors.join("; "), true);
      });
    });
    $("reply-body").addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) $("reply-form").requestSubmit();
    });
    $("incoming-form").addEventListener("submit", (event) => {
      event.preventDefault();
      const from = $("incoming-from").value.trim();
      const to = $("incoming-to").value.trim();
      act("receive", { from, to, body: $("incoming-body").value }, (r) => {
        $("incoming-body").value = "";
        ui.threadId = [r.message.from, r.message.to].sort().join(",");
        ui.threadPage = 0;
        if (r.errors.length) notice(r.errors.join("; "), true);
      });
    });
  }

  wire();
  refresh().catch((error) => notice(error.message, true)).finally(() => setTimeout(poll, POLL_MS));
})();
