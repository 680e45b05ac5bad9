import type { Message } from "grammy/types";
import type { Config } from "../../config.js";
import type { CallbackDef } from "../../core/callback-data.js";
import type { BotConversation, ConversationContext } from "../../core/context.js";
import { formatDateTime, parseDateTime } from "../../core/format.js";
import { stillStaff, waitInFlow, type FlowExit } from "../../core/flow.js";
import { ignoreNotModified, isTelegramError } from "../../core/telegram-errors.js";
import * as callbacks from "./callbacks.js";
import { audienceKindKeyboard, cancelKeyboard, circleKeyboard, municipalityKeyboard, previewKeyboard, trainingKeyboard } from "./keyboards.js";
import type { Audience } from "./schema.js";
import type { AudienceChoices, BroadcastService } from "./service.js";
import { audienceLabel, reachLabel } from "./texts.js";

export const BROADCAST_COMPOSE = "broadcastCompose";

export const BROADCAST_COMPOSE_EXIT: FlowExit = {
  buttons: callbacks.COMPOSE_BUTTONS,
  cancel: callbacks.cancel,
  cancelLabel: "broadcasts.cancel",
  cancelled: "broadcasts.cancelled",
};

/** What a broadcast may be: copied as it is (formatting, media and captions survive). */
function isSendable(message: Message): boolean {
  return Boolean(message.text ?? message.photo ?? message.document ?? message.video ?? message.animation ?? message.audio ?? message.voice);
}

type Tap = { data: string; ctx: ConversationContext };

/**
 * `/rundschreiben`, in a staff member's private chat: the message (or album) to send, the
 * audience with counts, a preview (the copy itself), then send now, schedule or cancel. The
 * message is kept by reference and copied to every recipient. Leaving follows the core's policy.
 */
