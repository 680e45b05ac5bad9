import { createHash } from "node:crypto";
import type { Api, InlineKeyboard } from "grammy";
import type { MessageEntity } from "grammy/types";
import type { Config, Locale } from "../../config.js";
import { formatDateTime } from "../../core/format.js";
import { escapeHtml } from "../../core/html.js";
import type { I18n, Translate } from "../../core/i18n.js";
import {
  describeTelegramError as describe,
  ignoreNotModified,
  isRefused,
  isTelegramError,
  isUnreachable,
} from "../../core/telegram-errors.js";
import { truncate } from "../../core/text.js";
import type { Logger } from "../../logger.js";
import { outsideEffectScope } from "../../updates/effects-fetch.js";
import type { AccountApi } from "../account/index.js";
import type { CirclesApi } from "../circles/index.js";
import { ticketHeaderKeyboard } from "./keyboards.js";
import { CAPTION_LIMIT, TEXT_LIMIT, frame, isCaptionable, withMarker } from "./message-content.js";
import type { NewTicket } from "./repository.js";
import { staffTopicName } from "./rules.js";
import type { Ticket, TicketMessage } from "./schema.js";
import type { QuestionsService } from "./service.js";

export interface RelayDeps {
  /** The delivery API: one quick retry, then the message stays queued (see FeatureDeps). */
  api: Api;
  service: QuestionsService;
  account: Pick<AccountApi, "localeOf" | "markBlocked" | "municipalityIds" | "municipalityNames">;
  circles: Pick<CirclesApi, "publishedNamesCovering">;
  config: Config;
  i18n: I18n;
  logger: Logger;
  clock: () => Date;
  /** Told at start-up what the staff group received within its last minute (a previous process's sends). */
  recordPast?: (chatId: number, agesMs: number[]) => void;
  /** How long a handler waits for its ticket's turn in the staff group before it answers (default REPLY_WAIT_MS). */
  replyWaitMs?: number;
}

/** How many tickets' shown headers the relay remembers (see `shownHeaders`). */
const SHOWN_HEADERS_KEPT = 2_000;

const digest = (text: string) => createHash("sha256").update(text).digest("base64");

/** How long the answer to "is the staff group a forum?" is trusted. */
const FORUM_CHECK_MS = 5 * 60_000;

/** How long a follow-up album waits for its other parts (each arrives as its own update). */
export const ALBUM_WAIT_MS = 1_500;

/**
 * After this many failed attempts, the last one refused by Telegram as a bad request (400), a
 * volunteer message is given up: staff get a notice with its text instead, and the ticket's
 * queue moves on.
 */
export const MAX_REFUSED_ATTEMPTS = 5;

/** How often one ticket's delivery waits out a 429 in the staff lane before it is left to the retry job. */
const MAX_FLOOD_RETRIES = 3;

/** A ticket's header names at most this many municipalities and circles each ("A, B, C +2"). */
const HEADER_LIST_MAX = 3;

/**
 * How long a volunteer's message waits for its turn in the staff group before the volunteer is
 * answered anyway ("saved, will be delivered"): the staff group takes 20 messages a minute, and a
 * person is not kept waiting behind a burst of other people's questions.
 */
export const REPLY_WAIT_MS = 2_000;

/** Entities Telegram finds in a plain text by itself: a text with only these can be quoted as plain text. */
const SELF_EVIDENT_ENTITIES = new Set(["url", "mention", "hashtag", "cashtag", "bot_command", "email", "phone_number"]);

/**
 * Carries a ticket's messages between the volunteer's private chat and the staff group. Every
 * message is in the database before it is sent; what is still `pending` is retried (right after
 * it was stored, and then periodically) until it arrives. Work on one ticket runs one at a time,
 * so nothing is sent twice by two callers.
 *
 * In a forum staff group each ticket gets its own topic, headed by the ticket's header message;
 * otherwise the header is an ordinary message and the ticket's messages reply to it. Ids on both
 * sides are stored, so replies find their ticket without forward headers. A question that is one
 * plain text is quoted in the header itself: one message instead of two.
 *
 * The staff group takes at most 20 messages a minute, so everything that goes there for a
 * ticket's delivery and every redraw of a header waits in one line (the staff lane): ticket by
 * ticket, oldest first, each whole (header and parts) before the next; a header's redraws are
 * coalesced while they wait (the latest state is drawn). The lane runs apart from the update that
 * filled it (whose handler answers the volunteer after at most REPLY_WAIT_MS), and resumes from
 * the database (`pending`) after a restart. Answers to volunteers never wait in it.
 */
