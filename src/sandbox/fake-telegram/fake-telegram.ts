/**
 * FakeTelegram: an in-memory Telegram Bot API that behaves like Telegram where
 * it matters for a bot: validation against the official method list, chats and
 * per-chat message ids, Telegram's error wording, forum topics, callback
 * queries, long polling, webhooks, fault injection and flood limits.
 *
 * Flow tests call `handle(method, params)` directly (from a grammY API
 * transformer); end-to-end tests put `startFakeTelegramServer()` in front of it.
 */
import { EventEmitter } from "node:events";
import type { Transformer } from "grammy";
import type {
  BotCommand,
  Chat,
  ChatFullInfo,
  ChatMember,
  ForumTopic,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  Update,
  User,
  UserFromGetMe,
} from "grammy/types";
import { ApiError, badRequest, forbidden, ok, type ApiFailure, type ApiResult } from "./errors.js";
import { FaultInjector, RateLimiter, type FailNextOptions, type Params, type RateLimits } from "./faults.js";
import {
  FileStore,
  UploadedFile,
  isInputFileLike,
  resolveInputFiles,
  type FileKind,
  type FileSource,
  type MediaDetails,
} from "./files.js";
import { inlineButtons, validateReplyMarkup } from "./keyboard.js";
import { returnsTrue, validateCall } from "./spec.js";
import { detectEntities, formatCaption, formatMessageText, type FormattedText } from "./text.js";
import { restoreWorld, snapshotWorld, type WorldSnapshot } from "./snapshot.js";
import { UpdateQueue, updateType } from "./updates.js";
import { WebhookSender, type WebhookDeliveryOptions, type WebhookDeliveryResult } from "./webhook.js";
import {
  asReplyTarget,
  chatMemberOf,
  groupChatOf,
  isBotAdmin,
  isForum,
  isPresent,
  newChatRecord,
  privateChatOf,
  type AddGroupOptions,
  type AddUserOptions,
  type AdminRights,
  type ChatRecord,
  type MemberStatus,
  type StoredMessage,
  type TopicRecord,
  type UserRecord,
} from "./world.js";

export type { ApiResult, ApiFailure } from "./errors.js";
export type { AddGroupOptions, AddUserOptions, MemberStatus } from "./world.js";
export type { FailNextOptions, RateLimits } from "./faults.js";
export type { WebhookDeliveryOptions, WebhookDeliveryResult } from "./webhook.js";
export type { WorldSnapshot } from "./snapshot.js";

export interface FakeTelegramOptions {
  token: string;
  bot?: { id?: number; first_name?: string; username?: string };
  /** Clock in milliseconds (message dates, flood limits, call timestamps). Default Date.now. */
  now?: () => number;
  /** Simulate group privacy mode (bot sees only commands, replies and mentions unless admin). Default false. */
  privacyMode?: boolean;
  /** update_id of the first update. Default 100000. */
  firstUpdateId?: number;
  /** Push updates to a set webhook automatically (otherwise call deliverWebhook()). Default false. */
  autoDeliverWebhook?: boolean;
}

export interface FakeCall {
  /** Canonical camelCase method name (as given if the method is unknown). */
  method: string;
  params: Params;
  /** now() when the call arrived. */
  at: number;
  /** Set once the call has been answered. */
  response?: ApiResult;
  /** running → (waiting: long poll or hang) → done */
  state: "running" | "waiting" | "done";
}

export interface HandleOptions {
  /** Aborting ends a waiting long poll (client went away or server closes). */
  signal?: AbortSignal;
}

export interface WaitOptions {
  timeoutMs?: number;
}

export interface CallbackAnswer {
  text?: string;
  show_alert?: boolean;
  url?: string;
  cache_time?: number;
}

type Handler = (params: Params, call: FakeCall, signal?: AbortSignal) => unknown;

/** A handler result that carries Telegram's optional `description` on success. */
class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

interface SendTarget {
  record: ChatRecord;
  threadId?: number;
  replyTo?: Message;
}

interface ReplyParams {
  message_id?: unknown;
  chat_id?: unknown;
  allow_sending_without_reply?: unknown;
}

interface MessageOptions {
  threadId?: number;
  replyTo?: Message;
  fromBot: boolean;
}

const NOT_MODIFIED =
  "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";
const QUERY_INVALID = "query is too old and response timeout expired or query ID is invalid";
const WEBHOOK_CONFLICT =
  "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

const RATE_LIMITED = new Set([
  "sendMessage", "sendPhoto", "sendDocument", "sendVideo", "sendVoice", "sendAudio", "sendSticker", "sendAnimation",
  "sendVideoNote", "sendMediaGroup", "sendLocation", "sendContact", "sendPoll", "sendDice", "copyMessage",
  "copyMessages", "forwardMessage", "forwardMessages", "editMessageText", "editMessageCaption", "editMessageMedia",
  "editMessageReplyMarkup",
]);

const CHAT_ACTIONS = new Set([
  "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice", "upload_document",
  "choose_sticker", "find_location", "record_video_note", "upload_video_note",
]);

/** Message fields that make up copyable content. */
const CONTENT_FIELDS = [
  "text", "entities", "caption", "caption_entities", "photo", "document", "video", "audio", "voice", "sticker",
  "animation", "video_note", "has_media_spoiler", "show_caption_above_media",
] as const;

const MEDIA_FIELDS: readonly FileKind[] = [
  "photo", "document", "video", "audio", "voice", "sticker", "animation", "video_note",
];

const DEFAULT_TOPIC_COLOR = 7322096;
/** Telegram's stand-in sender for a group's anonymous administrators. */
const ANONYMOUS_ADMIN: User = { id: 1087968824, is_bot: true, first_name: "Group", username: "GroupAnonymousBot" };

// ---- small parameter helpers -------------------------------------------------