export function createBroadcastComposer(service: BroadcastService, config: Config) {
  return async function broadcastCompose(conversation: BotConversation, ctx: ConversationContext): Promise<void> {
    const chatId = ctx.chat!.id;
    // Makes queuing idempotent: a replayed tap finds the job the first run queued.
    const key = await conversation.external(() => crypto.randomUUID());
    await ctx.reply(ctx.t("broadcasts.compose.askMessage"), { reply_markup: cancelKeyboard(ctx.t) });

    // 1. The message.
    let current: ConversationContext;
    for (;;) {
      current = await waitInFlow(conversation, BROADCAST_COMPOSE_EXIT);
      if (current.message && isSendable(current.message)) break;
      if (current.callbackQuery) await current.answerCallbackQuery({ text: current.t("broadcasts.oldButton") });
      else await current.reply(current.t("broadcasts.compose.unsupported"));
    }
    const first = current.message!;
    const album = first.media_group_id;
    const messageIds = [first.message_id];

    /** The next tap on a compose button; album parts still arriving join the message. */
    async function nextTap(accepts: ReadonlyArray<CallbackDef<unknown>>): Promise<Tap> {
      for (;;) {
        const next = await waitInFlow(conversation, BROADCAST_COMPOSE_EXIT);
        const data = next.callbackQuery?.data;
        if (data === undefined) {
          if (album !== undefined && next.message?.media_group_id === album) {
            if (!messageIds.includes(next.message.message_id)) messageIds.push(next.message.message_id);
            messageIds.sort((a, b) => a - b);
            continue;
          }
          await next.reply(next.t("broadcasts.useButtons"));
          continue;
        }
        if (accepts.some((button) => button.pattern.test(data))) return { data, ctx: next };
        await next.answerCallbackQuery({ text: next.t("broadcasts.oldButton") });
      }
    }

    const choices = () => conversation.external(() => service.choices());
    const countsOf = (audience: Audience) => conversation.external(() => service.counts(audience));

    // 2. The audience, 3. the preview, 4. send, schedule or cancel.
    let audience: Audience | undefined;
    const municipalities = new Set<number>();
    const circles = new Set<number>();
    let groups = false;
    for (;;) {
      if (!audience) {
        audience = await chooseAudience();
        if (!audience) continue;
      }
      const counts = await countsOf(audience);
      const options = await choices();
      await current.reply(current.t("broadcasts.preview.intro"));
      try {
        if (messageIds.length === 1) await current.api.copyMessage(chatId, chatId, messageIds[0]!);
        else await current.api.copyMessages(chatId, chatId, messageIds);
      } catch (error) {
        // Telegram refuses to copy it (protected content, a kind it cannot copy, gone): neither
        // could it copy it to the recipients.
        if (!isTelegramError(error, "badRequest", "messageNotFound")) throw error;
        await current.reply(current.t("broadcasts.compose.uncopyable"));
        return;
      }
      const total = counts.volunteers + counts.groups;
      await current.reply(
        current.t(total > 0 ? "broadcasts.preview.summary" : "broadcasts.preview.nobody", {
          reach: reachLabel(current.t, counts),
          audience: audienceLabel(current.t, current.locale, audience, options),
        }),
        { reply_markup: previewKeyboard(current.t, total > 0) },
      );
      const tap = await nextTap([callbacks.sendNow, callbacks.schedule, callbacks.changeAudience]);
      current = tap.ctx;
      await current.answerCallbackQuery();
      await ignoreNotModified(current.editMessageReplyMarkup());
      if (callbacks.changeAudience.pattern.test(tap.data)) {
        audience = undefined;
        continue;
      }
      let sendAt: Date | undefined;
      if (callbacks.schedule.pattern.test(tap.data)) {
        sendAt = await askTime();
      }
      if (!(await stillStaff(conversation, current))) return;
      const chosen = audience;
      const queued = await conversation.external(() =>
        service.send({ key, authorId: current.from!.id, fromChatId: chatId, messageIds, audience: chosen, sendAt }),
      );
      if (!queued.queued) {
        await current.reply(current.t("broadcasts.nobodyNow"));
        return;
      }
      const reach = reachLabel(current.t, queued);
      await current.reply(
        sendAt
          ? current.t("broadcasts.scheduled", { id: queued.jobId, reach, time: formatDateTime(sendAt, current.t, current.locale, config.timezone) })
          : current.t("broadcasts.queued", { id: queued.jobId, reach }),
      );
      return;
    }

    /** The choice of audience, in one message edited in place. Undefined: show the choice again. */
    async function chooseAudience(): Promise<Audience | undefined> {
      let options = await choices();
      await current.reply(current.t("broadcasts.audience.ask"), { reply_markup: audienceKindKeyboard(current.t, options) });
      let screen: "kinds" | "mun" | "circ" | "train" = "kinds";
      let page = 0;
      for (;;) {
        const tap = await nextTap([
          callbacks.audienceKind,
          callbacks.toggleMunicipality,
          callbacks.municipalityPage,
          callbacks.toggleCircle,
          callbacks.withGroups,
          callbacks.pickTraining,
          callbacks.done,
          callbacks.back,
        ]);
        current = tap.ctx;
        const kind = callbacks.audienceKind.parse(tap.data)?.kind;
        if (kind === "all" || kind === "groups") {
          await current.answerCallbackQuery();
          await ignoreNotModified(current.editMessageReplyMarkup());
          return kind === "all" ? { kind: "all" } : { kind: "groups" };
        }
        const training = callbacks.pickTraining.parse(tap.data);
        if (training && options.trainings.some((entry) => entry.id === training.id)) {
          await current.answerCallbackQuery();
          await ignoreNotModified(current.editMessageReplyMarkup());
          return { kind: "training", trainingId: training.id };
        }
        if (kind === "mun") screen = "mun";
        else if (kind === "circ") screen = "circ";
        else if (kind === "train") screen = "train";
        else if (callbacks.back.pattern.test(tap.data)) screen = "kinds";
        const toggle = callbacks.toggleMunicipality.parse(tap.data);
        if (toggle) {
          if (toggle.on) municipalities.add(toggle.id);
          else municipalities.delete(toggle.id);
          page = toggle.page;
        }
        const turn = callbacks.municipalityPage.parse(tap.data);
        if (turn) page = turn.page;
        const circle = callbacks.toggleCircle.parse(tap.data);
        if (circle) {
          if (circle.on) circles.add(circle.id);
          else circles.delete(circle.id);
        }
        const withGroups = callbacks.withGroups.parse(tap.data);
        if (withGroups) groups = withGroups.on;
        if (callbacks.done.pattern.test(tap.data)) {
          const selection: Audience | undefined =
            screen === "mun" && municipalities.size > 0
              ? { kind: "municipalities", ids: [...municipalities].sort((a, b) => a - b) }
              : screen === "circ" && circles.size > 0
                ? { kind: "circles", ids: [...circles].sort((a, b) => a - b), withGroups: groups }
                : undefined;
          if (selection) {
            await current.answerCallbackQuery();
            await ignoreNotModified(current.editMessageReplyMarkup());
            return selection;
          }
          await current.answerCallbackQuery({ text: current.t("broadcasts.audience.chooseOne"), show_alert: true });
          continue;
        }
        await current.answerCallbackQuery();
        options = await choices();
        await showScreen(options);
      }

      async function showScreen(options: AudienceChoices): Promise<void> {
        if (screen === "kinds") {
          await ignoreNotModified(current.editMessageText(current.t("broadcasts.audience.ask"), { reply_markup: audienceKindKeyboard(current.t, options) }));
          return;
        }
        if (screen === "train") {
          const text = current.t(options.trainings.length > 0 ? "broadcasts.audience.pickTraining" : "broadcasts.audience.noTrainings");
          await ignoreNotModified(current.editMessageText(text, { reply_markup: trainingKeyboard(current.t, current.locale, config.timezone, options) }));
          return;
        }
        const selection: Audience =
          screen === "mun" ? { kind: "municipalities", ids: [...municipalities] } : { kind: "circles", ids: [...circles], withGroups: groups };
        const counts = await countsOf(selection);
        const text = current.t(screen === "mun" ? "broadcasts.audience.pickMunicipalities" : options.circles.length > 0 ? "broadcasts.audience.pickCircles" : "broadcasts.audience.noCircles", {
          reach: reachLabel(current.t, counts),
        });
        const keyboard = screen === "mun" ? municipalityKeyboard(current.t, options, municipalities, page) : circleKeyboard(current.t, options, circles, groups);
        await ignoreNotModified(current.editMessageText(text, { reply_markup: keyboard }));
      }
    }

    /** "TT.MM.JJJJ HH:MM", Europe/Berlin (TIMEZONE), not in the past. */
    async function askTime(): Promise<Date> {
      await current.reply(current.t("broadcasts.schedule.ask"), { reply_markup: cancelKeyboard(current.t) });
      for (;;) {
        const next = await waitInFlow(conversation, BROADCAST_COMPOSE_EXIT);
        current = next;
        if (next.callbackQuery) {
          await next.answerCallbackQuery({ text: next.t("broadcasts.oldButton") });
          continue;
        }
        const text = next.message?.text;
        const at = text === undefined ? undefined : parseDateTime(text, config.timezone);
        if (!at) {
          await next.reply(next.t("broadcasts.schedule.invalid"));
          continue;
        }
        if (at.getTime() <= (await conversation.now())) {
          await next.reply(next.t("broadcasts.schedule.past"));
          continue;
        }
        return at;
      }
    }
  };
}
