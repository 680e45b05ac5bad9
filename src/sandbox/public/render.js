// Renders Telegram messages as DOM nodes. Text is only ever inserted as text nodes (never as
// HTML), so whatever a person or the bot wrote shows literally.

/** createElement with a class and text. */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const SAFE_URL = /^(https?:|mailto:|tel:|tg:)/i;

function safeHref(url) {
  if (typeof url !== "string") return undefined;
  const trimmed = url.trim();
  if (SAFE_URL.test(trimmed)) return trimmed;
  if (/^[\w.-]+\.[a-z]{2,}(\/|$)/i.test(trimmed)) return `https://${trimmed}`;
  return undefined;
}

/** The element for one entity (its children are added by the caller). */
function entityElement(entity, text) {
  switch (entity.type) {
    case "bold": return el("strong");
    case "italic": return el("em");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": {
      const pre = el("pre");
      if (entity.language) pre.dataset.language = entity.language;
      return pre;
    }
    case "blockquote":
    case "expandable_blockquote": return el("blockquote", entity.type === "expandable_blockquote" ? "expandable" : "");
    case "spoiler": {
      const span = el("span", "spoiler");
      span.tabIndex = 0;
      span.setAttribute("role", "button");
      span.setAttribute("aria-label", "Spoiler");
      const reveal = () => span.classList.add("revealed");
      span.addEventListener("click", reveal);
      span.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") reveal(); });
      return span;
    }
    case "text_link":
    case "url":
    case "email":
    case "phone_number": {
      const raw = entity.type === "text_link" ? entity.url
        : entity.type === "email" ? `mailto:${text}`
        : entity.type === "phone_number" ? `tel:${text.replace(/[^\d+]/g, "")}` : text;
      const href = safeHref(raw);
      if (!href) return el("span", "link");
      const a = el("a");
      a.href = href;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      return a;
    }
    case "text_mention": return el("span", "mention");
    case "mention":
    case "hashtag":
    case "cashtag":
    case "bot_command": return el("span", entity.type.replace("_", "-"));
    default: return el("span");
  }
}

/**
 * Text with Telegram's entities (offsets in UTF-16 code units, as JavaScript strings count) as
 * nested elements. Entities that overlap instead of nesting are cut at the outer one's end.
 */
export function renderFormatted(text, entities) {
  const fragment = document.createDocumentFragment();
  const sorted = [...(entities ?? [])]
    .filter((e) => Number.isInteger(e.offset) && Number.isInteger(e.length) && e.length > 0)
    .sort((a, b) => a.offset - b.offset || b.length - a.length);
  build(fragment, text, 0, text.length, sorted);
  return fragment;
}

function build(parent, text, start, end, entities) {
  let position = start;
  let index = 0;
  while (index < entities.length) {
    const entity = entities[index];
    index += 1;
    if (entity.offset < position || entity.offset >= end) continue;
    if (entity.offset > position) parent.append(text.slice(position, entity.offset));
    const stop = Math.min(entity.offset + entity.length, end);
    const node = entityElement(entity, text.slice(entity.offset, stop));
    const inner = entities.filter((e) => e !== entity && e.offset >= entity.offset && e.offset < stop);
    build(node, text, entity.offset, stop, inner);
    parent.append(node);
    position = stop;
  }
  if (position < end) parent.append(text.slice(position, end));
}

export function displayName(user) {
  if (!user) return "";
  return [user.first_name, user.last_name].filter(Boolean).join(" ");
}

