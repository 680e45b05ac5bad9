// The sandbox page: two chats side by side, acting as the chosen person. Data comes from the
// sandbox's JSON API; server-sent events say when a chat changed.
import { displayName, el, renderFormatted, renderMessage, snippet } from "./render.js";

const TEXTS = {
  de: {
    title: "Lotsenbot – Sandbox", subtitle: "nichts geht an Telegram", actAs: "Privater Chat von",
    addVolunteer: "Ehrenamtliche hinzufügen", name: "Name", telegramLanguage: "Telegram-Sprache", add: "Hinzufügen",
    privateChat: "Privater Chat mit dem Bot", volunteers: "Ehrenamtliche", staff: "Lotsen-Team",
    message: "Nachricht", send: "Senden", attach: "Datei oder Foto senden", replyTo: "Antworten",
    replyingTo: "Antwort auf {{name}}:", cancelReply: "Antwort abbrechen", photo: "Foto", document: "Dokument",
    edited: "bearbeitet", general: "Allgemein", topicsLabel: "Themen", writeAs: "Im Team schreiben als",
    groupReadOnly: "Nur Mitglieder des Lotsen-Teams schreiben hier.", inlineLabel: "Inline-Suche",
    inlineHint: "So sucht man in Telegram mit @{{bot}} in jedem Chat. Die Karte würde in den gewählten Chat geteilt.",
    noResults: "Keine Ergebnisse.", topicCreated: "Thema „{{name}}“ erstellt", topicEdited: "Thema umbenannt: „{{name}}“",
    topicClosed: "Thema geschlossen", topicReopened: "Thema wieder geöffnet", joined: "{{name}} ist beigetreten",
    left: "{{name}} hat die Gruppe verlassen", pinned: "Nachricht angeheftet", forwarded: "Weitergeleitet von {{name}}",
    commands: "Befehle", closedTopic: "geschlossen", unsupportedButton: "Diese Art Knopf kann die Sandbox nicht.",
    failed: "Das hat nicht geklappt: {{error}}", added: "{{name}} ist jetzt dabei. Er oder sie beginnt mit /start.",
    messages: "Nachrichten", keyboard: "Tastatur des Bots", you: "Sie",
    empty: "Noch keine Nachrichten. Schreiben Sie etwas, /start, oder tippen Sie / für die Befehle.",
  },
  en: {
    title: "Lotsenbot – sandbox", subtitle: "nothing goes to Telegram", actAs: "Private chat of",
    addVolunteer: "Add a volunteer", name: "Name", telegramLanguage: "Telegram language", add: "Add",
    privateChat: "Private chat with the bot", volunteers: "Volunteers", staff: "Guide team",
    message: "Message", send: "Send", attach: "Send a file or photo", replyTo: "Reply",
    replyingTo: "Replying to {{name}}:", cancelReply: "Cancel reply", photo: "Photo", document: "Document",
    edited: "edited", general: "General", topicsLabel: "Topics", writeAs: "Writing in the team as",
    groupReadOnly: "Only members of the guide team write here.", inlineLabel: "Inline search",
    inlineHint: "This is how Telegram searches with @{{bot}} in any chat. The card would be shared into the chosen chat.",
    noResults: "No results.", topicCreated: "Topic “{{name}}” created", topicEdited: "Topic renamed: “{{name}}”",
    topicClosed: "Topic closed", topicReopened: "Topic reopened", joined: "{{name}} joined",
    left: "{{name}} left the group", pinned: "Message pinned", forwarded: "Forwarded from {{name}}",
    commands: "Commands", closedTopic: "closed", unsupportedButton: "The sandbox can't do this kind of button.",
    failed: "That didn't work: {{error}}", added: "{{name}} has joined. They start with /start.",
    messages: "Messages", keyboard: "The bot's keyboard", you: "You",
    empty: "No messages yet. Write something, /start, or type / for the commands.",
  },
};
const requested = new URLSearchParams(location.search).get("lang");
const LANG = requested === "en" || requested === "de" ? requested : navigator.language?.toLowerCase().startsWith("de") ? "de" : "en";
document.documentElement.lang = LANG;
function t(key, vars = {}) {
  const text = TEXTS[LANG][key] ?? TEXTS.de[key] ?? key;
  return text.replace(/\{\{(\w+)\}\}/g, (_, name) => String(vars[name] ?? ""));
}
for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
document.title = t("title");