export class TicketRelay {
  /** Work on one ticket's place in the staff group (topic, header, notices), one at a time. */
  private readonly chains = new Map<number, Promise<unknown>>();
  /** Answers to one ticket's volunteer, one at a time (never behind the staff lane). */
  private readonly answerChains = new Map<number, Promise<unknown>>();
  /** The end of the staff lane. */
  private staffLane: Promise<unknown> = Promise.resolve();
  /** Lane work not yet started, by what it does (`deliver:12`, `header:12`): a second request joins it. */
  private readonly laneWaiting = new Map<string, Promise<unknown>>();
  private stopped = false;
  private rememberedSends = false;
  /** Deliveries put off for a moment (a follow-up album collecting its parts), by ticket. */
  private readonly deferred = new Map<number, NodeJS.Timeout>();
  /**
   * A digest of the header each ticket shows now, so an unchanged header is not edited again: a
   * digest, not the text (headers quote questions), and only for the most recent tickets.
   */
  private readonly shownHeaders = new Map<number, string>();
  private forum: { value: boolean; checkedAt: number } | undefined;
  /** Texts of the staff group, in the bot's default language. */
  readonly staffT: Translate;

  constructor(private readonly deps: RelayDeps) {
    this.staffT = deps.i18n.forLocale(deps.config.defaultLocale);
  }

  /**
   * Files a question (stored first, in one transaction) and then delivers it. Filing the same
   * source twice (a replayed update) delivers what is still pending and files nothing new.
   * Resolves once the question has reached the staff group, or after REPLY_WAIT_MS while it waits
   * for its turn there (then `waitingForStaff` counts it).
   */
  async file(input: NewTicket): Promise<{ ticket: Ticket; waitingForStaff: number }> {
    const { ticket } = this.deps.service.file(input);
    return { ticket, waitingForStaff: await this.deliverPromptly(ticket.id) };
  }

  /** Delivers whatever of this ticket is pending, both ways, and resolves when it is done. */
  async deliver(ticketId: number): Promise<void> {
    await Promise.all([this.deliverToStaff(ticketId), this.deliverAnswers(ticketId)]);
  }

  /**
   * A volunteer's messages to the staff group, through the staff lane. Resolves when they have
   * arrived (or failed), or after REPLY_WAIT_MS while they wait for their turn; either way with
   * the number still waiting.
   */
  deliverPromptly(ticketId: number): Promise<number> {
    return this.promptly(this.deliverToStaff(ticketId), () => this.deps.service.pendingMessages(ticketId).filter((m) => m.direction === "in").length);
  }

  /** The team's answers to the volunteer (in the caller's update, never behind the staff lane). */
  deliverAnswers(ticketId: number): Promise<number> {
    return this.serializedIn(this.answerChains, ticketId, () => this.deliverAnswersNow(ticketId));
  }

  /** A ticket's pending messages to the staff group, through the staff lane; resolves when done. */
  private deliverToStaff(ticketId: number): Promise<number> {
    // Whatever was put off goes now too.
    clearTimeout(this.deferred.get(ticketId));
    this.deferred.delete(ticketId);
    return this.onStaffLane(`deliver:${ticketId}`, 0, () => this.serialized(ticketId, () => this.deliverToStaffNow(ticketId)));
  }

  /**
   * Delivers a ticket's pending messages a moment from now, so that the parts of an album, which
   * arrive as separate updates, travel together; each call puts it off again. The messages are
   * stored already: after a crash the periodic retry delivers them.
   */
  deliverSoon(ticketId: number, delayMs = ALBUM_WAIT_MS): void {
    clearTimeout(this.deferred.get(ticketId));
    // Not part of the update that scheduled it: its calls are not that update's effects.
    const timer = outsideEffectScope(() => setTimeout(() => this.runDeferred(ticketId), delayMs));
    // A waiting album keeps no process alive: a clean stop sends it (idle), a crash leaves it to the retry.
    timer.unref();
    this.deferred.set(ticketId, timer);
  }

  /**
   * Forgets put-off deliveries and lane work not yet started without sending them (they are
   * stored; the next start retries them).
   */
  stop(): void {
    this.stopped = true;
    for (const timer of this.deferred.values()) clearTimeout(timer);
    this.deferred.clear();
  }

  /** Resolves when no delivery is in progress; put-off deliveries run now (for a clean shutdown). */
  async idle(): Promise<void> {
    for (const ticketId of [...this.deferred.keys()]) this.runDeferred(ticketId);
    for (;;) {
      const lane = this.staffLane;
      await Promise.allSettled([lane, ...this.chains.values(), ...this.answerChains.values()]);
      if (lane === this.staffLane && this.chains.size === 0 && this.answerChains.size === 0) return;
    }
  }

