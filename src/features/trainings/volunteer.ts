import { Composer } from "grammy";
import type { Config } from "../../config.js";
import { onCallback } from "../../core/callback-data.js";
import type { BotContext } from "../../core/context.js";
import type { FlowDefinition } from "../../core/feature.js";
import { clampPage, pageCount } from "../../core/paging.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import * as callbacks from "./callbacks.js";
import { calendarFile } from "./documents.js";
import { createMyTrainings } from "./my-trainings.js";
import { TRAININGS_PER_PAGE, type Closed, type TrainingService, type TrainingView } from "./service.js";
import type { Registration, Training } from "./schema.js";
import { cardHead, fitMessage, ownStatusLabel, seatsLabel, trainingCard } from "./texts.js";
import { confirmUnregisterKeyboard, trainingDetailsKeyboard, trainingListKeyboard } from "./volunteer-keyboards.js";

/** Telegram's limit for a document's caption. */
const MAX_CAPTION_LENGTH = 1024;
const NO_PREVIEW = { link_preview_options: { is_disabled: true } } as const;

/** A registration that holds a seat or a waitlist place (a cancelled one counts as none). */
function activeStatus(registration: Registration | undefined): "registered" | "waitlisted" | undefined {
  return registration && registration.status !== "cancelled" ? registration.status : undefined;
}

/**
 * What volunteers see and press: /schulungen (a page of upcoming trainings), a training's details
 * with Anmelden / Abmelden and the calendar file, /meineschulungen and certificates. Registration
 * and cancellation are decided once per update (`ctx.remember`): a replay after a crash takes the
 * same path, and the effects journal answers the messages and files the first run sent.
 */