const state = {
  bot: undefined,
  people: [],
  staffGroup: undefined,
  me: undefined,
  staffMe: undefined,
  topic: 0,
  seen: new Map(),
  chats: new Map(),
};

async function api(method, path, body, headers = { "content-type": "application/json" }) {
  const response = await fetch(path, { method, headers: body === undefined ? {} : headers, body: body === undefined ? undefined : headers["content-type"] === "application/json" ? JSON.stringify(body) : body });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error ?? response.statusText);
  return data;
}

function toast(text, alert = false) {
  if (alert) {
    document.getElementById("alert-text").textContent = text;
    const dialog = document.getElementById("alert");
    dialog.hidden = false;
    document.getElementById("alert-ok").focus();
    return;
  }
  const item = el("div", "toast", text);
  document.getElementById("toasts").append(item);
  setTimeout(() => item.remove(), 4000);
}
document.getElementById("alert-ok").addEventListener("click", () => { document.getElementById("alert").hidden = true; });

const failed = (error) => toast(t("failed", { error: error.message }));
const personById = (id) => state.people.find((p) => p.id === id);
const isStaff = (id) => personById(id)?.role === "staff";

// ---- people ------------------------------------------------------------------------------

function fillPeople() {
  const select = document.getElementById("person");
  select.replaceChildren();
  for (const [role, label] of [["volunteer", t("volunteers")], ["staff", t("staff")]]) {
    const group = el("optgroup");
    group.label = label;
    for (const person of state.people.filter((p) => p.role === role)) {
      const option = el("option", "", `${displayName(person)} (${person.language_code})`);
      option.value = String(person.id);
      group.append(option);
    }
    select.append(group);
  }
  select.value = String(state.me);
}

async function loadState() {
  const data = await api("GET", "/api/state");
  state.bot = data.bot;
  state.people = data.people;
  state.staffGroup = data.staffGroup;
  const fromHash = Number(location.hash.slice(1));
  if (state.me === undefined) state.me = personById(fromHash)?.id ?? state.people[0]?.id;
  if (state.staffMe === undefined) state.staffMe = state.people.find((p) => p.role === "staff")?.id;
  fillPeople();
}

document.getElementById("person").addEventListener("change", (event) => {
  state.me = Number(event.target.value);
  if (isStaff(state.me)) state.staffMe = state.me;
  history.replaceState(null, "", `#${state.me}`);
  privateComposer.reset();
  groupComposer.reset();
  refreshAll();
});

document.getElementById("add-person").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = event.target;
  const name = form.elements.name.value;
  try {
    const { id } = await api("POST", "/api/people", { name, language: form.elements.language.value });
    await loadState();
    state.me = id;
    fillPeople();
    form.reset();
    form.closest("details").open = false;
    privateComposer.reset();
    toast(t("added", { name }));
    await refreshAll();
    privateComposer.focus();
  } catch (error) {
    failed(error);
  }
});

// ---- composer ----------------------------------------------------------------------------