  /**
   * Retries every ticket with pending messages (called periodically and at start-up): all are
   * put in line at once, oldest first, so a backlog after a restart goes out in order.
   */
  async retryPending(): Promise<void> {
    this.rememberRecentStaffSends();
    // A ticket whose album is still collecting parts is left to its timer.
    const due = this.deps.service.withPendingMessages().filter((ticketId) => !this.deferred.has(ticketId));
    await Promise.all(
      due.map((ticketId) =>
        this.deliver(ticketId).catch((error: unknown) => this.deps.logger.warn({ err: error, ticketId }, "ticket delivery retry failed")),
      ),
    );
  }

  private rememberShown(ticketId: number, header: string): void {
    this.shownHeaders.delete(ticketId);
    this.shownHeaders.set(ticketId, digest(header));
    // Oldest first in a Map: a header not drawn for a long time is just compared by Telegram again.
    if (this.shownHeaders.size > SHOWN_HEADERS_KEPT) this.shownHeaders.delete(this.shownHeaders.keys().next().value!);
  }

  /**
   * Once, at start-up: the staff group's sends of the last minute, from the database, count
   * against its 20 a minute. A restart after a busy minute then waits where it must, instead of
   * learning it from Telegram's 429s one slot at a time. (A separately posted header is not
   * stored with a time; Telegram's 429 covers that rest.)
   */
  private rememberRecentStaffSends(): void {
    const chatId = this.deps.config.staffChatId;
    if (this.rememberedSends || chatId === undefined || !this.deps.recordPast) return;
    this.rememberedSends = true;
    const now = this.deps.clock().getTime();
    const times = this.deps.service.staffGroupSendsSince(new Date(now - 61_000));
    if (times.length > 0) this.deps.recordPast(chatId, times.map((at) => now - at.getTime()));
  }

  /**
   * Redraws a ticket's header (status, assignee) in the staff group, through the staff lane: a
   * redraw waiting there takes the later changes along (the latest state is drawn once). Resolves
   * when it is drawn, or after REPLY_WAIT_MS. Best effort: the header is a display (staff may have
   * deleted it); what happened is stored, so a failure is only logged.
   */
  refreshHeader(ticketId: number): Promise<void> {
    const redraw = this.onStaffLane(`header:${ticketId}`, undefined, () => this.serialized(ticketId, () => this.redrawHeader(ticketId)));
    return this.promptly(redraw, () => undefined);
  }

  private async redrawHeader(ticketId: number): Promise<void> {
    const ticket = this.deps.service.find(ticketId);
    const chatId = this.deps.config.staffChatId;
    if (!ticket || ticket.staffHeaderMessageId === null || chatId === undefined) return;
    const text = this.shownHeaderText(ticket);
    if (this.shownHeaders.get(ticket.id) === digest(text)) return;
    try {
      await ignoreNotModified(
        this.deps.api.editMessageText(chatId, ticket.staffHeaderMessageId, text, {
          parse_mode: "HTML",
          reply_markup: this.headerKeyboard(ticket),
        }),
      );
      this.rememberShown(ticket.id, text);
    } catch (error) {
      this.deps.logger.warn({ err: error, ticketId }, "could not update the ticket's header");
    }
  }

  /**
   * Posts a notice into the ticket's place in the staff group (its topic, or replying to its
   * header); a deleted topic is created again first. A staff reply to the notice finds the ticket.
   */
  notifyStaff(ticket: Ticket, html: string, options: { recreate?: boolean } = {}): Promise<void> {
    return this.serialized(ticket.id, () => this.postNotice(ticket, html, "HTML", options.recreate ?? true));
  }

  /**
   * A volunteer edited a message of a ticket (its new content is stored): show the new version to
   * staff, marked as edited. An edit counts against the staff group's minute, so it waits in the
   * staff lane (a second edit waiting there is drawn with the first); resolves when it is shown or
   * after REPLY_WAIT_MS.
   */
  applyVolunteerEdit(message: TicketMessage, text: string, entities: readonly unknown[] | null): Promise<void> {
    const show = () => {
      // The latest stored version (a later edit may have come meanwhile).
      const stored = this.deps.service.messages(message.ticketId).find((m) => m.id === message.id);
      return this.showVolunteerEdit(stored ?? message, stored?.text ?? text, stored ? stored.entities : entities);
    };
    const edit = this.onStaffLane(`edit:${message.id}`, undefined, () => this.serialized(message.ticketId, show));
    return this.promptly(edit, () => undefined);
  }

