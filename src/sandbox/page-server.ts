/**
 * The sandbox's web page and its small JSON API, on 127.0.0.1 only: the page shows the fake
 * Telegram's chats and acts as its people (send, click, upload, inline queries); server-sent
 * events tell it what changed.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { BotCommand, Message } from "grammy/types";
import type { FakeCall, FakeTelegram } from "./fake-telegram/index.js";
import { peopleOf, STAFF_GROUP, type SandboxPerson } from "./world.js";

const PUBLIC_DIR = new URL("./public/", import.meta.url);
const STATIC: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/render.js": { file: "render.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};
/** How many messages of a chat (of one topic in a forum) the page shows (the newest). */
const SHOWN_MESSAGES = 300;
/** Uploaded files shown inline on the page; every other file is only ever downloaded. */
const INLINE_IMAGE = /^image\/(jpeg|png|gif|webp)$/;
const MAX_UPLOAD_BYTES = 20 * 1024 * 1024;
const MAX_JSON_BYTES = 64 * 1024;
/** Calls that change what a chat shows. */
const CHANGES_CHAT = /^(send|copy|forward|edit|delete|createForumTopic|editForumTopic|closeForumTopic|reopenForumTopic|pin|unpin)/;

export interface PageState {
  /** The reply keyboard each chat currently shows (Telegram keeps it until replaced or removed). */
  keyboards: Map<number, unknown>;
  /** Volunteers added on the page. */
  added: number[];
}

export interface PageServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startPageServer(fake: FakeTelegram, state: PageState, options: { port: number; onChange: () => void }): Promise<PageServer> {
  const clients = new Set<ServerResponse>();
  const queryOwners = new Map<string, number>();