/** Text box with reply indicator, `/` command list, file upload and (private) reply keyboard. */
function createComposer(container, options) {
  let replyTo;
  const reply = el("div", "reply-indicator");
  reply.hidden = true;
  const replyText = el("span");
  const cancel = el("button", "link-button", "✕");
  cancel.type = "button";
  cancel.setAttribute("aria-label", t("cancelReply"));
  cancel.addEventListener("click", () => setReply(undefined));
  reply.append(replyText, cancel);

  const suggestions = el("ul", "command-list");
  suggestions.setAttribute("role", "listbox");
  suggestions.setAttribute("aria-label", t("commands"));
  suggestions.hidden = true;

  const form = el("form", "composer");
  const id = `${options.name}-input`;
  const label = el("label", "visually-hidden", t("message"));
  label.htmlFor = id;
  const input = el("textarea");
  input.id = id;
  input.rows = 1;
  input.maxLength = 4096;
  input.placeholder = t("message");
  input.setAttribute("aria-autocomplete", "list");
  const fileLabel = el("label", "file-button", "📎");
  fileLabel.title = t("attach");
  const file = el("input");
  file.type = "file";
  file.className = "visually-hidden";
  file.setAttribute("aria-label", t("attach"));
  fileLabel.append(file);
  const send = el("button", "send-button", t("send"));
  send.type = "submit";
  form.append(label, fileLabel, input, send);

  const keyboard = el("div", "reply-keyboard");
  keyboard.setAttribute("aria-label", t("keyboard"));
  keyboard.setAttribute("role", "group");
  const note = el("p", "read-only-note", t("groupReadOnly"));
  note.hidden = true;
  container.replaceChildren(reply, suggestions, form, note, keyboard);

  function setReply(message) {
    replyTo = message;
    reply.hidden = !message;
    if (message) {
      replyText.textContent = `${t("replyingTo", { name: displayName(message.from) })} ${snippet(message, t)}`;
      input.focus();
    }
  }

  async function submit(text) {
    const target = options.target();
    if (!target) return;
    try {
      await api("POST", "/api/send", { as: target.as, chat: target.chat, text, replyTo: replyTo?.message_id, thread: target.thread });
      setReply(undefined);
      return true;
    } catch (error) {
      failed(error);
      return false;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    suggestions.hidden = true;
    if (await submit(text)) input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    } else if (event.key === "Escape") {
      suggestions.hidden = true;
      setReply(undefined);
    } else if (event.key === "ArrowDown" && !suggestions.hidden) {
      event.preventDefault();
      suggestions.querySelector("button")?.focus();
    }
  });
  let commands = [];
  input.addEventListener("input", async () => {
    const value = input.value;
    if (!/^\/\w*$/.test(value)) {
      suggestions.hidden = true;
      return;
    }
    const target = options.target();
    if (!target) return;
    if (value === "/") {
      try {
        commands = (await api("GET", `/api/commands?as=${target.as}&chat=${target.chat}`)).commands;
      } catch {
        commands = [];
      }
    }
    const matching = commands.filter((c) => `/${c.command}`.startsWith(value));
    suggestions.replaceChildren(...matching.map((c) => {
      const item = el("li");
      item.setAttribute("role", "option");
      const button = el("button", "command");
      button.type = "button";
      button.append(el("strong", "", `/${c.command}`), el("span", "", ` ${c.description}`));
      button.addEventListener("click", async () => {
        suggestions.hidden = true;
        input.value = "";
        await submit(`/${c.command}`);
        input.focus();
      });
      button.addEventListener("keydown", (event) => {
        if (event.key === "ArrowDown") { event.preventDefault(); item.nextElementSibling?.querySelector("button")?.focus(); }
        if (event.key === "ArrowUp") { event.preventDefault(); (item.previousElementSibling?.querySelector("button") ?? input).focus(); }
        if (event.key === "Escape") { suggestions.hidden = true; input.focus(); }
      });
      item.append(button);
      return item;
    }));
    suggestions.hidden = matching.length === 0;
  });
  file.addEventListener("change", async () => {
    const chosen = file.files?.[0];
    const target = options.target();
    if (!chosen || !target) return;
    const params = new URLSearchParams({ as: target.as, chat: target.chat, name: chosen.name, type: chosen.type || "application/octet-stream" });
    if (target.thread) params.set("thread", target.thread);
    if (replyTo) params.set("replyTo", replyTo.message_id);
    if (input.value.trim()) params.set("caption", input.value);
    try {
      await api("POST", `/api/upload?${params}`, await chosen.arrayBuffer(), { "content-type": "application/octet-stream" });
      input.value = "";
      setReply(undefined);
    } catch (error) {
      failed(error);
    }
    file.value = "";
  });

  return {
    setReply,
    focus: () => input.focus(),
    reset: () => {
      setReply(undefined);
      input.value = "";
      suggestions.hidden = true;
    },
    fill: (text) => { input.value = text; input.focus(); },
    submit,
    setEnabled(enabled) {
      form.hidden = !enabled;
      note.hidden = enabled;
    },
    setKeyboard(markup) {
      keyboard.replaceChildren();
      if (!markup?.keyboard) return;
      for (const row of markup.keyboard) {
        const line = el("div", "kb-row");
        for (const button of row) {
          const text = typeof button === "string" ? button : button.text;
          const b = el("button", "kb-button", text);
          b.type = "button";
          b.addEventListener("click", () => submit(text));
          line.append(b);
        }
        keyboard.append(line);
      }
    },
  };
}