function formatSize(bytes) {
  if (!Number.isFinite(bytes)) return "";
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** A one-line summary of a message (reply previews, the reply indicator). */
export function snippet(message, t) {
  const text = message.text ?? message.caption ?? "";
  if (text) return text.length > 80 ? `${text.slice(0, 79)}…` : text;
  if (message.photo) return t("photo");
  if (message.document) return message.document.file_name ?? t("document");
  return t("message");
}

/** What a service message (topic created, someone joined, ...) says. */
function serviceText(message, t) {
  if (message.forum_topic_created) return t("topicCreated", { name: message.forum_topic_created.name });
  if (message.forum_topic_edited) return t("topicEdited", { name: message.forum_topic_edited.name ?? "" });
  if (message.forum_topic_closed) return t("topicClosed");
  if (message.forum_topic_reopened) return t("topicReopened");
  if (message.new_chat_members) return t("joined", { name: message.new_chat_members.map(displayName).join(", ") });
  if (message.left_chat_member) return t("left", { name: displayName(message.left_chat_member) });
  if (message.pinned_message) return t("pinned");
  return undefined;
}

/**
 * One message as a list item. `context`: { me (user id), botId, showSender, t, onReply(message),
 * onButton(message, row, column), onCommand(text) }.
 */
export function renderMessage(message, context) {
  const { t } = context;
  const li = el("li", "msg");
  li.dataset.id = String(message.message_id);
  const hasContent = message.text !== undefined || message.caption !== undefined || message.photo || message.document ||
    message.sticker || message.voice || message.video || message.audio;
  const service = hasContent ? undefined : serviceText(message, t);
  if (service !== undefined || !hasContent) {
    li.classList.add("service");
    li.append(el("span", "", service ?? t("message")));
    return li;
  }
  const fromBot = message.from?.id === context.botId;
  const fromMe = message.from?.id === context.me;
  li.classList.add(fromBot ? "from-bot" : fromMe ? "from-me" : "from-other");
  const bubble = el("div", "bubble");
  li.append(bubble);
  if (context.showSender || (!fromBot && !fromMe)) bubble.append(el("div", "sender", displayName(message.from)));
  if (message.forward_origin) {
    const origin = message.forward_origin;
    bubble.append(el("div", "forwarded", t("forwarded", { name: displayName(origin.sender_user) || origin.sender_user_name || origin.chat?.title || "" })));
  }
  if (message.reply_to_message && message.reply_to_message.message_id !== message.message_thread_id) {
    const quote = el("div", "reply-preview");
    quote.append(el("strong", "", displayName(message.reply_to_message.from)), el("span", "", snippet(message.reply_to_message, t)));
    bubble.append(quote);
  }
  if (message.photo) {
    const largest = message.photo[message.photo.length - 1];
    const link = el("a", "photo");
    link.href = `/files/${encodeURIComponent(largest.file_id)}`;
    link.target = "_blank";
    link.rel = "noopener";
    const img = el("img");
    img.src = link.href;
    img.alt = message.caption ? message.caption.slice(0, 100) : t("photo");
    img.addEventListener("error", () => img.replaceWith(el("span", "photo-placeholder", `🖼 ${t("photo")}`)), { once: true });
    link.append(img);
    bubble.append(link);
  }
  const file = message.document ?? message.audio ?? message.voice ?? message.video ?? message.sticker;
  if (file && !message.photo) {
    const a = el("a", "file");
    const name = file.file_name ?? (message.sticker ? `${message.sticker.emoji ?? ""} Sticker` : t("document"));
    a.href = `/files/${encodeURIComponent(file.file_id)}`;
    a.setAttribute("download", file.file_name ?? "");
    a.append(el("span", "file-icon", "📄"), el("span", "file-name", name), el("span", "file-size", formatSize(file.file_size)));
    bubble.append(a);
  }
  const text = message.text ?? message.caption;
  if (text !== undefined) {
    const body = el("div", "text");
    body.append(renderFormatted(text, message.entities ?? message.caption_entities));
    for (const command of body.querySelectorAll(".bot-command")) {
      command.tabIndex = 0;
      command.setAttribute("role", "link");
      command.addEventListener("click", (event) => { event.stopPropagation(); context.onCommand(command.textContent); });
      command.addEventListener("keydown", (event) => { if (event.key === "Enter") context.onCommand(command.textContent); });
    }
    bubble.append(body);
  }
  const meta = el("div", "meta");
  if (message.edit_date) meta.append(el("span", "edited", t("edited")));
  const time = new Date(message.date * 1000);
  meta.append(el("time", "", time.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })));
  if (context.onReply) {
    const reply = el("button", "reply-button", "↩");
    reply.type = "button";
    reply.title = t("replyTo");
    reply.setAttribute("aria-label", t("replyTo"));
    reply.addEventListener("click", (event) => { event.stopPropagation(); context.onReply(message); });
    meta.append(reply);
    bubble.addEventListener("click", (event) => {
      if (event.target.closest("a, button, .spoiler, .bot-command")) return;
      if (window.getSelection()?.toString()) return;
      context.onReply(message);
    });
  }
  bubble.append(meta);
  const rows = message.reply_markup?.inline_keyboard;
  if (rows?.length) li.append(renderInlineKeyboard(message, rows, context));
  return li;
}

function renderInlineKeyboard(message, rows, context) {
  const keyboard = el("div", "inline-keyboard");
  rows.forEach((row, rowIndex) => {
    const line = el("div", "kb-row");
    row.forEach((button, columnIndex) => {
      const href = button.url ? safeHref(button.url) : undefined;
      if (href) {
        const a = el("a", "kb-button", `${button.text} ↗`);
        a.href = href;
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        line.append(a);
        return;
      }
      const b = el("button", "kb-button", button.text);
      b.type = "button";
      // Where the button sits: the page puts the focus back on it when the message is edited.
      b.dataset.row = String(rowIndex);
      b.dataset.column = String(columnIndex);
      if (button.url) {
        // A link the sandbox won't open (javascript:, data:, ...): shown, but not usable.
        b.disabled = true;
        b.title = button.url;
      } else if (button.callback_data !== undefined) {
        b.addEventListener("click", () => context.onButton(message, rowIndex, columnIndex, b));
      } else if (button.switch_inline_query_current_chat !== undefined || button.switch_inline_query !== undefined) {
        b.addEventListener("click", () => context.onInline?.(button.switch_inline_query_current_chat ?? button.switch_inline_query ?? ""));
      } else {
        b.disabled = true;
        b.title = context.t("unsupportedButton");
      }
      line.append(b);
    });
    keyboard.append(line);
  });
  return keyboard;
}