  private async showVolunteerEdit(message: TicketMessage, text: string, entities: readonly unknown[] | null): Promise<void> {
    const chatId = this.deps.config.staffChatId;
    if (message.delivery !== "delivered" || message.staffMessageId === null || chatId === undefined) return;
    const ticket = this.deps.service.find(message.ticketId);
    if (ticket && ticket.staffHeaderMessageId === message.staffMessageId) {
      // The question is quoted in the header: the header shows the new version.
      const edited = { ...message, text, entities: entities as unknown[] | null, editedAt: message.editedAt ?? this.deps.clock() };
      const html = this.headerWithQuestion(ticket, edited);
      if (html === undefined) {
        await this.deps.api.sendMessage(chatId, this.staffT("questions.staff.editedTooLong"), {
          parse_mode: "HTML",
          reply_parameters: { message_id: message.staffMessageId, allow_sending_without_reply: true },
          ...(ticket.staffThreadId !== null ? { message_thread_id: ticket.staffThreadId } : {}),
        });
        return;
      }
      await ignoreNotModified(
        this.deps.api.editMessageText(chatId, message.staffMessageId, html, { parse_mode: "HTML", reply_markup: this.headerKeyboard(ticket) }),
      );
      this.rememberShown(ticket.id, html);
      return;
    }
    const marked = withMarker(text, entities, this.staffT("questions.staff.edited"));
    const isText = message.media === null;
    const limit = isText ? TEXT_LIMIT : CAPTION_LIMIT;
    if (marked.text.length > limit) {
      await this.deps.api.sendMessage(chatId, this.staffT("questions.staff.editedTooLong"), {
        parse_mode: "HTML",
        reply_parameters: { message_id: message.staffMessageId, allow_sending_without_reply: true },
      });
      return;
    }
    await ignoreNotModified(
      isText
        ? this.deps.api.editMessageText(chatId, message.staffMessageId, marked.text, { entities: marked.entities })
        : this.deps.api.editMessageCaption(chatId, message.staffMessageId, { caption: marked.text, caption_entities: marked.entities }),
    );
  }

  /** A staff member edited an answer: the volunteer's copy shows the new version. */
  async applyStaffEdit(ticket: Ticket, message: TicketMessage, text: string, entities: readonly unknown[] | null): Promise<void> {
    if (message.delivery !== "delivered" || message.volunteerMessageId === null) return;
    const t = this.volunteerT(ticket.volunteerId);
    const framed = frame(t("questions.answerHeadingEdited", { id: ticket.id }), text, entities, this.deps.config.questions.signature);
    const isText = message.media === null;
    if (framed.text.length > (isText ? TEXT_LIMIT : CAPTION_LIMIT)) return;
    await ignoreNotModified(
      isText
        ? this.deps.api.editMessageText(ticket.volunteerId, message.volunteerMessageId, framed.text, { entities: framed.entities })
        : this.deps.api.editMessageCaption(ticket.volunteerId, message.volunteerMessageId, {
            caption: framed.text,
            caption_entities: framed.entities,
          }),
    );
  }

  /** The header staff see at the top of a ticket: number, topic, volunteer, place, status. */
  headerText(ticket: Ticket): string {
    const t = this.staffT;
    const { account, circles: directory, config } = this.deps;
    const municipalityIds = account.municipalityIds(ticket.volunteerId);
    const places = account.municipalityNames(municipalityIds);
    const circles = directory.publishedNamesCovering(municipalityIds);
    const status =
      ticket.status === "closed"
        ? t("questions.staff.statusClosed")
        : ticket.assigneeName
          ? t(`questions.staff.status_${ticket.status}_by`, { name: ticket.assigneeName })
          : t(`questions.staff.status_${ticket.status}`);
    return t("questions.staff.header", {
      id: ticket.id,
      topic: t(`topics.${ticket.topic}`),
      volunteer: ticket.volunteerLabel,
      places: places.length > 0 ? shortList(places, HEADER_LIST_MAX) : t("questions.staff.noPlace"),
      circles: circles.length > 0 ? t("questions.staff.circles", { count: circles.length, names: shortList(circles, HEADER_LIST_MAX) }) : "",
      time: formatDateTime(ticket.createdAt, t, config.defaultLocale, config.timezone),
      status,
    });
  }

  headerKeyboard(ticket: Ticket): InlineKeyboard {
    return ticketHeaderKeyboard(this.staffT, ticket);
  }

  /**
   * The header with a question quoted below it (escaped, marked when edited), or undefined when
   * the question cannot be quoted (media, formatting of its own) or both together do not fit
   * Telegram's 4096 characters; with `shorten`, a question too long is cut to fit instead.
   */
  private headerWithQuestion(ticket: Ticket, question: TicketMessage, shorten = false): string | undefined {
    if (!isQuotable(question)) return undefined;
    const header = this.headerText(ticket);
    const marker = question.editedAt ? `\n<i>${escapeHtml(this.staffT("questions.staff.edited"))}</i>` : "";
    const room = TEXT_LIMIT - visibleLength(`${header}\n\n${marker}`);
    let text = question.text!;
    if (text.length > room) {
      if (!shorten || room < 2) return undefined;
      text = truncate(text, room);
      while (text.length > room) text = truncate(text, Array.from(text).length - 1);
    }
    return `${header}\n\n<blockquote>${escapeHtml(text)}</blockquote>${marker}`;
  }

