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
    messages: "Nachrichten", keyboard: "Tastatur des Bots", you: "Sie", newFromBot: "Neue Nachricht vom Bot",
    tooLarge: "Die Datei ist zu groß (höchstens {{limit}}).",
    stopped: "Die Sandbox ist beendet. Starten Sie sie wieder (npm run sandbox); diese Seite verbindet sich dann von selbst.",
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
    messages: "Messages", keyboard: "The bot's keyboard", you: "You", newFromBot: "New message from the bot",
    tooLarge: "The file is too large (at most {{limit}}).",
    stopped: "The sandbox has stopped. Start it again (npm run sandbox); this page then reconnects by itself.",
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

/** Nothing answers: the sandbox is not running. */
class Offline extends Error {}

async function api(method, path, body, headers = { "content-type": "application/json" }) {
  const response = await fetch(path, { method, headers: body === undefined ? {} : headers, body: body === undefined ? undefined : headers["content-type"] === "application/json" ? JSON.stringify(body) : body })
    .catch((error) => { throw new Offline(error.message); });
  const data = await response.json().catch(() => ({}));
  if (response.status === 413) throw new Error(t("tooLarge", { limit: /at most ([^)]+)/.exec(data.error ?? "")?.[1] ?? "?" }));
  if (!response.ok) throw new Error(data.error ?? response.statusText);
  return data;
}

/** Where the focus is, as something that survives re-rendering: message id and button position. */
function focusKey(node) {
  const message = node?.closest?.("li.msg[data-id]");
  if (!message) return undefined;
  return { list: message.parentElement?.id, id: message.dataset.id, row: node.dataset.row, column: node.dataset.column, className: node.classList[0] };
}

/** Focuses what `focusKey` described (the same button of the re-rendered message), if it is there. */
function restoreFocus(key) {
  const list = key && document.getElementById(key.list);
  const message = list?.querySelector(`:scope > li.msg[data-id="${CSS.escape(key.id)}"]`);
  if (!message) {
    list?.focus();
    return;
  }
  const target = (key.row !== undefined && message.querySelector(`.kb-button[data-row="${key.row}"][data-column="${key.column}"]`)) ||
    (key.className && message.querySelector(`.${CSS.escape(key.className)}`)) ||
    message.querySelector("button:not([disabled]), a[href]");
  (target ?? list).focus();
}

// The bot's alerts (show_alert): a modal dialog; Escape or OK closes it, the focus goes back.
const alertDialog = document.getElementById("alert");
let alertOpener;
alertDialog.addEventListener("close", () => {
  const { node, key } = alertOpener ?? {};
  alertOpener = undefined;
  if (node?.isConnected) node.focus();
  else if (key) restoreFocus(key);
});

function toast(text, alert = false) {
  if (alert) {
    document.getElementById("alert-text").textContent = text;
    if (!alertDialog.open) {
      const node = document.activeElement;
      alertOpener = { node, key: focusKey(node) };
      alertDialog.showModal();
    }
    document.getElementById("alert-ok").focus();
    return;
  }
  const item = el("div", "toast", text);
  document.getElementById("toasts").append(item);
  setTimeout(() => item.remove(), 4000);
}

function errorToast(text) {
  const item = el("div", "toast toast-error", text);
  document.getElementById("errors").append(item);
  setTimeout(() => item.remove(), 6000);
}

// ---- the sandbox stopped ------------------------------------------------------------------

const stoppedBanner = document.getElementById("stopped");
function showStopped(stopped) {
  if (stopped === !stoppedBanner.hidden) return;
  stoppedBanner.hidden = !stopped;
  // Set while shown, so that screen readers announce it.
  stoppedBanner.textContent = stopped ? t("stopped") : "";
}