const privateComposer = createComposer(document.getElementById("private-composer"), {
  name: "private",
  target: () => (state.me === undefined ? undefined : { as: state.me, chat: state.me }),
});
const groupComposer = createComposer(document.getElementById("group-composer"), {
  name: "group",
  target: () => state.staffMe === undefined || !state.staffGroup ? undefined : { as: state.staffMe, chat: state.staffGroup.id, thread: state.topic || undefined },
});

// ---- inline mode -------------------------------------------------------------------------

const inline = (() => {
  const box = el("div", "inline-box");
  const label = el("label", "", `${t("inlineLabel")}: @bot`);
  label.htmlFor = "inline-query";
  const input = el("input");
  input.id = "inline-query";
  input.type = "search";
  input.autocomplete = "off";
  const hint = el("p", "hint");
  const results = el("ul", "inline-results");
  results.setAttribute("aria-live", "polite");
  box.append(label, input, hint, results);
  document.getElementById("private-pane").append(box);
  let latest;
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      if (!input.value.trim()) {
        results.replaceChildren();
        return;
      }
      try {
        latest = (await api("POST", "/api/inline", { as: state.me, query: input.value })).queryId;
      } catch (error) {
        failed(error);
      }
    }, 300);
  });
  return {
    setBot(bot) {
      label.textContent = `${t("inlineLabel")}: @${bot.username}`;
      hint.textContent = t("inlineHint", { bot: bot.username });
    },
    fill(text) {
      input.value = text;
      input.focus();
      input.dispatchEvent(new Event("input"));
    },
    show(queryId, list) {
      if (queryId !== latest) return;
      if (list.length === 0) {
        results.replaceChildren(el("li", "hint", t("noResults")));
        return;
      }
      results.replaceChildren(...list.map((result) => {
        const item = el("li", "inline-result");
        const details = el("details");
        const summary = el("summary");
        summary.append(el("strong", "", result.title ?? result.id), el("span", "", result.description ? ` – ${result.description}` : ""));
        details.append(summary);
        const content = result.input_message_content;
        if (content?.message_text) {
          const preview = el("div", "text");
          // The bot sends HTML here; show it as plain text with the tags removed, never as HTML.
          const text = new DOMParser().parseFromString(`<body>${content.message_text}`, "text/html").body.textContent ?? "";
          preview.append(renderFormatted(text, []));
          details.append(preview);
        }
        item.append(details);
        return item;
      }));
    },
  };
})();

// ---- chats -------------------------------------------------------------------------------

function renderList(list, messages, context) {
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  list.replaceChildren(...messages.map((message) => renderMessage(message, context)));
  if (messages.length === 0) list.append(el("li", "msg service", t("empty")));
  if (nearBottom) list.scrollTop = list.scrollHeight;
}

function messageContext(chatId, me, composer, showSender) {
  return {
    t,
    me,
    botId: state.bot.id,
    showSender,
    onReply: (message) => composer.setReply(message),
    onCommand: (text) => composer.submit(text),
    onInline: (text) => inline.fill(text),
    onButton: async (message, row, column, button) => {
      button.classList.add("pressed");
      try {
        await api("POST", "/api/click", { as: me, chat: chatId, message: message.message_id, row, column });
      } catch (error) {
        failed(error);
      }
    },
  };
}

async function refreshPrivate() {
  if (state.me === undefined) return;
  const me = state.me;
  const data = await api("GET", `/api/chat?id=${me}`);
  if (me !== state.me) return;
  document.getElementById("private-title").textContent = `${t("privateChat")}: ${displayName(personById(me))}`;
  renderList(document.getElementById("private-messages"), data.messages, messageContext(me, me, privateComposer, false));
  privateComposer.setKeyboard(data.keyboard);
}

function topicButton(id, name, count, closed) {
  const button = el("button", "topic");
  button.type = "button";
  button.dataset.topic = String(id);
  button.append(el("span", "topic-name", name));
  if (closed) button.append(el("span", "topic-closed", ` 🔒 ${t("closedTopic")}`));
  if (count > 0) button.append(el("span", "badge", String(count)));
  if (state.topic === id) button.setAttribute("aria-current", "true");
  button.addEventListener("click", () => {
    state.topic = id;
    groupComposer.reset();
    refreshGroup();
  });
  return button;
}