  const broadcast = (event: string, data: unknown) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const client of clients) client.write(frame);
  };
  const changed = (chatId: number) => {
    broadcast("changed", { chatId });
    options.onChange();
  };

  const onCall = (call: FakeCall) => {
    if (!call.response?.ok) return;
    const chatId = Number(call.params.chat_id);
    if (CHANGES_CHAT.test(call.method) && Number.isFinite(chatId)) {
      const markup = parseMarkup(call.params.reply_markup);
      if (markup && ("keyboard" in markup || "remove_keyboard" in markup)) state.keyboards.set(chatId, "keyboard" in markup ? markup : undefined);
      changed(chatId);
    } else if (call.method === "answerCallbackQuery") {
      const queryId = String(call.params.callback_query_id);
      const userId = queryOwners.get(queryId);
      queryOwners.delete(queryId);
      broadcast("answered", { queryId });
      if (typeof call.params.text === "string" && call.params.text !== "") {
        broadcast("toast", { userId, text: call.params.text, alert: call.params.show_alert === true || call.params.show_alert === "true" });
      }
    } else if (call.method === "answerInlineQuery") {
      broadcast("inline", { queryId: String(call.params.inline_query_id), results: call.params.results ?? [] });
    }
  };
  fake.on("call", onCall);

  const person = (id: unknown): SandboxPerson => {
    const found = peopleOf(fake, state.added).find((p) => p.id === Number(id));
    if (!found) throw new HttpError(400, "unknown person");
    return found;
  };
  /** The chat a person may act in: their private chat, or the staff group if they are in it. */
  const chatFor = (who: SandboxPerson, chatId: unknown): number => {
    const id = Number(chatId);
    if (id === who.id) return id;
    if (id === STAFF_GROUP.id && who.role === "staff") return id;
    throw new HttpError(403, "this person can't write in that chat");
  };

  const api: Record<string, (req: IncomingMessage, url: URL) => Promise<unknown> | unknown> = {
    "GET /api/state": () => ({
      bot: fake.botUser,
      people: peopleOf(fake, state.added),
      staffGroup: fake.chat(STAFF_GROUP.id),
    }),
    "GET /api/chat": (_req, url) => {
      const chatId = Number(url.searchParams.get("id"));
      const chat = fake.chat(chatId);
      if (!chat) throw new HttpError(404, "no such chat");
      const isForum = chat.type === "supergroup" && chat.is_forum === true;
      const all = fake.messages(chatId);
      if (!isForum) return { chat, messages: all.slice(-SHOWN_MESSAGES), keyboard: state.keyboards.get(chatId) ?? null, topics: null };
      // A forum: with `thread`, one topic's messages (0: General), cut after filtering so that
      // older topics keep theirs; without, the whole chat's newest.
      const threadParam = url.searchParams.get("thread");
      const thread = threadParam === null ? undefined : Number(threadParam) || 0;
      const seen = parseSeen(url.searchParams.get("seen"));
      const inTopic = (message: Message, id: number) => (id === 0 ? !message.is_topic_message : message.message_thread_id === id);
      const topics = fake.topics(chatId).map((topic) => {
        const after = seen.get(topic.message_thread_id) ?? 0;
        const unread = all.filter((message) => inTopic(message, topic.message_thread_id) && message.message_id > after).length;
        return { ...topic, unread };
      });
      return {
        chat,
        thread: thread ?? null,
        messages: (thread === undefined ? all : all.filter((message) => inTopic(message, thread))).slice(-SHOWN_MESSAGES),
        keyboard: state.keyboards.get(chatId) ?? null,
        topics,
      };
    },
    "GET /api/commands": (_req, url) => {
      const who = person(url.searchParams.get("as"));
      const chatId = chatFor(who, url.searchParams.get("chat"));
      return { commands: commandsFor(fake, chatId, who) };
    },
    "POST /api/send": async (req) => {
      const body = await readJson(req);
      const who = person(body.as);
      const chatId = chatFor(who, body.chat);
      const text = typeof body.text === "string" ? body.text : "";
      if (text.trim() === "") throw new HttpError(400, "empty message");
      if (text.length > 4096) throw new HttpError(400, "a message has at most 4096 characters");
      act(() => fake.userSendsText(who.id, text, messageOptions(chatId, body)));
      changed(chatId);
      return { ok: true };
    },
    "POST /api/upload": async (req, url) => {
      const who = person(url.searchParams.get("as"));
      const chatId = chatFor(who, url.searchParams.get("chat"));
      const bytes = await readBody(req, MAX_UPLOAD_BYTES);
      if (bytes.length === 0) throw new HttpError(400, "empty file");
      const fileName = (url.searchParams.get("name") ?? "datei").replace(/[\\/\0]/g, "_").slice(0, 200) || "datei";
      const caption = url.searchParams.get("caption") ?? undefined;
      const options = { ...messageOptions(chatId, Object.fromEntries(url.searchParams)), caption: caption || undefined };
      const mimeType = url.searchParams.get("type") || undefined;
      const asPhoto = INLINE_IMAGE.test(mimeType ?? "");
      act(() =>
        asPhoto
          ? fake.userSendsPhoto(who.id, { ...options, bytes: new Uint8Array(bytes) })
          : fake.userSendsDocument(who.id, { ...options, fileName, mimeType, bytes: new Uint8Array(bytes) }),
      );
      changed(chatId);
      return { ok: true };
    },
    "POST /api/click": async (req) => {
      const body = await readJson(req);
      const who = person(body.as);
      const chatId = chatFor(who, body.chat);
      const message = fake.message(chatId, Number(body.message));
      const button = message?.reply_markup?.inline_keyboard[Number(body.row)]?.[Number(body.column)];
      if (!message || !button || !("callback_data" in button)) throw new HttpError(404, "this button is gone");
      const update = act(() => fake.userSendsCallbackData(who.id, message, button.callback_data));
      if (update.callback_query) queryOwners.set(update.callback_query.id, who.id);
      return { ok: true, queryId: update.callback_query?.id };
    },
    "POST /api/inline": async (req) => {
      const body = await readJson(req);
      const who = person(body.as);
      const query = typeof body.query === "string" ? body.query.slice(0, 256) : "";
      const update = act(() => fake.userSendsInlineQuery(who.id, query, { chatType: "sender" }));
      return { queryId: update.inline_query?.id };
    },
    "POST /api/people": async (req) => {
      const body = await readJson(req);
      const name = typeof body.name === "string" ? body.name.trim().replace(/\s+/g, " ") : "";
      if (name === "" || name.length > 64) throw new HttpError(400, "a name of 1-64 characters, please");
      const language = body.language === "en" ? "en" : "de";
      const [first, ...rest] = name.split(" ");
      const ids = peopleOf(fake, state.added).map((p) => p.id);
      const id = Math.max(8100, ...ids) + 1;
      fake.addUser({ id, first_name: first!, ...(rest.length ? { last_name: rest.join(" ") } : {}), language_code: language });
      state.added.push(id);
      options.onChange();
      broadcast("people", {});
      return { id };
    },
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      sendJson(res, status, { error: message });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    // Only this machine's browser: refuse requests carrying another site's Host (DNS rebinding).
    if (!/^(127\.0\.0\.1|localhost)(:\d+)?$/.test(req.headers.host ?? "")) throw new HttpError(403, "local use only");
    if (req.method === "POST") {
      // Another site's page can't post here: such requests carry its Origin, and the content
      // types used here are not allowed to cross sites without a preflight nobody answers.
      const origin = req.headers.origin;
      if (origin !== undefined && !/^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?$/.test(origin)) throw new HttpError(403, "local use only");
      if (!/^application\/(json|octet-stream)\b/.test(req.headers["content-type"] ?? "")) throw new HttpError(415, "unsupported content type");
    }
    const staticFile = req.method === "GET" ? STATIC[url.pathname] : undefined;
    if (staticFile) {
      const body = await readFile(new URL(staticFile.file, PUBLIC_DIR));
      res.writeHead(200, { "content-type": staticFile.type, "cache-control": "no-cache", ...SECURITY_HEADERS });
      res.end(body);
      return;
    }
    if (req.method === "GET" && url.pathname === "/events") {
      res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache", connection: "keep-alive" });
      res.write("retry: 1000\n\n");
      clients.add(res);
      req.on("close", () => clients.delete(res));
      return;
    }
    const file = /^\/files\/([A-Za-z0-9_-]+)$/.exec(url.pathname);
    if (req.method === "GET" && file) return serveFile(fake, res, file[1]!);
    const route = api[`${req.method} ${url.pathname}`];
    if (!route) throw new HttpError(404, "not found");
    sendJson(res, 200, await route(req, url));
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async close() {
      fake.off("call", onCall);
      // The page shows that the sandbox has stopped (it keeps trying to reconnect).
      broadcast("stopped", {});
      for (const client of clients) client.end();
      clients.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** Runs a fake user action; the fake throws plain Errors for impossible ones (a deleted topic, ...). */
function act<T>(action: () => T): T {
  try {
    return action();
  } catch (error) {
    throw new HttpError(400, error instanceof Error ? error.message.replace(/^FakeTelegram: /, "") : String(error));
  }
}

function messageOptions(chatId: number, body: Record<string, unknown>) {
  const replyTo = Number(body.replyTo);
  const thread = Number(body.thread);
  return {
    chatId,
    ...(Number.isInteger(replyTo) && replyTo > 0 ? { replyToMessageId: replyTo } : {}),
    ...(Number.isInteger(thread) && thread > 0 ? { messageThreadId: thread } : {}),
  };
}

/** The command menu Telegram would show this person in this chat (most specific scope first). */
function commandsFor(fake: FakeTelegram, chatId: number, who: SandboxPerson): BotCommand[] {
  const scopes = chatId === who.id
    ? [{ type: "chat", chat_id: chatId }, { type: "all_private_chats" }, undefined]
    : [{ type: "chat_member", chat_id: chatId, user_id: who.id }, { type: "chat", chat_id: chatId }, { type: "all_group_chats" }, undefined];
  for (const scope of scopes) {
    for (const language of [who.language_code, undefined]) {
      const commands = fake.commands(scope, language);
      if (commands.length > 0) return commands;
    }
  }
  return [];
}

function parseMarkup(raw: unknown): Record<string, unknown> | undefined {
  let value = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return undefined;
    }
  }
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
}