  /** What a ticket's header shows now: with its question when the question is quoted in it. */
  private shownHeaderText(ticket: Ticket): string {
    const quoted =
      ticket.staffHeaderMessageId === null
        ? undefined
        : this.deps.service.messages(ticket.id).find((m) => m.direction === "in" && m.staffMessageId === ticket.staffHeaderMessageId);
    return (quoted && this.headerWithQuestion(ticket, quoted, true)) ?? this.headerText(ticket);
  }

  /** A translator in the volunteer's language. */
  volunteerT(volunteerId: number): Translate {
    return this.deps.i18n.forLocale(this.volunteerLocale(volunteerId));
  }

  volunteerLocale(volunteerId: number): Locale {
    return this.deps.account.localeOf(volunteerId);
  }

  /** A link that opens the ticket in the staff group (its topic or its header). */
  staffLink(ticket: Ticket): string | undefined {
    const chatId = this.deps.config.staffChatId;
    if (chatId === undefined || !String(chatId).startsWith("-100")) return undefined;
    const internal = String(chatId).slice(4);
    if (ticket.staffThreadId !== null) return `https://t.me/c/${internal}/${ticket.staffThreadId}`;
    if (ticket.staffHeaderMessageId !== null) return `https://t.me/c/${internal}/${ticket.staffHeaderMessageId}`;
    return undefined;
  }

  // ---- delivery ----------------------------------------------------------------------

  private serialized<T>(ticketId: number, work: () => Promise<T>): Promise<T> {
    return this.serializedIn(this.chains, ticketId, work);
  }

  private serializedIn<T>(chains: Map<number, Promise<unknown>>, ticketId: number, work: () => Promise<T>): Promise<T> {
    const previous = chains.get(ticketId) ?? Promise.resolve();
    const run = previous.then(work, work);
    const settled = run.then(
      () => undefined,
      () => undefined,
    );
    chains.set(ticketId, settled);
    void settled.then(() => {
      if (chains.get(ticketId) === settled) chains.delete(ticketId);
    });
    return run;
  }

  /**
   * Puts work at the end of the staff lane, outside the effects scope of the update that asked
   * for it (it may run long after that update is done; what it sends is recorded in the database,
   * and after a restart the pending rest is sent). Work of the same `key` that has not started yet
   * is joined instead of queued again. After `stop`, work not yet started returns `stopped`.
   */
  private onStaffLane<T>(key: string, stopped: T, work: () => Promise<T>): Promise<T> {
    const waiting = this.laneWaiting.get(key);
    if (waiting) return waiting as Promise<T>;
    const run = outsideEffectScope(() =>
      this.staffLane.then(() => {
        this.laneWaiting.delete(key);
        return this.stopped ? stopped : work();
      }),
    );
    this.laneWaiting.set(key, run);
    this.staffLane = run.catch((error: unknown) => this.deps.logger.warn({ err: error, key }, "staff group work failed; it is retried later"));
    return run;
  }