function int(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return Math.trunc(value);
  if (typeof value === "string" && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

function isTrue(value: unknown): boolean {
  return value === true || value === "true" || value === 1;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

function sameJson(a: unknown, b: unknown): boolean {
  return stableJson(a ?? null) === stableJson(b ?? null);
}

function containsInputFile(value: unknown): boolean {
  if (isInputFileLike(value)) return true;
  if (Array.isArray(value)) return value.some(containsInputFile);
  if (typeof value === "object" && value !== null && !(value instanceof UploadedFile)) {
    return Object.values(value).some(containsInputFile);
  }
  return false;
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof (value as { then?: unknown } | null)?.then === "function";
}

function toFailure(error: unknown): ApiFailure {
  if (error instanceof ApiError) return error.toResult();
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error_code: 500, description: `Internal Server Error: ${message}` };
}

function toSuccess(value: unknown): ApiResult {
  if (value instanceof Described) return { ok: true, result: value.result, description: value.description };
  return ok(value);
}

function summarize(call: FakeCall): string {
  const params = JSON.stringify(call.params);
  const shortParams = params.length > 160 ? `${params.slice(0, 157)}...` : params;
  const response = !call.response
    ? `(${call.state})`
    : call.response.ok
      ? "ok"
      : `${call.response.error_code} ${call.response.description}`;
  return `${call.method} ${shortParams} -> ${response}`;
}

// ---- the fake ------------------------------------------------------------------

export class FakeTelegram extends EventEmitter {
  readonly token: string;
  /** The bot as getMe returns it. */
  readonly botInfo: UserFromGetMe;
  /** The bot as it appears in `from` of its messages. */
  readonly botUser: User;
  /** Every call in arrival order; `response` is set once answered. */
  readonly calls: FakeCall[] = [];
  readonly files = new FileStore();

  private readonly now: () => number;
  private readonly privacyMode: boolean;
  private readonly autoDeliverWebhook: boolean;
  private readonly users = new Map<number, UserRecord>();
  private readonly chats = new Map<number, ChatRecord>();
  private readonly updates: UpdateQueue;
  private readonly faults = new FaultInjector();
  private readonly rateLimiter: RateLimiter;
  private readonly commandSets = new Map<string, BotCommand[]>();
  private readonly botTexts = new Map<string, string>();
  private readonly menuButtons = new Map<string, unknown>();
  private readonly callbackQueries = new Map<string, { answered: boolean; answer?: CallbackAnswer }>();
  private readonly inlineQueries = new Map<string, { answered: boolean; results?: unknown[] }>();
  private readonly callListeners = new Set<() => void>();
  private readonly messageListeners = new Set<() => void>();
  private readonly webhook: WebhookSender;
  private queryCounter = 0;
  private mediaGroupCounter = 0;
  private readonly handlers: Record<string, Handler>;

  constructor(options: FakeTelegramOptions) {
    super();
    this.token = options.token;
    this.now = options.now ?? Date.now;
    this.privacyMode = options.privacyMode ?? false;
    this.autoDeliverWebhook = options.autoDeliverWebhook ?? false;
    this.updates = new UpdateQueue(options.firstUpdateId ?? 100000);
    this.rateLimiter = new RateLimiter(this.now);
    this.webhook = new WebhookSender(this.updates, {
      date: () => this.date(),
      runReply: (method, params) => this.handle(method, params),
    });
    const id = options.bot?.id ?? 7000000001;
    const firstName = options.bot?.first_name ?? "Lotsenbot";
    const username = options.bot?.username ?? "lotsenbot_test_bot";
    this.botUser = { id, is_bot: true, first_name: firstName, username };
    this.botInfo = {
      ...this.botUser,
      is_bot: true,
      username,
      can_join_groups: true,
      can_read_all_group_messages: !this.privacyMode,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.handlers = this.createHandlers();
  }

  // ---- the API entry point -----------------------------------------------------

  /**
   * Answers one Bot API call like Telegram: spec validation (404/400), call
   * recording, fault injection, flood limits, then execution. Calls without
   * uploads execute synchronously in arrival order.
   */
  handle(method: string, params: Params = {}, options: HandleOptions = {}): Promise<ApiResult> {
    const call: FakeCall = { method, params, at: this.now(), state: "running" };
    this.calls.push(call);
    let outcome: ApiResult | Promise<ApiResult>;
    try {
      outcome = this.process(call, params, options.signal);
    } catch (error) {
      outcome = toFailure(error);
    }
    if (!isPromise(outcome)) return Promise.resolve(this.finish(call, outcome));
    return outcome.then(
      (result) => this.finish(call, result),
      (error: unknown) => this.finish(call, toFailure(error)),
    );
  }

  /**
   * A grammY API transformer that answers every call from this fake instead
   * of Telegram: `bot.api.config.use(fake.transformer())`.
   */
  transformer(): Transformer {
    const transformer = (_prev: unknown, method: string, payload: unknown, signal?: AbortSignal) =>
      this.handle(method, (payload ?? {}) as Params, { signal });
    return transformer as unknown as Transformer;
  }

  private process(call: FakeCall, params: Params, signal?: AbortSignal): ApiResult | Promise<ApiResult> {
    const validated = validateCall(call.method, params ?? {});
    call.method = validated.method;
    call.params = validated.params;
    if (containsInputFile(validated.params)) {
      return resolveInputFiles(validated.params).then((resolved) => {
        call.params = resolved as Params;
        return this.afterValidation(call, signal);
      });
    }
    return this.afterValidation(call, signal);
  }

  private afterValidation(call: FakeCall, signal?: AbortSignal): ApiResult | Promise<ApiResult> {
    if (this.faults.shouldHang(call.method, call.params)) {
      call.state = "waiting";
      this.notifyCalls();
      return this.faults.waitForRelease().then(() => {
        call.state = "running";
        return this.execute(call, signal);
      });
    }
    return this.execute(call, signal);
  }

  private execute(call: FakeCall, signal?: AbortSignal): ApiResult | Promise<ApiResult> {
    try {
      const failure = this.faults.takeFailure(call.method, call.params);
      if (failure) return failure.toResult();
      if (RATE_LIMITED.has(call.method)) this.rateLimiter.admit(call.params.chat_id as number | string | undefined);
      const handler = this.handlers[call.method];
      if (!handler) {
        if (returnsTrue(call.method)) return ok(true);
        return { ok: false, error_code: 501, description: `Not Implemented in FakeTelegram: ${call.method}` };
      }
      const value = handler(call.params, call, signal);
      if (isPromise(value)) return value.then(toSuccess, toFailure);
      return toSuccess(value);
    } catch (error) {
      return toFailure(error);
    }
  }

  private finish(call: FakeCall, result: ApiResult): ApiResult {
    call.response = result;
    call.state = "done";
    this.emit("call", call);
    this.notifyCalls();
    return result;
  }

  private createHandlers(): Record<string, Handler> {
    return {
      getMe: () => this.botInfo,
      logOut: () => true,
      close: () => true,
      getUpdates: (p, call, signal) => this.getUpdates(p, call, signal),
      setWebhook: (p) => this.setWebhook(p),
      deleteWebhook: (p) => this.deleteWebhook(p),
      getWebhookInfo: () => this.webhook.info(),
      setMyCommands: (p) => this.setMyCommands(p),
      getMyCommands: (p) => this.commands(p.scope, str(p.language_code)),
      deleteMyCommands: (p) => {
        this.commandSets.delete(commandKey(p.scope, str(p.language_code)));
        return true;
      },
      setMyDescription: (p) => this.setBotText("description", p.description, p.language_code, 512),
      getMyDescription: (p) => ({ description: this.botText("description", p.language_code) ?? "" }),
      setMyShortDescription: (p) => this.setBotText("short_description", p.short_description, p.language_code, 120),
      getMyShortDescription: (p) => ({ short_description: this.botText("short_description", p.language_code) ?? "" }),
      setMyName: (p) => this.setBotText("name", p.name, p.language_code, 64),
      getMyName: (p) => ({ name: this.botText("name", p.language_code) ?? this.botUser.first_name }),
      setChatMenuButton: (p) => {
        this.menuButtons.set(p.chat_id === undefined ? "default" : String(p.chat_id), p.menu_button ?? { type: "default" });
        return true;
      },
      getChatMenuButton: (p) =>
        this.menuButtons.get(p.chat_id === undefined ? "default" : String(p.chat_id)) ??
        this.menuButtons.get("default") ?? { type: "default" },
      sendMessage: (p) => this.sendMessage(p),
      sendPhoto: (p) => this.sendMedia("photo", p),
      sendDocument: (p) => this.sendMedia("document", p),
      sendVideo: (p) => this.sendMedia("video", p),
      sendVoice: (p) => this.sendMedia("voice", p),
      sendAudio: (p) => this.sendMedia("audio", p),
      sendSticker: (p) => this.sendMedia("sticker", p),
      sendAnimation: (p) => this.sendMedia("animation", p),
      sendVideoNote: (p) => this.sendMedia("video_note", p),
      sendMediaGroup: (p) => this.sendMediaGroup(p),
      copyMessage: (p) => this.copyMessage(p),
      copyMessages: (p) => this.copyMessages(p),
      forwardMessage: (p) => this.forwardMessage(p),
      forwardMessages: (p) => this.forwardMessages(p),
      editMessageText: (p) => this.editMessageText(p),
      editMessageCaption: (p) => this.editMessageCaption(p),
      editMessageMedia: (p) => this.editMessageMedia(p),
      editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
      deleteMessage: (p) => this.deleteMessage(p),
      deleteMessages: (p) => this.deleteMessages(p),
      answerCallbackQuery: (p) => this.answerCallbackQuery(p),
      answerInlineQuery: (p) => this.answerInlineQuery(p),
      getChat: (p) => this.getChat(p),
      getChatMember: (p) => this.getChatMember(p),
      getChatAdministrators: (p) => this.getChatAdministrators(p),
      getChatMemberCount: (p) => this.getChatMemberCount(p),
      createForumTopic: (p) => this.createForumTopic(p),
      editForumTopic: (p) => this.editForumTopic(p),
      closeForumTopic: (p) => this.setTopicClosed(p, true),
      reopenForumTopic: (p) => this.setTopicClosed(p, false),
      deleteForumTopic: (p) => this.deleteForumTopic(p),
      sendChatAction: (p) => this.sendChatAction(p),
      setMessageReaction: (p) => this.setMessageReaction(p),
      getFile: (p) => this.getFile(p),
      leaveChat: (p) => this.leaveChat(p),
    };
  }

  // ---- world setup ---------------------------------------------------------------

  /** Adds a Telegram user (and the private chat with the bot, id == user id). */
  addUser(options: AddUserOptions): User {
    const user: User = {
      id: options.id,
      is_bot: false,
      first_name: options.first_name,
      ...(options.last_name !== undefined ? { last_name: options.last_name } : {}),
      ...(options.username !== undefined ? { username: options.username } : {}),
      ...(options.language_code !== undefined ? { language_code: options.language_code } : {}),
      ...(options.is_premium ? { is_premium: true as const } : {}),
    };
    this.users.set(user.id, { user, startedBot: options.startedBot ?? true, blocked: options.blocked ?? false });
    if (!this.chats.has(user.id)) this.chats.set(user.id, newChatRecord(privateChatOf(user)));
    return structuredClone(user);
  }

  /** Adds a group or supergroup (optionally a forum) with members and the bot's own status. */
  addGroup(options: AddGroupOptions): Chat {
    if (options.id >= 0) throw new Error(`Group ids are negative (got ${options.id})`);
    const record = newChatRecord(groupChatOf(options), options.botStatus ?? "member");
    const admin = isBotAdmin(record);
    record.botCanManageTopics = options.botCanManageTopics ?? admin;
    record.botCanDeleteMessages = options.botCanDeleteMessages ?? admin;
    for (const member of options.members ?? []) {
      const user = typeof member.user === "number" ? this.requireUser(member.user) : member.user;
      // Members only known from the group never pressed Start in a private chat with the bot.
      if (!this.users.has(user.id)) this.addUser({ ...user, startedBot: false });
      record.members.set(user.id, member.status);
    }
    this.chats.set(options.id, record);
    return structuredClone(record.chat);
  }

  /** Sets a user's status in a group without generating updates. */
  setMemberStatus(chatId: number, userId: number, status: MemberStatus): void {
    this.requireChat(chatId).members.set(userId, status);
  }

  /** Changes the bot's status/rights in a group without generating updates (see botAddedToGroup for the update). */
  setBotStatus(chatId: number, status: MemberStatus, rights: AdminRights = {}): void {
    const record = this.requireChat(chatId);
    record.botStatus = status;
    const admin = isBotAdmin(record);
    record.botCanManageTopics = rights.canManageTopics ?? admin;
    record.botCanDeleteMessages = rights.canDeleteMessages ?? admin;
  }

  user(userId: number): User | undefined {
    const record = this.users.get(userId);
    return record ? structuredClone(record.user) : undefined;
  }

  chat(chatId: number): Chat | undefined {
    const record = this.chats.get(chatId);
    return record ? structuredClone(record.chat) : undefined;
  }

  /** Forum topics of a chat (including closed ones, excluding deleted ones). */
  topics(chatId: number): Array<ForumTopic & { closed: boolean }> {
    return [...this.requireChat(chatId).topics.values()]
      .filter((topic) => !topic.deleted)
      .map((topic) => ({ ...this.topicObject(topic), closed: topic.closed }));
  }

  // ---- fault injection & flood limits ------------------------------------------

  /** The next matching call(s) fail with this error ("*" matches any method). */
  failNext(method: string, options: FailNextOptions): void {
    this.faults.failNext(method, options);
  }

  /** Matching calls get no answer until releaseHangs() ("*" matches any method). */
  hang(method: string, when?: (params: Params) => boolean): void {
    this.faults.hang(method, when);
  }

  /** Lets hung calls continue; they then execute normally. Returns how many were released. */
  releaseHangs(): number {
    return this.faults.releaseHangs();
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Enables flood limits (429 "Too Many Requests: retry after N"); `{}` turns them off. */
  setRateLimits(limits: RateLimits): void {
    this.rateLimiter.reset();
    this.rateLimiter.set(limits);
  }

  // ---- inspection ------------------------------------------------------------------

  callsTo(method: string): FakeCall[] {
    const wanted = method.toLowerCase();
    return this.calls.filter((call) => call.method.toLowerCase() === wanted);
  }

  /** All messages of a chat (users' and the bot's) in their current state, oldest first. */
  messages(chatId: number): Message[] {
    const record = this.chats.get(chatId);
    if (!record) return [];
    return [...record.messages.values()]
      .filter((stored) => !stored.deleted)
      .sort((a, b) => a.message.message_id - b.message.message_id)
      .map((stored) => structuredClone(stored.message));
  }

  botMessages(chatId: number): Message[] {
    return this.messages(chatId).filter((message) => message.from?.id === this.botUser.id);
  }

  lastBotMessage(chatId: number): Message | undefined {
    return this.botMessages(chatId).at(-1);
  }

  /** A message in its current state (undefined if unknown or deleted). */
  message(chatId: number, messageId: number): Message | undefined {
    const stored = this.chats.get(chatId)?.messages.get(messageId);
    return stored && !stored.deleted ? structuredClone(stored.message) : undefined;
  }

  /** Commands stored for a scope (default scope when omitted) and language code. */
  commands(scope?: unknown, languageCode?: string): BotCommand[] {
    return structuredClone(this.commandSets.get(commandKey(scope, languageCode)) ?? []);
  }

  /** How the bot answered a callback query (undefined while unanswered). */
  callbackAnswer(callbackQueryId: string): CallbackAnswer | undefined {
    return this.callbackQueries.get(callbackQueryId)?.answer;
  }

  /** The results the bot gave for an inline query (undefined while unanswered). */
  inlineQueryResults(inlineQueryId: string): unknown[] | undefined {
    return this.inlineQueries.get(inlineQueryId)?.results;
  }

  pendingUpdates(): Update[] {
    return this.updates.pending();
  }

  pendingUpdateCount(): number {
    return this.updates.size;
  }

  get confirmedOffset(): number {
    return this.updates.confirmedOffset;
  }

  get webhookUrl(): string | undefined {
    return this.webhook.url;
  }

  /**
   * Resolves with the first call (already recorded or future) that matches and
   * has been answered or is waiting (hung or long polling).
   */
  waitForCall(match: string | ((call: FakeCall) => boolean), options: WaitOptions = {}): Promise<FakeCall> {
    const predicate =
      typeof match === "string"
        ? (call: FakeCall) => call.method.toLowerCase() === match.toLowerCase()
        : match;
    const describe = typeof match === "string" ? match : "a matching call";
    return this.waitUntil(
      this.callListeners,
      () => this.calls.find((call) => call.state !== "running" && predicate(call)),
      options.timeoutMs ?? 5000,
      () => `waitForCall timed out waiting for ${describe}. Recent calls:\n${this.recentCalls()}`,
    );
  }

  /**
   * Resolves with the first bot message in the chat (current state, re-checked
   * after edits) that matches the predicate, including ones already sent.
   * Use `afterMessageId` to ignore older messages.
   */
  waitForBotMessage(
    chatId: number,
    predicate: (message: Message) => boolean = () => true,
    options: WaitOptions & { afterMessageId?: number } = {},
  ): Promise<Message> {
    const after = options.afterMessageId ?? 0;
    return this.waitUntil(
      this.messageListeners,
      () => this.botMessages(chatId).find((message) => message.message_id > after && predicate(message)),
      options.timeoutMs ?? 5000,
      () => {
        const texts = this.botMessages(chatId).map(
          (m) => `  #${m.message_id}: ${JSON.stringify(m.text ?? m.caption ?? "")}`,
        );
        return (
          `waitForBotMessage(${chatId}) timed out. Bot messages in the chat:\n${texts.join("\n") || "  (none)"}\n` +
          `Recent calls:\n${this.recentCalls()}`
        );
      },
    );
  }

  private waitUntil<T>(
    listeners: Set<() => void>,
    find: () => T | undefined,
    timeoutMs: number,
    describe: () => string,
  ): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const value = find();
        if (value === undefined) return;
        clearTimeout(timer);
        listeners.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        listeners.delete(check);
        reject(new Error(describe()));
      }, timeoutMs);
      listeners.add(check);
    });
  }

  private recentCalls(count = 15): string {
    const recent = this.calls.slice(-count).map((call) => `  ${summarize(call)}`);
    return recent.length ? recent.join("\n") : "  (no calls yet)";
  }

  private notifyCalls(): void {
    for (const listener of [...this.callListeners]) listener();
  }

  private notifyMessages(): void {
    for (const listener of [...this.messageListeners]) listener();
  }

  // ---- internals: chats and messages -----------------------------------------------

  private date(): number {
    return Math.floor(this.now() / 1000);
  }

  private requireUser(userId: number): User {
    const record = this.users.get(userId);
    if (!record) throw new Error(`FakeTelegram: unknown user ${userId}; call addUser() first`);
    return record.user;
  }

  private requireChat(chatId: number): ChatRecord {
    const record = this.chats.get(chatId);
    if (!record) throw new Error(`FakeTelegram: unknown chat ${chatId}; call addUser()/addGroup() first`);
    return record;
  }

  /** Looks a chat up the way Telegram does for chat_id: 400 chat not found, migrated groups. */
  private chatRecord(chatId: unknown): ChatRecord {
    let record: ChatRecord | undefined;
    const id = int(chatId);
    if (id !== undefined) record = this.chats.get(id);
    else if (typeof chatId === "string" && chatId.startsWith("@")) {
      const username = chatId.slice(1).toLowerCase();
      record = [...this.chats.values()].find(
        (r) => r.chat.type !== "private" && r.chat.username?.toLowerCase() === username,
      );
    }
    if (!record) throw badRequest("chat not found");
    if (record.migratedTo !== undefined) {
      throw badRequest("group chat was upgraded to a supergroup chat", { migrate_to_chat_id: record.migratedTo });
    }
    return record;
  }

  /** A chat the bot may act in: 403 when blocked, never started, kicked or not a member. */
  private accessibleChat(chatId: unknown, options: { ignoreBlock?: boolean } = {}): ChatRecord {
    const record = this.chatRecord(chatId);
    if (record.chat.type === "private") {
      const user = this.users.get(record.chat.id);
      if (!options.ignoreBlock && user?.blocked) throw forbidden("bot was blocked by the user");
      if (!options.ignoreBlock && user && !user.startedBot) throw forbidden("bot can't initiate conversation with a user");
      return record;
    }
    const kind = record.chat.type === "group" ? "group chat" : "supergroup chat";
    if (record.botStatus === "kicked") throw forbidden(`bot was kicked from the ${kind}`);
    if (record.botStatus === "left") throw forbidden(`bot is not a member of the ${kind}`);
    return record;
  }

  private findMessage(record: ChatRecord, messageId: unknown): StoredMessage | undefined {
    const id = int(messageId);
    const stored = id === undefined ? undefined : record.messages.get(id);
    return stored && !stored.deleted ? stored : undefined;
  }

  /** Resolves chat, thread and reply target of a send, with Telegram's errors. */
  private sendTarget(params: Params): SendTarget {
    const record = this.accessibleChat(params.chat_id);
    let threadId = int(params.message_thread_id);
    let replyTo: Message | undefined;
    const reply = params.reply_parameters as ReplyParams | undefined;
    if (reply && typeof reply === "object" && reply.message_id !== undefined) {
      const replyChat = reply.chat_id === undefined ? record : this.chatRecord(reply.chat_id);
      const target = this.findMessage(replyChat, reply.message_id);
      if (!target) {
        if (!isTrue(reply.allow_sending_without_reply)) throw badRequest("message to be replied not found");
      } else if (replyChat === record) {
        replyTo = target.message;
        if (threadId === undefined && target.message.is_topic_message) threadId = target.message.message_thread_id;
      }
    }
    if (threadId !== undefined) this.checkThread(record, threadId, true);
    return { record, threadId, replyTo };
  }

  /** Forum topics must exist (and be open, unless the bot is an admin). */
  private checkThread(record: ChatRecord, threadId: number, forSending: boolean): TopicRecord | undefined {
    if (!isForum(record)) {
      if (!this.findMessage(record, threadId)) throw badRequest("message thread not found");
      return undefined;
    }
    const topic = record.topics.get(threadId);
    if (!topic || topic.deleted) throw badRequest("message thread not found");
    if (forSending && topic.closed && !isBotAdmin(record)) throw badRequest("TOPIC_CLOSED");
    return topic;
  }

  /** Stores a new message in the chat (next per-chat id) and returns it. */
  private storeMessage(record: ChatRecord, from: User, content: Record<string, unknown>, options: MessageOptions): Message {
    const messageId = record.nextMessageId++;
    const { threadId } = options;
    const inTopic = threadId !== undefined && isForum(record);
    const replyTarget = options.replyTo ?? (inTopic ? record.messages.get(threadId)?.message : undefined);
    const message = {
      message_id: messageId,
      ...(threadId !== undefined ? { message_thread_id: threadId } : {}),
      from,
      chat: record.chat,
      date: this.date(),
      ...(inTopic ? { is_topic_message: true } : {}),
      ...(replyTarget ? { reply_to_message: asReplyTarget(replyTarget) } : {}),
      ...content,
    } as unknown as Message;
    record.messages.set(messageId, { message, fromBot: options.fromBot, deleted: false });
    this.notifyMessages();
    return structuredClone(message);
  }

  private formatOptions(parseMode: unknown, entities: unknown) {
    return { parseMode, entities, resolveUser: (id: number) => this.users.get(id)?.user };
  }

  private textContent(formatted: FormattedText): Record<string, unknown> {
    return { text: formatted.text, ...(formatted.entities.length ? { entities: formatted.entities } : {}) };
  }

  private captionContent(formatted: FormattedText | undefined): Record<string, unknown> {
    if (!formatted) return {};
    return { caption: formatted.text, ...(formatted.entities.length ? { caption_entities: formatted.entities } : {}) };
  }

  private markupContent(markup: InlineKeyboardMarkup | undefined): Record<string, unknown> {
    return markup ? { reply_markup: markup } : {};
  }

  // ---- sending -------------------------------------------------------------------

  private sendMessage(params: Params): Message {
    const target = this.sendTarget(params);
    const text = formatMessageText(params.text, this.formatOptions(params.parse_mode, params.entities));
    const markup = validateReplyMarkup(params.reply_markup);
    return this.storeMessage(target.record, this.botUser, { ...this.textContent(text), ...this.markupContent(markup) }, {
      ...target,
      fromBot: true,
    });
  }

  private mediaDetails(kind: FileKind, params: Params): MediaDetails {
    return {
      duration: int(params.duration),
      width: int(params.width),
      height: int(params.height),
      title: str(params.title),
      performer: str(params.performer),
      emoji: kind === "sticker" ? str(params.emoji) : undefined,
    };
  }

  private sendMedia(kind: FileKind, params: Params): Message {
    const target = this.sendTarget(params);
    const caption = kind === "sticker" || kind === "video_note"
      ? undefined
      : formatCaption(params.caption, this.formatOptions(params.parse_mode, params.caption_entities));
    const markup = validateReplyMarkup(params.reply_markup);
    const media = this.files.mediaFor(kind, params[kind] as FileSource, this.mediaDetails(kind, params));
    const content: Record<string, unknown> = {
      ...(kind === "animation" ? { animation: media, document: media } : { [kind]: media }),
      ...this.captionContent(caption),
      ...(isTrue(params.has_spoiler) ? { has_media_spoiler: true } : {}),
      ...(isTrue(params.show_caption_above_media) ? { show_caption_above_media: true } : {}),
      ...this.markupContent(markup),
    };
    return this.storeMessage(target.record, this.botUser, content, { ...target, fromBot: true });
  }

  private sendMediaGroup(params: Params): Message[] {
    const target = this.sendTarget(params);
    const items = params.media;
    if (!Array.isArray(items) || items.length < 2 || items.length > 10) {
      throw badRequest("wrong number of media items in the group: must be between 2 and 10");
    }
    const kinds = items.map((item) => (item as { type?: unknown }).type);
    const allowed = ["photo", "video", "document", "audio"];
    if (kinds.some((kind) => typeof kind !== "string" || !allowed.includes(kind))) throw badRequest("MEDIA_GROUP_INVALID");
    const mixesSpecial = (special: string) => kinds.includes(special) && kinds.some((kind) => kind !== special);
    if (mixesSpecial("document") || mixesSpecial("audio")) throw badRequest("MEDIA_GROUP_INVALID");
    const prepared = items.map((raw) => {
      const item = raw as Params;
      const kind = item.type as FileKind;
      const caption = formatCaption(item.caption, this.formatOptions(item.parse_mode, item.caption_entities));
      const media = this.files.mediaFor(kind, item.media as FileSource, this.mediaDetails(kind, item));
      return { kind, media, caption, spoiler: isTrue(item.has_spoiler) };
    });
    const mediaGroupId = String(13_700_000_000_000_000n + BigInt(++this.mediaGroupCounter));
    return prepared.map(({ kind, media, caption, spoiler }) =>
      this.storeMessage(
        target.record,
        this.botUser,
        {
          media_group_id: mediaGroupId,
          [kind]: media,
          ...this.captionContent(caption),
          ...(spoiler ? { has_media_spoiler: true } : {}),
        },
        { ...target, fromBot: true },
      ),
    );
  }

  /** Copyable content of a stored message; throws for service messages. */
  private contentOf(message: Message, action: "copy" | "forward"): Record<string, unknown> {
    const source = message as unknown as Record<string, unknown>;
    const content: Record<string, unknown> = {};
    for (const field of CONTENT_FIELDS) if (source[field] !== undefined) content[field] = structuredClone(source[field]);
    if (content.text === undefined && !MEDIA_FIELDS.some((field) => content[field] !== undefined)) {
      throw badRequest(action === "copy" ? "message can't be copied" : "message can't be forwarded");
    }
    return content;
  }

  private copyOne(
    params: Params,
    target: SendTarget,
    fromRecord: ChatRecord,
    messageId: unknown,
    removeCaption: boolean,
    extra: Partial<Message> = {},
  ): Message | undefined {
    const stored = this.findMessage(fromRecord, messageId);
    if (!stored) return undefined;
    const content = this.contentOf(stored.message, "copy");
    if (content.text === undefined && (params.caption !== undefined || removeCaption)) {
      delete content.caption;
      delete content.caption_entities;
      const caption = removeCaption
        ? undefined
        : formatCaption(params.caption, this.formatOptions(params.parse_mode, params.caption_entities));
      Object.assign(content, this.captionContent(caption));
    }
    const markup = validateReplyMarkup(params.reply_markup);
    const copy = { ...content, ...this.markupContent(markup), ...extra };
    return this.storeMessage(target.record, this.botUser, copy, { ...target, fromBot: true });
  }

  private copyMessage(params: Params): { message_id: number } {
    const fromRecord = this.chatRecord(params.from_chat_id);
    const target = this.sendTarget(params);
    const copy = this.copyOne(params, target, fromRecord, params.message_id, false);
    if (!copy) throw badRequest("message to copy not found");
    return { message_id: copy.message_id };
  }

  private copyMessages(params: Params): Array<{ message_id: number }> {
    const fromRecord = this.chatRecord(params.from_chat_id);
    const target = this.sendTarget(params);
    const ids = Array.isArray(params.message_ids) ? params.message_ids : [];
    // Album grouping is kept: parts of one album become one new album.
    const albums = new Map<string, string>();
    const copies = ids
      .map((id) => {
        const group = this.findMessage(fromRecord, id)?.message.media_group_id;
        if (group !== undefined && !albums.has(group)) albums.set(group, String(13_700_000_000_000_000n + BigInt(++this.mediaGroupCounter)));
        const extra = group === undefined ? {} : { media_group_id: albums.get(group) };
        return this.copyOne({}, target, fromRecord, id, isTrue(params.remove_caption), extra);
      })
      .filter((message): message is Message => message !== undefined);
    if (copies.length === 0) throw badRequest("there are no messages to copy");
    return copies.map((message) => ({ message_id: message.message_id }));
  }

  private forwardOne(target: SendTarget, fromRecord: ChatRecord, messageId: unknown): Message | undefined {
    const stored = this.findMessage(fromRecord, messageId);
    if (!stored) return undefined;
    const original = stored.message;
    const content = this.contentOf(original, "forward");
    const origin = original.forward_origin ?? (fromRecord.chat.type === "channel"
      ? { type: "channel", chat: fromRecord.chat, message_id: original.message_id, date: original.date }
      : { type: "user", sender_user: original.from ?? this.botUser, date: original.date });
    const forward = { forward_origin: origin, ...content };
    return this.storeMessage(target.record, this.botUser, forward, { threadId: target.threadId, fromBot: true });
  }

  private forwardMessage(params: Params): Message {
    const fromRecord = this.chatRecord(params.from_chat_id);
    const target = this.sendTarget(params);
    const forwarded = this.forwardOne(target, fromRecord, params.message_id);
    if (!forwarded) throw badRequest("message to forward not found");
    return forwarded;
  }

  private forwardMessages(params: Params): Array<{ message_id: number }> {
    const fromRecord = this.chatRecord(params.from_chat_id);
    const target = this.sendTarget(params);
    const ids = Array.isArray(params.message_ids) ? params.message_ids : [];
    const forwarded = ids
      .map((id) => this.forwardOne(target, fromRecord, id))
      .filter((message): message is Message => message !== undefined);
    if (forwarded.length === 0) throw badRequest("there are no messages to forward");
    return forwarded.map((message) => ({ message_id: message.message_id }));
  }

  // ---- editing and deleting -------------------------------------------------------

  /** The bot message an edit refers to, or undefined for inline messages (edited blindly). */
  private editTarget(params: Params): StoredMessage | undefined {
    if (params.inline_message_id !== undefined && params.chat_id === undefined) return undefined;
    if (params.chat_id === undefined || params.chat_id === "") throw badRequest("chat_id is empty");
    if (params.message_id === undefined) throw badRequest("message identifier is not specified");
    const record = this.accessibleChat(params.chat_id);
    const stored = this.findMessage(record, params.message_id);
    if (!stored) throw badRequest("message to edit not found");
    if (!stored.fromBot) throw badRequest("message can't be edited");
    return stored;
  }

  /** Replaces the given fields (undefined removes one), checks "not modified", sets edit_date. */
  private applyEdit(stored: StoredMessage, changes: Record<string, unknown>): Message {
    const message = stored.message as unknown as Record<string, unknown>;
    const unchanged = Object.entries(changes).every(([key, value]) => sameJson(message[key], value));
    if (unchanged) throw badRequest(NOT_MODIFIED);
    for (const [key, value] of Object.entries(changes)) {
      if (value === undefined) delete message[key];
      else message[key] = value;
    }
    message.edit_date = this.date();
    this.notifyMessages();
    return structuredClone(stored.message);
  }

  private editMessageText(params: Params): Message | true {
    const stored = this.editTarget(params);
    const text = formatMessageText(params.text, this.formatOptions(params.parse_mode, params.entities));
    const markup = validateReplyMarkup(params.reply_markup);
    if (!stored) return true;
    if (stored.message.text === undefined) throw badRequest("there is no text in the message to edit");
    return this.applyEdit(stored, {
      text: text.text,
      entities: text.entities.length ? text.entities : undefined,
      reply_markup: markup,
    });
  }

  private editMessageCaption(params: Params): Message | true {
    const stored = this.editTarget(params);
    const caption = formatCaption(params.caption, this.formatOptions(params.parse_mode, params.caption_entities));
    const markup = validateReplyMarkup(params.reply_markup);
    if (!stored) return true;
    if (stored.message.text !== undefined || stored.message.sticker !== undefined) {
      throw badRequest("there is no caption in the message to edit");
    }
    return this.applyEdit(stored, {
      caption: caption?.text,
      caption_entities: caption?.entities.length ? caption.entities : undefined,
      reply_markup: markup,
      ...(isTrue(params.show_caption_above_media) ? { show_caption_above_media: true } : {}),
    });
  }

  private editMessageMedia(params: Params): Message | true {
    const stored = this.editTarget(params);
    const input = params.media as Params | undefined;
    if (!input || typeof input !== "object") throw badRequest("media is empty");
    const kind = input.type as FileKind;
    if (!["photo", "video", "document", "audio", "animation"].includes(String(kind))) throw badRequest("MEDIA_INVALID");
    const caption = formatCaption(input.caption, this.formatOptions(input.parse_mode, input.caption_entities));
    const markup = validateReplyMarkup(params.reply_markup);
    const media = this.files.mediaFor(kind, input.media as FileSource, this.mediaDetails(kind, input));
    if (!stored) return true;
    if (stored.message.text !== undefined) throw badRequest("there is no media in the message to edit");
    const changes: Record<string, unknown> = {};
    for (const field of MEDIA_FIELDS) changes[field] = undefined;
    Object.assign(changes, kind === "animation" ? { animation: media, document: media } : { [kind]: media });
    return this.applyEdit(stored, {
      ...changes,
      caption: caption?.text,
      caption_entities: caption?.entities.length ? caption.entities : undefined,
      reply_markup: markup,
    });
  }

  private editMessageReplyMarkup(params: Params): Message | true {
    const stored = this.editTarget(params);
    const markup = validateReplyMarkup(params.reply_markup);
    if (!stored) return true;
    return this.applyEdit(stored, { reply_markup: markup });
  }

  private canDelete(record: ChatRecord, stored: StoredMessage): boolean {
    if (stored.fromBot || record.chat.type === "private") return true;
    return isBotAdmin(record) && record.botCanDeleteMessages;
  }

  private deleteMessage(params: Params): true {
    const record = this.accessibleChat(params.chat_id, { ignoreBlock: true });
    const stored = this.findMessage(record, params.message_id);
    if (!stored) throw badRequest("message to delete not found");
    if (!this.canDelete(record, stored)) throw badRequest("message can't be deleted");
    stored.deleted = true;
    this.notifyMessages();
    return true;
  }

  private deleteMessages(params: Params): true {
    const record = this.accessibleChat(params.chat_id, { ignoreBlock: true });
    const ids = Array.isArray(params.message_ids) ? params.message_ids : [];
    if (ids.length < 1 || ids.length > 100) throw badRequest("message_ids is empty");
    for (const id of ids) {
      const stored = this.findMessage(record, id);
      if (stored && this.canDelete(record, stored)) stored.deleted = true;
    }
    this.notifyMessages();
    return true;
  }

  // ---- queries ---------------------------------------------------------------------

  private answerCallbackQuery(params: Params): true {
    const query = this.callbackQueries.get(String(params.callback_query_id));
    if (!query || query.answered) throw badRequest(QUERY_INVALID);
    const text = str(params.text);
    if (text !== undefined && [...text].length > 200) throw badRequest("MESSAGE_TOO_LONG");
    query.answered = true;
    query.answer = {
      ...(text !== undefined ? { text } : {}),
      ...(params.show_alert !== undefined ? { show_alert: isTrue(params.show_alert) } : {}),
      ...(params.url !== undefined ? { url: str(params.url) } : {}),
      ...(params.cache_time !== undefined ? { cache_time: int(params.cache_time) } : {}),
    };
    return true;
  }

  private answerInlineQuery(params: Params): true {
    const query = this.inlineQueries.get(String(params.inline_query_id));
    if (!query || query.answered) throw badRequest(QUERY_INVALID);
    const results = Array.isArray(params.results) ? params.results : [];
    if (results.length > 50) throw badRequest("RESULTS_TOO_MUCH");
    const ids = results.map((result) => String((result as { id?: unknown }).id ?? ""));
    if (ids.some((id) => id === "" || id.length > 64)) throw badRequest("RESULT_ID_INVALID");
    if (new Set(ids).size !== ids.length) throw badRequest("RESULT_ID_DUPLICATE");
    // Like Telegram, the text a result would send is checked now (bad HTML, empty or too long).
    for (const result of results) {
      const content = (result as { input_message_content?: Params }).input_message_content;
      if (content && "message_text" in content) formatMessageText(content.message_text, this.formatOptions(content.parse_mode, content.entities));
    }
    query.answered = true;
    query.results = structuredClone(results);
    return true;
  }

  // ---- chats and members -------------------------------------------------------------

  private getChat(params: Params): ChatFullInfo {
    const record = this.accessibleChat(params.chat_id, { ignoreBlock: true });
    return {
      ...structuredClone(record.chat),
      accent_color_id: 0,
      max_reaction_count: 11,
      accepted_gift_types: {
        unlimited_gifts: false, limited_gifts: false, unique_gifts: false, premium_subscription: false,
        gifts_from_channels: false,
      },
    } as ChatFullInfo;
  }

  private memberStatus(record: ChatRecord, userId: number): MemberStatus {
    if (userId === this.botUser.id) return record.chat.type === "private" ? "member" : record.botStatus;
    if (record.chat.type === "private") return userId === record.chat.id ? "member" : "left";
    return record.members.get(userId) ?? "left";
  }

  private memberObject(record: ChatRecord, userId: number): ChatMember {
    const isBot = userId === this.botUser.id;
    const user = isBot ? this.botUser : this.users.get(userId)?.user;
    if (!user) throw badRequest("user not found");
    const rights = isBot
      ? { canManageTopics: record.botCanManageTopics, canDeleteMessages: record.botCanDeleteMessages }
      : { canManageTopics: true };
    return chatMemberOf(structuredClone(user), this.memberStatus(record, userId), rights);
  }

  private getChatMember(params: Params): ChatMember {
    const record = this.accessibleChat(params.chat_id, { ignoreBlock: true });
    const userId = int(params.user_id);
    if (userId === undefined) throw badRequest("user_id is empty");
    return this.memberObject(record, userId);
  }

  private getChatAdministrators(params: Params): ChatMember[] {
    const record = this.accessibleChat(params.chat_id, { ignoreBlock: true });
    if (record.chat.type === "private") throw badRequest("there are no administrators in the private chat");
    const adminIds = [...record.members.entries()]
      .filter(([, status]) => status === "creator" || status === "administrator")
      .map(([id]) => id);
    if (isBotAdmin(record)) adminIds.push(this.botUser.id);
    return adminIds.map((id) => this.memberObject(record, id));
  }

  private getChatMemberCount(params: Params): number {
    const record = this.accessibleChat(params.chat_id, { ignoreBlock: true });
    if (record.chat.type === "private") return 2;
    const users = [...record.members.values()].filter(isPresent).length;
    return users + (isPresent(record.botStatus) ? 1 : 0);
  }

  private leaveChat(params: Params): true {
    const record = this.accessibleChat(params.chat_id, { ignoreBlock: true });
    if (record.chat.type === "private") throw badRequest("chat member status can't be changed in private chats");
    this.changeBotStatus(record, "left", this.botUser);
    return true;
  }

  // ---- forum topics -------------------------------------------------------------------

  private topicObject(topic: TopicRecord): ForumTopic {
    return {
      message_thread_id: topic.message_thread_id,
      name: topic.name,
      icon_color: topic.icon_color,
      ...(topic.icon_custom_emoji_id ? { icon_custom_emoji_id: topic.icon_custom_emoji_id } : {}),
    };
  }

  private forumWithRights(chatId: unknown, action: "create" | "manage"): ChatRecord {
    const record = this.accessibleChat(chatId);
    if (!isForum(record)) throw badRequest("the chat is not a forum");
    if (!isBotAdmin(record) || !record.botCanManageTopics) {
      throw badRequest(action === "create" ? "not enough rights to create a topic" : "CHAT_ADMIN_REQUIRED");
    }
    return record;
  }

  private validTopicName(name: unknown): string {
    const value = str(name) ?? "";
    if (value.trim() === "" || [...value].length > 128) throw badRequest("TOPIC_TITLE_EMPTY");
    return value;
  }

  /** Opens a topic: a service message whose id becomes the topic's message_thread_id. */
  private openTopic(
    record: ChatRecord,
    from: User,
    topicInfo: { name: string; iconColor: number; emojiId?: string },
    fromBot: boolean,
  ): { topic: TopicRecord; message: Message } {
    const { name, iconColor, emojiId } = topicInfo;
    const threadId = record.nextMessageId;
    const topic: TopicRecord = {
      message_thread_id: threadId, name, icon_color: iconColor,
      ...(emojiId ? { icon_custom_emoji_id: emojiId } : {}), closed: false, deleted: false,
    };
    record.topics.set(threadId, topic);
    const created = { name, icon_color: iconColor, ...(emojiId ? { icon_custom_emoji_id: emojiId } : {}) };
    const message = this.storeMessage(record, from, { forum_topic_created: created }, { threadId, fromBot });
    return { topic, message };
  }

  private createForumTopic(params: Params): ForumTopic {
    const record = this.forumWithRights(params.chat_id, "create");
    const name = this.validTopicName(params.name);
    const color = int(params.icon_color) ?? DEFAULT_TOPIC_COLOR;
    const emojiId = str(params.icon_custom_emoji_id);
    const { topic } = this.openTopic(record, this.botUser, { name, iconColor: color, emojiId }, true);
    return this.topicObject(topic);
  }

  private editForumTopic(params: Params): true {
    const record = this.forumWithRights(params.chat_id, "manage");
    const topic = this.checkThread(record, int(params.message_thread_id) ?? 0, false);
    if (!topic) throw badRequest("message thread not found");
    const name = params.name === undefined ? topic.name : this.validTopicName(params.name);
    const emojiId =
      params.icon_custom_emoji_id === undefined ? topic.icon_custom_emoji_id : str(params.icon_custom_emoji_id);
    if (name === topic.name && emojiId === topic.icon_custom_emoji_id) throw badRequest("TOPIC_NOT_MODIFIED");
    topic.name = name;
    if (emojiId) topic.icon_custom_emoji_id = emojiId;
    else delete topic.icon_custom_emoji_id;
    const edited = {
      ...(params.name !== undefined ? { name } : {}),
      ...(params.icon_custom_emoji_id !== undefined ? { icon_custom_emoji_id: emojiId ?? "" } : {}),
    };
    const threadId = topic.message_thread_id;
    this.storeMessage(record, this.botUser, { forum_topic_edited: edited }, { threadId, fromBot: true });
    return true;
  }

  private setTopicClosed(params: Params, closed: boolean): true {
    const record = this.forumWithRights(params.chat_id, "manage");
    const topic = this.checkThread(record, int(params.message_thread_id) ?? 0, false);
    if (!topic) throw badRequest("message thread not found");
    if (topic.closed === closed) throw badRequest("TOPIC_NOT_MODIFIED");
    topic.closed = closed;
    const service = closed ? { forum_topic_closed: {} } : { forum_topic_reopened: {} };
    this.storeMessage(record, this.botUser, service, { threadId: topic.message_thread_id, fromBot: true });
    return true;
  }

  private deleteForumTopic(params: Params): true {
    const record = this.forumWithRights(params.chat_id, "manage");
    const topic = this.checkThread(record, int(params.message_thread_id) ?? 0, false);
    if (!topic) throw badRequest("message thread not found");
    topic.deleted = true;
    for (const stored of record.messages.values()) {
      if (stored.message.message_thread_id === topic.message_thread_id) stored.deleted = true;
    }
    this.notifyMessages();
    return true;
  }

  // ---- misc methods -------------------------------------------------------------------

  private sendChatAction(params: Params): true {
    const record = this.accessibleChat(params.chat_id);
    const threadId = int(params.message_thread_id);
    if (threadId !== undefined) this.checkThread(record, threadId, false);
    if (!CHAT_ACTIONS.has(String(params.action))) throw badRequest("wrong parameter action in request");
    return true;
  }

  private setMessageReaction(params: Params): true {
    const record = this.accessibleChat(params.chat_id, { ignoreBlock: true });
    if (!this.findMessage(record, params.message_id)) throw badRequest("MESSAGE_ID_INVALID");
    if (params.reaction !== undefined && !Array.isArray(params.reaction)) throw badRequest("REACTION_INVALID");
    return true;
  }

  private getFile(params: Params): { file_id: string; file_unique_id: string; file_size: number; file_path: string } {
    const file = this.files.get(String(params.file_id));
    if (!file) throw badRequest("invalid file_id");
    const { file_id, file_unique_id, file_size, file_path } = file;
    return { file_id, file_unique_id, file_size, file_path };
  }

  private setBotText(kind: string, value: unknown, languageCode: unknown, maxLength: number): true {
    const text = str(value) ?? "";
    if ([...text].length > maxLength) throw badRequest(`${kind} is too long`);
    const key = `${kind}|${str(languageCode) ?? ""}`;
    if (text === "") this.botTexts.delete(key);
    else this.botTexts.set(key, text);
    return true;
  }

  private botText(kind: string, languageCode: unknown): string | undefined {
    return this.botTexts.get(`${kind}|${str(languageCode) ?? ""}`);
  }

  private setMyCommands(params: Params): true {
    const commands = params.commands;
    if (!Array.isArray(commands)) throw badRequest("can't parse commands JSON object");
    if (commands.length > 100) throw badRequest("BOT_COMMANDS_TOO_MUCH");
    const stored: BotCommand[] = commands.map((raw) => {
      const item = (raw ?? {}) as { command?: unknown; description?: unknown };
      const command = str(item.command) ?? "";
      const description = str(item.description) ?? "";
      if (!/^[a-z0-9_]{1,32}$/.test(command)) throw badRequest("BOT_COMMAND_INVALID");
      const length = [...description].length;
      if (description.trim() === "" || length > 256) throw badRequest("BOT_COMMAND_DESCRIPTION_INVALID");
      return { command, description };
    });
    this.commandSets.set(commandKey(params.scope, str(params.language_code)), stored);
    return true;
  }

  // ---- updates: long polling and webhook ------------------------------------------------

  private getUpdates(params: Params, call: FakeCall, signal?: AbortSignal): Promise<Update[]> {
    if (this.webhook.active) throw new ApiError(409, WEBHOOK_CONFLICT);
    this.updates.confirm(int(params.offset));
    this.updates.setAllowedUpdates(params.allowed_updates);
    const onWaiting = (): void => {
      call.state = "waiting";
      this.notifyCalls();
    };
    return this.updates
      .poll({ limit: int(params.limit), timeoutSeconds: int(params.timeout), signal, onWaiting })
      .finally(() => {
        call.state = "running";
      });
  }

  /** Ends a waiting long poll (it answers with an empty result). */
  stopPolling(): void {
    this.updates.stopPolling();
  }

  private setWebhook(params: Params): Described {
    const url = str(params.url) ?? "";
    if (url === "") return this.deleteWebhook(params);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw badRequest("bad webhook: Failed to resolve host: Name or service not known");
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
      throw badRequest("bad webhook: An HTTPS URL must be provided for webhook");
    }
    const secretToken = str(params.secret_token);
    if (secretToken !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secretToken)) {
      throw badRequest("secret token contains unallowed characters");
    }
    if (isTrue(params.drop_pending_updates)) this.updates.clear();
    this.updates.setAllowedUpdates(params.allowed_updates);
    const changed = this.webhook.set({ url, secretToken, maxConnections: int(params.max_connections) ?? 40 });
    this.scheduleWebhookDelivery();
    return new Described(true, changed ? "Webhook was set" : "Webhook is already set");
  }

  private deleteWebhook(params: Params): Described {
    if (isTrue(params.drop_pending_updates)) this.updates.clear();
    return new Described(true, this.webhook.clear() ? "Webhook was deleted" : "Webhook is already deleted");
  }

  /**
   * POSTs pending updates, oldest first, to the webhook (header
   * X-Telegram-Bot-Api-Secret-Token when a secret is set). An update is
   * dropped only after a 2xx answer; otherwise it is retried up to
   * `maxAttempts` times and delivery stops there (the update stays queued).
   * A JSON answer with a `method` field is executed like Telegram does.
   */
  deliverWebhook(options: WebhookDeliveryOptions = {}): Promise<WebhookDeliveryResult> {
    return this.webhook.deliver(options);
  }

  private scheduleWebhookDelivery(): void {
    if (!this.autoDeliverWebhook || !this.webhook.active) return;
    setImmediate(() => {
      if (this.webhook.active && this.updates.size > 0) void this.deliverWebhook();
    });
  }

  // ---- updates from simulated users ------------------------------------------------------

  /** Whether Telegram would deliver this group message to the bot (membership, privacy mode). */
  private deliverable(record: ChatRecord, message?: Message): boolean {
    if (record.chat.type === "private") return true;
    if (!isPresent(record.botStatus)) return false;
    if (!this.privacyMode || isBotAdmin(record) || !message) return true;
    const text = message.text ?? message.caption ?? "";
    const mentionsBot = text.toLowerCase().includes(`@${this.botUser.username?.toLowerCase()}`);
    const repliesToBot = message.reply_to_message?.from?.id === this.botUser.id;
    const fields = message as unknown as Record<string, unknown>;
    const isService = message.text === undefined && message.caption === undefined &&
      !MEDIA_FIELDS.some((field) => fields[field] !== undefined);
    return text.startsWith("/") || mentionsBot || repliesToBot || isService;
  }

  private pushUpdate(body: Omit<Update, "update_id">, deliver: boolean): Update {
    const update = this.updates.push(body, deliver);
    if (deliver) {
      this.emit("update", update);
      this.scheduleWebhookDelivery();
    }
    return structuredClone(update);
  }

  private pushMessage(record: ChatRecord, message: Message, key: "message" | "edited_message" = "message"): Update {
    return this.pushUpdate({ [key]: message } as Omit<Update, "update_id">, this.deliverable(record, message));
  }

  /** The chat a user acts in: their private chat by default. Unblocks a user who writes to the bot. */
  private userChat(user: User, chatId: number | undefined): ChatRecord {
    const record = this.requireChat(chatId ?? user.id);
    if (record.chat.type === "private") {
      if (record.chat.id !== user.id) {
        throw new Error(`FakeTelegram: user ${user.id} can't write in the private chat ${record.chat.id}`);
      }
      const state = this.users.get(user.id);
      if (state?.blocked) this.userUnblocksBot(user.id);
      if (state) state.startedBot = true;
      return record;
    }
    const status = record.members.get(user.id);
    if (status === "left" || status === "kicked") {
      throw new Error(`FakeTelegram: user ${user.id} is not in chat ${record.chat.id}`);
    }
    if (status === undefined) record.members.set(user.id, "member");
    return record;
  }

  private userMessage(userId: number, content: Record<string, unknown>, opts: UserMessageOptions): Update {
    const user = this.requireUser(userId);
    const record = this.userChat(user, opts.chatId);
    let replyTo: Message | undefined;
    if (opts.replyToMessageId !== undefined) {
      replyTo = this.findMessage(record, opts.replyToMessageId)?.message;
      if (!replyTo) throw new Error(`FakeTelegram: message ${opts.replyToMessageId} not found in chat ${record.chat.id}`);
    }
    let threadId = opts.messageThreadId;
    if (threadId === undefined && replyTo?.is_topic_message) threadId = replyTo.message_thread_id;
    if (threadId !== undefined && isForum(record)) {
      const topic = record.topics.get(threadId);
      if (!topic || topic.deleted) throw new Error(`FakeTelegram: topic ${threadId} not found in chat ${record.chat.id}`);
    }
    const full = {
      ...content,
      ...(opts.mediaGroupId !== undefined ? { media_group_id: opts.mediaGroupId } : {}),
      ...(opts.anonymous ? { sender_chat: structuredClone(record.chat) } : {}),
    };
    const from = opts.anonymous ? { ...ANONYMOUS_ADMIN } : user;
    const message = this.storeMessage(record, from, full, { threadId, replyTo, fromBot: false });
    return this.pushMessage(record, message);
  }

  private captionFields(caption: string | undefined): Record<string, unknown> {
    if (caption === undefined || caption === "") return {};
    const entities = detectEntities(caption);
    return { caption, ...(entities.length ? { caption_entities: entities } : {}) };
  }

  /** A user writes a text message (private chat by default). A leading /command gets a bot_command entity. */
  userSendsText(userId: number, text: string, opts: UserTextOptions = {}): Update {
    const entities = opts.entities ?? detectEntities(text);
    return this.userMessage(userId, { text, ...(entities.length ? { entities } : {}) }, opts);
  }

  /** `/command args` (set `mention: true` for `/command@botusername`). */
  userSendsCommand(userId: number, command: string, args?: string, opts: UserCommandOptions = {}): Update {
    const name = command.replace(/^\//, "");
    const mention = opts.mention ? `@${this.botUser.username}` : "";
    return this.userSendsText(userId, `/${name}${mention}${args ? ` ${args}` : ""}`, opts);
  }

  userSendsPhoto(userId: number, opts: UserPhotoOptions = {}): Update {
    const bytes = opts.bytes ?? new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
    const photo = this.files.create("photo", bytes, { width: opts.width, height: opts.height });
    return this.userMessage(userId, { photo, ...this.captionFields(opts.caption) }, opts);
  }

  userSendsDocument(userId: number, opts: UserDocumentOptions): Update {
    const bytes = opts.bytes ?? new TextEncoder().encode(`${opts.fileName}\n`);
    const document = this.files.create("document", bytes, { filename: opts.fileName, mimeType: opts.mimeType });
    return this.userMessage(userId, { document, ...this.captionFields(opts.caption) }, opts);
  }

  userSendsSticker(userId: number, opts: UserStickerOptions = {}): Update {
    const bytes = new Uint8Array([0x52, 0x49, 0x46, 0x46]);
    const sticker = this.files.create("sticker", bytes, { emoji: opts.emoji ?? "👍", setName: opts.setName });
    return this.userMessage(userId, { sticker }, opts);
  }

  userSendsVoice(userId: number, opts: UserVoiceOptions = {}): Update {
    const bytes = opts.bytes ?? new Uint8Array([0x4f, 0x67, 0x67, 0x53]);
    const voice = this.files.create("voice", bytes, { duration: opts.duration ?? 3 });
    return this.userMessage(userId, { voice, ...this.captionFields(opts.caption) }, opts);
  }

  /** A user edits their own text message or caption (edited_message update). */
  userEditsMessage(userId: number, chatId: number, messageId: number, newText: string): Update {
    const record = this.requireChat(chatId);
    const stored = this.findMessage(record, messageId);
    if (!stored || stored.message.from?.id !== userId || stored.fromBot) {
      throw new Error(`FakeTelegram: user ${userId} has no message ${messageId} in chat ${chatId}`);
    }
    const message = stored.message as unknown as Record<string, unknown>;
    if (message.text !== undefined) {
      const entities = detectEntities(newText);
      message.text = newText;
      if (entities.length) message.entities = entities;
      else delete message.entities;
    } else {
      delete message.caption_entities;
      Object.assign(message, this.captionFields(newText));
    }
    message.edit_date = this.date();
    this.notifyMessages();
    return this.pushMessage(record, structuredClone(stored.message), "edited_message");
  }

  /**
   * A user presses an inline button (matched by text, then by callback_data).
   * Throws if the message has no such callback button.
   */
  userClicksButton(userId: number, target: Message | MessageRef, buttonTextOrData: string): Update {
    const user = this.requireUser(userId);
    const { chatId, messageId, record, stored } = this.requireMessage(target);
    const buttons = inlineButtons(stored.message.reply_markup);
    const callbackButtons = buttons.flatMap((b) => ("callback_data" in b ? [{ text: b.text, data: b.callback_data }] : []));
    const button =
      callbackButtons.find((b) => b.text === buttonTextOrData) ?? callbackButtons.find((b) => b.data === buttonTextOrData);
    if (!button) {
      const available = buttons.map((b) => JSON.stringify(b)).join(", ") || "none";
      throw new Error(
        `FakeTelegram: no callback button "${buttonTextOrData}" on message ${messageId} in chat ${chatId} (buttons: ${available})`,
      );
    }
    return this.pushCallbackQuery(user, record, stored.message, button.data);
  }

  /**
   * A modified client sends callback data that no button of the message carries (Telegram
   * delivers it all the same, for any message of the bot with an inline keyboard). For tests of
   * forged or outdated data.
   */
  userSendsCallbackData(userId: number, target: Message | MessageRef, data: string): Update {
    const user = this.requireUser(userId);
    const { chatId, messageId, record, stored } = this.requireMessage(target);
    if (inlineButtons(stored.message.reply_markup).length === 0) {
      throw new Error(`FakeTelegram: message ${messageId} in chat ${chatId} has no inline keyboard to send callback data from`);
    }
    return this.pushCallbackQuery(user, record, stored.message, data);
  }

  /** The stored message a user acts on; throws when there is none. */
  private requireMessage(target: Message | MessageRef) {
    const chatId = "chat" in target ? target.chat.id : target.chatId;
    const messageId = "message_id" in target ? target.message_id : target.messageId;
    const record = this.requireChat(chatId);
    const stored = this.findMessage(record, messageId);
    if (!stored) throw new Error(`FakeTelegram: message ${messageId} not found in chat ${chatId}`);
    return { chatId, messageId, record, stored };
  }

  private pushCallbackQuery(user: User, record: ChatRecord, message: Message, data: string): Update {
    const id = String(4_200_000_000_000_000_000n + BigInt(++this.queryCounter));
    this.callbackQueries.set(id, { answered: false });
    const callbackQuery = {
      id,
      from: structuredClone(user),
      message: structuredClone(message),
      chat_instance: chatInstance(message.chat.id),
      data,
    };
    return this.pushUpdate({ callback_query: callbackQuery } as Omit<Update, "update_id">, this.deliverable(record));
  }

  /** A user types `@bot query` (inline_query update). */
  userSendsInlineQuery(userId: number, query: string, opts: InlineQueryOptions = {}): Update {
    const user = this.requireUser(userId);
    const id = String(4_300_000_000_000_000_000n + BigInt(++this.queryCounter));
    this.inlineQueries.set(id, { answered: false });
    const inlineQuery = {
      id,
      from: structuredClone(user),
      query,
      offset: opts.offset ?? "",
      ...(opts.chatType ? { chat_type: opts.chatType } : {}),
    };
    return this.pushUpdate({ inline_query: inlineQuery } as Omit<Update, "update_id">, true);
  }

  /** The user blocks the bot: my_chat_member member → kicked; sends then fail with 403. */
  userBlocksBot(userId: number): Update {
    const state = this.users.get(userId);
    if (!state) throw new Error(`FakeTelegram: unknown user ${userId}`);
    state.blocked = true;
    return this.privateMemberUpdate(state.user, "member", "kicked");
  }

  userUnblocksBot(userId: number): Update {
    const state = this.users.get(userId);
    if (!state) throw new Error(`FakeTelegram: unknown user ${userId}`);
    state.blocked = false;
    state.startedBot = true;
    return this.privateMemberUpdate(state.user, "kicked", "member");
  }

  private privateMemberUpdate(user: User, from: MemberStatus, to: MemberStatus): Update {
    const record = this.requireChat(user.id);
    const myChatMember = {
      chat: structuredClone(record.chat),
      from: structuredClone(user),
      date: this.date(),
      old_chat_member: chatMemberOf(structuredClone(this.botUser), from),
      new_chat_member: chatMemberOf(structuredClone(this.botUser), to),
    };
    return this.pushUpdate({ my_chat_member: myChatMember } as Omit<Update, "update_id">, true);
  }

  /** A user joins a group: new_chat_members service message (returned) plus a chat_member update. */
  userJoinsGroup(userId: number, groupId: number): Update {
    return this.memberChange(userId, groupId, "member", { new_chat_members: [structuredClone(this.requireUser(userId))] });
  }

  /** A user leaves a group: left_chat_member service message (returned) plus a chat_member update. */
  userLeavesGroup(userId: number, groupId: number): Update {
    return this.memberChange(userId, groupId, "left", { left_chat_member: structuredClone(this.requireUser(userId)) });
  }

  private memberChange(userId: number, groupId: number, status: MemberStatus, service: Record<string, unknown>): Update {
    const user = this.requireUser(userId);
    const record = this.requireChat(groupId);
    const old = record.members.get(userId) ?? "left";
    record.members.set(userId, status);
    const deliver = this.deliverable(record);
    const message = this.storeMessage(record, user, service, { fromBot: false });
    const messageUpdate = this.pushUpdate({ message } as Omit<Update, "update_id">, deliver);
    const chatMember = {
      chat: structuredClone(record.chat),
      from: structuredClone(user),
      date: this.date(),
      old_chat_member: chatMemberOf(structuredClone(user), old),
      new_chat_member: chatMemberOf(structuredClone(user), status),
    };
    this.pushUpdate({ chat_member: chatMember } as Omit<Update, "update_id">, deliver && isBotAdmin(record));
    return messageUpdate;
  }

  /** Someone adds the bot to a group (my_chat_member update, returned; plus the service message). */
  botAddedToGroup(groupId: number, byUserId: number, status: "member" | "administrator" = "member"): Update {
    const record = this.requireChat(groupId);
    const update = this.changeBotStatus(record, status, this.requireUser(byUserId));
    const by = this.requireUser(byUserId);
    const message = this.storeMessage(record, by, { new_chat_members: [structuredClone(this.botUser)] }, { fromBot: false });
    this.pushUpdate({ message } as Omit<Update, "update_id">, true);
    return update;
  }

  /** Someone removes the bot from a group (my_chat_member update). */
  botRemovedFromGroup(groupId: number, byUserId: number, status: "left" | "kicked" = "kicked"): Update {
    return this.changeBotStatus(this.requireChat(groupId), status, this.requireUser(byUserId));
  }

  private changeBotStatus(record: ChatRecord, status: MemberStatus, by: User): Update {
    const old = record.botStatus;
    const oldRights = { canManageTopics: record.botCanManageTopics, canDeleteMessages: record.botCanDeleteMessages };
    record.botStatus = status;
    const admin = isBotAdmin(record);
    record.botCanManageTopics = admin;
    record.botCanDeleteMessages = admin;
    const rights = { canManageTopics: admin, canDeleteMessages: admin };
    const myChatMember = {
      chat: structuredClone(record.chat),
      from: structuredClone(by),
      date: this.date(),
      old_chat_member: chatMemberOf(structuredClone(this.botUser), old, oldRights),
      new_chat_member: chatMemberOf(structuredClone(this.botUser), status, rights),
    };
    return this.pushUpdate({ my_chat_member: myChatMember } as Omit<Update, "update_id">, true);
  }

  /** A user opens a forum topic; returns the service-message update (its message_thread_id is the topic id). */
  userCreatesForumTopic(userId: number, chatId: number, name: string, iconColor = DEFAULT_TOPIC_COLOR): Update {
    const user = this.requireUser(userId);
    const record = this.requireChat(chatId);
    if (!isForum(record)) throw new Error(`FakeTelegram: chat ${chatId} is not a forum`);
    const { message } = this.openTopic(record, user, { name, iconColor }, false);
    return this.pushUpdate({ message } as Omit<Update, "update_id">, this.deliverable(record));
  }

  /**
   * Upgrades a basic group to a supergroup: the old id answers 400 with
   * migrate_to_chat_id from now on; service messages go to both chats.
   */
  migrateGroup(groupId: number, newSupergroupId: number): Chat {
    const old = this.requireChat(groupId);
    if (old.chat.type !== "group") throw new Error(`FakeTelegram: chat ${groupId} is not a basic group`);
    const title = old.chat.title;
    const record = newChatRecord({ id: newSupergroupId, type: "supergroup", title } as Chat, old.botStatus);
    record.members = new Map(old.members);
    record.botCanManageTopics = old.botCanManageTopics;
    record.botCanDeleteMessages = old.botCanDeleteMessages;
    this.chats.set(newSupergroupId, record);
    const creator = [...old.members.entries()].find(([, status]) => status === "creator")?.[0];
    const actor = creator !== undefined ? this.requireUser(creator) : this.botUser;
    const oldMessage = this.storeMessage(old, actor, { migrate_to_chat_id: newSupergroupId }, { fromBot: false });
    old.migratedTo = newSupergroupId;
    this.pushUpdate({ message: oldMessage } as Omit<Update, "update_id">, isPresent(old.botStatus));
    const newMessage = this.storeMessage(record, actor, { migrate_from_chat_id: groupId }, { fromBot: false });
    this.pushUpdate({ message: newMessage } as Omit<Update, "update_id">, isPresent(record.botStatus));
    return structuredClone(record.chat);
  }

  /** Adds an arbitrary update to the queue (for update types without a helper). */
  pushRawUpdate(body: Omit<Update, "update_id">): Update {
    return this.pushUpdate(body, true);
  }

  /**
   * The world as plain data: users, chats with their messages, members and topics, files, and
   * the next update_id (pass it as `firstUpdateId` when building the fake that loads it).
   */
  saveWorld(): WorldSnapshot {
    return snapshotWorld(this.users, this.chats, this.files, this.updates.nextUpdateId);
  }

  /**
   * Lets the next update_id be at least `min` (never lowers it): a sandbox restarted from an older
   * snapshot must not repeat update ids its bot has already journaled.
   */
  advanceUpdateIds(min: number): void {
    this.updates.advanceTo(min);
  }

  /** Replaces users, chats and files with a snapshot's (from saveWorld). */
  loadWorld(snapshot: WorldSnapshot): void {
    restoreWorld(snapshot, this.users, this.chats, this.files);
    this.notifyMessages();
  }

  /** The type of an update ("message", "callback_query", ...). */
  static updateType(update: Update): string {
    return updateType(update);
  }
}