/**
 * A file someone uploaded (or the bot sent). Whatever its claimed type, it must never run on the
 * page's origin: only jpeg/png/gif/webp images are shown inline as images; everything else is an
 * attachment of type application/octet-stream. The response is sandboxed (no script, own origin)
 * and not sniffed.
 */
function serveFile(fake: FakeTelegram, res: ServerResponse, fileId: string): void {
  const file = fake.files.get(fileId);
  if (!file) throw new HttpError(404, "no such file");
  const bytes = file.bytes ?? new Uint8Array();
  const media = file.media as { file_name?: string } | undefined;
  const name = media && !Array.isArray(media) && media.file_name ? media.file_name : file.file_path.split("/").pop()!;
  const image = INLINE_IMAGE.test(file.mimeType);
  res.writeHead(200, {
    "content-type": image ? file.mimeType : "application/octet-stream",
    "content-length": bytes.byteLength,
    "content-disposition": `${image ? "inline" : "attachment"}; ${dispositionName(name)}`,
    "x-content-type-options": "nosniff",
    "content-security-policy": "sandbox",
    "cross-origin-resource-policy": "same-origin",
    "referrer-policy": "no-referrer",
    "cache-control": "no-cache",
  });
  res.end(bytes);
}

/** `filename="ascii"; filename*=UTF-8''…` (RFC 6266/8187): the original name, safely quoted. */
export function dispositionName(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%;]/g, "_");
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/** The page's "last seen message per topic", as `thread:messageId,…`. */
function parseSeen(raw: string | null): Map<number, number> {
  const seen = new Map<number, number>();
  for (const pair of (raw ?? "").split(",").slice(0, 1000)) {
    const [thread, id] = pair.split(":").map(Number);
    if (Number.isInteger(thread) && Number.isInteger(id)) seen.set(thread!, id!);
  }
  return seen;
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(req, MAX_JSON_BYTES);
  try {
    const value = JSON.parse(body.toString("utf8")) as unknown;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, "expected a JSON object");
}

/**
 * The request's body, at most `limit` bytes. A larger body is read to its end and dropped, then
 * answered 413 (destroying the request instead would reset the connection, and the page could
 * not tell why). Only this machine talks to the sandbox, so reading to the end costs little.
 */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const most = limit >= 1024 * 1024 ? `${Math.floor(limit / 1024 / 1024)} MB` : `${Math.floor(limit / 1024)} KB`;
  const tooLarge = () => new HttpError(413, `too large (at most ${most})`);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("end", () => (size > limit ? reject(tooLarge()) : resolve(Buffer.concat(chunks))));
    req.on("error", reject);
  });
}

function sendJson(res: ServerResponse, status: number, value: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify(value);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body),
    ...(status === 413 ? { connection: "close" } : {}),
  });
  res.end(body);
}