  /** The result of `work` if it is done within REPLY_WAIT_MS, else what `meanwhile` says (the work goes on). */
  private async promptly<T>(work: Promise<T>, meanwhile: () => T): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<typeof LATE>((resolve) => {
      timer = setTimeout(() => resolve(LATE), this.deps.replyWaitMs ?? REPLY_WAIT_MS);
    });
    try {
      const result = await Promise.race([work, late]);
      return result === LATE ? meanwhile() : (result as T);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The team's pending answers to the volunteer, in order; returns how many still wait. */
  private async deliverAnswersNow(ticketId: number): Promise<number> {
    const { service, logger } = this.deps;
    const ticket = service.find(ticketId);
    if (!ticket) return 0;
    let waitingForVolunteer = 0;
    for (const message of service.pendingMessages(ticketId)) {
      if (message.direction !== "out") continue;
      // Answers arrive in order: after one failed, the rest wait for the next attempt.
      if (waitingForVolunteer > 0) {
        waitingForVolunteer++;
        continue;
      }
      try {
        await this.deliverToVolunteer(ticket, message);
      } catch (error) {
        waitingForVolunteer++;
        logger.warn({ err: error, ticketId }, "answer not delivered yet; it stays queued");
      }
    }
    return waitingForVolunteer;
  }

  /** The volunteer's pending messages to the staff group, in order; returns how many still wait. */
  private async deliverToStaffNow(ticketId: number): Promise<number> {
    const { service, logger } = this.deps;
    const ticket = service.find(ticketId);
    if (!ticket) return 0;
    const pending = service.pendingMessages(ticketId).filter((message) => message.direction === "in");
    let waitingForStaff = 0;
    let staffBroken = false;
    let floodRetries = 0;
    for (let i = 0; i < pending.length; i++) {
      const start = i;
      const message = pending[i]!;
      if (staffBroken) {
        waitingForStaff++;
        continue;
      }
      // The parts of one album travel together.
      const group = [message];
      while (message.mediaGroupId !== null && message.copyable && pending[i + 1]?.mediaGroupId === message.mediaGroupId) {
        group.push(pending[++i]!);
      }
      // Read again: a notice may have given the ticket a new topic meanwhile.
      const current = service.find(ticketId) ?? ticket;
      // A header still to be posted takes a plain text along, quoted (one message instead of two).
      const question = group.length === 1 && current.staffHeaderMessageId === null ? message : undefined;
      try {
        await this.inStaffPlace(current, (place, quoted) => (quoted ? Promise.resolve() : this.copyToStaff(place, group)), true, question);
      } catch (error) {
        // Flood control (e.g. the group's minute still full from before a restart): the budget
        // now holds the chat for retry_after, so the same messages wait their turn and go next,
        // keeping the ticket whole and the line in order.
        if (isTelegramError(error, "tooManyRequests") && floodRetries++ < MAX_FLOOD_RETRIES) {
          logger.info({ ticketId }, "staff group flood limit; the ticket waits and goes next");
          i = start - 1;
          continue;
        }
        if (isRefused(error) && group[0]!.deliveryAttempts + 1 >= MAX_REFUSED_ATTEMPTS && (await this.giveUp(current, group, error))) continue;
        staffBroken = true;
        waitingForStaff += group.length;
        for (const part of group) service.markDeliveryFailed(part.id, describe(error), false);
        logger.warn({ err: error, ticketId }, "staff group unreachable; the question stays queued");
      }
    }
    return waitingForStaff;
  }

  private runDeferred(ticketId: number): void {
    this.deliver(ticketId).catch((error: unknown) => this.deps.logger.warn({ err: error, ticketId }, "ticket delivery failed; it is retried later"));
  }

  /**
   * Runs `send` in the ticket's place in the staff group, creating topic and header if needed
   * (a header posted now quotes `question` when it can: then `quoted` is true and the question is
   * delivered). A topic deleted by staff is created again once.
   */
  private async inStaffPlace(
    ticket: Ticket,
    send: (place: Ticket, quoted: boolean) => Promise<unknown>,
    recreate = true,
    question?: TicketMessage,
  ): Promise<void> {
    if (!recreate && ticket.staffHeaderMessageId === null) return;
    const { place, quoted } = await this.ensureStaffPlace(ticket, question);
    try {
      await send(place, quoted);
    } catch (error) {
      if (!isTelegramError(error, "threadNotFound")) throw error;
      if (!recreate) return;
      this.deps.logger.info({ ticketId: ticket.id }, "ticket topic was deleted; creating it again");
      this.deps.service.setStaffPlace(ticket.id, { staffThreadId: null, staffHeaderMessageId: null });
      const again = await this.ensureStaffPlace({ ...place, staffThreadId: null, staffHeaderMessageId: null }, question);
      await send(again.place, again.quoted);
    }
  }

  /** Posts a notice about a ticket (see notifyStaff) and stores its id; runs inside the ticket's chain. */
  private async postNotice(ticket: Ticket, text: string, parseMode: "HTML" | undefined, recreate = true): Promise<void> {
    const { api, config, service } = this.deps;
    const chatId = config.staffChatId;
    if (chatId === undefined) return;
    let messageId: number | undefined;
    await this.inStaffPlace(service.find(ticket.id) ?? ticket, async (place) => {
      messageId = (await api.sendMessage(chatId, text, { ...(parseMode ? { parse_mode: parseMode } : {}), ...this.placement(place) })).message_id;
    }, recreate);
    if (messageId !== undefined) service.addNotice(ticket.id, messageId);
  }

  /**
   * Telegram keeps refusing a volunteer message (after MAX_REFUSED_ATTEMPTS): staff get a notice
   * and its text as plain text, the message is marked failed for good and the queue moves on.
   * False (keep trying) when not even the notice can be posted: then the group is the problem.
   */
  private async giveUp(ticket: Ticket, group: TicketMessage[], error: unknown): Promise<boolean> {
    const { service, logger } = this.deps;
    try {
      await this.postNotice(ticket, this.staffT("questions.staff.notShown", { id: ticket.id, error: describe(error) }), "HTML");
    } catch (noticeError) {
      logger.warn({ err: noticeError, ticketId: ticket.id }, "could not tell staff about a refused message");
      return false;
    }
    // Parts of an album sent one by one may have arrived; only the others are given up.
    const pending = new Set(service.pendingMessages(ticket.id).map((m) => m.id));
    const refused = group.filter((part) => pending.has(part.id));
    for (const part of refused) service.markDeliveryFailed(part.id, describe(error), true);
    logger.warn({ err: error, ticketId: ticket.id }, "Telegram keeps refusing a message; staff got its text instead");
    for (const part of refused) {
      if (!part.text) continue;
      try {
        await this.postNotice(ticket, part.text.slice(0, TEXT_LIMIT), undefined);
      } catch (textError) {
        logger.warn({ err: textError, ticketId: ticket.id }, "could not post the text of a refused message");
      }
    }
    return true;
  }

  /**
   * Makes sure the ticket has its topic (forum) and header in the staff group. A header posted
   * now quotes `question` when it can (`quoted`); its delivery is stored with the header's id.
   */
  private async ensureStaffPlace(ticket: Ticket, question?: TicketMessage): Promise<{ place: Ticket; quoted: boolean }> {
    const { api, service } = this.deps;
    const chatId = this.requireStaffChat();
    let current = ticket;
    let quoted = false;
    if (current.staffThreadId === null && (await this.isForum())) {
      const topic = await api.createForumTopic(
        chatId,
        staffTopicName(current.id, this.staffT(`topics.short.${current.topic}`), current.volunteerLabel),
      );
      current = { ...current, staffThreadId: topic.message_thread_id };
      service.setStaffPlace(current.id, { staffThreadId: current.staffThreadId, staffHeaderMessageId: null });
    }
    if (current.staffHeaderMessageId === null) {
      const withQuestion = question ? this.headerWithQuestion(current, question) : undefined;
      const text = withQuestion ?? this.headerText(current);
      const header = await api.sendMessage(chatId, text, {
        parse_mode: "HTML",
        reply_markup: this.headerKeyboard(current),
        ...(current.staffThreadId !== null ? { message_thread_id: current.staffThreadId } : {}),
      });
      current = { ...current, staffHeaderMessageId: header.message_id };
      this.rememberShown(current.id, text);
      const place = { staffThreadId: current.staffThreadId, staffHeaderMessageId: header.message_id };
      if (withQuestion !== undefined && question) {
        service.setStaffPlaceWithQuestion(current.id, place, question.id);
        quoted = true;
      } else {
        service.setStaffPlace(current.id, place);
      }
    }
    return { place: current, quoted };
  }

  private async copyToStaff(ticket: Ticket, group: TicketMessage[]): Promise<void> {
    const { api, service } = this.deps;
    const chatId = this.requireStaffChat();
    const placement = this.placement(ticket);
    if (group.length > 1) {
      let copies: Array<{ message_id: number }> = [];
      try {
        copies = await api.copyMessages(chatId, ticket.volunteerId, group.map((m) => m.volunteerMessageId!), {
          ...(ticket.staffThreadId !== null ? { message_thread_id: ticket.staffThreadId } : {}),
        });
      } catch (error) {
        if (!isTelegramError(error, "messageNotFound")) throw error;
      }
      if (copies.length === group.length) {
        group.forEach((part, index) => service.markDelivered(part.id, { staffMessageId: copies[index]!.message_id }));
        return;
      }
      // The volunteer deleted parts of the album meanwhile: Telegram copied the rest without
      // saying which is which. Take those copies back and send part by part (a deleted one from
      // what was stored), so every stored message knows its copy.
      if (copies.length > 0) {
        try {
          await api.deleteMessages(chatId, copies.map((copy) => copy.message_id));
        } catch (error) {
          this.deps.logger.warn({ err: error, ticketId: ticket.id }, "could not take back a partial album copy");
        }
      }
      for (const part of group) await this.copyToStaff(ticket, [part]);
      return;
    }
    const message = group[0]!;
    let staffMessageId: number;
    if (message.copyable && message.volunteerMessageId !== null) {
      try {
        staffMessageId = (await api.copyMessage(chatId, ticket.volunteerId, message.volunteerMessageId, placement)).message_id;
      } catch (error) {
        // The volunteer deleted the message before it arrived: send what was stored.
        if (!isTelegramError(error, "messageNotFound")) throw error;
        staffMessageId = await this.sendStored(chatId, message, placement);
      }
    } else {
      staffMessageId = await this.sendStored(chatId, message, placement);
    }
    service.markDelivered(message.id, { staffMessageId });
  }

  /** Sends a message from its stored content (text with formatting, or its first file). */
  private async sendStored(chatId: number, message: TicketMessage, placement: object): Promise<number> {
    const { api } = this.deps;
    const text = message.text ?? "";
    const entities = (message.entities ?? undefined) as MessageEntity[] | undefined;
    const file = message.media?.[0];
    if (!file) return (await api.sendMessage(chatId, text || "…", { entities, ...placement })).message_id;
    const caption = { caption: text || undefined, caption_entities: text ? entities : undefined, ...placement };
    switch (file.kind) {
      case "photo":
        return (await api.sendPhoto(chatId, file.fileId, caption)).message_id;
      case "video":
        return (await api.sendVideo(chatId, file.fileId, caption)).message_id;
      case "voice":
        return (await api.sendVoice(chatId, file.fileId, caption)).message_id;
      case "audio":
        return (await api.sendAudio(chatId, file.fileId, caption)).message_id;
      case "animation":
        return (await api.sendAnimation(chatId, file.fileId, caption)).message_id;
      default:
        return (await api.sendDocument(chatId, file.fileId, caption)).message_id;
    }
  }

  /**
   * An answer goes to the volunteer as the bot's message: headed with the ticket number, signed,
   * the staff member's own account never shown. A volunteer who blocked the bot cannot get it:
   * staff are told so in the ticket.
   */
  private async deliverToVolunteer(ticket: Ticket, message: TicketMessage): Promise<void> {
    const { api, service, config } = this.deps;
    const chatId = this.requireStaffChat();
    const t = this.volunteerT(ticket.volunteerId);
    const heading = t("questions.answerHeading", { id: ticket.id });
    const signature = config.questions.signature;
    try {
      let volunteerMessageId: number;
      if (message.media === null) {
        const framed = frame(heading, message.text ?? "", message.entities, signature);
        if (framed.text.length <= TEXT_LIMIT) {
          volunteerMessageId = (await api.sendMessage(ticket.volunteerId, framed.text, { entities: framed.entities })).message_id;
        } else {
          await api.sendMessage(ticket.volunteerId, heading, { entities: [{ type: "bold", offset: 0, length: heading.length }] });
          volunteerMessageId = (await api.copyMessage(ticket.volunteerId, chatId, message.staffMessageId!)).message_id;
        }
      } else {
        const framed = frame(heading, message.text ?? "", message.entities, signature);
        if (isCaptionable(message.media) && framed.text.length <= CAPTION_LIMIT) {
          volunteerMessageId = (
            await api.copyMessage(ticket.volunteerId, chatId, message.staffMessageId!, {
              caption: framed.text,
              caption_entities: framed.entities,
            })
          ).message_id;
        } else {
          await api.sendMessage(ticket.volunteerId, heading, { entities: [{ type: "bold", offset: 0, length: heading.length }] });
          volunteerMessageId = (await api.copyMessage(ticket.volunteerId, chatId, message.staffMessageId!)).message_id;
        }
      }
      service.markDelivered(message.id, { volunteerMessageId });
    } catch (error) {
      if (isUnreachable(error)) {
        service.markDeliveryFailed(message.id, describe(error), true);
        if (isTelegramError(error, "blocked")) this.deps.account.markBlocked(ticket.volunteerId);
        const notice = this.staffT("questions.staff.undeliverable", { volunteer: ticket.volunteerLabel });
        await this.serialized(ticket.id, () => this.postNotice(ticket, notice, "HTML"));
        return;
      }
      service.markDeliveryFailed(message.id, describe(error), false);
      throw error;
    }
  }

  /** Where in the staff group a ticket's messages go. */
  private placement(ticket: Ticket): { message_thread_id?: number; reply_parameters?: { message_id: number; allow_sending_without_reply: true } } {
    if (ticket.staffThreadId !== null) return { message_thread_id: ticket.staffThreadId };
    if (ticket.staffHeaderMessageId !== null) {
      return { reply_parameters: { message_id: ticket.staffHeaderMessageId, allow_sending_without_reply: true } };
    }
    return {};
  }

  private async isForum(): Promise<boolean> {
    const now = this.deps.clock().getTime();
    if (this.forum && now - this.forum.checkedAt < FORUM_CHECK_MS) return this.forum.value;
    const chat = await this.deps.api.getChat(this.requireStaffChat());
    const value = "is_forum" in chat && chat.is_forum === true;
    this.forum = { value, checkedAt: now };
    return value;
  }

  private requireStaffChat(): number {
    const chatId = this.deps.config.staffChatId;
    if (chatId === undefined) throw new Error("STAFF_CHAT_ID is not set: questions wait until it is");
    return chatId;
  }
}

/** Marks the end of REPLY_WAIT_MS in `promptly`. */
const LATE = Symbol("late");

/** A plain text (no media, no formatting of its own): it can be quoted in the header as it is. */
function isQuotable(message: TicketMessage): boolean {
  if (message.media !== null || !message.text) return false;
  return ((message.entities ?? []) as Array<{ type?: string }>).every((entity) => SELF_EVIDENT_ENTITIES.has(entity.type ?? ""));
}

/** The length of an HTML text as Telegram counts it (tags removed, entities one character). */
function visibleLength(html: string): number {
  return html.replace(/<[^>]*>/g, "").replace(/&(?:lt|gt|amp|quot);/g, "&").length;
}

function shortList(names: string[], max: number): string {
  return names.length <= max ? names.join(", ") : `${names.slice(0, max).join(", ")} +${names.length - max}`;
}