/** An action failed: say why, unless the banner already says that the sandbox is gone. */
const failed = (error) => {
  if (!stoppedBanner.hidden) return;
  if (error instanceof Offline) {
    showStopped(true);
    return;
  }
  errorToast(t("failed", { error: error.message }));
};
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
  // The command menu per person and chat; fetched again on each fresh "/" (it may change).
  const commandCache = new Map();
  const commandKey = (target) => `${target.as}:${target.chat}`;
  input.addEventListener("input", async () => {
    const target = options.target();
    if (!target || !/^\/\w*$/.test(input.value)) {
      suggestions.hidden = true;
      return;
    }
    if (input.value === "/" || !commandCache.has(commandKey(target))) {
      try {
        commandCache.set(commandKey(target), (await api("GET", `/api/commands?as=${target.as}&chat=${target.chat}`)).commands);
      } catch {
        // shown as no suggestions
      }
    }
    showCommands();
  });
  /** Lists the commands matching the input as it is now (typing may have gone on meanwhile). */
  function showCommands() {
    const value = input.value;
    const target = options.target();
    const commands = (target && commandCache.get(commandKey(target))) ?? [];
    if (!/^\/\w*$/.test(value)) {
      suggestions.hidden = true;
      return;
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
  }
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
      // Unchanged: keep the buttons (and the focus on one of them).
      const shown = JSON.stringify(markup?.keyboard ?? null);
      if (keyboard.dataset.shown === shown) return;
      keyboard.dataset.shown = shown;
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

/** What each list shows: for whom (`key`), and per message id its JSON and list item. */
const rendered = new Map();

/**
 * Shows `messages` in `list`, changing only what changed: new messages are added, edited ones
 * replaced, deleted ones removed. A focused button keeps (or gets back) the focus. New messages
 * from the bot are announced; the lists themselves are not live regions.
 */
function renderList(list, messages, context, key) {
  const nearBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  let shown = rendered.get(list.id);
  const fresh = shown?.key !== key;
  if (fresh) {
    list.replaceChildren();
    shown = { key, items: new Map() };
    rendered.set(list.id, shown);
  }
  const focused = list.contains(document.activeElement) ? document.activeElement : undefined;
  const focus = focusKey(focused);
  list.querySelector(":scope > .empty")?.remove();
  const ids = new Set(messages.map((message) => message.message_id));
  for (const [id, item] of shown.items) {
    if (ids.has(id)) continue;
    item.node.remove();
    shown.items.delete(id);
  }
  const arrived = [];
  let previous;
  for (const message of messages) {
    const json = JSON.stringify(message);
    let item = shown.items.get(message.message_id);
    if (!item) {
      item = { json, node: renderMessage(message, context) };
      shown.items.set(message.message_id, item);
      if (!fresh) arrived.push(message);
    } else if (item.json !== json) {
      const node = renderMessage(message, context);
      item.node.replaceWith(node);
      item.node = node;
      item.json = json;
    }
    const place = previous ? previous.nextSibling : list.firstChild;
    if (item.node !== place) list.insertBefore(item.node, place);
    previous = item.node;
  }
  if (messages.length === 0) list.append(el("li", "msg service empty", t("empty")));
  if (focused && !focused.isConnected && focus) restoreFocus(focus);
  if (nearBottom || fresh) list.scrollTop = list.scrollHeight;
  announce(arrived.filter((message) => message.from?.id === state.bot.id));
}

const announcer = document.getElementById("announcer");
function announce(messages) {
  if (messages.length === 0) return;
  const text = messages.map((message) => `${t("newFromBot")}: ${snippet(message, t)}`).join(" ");
  announcer.textContent = "";
  setTimeout(() => { announcer.textContent = text; }, 50);
}

/** Callback queries the bot has answered, and what to do when it answers one. */
const answeredQueries = new Set();
const pressedButtons = new Map();
function callbackAnswered(queryId) {
  answeredQueries.add(queryId);
  if (answeredQueries.size > 200) answeredQueries.delete(answeredQueries.values().next().value);
  pressedButtons.get(queryId)?.();
  pressedButtons.delete(queryId);
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
      // Like Telegram's spinner: until the bot answers the callback (or gives up).
      const release = () => button.classList.remove("pressed");
      setTimeout(release, 15_000);
      try {
        const { queryId } = await api("POST", "/api/click", { as: me, chat: chatId, message: message.message_id, row, column });
        if (answeredQueries.has(queryId)) release();
        else pressedButtons.set(queryId, release);
      } catch (error) {
        release();
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
  renderList(document.getElementById("private-messages"), data.messages, messageContext(me, me, privateComposer, false), `${me}`);
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
  // The server picks the topic's messages (and counts the unread ones from what this page saw).
  const topic = state.topic;
  const seen = [...state.seen].map(([id, last]) => `${id}:${last}`).join(",");
  const data = await api("GET", `/api/chat?id=${state.staffGroup.id}&thread=${topic}&seen=${seen}`);
  if (topic !== state.topic) return;
  document.getElementById("group-title").textContent = data.chat.title;
  const topicsNav = document.getElementById("topics");
  const isForum = Array.isArray(data.topics);
  topicsNav.hidden = !isForum;
  if (isForum) {
    if (topic !== 0 && !data.topics.some((item) => item.message_thread_id === topic)) {
      // The topic is gone: show General instead.
      state.topic = 0;
      return refreshGroup();
    }
    state.seen.set(topic, Math.max(state.seen.get(topic) ?? 0, ...data.messages.map((m) => m.message_id)));
    const focusedTopic = topicsNav.contains(document.activeElement) ? document.activeElement.dataset.topic : undefined;
    topicsNav.replaceChildren(
      el("h3", "visually-hidden", t("topicsLabel")),
      topicButton(0, t("general"), 0, false),
      ...[...data.topics].reverse().map((item) => topicButton(item.message_thread_id, item.name, item.message_thread_id === topic ? 0 : item.unread, item.closed)),
    );
    if (focusedTopic !== undefined) topicsNav.querySelector(`[data-topic="${CSS.escape(focusedTopic)}"]`)?.focus();
    const current = data.topics.find((item) => item.message_thread_id === topic);
    document.getElementById("topic-title").textContent = current ? current.name : t("general");
  } else {
    document.getElementById("topic-title").textContent = "";
  }
  const list = document.getElementById("group-messages");
  renderList(list, data.messages, messageContext(state.staffGroup.id, state.staffMe, groupComposer, true), `${state.staffMe}:${topic}`);
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

let reconnecting;
function connect() {
  const events = new EventSource("/events");
  events.addEventListener("answered", (event) => callbackAnswered(JSON.parse(event.data).queryId));
  events.addEventListener("stopped", () => showStopped(true));
  events.addEventListener("error", () => {
    if (events.readyState === EventSource.CLOSED) {
      // The browser gave up: show it, and try again now and then ourselves.
      showStopped(true);
      setTimeout(connect, 3000);
      return;
    }
    // Reconnecting: a short hiccup is no news, a longer one is.
    clearTimeout(reconnecting);
    reconnecting = setTimeout(() => {
      if (events.readyState !== EventSource.OPEN) showStopped(true);
    }, 2500);
  });
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
  events.addEventListener("open", () => {
    clearTimeout(reconnecting);
    showStopped(false);
    refreshAll();
  });
}

await loadState();
inline.setBot(state.bot);
await refreshAll();
connect();
document.body.dataset.ready = "true";