export interface MessageRef {
  chatId: number;
  messageId: number;
}

export interface UserMessageOptions {
  /** Group/supergroup id; default is the user's private chat with the bot. */
  chatId?: number;
  replyToMessageId?: number;
  messageThreadId?: number;
  mediaGroupId?: string;
  /** An administrator posting anonymously, as the group: from GroupAnonymousBot, with sender_chat. */
  anonymous?: boolean;
}

export interface UserTextOptions extends UserMessageOptions {
  /** Entities to send instead of the auto-detected ones. */
  entities?: MessageEntity[];
}

export interface UserCommandOptions extends UserTextOptions {
  /** Write `/command@botusername`. */
  mention?: boolean;
}

export interface UserPhotoOptions extends UserMessageOptions {
  caption?: string;
  bytes?: Uint8Array;
  width?: number;
  height?: number;
}

export interface UserDocumentOptions extends UserMessageOptions {
  fileName: string;
  mimeType?: string;
  bytes?: Uint8Array;
  caption?: string;
}

export interface UserStickerOptions extends UserMessageOptions {
  emoji?: string;
  setName?: string;
}

export interface UserVoiceOptions extends UserMessageOptions {
  duration?: number;
  bytes?: Uint8Array;
  caption?: string;
}

export interface InlineQueryOptions {
  offset?: string;
  chatType?: "sender" | "private" | "group" | "supergroup";
}

function commandKey(scope: unknown, languageCode: string | undefined): string {
  const normalized = scope && typeof scope === "object" ? scope : { type: "default" };
  return `${stableJson(normalized)}|${languageCode ?? ""}`;
}

function chatInstance(chatId: number): string {
  return String(BigInt.asIntN(64, BigInt(chatId) * 2654435761n + 1469598103934665603n));
}
