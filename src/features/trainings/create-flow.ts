import type { InlineKeyboard } from "grammy";
import { updateKey } from "../../core/audit.js";
import type { BotConversation, ConversationContext } from "../../core/context.js";
import { formatDateTime } from "../../core/format.js";
import { stillStaff, waitInFlow, type FlowExit } from "../../core/flow.js";
import { ignoreNotModified } from "../../core/telegram-errors.js";
import {
  LIMITS,
  readCapacity,
  readDeadline,
  readDescription,
  readEnd,
  readPlace,
  readStart,
  readTitle,
  timeProblems,
  type Read,
} from "./rules.js";
import type { TrainingAudience } from "./schema.js";
import type { TrainingDraft, TrainingService } from "./service.js";
import * as callbacks from "./staff-callbacks.js";
import type { DraftPart } from "./staff-callbacks.js";
import { audienceKindKeyboard, circleToggleKeyboard, municipalityToggleKeyboard, promptKeyboard, previewKeyboard } from "./staff-keyboards.js";
import { audienceLabel, draftCard } from "./staff-texts.js";

export const TRAINING_EDITOR = "trainingEditor";

export const TRAINING_EDITOR_EXIT: FlowExit = {
  buttons: callbacks.FLOW_BUTTONS,
  cancel: callbacks.flowCancel,
  cancelLabel: "trainings.staff.cancel",
  cancelled: "trainings.staff.cancelled",
};

/** A training as the flow keeps it between replays: plain values only (results of `external` are JSON). */
interface Snapshot {
  title: string;
  startsAt: number;
  endsAt: number;
  place: string | null;
  onlineUrl: string | null;
  description: string;
  capacity: number | null;
  registrationDeadline: number | null;
  audience: TrainingAudience;
  registered: number;
  waitlisted: number;
  cancelled: boolean;
}

function toDraft(s: Snapshot): TrainingDraft {
  return {
    title: s.title,
    startsAt: new Date(s.startsAt),
    endsAt: new Date(s.endsAt),
    place: s.place,
    onlineUrl: s.onlineUrl,
    description: s.description,
    capacity: s.capacity,
    registrationDeadline: s.registrationDeadline === null ? null : new Date(s.registrationDeadline),
    audience: s.audience,
  };
}

/** Only what differs from before (an edit changes these, and only these). */
function changesOf(before: TrainingDraft, after: TrainingDraft): Partial<TrainingDraft> {
  const changes: Partial<TrainingDraft> = {};
  const time = (d: Date | null) => d?.getTime() ?? null;
  if (after.title !== before.title) changes.title = after.title;
  if (time(after.startsAt) !== time(before.startsAt)) changes.startsAt = after.startsAt;
  if (time(after.endsAt) !== time(before.endsAt)) changes.endsAt = after.endsAt;
  if (after.place !== before.place || after.onlineUrl !== before.onlineUrl) {
    changes.place = after.place;
    changes.onlineUrl = after.onlineUrl;
  }
  if (after.description !== before.description) changes.description = after.description;
  if (after.capacity !== before.capacity) changes.capacity = after.capacity;
  if (time(after.registrationDeadline) !== time(before.registrationDeadline)) changes.registrationDeadline = after.registrationDeadline;
  return changes;
}

type Answer = { text: string; ctx: ConversationContext };

/** Steps that may stay empty ("-" or the button "Ohne"). */
const OPTIONAL: readonly DraftPart[] = ["description", "capacity", "deadline"];

/**
 * `/schulung_neu` and "Bearbeiten", in a staff member's private chat: title, start, end (a time
 * or a duration), place or link, description, capacity, registration deadline and audience, one
 * after the other (editing starts at the preview); then the preview, the card as volunteers will
 * see it, from which each part can be changed, and "Veröffentlichen" (or "Speichern"). Leaving
 * follows the core's policy (core/flow.ts). Database calls go through `conversation.external`,
 * the clock through `conversation.now()`, so replays repeat no write.
 */