export function createVolunteerTrainings(deps: { service: TrainingService; config: Config; clock: () => Date }) {
  const { service, config } = deps;
  const timeZone = config.timezone;

  /** One line block of the list: title, when, where, seats, and the reader's own place. */
  function listEntry(ctx: BotContext, view: TrainingView): string {
    const { training, seats } = view;
    const lines = [...cardHead(ctx.t, ctx.locale, timeZone, training), ctx.t("trainings.card.seats", { seats: seatsLabel(ctx.t, training, seats) })];
    const own = ownStatusLine(ctx, service.registration(training.id, ctx.from!.id));
    if (own) lines.push(own);
    return lines.join("\n");
  }

  function ownStatusLine(ctx: BotContext, registration: Registration | undefined): string | undefined {
    if (!registration) return undefined;
    return ownStatusLabel(ctx.t, registration, service.waitlistPosition(registration));
  }

  /** A page of upcoming trainings (an old button past the end shows the last page). */
  function listView(ctx: BotContext, requestedPage: number) {
    let { views, total } = service.upcoming(requestedPage);
    const page = clampPage(requestedPage, total, TRAININGS_PER_PAGE);
    if (page !== requestedPage) ({ views, total } = service.upcoming(page));
    if (total === 0) return { text: ctx.t("trainings.volunteer.list.empty"), reply_markup: undefined };
    const pages = pageCount(total, TRAININGS_PER_PAGE);
    const header = ctx.t(pages > 1 ? "trainings.volunteer.list.titlePaged" : "trainings.volunteer.list.title", { page: page + 1, pages });
    const text = fitMessage([header, ...views.map((view) => listEntry(ctx, view)), ctx.t("trainings.volunteer.list.hint")].join("\n\n"));
    const reply_markup = trainingListKeyboard(ctx.t, { trainings: views.map((v) => v.training), page, pages, locale: ctx.locale, timeZone });
    return { text, reply_markup };
  }

  const closedText = (ctx: BotContext, reason: Closed) => ctx.t(`trainings.volunteer.closed.${reason}`);

  /** A training's details for the reader: the card, their own place, and what they may do now. */
  function detailsView(ctx: BotContext, training: Training, page: number) {
    const userId = ctx.from!.id;
    const now = deps.clock();
    const registration = service.registration(training.id, userId);
    const status = activeStatus(registration);
    const closed = service.closedReason(training, now);
    const ended = training.endsAt.getTime() <= now.getTime();
    const lines: string[] = [];
    if (closed === "cancelled") lines.push(ctx.t("trainings.volunteer.details.cancelled"));
    else if (ended) lines.push(ctx.t("trainings.volunteer.details.past"));
    lines.push(trainingCard(ctx.t, ctx.locale, timeZone, training, service.seatsOf(training.id), { withLink: status === "registered" && closed !== "cancelled" }));
    const own = closed === "cancelled" || ended ? undefined : ownStatusLine(ctx, registration);
    if (own) lines.push("", own);
    else if (closed === "started" && !ended) lines.push("", closedText(ctx, "started"));
    else if (closed === "deadline" && status === undefined) lines.push("", closedText(ctx, "deadline"));
    const open = closed !== "cancelled" && closed !== "started";
    const text = fitMessage(lines.join("\n"));
    const reply_markup = trainingDetailsKeyboard(ctx.t, {
      trainingId: training.id,
      page,
      register: closed === undefined && status === undefined,
      unregister: open && status !== undefined,
      calendar: closed !== "cancelled" && !ended && status !== undefined,
    });
    return { text, reply_markup };
  }

  /** Shows a training's details in place of the message pressed (or the list, when the training is gone). */
  async function showDetails(ctx: BotContext, trainingId: number, page: number): Promise<void> {
    const training = service.find(trainingId);
    if (!training) {
      await ignoreNotModified(ctx.editMessageText(...withExtra(listView(ctx, page))));
      return;
    }
    await ignoreNotModified(ctx.editMessageText(...withExtra(detailsView(ctx, training, page))));
  }

  /** A short answer on the button (undefined: none), then the details as they are now. */
  async function answerAndRefresh(ctx: BotContext, text: string | undefined, trainingId: number, page: number): Promise<void> {
    await ctx.answerCallbackQuery(text === undefined ? undefined : { text });
    await showDetails(ctx, trainingId, page);
  }

  async function openList(ctx: BotContext): Promise<void> {
    await ctx.reply(...withExtra(listView(ctx, 0)));
  }

  async function sendCalendar(ctx: BotContext, training: Training, captionKey: string): Promise<void> {
    const file = calendarFile(training, { botUsername: ctx.me.username, organizer: config.operatorName, timeZone, stamp: deps.clock() });
    await ctx.replyWithDocument(file, { caption: fitMessage(ctx.t(captionKey, { title: training.title }), MAX_CAPTION_LENGTH) });
  }

  const middleware = new Composer<BotContext>();
  const privateChat = middleware.chatType("private");

  privateChat.command("schulungen", openList);

  onCallback(privateChat, callbacks.list, async (ctx, { page }) => {
    await ctx.answerCallbackQuery();
    await ignoreNotModified(ctx.editMessageText(...withExtra(listView(ctx, page))));
  });

  onCallback(privateChat, callbacks.show, async (ctx, { id, page }) => {
    const training = service.find(id);
    await answerAndRefresh(ctx, training ? undefined : closedText(ctx, "notFound"), id, page);
  });

  /** From a notice or /meineschulungen: the details as a new message (the notice stays as it is). */
  onCallback(privateChat, callbacks.details, async (ctx, { id }) => {
    const training = service.find(id);
    if (!training) {
      await ctx.answerCallbackQuery({ text: closedText(ctx, "notFound") });
      return;
    }
    await ctx.answerCallbackQuery();
    await ctx.reply(...withExtra(detailsView(ctx, training, 0)));
  });

  onCallback(privateChat, callbacks.register, async (ctx, { id, page }) => {
    const userId = ctx.from.id;
    const outcome = ctx.remember("trainings.register", () => service.register(id, userId));
    const training = service.find(id);
    switch (outcome.outcome) {
      case "registered":
        await answerAndRefresh(ctx, ctx.t("trainings.volunteer.registeredShort"), id, page);
        await sendCalendar(ctx, training!, "trainings.volunteer.registered");
        return;
      case "waitlisted":
        await answerAndRefresh(ctx, ctx.t("trainings.volunteer.waitlistedShort"), id, page);
        await ctx.reply(ctx.t("trainings.volunteer.waitlisted", { title: training!.title, position: outcome.position }));
        return;
      case "already":
        const already = outcome.status === "registered" ? ctx.t("trainings.volunteer.alreadyRegistered") : ctx.t("trainings.volunteer.alreadyWaitlisted", { position: outcome.position });
        await answerAndRefresh(ctx, already, id, page);
        return;
      case "closed":
        await answerAndRefresh(ctx, closedText(ctx, outcome.reason), id, page);
        return;
    }
  });

  onCallback(privateChat, callbacks.askUnregister, async (ctx, { id, page }) => {
    const training = service.find(id);
    const registration = service.registration(id, ctx.from.id);
    const status = activeStatus(registration);
    const closed = service.closedReason(training, deps.clock());
    if (!training || closed === "cancelled" || closed === "started") {
      await answerAndRefresh(ctx, closedText(ctx, closed ?? "notFound"), id, page);
      return;
    }
    if (status === undefined) {
      await answerAndRefresh(ctx, ctx.t("trainings.volunteer.notRegistered"), id, page);
      return;
    }
    if (!service.canCancel(training, registration)) {
      await ctx.answerCallbackQuery();
      await ctx.reply(ctx.t("trainings.volunteer.cutoff", { title: training.title, count: config.trainings.cancelCutoffHours }));
      return;
    }
    await ctx.answerCallbackQuery();
    const question = ctx.t(status === "registered" ? "trainings.volunteer.confirmUnregister" : "trainings.volunteer.confirmLeaveWaitlist", { title: training.title });
    await ignoreNotModified(ctx.editMessageText(fitMessage(question), { reply_markup: confirmUnregisterKeyboard(ctx.t, id, page) }));
  });

  onCallback(privateChat, callbacks.confirmUnregister, async (ctx, { id, page }) => {
    const userId = ctx.from.id;
    const outcome = ctx.remember("trainings.unregister", () => service.unregister(id, userId));
    const training = service.find(id);
    switch (outcome.outcome) {
      case "cancelled":
        await answerAndRefresh(ctx, undefined, id, page);
        await ctx.reply(ctx.t(outcome.was === "registered" ? "trainings.volunteer.unregistered" : "trainings.volunteer.leftWaitlist", { title: training!.title }));
        return;
      case "notRegistered":
        await answerAndRefresh(ctx, ctx.t("trainings.volunteer.notRegistered"), id, page);
        return;
      case "cutoff":
        await answerAndRefresh(ctx, undefined, id, page);
        await ctx.reply(ctx.t("trainings.volunteer.cutoff", { title: training!.title, count: config.trainings.cancelCutoffHours }));
        return;
      case "closed":
        await answerAndRefresh(ctx, closedText(ctx, outcome.reason), id, page);
        return;
    }
  });

  onCallback(privateChat, callbacks.calendar, async (ctx, { id }) => {
    const training = service.find(id);
    if (!training || training.status === "cancelled") {
      await ctx.answerCallbackQuery({ text: closedText(ctx, training ? "cancelled" : "notFound") });
      return;
    }
    if (activeStatus(service.registration(id, ctx.from.id)) === undefined) {
      await ctx.answerCallbackQuery({ text: ctx.t("trainings.volunteer.calendarAfterRegistration") });
      return;
    }
    await ctx.answerCallbackQuery();
    await sendCalendar(ctx, training, "trainings.volunteer.calendarCaption");
  });

  const mine = createMyTrainings({ service, config });
  middleware.use(mine.middleware);
  const flows: FlowDefinition[] = [...mine.flows];
  return { middleware, flows, openList };
}

/** A view as the arguments of `reply` / `editMessageText` (links in cards without a preview). */
function withExtra(view: { text: string; reply_markup: ReturnType<typeof trainingListKeyboard> | undefined }) {
  return [view.text, { ...NO_PREVIEW, ...(view.reply_markup ? { reply_markup: view.reply_markup } : {}) }] as const;
}