async function refreshGroup() {
  if (!state.staffGroup) return;
  const data = await api("GET", `/api/chat?id=${state.staffGroup.id}`);
  document.getElementById("group-title").textContent = data.chat.title;
  const topicsNav = document.getElementById("topics");
  const isForum = Array.isArray(data.topics);
  topicsNav.hidden = !isForum;
  let shown = data.messages;
  if (isForum) {
    if (state.topic && !data.topics.some((topic) => topic.message_thread_id === state.topic)) state.topic = 0;
    const inTopic = (message, id) => (id === 0 ? !message.is_topic_message : message.message_thread_id === id);
    const unread = (id) => data.messages.filter((m) => inTopic(m, id) && m.message_id > (state.seen.get(id) ?? 0)).length;
    shown = data.messages.filter((message) => inTopic(message, state.topic));
    state.seen.set(state.topic, Math.max(0, ...shown.map((m) => m.message_id)));
    const heading = el("h3", "visually-hidden", t("topicsLabel"));
    topicsNav.replaceChildren(
      heading,
      topicButton(0, t("general"), 0, false),
      ...[...data.topics].reverse().map((topic) => topicButton(topic.message_thread_id, topic.name, topic.message_thread_id === state.topic ? 0 : unread(topic.message_thread_id), topic.closed)),
    );
    const current = data.topics.find((topic) => topic.message_thread_id === state.topic);
    document.getElementById("topic-title").textContent = current ? current.name : t("general");
  } else {
    document.getElementById("topic-title").textContent = "";
  }
  renderList(document.getElementById("group-messages"), shown, messageContext(state.staffGroup.id, state.staffMe, groupComposer, true));
  renderWriteAs();
}

function renderWriteAs() {
  const staff = state.people.filter((p) => p.role === "staff");
  let wrapper = document.getElementById("write-as");
  if (!wrapper) {
    wrapper = el("div", "write-as");
    wrapper.id = "write-as";
    const label = el("label", "", t("writeAs"));
    label.htmlFor = "staff-person";
    const select = el("select");
    select.id = "staff-person";
    select.addEventListener("change", () => {
      state.staffMe = Number(select.value);
      refreshGroup();
    });
    wrapper.append(label, select);
    document.getElementById("group-composer").before(wrapper);
  }
  const select = wrapper.querySelector("select");
  if (select.options.length !== staff.length) {
    select.replaceChildren(...staff.map((p) => Object.assign(el("option", "", displayName(p)), { value: String(p.id) })));
  }
  select.value = String(state.staffMe);
  groupComposer.setEnabled(isStaff(state.staffMe));
}

function refreshAll() {
  return Promise.all([refreshPrivate(), refreshGroup()]).catch(failed);
}

// ---- live updates ------------------------------------------------------------------------

const pending = new Set();
let scheduled = false;
function schedule(chatId) {
  pending.add(chatId);
  if (scheduled) return;
  scheduled = true;
  setTimeout(() => {
    scheduled = false;
    const chats = [...pending];
    pending.clear();
    if (chats.includes(state.me)) refreshPrivate().catch(failed);
    if (state.staffGroup && chats.includes(state.staffGroup.id)) refreshGroup().catch(failed);
  }, 50);
}

function connect() {
  const events = new EventSource("/events");
  events.addEventListener("changed", (event) => schedule(JSON.parse(event.data).chatId));
  events.addEventListener("toast", (event) => {
    const data = JSON.parse(event.data);
    if (data.userId === state.me || data.userId === state.staffMe) toast(data.text, data.alert);
  });
  events.addEventListener("inline", (event) => {
    const data = JSON.parse(event.data);
    inline.show(data.queryId, data.results);
  });
  events.addEventListener("people", () => loadState().catch(failed));
  // After a reconnect (sandbox restarted) everything may have changed.
  events.addEventListener("open", () => refreshAll());
}

await loadState();
inline.setBot(state.bot);
await refreshAll();
connect();
document.body.dataset.ready = "true";