export function createTrainingEditor(service: TrainingService) {
  return async function trainingEditor(conversation: BotConversation, ctx: ConversationContext, trainingId?: number): Promise<void> {
    const t = ctx.t;
    const timeZone = ctx.config.timezone;
    let current = ctx;
    const editing = typeof trainingId === "number";
    const choices = await conversation.external(() => service.audienceChoices());
    const when = (date: Date) => formatDateTime(date, t, ctx.locale, timeZone);

    /** The next message or tap of the flow; a sticker or photo where text is wanted gets a hint. */
    async function answer(promptId: number, optional: boolean): Promise<Answer | "none"> {
      for (;;) {
        const next = await waitInFlow(conversation, TRAINING_EDITOR_EXIT);
        current = next;
        if (next.message?.text !== undefined) return { text: next.message.text, ctx: next };
        if (next.message) {
          await next.reply(t("trainings.staff.textPlease"));
          continue;
        }
        if (optional && callbacks.none.pattern.test(next.callbackQuery?.data ?? "") && next.callbackQuery?.message?.message_id === promptId) {
          await next.answerCallbackQuery();
          await ignoreNotModified(next.editMessageReplyMarkup());
          return "none";
        }
        await next.answerCallbackQuery({ text: t("trainings.staff.oldButton") });
      }
    }

    /** Asks until `read` accepts the answer; each refusal names its reason (`trainings.staff.error.<part>.<reason>`). */
    async function ask<T, E extends string>(part: DraftPart, read: (text: string, now: number) => Read<T, E>, vars: Record<string, string | number> = {}): Promise<T> {
      const optional = OPTIONAL.includes(part);
      const message = await current.reply(t(`trainings.staff.ask.${part}`, vars), { reply_markup: promptKeyboard(t, optional), link_preview_options: { is_disabled: true } });
      for (;;) {
        const got = await answer(message.message_id, optional);
        const result = read(got === "none" ? "-" : got.text, await conversation.now());
        if ("value" in result) return result.value;
        await current.reply(t(`trainings.staff.error.${part}.${result.error}`, vars));
      }
    }

    let draft: TrainingDraft;
    let before: TrainingDraft | undefined;
    let seats = { registered: 0, waitlisted: 0 };
    if (editing) {
      const id = trainingId;
      const found = await conversation.external((): Snapshot | null => {
        const training = service.find(id);
        if (!training) return null;
        const counts = service.seatsOf(id);
        return {
          ...training,
          startsAt: training.startsAt.getTime(),
          endsAt: training.endsAt.getTime(),
          registrationDeadline: training.registrationDeadline?.getTime() ?? null,
          registered: counts.registered,
          waitlisted: counts.waitlisted,
          cancelled: training.status === "cancelled",
        };
      });
      if (!found || found.cancelled) {
        await ctx.reply(t(found ? "trainings.staff.alreadyCancelled" : "trainings.staff.notFound"));
        return;
      }
      draft = toDraft(found);
      before = toDraft(found);
      seats = { registered: found.registered, waitlisted: found.waitlisted };
    } else {
      await ctx.reply(t("trainings.staff.intro"));
      draft = {} as TrainingDraft;
      for (const part of callbacks.DRAFT_PARTS) draft = await askPart(part, draft);
    }

    for (;;) {
      const now = await conversation.now();
      const problems = timeProblems(draft, now, before);
      const audience = draft.audience;
      const count = editing ? 0 : await conversation.external(() => service.audienceCount(audience));
      const text = t(editing ? "trainings.staff.previewEdit" : "trainings.staff.preview", {
        card: draftCard(t, ctx.locale, timeZone, draft, seats),
        audience: audienceLabel(t, ctx.locale, draft.audience, choices),
        count,
      });
      const notes = [
        ...problems.map((p) => t(`trainings.staff.problem.${p}`)),
        // Not a problem, but worth knowing: nobody loses a seat, newcomers go on the waitlist.
        ...(editing && draft.capacity !== null && draft.capacity < seats.registered ? [t("trainings.staff.fewerSeats", { count: draft.capacity, registered: seats.registered })] : []),
      ].join("\n");
      const preview = await current.reply(notes ? `${text}\n\n${notes}` : text, {
        reply_markup: previewKeyboard(t, { editing, canConfirm: problems.length === 0 }),
        link_preview_options: { is_disabled: true },
      });
      const tap = await nextTap(preview.message_id, [callbacks.confirm, callbacks.changePart]);
      await tap.answerCallbackQuery();
      await ignoreNotModified(tap.editMessageReplyMarkup());
      const part = callbacks.changePart.parse(tap.callbackQuery!.data!)?.part;
      if (part) {
        draft = await askPart(part, draft);
        continue;
      }
      // The preview may have waited for hours: a start or deadline passed since shows it again, with the note.
      if (timeProblems(draft, await conversation.now(), before).length > 0) continue;
      if (!(await stillStaff(conversation, tap))) return;
      if (!editing) {
        const final = draft;
        const key = `training:${tap.update.update_id}`;
        const authorId = tap.from!.id;
        const published = await conversation.external(() => {
          const result = service.publish(final, authorId, key);
          return { id: result.training.id, announced: result.announced };
        });
        await tap.reply(t("trainings.staff.published", { title: draft.title, count: published.announced }));
        return;
      }
      const changes = changesOf(before!, draft);
      if (Object.keys(changes).length === 0) {
        await tap.reply(t("trainings.staff.unchanged"));
        return;
      }
      const id = trainingId!;
      const actor = { id: tap.from!.id, key: updateKey(tap.update) };
      const saved = await conversation.external(() => {
        const result = service.update(id, changes, actor);
        if ("closed" in result) return { closed: result.closed, told: 0 };
        return { closed: null, told: result.told };
      });
      if (saved.closed) await tap.reply(t(saved.closed === "cancelled" ? "trainings.staff.alreadyCancelled" : "trainings.staff.notFound"));
      else await tap.reply(t(saved.told > 0 ? "trainings.staff.savedTold" : "trainings.staff.saved", { title: draft.title, count: saved.told }));
      return;
    }

    /** A tap on one of these buttons of that message; anything else is a hint or stale. */
    async function nextTap(messageId: number, accepts: ReadonlyArray<{ pattern: RegExp }>): Promise<ConversationContext> {
      for (;;) {
        const next = await waitInFlow(conversation, TRAINING_EDITOR_EXIT);
        current = next;
        const data = next.callbackQuery?.data;
        if (data === undefined) {
          await next.reply(t("trainings.staff.useButtons"));
          continue;
        }
        if (next.callbackQuery?.message?.message_id === messageId && accepts.some((button) => button.pattern.test(data))) return next;
        await next.answerCallbackQuery({ text: t("trainings.staff.oldButton") });
      }
    }

    /** Asks one part; a new start keeps the duration (the end moves with it). */
    async function askPart(part: DraftPart, d: TrainingDraft): Promise<TrainingDraft> {
      switch (part) {
        case "title":
          return { ...d, title: await ask(part, readTitle, { max: LIMITS.title }) };
        case "start": {
          const startsAt = await ask(part, (text, now) => readStart(text, timeZone, now));
          if (!d.endsAt) return { ...d, startsAt };
          return { ...d, startsAt, endsAt: new Date(startsAt.getTime() + (d.endsAt.getTime() - d.startsAt.getTime())) };
        }
        case "end":
          return { ...d, endsAt: await ask(part, (text) => readEnd(text, d.startsAt, timeZone), { start: when(d.startsAt), max: LIMITS.maxDurationDays }) };
        case "place":
          return { ...d, ...(await ask(part, readPlace, { max: LIMITS.place })) };
        case "description":
          return { ...d, description: await ask(part, readDescription, { max: LIMITS.description }) };
        case "capacity":
          return { ...d, capacity: await ask(part, readCapacity, { max: LIMITS.capacity }) };
        case "deadline":
          return { ...d, registrationDeadline: await ask(part, (text, now) => readDeadline(text, d.startsAt, timeZone, now), { start: when(d.startsAt) }) };
        case "audience":
          return { ...d, audience: await askAudience(d.audience) };
      }
    }

    /** All volunteers, chosen municipalities (paged toggles) or chosen circles, in one message edited in place. */
    async function askAudience(initial: TrainingAudience | undefined): Promise<TrainingAudience> {
      const municipalities = new Set(initial?.kind === "municipalities" ? initial.ids : []);
      const circles = new Set(initial?.kind === "circles" ? initial.ids : []);
      let screen: "kinds" | "mun" | "circ" = "kinds";
      let page = 0;
      const message = await current.reply(t("trainings.staff.ask.audience"), { reply_markup: audienceKindKeyboard(t, choices) });
      for (;;) {
        const tap = await nextTap(message.message_id, [
          callbacks.audienceKind,
          callbacks.toggleMunicipality,
          callbacks.municipalityPage,
          callbacks.toggleCircle,
          callbacks.audienceBack,
          callbacks.audienceDone,
        ]);
        const data = tap.callbackQuery!.data!;
        const kind = callbacks.audienceKind.parse(data)?.kind;
        if (kind === "all") {
          await tap.answerCallbackQuery();
          await ignoreNotModified(tap.editMessageReplyMarkup());
          return { kind: "all" };
        }
        if (kind === "mun" || kind === "circ") screen = kind;
        if (callbacks.audienceBack.pattern.test(data)) screen = "kinds";
        const toggle = callbacks.toggleMunicipality.parse(data);
        if (toggle) {
          if (toggle.on) municipalities.add(toggle.id);
          else municipalities.delete(toggle.id);
          page = toggle.page;
        }
        const turn = callbacks.municipalityPage.parse(data);
        if (turn) page = turn.page;
        const circle = callbacks.toggleCircle.parse(data);
        if (circle) {
          if (circle.on) circles.add(circle.id);
          else circles.delete(circle.id);
        }
        if (callbacks.audienceDone.pattern.test(data)) {
          const ids = [...(screen === "mun" ? municipalities : circles)].sort((a, b) => a - b);
          if (ids.length > 0 && screen !== "kinds") {
            await tap.answerCallbackQuery();
            await ignoreNotModified(tap.editMessageReplyMarkup());
            return screen === "mun" ? { kind: "municipalities", ids } : { kind: "circles", ids };
          }
          await tap.answerCallbackQuery({ text: t("trainings.staff.chooseOne"), show_alert: true });
          continue;
        }
        await tap.answerCallbackQuery();
        await ignoreNotModified(tap.editMessageText(...(await screenOf(screen, page))));
      }

      async function screenOf(which: "kinds" | "mun" | "circ", p: number): Promise<[string, { reply_markup: InlineKeyboard }]> {
        if (which === "kinds") return [t("trainings.staff.ask.audience"), { reply_markup: audienceKindKeyboard(t, choices) }];
        const selection: TrainingAudience = which === "mun" ? { kind: "municipalities", ids: [...municipalities] } : { kind: "circles", ids: [...circles] };
        const count = await conversation.external(() => service.audienceCount(selection));
        if (which === "mun") return [t("trainings.staff.pickMunicipalities", { count }), { reply_markup: municipalityToggleKeyboard(t, choices, municipalities, p) }];
        const key = choices.circles.length > 0 ? "trainings.staff.pickCircles" : "trainings.staff.noCircles";
        return [t(key, { count }), { reply_markup: circleToggleKeyboard(t, choices, circles) }];
      }
    }
  };
}

